package benchgen

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/search"
)

// Query classes, by the share of deeds a query matches.
const (
	Broad  = "broad"  // single very common words: over 30 % of deeds
	Medium = "medium" // words and word pairs matching about 1–5 %
	Rare   = "rare"   // names, phrases and typos matching under 0.1 % (or 1–3 deeds of a small bank)
)

// Classes lists the classes in the order reports show them.
var Classes = []string{Broad, Medium, Rare}

// Kinds of query within a class.
const (
	KindWord   = "word"
	KindPair   = "two words"
	KindPhrase = "phrase"
	KindTypo   = "typo"
)

// Query is one benchmark query.
type Query struct {
	Class, Kind, Q string
}

// broadWords are the base forms municipal development prose repeats: with
// Voikko a query for the base form finds every inflection, so these match
// a large share of deeds although no single written form does.
var broadWords = []string{"kunta", "kehittäminen", "henkilöstö", "palvelu", "työ", "asiakas", "toiminta", "kaupunki",
	"malli", "yhteistyö", "tavoite", "vuosi", "hanke", "kokeilu", "aika", "tuki", "järjestö", "kuntalainen", "osa",
	"hyvinvointi", "tieto", "prosentti", "alue", "kehittää"}

// Candidates proposes queries for every class from the word frequencies
// Each counted; their real breadth is only known once an index answers
// them (Select). It must follow a full Each.
func (g *Generator) Candidates(seed uint64) ([]Query, error) {
	if g.made == 0 {
		return nil, fmt.Errorf("benchgen: candidates before any deeds were made")
	}
	r := rand.New(rand.NewPCG(seed, 0x71e7))
	n := float64(g.made)
	var out []Query
	add := func(class, kind, q string) {
		if !search.ParseQuery(q).Empty() {
			out = append(out, Query{class, kind, q})
		}
	}
	for _, w := range broadWords {
		add(Broad, KindWord, w)
	}
	type wdf struct {
		w  string
		df int32
	}
	var words []wdf
	for id, w := range g.c.foldedWords {
		if g.df[id] > 0 && plainWord(w) {
			words = append(words, wdf{w, g.df[id]})
		}
	}
	// By frequency, then spelling: the order must not depend on map
	// iteration or anything but the seed.
	slices.SortFunc(words, func(a, b wdf) int {
		return cmp.Or(cmp.Compare(b.df, a.df), cmp.Compare(a.w, b.w))
	})
	for _, w := range words[:min(30, len(words))] {
		add(Broad, KindWord, w.w)
	}
	var mid, common []string
	for _, w := range words {
		switch share := float64(w.df) / n; {
		case share >= 0.005 && share <= 0.06:
			mid = append(mid, w.w)
		case share >= 0.04 && share <= 0.4:
			common = append(common, w.w)
		}
	}
	for _, w := range sample(r, mid, 200) {
		add(Medium, KindWord, w)
	}
	if len(common) >= 2 {
		for range 200 {
			a, b := common[r.IntN(len(common))], common[r.IntN(len(common))]
			if a != b {
				add(Medium, KindPair, a+" "+b)
			}
		}
	}
	var names, twice []int
	for i, df := range g.rareDF {
		if df > 0 {
			names = append(names, i)
		}
		if df > 1 {
			twice = append(twice, i)
		}
	}
	for _, i := range sample(r, names, 150) {
		add(Rare, KindWord, rareName(i))
	}
	for _, i := range sample(r, twice, 100) {
		add(Rare, KindPhrase, rarePhrase(g.c, i))
	}
	for _, i := range sample(r, names, 100) {
		add(Rare, KindTypo, rareTypo(i))
	}
	return out, nil
}

// plainWord is a word a person would type as a query: letters only, five
// or more of them.
func plainWord(w string) bool {
	if utf8.RuneCountInString(w) < 5 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// sample picks up to n of vals without repeats, in a seeded order.
func sample[T any](r *rand.Rand, vals []T, n int) []T {
	idx := r.Perm(len(vals))
	out := make([]T, 0, min(n, len(vals)))
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, vals[i])
	}
	return out
}

// ClassQueries are the queries of one class that a benchmark runs.
type ClassQueries struct {
	Class   string
	Queries []Query // drawn with repeats from the distinct kept queries
	// Distinct is how many different queries passed the class's band;
	// MinShare and MaxShare are the shares of deeds they match.
	Distinct           int
	MinShare, MaxShare float64
}

// kindShares mix a class's kinds: medium is mostly single words, rare is
// half names and a quarter each phrases and typos.
var kindShares = map[string]map[string]int{
	Broad:  {KindWord: 1},
	Medium: {KindWord: 6, KindPair: 4},
	Rare:   {KindWord: 2, KindPhrase: 1, KindTypo: 1},
}

// inBand reports whether a query matching total of n deeds belongs to
// class. Medium widens to 0.5–10 % when strict asks for it not to.
func inBand(class string, total, n int, strict bool) bool {
	share := float64(total) / float64(n)
	switch class {
	case Broad:
		return share > 0.30
	case Medium:
		if strict {
			return share >= 0.01 && share <= 0.05
		}
		return share >= 0.005 && share <= 0.10
	default:
		// Below a few thousand deeds 0.1 % is less than one deed.
		return total > 0 && (share < 0.001 || total <= 3)
	}
}

// minDistinct is how many distinct queries a class needs before its
// band is widened.
const minDistinct = 10

// Select keeps the candidates whose breadth fits their class, total giving
// the number of deeds a query matches among n, and draws perClass queries
// of each class with the seed. It fails when a class keeps none.
func Select(cands []Query, n, perClass int, seed uint64, total func(q string) int) ([]ClassQueries, error) {
	totals := make([]int, len(cands))
	for i, c := range cands {
		totals[i] = total(c.Q)
	}
	r := rand.New(rand.NewPCG(seed, 0x5e1ec7))
	var out []ClassQueries
	for _, class := range Classes {
		byKind := map[string][]Query{}
		cq := ClassQueries{Class: class, MinShare: 1}
		for _, strict := range []bool{true, false} {
			clear(byKind)
			cq.Distinct, cq.MinShare, cq.MaxShare = 0, 1, 0
			for i, c := range cands {
				if c.Class != class || !inBand(class, totals[i], n, strict) {
					continue
				}
				byKind[c.Kind] = append(byKind[c.Kind], c)
				cq.Distinct++
				share := float64(totals[i]) / float64(n)
				cq.MinShare, cq.MaxShare = min(cq.MinShare, share), max(cq.MaxShare, share)
			}
			if cq.Distinct >= minDistinct {
				break
			}
		}
		if cq.Distinct == 0 {
			return nil, fmt.Errorf("benchgen: no %s query fits its band among %d deeds", class, n)
		}
		var kinds []string
		weight := 0
		for _, k := range []string{KindWord, KindPair, KindPhrase, KindTypo} {
			if len(byKind[k]) > 0 && kindShares[class][k] > 0 {
				kinds = append(kinds, k)
				weight += kindShares[class][k]
			}
		}
		for range perClass {
			x := r.IntN(weight)
			for _, k := range kinds {
				if x < kindShares[class][k] {
					qs := byKind[k]
					cq.Queries = append(cq.Queries, qs[r.IntN(len(qs))])
					break
				}
				x -= kindShares[class][k]
			}
		}
		out = append(out, cq)
	}
	return out, nil
}
