package relevance_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/search/relevance"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestNDCG(t *testing.T) {
	judged := []relevance.Judgment{{"A", 2}, {"B", 1}, {"C", 1}}
	// Ideal: 3/log2(2) + 1/log2(3) + 1/log2(4) = 3 + 1/log2(3) + 0.5.
	idcg := 3 + 1/math.Log2(3) + 0.5
	cases := []struct {
		name   string
		grades []int
		want   float64
	}{
		{"ideal order", []int{2, 1, 1}, 1},
		{"ideal order with noise after", []int{2, 1, 1, 0, 0}, 1},
		{"nothing found", nil, 0},
		{"nothing relevant", []int{0, 0, 0}, 0},
		{"reversed", []int{1, 1, 2}, (1 + 1/math.Log2(3) + 3*0.5) / idcg},
		{"best one second", []int{0, 2}, 3 / math.Log2(3) / idcg},
		// Rank 11 is beyond the cut and adds nothing.
		{"past the depth", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 0},
		{"at the last rank", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 3 / math.Log2(11) / idcg},
	}
	for _, c := range cases {
		if got := relevance.NDCG(c.grades, judged, relevance.K); !near(got, c.want) {
			t.Errorf("%s: NDCG = %.15f, want %.15f", c.name, got, c.want)
		}
	}
	// Only the first k judgments make up the ideal: with twelve highly
	// relevant deeds, ten of them found is perfect.
	var many []relevance.Judgment
	for i := range 12 {
		many = append(many, relevance.Judgment{Ref: string(rune('a' + i)), Grade: 2})
	}
	if got := relevance.NDCG([]int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, many, 10); !near(got, 1) {
		t.Errorf("ten of twelve: NDCG = %v, want 1", got)
	}
	if got := relevance.NDCG([]int{2}, []relevance.Judgment{{"A", 0}}, 10); got != 0 {
		t.Errorf("no relevant judgments: NDCG = %v, want 0", got)
	}
}

func TestRecall(t *testing.T) {
	judged := []relevance.Judgment{{"A", 2}, {"B", 1}, {"C", 1}, {"D", 0}}
	cases := []struct {
		found []string
		want  float64
	}{
		{[]string{"A", "B", "C"}, 1},
		{[]string{"C", "x", "A"}, 2.0 / 3},
		{[]string{"D", "x"}, 0}, // a grade-0 deed is not relevant
		{nil, 0},
		{[]string{"x", "x", "x", "x", "x", "x", "x", "x", "x", "A", "B"}, 1.0 / 3}, // B is rank 11
	}
	for _, c := range cases {
		if got := relevance.Recall(c.found, judged, relevance.K); !near(got, c.want) {
			t.Errorf("Recall(%v) = %v, want %v", c.found, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	qs, err := relevance.Parse(strings.NewReader("# comment\n\nkotihoito\tcompound\tX-1=2, X-2=1\n\"a b\"\tphrase\tX-3=1\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Text != "kotihoito" || qs[0].Kind != relevance.Compound || len(qs[0].Judgments) != 2 ||
		qs[0].Judgments[1] != (relevance.Judgment{Ref: "X-2", Grade: 1}) || qs[1].Text != `"a b"` || qs[1].Grade("X-3") != 1 || qs[1].Grade("X-1") != 0 {
		t.Fatalf("parsed %+v", qs)
	}
	for _, bad := range []string{
		"q\tbase",                        // a field missing
		"q\tverb\tX-1=2",                 // unknown kind
		"q\tbase\tX-1=3",                 // grade out of range
		"q\tbase\tX-1",                   // no grade
		"q\tbase\tX-1=0",                 // nothing relevant
		"q\tbase\tX-1=2,X-1=1",           // a deed judged twice
		"q\tbase\tX-1=2\nq\tbase\tX-2=2", // a query judged twice
		"\tbase\tX-1=2",                  // empty query
	} {
		if _, err := relevance.Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// demoRefs reads the refs and languages of the demo deeds from the file
// the demo package embeds.
func demoRefs(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../../demo/deeds.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d struct{ Ref, Lang string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		out[d.Ref] = d.Lang
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJudgments(t *testing.T) {
	qs, err := relevance.Load()
	if err != nil {
		t.Fatal(err)
	}
	refs := demoRefs(t)
	if len(refs) != 50 {
		t.Fatalf("%d demo deeds, want 50", len(refs))
	}
	perKind := map[relevance.Kind]int{}
	finnish := 0
	for _, q := range qs {
		perKind[q.Kind]++
		if q.Finnish() {
			finnish++
		}
		for _, j := range q.Judgments {
			if _, ok := refs[j.Ref]; !ok {
				t.Errorf("query %q judges %s, which is not a demo deed", q.Text, j.Ref)
			}
		}
		if q.Kind == relevance.Phrase && !strings.HasPrefix(q.Text, `"`) {
			t.Errorf("phrase query %q is not quoted", q.Text)
		}
		if q.Kind == relevance.Multiword && len(strings.Fields(q.Text)) < 2 {
			t.Errorf("multiword query %q has one word", q.Text)
		}
	}
	if len(qs) < 48 || finnish < 40 {
		t.Errorf("%d queries, %d Finnish; want at least 48 and 40", len(qs), finnish)
	}
	for _, k := range relevance.Kinds {
		if k == relevance.Synonym {
			continue // only the independent set has them
		}
		if perKind[k] < 3 {
			t.Errorf("kind %s has %d queries, want at least 3", k, perKind[k])
		}
	}
}

// TestEvaluate runs the judged queries on the demo data with the fallback
// analyser and with Voikko, checks the report adds up and that each
// analyser scores at least its floor in floors.tsv; and that a query with
// one unmistakable answer scores exactly 1. Voikko is skipped only where
// it is missing and TEKOTORI_REQUIRE_VOIKKO is not 1 (CI sets it).
func TestEvaluate(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(ctx, storetest.Open(t, storetest.SQLite), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := demo.Fill(ctx, a); err != nil {
		t.Fatal(err)
	}
	ids, err := relevance.RefIDs(ctx, a.DB)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := relevance.Load()
	if err != nil {
		t.Fatal(err)
	}
	floors, err := relevance.Floors()
	if err != nil {
		t.Fatal(err)
	}
	analysers := map[string]func() (analysis.Analyzer, error){
		"fallback": func() (analysis.Analyzer, error) { return analysis.NewFallback(), nil },
		"voikko":   func() (analysis.Analyzer, error) { return analysis.NewVoikko() },
	}
	for _, name := range []string{"fallback", "voikko"} {
		t.Run(name, func(t *testing.T) {
			an, err := analysers[name]()
			if err != nil {
				if os.Getenv("TEKOTORI_REQUIRE_VOIKKO") == "1" {
					t.Fatalf("TEKOTORI_REQUIRE_VOIKKO=1 but: %v", err)
				}
				t.Skipf("no Voikko here: %v", err)
			}
			svc := search.NewService(a.DB, an, nil)
			if err := svc.Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
			vocab, err := a.Thesaurus.Vocabulary(ctx, an)
			if err != nil {
				t.Fatal(err)
			}
			svc.SetVocabulary(vocab)
			rep := relevance.Evaluate(ctx, svc, ids, qs)
			if err := rep.Err(); err != nil {
				t.Fatal(err)
			}
			if len(rep.Results) != len(qs) || rep.All.Queries != len(qs) || len(rep.ByKind) != len(relevance.KindsOf(qs)) {
				t.Fatalf("report covers %d results, %d queries, %d kinds", len(rep.Results), rep.All.Queries, len(rep.ByKind))
			}
			floor, ok := floors[name]
			if !ok {
				t.Fatalf("floors.tsv has no floor for %s", name)
			}
			if rep.All.NDCG < floor.NDCG || rep.All.Recall < floor.Recall {
				t.Errorf("%s: nDCG@10 %.3f recall@10 %.3f, below the floor %.3f / %.3f", name, rep.All.NDCG, rep.All.Recall, floor.NDCG, floor.Recall)
			}
			sum, n := 0.0, 0
			for _, r := range rep.Results {
				if r.NDCG < 0 || r.NDCG > 1 || r.Recall < 0 || r.Recall > 1 || len(r.Top) > relevance.K {
					t.Errorf("%q: nDCG %v recall %v, %d hits", r.Query.Text, r.NDCG, r.Recall, len(r.Top))
				}
				if r.Query.Kind == relevance.Typo {
					sum += r.NDCG
					n++
				}
			}
			for _, m := range rep.ByKind {
				if m.Kind == relevance.Typo && (m.Queries != n || !near(m.NDCG, sum/float64(n))) {
					t.Errorf("typo mean %+v, want %d queries and nDCG %v", m, n, sum/float64(n))
				}
			}

			one := []relevance.Query{
				{Text: "kesätyöseteli", Kind: relevance.Compound, Judgments: []relevance.Judgment{{"DEMO-2016-030", 2}}},
				{Text: "kesätyöseteli", Kind: relevance.Compound, Judgments: []relevance.Judgment{{"NO-SUCH-DEED", 2}}},
			}
			rep = relevance.Evaluate(ctx, svc, ids, one)
			r := rep.Results[0]
			if r.NDCG != 1 || r.Recall != 1 || len(r.Top) == 0 || r.Top[0] != (relevance.Ranked{Ref: "DEMO-2016-030", Grade: 2}) || len(r.Missed) != 0 {
				t.Errorf("kesätyöseteli: %+v", r)
			}
			if r := rep.Results[1]; r.Err == nil || r.NDCG != 0 || len(r.Missed) != 1 || rep.Err() == nil {
				t.Errorf("a judged deed missing from the database went unreported: %+v", r)
			}
		})
	}
}

func TestFloors(t *testing.T) {
	floors, err := relevance.Floors()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"voikko", "fallback", "independent/voikko", "independent/fallback"} {
		f, ok := floors[name]
		if !ok || f.NDCG <= 0.4 || f.NDCG > 1 || f.Recall <= 0.4 || f.Recall > 1 {
			t.Errorf("floor of %s: %+v", name, f)
		}
	}
}

// TestIndependent reads the independent set as the evaluation does: every
// query has a kind of ours and a relevant deed, and every judged deed is
// one of the set's deeds.
func TestIndependent(t *testing.T) {
	qs, err := relevance.LoadIndependent()
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(relevance.IndependentDeeds)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d struct{ Ref string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		refs[d.Ref] = true
	}
	if len(refs) != 150 || len(qs) != 96 {
		t.Fatalf("%d deeds and %d queries, want 150 and 96", len(refs), len(qs))
	}
	judged := 0
	for _, q := range qs {
		for _, j := range q.Judgments {
			judged++
			if !refs[j.Ref] {
				t.Errorf("query %s judges %s, which is not in deeds.jsonl", q.ID, j.Ref)
			}
		}
	}
	if judged != 756 {
		t.Errorf("%d judgments, want 756", judged)
	}
	if got := relevance.KindsOf(qs); len(got) != 7 {
		t.Errorf("kinds %v, want seven", got)
	}
}

// TestEvaluateIndependent imports the independent set's deeds the way an
// installation imports deeds, runs its judged queries with the starter
// thesaurus on both engines, and fails when an analyser scores below its
// floor in floors.tsv; both engines must give the same figures.
func TestEvaluateIndependent(t *testing.T) {
	ctx := context.Background()
	qs, err := relevance.LoadIndependent()
	if err != nil {
		t.Fatal(err)
	}
	floors, err := relevance.Floors()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]relevance.Mean{}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, err := app.New(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		rep, err := a.Importer.Import(ctx, bytes.NewReader(relevance.IndependentDeeds), deed.ImportOptions{AddTerms: true})
		if err != nil || len(rep.Errors) > 0 {
			t.Fatalf("import: %v %+v", err, rep)
		}
		ids, err := relevance.RefIDs(ctx, a.DB)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"fallback", "voikko"} {
			var an analysis.Analyzer = analysis.NewFallback()
			if name == "voikko" {
				if an, err = analysis.NewVoikko(); err != nil {
					if os.Getenv("TEKOTORI_REQUIRE_VOIKKO") == "1" {
						t.Fatalf("TEKOTORI_REQUIRE_VOIKKO=1 but: %v", err)
					}
					t.Logf("no Voikko here: %v", err)
					continue
				}
			}
			svc := search.NewService(a.DB, an, nil)
			if err := svc.Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
			vocab, err := a.Thesaurus.Vocabulary(ctx, an)
			if err != nil {
				t.Fatal(err)
			}
			svc.SetVocabulary(vocab)
			r := relevance.Evaluate(ctx, svc, ids, qs)
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			floor := floors["independent/"+name]
			if r.All.NDCG < floor.NDCG || r.All.Recall < floor.Recall {
				t.Errorf("%s: nDCG@10 %.3f recall@10 %.3f, below the floor %.3f / %.3f", name, r.All.NDCG, r.All.Recall, floor.NDCG, floor.Recall)
			}
			got[name] = append(got[name], r.All)
		}
	})
	for name, ms := range got {
		for _, m := range ms[1:] {
			if m != ms[0] {
				t.Errorf("%s: the engines differ: %+v and %+v", name, ms[0], m)
			}
		}
	}
}
