package search

import (
	"context"
	"math"
	"sort"
)

// Similar is a deed found to resemble another, with how much of the
// other's characteristic vocabulary it shares (0–1).
type Similar struct {
	DeedID  int64
	Score   float64
	Overlap float64
}

// similarTerms is how many of a text's most characteristic terms are
// compared.
const similarTerms = 20

// SimilarTo finds the published deeds most like src: its most
// characteristic terms (frequent in it, rare in the bank) are looked up and
// the deeds that share most of their weight come first. src itself is
// left out.
func (s *Searcher) SimilarTo(src *Source, n int) []Similar {
	_, occ := Build(s.an, src)
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.live == 0 {
		return nil
	}
	type tw struct {
		term string
		w    float64
		idf  float64
	}
	var terms []tw
	for t, o := range occ {
		df := ix.docFreq(t)
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (float64(ix.live)-float64(df)+0.5)/(float64(df)+0.5))
		terms = append(terms, tw{t, float64(o.Count) * idf, idf})
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].w != terms[j].w {
			return terms[i].w > terms[j].w
		}
		return terms[i].term < terms[j].term
	})
	terms = terms[:min(len(terms), similarTerms)]
	total := 0.0
	for _, t := range terms {
		total += t.idf
	}
	if total == 0 {
		return nil
	}
	score := map[uint32]float64{}
	shared := map[uint32]float64{}
	for _, t := range terms {
		hits := ix.lookup([]weighted{{t.term, 1}}, false, nil)
		sc := ix.scorer(len(hits))
		for _, h := range hits {
			score[h.doc] += sc.score(h.doc, h.tf)
			shared[h.doc] += t.idf
		}
	}
	var out []Similar
	for doc, sc := range score {
		id := ix.docs[doc].deedID
		if id == src.DeedID {
			continue
		}
		out = append(out, Similar{DeedID: id, Score: sc, Overlap: shared[doc] / total})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].DeedID < out[j].DeedID
	})
	return out[:min(n, len(out))]
}

// Similar finds the deeds most like a stored deed, for its page.
func (s *Service) Similar(ctx context.Context, deedID int64, n int) ([]Similar, error) {
	srcs, err := s.read(ctx, false, "d.id = ?", deedID)
	if err != nil || len(srcs) == 0 {
		return nil, err
	}
	return s.cur.Load().SimilarTo(srcs[0], n), nil
}

// DuplicateOverlap is the share of a draft's characteristic vocabulary a
// published deed must have to be flagged as probably the same work.
const DuplicateOverlap = 0.6

// Duplicates finds published deeds that are probably the same work as a
// draft, so the author can link to it instead of writing it again.
func (s *Service) Duplicates(src *Source, n int) []Similar {
	var out []Similar
	for _, sim := range s.cur.Load().SimilarTo(src, n) {
		if sim.Overlap >= DuplicateOverlap {
			out = append(out, sim)
		}
	}
	return out
}
