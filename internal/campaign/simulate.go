package campaign

import (
	"math"
	"math/rand/v2"
)

// SimConfig describes the campaigns Simulate draws. The defaults are the
// 2022 Kuntatyö2030 gala: 183 entries, 50 awards.
type SimConfig struct {
	Entries  int
	Jurors   int
	PerEntry int
	Winners  int
	// Criteria are scored 1–5 with equal weights.
	Criteria int
	// Leniency is the spread (standard deviation, in scale points) of the
	// jurors' personal offsets: how much more kindly or harshly they score.
	Leniency float64
	// Noise is the typical spread of a juror's scores around what they
	// mean; each juror's own noise is drawn between half and one and a
	// half times it.
	Noise float64
}

// DefaultSim is a campaign like 2022's.
func DefaultSim() SimConfig {
	return SimConfig{Entries: 183, Jurors: 12, PerEntry: 3, Winners: 50, Criteria: 3, Leniency: 0.6, Noise: 0.6}
}

// SimRun says how many of the truly best Winners entries each method put
// among its Winners.
type SimRun struct {
	Raw        int
	Normalised int
}

// Simulate draws one campaign and judges it: every entry has a hidden true
// quality; every juror has a leniency, a way of using the scale and a
// noise; jurors are assigned as AssignAutomatically does and the entries
// ranked as Ranking does, by raw mean and by normalised score.
func Simulate(cfg SimConfig, rng *rand.Rand) SimRun {
	quality := make([]float64, cfg.Entries)
	entries := make([]int64, cfg.Entries)
	for i := range quality {
		quality[i] = rng.NormFloat64()
		entries[i] = int64(i + 1)
	}
	type juror struct{ offset, stretch, noise float64 }
	jurors := make([]juror, cfg.Jurors)
	jids := make([]int64, cfg.Jurors)
	for j := range jurors {
		jurors[j] = juror{
			offset:  rng.NormFloat64() * cfg.Leniency,
			stretch: 0.6 + 0.8*rng.Float64(),
			noise:   cfg.Noise * (0.5 + rng.Float64()),
		}
		jids[j] = int64(j + 1)
	}
	criteria := make([]Criterion, cfg.Criteria)
	for c := range criteria {
		criteria[c] = Criterion{ID: int64(c + 1), Weight: 1, ScaleMin: 1, ScaleMax: 5}
	}
	pairs, _ := planAssignments(entries, jids, cfg.PerEntry, nil, nil)
	js := make([]Judgement, 0, len(pairs))
	scores := make([]Score, cfg.Criteria)
	for _, p := range pairs {
		q, jr := quality[p.Entry-1], jurors[p.Juror-1]
		for c := range scores {
			v := 3 + jr.stretch*0.9*q + jr.offset + rng.NormFloat64()*jr.noise
			scores[c] = Score{CriterionID: int64(c + 1), Value: int(math.Max(1, math.Min(5, math.Round(v))))}
		}
		js = append(js, Judgement{Entry: p.Entry, Juror: p.Juror, Total: weightedTotal(criteria, scores)})
	}
	lo, hi := scaleOf(criteria)
	ranked := rankCategory(entries, js, normalisedTotals(js, lo, hi), cfg.Winners, lo, hi)

	// The true top: entries whose quality is among the Winners highest.
	byQuality := make([]int64, len(entries))
	copy(byQuality, entries)
	sortByDesc(byQuality, func(e int64) float64 { return quality[e-1] })
	best := map[int64]bool{}
	for _, e := range byQuality[:min(cfg.Winners, len(byQuality))] {
		best[e] = true
	}
	var run SimRun
	for _, r := range ranked {
		if r.RawRank <= cfg.Winners && best[r.EntryID] {
			run.Raw++
		}
		if r.Rank <= cfg.Winners && best[r.EntryID] {
			run.Normalised++
		}
	}
	return run
}

func sortByDesc(ids []int64, key func(int64) float64) {
	// Insertion sort is plenty for a few hundred entries and keeps the
	// order of equal keys, so a run is the same every time for a seed.
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && key(ids[j]) > key(ids[j-1]); j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}
