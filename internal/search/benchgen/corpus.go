package benchgen

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/finland"
)

// corpusJSONL is a copy of internal/demo/deeds.jsonl: the demo package
// keeps its file unexported, and go:embed cannot reach outside this
// directory. TestCorpusMatchesDemo keeps the two the same.
//
//go:embed corpus.jsonl
var corpusJSONL []byte

// Languages the generator writes, and the fields it writes sentences for.
const (
	langFi = iota
	langSv
	langEn
	numLangs
)

var langCodes = [numLangs]string{"fi", "sv", "en"}

const (
	fTitle = iota
	fSummary
	fNeed
	fSolution
	fResults
	fLessons
	fAdoption
	numFields
)

// tok is one word of a corpus sentence with the text that stands before
// it. A place token stands for a municipality's name: the generator
// writes the deed's own municipality there, followed by suffix (the
// inflection the original name carried).
type tok struct {
	pre      string
	preRunes int
	word     int32 // index into corpus.words; -1 for a place or a rare name
	place    bool
	rare     bool // a rare name's slot, in rare templates only
	suffix   string
}

// sentence is a run of words ending with tail (usually ".").
type sentence struct {
	toks      []tok
	tail      string
	tailRunes int
}

// corpus is the demo deeds cut into sentences and words, the material
// every generated deed is recombined from.
type corpus struct {
	words  []string // surface forms as written, by id
	folded []int32  // id of each word's folded form in foldedWords
	// foldedWords are the distinct folded forms: document frequencies are
	// counted per folded form, which is what a query matches at least.
	foldedWords []string
	wordLang    []uint8
	// Per word, worked out once: its length in runes, whether it takes a
	// compound head, and the words it may be swapped for (nil when none).
	wordRunes []int32
	noun      []bool
	alts      [][]int32

	sents [numLangs][numFields][]sentence
	// body pools every body-field sentence of a language, so that small
	// languages still vary.
	body [numLangs][]sentence

	// similar groups each language's substitutable words by their last
	// three letters, a cheap stand-in for "same inflection": a word is
	// replaced by another with the same ending, so "kunnassa" may become
	// "koulussa" but not "kouluun".
	similar map[string][]int32

	// rareTpls are sentences that carry a rare name; titleEnds lengthen
	// short titles.
	rareTpls  [numLangs][]sentence
	titleEnds [numLangs][]sentence

	partners [numLangs][]string // single partner names
	funding  [numLangs][]string
	jobs     [numLangs][]string // contact titles
}

// placeNames are the municipality names searched for in the corpus, longest
// first so that "Kemijärvi" wins over "Kemi".
func placeNames(reg *finland.Registry) []string {
	var names []string
	for _, m := range reg.Municipalities() {
		for _, n := range []string{m.NameFI, m.NameSV} {
			// Two-letter names (Ii) would match too much, and names with
			// spaces are more than one token.
			if utf8.RuneCountInString(n) >= 3 && !strings.ContainsAny(n, " -") {
				names = append(names, n)
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(names)
}

func loadCorpus(reg *finland.Registry) (*corpus, error) {
	c := &corpus{similar: map[string][]int32{}}
	ids := map[string]int32{}
	foldedIDs := map[string]int32{}
	places := placeNames(reg)
	intern := func(w string, lang int) int32 {
		if id, ok := ids[w]; ok {
			return id
		}
		id := int32(len(c.words))
		ids[w] = id
		c.words = append(c.words, w)
		c.wordLang = append(c.wordLang, uint8(lang))
		f := analysis.Fold(w)
		fid, ok := foldedIDs[f]
		if !ok {
			fid = int32(len(c.foldedWords))
			foldedIDs[f] = fid
			c.foldedWords = append(c.foldedWords, f)
		}
		c.folded = append(c.folded, fid)
		if substitutable(w) {
			k := similarKey(lang, w)
			c.similar[k] = append(c.similar[k], id)
		}
		return id
	}
	type rec struct {
		Lang                                                       string
		Title, Summary, Need, Solution, Results, Lessons, Adoption string
		Partners, Funding                                          string
		Contact                                                    struct{ Title string }
	}
	sc := bufio.NewScanner(bytes.NewReader(corpusJSONL))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r rec
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("benchgen: corpus: %w", err)
		}
		lang := slices.Index(langCodes[:], r.Lang)
		if lang < 0 {
			continue
		}
		for f, text := range []string{r.Title, r.Summary, r.Need, r.Solution, r.Results, r.Lessons, r.Adoption} {
			for _, s := range splitSentences(text) {
				sent := parseSentence(s, lang, places, intern)
				if len(sent.toks) == 0 {
					continue
				}
				c.sents[lang][f] = append(c.sents[lang][f], sent)
				if f >= fNeed {
					c.body[lang] = append(c.body[lang], sent)
				}
			}
		}
		for _, p := range strings.Split(r.Partners, ",") {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(c.partners[lang], p) {
				c.partners[lang] = append(c.partners[lang], p)
			}
		}
		if f := strings.TrimSpace(r.Funding); f != "" && !slices.Contains(c.funding[lang], f) {
			c.funding[lang] = append(c.funding[lang], f)
		}
		if j := strings.TrimSpace(r.Contact.Title); j != "" && !slices.Contains(c.jobs[lang], j) {
			c.jobs[lang] = append(c.jobs[lang], j)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("benchgen: corpus: %w", err)
	}
	for l := range numLangs {
		for _, t := range rareTemplates[l] {
			c.rareTpls[l] = append(c.rareTpls[l], parseSentence(t, l, nil, intern))
		}
		for _, t := range titleEndings[l] {
			c.titleEnds[l] = append(c.titleEnds[l], parseSentence(t, l, nil, intern))
		}
		for f := range numFields {
			if len(c.sents[l][f]) == 0 {
				return nil, fmt.Errorf("benchgen: corpus has no %s sentences for field %d", langCodes[l], f)
			}
		}
		if len(c.partners[l]) == 0 || len(c.funding[l]) == 0 || len(c.jobs[l]) == 0 {
			return nil, fmt.Errorf("benchgen: corpus has no %s partners or funding", langCodes[l])
		}
	}
	for id, w := range c.words {
		c.wordRunes = append(c.wordRunes, int32(utf8.RuneCountInString(w)))
		c.noun = append(c.noun, c.wordLang[id] == langFi && nounLike(w))
		var alts []int32
		if substitutable(w) {
			if g := c.similar[similarKey(int(c.wordLang[id]), w)]; len(g) > 1 {
				alts = g
			}
		}
		c.alts = append(c.alts, alts)
	}
	return c, nil
}

// splitSentences cuts text after ".", "!" or "?" followed by a space and
// an upper-case letter or digit, so that "esim. kunnat" stays whole.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '.', '!', '?':
		default:
			continue
		}
		j := i + 1
		if j >= len(text) || text[j] != ' ' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[j+1:])
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			out = append(out, text[start:j])
			start = j + 1
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// parseSentence cuts s into words with Tokenize, so that a generated text
// has exactly as many tokens as the sentences it was made of.
func parseSentence(s string, lang int, places []string, intern func(string, int) int32) sentence {
	var sent sentence
	prev := 0
	for _, t := range analysis.Tokenize(s) {
		tk := tok{pre: s[prev:t.Start], preRunes: utf8.RuneCountInString(s[prev:t.Start]), word: -1}
		if t.Text == rareMark {
			tk.rare = true
		} else if suffix, ok := strings.CutPrefix(t.Text, placeMark); ok {
			tk.place, tk.suffix = true, suffix
		} else if name, ok := placePrefix(t.Text, places); ok {
			tk.place, tk.suffix = true, t.Text[len(name):]
		} else {
			tk.word = intern(t.Text, lang)
		}
		sent.toks = append(sent.toks, tk)
		prev = t.End
	}
	sent.tail = s[prev:]
	sent.tailRunes = utf8.RuneCountInString(sent.tail)
	return sent
}

// placePrefix reports whether word is a municipality's name, bare or with a
// short inflection ending ("Kangasalan", "Raseborgs").
func placePrefix(word string, places []string) (string, bool) {
	r, _ := utf8.DecodeRuneInString(word)
	if !unicode.IsUpper(r) {
		return "", false
	}
	for _, p := range places {
		if strings.HasPrefix(word, p) && utf8.RuneCountInString(word)-utf8.RuneCountInString(p) <= 4 {
			return p, true
		}
	}
	return "", false
}

// substitutable words are ordinary lower-case words long enough to carry
// meaning: swapping them keeps a sentence's shape while varying its
// vocabulary.
func substitutable(w string) bool {
	if utf8.RuneCountInString(w) < 5 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLower(r) {
			return false
		}
	}
	return true
}

func similarKey(lang int, w string) string {
	r := []rune(w)
	return langCodes[lang] + ":" + string(r[len(r)-3:])
}
