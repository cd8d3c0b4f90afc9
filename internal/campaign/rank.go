package campaign

import (
	"cmp"
	"math"
	"slices"
)

// Judgement is one juror's weighted total for one entry.
type Judgement struct {
	Entry int64
	Juror int64
	Total float64
}

// minJudgements is how many entries a juror must have scored before their
// leniency can be estimated; with fewer, their totals are taken as given.
const minJudgements = 3

// DisagreementShare is the spread between jurors, as a share of the
// scale's range, from which an entry is flagged as one the jurors disagree
// on: 0.4 is 1.6 points on a 1–5 scale.
const DisagreementShare = 0.4

// normalisedTotals corrects each judgement for its juror's leniency or
// harshness: the total is standardised among that juror's own totals (how
// far above or below their usual, in their usual spread), then put back on
// the scale with the mean and spread of all totals, and kept within the
// scale. A juror who scores everything high and one who scores everything
// low thus count alike; a juror who uses only part of the scale is
// stretched to the whole jury's use of it.
func normalisedTotals(js []Judgement, lo, hi float64) []float64 {
	type acc struct{ n, sum, sq float64 }
	per := map[int64]*acc{}
	var all acc
	for _, j := range js {
		a := per[j.Juror]
		if a == nil {
			a = &acc{}
			per[j.Juror] = a
		}
		a.n++
		a.sum += j.Total
		a.sq += j.Total * j.Total
		all.n++
		all.sum += j.Total
		all.sq += j.Total * j.Total
	}
	sd := func(a *acc) float64 {
		if a.n < 2 {
			return 0
		}
		m := a.sum / a.n
		return math.Sqrt(math.Max(a.sq/a.n-m*m, 0))
	}
	out := make([]float64, len(js))
	if all.n == 0 {
		return out
	}
	mean, spread := all.sum/all.n, sd(&all)
	for i, j := range js {
		a := per[j.Juror]
		if a.n < minJudgements {
			out[i] = j.Total
			continue
		}
		z := 0.0
		if s := sd(a); s > 1e-9 {
			z = (j.Total - a.sum/a.n) / s
		}
		out[i] = math.Min(hi, math.Max(lo, mean+z*spread))
	}
	return out
}

// Ranked is an entry's place in its category.
type Ranked struct {
	EntryID int64 `json:"entry_id"`
	// Jurors is how many reviews count.
	Jurors int `json:"jurors"`
	// Scored is false for an entry without a counted review; it ranks last.
	Scored bool `json:"scored"`
	// Raw is the mean of the jurors' weighted totals.
	Raw float64 `json:"raw"`
	// Normalised is the mean of the per-juror standardised totals.
	Normalised float64 `json:"normalised"`
	// Model is the calibrated score (fitModel), with its uncertainty
	// interval ModelLow–ModelHigh.
	Model     float64 `json:"model"`
	ModelLow  float64 `json:"model_low"`
	ModelHigh float64 `json:"model_high"`
	// Spread is the highest juror total less the lowest.
	Spread float64 `json:"spread"`
	// Rank orders by DefaultMethod; RawRank by Raw, NormRank by
	// Normalised, ModelRank by Model. All start at 1.
	Rank      int `json:"rank"`
	RawRank   int `json:"raw_rank"`
	NormRank  int `json:"normalised_rank"`
	ModelRank int `json:"model_rank"`
	// LineChanged flags an entry that is above the winners' line by one
	// method and below it by another.
	LineChanged bool `json:"line_changed"`
	// TooClose flags an entry whose model interval crosses the winners'
	// line: another juror's review would help decide it.
	TooClose bool `json:"too_close"`
	// Disagreement flags an entry whose jurors' totals lie far apart.
	Disagreement bool `json:"disagreement"`
}

// rankCategory ranks entries by DefaultMethod. js, norm and fit are the
// campaign's judgements, their normalised totals and the model's fit
// (both pool every category, since leniency belongs to the juror); line is
// the category's number of winners.
func rankCategory(entries []int64, js []Judgement, norm []float64, fit map[int64]Fit, line int, lo, hi float64) []Ranked {
	rows := make(map[int64]*Ranked, len(entries))
	lows, highs := map[int64]float64{}, map[int64]float64{}
	for _, e := range entries {
		rows[e] = &Ranked{EntryID: e}
	}
	for i, j := range js {
		r := rows[j.Entry]
		if r == nil {
			continue
		}
		if r.Jurors == 0 || j.Total < lows[j.Entry] {
			lows[j.Entry] = j.Total
		}
		if r.Jurors == 0 || j.Total > highs[j.Entry] {
			highs[j.Entry] = j.Total
		}
		r.Jurors++
		r.Raw += j.Total
		r.Normalised += norm[i]
	}
	out := make([]Ranked, 0, len(entries))
	for _, e := range entries {
		r := rows[e]
		if r.Jurors > 0 {
			r.Scored = true
			r.Raw /= float64(r.Jurors)
			r.Normalised /= float64(r.Jurors)
			r.Spread = highs[e] - lows[e]
			r.Disagreement = r.Jurors >= 2 && r.Spread >= DisagreementShare*(hi-lo)
			f := fit[e]
			r.Model, r.ModelLow, r.ModelHigh = f.Score, f.Low, f.High
		}
		out = append(out, *r)
	}
	by := func(key func(Ranked) float64) func(a, b Ranked) int {
		return func(a, b Ranked) int {
			if a.Scored != b.Scored {
				if a.Scored {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(key(b), key(a)); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Raw, a.Raw); c != 0 {
				return c
			}
			return cmp.Compare(a.EntryID, b.EntryID)
		}
	}
	place := func(key func(Ranked) float64) map[int64]int {
		slices.SortFunc(out, by(key))
		m := make(map[int64]int, len(out))
		for i, r := range out {
			m[r.EntryID] = i + 1
		}
		return m
	}
	keys := map[Method]func(Ranked) float64{
		MethodRaw:          func(r Ranked) float64 { return r.Raw },
		MethodStandardised: func(r Ranked) float64 { return r.Normalised },
		MethodModel:        func(r Ranked) float64 { return r.Model },
	}
	rawRank, normRank := place(keys[MethodRaw]), place(keys[MethodStandardised])
	modelRank := place(keys[MethodModel])
	slices.SortFunc(out, by(keys[DefaultMethod]))
	// The winners' line by the model lies halfway between the last entry
	// above it and the first below.
	cut, scored := math.NaN(), 0
	for _, r := range out {
		if r.Scored {
			scored++
		}
	}
	if line > 0 && scored > line {
		var at, next float64
		for _, r := range out {
			switch modelRank[r.EntryID] {
			case line:
				at = r.Model
			case line + 1:
				next = r.Model
			}
		}
		cut = (at + next) / 2
	}
	for i := range out {
		r := &out[i]
		r.Rank, r.RawRank, r.NormRank, r.ModelRank = i+1, rawRank[r.EntryID], normRank[r.EntryID], modelRank[r.EntryID]
		if line > 0 && r.Scored {
			above := r.Rank <= line
			r.LineChanged = above != (r.RawRank <= line) || above != (r.NormRank <= line) || above != (r.ModelRank <= line)
			r.TooClose = !math.IsNaN(cut) && r.ModelLow < cut && cut < r.ModelHigh
		}
	}
	return out
}

// scaleOf is the common scale of the weighted totals: the weighted means
// of the criteria's bottoms and tops.
func scaleOf(criteria []Criterion) (lo, hi float64) {
	var w float64
	for _, c := range criteria {
		lo += c.Weight * float64(c.ScaleMin)
		hi += c.Weight * float64(c.ScaleMax)
		w += c.Weight
	}
	if w == 0 {
		return 0, 1
	}
	return lo / w, hi / w
}
