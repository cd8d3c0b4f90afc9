package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCleanMultipartHeaders checks that cleaning the parts' headers lets a
// form with any file name parse and never changes what the parts hold.
func FuzzCleanMultipartHeaders(f *testing.F) {
	f.Add("kuva\x01.png", "teksti", []byte("\r\n--x\r\n\r\n\x01\x7f"))
	f.Add("ok.png", "", []byte{})
	f.Add("a\x00b\x1f\x7f", "rivi\r\nrivi", []byte("--"))
	f.Fuzz(func(t *testing.T, name, value string, content []byte) {
		if name == "" || strings.ContainsAny(name, "\r\n\"\\") {
			// A part without a file name is a plain value; the browser
			// escapes the rest itself, which Go's writer does not.
			return
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("title", value)
		w, _ := mw.CreateFormFile("image_upload", name)
		w.Write(content)
		mw.WriteField("after", value)
		mw.Close()
		r := httptest.NewRequest("POST", "/", &buf)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		cleanMultipartHeaders(r)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Fatalf("parse: %v", err)
		}
		if got := r.MultipartForm.Value["title"]; len(got) != 1 || got[0] != value {
			t.Fatalf("title %q, want %q", got, value)
		}
		if got := r.MultipartForm.Value["after"]; len(got) != 1 || got[0] != value {
			t.Fatalf("after %q, want %q", got, value)
		}
		fhs := r.MultipartForm.File["image_upload"]
		if len(fhs) != 1 {
			t.Fatalf("%d files", len(fhs))
		}
		fr, _ := fhs[0].Open()
		got, _ := io.ReadAll(fr)
		if !bytes.Equal(got, content) {
			t.Fatalf("content changed: %q, want %q", got, content)
		}
	})
}
