package search

import (
	"container/heap"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
)

// Request is one search: a query, facet filters (values within a facet are
// alternatives, facets combine), an order and a page.
type Request struct {
	Q       string
	Filters map[string][]string
	Sort    string // "relevance" (the default when there is a query) or "newest"
	Limit   int
	Offset  int
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
	// Relaxed is set when deeds missing one of the query's words were
	// added because few had them all.
	Relaxed bool
	Took    time.Duration
}

type weighted struct {
	term   string
	weight float64
}

// fuzzyWeight ranks a match through a corrected spelling below exact ones.
const fuzzyWeight = 0.5

// relaxBelow is the number of full matches under which deeds missing one
// query word are shown too, their score scaled by relaxedWeight.
const (
	relaxBelow    = 3
	relaxedWeight = 0.5
)

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

type clauseHits struct {
	clause Clause
	hits   []hit // sorted by doc
	df     int
}

// Search runs req against the index.
func (s *Searcher) Search(req Request) Result {
	start := time.Now()
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	q := ParseQuery(req.Q)
	res := Result{Query: q, Facets: map[string][]FacetValue{}}

	// Match the clauses, rarest first, so intersections stay small.
	var must, not []clauseHits
	for _, c := range q.Clauses {
		ch := clauseHits{clause: c}
		if c.Phrase {
			ch.hits = s.phrase(c.Words)
		} else {
			ch.hits = ix.lookup(s.alternatives(c.Words[0]), false)
			if len(ch.hits) == 0 && !c.Negate && utf8.RuneCountInString(c.Words[0]) >= minFuzzyRunes {
				if alts, fixed := s.fuzzy(c.Words[0]); len(alts) > 0 {
					ch.hits = ix.lookup(alts, false)
					if res.Corrected == nil {
						res.Corrected = map[string]string{}
					}
					res.Corrected[c.Words[0]] = fixed
				}
			}
		}
		ch.df = len(ch.hits)
		if c.Negate {
			not = append(not, ch)
		} else {
			must = append(must, ch)
		}
	}
	slices.SortFunc(must, func(a, b clauseHits) int { return a.df - b.df })

	// Candidates: every live document for an empty query, else the
	// intersection of the clauses' hits.
	var cands []cand
	if len(must) == 0 {
		for n := range ix.docs {
			if !ix.docs[n].deleted {
				cands = append(cands, cand{doc: uint32(n)})
			}
		}
	} else {
		sc := ix.scorer(must[0].df)
		cands = make([]cand, 0, len(must[0].hits))
		for _, h := range must[0].hits {
			cands = append(cands, cand{doc: h.doc, score: sc.score(h)})
		}
		for _, ch := range must[1:] {
			sc := ix.scorer(ch.df)
			next := cands[:0]
			i := 0
			for _, c := range cands {
				for i < len(ch.hits) && ch.hits[i].doc < c.doc {
					i++
				}
				if i < len(ch.hits) && ch.hits[i].doc == c.doc {
					c.score += sc.score(ch.hits[i])
					next = append(next, c)
				}
			}
			cands = next
		}
	}
	// Few deeds have every word: add, ranked below them, the deeds that
	// miss only one, so that "maahanmuuttajien perehdytys" still finds the
	// deed about immigrants' induction that never says perehdytys.
	if len(must) >= 2 && len(cands) < relaxBelow {
		full := map[uint32]bool{}
		for _, c := range cands {
			full[c.doc] = true
		}
		type part struct {
			n     int
			score float64
		}
		partial := map[uint32]*part{}
		for _, ch := range must {
			sc := ix.scorer(ch.df)
			for _, h := range ch.hits {
				if full[h.doc] {
					continue
				}
				p := partial[h.doc]
				if p == nil {
					p = &part{}
					partial[h.doc] = p
				}
				p.n++
				p.score += sc.score(h)
			}
		}
		docs := make([]uint32, 0, len(partial))
		for doc, p := range partial {
			if p.n == len(must)-1 {
				docs = append(docs, doc)
			}
		}
		slices.Sort(docs)
		for _, doc := range docs {
			p := partial[doc]
			cands = append(cands, cand{doc: doc, score: p.score * relaxedWeight})
			res.Relaxed = true
		}
	}
	for _, ch := range not {
		excluded := map[uint32]bool{}
		for _, h := range ch.hits {
			excluded[h.doc] = true
		}
		cands = slices.DeleteFunc(cands, func(c cand) bool { return excluded[c.doc] })
	}

	// Facet counts narrow with the filters: a value's count is what the
	// result would be with that value picked, the facet's own other
	// picks aside.
	filters := make([]map[uint32]bool, len(Facets))
	for i, f := range Facets {
		vals := req.Filters[f]
		if len(vals) == 0 {
			continue
		}
		filters[i] = map[uint32]bool{}
		for _, v := range vals {
			if id, ok := ix.values[i].ids[v]; ok {
				filters[i][id] = true
			} else {
				// An unknown value matches nothing rather than failing.
				filters[i][^uint32(0)] = true
			}
		}
	}
	counts := make([][]int, len(Facets))
	for i := range counts {
		counts[i] = make([]int, len(ix.values[i].vals))
	}
	kept := cands[:0]
	for _, c := range cands {
		e := &ix.docs[c.doc]
		failed, failedAt := 0, -1
		for i, f := range filters {
			if f == nil {
				continue
			}
			ok := false
			for _, v := range e.facets[i] {
				if f[v] {
					ok = true
					break
				}
			}
			if !ok {
				failed++
				failedAt = i
				if failed > 1 {
					break
				}
			}
		}
		switch failed {
		case 0:
			for i := range Facets {
				for _, v := range e.facets[i] {
					counts[i][v]++
				}
			}
			kept = append(kept, c)
		case 1:
			for _, v := range e.facets[failedAt] {
				counts[failedAt][v]++
			}
		}
	}
	cands = kept
	for i, f := range Facets {
		var fv []FacetValue
		for id, n := range counts[i] {
			if n == 0 {
				continue
			}
			fv = append(fv, FacetValue{Value: ix.values[i].vals[id], Count: n, Selected: filters[i] != nil && filters[i][uint32(id)]})
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

	res.Total = len(cands)
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
	for _, c := range cands {
		if top.Len() < want {
			heap.Push(top, c)
		} else if less(c, top.items[0]) {
			top.items[0] = c
			heap.Fix(top, 0)
		}
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
	if res.Total == 0 && !q.Empty() {
		res.Suggestion = s.suggest(q)
	}
	res.Took = time.Since(start)
	return res
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
func (s *Searcher) phrase(words []string) []hit {
	per := make([][]hit, len(words))
	for i, w := range words {
		per[i] = s.ix.lookup(s.alternatives(w), true)
		if len(per[i]) == 0 {
			return nil
		}
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
	for _, cands := range s.typoCandidates(word) {
		for _, cand := range cands {
			if !withinOneEdit(word, cand) {
				continue
			}
			for _, w := range s.alternatives(cand) {
				out = append(out, weighted{w.term, w.weight * fuzzyWeight})
			}
			if df := s.wordFreq(cand); df > bestDF {
				best, bestDF = cand, df
			}
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
			if len(s.ix.lookup(s.alternatives(w), false)) == 0 {
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

// Suggest gives up to n index words that start with prefix, most common
// first, for the search box's suggestions.
func (s *Searcher) Suggest(prefix string, n int) []string {
	prefix = analysis.Fold(strings.TrimSpace(prefix))
	if utf8.RuneCountInString(prefix) < 2 || n <= 0 {
		return nil
	}
	s.ix.mu.RLock()
	defer s.ix.mu.RUnlock()
	words := s.surfaceWords()
	i := sort.SearchStrings(words, prefix)
	type wc struct {
		w  string
		df int
	}
	var found []wc
	for ; i < len(words) && strings.HasPrefix(words[i], prefix); i++ {
		found = append(found, wc{words[i], s.wordFreq(words[i])})
		if len(found) > 2000 {
			break
		}
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
