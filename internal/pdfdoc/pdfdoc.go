// Package pdfdoc writes one-page PDF documents of plain text lines in the
// standard Helvetica fonts, enough for a printable award certificate
// without a PDF library: the base-14 fonts need no embedding, and their
// WinAnsi encoding covers Finnish and Swedish letters.
package pdfdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// A4 in points.
const (
	pageWidth  = 595
	pageHeight = 842
	margin     = 72
)

// Line is a line (or paragraph, wrapped) of text.
type Line struct {
	Text string
	Size float64 // points
	Bold bool
	// Gap is the space above the line, in points.
	Gap float64
}

// Doc is a one-page document.
type Doc struct {
	Title string
	Lines []Line
}

// Write writes d as a PDF.
func (d Doc) Write(w io.Writer) error {
	var content bytes.Buffer
	y := float64(pageHeight - margin)
	for _, l := range d.Lines {
		size := l.Size
		if size <= 0 {
			size = 12
		}
		font := "F1"
		if l.Bold {
			font = "F2"
		}
		y -= l.Gap
		for _, part := range wrap(l.Text, size) {
			y -= size * 1.3
			fmt.Fprintf(&content, "BT /%s %.1f Tf %d %.1f Td (%s) Tj ET\n", font, size, margin, y, escape(part))
		}
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>", pageWidth, pageHeight),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (Tekotori) >>", escape(d.Title)),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, len(objs), xref)
	_, err := w.Write(out.Bytes())
	return err
}

// wrap breaks text into lines that fit the page at size, by an average
// Helvetica letter width (about half the size), at spaces.
func wrap(text string, size float64) []string {
	perLine := int((pageWidth - 2*margin) / (size * 0.52))
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case len([]rune(line))+1+len([]rune(word)) <= perLine:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}

// escape encodes s in WinAnsi (a letter outside it becomes "?") as a PDF
// string literal's contents.
func escape(s string) string {
	enc := charmap.Windows1252.NewEncoder()
	var b strings.Builder
	for _, r := range s {
		c, err := enc.Bytes([]byte(string(r)))
		if err != nil || len(c) != 1 {
			c = []byte{'?'}
		}
		switch c[0] {
		case '(', ')', '\\':
			b.WriteByte('\\')
			b.WriteByte(c[0])
		default:
			if c[0] < 0x20 {
				b.WriteByte(' ')
			} else {
				b.WriteByte(c[0])
			}
		}
	}
	return b.String()
}
