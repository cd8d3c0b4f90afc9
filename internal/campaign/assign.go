package campaign

import (
	"cmp"
	"slices"
)

// Pair is one juror on one entry.
type Pair struct {
	Entry int64 `json:"entry_id"`
	Juror int64 `json:"juror_id"`
}

// planAssignments tops every entry up to k jurors, keeping the pairs it
// already has. It is greedy: entries with the fewest eligible jurors to
// spare go first, so that conflicts do not leave them short, and each
// takes the least-loaded eligible jurors. Ties break on a hash of the pair
// rather than on ids, so that juror groups mix across entries (which is
// what lets normalisation compare jurors) and the plan is still the same
// every time for the same input. It returns the new pairs and the entries
// left with fewer than k jurors.
func planAssignments(entries, jurors []int64, k int, have, conflicted map[Pair]bool) (added []Pair, short []int64) {
	load := make(map[int64]int, len(jurors))
	count := make(map[int64]int, len(entries))
	for p := range have {
		load[p.Juror]++
		count[p.Entry]++
	}
	spare := make(map[int64]int, len(entries))
	for _, e := range entries {
		n := 0
		for _, j := range jurors {
			p := Pair{e, j}
			if !have[p] && !conflicted[p] {
				n++
			}
		}
		spare[e] = n - (k - count[e])
	}
	order := slices.Clone(entries)
	slices.SortFunc(order, func(a, b int64) int {
		if c := cmp.Compare(spare[a], spare[b]); c != 0 {
			return c
		}
		return cmp.Compare(mix(a, 0), mix(b, 0))
	})
	cand := make([]int64, 0, len(jurors))
	for _, e := range order {
		need := k - count[e]
		if need <= 0 {
			continue
		}
		cand = cand[:0]
		for _, j := range jurors {
			p := Pair{e, j}
			if !have[p] && !conflicted[p] {
				cand = append(cand, j)
			}
		}
		slices.SortFunc(cand, func(a, b int64) int {
			if c := cmp.Compare(load[a], load[b]); c != 0 {
				return c
			}
			return cmp.Compare(mix(e, a), mix(e, b))
		})
		if len(cand) < need {
			short = append(short, e)
			need = len(cand)
		}
		for _, j := range cand[:need] {
			added = append(added, Pair{e, j})
			load[j]++
		}
	}
	slices.Sort(short)
	return added, short
}

// mix is splitmix64 over a pair of ids: a cheap, fixed, well-spread hash.
func mix(a, b int64) uint64 {
	z := uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
