package search

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
)

// Searcher answers queries from an index, analysing query words the way
// the deeds' words were analysed.
type Searcher struct {
	ix *Index
	an analysis.Analyzer
}

// NewSearcher returns a Searcher over ix.
func NewSearcher(ix *Index, an analysis.Analyzer) *Searcher {
	return &Searcher{ix: ix, an: an}
}

// wordOf gives the word of a term that stands for a word as written or a
// base form ("fi:kunta" → "kunta"), and false for compound parts and roots.
func wordOf(term []byte) ([]byte, bool) {
	for i, c := range term {
		switch c {
		case ':':
			return term[i+1:], true
		case '~':
			return nil, false
		}
	}
	return nil, false
}

// wordsByLen groups a segment's words (not compound parts) by their length
// in letters, the only ones typo matching compares; worked out when first
// needed.
func (sg *segment) wordsByLen() map[int][]uint32 {
	sg.lenOnce.Do(func() {
		sg.byLen = map[int][]uint32{}
		for i := range sg.len() {
			if w, ok := wordOf(sg.termBytes(i)); ok {
				n := utf8.RuneCount(w)
				sg.byLen[n] = append(sg.byLen[n], uint32(i))
			}
		}
	})
	return sg.byLen
}

// typoWords lists the index's words one typo away from word, shortest
// first and then in alphabetical order. The caller holds the index's read
// lock.
func (s *Searcher) typoWords(word string) []string {
	n := utf8.RuneCountInString(word)
	seen := map[string]bool{}
	consider := func(w []byte) {
		// One edit leaves either the start or the end of a long word as
		// it was: most words fail this before any conversion.
		if len(w) > 3 && len(word) > 3 && w[0] != word[0] && w[len(w)-1] != word[len(word)-1] {
			return
		}
		if seen[string(w)] {
			return
		}
		if cand := string(w); withinOneEdit(word, cand) {
			seen[cand] = true
		}
	}
	for _, sg := range s.ix.segs {
		byLen := sg.wordsByLen()
		for l := n - 1; l <= n+1; l++ {
			for _, i := range byLen[l] {
				w, _ := wordOf(sg.termBytes(int(i)))
				consider(w)
			}
		}
	}
	for term := range s.ix.tail.terms {
		if w, ok := wordOf([]byte(term)); ok {
			if l := utf8.RuneCount(w); l >= n-1 && l <= n+1 {
				consider(w)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b string) int {
		if la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b); la != lb {
			return la - lb
		}
		return strings.Compare(a, b)
	})
	return out
}

// Suggest gives up to n index words that start with prefix, most common
// first, for the search box's suggestions.
func (s *Searcher) Suggest(prefix string, n int) []string {
	prefix = analysis.Fold(strings.TrimSpace(prefix))
	if utf8.RuneCountInString(prefix) < 2 || n <= 0 {
		return nil
	}
	s.ix.mu.RLock()
	defer s.ix.mu.RUnlock()
	// Only so many words are ranked: a two-letter prefix matches
	// thousands.
	const maxWords = 2000
	seen := map[string]bool{}
	for _, lang := range langs {
		key := lang + ":" + prefix
		for _, sg := range s.ix.segs {
			i, _ := sg.find(key)
			for ; i < sg.len() && len(seen) < maxWords; i++ {
				t := sg.term(i)
				if !strings.HasPrefix(t, key) {
					break
				}
				seen[t[len(lang)+1:]] = true
			}
		}
		for t := range s.ix.tail.terms {
			if len(seen) < maxWords && strings.HasPrefix(t, key) {
				seen[t[len(lang)+1:]] = true
			}
		}
	}
	type wc struct {
		w  string
		df int
	}
	found := make([]wc, 0, len(seen))
	for w := range seen {
		found = append(found, wc{w, s.wordFreq(w)})
	}
	sort.Slice(found, func(a, b int) bool {
		if found[a].df != found[b].df {
			return found[a].df > found[b].df
		}
		return found[a].w < found[b].w
	})
	var out []string
	for _, f := range found[:min(n, len(found))] {
		out = append(out, f.w)
	}
	return out
}
