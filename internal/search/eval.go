package search

import (
	"container/heap"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Request is one search: a query, facet filters (values within a facet are
// alternatives, facets combine), an order and a page.
type Request struct {
	Q       string
	Filters map[string][]string
	Sort    string // "relevance" (the default when there is a query) or "newest"
	Limit   int
	Offset  int
	// NoExpand turns off expansion through the thesaurus (expand=0).
	NoExpand bool
}

// FacetValue is one value of a facet with how many deeds it would give.
type FacetValue struct {
	Value    string
	Count    int
	Selected bool
}

// Hit is one found deed.
type Hit struct {
	DeedID int64
	Score  float64
}

// Result is a page of hits with the facet counts of the whole result.
type Result struct {
	Total  int
	Hits   []Hit
	Facets map[string][]FacetValue
	Query  Query
	// Corrected lists query words that matched nothing as typed and were
	// matched through a word one typo away.
	Corrected map[string]string
	// Suggestion is a respelled query when nothing was found.
	Suggestion string
	// Complete is how many of the deeds found have every concept of the
	// query (a word, its forms and what it was expanded with); Relaxed is
	// set when the others, which have only some of them, are among the
	// found too.
	Complete int
	Relaxed  bool
	// Expanded lists the thesaurus labels the query was expanded with;
	// NoExpand is set when the request turned expansion off.
	Expanded []string
	NoExpand bool
	Took     time.Duration
}

type weighted struct {
	term   string
	weight float64
}

// fuzzyWeight ranks a match through a corrected spelling below exact ones.
const fuzzyWeight = 0.5

// coverage scales the score of a deed that has a share of the query's
// concepts, weighed by their rarity (idf): a deed with every word ranks
// above one as good on fewer of them, while a deed without a common word
// of a long query still stands its chance.
func coverage(share float64) float64 {
	return share * share
}

// minFuzzyRunes is the shortest word that is matched despite a typo:
// shorter words have too many neighbours one edit away.
const minFuzzyRunes = 5

// Weights of the ways a query word can match, relative to the word or one
// of its base forms standing in the text.
const (
	// partWeight: the word is a part of a compound in the text
	// (hyvinvointi in työhyvinvointiryhmä).
	partWeight = 0.4
	// rootWeight: the text has the word's root (perehdyttää for
	// perehdytys).
	rootWeight = 0.5
)

// alternatives are the index terms one query word is found by: the word as
// typed and its base forms in each language, so that a query in Finnish,
// Swedish or English finds deeds written in that language; then, weighing
// less, the same as compound parts and the word's root. The query word's
// own compound parts are not looked up: "toiminnanohjaus" should not find
// every "ohjaus".
func (s *Searcher) alternatives(word string) []weighted {
	var out []weighted
	seen := map[string]bool{}
	add := func(key string, w float64) {
		if !seen[key] {
			seen[key] = true
			out = append(out, weighted{key, w})
		}
	}
	for _, lang := range langs {
		for _, t := range s.an.QueryTerms(lang, word) {
			add(lang+":"+t, 1)
			add(lang+"~"+t, partWeight)
		}
		for _, t := range s.an.QueryRoots(lang, word) {
			add(lang+":"+t, rootWeight)
			add(lang+"~"+t, rootWeight*partWeight)
		}
	}
	return out
}

var langs = []string{"fi", "sv", "en"}

// Search runs req against the index.
//
// Each clause's postings are added up term at a time into arrays as long
// as the index (a count per document, a score, how many clauses matched):
// a broad query touches most documents anyway, and one pass over flat
// arrays is cheaper than merging lists of hits. Facet counts and the top
// of the ranking then come from one more pass over the matching documents.
func (s *Searcher) Search(req Request) Result {
	return s.SearchVocab(req, nil)
}

// SearchVocab is Search with query expansion through the vocabulary v
// (none when v is nil or the request turns it off).
func (s *Searcher) SearchVocab(req Request, v *Vocabulary) Result {
	start := time.Now()
	req = req.Capped()
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	q := ParseQuery(req.Q)
	res := Result{Query: q, Facets: map[string][]FacetValue{}}
	sc := ix.getScratch()
	defer ix.scratch.Put(sc)

	// Every deed that matches any of the query's concepts is a
	// candidate; what it covers of them, weighed by their rarity, scales
	// its score (see coverage). Quoted phrases are asked for in so many
	// words: they are required.
	nPos, nReq := uint8(0), uint8(0)
	idfSum := 0.0
	var negated [][]uint32
	if req.NoExpand {
		v = nil
	}
	res.NoExpand = req.NoExpand
	for _, c := range s.concepts(v, q) {
		switch {
		case c.Phrase:
			sc.addHits(s.phrase(sc, c.Words))
		case len(c.Words) > 1:
			// A pair of words the vocabulary has a label for.
			sc.touched = sc.touched[:0]
			s.addAll(sc, c.Words, 1)
		default:
			ix.accumulate(sc, s.alternatives(c.Words[0]))
			if !c.Negate {
				s.addSplit(sc, c.Words[0])
			}
		}
		if !c.Negate && !c.Phrase {
			for _, e := range c.exp {
				s.addAll(sc, e.words, e.weight)
				if !slices.Contains(res.Expanded, e.label) {
					res.Expanded = append(res.Expanded, e.label)
				}
			}
		}
		if !c.Phrase && len(c.Words) == 1 {
			if len(sc.touched) == 0 && !c.Negate && utf8.RuneCountInString(c.Words[0]) >= minFuzzyRunes {
				if alts, fixed := s.fuzzy(c.Words[0]); len(alts) > 0 {
					ix.accumulate(sc, alts)
					if res.Corrected == nil {
						res.Corrected = map[string]string{}
					}
					res.Corrected[c.Words[0]] = fixed
					// The corrected word's concepts, as if it had been typed.
					for _, e := range s.expansions(v, []string{fixed}) {
						s.addAll(sc, e.words, e.weight)
						if !slices.Contains(res.Expanded, e.label) {
							res.Expanded = append(res.Expanded, e.label)
						}
					}
				}
			}
		}
		if c.Negate {
			negated = append(negated, slices.Clone(sc.touched))
			for _, doc := range sc.touched {
				sc.tf[doc] = 0
			}
			continue
		}
		nPos++
		if c.Phrase {
			nReq++
		}
		if len(sc.touched) == 0 {
			// A word nothing has lowers every deed's coverage alike:
			// leaving it out changes no order.
			continue
		}
		bm := ix.scorer(len(sc.touched))
		idfSum += bm.idf
		for _, doc := range sc.touched {
			sc.score[doc] += bm.score(doc, sc.tf[doc])
			sc.nmatch[doc]++
			sc.cover[doc] += bm.idf
			if c.Phrase {
				sc.req[doc]++
			}
			sc.tf[doc] = 0
		}
	}
	n := len(ix.docs)
	for _, docs := range negated {
		for _, doc := range docs {
			sc.nmatch[doc] = excluded
		}
	}

	// Facet counts narrow with the filters: a value's count is what the
	// result would be with that value picked, the facet's own other
	// picks aside.
	selected := make([]bool, len(ix.valName))
	active := uint16(0)
	for i, f := range Facets {
		for _, v := range req.Filters[f] {
			active |= 1 << i
			// An unknown value matches nothing rather than failing.
			if id, ok := ix.values[i][v]; ok {
				selected[id] = true
			}
		}
	}
	counts := make([]int, len(ix.valName))

	limit := req.Limit
	if limit <= 0 {
		limit = 20
	}
	offset := max(req.Offset, 0)
	want := offset + limit
	byRelevance := req.Sort != "newest" && !q.Empty()
	less := func(a, b cand) bool { // a ranks before b
		if byRelevance && a.score != b.score {
			return a.score > b.score
		}
		pa, pb := ix.docs[a.doc].published, ix.docs[b.doc].published
		if pa != pb {
			return pa > pb
		}
		return ix.docs[a.doc].deedID > ix.docs[b.doc].deedID
	}
	top := &candHeap{less: func(i, j cand) bool { return less(j, i) }}
	for doc := range n {
		if ix.dead[doc] {
			continue
		}
		m := sc.nmatch[doc]
		score := sc.score[doc]
		switch {
		case m == excluded:
			continue
		case nPos == 0:
			// Nothing asked for (or only exclusions): every deed.
		case m == 0 || sc.req[doc] < nReq:
			continue
		default:
			score *= coverage(sc.cover[doc] / idfSum)
		}
		vals := ix.facetVals[ix.facetOff[doc]:ix.facetOff[doc+1]]
		if active != 0 {
			pass := uint16(0)
			for _, v := range vals {
				if selected[v] {
					pass |= 1 << ix.valFacet[v]
				}
			}
			if miss := active &^ pass; miss != 0 {
				if bits.OnesCount16(miss) == 1 {
					f := uint8(bits.TrailingZeros16(miss))
					for _, v := range vals {
						if ix.valFacet[v] == f {
							counts[v]++
						}
					}
				}
				continue
			}
		}
		for _, v := range vals {
			counts[v]++
		}
		res.Total++
		if m == nPos {
			res.Complete++
		}
		c := cand{doc: uint32(doc), score: score}
		if top.Len() < want {
			heap.Push(top, c)
		} else if less(c, top.items[0]) {
			top.items[0] = c
			heap.Fix(top, 0)
		}
	}
	for i, f := range Facets {
		var fv []FacetValue
		for v, id := range ix.values[i] {
			if counts[id] > 0 {
				fv = append(fv, FacetValue{Value: v, Count: counts[id], Selected: selected[id]})
			}
		}
		// Selected values stay listed even when they count nothing.
		for _, v := range req.Filters[f] {
			if !slices.ContainsFunc(fv, func(x FacetValue) bool { return x.Value == v }) {
				fv = append(fv, FacetValue{Value: v, Selected: true})
			}
		}
		sort.Slice(fv, func(a, b int) bool {
			if fv[a].Count != fv[b].Count {
				return fv[a].Count > fv[b].Count
			}
			return fv[a].Value < fv[b].Value
		})
		res.Facets[f] = fv
	}

	ordered := make([]cand, top.Len())
	for i := len(ordered) - 1; i >= 0; i-- {
		ordered[i] = heap.Pop(top).(cand)
	}
	if offset < len(ordered) {
		for _, c := range ordered[offset:] {
			res.Hits = append(res.Hits, Hit{DeedID: ix.docs[c.doc].deedID, Score: c.score})
		}
	}
	res.Relaxed = nPos >= 2 && res.Complete < res.Total
	if res.Total == 0 && !q.Empty() {
		res.Suggestion = s.suggest(q)
	}
	res.Took = time.Since(start)
	return res
}

// excluded marks a document a negated clause matched; a query has at most
// MaxQueryWords clauses, far below it.
const excluded = 255

// scratch is one search's working arrays, one slot per document, reused
// from search to search.
type scratch struct {
	tf      []float64 // the current clause's field-weighted count
	score   []float64
	nmatch  []uint8   // clauses matched, or excluded
	cover   []float64 // the matched clauses' idf, added up
	req     []uint8   // required clauses (phrases) matched
	mark    []uint8   // phrase words matched; zero between uses
	touched []uint32
	streams []stream
}

func (ix *Index) getScratch() *scratch {
	n := len(ix.docs)
	sc, _ := ix.scratch.Get().(*scratch)
	if sc == nil || len(sc.tf) < n {
		// Room for the deeds added until the next rebuild.
		size := n + n/8 + 64
		sc = &scratch{tf: make([]float64, size), score: make([]float64, size), nmatch: make([]uint8, size), mark: make([]uint8, size),
			cover: make([]float64, size), req: make([]uint8, size)}
		return sc
	}
	clear(sc.score[:n])
	clear(sc.nmatch[:n])
	clear(sc.cover[:n])
	clear(sc.req[:n])
	return sc
}

// addHits takes a clause's hits found by list (phrases).
func (sc *scratch) addHits(hits []hit) {
	sc.touched = sc.touched[:0]
	for _, h := range hits {
		sc.touched = append(sc.touched, h.doc)
		sc.tf[h.doc] = h.tf
	}
}

// accumulate adds the live postings of terms into sc.tf and lists the
// documents it touched.
func (ix *Index) accumulate(sc *scratch, terms []weighted) {
	sc.touched = sc.touched[:0]
	ix.accumulateMore(sc, terms)
}

// accumulateMore is accumulate adding to the documents already touched.
func (ix *Index) accumulateMore(sc *scratch, terms []weighted) {
	for _, t := range terms {
		sc.streams = ix.streams(t.term, sc.streams[:0])
		w := t.weight / tfScale
		for _, s := range sc.streams {
			p := s.postings
			doc := uint32(0)
			for len(p) > 0 {
				var delta, tfq uint32
				if b := p[0]; b < 0x80 && b&(1<<tfBits-1) != tfEscape {
					// One byte: the common case, decoded inline.
					delta, tfq, p = uint32(b>>tfBits), uint32(b&(1<<tfBits-1)), p[1:]
				} else {
					delta, tfq, p = nextEntry(p)
				}
				doc += delta
				if ix.dead[doc] {
					continue
				}
				if sc.tf[doc] == 0 {
					sc.touched = append(sc.touched, doc)
				}
				sc.tf[doc] += float64(tfq) * w
			}
		}
	}
}

// cand is a document that matches every clause, with its score so far.
type cand struct {
	doc   uint32
	score float64
}

type candHeap struct {
	items []cand
	less  func(a, b cand) bool
}

func (h *candHeap) Len() int           { return len(h.items) }
func (h *candHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *candHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *candHeap) Push(x any)         { h.items = append(h.items, x.(cand)) }
func (h *candHeap) Pop() any {
	old := h.items
	x := old[len(old)-1]
	h.items = old[:len(old)-1]
	return x
}

// phrase finds documents where the words stand one after another.
func (s *Searcher) phrase(sc *scratch, words []string) []hit {
	// Positions are read only of the deeds that have every word, found
	// first without them: a phrase of common words would otherwise decode
	// most of the index.
	alts := make([][]weighted, len(words))
	var first []uint32
	for i, w := range words {
		alts[i] = s.alternatives(w)
		s.ix.accumulate(sc, alts[i])
		for _, doc := range sc.touched {
			sc.tf[doc] = 0
			if sc.mark[doc] == uint8(i) {
				sc.mark[doc] = uint8(i + 1)
			}
		}
		if i == 0 {
			first = slices.Clone(sc.touched)
		}
	}
	var cands []uint32
	for _, doc := range first {
		if sc.mark[doc] == uint8(len(words)) {
			cands = append(cands, doc)
		}
		sc.mark[doc] = 0
	}
	sc.touched = sc.touched[:0]
	if len(cands) == 0 {
		return nil
	}
	slices.Sort(cands)
	per := make([][]hit, len(words))
	for i := range words {
		per[i] = s.ix.lookup(alts[i], true, cands)
	}
	var out []hit
	idx := make([]int, len(words))
	for _, h := range per[0] {
		var rest [][]uint32
		ok := true
		for i := 1; i < len(words); i++ {
			for idx[i] < len(per[i]) && per[i][idx[i]].doc < h.doc {
				idx[i]++
			}
			if idx[i] >= len(per[i]) || per[i][idx[i]].doc != h.doc {
				ok = false
				break
			}
			rest = append(rest, per[i][idx[i]].pos)
		}
		if !ok {
			continue
		}
		var starts []uint32
		var all []uint32
		for _, p := range h.pos {
			match := true
			for i, ps := range rest {
				if _, found := slices.BinarySearch(ps, p+uint32(i+1)); !found {
					match = false
					break
				}
			}
			if match {
				starts = append(starts, p)
				for i := range words {
					all = append(all, p+uint32(i))
				}
			}
		}
		if len(starts) == 0 {
			continue
		}
		e := &s.ix.docs[h.doc]
		tf := 0.0
		for _, p := range starts {
			tf += fieldWeight(e, p) * float64(len(words))
		}
		slices.Sort(all)
		out = append(out, hit{doc: h.doc, tf: tf, pos: slices.Compact(all)})
	}
	return out
}

// fuzzy finds the index's words one typo (an insertion, deletion,
// substitution or swap of neighbours) away from word, and the terms to
// look them up by; the most common such word is reported as the
// correction.
func (s *Searcher) fuzzy(word string) ([]weighted, string) {
	var out []weighted
	best, bestDF := "", 0
	for _, cand := range s.typoWords(word) {
		for _, w := range s.alternatives(cand) {
			out = append(out, weighted{w.term, w.weight * fuzzyWeight})
		}
		if df := s.wordFreq(cand); df > bestDF {
			best, bestDF = cand, df
		}
	}
	return out, best
}

// suggest respells a query that found nothing, word by word.
func (s *Searcher) suggest(q Query) string {
	var words []string
	changed := false
	for _, c := range q.Clauses {
		if c.Negate {
			continue
		}
		for _, w := range c.Words {
			if len(s.ix.lookup(s.alternatives(w), false, nil)) == 0 {
				if _, fixed := s.fuzzy(w); fixed != "" {
					w, changed = fixed, true
				}
			}
			words = append(words, w)
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(words, " ")
}

// withinOneEdit reports whether a and b differ by at most one edit
// (Damerau: a swap of neighbours counts as one).
func withinOneEdit(a, b string) bool {
	if a == b || a == "" || b == "" {
		return false
	}
	// One edit leaves either the start or the end of a long word as it
	// was: most of the index's words fail this before any rune work.
	if len(a) > 3 && len(b) > 3 && a[0] != b[0] && a[len(a)-1] != b[len(b)-1] {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	la, lb := len(ra), len(rb)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && ra[i] == rb[i] {
		i++
	}
	switch {
	case la == lb:
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true
		}
		return i+1 < la && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	case la > lb:
		return string(ra[i+1:]) == string(rb[i:])
	default:
		return string(ra[i:]) == string(rb[i+1:])
	}
}

// wordFreq counts the documents with word as written, in any language.
func (s *Searcher) wordFreq(word string) int {
	n := 0
	for _, lang := range langs {
		n += s.ix.docFreq(lang + ":" + word)
	}
	return n
}
