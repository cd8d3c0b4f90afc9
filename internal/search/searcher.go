package search

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
)

// Searcher answers queries from an index, analysing query words the way
// the deeds' words were analysed.
type Searcher struct {
	ix *Index
	an analysis.Analyzer

	wordsMu  sync.Mutex
	words    []string         // the index's words and base forms, sorted
	byLen    map[int][]string // the same by length in letters, for typo matching
	wordsGen uint64
	wordsAt  time.Time
}

// NewSearcher returns a Searcher over ix.
func NewSearcher(ix *Index, an analysis.Analyzer) *Searcher {
	return &Searcher{ix: ix, an: an}
}

// wordsMaxAge bounds how stale the word list behind typo correction and
// suggestions may get while deeds keep changing.
const wordsMaxAge = 5 * time.Second

// surfaceWords lists the index's words and base forms (not compound parts)
// without their language prefix, sorted and without repeats. The caller
// holds the index's read lock.
func (s *Searcher) surfaceWords() []string {
	s.wordsMu.Lock()
	defer s.wordsMu.Unlock()
	if s.words != nil && (s.wordsGen == s.ix.gen || time.Since(s.wordsAt) < wordsMaxAge) {
		return s.words
	}
	words := make([]string, 0, len(s.ix.terms))
	for t := range s.ix.terms {
		if _, w, ok := strings.Cut(t, ":"); ok {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	words = slices.Compact(words)
	byLen := map[int][]string{}
	for _, w := range words {
		n := utf8.RuneCountInString(w)
		byLen[n] = append(byLen[n], w)
	}
	s.words, s.byLen, s.wordsGen, s.wordsAt = words, byLen, s.ix.gen, time.Now()
	return words
}

// typoCandidates lists the index's words whose length is within one
// letter of word's, the only ones one edit can reach. The caller holds
// the index's read lock.
func (s *Searcher) typoCandidates(word string) [][]string {
	s.surfaceWords()
	s.wordsMu.Lock()
	defer s.wordsMu.Unlock()
	n := utf8.RuneCountInString(word)
	return [][]string{s.byLen[n-1], s.byLen[n], s.byLen[n+1]}
}
