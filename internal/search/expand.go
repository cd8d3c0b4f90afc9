package search

import (
	"unicode/utf8"
)

// Query-side expansion: what a query word is also looked for by beyond
// its own forms. A compound of the query is split into its parts, so that
// deeds writing them apart ("ilmoitus lastensuojeluun") or inside other
// compounds are found, ranked below the whole word.

// splitWeight is what a deed that has every part of a query compound, but
// not the compound, counts for it, relative to the whole word.
const splitWeight = 0.35

// maxSplitParts bounds the terms a compound is split into (with the
// parts' own roots): past it the word is not split.
const maxSplitParts = 6

// minPartRunes is the shortest compound part looked up on its own.
const minPartRunes = 3

// splitParts gives the parts a Finnish query compound is found by when
// written apart: the base forms of its parts and their roots, as Voikko
// gives them (lastensuojeluilmoitus: lapsi, suojelu, ilmoitus, suojella,
// ilmoittaa). A deed's words are analysed the same way, so a deed that
// writes the parts in any form or compound has every one of these terms.
// Only Voikko splits: the fallback's guessed compound heads would find
// word endings.
func (s *Searcher) splitParts(word string) []string {
	if !s.an.Voikko() {
		return nil
	}
	all := s.an.Terms("fi", word)
	own := len(s.an.QueryTerms("fi", word))
	if own >= len(all) {
		return nil
	}
	roots := map[string]bool{}
	for _, r := range s.an.QueryRoots("fi", word) {
		roots[r] = true
	}
	var parts []string
	for _, t := range all[own:] {
		if roots[t] || utf8.RuneCountInString(t) < minPartRunes {
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) < 2 || len(parts) > maxSplitParts {
		return nil
	}
	return parts
}

// addSplit adds to the clause being accumulated in sc the deeds that have
// every part of word, a compound, without the word itself counting twice:
// a deed the word's own forms found keeps its score.
func (s *Searcher) addSplit(sc *scratch, word string) {
	parts := s.splitParts(word)
	if parts == nil {
		return
	}
	var both []hit
	for i, p := range parts {
		hs := s.ix.lookup([]weighted{{"fi:" + p, 1}, {"fi~" + p, partWeight}}, false, nil)
		if i == 0 {
			both = hs
		} else {
			both = intersectHits(both, hs)
		}
		if len(both) == 0 {
			return
		}
	}
	for _, h := range both {
		if sc.tf[h.doc] != 0 {
			continue
		}
		sc.touched = append(sc.touched, h.doc)
		sc.tf[h.doc] = splitWeight * h.tf / float64(len(parts))
	}
}

// intersectHits keeps the documents in both sorted lists, adding their
// counts.
func intersectHits(a, b []hit) []hit {
	out := a[:0]
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].doc < b[j].doc:
			i++
		case a[i].doc > b[j].doc:
			j++
		default:
			out = append(out, hit{doc: a[i].doc, tf: a[i].tf + b[j].tf})
			i++
			j++
		}
	}
	return out
}
