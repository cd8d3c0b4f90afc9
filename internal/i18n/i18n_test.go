package i18n

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCatalogsAgree(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fi := c.Keys("fi")
	if len(fi) < 100 {
		t.Fatalf("Finnish catalogue has only %d keys", len(fi))
	}
	verbs := regexp.MustCompile(`%[ds]`)
	for _, lang := range []string{"sv", "en"} {
		if got := c.Keys(lang); !slices.Equal(got, fi) {
			for _, k := range fi {
				if !c.Has(lang, k) {
					t.Errorf("%s lacks %q", lang, k)
				}
			}
			for _, k := range got {
				if !c.Has("fi", k) {
					t.Errorf("%s has %q that Finnish lacks", lang, k)
				}
			}
		}
		for _, k := range fi {
			a := verbs.FindAllString(c.T("fi", k), -1)
			b := verbs.FindAllString(c.msgs[lang][k], -1)
			if !slices.Equal(a, b) {
				t.Errorf("%s %q: verbs %v, Finnish has %v", lang, k, b, a)
			}
			if strings.TrimSpace(c.msgs[lang][k]) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
		}
	}
}

// Every message key the templates and the Go code name must exist, so no
// page ever shows a raw key.
func TestEveryUsedKeyExists(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..")
	literal := regexp.MustCompile(`(?:\.T|\bT) "([a-z0-9_]+\.[a-z0-9_.]+)"`)
	goKey := regexp.MustCompile(`"((?:error|flash|form|field|nav|deed|admin|login|register)\.[a-z0-9_]+)(?:\|[^"]*)?"`)
	found := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext != ".html" && (ext != ".go" || strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var keys [][]string
		if ext == ".html" {
			keys = literal.FindAllStringSubmatch(string(body), -1)
		} else {
			keys = goKey.FindAllStringSubmatch(string(body), -1)
		}
		for _, m := range keys {
			found++
			if !c.Has("fi", m[1]) {
				t.Errorf("%s uses missing key %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 100 {
		t.Fatalf("found only %d key uses; is the scan broken?", found)
	}
}

func TestTranslate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("fi", "error.too_long|300"); got != "Enintään 300 merkkiä." {
		t.Fatalf("argument after |: %q", got)
	}
	if got := c.T("sv", "no.such.key"); got != "no.such.key" {
		t.Fatalf("missing key: %q", got)
	}
	if got := c.T("en", "pager.current", 2, 5); !strings.Contains(got, "2") || !strings.Contains(got, "5") {
		t.Fatalf("formatting: %q", got)
	}
}

func TestFromRequest(t *testing.T) {
	for _, tc := range []struct{ cookie, accept, want string }{
		{"", "", "fi"},
		{"", "sv-FI,sv;q=0.9,en;q=0.8", "sv"},
		{"", "de-DE,en;q=0.5", "en"},
		{"en", "sv", "en"},
		{"xx", "sv", "sv"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", "lang="+tc.cookie)
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if got := FromRequest(r); got != tc.want {
			t.Errorf("cookie %q accept %q: %q, want %q", tc.cookie, tc.accept, got, tc.want)
		}
	}
}

func TestTextIn(t *testing.T) {
	x := Text{FI: "Kunta", SV: "Kommun"}
	if x.In("sv") != "Kommun" || x.In("en") != "Kunta" || x.In("fi") != "Kunta" {
		t.Fatal(x)
	}
}
