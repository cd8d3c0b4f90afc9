package analysis

import (
	"unicode"
	"unicode/utf8"
)

// Fold lower-cases a word for indexing. It keeps å, ä and ö (Finnish and
// Swedish need them: "tapaa" and "täpää" are different words) but folds
// other Latin diacritics (é→e, ü→u, š→s, ł→l), ß→ss, œ→oe, þ→th, and the
// Nordic æ→ä, ø→ö (what Finnish and Swedish readers take them for). A
// decomposed ä, ö or å (a letter followed by a combining mark) is composed;
// other combining marks are dropped. Invalid UTF-8 bytes are dropped. A word
// that is already folded is returned as is, without allocating.
func Fold(word string) string {
	if folded(word) {
		return word
	}
	return string(foldAppend(make([]byte, 0, len(word)+2), word, false))
}

// folded reports whether Fold would leave s as it is: no upper case, no
// invalid bytes, no combining marks, nothing the Latin table changes.
func folded(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == 'ä' || r == 'ö' || r == 'å':
		case r < 0x180, r == utf8.RuneError && size == 1,
			unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me), unicode.ToLower(r) != r:
			return false
		}
	}
	return true
}

// cleanTerm folds s and keeps only its letters and digits: base forms from
// Voikko carry markers such as "hyvin=vointi" or "sosiaali-".
func cleanTerm(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !asciiWord[c] || 'A' <= c && c <= 'Z' {
			return string(foldAppend(make([]byte, 0, len(s)+2), s, true))
		}
	}
	return s
}

// foldAppend appends the folding of s to dst; with lettersOnly it drops
// everything that is not a letter or a digit.
func foldAppend(dst []byte, s string, lettersOnly bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			} else if lettersOnly && !asciiWord[c] {
				continue
			}
			dst = append(dst, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		if unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) {
			dst = composeMark(dst, r)
			continue
		}
		r = unicode.ToLower(r)
		if r >= 0xC0 && r < 0x180 {
			if to := latinFold[r-0xC0]; to != "" {
				dst = append(dst, to...)
				continue
			}
		}
		if lettersOnly && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// composeMark handles a combining mark after what dst holds: a+¨ → ä,
// o+¨ → ö, a+˚ → å; any other mark is dropped (é written as e+´ → e).
func composeMark(dst []byte, mark rune) []byte {
	n := len(dst)
	if n == 0 {
		return dst
	}
	last := dst[n-1]
	switch {
	case mark == 0x0308 && last == 'a':
		return append(dst[:n-1], "ä"...)
	case mark == 0x0308 && last == 'o':
		return append(dst[:n-1], "ö"...)
	case mark == 0x030A && last == 'a':
		return append(dst[:n-1], "å"...)
	}
	return dst
}

// latinFold maps lower-case letters U+00C0..U+017F to their folding; an
// empty entry keeps the letter (å, ä, ö, and the upper-case letters, which
// never reach the table).
var latinFold = func() (t [0x180 - 0xC0]string) {
	for _, p := range [...]struct{ from, to string }{
		{"àáâãāăą", "a"}, {"æ", "ä"}, {"çćĉċč", "c"}, {"ďđð", "d"},
		{"èéêëēĕėęě", "e"}, {"ĝğġģ", "g"}, {"ĥħ", "h"}, {"ìíîïĩīĭįı", "i"},
		{"ĳ", "ij"}, {"ĵ", "j"}, {"ķĸ", "k"}, {"ĺļľŀł", "l"}, {"ñńņňŉŋ", "n"},
		{"òóôõōŏő", "o"}, {"ø", "ö"}, {"œ", "oe"}, {"ŕŗř", "r"}, {"śŝşšſ", "s"},
		{"ß", "ss"}, {"ţťŧ", "t"}, {"þ", "th"}, {"ùúûüũūŭůűų", "u"}, {"ŵ", "w"},
		{"ýÿŷ", "y"}, {"źżž", "z"},
	} {
		for _, r := range p.from {
			t[r-0xC0] = p.to
		}
	}
	return t
}()
