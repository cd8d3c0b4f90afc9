package mail

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// BaseURLPlaceholder, anywhere in an outbox body, is replaced by the site's
// base URL (without a trailing slash) when the mail is sent: a producer
// writes "{{base_url}}/jury/accept?token=…" and need not know the address
// the site is served at.
//
// A body without the placeholder is read the older way, which is what the
// campaign invitations write today: every line that starts with a single
// "/" is a site path, and the base URL is put in front of it.
const BaseURLPlaceholder = "{{base_url}}"

// maxLine is the length RFC 5322 asks header lines to keep to.
const maxLine = 78

// ExpandBody gives body as it is mailed: line ends made "\n" and the base
// URL put in front of site paths, by the rules of BaseURLPlaceholder.
func ExpandBody(body, baseURL string) string {
	baseURL = strings.TrimSuffix(baseURL, "/")
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if strings.Contains(body, BaseURLPlaceholder) {
		return strings.ReplaceAll(body, BaseURLPlaceholder, baseURL)
	}
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "/") && !strings.HasPrefix(l, "//") {
			lines[i] = baseURL + l
		}
	}
	return strings.Join(lines, "\n")
}

// message is one mail ready for the SMTP DATA command.
type message struct {
	id       int64
	to       *mail.Address
	envelope string // the recipient's bare address, for RCPT TO
	data     []byte
	attempts int // tries before this one
}

// buildMessage writes an RFC 5322 message: UTF-8 text in quoted-printable,
// so the message is 7-bit clean whatever the server offers, and headers
// encoded (RFC 2047) and folded where needed. The Message-ID is derived
// from the outbox row, so a mail sent twice (a node died between sending
// and recording it) carries the same Message-ID both times and receivers
// can tell the copies apart.
func buildMessage(id int64, from, to *mail.Address, subject, body string, created, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	header := func(name, value string) {
		writeFolded(&b, name+": "+value)
	}
	domain := "localhost"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 && i+1 < len(from.Address) {
		domain = from.Address[i+1:]
	}
	header("Date", now.Format(time.RFC1123Z))
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	header("Message-ID", fmt.Sprintf("<tekotori.%d.%s@%s>", id, strconv.FormatInt(created.UnixMicro(), 36), domain))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("text/plain", map[string]string{"charset": "utf-8"}))
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: an automatic mail, so vacation responders stay quiet.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// oneLine keeps a header value on one logical line: a subject with a line
// break in it must not be able to add headers of its own.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// writeFolded writes one header field, folded at spaces so that lines keep
// to maxLine where the words allow (RFC 5322 section 2.2.3). Encoded words
// are at most 75 characters, so an encoded subject always folds. The first
// word of the value stays beside the field name, which some readers need.
func writeFolded(b *bytes.Buffer, field string) {
	lineLen := 0
	for i, w := range strings.Split(field, " ") {
		if i > 0 {
			if i > 1 && lineLen+1+len(w) > maxLine {
				b.WriteString("\r\n")
				lineLen = 0
			}
			b.WriteByte(' ')
			lineLen++
		}
		b.WriteString(w)
		lineLen += len(w)
	}
	b.WriteString("\r\n")
}

// parseRecipient checks an outbox address: one mailbox, no display name
// trickery, no line breaks, and the domain part present.
func parseRecipient(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("invalid address %q: %w", s, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 || strings.ContainsAny(a.Address, "\r\n<>") {
		return nil, fmt.Errorf("invalid address %q", s)
	}
	return a, nil
}
