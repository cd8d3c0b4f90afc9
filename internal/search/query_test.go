package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"hyvinvointi", "[hyvinvointi]"},
		{"Työhyvinvointi JA kunta", "[työhyvinvointi] [kunta]"},
		{`"kotihoidon toiminnanohjaus" kunta`, `["kotihoidon toiminnanohjaus"] [kunta]`},
		{`kunta -koulu`, "[kunta] -[koulu]"},
		{`-"kotihoidon toiminnanohjaus"`, `-["kotihoidon toiminnanohjaus"]`},
		{`"avoin lainaus`, `["avoin lainaus"]`},
		{`hyvinvointi AND kunta OR koulu NEAR x`, "[hyvinvointi] [kunta] [koulu]"},
		{"!!! *** :::", ""},
		{"'; DROP TABLE deeds; --", "[drop] [table] [deeds]"},
		{"sosiaali- ja terveyspalvelut", "[sosiaali] [terveyspalvelut]"},
	} {
		if got := describeQuery(ParseQuery(tc.in)); got != tc.want {
			t.Errorf("ParseQuery(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func describeQuery(q Query) string {
	var parts []string
	for _, c := range q.Clauses {
		s := "[" + strings.Join(c.Words, " ") + "]"
		if c.Phrase {
			s = `["` + strings.Join(c.Words, " ") + `"]`
		}
		if c.Negate {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"hyvinvointi", `"a b" -c`, "\xff\xfe", strings.Repeat("ä", 400), `""""`, "- - -", "NEAR AND"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		words := 0
		for _, c := range q.Clauses {
			if len(c.Words) == 0 {
				t.Fatalf("empty clause from %q", s)
			}
			for _, w := range c.Words {
				if w == "" || !utf8.ValidString(w) {
					t.Fatalf("bad word %q from %q", w, s)
				}
				words++
			}
		}
		if words > MaxQueryWords {
			t.Fatalf("%d words from %q", words, s)
		}
	})
}

func TestWithinOneEdit(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"kunta", "kunta", false}, {"kunta", "kuntaa", true}, {"kunta", "unta", true}, {"kunta", "kuhta", true},
		{"kunta", "kutna", true}, {"kunta", "kutn", false}, {"hävikki", "hävkki", true}, {"ä", "a", true}, {"kunta", "koulu", false},
	} {
		if got := withinOneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
