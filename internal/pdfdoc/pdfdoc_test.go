package pdfdoc

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The cross-reference table points at every object, the text is in
// WinAnsi with its parentheses escaped, and long text wraps.
func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	d := Doc{Title: "Kunniakirja (testi)", Lines: []Line{
		{Text: "Kunniakirja", Size: 30, Bold: true},
		{Text: "Kotihoidon toiminnanohjaus (Kangasala) – öljy ja åkerö", Size: 14},
		{Text: strings.Repeat("pitkä sana ", 60), Size: 11},
	}}
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-1.4")) || !bytes.HasSuffix(out, []byte("%%EOF\n")) {
		t.Fatal("not a PDF frame")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(out)
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(out[xref:], []byte("xref\n")) {
		t.Fatal("startxref does not point at the table")
	}
	for i, off := range regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(out, -1) {
		n, _ := strconv.Atoi(string(off[1]))
		if !bytes.HasPrefix(out[n:], []byte(strconv.Itoa(i+1)+" 0 obj")) {
			t.Fatalf("object %d is not at %d", i+1, n)
		}
	}
	if !bytes.Contains(out, []byte("(Kotihoidon toiminnanohjaus \\(Kangasala\\) \x96 \xf6ljy ja \xe5ker\xf6)")) {
		t.Fatal("text not in WinAnsi with escapes")
	}
	if n := bytes.Count(out, []byte(" Tj ET")); n < 5 {
		t.Fatalf("%d text lines: the long one did not wrap", n)
	}
	if dir := os.Getenv("PDFDOC_OUT"); dir != "" {
		os.WriteFile(dir+"/sample.pdf", out, 0o644)
	}
}
