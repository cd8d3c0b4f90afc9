package deed_test

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// FuzzImport feeds arbitrary bytes to the importer: it must never panic
// or fail as a whole, every problem must name a line that exists, and the
// counts must add up to no more than the lines read.
func FuzzImport(f *testing.F) {
	demo, err := os.ReadFile(demoFile)
	if err != nil {
		f.Fatal(err)
	}
	var demoLines []string
	sc := bufio.NewScanner(bytes.NewReader(demo))
	sc.Buffer(nil, deed.MaxLineBytes)
	for sc.Scan() {
		demoLines = append(demoLines, sc.Text())
	}
	for _, s := range []string{
		demoLines[0],
		demoLines[7] + "\n" + demoLines[8],
		demoLines[45] + "\r\n\r\n" + demoLines[45],
		rec("F-1", map[string]any{"themes": []string{"Uusi teema", "uusi teema", "UUSI TEEMA"}}),
		rec("F-2", map[string]any{"organisation": map[string]any{"name": "Fuzz Oy"}, "municipality": map[string]any{"code": "091"}}),
		rec("F-3", map[string]any{"published_at": "0001-01-01T00:00:00Z", "year": 2020}),
		rec("F-4", map[string]any{"title": "a\x00b\xff", "summary": "\u2028\u2029"}),
		rec("F-5", map[string]any{"client_groups": []string{"!!!"}, "sector": "---"}),
		`{"ref":"x"}`,
		`{"ref":` + strings.Repeat("[", 200),
		"{}\n[]\nnull\n\"\"\n0\n",
		"\xff\xfe\x00garbage\n\n\n",
		"",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	db := storetest.Open(f, storetest.SQLite)
	a := newApp(f, db)

	f.Fuzz(func(t *testing.T, data []byte, addTerms bool) {
		rep, err := a.Importer.Import(t.Context(), bytes.NewReader(data), deed.ImportOptions{AddTerms: addTerms})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		prev := 0
		for _, e := range rep.Errors {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("error on line %d of %d: %+v", e.Line, lines, e)
			}
			if e.Line <= prev {
				t.Fatalf("error lines out of order: %d after %d", e.Line, prev)
			}
			prev = e.Line
			if e.Reason == "" {
				t.Fatalf("error without reason on line %d", e.Line)
			}
		}
		if rep.Added < 0 || rep.Updated < 0 || rep.Added+rep.Updated+len(rep.Errors) > lines {
			t.Fatalf("added %d updated %d errors %d from %d lines", rep.Added, rep.Updated, len(rep.Errors), lines)
		}
	})
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// FuzzSlugify: any title gives a short, clean, stable slug.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"", "Hyvä teko", "  --Åbo & Närpes!!  ", "\xff\x00", "İstanbul KELVIN \u212a",
		strings.Repeat("ä ", 100), strings.Repeat("x", 200), "ǅemal ß ﬁ", "-a-", "123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := deed.Slugify(title)
		if !slugPattern.MatchString(s) || len(s) > 60 {
			t.Fatalf("Slugify(%q) = %q", title, s)
		}
		if again := deed.Slugify(s); again != s {
			t.Fatalf("Slugify not stable: %q -> %q -> %q", title, s, again)
		}
	})
}

// FuzzNormalize: cleaned content is valid UTF-8 without NUL or carriage
// returns, and nothing a person wrote is lost.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "a\x00b", "\xff\xfe", "rivi\r\nrivi\r", "  ä  ", "\u00a0x\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := deed.Content{Title: s, Need: s, Themes: []string{s, s}, Contact: deed.Contact{Email: s},
			Links: []deed.Link{{URL: s, Title: s}}}
		c.Normalize()
		for _, v := range []string{c.Title, c.Need, c.Contact.Email} {
			if !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r") || v != strings.TrimSpace(v) {
				t.Fatalf("Normalize(%q) = %q", s, v)
			}
		}
		if len(c.Themes) > 1 {
			t.Fatalf("duplicate themes kept: %q", c.Themes)
		}
		if (c.Title == "") != (len(c.Links) == 0) || len(c.Themes) != len(c.Links) {
			t.Fatalf("empty title %q but links %v themes %q", c.Title, c.Links, c.Themes)
		}
		// Only white space at the ends goes; every other valid rune stays,
		// in order.
		visible := func(v string) []rune {
			var out []rune
			for _, r := range v {
				if !unicode.IsSpace(r) && r != 0 && r != utf8.RuneError {
					out = append(out, r)
				}
			}
			return out
		}
		if !slices.Equal(visible(s), visible(c.Title)) {
			t.Fatalf("Normalize(%q) = %q lost or added text", s, c.Title)
		}
		if strings.ContainsRune(s, 0) && !strings.ContainsRune(c.Title, utf8.RuneError) {
			t.Fatalf("NUL in %q dropped without trace: %q", s, c.Title)
		}
	})
}
