package web

import (
	"io"
	"mime"
	"net/http"
)

// Browsers send a file's name as it is, control characters and all, inside
// the part's Content-Disposition header, and Go's multipart reader refuses
// a header with such a byte, failing the whole form: everything the person
// typed would be lost over a file name. headerCleaner replaces control
// characters in the parts' headers (never in their contents) with "_"
// while the body streams through, so the form parses and the name is kept
// as readable as it can be.
type headerCleaner struct {
	r     io.Reader
	delim []byte // "\r\n--" + boundary
	match int    // how much of delim the stream has just matched
	inHdr bool   // between a boundary and the blank line after it
	tail  uint32 // the last four bytes, to see "\r\n\r\n"
}

// cleanMultipartHeaders wraps r's body when it is multipart.
func cleanMultipartHeaders(r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" || r.Body == nil {
		return
	}
	hc := &headerCleaner{r: r.Body, delim: []byte("\r\n--" + params["boundary"])}
	// The body opens with the boundary without the line break before it.
	hc.match = 2
	r.Body = struct {
		io.Reader
		io.Closer
	}{hc, r.Body}
}

func (h *headerCleaner) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	for i := 0; i < n; i++ {
		b := p[i]
		if h.inHdr {
			if (b < 0x20 && b != '\r' && b != '\n' && b != '\t') || b == 0x7f {
				p[i] = '_'
				b = '_'
			}
			h.tail = h.tail<<8 | uint32(b)
			if h.tail == 0x0d0a0d0a {
				h.inHdr = false
			}
			continue
		}
		// Boundaries contain no '\r', so on a mismatch the match can only
		// start again at this byte.
		if b == h.delim[h.match] {
			h.match++
		} else if b == h.delim[0] {
			h.match = 1
		} else {
			h.match = 0
		}
		if h.match == len(h.delim) {
			h.match = 0
			h.inHdr = true
			h.tail = 0
		}
	}
	return n, err
}
