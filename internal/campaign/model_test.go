package campaign

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Without noise, totals that are exactly quality + leniency are read back
// in the order of quality, whatever the leniencies, and a lenient juror
// who saw a strong batch is not mistaken for the batch.
func TestFitModelSeparatesLeniencyFromQuality(t *testing.T) {
	// Twenty entries, best first. The harsh juror 1 sees the strong half,
	// the lenient juror 2 the weak half; jurors 3 and 4 see them all.
	quality := func(e int64) float64 { return 1.5 - 0.15*float64(e) }
	leniency := map[int64]float64{1: -0.8, 2: 0.8, 3: 0, 4: 0.2}
	var js []Judgement
	for e := int64(1); e <= 20; e++ {
		jurors := []int64{1, 3, 4}
		if e > 10 {
			jurors[0] = 2
		}
		for _, j := range jurors {
			js = append(js, Judgement{Entry: e, Juror: j, Total: 3 + quality(e) + leniency[j]})
		}
	}
	fit := fitModel(js, 1, 5)
	for e := int64(1); e < 20; e++ {
		if fit[e].Score <= fit[e+1].Score {
			t.Errorf("entry %d (%.3f) not above entry %d (%.3f)", e, fit[e].Score, e+1, fit[e+1].Score)
		}
		if !(fit[e].Low <= fit[e].Score && fit[e].Score <= fit[e].High) {
			t.Errorf("interval %+v", fit[e])
		}
	}
	// The raw mean gets it wrong: entry 11, seen by the lenient juror,
	// beats entry 10, seen by the harsh one.
	raw := func(e int64) float64 {
		var s, n float64
		for _, j := range js {
			if j.Entry == e {
				s, n = s+j.Total, n+1
			}
		}
		return s / n
	}
	if raw(11) <= raw(10) {
		t.Fatalf("the example does not mislead the raw mean: %.3f %.3f", raw(11), raw(10))
	}
}

// An entry with more reviews has a narrower interval, and noise widens
// every interval.
func TestFitModelIntervals(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var js []Judgement
	for e := int64(1); e <= 40; e++ {
		n := 2
		if e == 1 {
			n = 8
		}
		for j := 0; j < n; j++ {
			juror := int64((int(e)+j*7)%10 + 1)
			js = append(js, Judgement{Entry: e, Juror: juror, Total: 3 + rng.NormFloat64()*0.5})
		}
	}
	fit := fitModel(js, 1, 5)
	w := func(e int64) float64 { return fit[e].High - fit[e].Low }
	if w(1) >= w(2) {
		t.Fatalf("eight reviews %.3f not narrower than two %.3f", w(1), w(2))
	}
	for i := range js {
		js[i].Total = 3 + 2*(js[i].Total-3)
	}
	if wide := fitModel(js, 1, 5); wide[2].High-wide[2].Low <= w(2) {
		t.Fatalf("noisier scores did not widen the interval")
	}
	if math.IsNaN(w(1)) {
		t.Fatal("NaN interval")
	}
}

func TestComponents(t *testing.T) {
	js := []Judgement{{Entry: 1, Juror: 1}, {Entry: 2, Juror: 1}, {Entry: 3, Juror: 2}, {Entry: 4, Juror: 2}}
	if n := Components(js); n != 2 {
		t.Fatalf("two panels: %d components", n)
	}
	js = append(js, Judgement{Entry: 2, Juror: 2})
	if n := Components(js); n != 1 {
		t.Fatalf("linked panels: %d components", n)
	}
	if n := Components(nil); n != 0 {
		t.Fatalf("no judgements: %d", n)
	}
}

// The simulation is not rigged: every method loses where it should.
func TestSimulationLetsEachMethodLose(t *testing.T) {
	cfg := DefaultSim()
	sum := map[string]SimSummary{}
	for i, sc := range Scenarios() {
		sum[sc.Name] = RunScenario(cfg, sc, 40, rand.New(rand.NewPCG(11, uint64(i))))
	}
	rec := func(sc string, m Method) float64 { return sum[sc].Recall[m] }
	// Raw means lose where jurors differ in leniency and see different
	// entries at random.
	if !(rec("random-assignment", MethodRaw) < rec("random-assignment", MethodStandardised) && rec("random-assignment", MethodRaw) < rec("random-assignment", MethodModel)) {
		t.Errorf("raw does not lose on random assignment: %v", sum["random-assignment"].Recall)
	}
	// Standardisation loses to raw means when panels share no entry and
	// their batches differ in quality, and when the harsh panel has the
	// strongest batch.
	for _, sc := range []string{"disjoint-panels", "harsh-strongest"} {
		if !(rec(sc, MethodStandardised) < rec(sc, MethodRaw)) {
			t.Errorf("standardisation does not lose to raw on %s: %v", sc, sum[sc].Recall)
		}
	}
	// The model loses to raw means too where nothing links the panels.
	if !(rec("disjoint-panels", MethodModel) < rec("disjoint-panels", MethodRaw)) {
		t.Errorf("the model does not lose on disjoint panels: %v", sum["disjoint-panels"].Recall)
	}
	// And it beats standardisation where a juror's batch is not random.
	if !(rec("harsh-strongest", MethodModel) > rec("harsh-strongest", MethodStandardised)) {
		t.Errorf("the model does not beat standardisation on harsh-strongest: %v", sum["harsh-strongest"].Recall)
	}
}

// The ranking's default method is the one the simulation's figures pick.
func TestDefaultMethodIsBest(t *testing.T) {
	cfg := DefaultSim()
	var sums []SimSummary
	for i, sc := range Scenarios() {
		sums = append(sums, RunScenario(cfg, sc, 40, rand.New(rand.NewPCG(1, 0x7e607041+uint64(i)))))
	}
	if best := BestMethod(sums); best != DefaultMethod {
		t.Fatalf("the simulation picks %s, the ranking defaults to %s", best, DefaultMethod)
	}
}

// Two panels that share no entry get linked by one more pair, which
// respects conflicts; the plan stays the same for the same input.
func TestLinkPanels(t *testing.T) {
	have := map[Pair]bool{}
	for e := int64(1); e <= 6; e++ {
		for _, j := range []int64{1, 2} {
			if e > 3 {
				j += 2
			}
			have[Pair{e, j}] = true
		}
	}
	conflicted := map[Pair]bool{{4, 1}: true, {4, 2}: true}
	links := linkPanels(have, conflicted)
	if len(links) != 1 || conflicted[links[0]] {
		t.Fatalf("links %v", links)
	}
	var js []Judgement
	for p := range have {
		js = append(js, Judgement{Entry: p.Entry, Juror: p.Juror})
	}
	js = append(js, Judgement{Entry: links[0].Entry, Juror: links[0].Juror})
	if n := Components(js); n != 1 {
		t.Fatalf("%d groups after linking", n)
	}
	if again := linkPanels(have, conflicted); again[0] != links[0] {
		t.Fatalf("links differ: %v %v", links, again)
	}
	// Linked already: nothing to add.
	if more := linkPanels(map[Pair]bool{{1, 1}: true, {1, 2}: true}, nil); len(more) != 0 {
		t.Fatalf("linked plan got %v", more)
	}
}
