package analysis

import (
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/finnish"
	"github.com/blevesearch/snowballstem/swedish"
)

// Analyzer turns one word into the index terms it should be found by.
type Analyzer interface {
	// Name identifies the analyser and its data version, e.g.
	// "voikko 4.3.1/fi-standard 2.5/terms 1" or "fallback snowball 0.9.0/split 1";
	// the search index records it and rebuilds when it changes.
	Name() string
	// Terms returns the terms for word (a token from Tokenize) in a text of
	// language lang ("fi", "sv", "en"; a region suffix such as "fi-FI" is
	// ignored): always the folded word itself first, then for fi every base
	// form of every analysis and every compound part's base form (so
	// työhyvinvointiryhmälle gives työhyvinvointiryhmälle,
	// työhyvinvointiryhmä, työ, hyvinvointi, ryhmä), for sv and en the
	// Snowball stem. Terms are de-duplicated and folded (Fold), none is
	// empty. Numbers (all digits) and words longer than 60 bytes give just
	// themselves, and so does every word of any other language. An empty
	// word (after folding) gives nil.
	//
	// The returned slice is shared with a cache: callers must not modify
	// it. Terms is safe for concurrent use.
	Terms(lang, word string) []string
	// QueryTerms returns the terms a query word is looked up by: the
	// folded word and its base forms (fi: the base form of every Voikko
	// analysis, or the Snowball stem without Voikko; sv, en: the Snowball
	// stem). It leaves out what Terms adds for a word in a document —
	// compound parts, the roots of derived words, the fallback's guessed
	// compound heads — so that a query for "toiminnanohjaus" does not find
	// every "ohjaus". It is always a prefix of Terms(lang, word), and
	// shares its rules: folded, de-duplicated, not to be modified, safe for
	// concurrent use.
	QueryTerms(lang, word string) []string
	// QueryRoots returns the roots a query word is also looked up by,
	// ranked below its own forms: for a derived Finnish word that is not a
	// compound, the word it is derived from when that root is at least
	// five letters long (perehdytys ← perehdyttää, which Voikko gives as
	// the base form of perehdyttämisen), and nothing otherwise (työllisyys
	// would find every työ). Shares the cache and rules of Terms.
	QueryRoots(lang, word string) []string
	// Voikko reports whether the Finnish analysis uses Voikko.
	Voikko() bool
	// ForgetCache drops the remembered analyses. Building an index fills
	// the cache with words that searches may never ask about again; a
	// server calls it afterwards so that it holds only what searches use.
	ForgetCache()
	// Close releases what the analyser holds. Terms called after Close
	// still answers, without Voikko.
	Close() error
}

// maxWordBytes is the length past which a word is not analysed: such
// "words" are URLs run together, identifiers or noise, and Voikko and the
// splitter are slow on them.
const maxWordBytes = 60

// New returns the best analyser the machine offers: Voikko for Finnish when
// libvoikko and its Finnish dictionary load, otherwise the pure-Go fallback.
// It logs which at Info level, and why Voikko is not used when it is not.
// A nil log discards.
func New(log *slog.Logger) Analyzer {
	return newBest(log, NewVoikko)
}

// newBest is New with the Voikko loader given.
func newBest(log *slog.Logger, newVoikko func() (Analyzer, error)) Analyzer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a, err := newVoikko()
	if err != nil {
		f := NewFallback()
		log.Info("text analysis: Finnish without Voikko, using Snowball and a heuristic compound splitter",
			"analyser", f.Name(), "reason", err.Error())
		return f
	}
	log.Info("text analysis: Finnish with Voikko", "analyser", a.Name())
	return a
}

// lang is a language the analysers know.
type lang uint8

const (
	langOther lang = iota
	langFi
	langSv
	langEn
)

// parseLang maps "fi", "FI", "fi-FI", "sv_SE"... to a lang, without
// allocating.
func parseLang(s string) lang {
	if len(s) < 2 || len(s) > 2 && s[2] != '-' && s[2] != '_' {
		return langOther
	}
	switch s[0] | 0x20 {
	case 'f':
		if s[1]|0x20 == 'i' {
			return langFi
		}
	case 's':
		if s[1]|0x20 == 'v' {
			return langSv
		}
	case 'e':
		if s[1]|0x20 == 'n' {
			return langEn
		}
	}
	return langOther
}

// prepare folds word and says whether its terms are just itself (number,
// over-long word, language without analysis). An empty folded word gives
// done with nil terms.
func prepare(l lang, word string) (folded string, terms []string, done bool) {
	f := Fold(word)
	switch {
	case f == "":
		return "", nil, true
	case l == langOther || len(word) > maxWordBytes || len(f) > maxWordBytes || isNumber(f):
		return f, []string{f}, true
	}
	return f, nil, false
}

// isNumber reports whether s is all digits.
func isNumber(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < '0' || c > '9' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsDigit(r) {
			return false
		}
		i += size
	}
	return s != ""
}

// stem returns the Snowball stem of a folded word.
func stem(l lang, word string) string {
	env := snowballstem.NewEnv(word)
	switch l {
	case langFi:
		finnish.Stem(env)
	case langSv:
		swedish.Stem(env)
	case langEn:
		english.Stem(env)
	default:
		return word
	}
	return env.Current()
}

// termSet collects terms in order, without duplicates or empty strings.
// Lists are short (a handful of terms), so a linear scan beats a map.
type termSet []string

func (t *termSet) add(term string) {
	if term == "" {
		return
	}
	for _, s := range *t {
		if s == term {
			return
		}
	}
	*t = append(*t, term)
}

// snowballTerms is the word and its Snowball stem, all of them query
// terms.
func snowballTerms(l lang, folded string) cacheEntry {
	t := termSet{folded}
	t.add(stem(l, folded))
	return cacheEntry{t, len(t), len(t)}
}

// analyse is the common shape of Terms and QueryTerms: fold, answer the
// trivial cases, look in the cache, else compute (and cache when compute
// says so).
func analyse(c *termCache, langCode, word string, part termPart, compute func(lang, string) (cacheEntry, bool)) []string {
	l := parseLang(langCode)
	f, terms, done := prepare(l, word)
	if done {
		if part == rootTerms {
			return nil
		}
		return terms
	}
	k := cacheKey{l, f}
	e, ok := c.get(k)
	if !ok {
		// The word may point into a whole document's text (Fold returns
		// its input when there is nothing to fold); the cache must not keep
		// that text alive.
		f = strings.Clone(f)
		var keep bool
		e, keep = compute(l, f)
		if keep {
			c.put(cacheKey{l, f}, e)
		}
	}
	switch part {
	case queryTerms:
		return e.terms[:e.query:e.query]
	case rootTerms:
		return e.terms[e.query:e.roots:e.roots]
	}
	return e.terms
}

// termPart picks which of a word's terms analyse returns.
type termPart int

const (
	allTerms termPart = iota
	queryTerms
	rootTerms
)
