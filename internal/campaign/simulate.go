package campaign

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// The simulation behind the choice of ranking method. Each scenario draws
// campaigns from its own generative model, and none of them is the
// calibration model's own: scores are rounded integers per criterion, and
// the scenarios add what real juries do (uneven and clustered assignment,
// few scores a juror, partial and non-linear use of the scale, an outlier
// juror, category effects, disjoint sub-panels). Every method is judged on
// every scenario by how many of the truly best entries it puts above the
// winners' line and by rank correlation with the true quality.

// Method is a way of ranking entries from the jurors' totals.
type Method string

const (
	// MethodRaw ranks by the mean of the jurors' weighted totals.
	MethodRaw Method = "raw"
	// MethodStandardised ranks by the mean of per-juror standardised
	// totals (normalisedTotals).
	MethodStandardised Method = "standardised"
	// MethodModel ranks by the two-way additive model (fitModel).
	MethodModel Method = "model"
)

// Methods lists the methods in the order reports show them.
func Methods() []Method { return []Method{MethodRaw, MethodStandardised, MethodModel} }

// DefaultMethod is what the ranking orders by and what sets the winners'
// line. It is the method with the best mean top-50 recall over the
// scenarios of `tekotori campaign simulate`; TestDefaultMethodIsBest keeps
// it so.
const DefaultMethod = MethodModel

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

// Scenario is one generative model of a campaign.
type Scenario struct {
	Name        string
	Description string
	draw        func(cfg SimConfig, rng *rand.Rand) simCampaign
}

// simCampaign is a drawn campaign: the hidden true quality of every entry
// and the jury's judgements.
type simCampaign struct {
	quality []float64
	js      []Judgement
}

// simJuror is how one juror turns quality into a score on a criterion.
type simJuror struct {
	offset, stretch, noise float64
	// lo and hi are the part of the 1–5 scale the juror uses; curved
	// jurors squash quality through a logistic curve into it.
	lo, hi float64
	curved bool
	// erratic jurors score at random around their own mean.
	erratic bool
}

func (j simJuror) score(q float64, rng *rand.Rand) int {
	var v float64
	switch {
	case j.erratic:
		v = 3 + j.offset + rng.NormFloat64()*1.5
	case j.curved:
		x := j.stretch*1.6*q + j.offset + rng.NormFloat64()*j.noise
		v = j.lo + (j.hi-j.lo)/(1+math.Exp(-x))
	default:
		v = 3 + j.stretch*0.9*q + j.offset + rng.NormFloat64()*j.noise
	}
	return int(math.Max(1, math.Min(5, math.Round(v))))
}

func drawJurors(cfg SimConfig, n int, rng *rand.Rand) []simJuror {
	out := make([]simJuror, n)
	for j := range out {
		out[j] = simJuror{
			offset:  rng.NormFloat64() * cfg.Leniency,
			stretch: 0.6 + 0.8*rng.Float64(),
			noise:   cfg.Noise * (0.5 + rng.Float64()),
			lo:      1, hi: 5,
		}
	}
	return out
}

func drawQuality(n int, rng *rand.Rand) []float64 {
	q := make([]float64, n)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	return q
}

// judge scores every pair on cfg.Criteria criteria into weighted totals.
func judge(cfg SimConfig, pairs []Pair, quality []float64, jurors []simJuror, rng *rand.Rand) []Judgement {
	criteria := make([]Criterion, cfg.Criteria)
	for c := range criteria {
		criteria[c] = Criterion{ID: int64(c + 1), Weight: 1, ScaleMin: 1, ScaleMax: 5}
	}
	scores := make([]Score, cfg.Criteria)
	js := make([]Judgement, 0, len(pairs))
	for _, p := range pairs {
		q, jr := quality[p.Entry-1], jurors[p.Juror-1]
		for c := range scores {
			scores[c] = Score{CriterionID: int64(c + 1), Value: jr.score(q, rng)}
		}
		js = append(js, Judgement{Entry: p.Entry, Juror: p.Juror, Total: weightedTotal(criteria, scores)})
	}
	return js
}

func ids(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// balanced assigns as the product does (planAssignments).
func balanced(entries, jurors, k int) []Pair {
	pairs, _ := planAssignments(ids(entries), ids(jurors), k, nil, nil)
	return pairs
}

// randomPairs gives each entry k jurors drawn at random, so loads are
// uneven and some jurors see few entries.
func randomPairs(entries, jurors, k int, rng *rand.Rand) []Pair {
	var out []Pair
	for e := 1; e <= entries; e++ {
		for _, j := range rng.Perm(jurors)[:k] {
			out = append(out, Pair{int64(e), int64(j + 1)})
		}
	}
	return out
}

// panelPairs splits the jurors into panels of k and the entries into as
// many batches, in the order given; a batch is judged by its panel. A
// share link of each batch's entries swaps one juror for one of another
// panel, which links the panels.
func panelPairs(order []int, jurors, k int, link float64, rng *rand.Rand) []Pair {
	panels := max(jurors/k, 1)
	var out []Pair
	for pos, e := range order {
		p := pos * panels / len(order)
		members := make([]int, k)
		for m := range members {
			members[m] = p*k + m
		}
		if panels > 1 && rng.Float64() < link {
			other := (p + 1 + rng.IntN(panels-1)) % panels
			members[rng.IntN(k)] = other*k + rng.IntN(k)
		}
		for _, j := range members {
			out = append(out, Pair{int64(e + 1), int64(j%jurors + 1)})
		}
	}
	return out
}

// categories shifts the quality of four equal categories by a category
// effect and returns the entries grouped by category.
func categories(quality []float64, rng *rand.Rand) []int {
	effects := []float64{0.8, 0.3, -0.3, -0.8}
	rng.Shuffle(len(effects), func(a, b int) { effects[a], effects[b] = effects[b], effects[a] })
	order := make([]int, len(quality))
	for i := range quality {
		quality[i] += effects[i*len(effects)/len(quality)]
		order[i] = i
	}
	return order
}

// Scenarios are the generative models Simulate draws from.
func Scenarios() []Scenario {
	return []Scenario{
		{"linear-balanced", "balanced assignment; each juror offset + stretch × quality + noise (what standardisation assumes)",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				return simCampaign{q, judge(cfg, balanced(cfg.Entries, cfg.Jurors, cfg.PerEntry), q, drawJurors(cfg, cfg.Jurors, rng), rng)}
			}},
		{"random-assignment", "jurors drawn at random for each entry: uneven loads, leniency as above",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				return simCampaign{q, judge(cfg, randomPairs(cfg.Entries, cfg.Jurors, cfg.PerEntry, rng), q, drawJurors(cfg, cfg.Jurors, rng), rng)}
			}},
		{"harsh-strongest", "entries batched by quality to panels of 3, the harshest panel on the strongest batch; 15 % of entries shared",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				order := make([]int, len(q))
				for i := range order {
					order[i] = i
				}
				slices.SortFunc(order, func(a, b int) int { return cmp.Compare(q[b], q[a]) })
				jurors := drawJurors(cfg, cfg.Jurors, rng)
				slices.SortFunc(jurors, func(a, b simJuror) int { return cmp.Compare(a.offset, b.offset) })
				return simCampaign{q, judge(cfg, panelPairs(order, cfg.Jurors, cfg.PerEntry, 0.15, rng), q, jurors, rng)}
			}},
		{"few-scores", "90 jurors, so about 6 scores a juror; balanced assignment",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				n := max(cfg.Jurors, 90)
				return simCampaign{q, judge(cfg, balanced(cfg.Entries, n, cfg.PerEntry), q, drawJurors(cfg, n, rng), rng)}
			}},
		{"partial-nonlinear", "each juror uses part of the scale (e.g. 2–4) through a logistic curve; balanced assignment",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				jurors := drawJurors(cfg, cfg.Jurors, rng)
				for j := range jurors {
					jurors[j].curved = true
					jurors[j].lo = 1 + 1.5*rng.Float64()
					jurors[j].hi = 5 - 1.5*rng.Float64()
				}
				return simCampaign{q, judge(cfg, balanced(cfg.Entries, cfg.Jurors, cfg.PerEntry), q, jurors, rng)}
			}},
		{"outlier-juror", "one juror scores at random, far from the others; balanced assignment",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				jurors := drawJurors(cfg, cfg.Jurors, rng)
				jurors[0].erratic, jurors[0].offset = true, 1.2
				return simCampaign{q, judge(cfg, balanced(cfg.Entries, cfg.Jurors, cfg.PerEntry), q, jurors, rng)}
			}},
		{"category-panels", "four categories of different strength, each judged by its own panel; 15 % of entries shared",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				order := categories(q, rng)
				return simCampaign{q, judge(cfg, panelPairs(order, cfg.Jurors, cfg.PerEntry, 0.15, rng), q, drawJurors(cfg, cfg.Jurors, rng), rng)}
			}},
		{"disjoint-panels", "as category-panels, but the panels share no entry",
			func(cfg SimConfig, rng *rand.Rand) simCampaign {
				q := drawQuality(cfg.Entries, rng)
				order := categories(q, rng)
				return simCampaign{q, judge(cfg, panelPairs(order, cfg.Jurors, cfg.PerEntry, 0, rng), q, drawJurors(cfg, cfg.Jurors, rng), rng)}
			}},
	}
}

// SimScore is how well one method did on one drawn campaign.
type SimScore struct {
	// Recall is the share of the true top Winners that the method put
	// among its top Winners.
	Recall float64
	// Spearman is the rank correlation of the method's scores with the
	// true quality.
	Spearman float64
}

// Simulate draws one campaign from the scenario and ranks it by every
// method.
func Simulate(cfg SimConfig, sc Scenario, rng *rand.Rand) map[Method]SimScore {
	c := sc.draw(cfg, rng)
	n := len(c.quality)
	scores := methodScores(c.js, n)
	truth := ranks(c.quality)
	w := min(cfg.Winners, n)
	out := map[Method]SimScore{}
	for m, s := range scores {
		r := ranks(s)
		var hit int
		var d2 float64
		for i := range r {
			if r[i] < w && truth[i] < w {
				hit++
			}
			d := float64(r[i] - truth[i])
			d2 += d * d
		}
		rho := 1.0
		if n > 1 {
			rho = 1 - 6*d2/(float64(n)*(float64(n)*float64(n)-1))
		}
		out[m] = SimScore{Recall: float64(hit) / float64(w), Spearman: rho}
	}
	return out
}

// methodScores is each method's score of entries 1…n, as the ranking
// computes them; an entry nobody judged scores lowest.
func methodScores(js []Judgement, n int) map[Method][]float64 {
	lo, hi := 1.0, 5.0
	norm := normalisedTotals(js, lo, hi)
	fit := fitModel(js, lo, hi)
	raw, std, cnt := make([]float64, n), make([]float64, n), make([]float64, n)
	for i, j := range js {
		raw[j.Entry-1] += j.Total
		std[j.Entry-1] += norm[i]
		cnt[j.Entry-1]++
	}
	model := make([]float64, n)
	for i := range raw {
		if cnt[i] == 0 {
			raw[i], std[i], model[i] = math.Inf(-1), math.Inf(-1), math.Inf(-1)
			continue
		}
		raw[i] /= cnt[i]
		std[i] /= cnt[i]
		model[i] = fit[int64(i+1)].Score
	}
	return map[Method][]float64{MethodRaw: raw, MethodStandardised: std, MethodModel: model}
}

// ranks gives each index its place (0 = best) by descending value; ties
// keep index order, so a run is the same every time for a seed.
func ranks(v []float64) []int {
	order := make([]int, len(v))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(v[b], v[a]) })
	out := make([]int, len(v))
	for pos, i := range order {
		out[i] = pos
	}
	return out
}

// SimSummary is the mean of a method's scores over runs of one scenario.
type SimSummary struct {
	Scenario string
	Recall   map[Method]float64
	Spearman map[Method]float64
	// Wins counts the runs in which the method had the best recall, alone
	// or tied.
	Wins map[Method]int
}

// RunScenario draws runs campaigns from the scenario and averages.
func RunScenario(cfg SimConfig, sc Scenario, runs int, rng *rand.Rand) SimSummary {
	s := SimSummary{Scenario: sc.Name, Recall: map[Method]float64{}, Spearman: map[Method]float64{}, Wins: map[Method]int{}}
	for range runs {
		r := Simulate(cfg, sc, rng)
		best := 0.0
		for _, m := range Methods() {
			s.Recall[m] += r[m].Recall / float64(runs)
			s.Spearman[m] += r[m].Spearman / float64(runs)
			best = math.Max(best, r[m].Recall)
		}
		for _, m := range Methods() {
			if r[m].Recall == best {
				s.Wins[m]++
			}
		}
	}
	return s
}

// BestMethod is the method with the highest mean recall over the
// summaries: what DefaultMethod must be.
func BestMethod(sums []SimSummary) Method {
	best, bestScore := MethodRaw, math.Inf(-1)
	for _, m := range Methods() {
		var total float64
		for _, s := range sums {
			total += s.Recall[m]
		}
		if total > bestScore {
			best, bestScore = m, total
		}
	}
	return best
}
