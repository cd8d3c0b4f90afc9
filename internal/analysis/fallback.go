package analysis

import (
	"strings"
	"unicode/utf8"
)

// fallbackName changes whenever the fallback's terms would change: a new
// snowballstem version or a change to the splitter.
const fallbackName = "fallback snowball 0.9.0/split 1"

// fallback is the pure-Go analyser.
type fallback struct {
	cache *termCache
}

// NewFallback is the pure-Go analyser: Snowball for Finnish, Swedish and
// English, plus for Finnish a light compound splitter (see finnishSplit).
func NewFallback() Analyzer {
	return &fallback{cache: newTermCache(cacheEntries)}
}

func (a *fallback) Name() string { return fallbackName }
func (a *fallback) Voikko() bool { return false }
func (a *fallback) ForgetCache() { a.cache.reset() }
func (a *fallback) Close() error { return nil }

func (a *fallback) Terms(langCode, word string) []string {
	return analyse(a.cache, langCode, word, allTerms, a.compute)
}

func (a *fallback) QueryTerms(langCode, word string) []string {
	return analyse(a.cache, langCode, word, queryTerms, a.compute)
}

func (a *fallback) QueryRoots(langCode, word string) []string {
	return analyse(a.cache, langCode, word, rootTerms, a.compute)
}

func (a *fallback) compute(l lang, folded string) (cacheEntry, bool) {
	return fallbackTerms(l, folded), true
}

// fallbackTerms is the work behind fallback.Terms, without the cache.
func fallbackTerms(l lang, folded string) cacheEntry {
	e := snowballTerms(l, folded)
	if l == langFi {
		t := termSet(e.terms)
		finnishSplit(folded, &t)
		e.terms = t
	}
	return e
}

const (
	splitMinWord   = 10 // letters a word needs before it is split
	splitMinStart  = 3  // letters before the first possible joint
	splitMinSuffix = 5  // letters a suffix needs
)

// finnishSplit adds to t the Snowball stems of the plausible heads of a
// compound: for a word of at least 10 letters, every suffix of at least 5
// letters that starts at letter 3 or later at a plausible joint (see
// joint). It knows no words, so it over-generates: työhyvinvointiryhmälle
// also gives the stems of "vinvointiryhmälle", "vointiryhmälle",
// "tiryhmälle" and "mälle", and a query for "tiryhmä" would find it. What
// it adds over plain Snowball are the heads (ryhmälle → ryhm,
// hyvinvointiryhmälle → hyvinvointiryhm); first parts (työ, hyvinvointi)
// it never gives, and it does nothing for inflected stems Snowball does not
// unify (hyvinvointi → hyvinvoint, hyvinvoinnin → hyvinvoin).
func finnishSplit(folded string, t *termSet) {
	if utf8.RuneCountInString(folded) < splitMinWord {
		return
	}
	rs := []rune(folded)
	for i := splitMinStart; i <= len(rs)-splitMinSuffix; i++ {
		if joint(rs[i-1], rs[i], rs[i+1]) {
			t.add(stem(langFi, string(rs[i:])))
		}
	}
}

// joint reports whether two words could be joined between prev and cur
// (next follows cur). Finnish compounds join whole words, so a joint falls
// on a syllable boundary: before a consonant followed by a vowel
// (työ|hyvinvointi, kunnan|valtuusto, hyvinvointi|ryhmä), or between two
// vowels that make neither a long vowel nor a diphthong
// (hyvinvointi|alue). And the first word must end as Finnish words do: in a
// vowel or in n, s, t, l or r (kehittämis|teko, lasten|suojelu).
func joint(prev, cur, next rune) bool {
	if !isVowel(prev) && !strings.ContainsRune("nstlr", prev) {
		return false
	}
	switch {
	case isConsonant(cur):
		return isVowel(next)
	case isVowel(cur) && isVowel(prev):
		return prev != cur && !diphthong(prev, cur)
	}
	return false
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'ä', 'ö', 'å':
		return true
	}
	return false
}

func isConsonant(r rune) bool {
	return r >= 'b' && r <= 'z' && !isVowel(r)
}

// diphthong reports whether the vowels a, b make one Finnish diphthong.
func diphthong(a, b rune) bool {
	switch b {
	case 'i':
		return true // ai ei oi ui yi äi öi
	case 'u':
		return a == 'a' || a == 'e' || a == 'i' || a == 'o'
	case 'y':
		return a == 'e' || a == 'i' || a == 'ä' || a == 'ö'
	case 'e':
		return a == 'i'
	case 'o':
		return a == 'u'
	case 'ö':
		return a == 'y'
	}
	return false
}
