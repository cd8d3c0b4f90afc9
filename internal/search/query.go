package search

import (
	"strings"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
)

// Limits on what one query may ask for, so that any input stays cheap.
const (
	MaxQueryBytes = 500
	MaxQueryWords = 16
)

// Clause is one part of a query: a word, or a quoted phrase whose words
// must stand next to each other; a leading minus excludes it.
type Clause struct {
	Words  []string
	Phrase bool
	Negate bool
}

// Query is a parsed search query. Every clause must match (except the
// negated ones, which must not).
type Query struct {
	Clauses []Clause
}

// Empty reports whether the query asks for nothing, which lists every
// deed.
func (q Query) Empty() bool {
	for _, c := range q.Clauses {
		if !c.Negate {
			return false
		}
	}
	return true
}

// operators are words people type from other search engines' syntax; they
// are not searched for, so that "hyvinvointi AND kunta" means what it
// seems to.
var operators = map[string]bool{"AND": true, "OR": true, "NOT": true, "NEAR": true}

// stopwords are words too common in their language to require: a query
// keeps working when someone types "ja" or "the".
var stopwords = map[string]bool{
	"ja": true, "tai": true, "on": true, "sekä": true, "että": true,
	"och": true, "i": true, "på": true, "att": true, "en": true, "ett": true, "som": true, "för": true, "med": true, "av": true,
	"the": true, "of": true, "and": true, "a": true, "an": true, "in": true, "to": true, "for": true, "with": true,
}

// ParseQuery reads what a person typed. It never fails: anything that is
// not a word (operators, punctuation, control characters, invalid UTF-8)
// is ignored, an unbalanced quote closes at the end, and very long input
// is cut.
func ParseQuery(s string) Query {
	if len(s) > MaxQueryBytes {
		s = s[:MaxQueryBytes] // a rune cut in two becomes a space below
	}
	s = strings.ToValidUTF8(s, " ")
	var q Query
	words := 0
	add := func(text string, phrase, negate bool) {
		var ws []string
		for _, t := range analysis.Tokenize(text) {
			if !phrase && operators[t.Text] {
				continue
			}
			w := analysis.Fold(t.Text)
			if w == "" || (!phrase && (stopwords[w] || utf8.RuneCountInString(w) < 2 && !isDigits(w))) {
				continue
			}
			if words >= MaxQueryWords {
				break
			}
			ws = append(ws, w)
			words++
		}
		if len(ws) == 0 {
			return
		}
		if phrase && len(ws) > 1 {
			q.Clauses = append(q.Clauses, Clause{Words: ws, Phrase: true, Negate: negate})
			return
		}
		for _, w := range ws {
			q.Clauses = append(q.Clauses, Clause{Words: []string{w}, Negate: negate})
		}
	}
	rest := s
	for rest != "" {
		i := strings.IndexAny(rest, "\"”“")
		if i < 0 {
			plainPart(rest, add)
			break
		}
		before := rest[:i]
		// -"a phrase" excludes the phrase.
		negate := strings.HasSuffix(before, "-") && (len(before) == 1 || strings.HasSuffix(before, " -"))
		if negate {
			before = before[:len(before)-1]
		}
		plainPart(before, add)
		rest = rest[i:]
		_, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
		j := strings.IndexAny(rest, "\"”“")
		if j < 0 {
			add(rest, true, negate)
			break
		}
		add(rest[:j], true, negate)
		_, size = utf8.DecodeRuneInString(rest[j:])
		rest = rest[j+size:]
	}
	return q
}

// plainPart reads unquoted text, where a minus before a word excludes it.
func plainPart(s string, add func(string, bool, bool)) {
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, "-") && len(f) > 1 {
			add(f[1:], false, true)
			continue
		}
		add(f, false, false)
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
