package campaign

import (
	"math"
	"slices"
)

// The model-based calibration. Every judgement is read as
//
//	total = μ + quality(entry) + leniency(juror) + noise
//
// and quality and leniency are estimated together from all scores, by
// least squares with a ridge penalty on each (a Gaussian prior: quality
// varies with spread priorQuality, leniency with spread priorLeniency, in
// shares of the scale's range). Estimated jointly, a juror who saw a strong
// batch is not read as lenient, because the other jurors of those entries
// scored them high too; per-juror standardisation cannot tell the two
// apart. Where the jurors' groups share no entry (disconnected panels) the
// data cannot tell a strong batch from a kind panel at all; the priors then
// split the difference and the ranking warns (see Components).
const (
	priorQuality  = 0.25
	priorLeniency = 0.15
	// modelZ is the half-width of the uncertainty interval in standard
	// errors: 1.645 gives a 90 % interval.
	modelZ = 1.645
	// modelPasses re-estimates the noise from the residuals, which sets how
	// far the priors pull; a few passes settle it.
	modelPasses = 4
)

// Fit is the model's estimate for one entry, on the scale of the totals.
type Fit struct {
	Score float64
	// Low and High bound the uncertainty interval of Score.
	Low, High float64
}

// fitModel estimates every judged entry's quality on the scale: μ plus
// the entry's effect, with its interval. The normal equations are solved
// exactly by eliminating the entries (whose block is diagonal), leaving a
// system as small as the jury, so a campaign of a thousand entries takes
// milliseconds.
func fitModel(js []Judgement, lo, hi float64) map[int64]Fit {
	out := map[int64]Fit{}
	if len(js) == 0 {
		return out
	}
	span := hi - lo
	if span <= 0 {
		span = 1
	}
	ei, ji := map[int64]int{}, map[int64]int{}
	var eids []int64
	for _, j := range js {
		if _, ok := ei[j.Entry]; !ok {
			ei[j.Entry] = len(eids)
			eids = append(eids, j.Entry)
		}
		if _, ok := ji[j.Juror]; !ok {
			ji[j.Juror] = len(ji)
		}
	}
	I, J := len(eids), len(ji)
	k := J + 1 // the jurors' leniencies and μ
	// Noise is first guessed, then re-estimated from the residuals.
	sigma2 := math.Pow(0.15*span, 2)
	var q, s []float64
	var dinv []float64
	var sinv [][]float64
	var bRows [][]float64
	for pass := 0; pass < modelPasses; pass++ {
		lq := sigma2 / math.Pow(priorQuality*span, 2)
		lb := sigma2 / math.Pow(priorLeniency*span, 2)
		d := make([]float64, I)
		rq := make([]float64, I)
		bRows = make([][]float64, I)
		for i := range bRows {
			bRows[i] = make([]float64, k)
		}
		c := make([][]float64, k)
		for r := range c {
			c[r] = make([]float64, k)
		}
		rs := make([]float64, k)
		for _, j := range js {
			i, b := ei[j.Entry], ji[j.Juror]
			d[i]++
			rq[i] += j.Total
			bRows[i][b]++
			bRows[i][J]++
			c[b][b]++
			c[b][J]++
			c[J][b]++
			c[J][J]++
			rs[b] += j.Total
			rs[J] += j.Total
		}
		for b := 0; b < J; b++ {
			c[b][b] += lb
		}
		dinv = make([]float64, I)
		for i := range d {
			d[i] += lq
			dinv[i] = 1 / d[i]
		}
		// S = C − Bᵀ D⁻¹ B and its right-hand side rs − Bᵀ D⁻¹ rq.
		for i := 0; i < I; i++ {
			row := bRows[i]
			for a := 0; a < k; a++ {
				if row[a] == 0 {
					continue
				}
				rs[a] -= row[a] * dinv[i] * rq[i]
				for b := 0; b < k; b++ {
					if row[b] != 0 {
						c[a][b] -= row[a] * row[b] * dinv[i]
					}
				}
			}
		}
		sinv = invert(c)
		s = make([]float64, k)
		for a := 0; a < k; a++ {
			for b := 0; b < k; b++ {
				s[a] += sinv[a][b] * rs[b]
			}
		}
		q = make([]float64, I)
		for i := 0; i < I; i++ {
			v := rq[i]
			for a := 0; a < k; a++ {
				v -= bRows[i][a] * s[a]
			}
			q[i] = v * dinv[i]
		}
		var rss float64
		for _, j := range js {
			r := j.Total - s[J] - q[ei[j.Entry]] - s[ji[j.Juror]]
			rss += r * r
		}
		// Each entry and juror costs about one degree of freedom; with too
		// few judgements to tell noise apart the first guess stays.
		if dof := float64(len(js) - I - J); dof >= 1 {
			sigma2 = math.Max(rss/dof, math.Pow(0.02*span, 2))
		}
	}
	// Var(qᵢ) = σ² (1/Dᵢ + uᵢᵀ S⁻¹ uᵢ) with uᵢ = Bᵢ/Dᵢ: the entry's own
	// uncertainty plus what it inherits from its jurors' leniencies. μ is
	// shared by every entry and moves no one past anyone, so the interval
	// is that of the entry's effect, put on the scale.
	u := make([]float64, k)
	for i, e := range eids {
		for a := range u {
			u[a] = bRows[i][a] * dinv[i]
		}
		v := dinv[i]
		for a := 0; a < k; a++ {
			if u[a] == 0 {
				continue
			}
			for b := 0; b < k; b++ {
				v += u[a] * sinv[a][b] * u[b]
			}
		}
		se := math.Sqrt(math.Max(v, 0) * sigma2)
		score := s[J] + q[i]
		out[e] = Fit{Score: score, Low: score - modelZ*se, High: score + modelZ*se}
	}
	return out
}

// invert inverts a small symmetric positive-definite matrix by
// Gauss–Jordan elimination with partial pivoting.
func invert(m [][]float64) [][]float64 {
	n := len(m)
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, 2*n)
		copy(a[i], m[i])
		a[i][n+i] = 1
	}
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p] = a[p], a[col]
		piv := a[col][col]
		if math.Abs(piv) < 1e-12 {
			piv = 1e-12
		}
		for c := range a[col] {
			a[col][c] /= piv
		}
		for r := 0; r < n; r++ {
			if r == col || a[r][col] == 0 {
				continue
			}
			f := a[r][col]
			for c := range a[r] {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = slices.Clone(a[i][n:])
	}
	return out
}

// Components counts the groups of entries and jurors linked by
// judgements: 1 when every juror's scores can be compared with every
// other's through shared entries, more when the jury split into panels
// that share no entry, and leniency and batch quality cannot be told
// apart between them.
func Components(js []Judgement) int { return len(groupsOf(js)) }
