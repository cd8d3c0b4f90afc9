package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
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

// A Vocabulary is the thesaurus as searches use it: concepts with their
// labels in fi, sv and en, found by the base forms of their labels.
type Vocabulary struct {
	concepts []vocabConcept
	byKey    map[string][]int32
	// multi is set when some label has more than one word, so that
	// queries look up pairs of neighbouring words too.
	multi bool
}

type vocabConcept struct {
	labels   []VocabLabel
	narrower []int32
}

// VocabLabel is one label of a concept.
type VocabLabel struct {
	Lang, Text string
}

// VocabConcept is a concept as NewVocabulary takes it: its labels, and
// the positions of its narrower concepts in the same list.
type VocabConcept struct {
	Labels   []VocabLabel
	Narrower []int
}

// Expansion weights, relative to the query word itself.
const (
	// sameLangWeight: another label of the concept in the language the
	// query word was recognised in (ikäihminen for vanhus).
	sameLangWeight = 0.6
	// otherLangWeight: the concept's label in another language (äldre
	// for vanhus).
	otherLangWeight = 0.5
	// narrowerWeight: a label of a narrower concept.
	narrowerWeight = 0.3
)

// MaxExpansion is the most labels one query word is expanded into; a
// ring that would give more is refused when saved, and a vocabulary
// loaded from elsewhere is cut here.
const MaxExpansion = 40

// NewVocabulary indexes concepts by the base forms of their labels, as an
// analyses them.
func NewVocabulary(an analysis.Analyzer, concepts []VocabConcept) *Vocabulary {
	v := &Vocabulary{byKey: map[string][]int32{}}
	for i, c := range concepts {
		vc := vocabConcept{labels: c.Labels}
		for _, n := range c.Narrower {
			if n >= 0 && n < len(concepts) && n != i {
				vc.narrower = append(vc.narrower, int32(n))
			}
		}
		v.concepts = append(v.concepts, vc)
		for _, l := range c.Labels {
			for _, k := range labelKeys(an, l) {
				if ids := v.byKey[k]; !slices.Contains(ids, int32(i)) {
					v.byKey[k] = append(ids, int32(i))
				}
				if strings.Contains(k, " ") {
					v.multi = true
				}
			}
		}
	}
	return v
}

// Len is the number of concepts.
func (v *Vocabulary) Len() int {
	if v == nil {
		return 0
	}
	return len(v.concepts)
}

// labelWords splits a label into the words the query parser would see.
func labelWords(text string) []string {
	var out []string
	for _, t := range analysis.Tokenize(text) {
		if w := analysis.Fold(t.Text); w != "" && !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

// baseOf is the one base form a word of a many-word label or query pair
// is keyed by.
func baseOf(an analysis.Analyzer, lang, word string) string {
	ts := an.QueryTerms(lang, word)
	if len(ts) == 0 {
		return word
	}
	return ts[min(1, len(ts)-1)]
}

// labelKeys are the keys a label is found by: lang:form for every base
// form of a one-word label, lang:base base for a longer one.
func labelKeys(an analysis.Analyzer, l VocabLabel) []string {
	ws := labelWords(l.Text)
	switch len(ws) {
	case 0:
		return nil
	case 1:
		var out []string
		for _, t := range an.QueryTerms(l.Lang, ws[0]) {
			out = append(out, l.Lang+":"+t)
		}
		return out
	}
	bases := make([]string, len(ws))
	for i, w := range ws {
		bases[i] = baseOf(an, l.Lang, w)
	}
	return []string{l.Lang + ":" + strings.Join(bases, " ")}
}

// expansion is one label a query concept is also looked for by.
type expansion struct {
	words  []string
	label  string
	weight float64
}

// conceptsOf finds the vocabulary's concepts for a query word (or words,
// a pair the vocabulary has a label for) with the language each was
// recognised in.
func (s *Searcher) conceptsOf(v *Vocabulary, words []string) map[int32]string {
	found := map[int32]string{}
	for _, lang := range langs {
		var keys []string
		if len(words) == 1 {
			for _, t := range s.an.QueryTerms(lang, words[0]) {
				keys = append(keys, lang+":"+t)
			}
		} else {
			bases := make([]string, len(words))
			for i, w := range words {
				bases[i] = baseOf(s.an, lang, w)
			}
			keys = []string{lang + ":" + strings.Join(bases, " ")}
		}
		for _, k := range keys {
			for _, id := range v.byKey[k] {
				if _, ok := found[id]; !ok {
					found[id] = lang
				}
			}
		}
	}
	return found
}

// expansions lists the labels a query word or pair is expanded with:
// the other labels of its concepts, in its language first, then the
// other languages, then narrower concepts', at most MaxExpansion.
func (s *Searcher) expansions(v *Vocabulary, words []string) []expansion {
	if v == nil {
		return nil
	}
	found := s.conceptsOf(v, words)
	if len(found) == 0 {
		return nil
	}
	ids := make([]int32, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	own := strings.Join(words, " ")
	seen := map[string]bool{own: true}
	var out []expansion
	add := func(l VocabLabel, w float64) {
		ws := labelWords(l.Text)
		key := strings.Join(ws, " ")
		if len(ws) == 0 || seen[key] || len(out) >= MaxExpansion {
			return
		}
		seen[key] = true
		out = append(out, expansion{words: ws, label: l.Text, weight: w})
	}
	for _, pass := range []int{0, 1, 2} {
		for _, id := range ids {
			lang := found[id]
			c := v.concepts[id]
			switch pass {
			case 0, 1:
				for _, l := range c.labels {
					if (l.Lang == lang) == (pass == 0) {
						add(l, map[int]float64{0: sameLangWeight, 1: otherLangWeight}[pass])
					}
				}
			case 2:
				for _, n := range c.narrower {
					for _, l := range v.concepts[n].labels {
						add(l, narrowerWeight)
					}
				}
			}
		}
	}
	return out
}

// addAll adds to the clause being accumulated in sc, weighted, the deeds
// that have every one of words (in any of their forms).
func (s *Searcher) addAll(sc *scratch, words []string, weight float64) {
	if len(words) == 1 {
		s.ix.accumulateMore(sc, scaled(s.alternatives(words[0]), weight))
		return
	}
	var both []hit
	for i, w := range words {
		hs := s.ix.lookup(s.alternatives(w), false, nil)
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
		if sc.tf[h.doc] == 0 {
			sc.touched = append(sc.touched, h.doc)
		}
		sc.tf[h.doc] += weight * h.tf / float64(len(words))
	}
}

func scaled(ws []weighted, f float64) []weighted {
	out := make([]weighted, len(ws))
	for i, w := range ws {
		out[i] = weighted{w.term, w.weight * f}
	}
	return out
}

// clause is a query clause as searched: a pair of plain words the
// vocabulary has a label for is one concept, and each concept carries
// what it is expanded with.
type clause struct {
	Clause
	exp []expansion
}

// concepts groups the query's clauses into the concepts searched for.
func (s *Searcher) concepts(v *Vocabulary, q Query) []clause {
	plain := func(c Clause) bool { return !c.Phrase && !c.Negate && len(c.Words) == 1 }
	var out []clause
	for i := 0; i < len(q.Clauses); i++ {
		c := q.Clauses[i]
		if v != nil && v.multi && plain(c) && i+1 < len(q.Clauses) && plain(q.Clauses[i+1]) {
			pair := []string{c.Words[0], q.Clauses[i+1].Words[0]}
			if len(s.conceptsOf(v, pair)) > 0 {
				out = append(out, clause{Clause{Words: pair}, s.expansions(v, pair)})
				i++
				continue
			}
		}
		cl := clause{Clause: c}
		if plain(c) {
			cl.exp = s.expansions(v, c.Words)
		}
		out = append(out, cl)
	}
	return out
}

// SetVocabulary makes searches expand queries through v (nil: none).
func (s *Service) SetVocabulary(v *Vocabulary) { s.vocab.Store(v) }

// Vocabulary is the thesaurus searches expand through, nil for none.
func (s *Service) Vocabulary() *Vocabulary { return s.vocab.Load() }
