// Package analysis turns text into index terms: it splits text into words
// (Tokenize), folds them for indexing (Fold) and maps each word to the terms
// it should be found by (Analyzer). Finnish gets real morphology from Voikko
// when libvoikko is on the machine (loaded at run time, never linked), and a
// pure-Go Snowball stemmer with a light compound splitter otherwise; Swedish
// and English use Snowball.
package analysis

import (
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text, with where it stands.
type Token struct {
	Text       string // as written
	Start, End int    // byte offsets in the text: Text == text[Start:End]
	Pos        int    // ordinal among the text's tokens, from 0
}

// Tokenize splits text into words: maximal runs of Unicode letters and
// digits (plus combining marks inside a word, so a decomposed "ä" stays one
// word). Everything else separates words: spaces, punctuation, hyphens
// ("sosiaali- ja terveyspalvelut" gives sosiaali, ja, terveyspalvelut;
// "mestari-kisälli" gives mestari, kisälli), apostrophes, colons ("EU:n"
// gives EU, n), emoji, and bytes that are not valid UTF-8. Token texts share
// the memory of text; the only allocation is the returned slice.
func Tokenize(text string) []Token {
	if text == "" {
		return nil
	}
	// A word every ~7 bytes is typical of Finnish prose; one growth at most.
	toks := make([]Token, 0, len(text)/7+1)
	start := -1
	for i := 0; i < len(text); {
		c := text[i]
		var word bool
		size := 1
		if c < utf8.RuneSelf {
			word = asciiWord[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				word = false // invalid byte: a separator
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				word = true
			case unicode.In(r, unicode.Mn, unicode.Mc):
				word = start >= 0 // a mark continues a word, never starts one
			}
		}
		if word {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			toks = append(toks, Token{Text: text[start:i], Start: start, End: i, Pos: len(toks)})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		toks = append(toks, Token{Text: text[start:], Start: start, End: len(text), Pos: len(toks)})
	}
	return toks
}

// asciiWord tells which ASCII bytes are word characters.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	return t
}()
