package benchgen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
)

func TestCorpusMatchesDemo(t *testing.T) {
	demo, err := os.ReadFile("../../demo/deeds.jsonl")
	if err != nil {
		t.Skipf("demo deeds not found: %v", err)
	}
	if !bytes.Equal(demo, corpusJSONL) {
		t.Fatal("corpus.jsonl differs from internal/demo/deeds.jsonl: cp internal/demo/deeds.jsonl internal/search/benchgen/corpus.jsonl")
	}
}

func generate(t *testing.T, n int, seed uint64) (*Generator, []deed.Record) {
	t.Helper()
	g, err := New(Config{N: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	var out []deed.Record
	if err := g.Each(context.Background(), func(r *deed.Record) error {
		out = append(out, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return g, out
}

func TestDeterministic(t *testing.T) {
	_, a := generate(t, 200, 7)
	_, b := generate(t, 200, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different deeds")
	}
	g, _ := New(Config{N: 200, Seed: 7})
	if d := g.Deed(123); !reflect.DeepEqual(d, a[123]) {
		t.Fatal("Deed(i) differs from the i-th deed of Each")
	}
	_, c := generate(t, 200, 8)
	if reflect.DeepEqual(a[0].Summary, c[0].Summary) && reflect.DeepEqual(a[1].Need, c[1].Need) {
		t.Fatal("another seed gave the same deeds")
	}
}

func words(s string) int { return len(analysis.Tokenize(s)) }

func TestFields(t *testing.T) {
	const n = 2000
	_, recs := generate(t, n, 1)
	refs := map[string]bool{}
	langs := map[string]int{}
	munis := map[string]bool{}
	for _, r := range recs {
		if refs[r.Ref] || !strings.HasPrefix(r.Ref, "BENCH-") {
			t.Fatalf("ref %q repeated or malformed", r.Ref)
		}
		refs[r.Ref] = true
		langs[r.Lang]++
		munis[string(r.Municipality)] = true
		check := func(field, text string, lo, hi, maxRunes int) {
			if w := words(text); w < lo || w > hi {
				t.Errorf("%s %s: %d words, want %d–%d: %q", r.Ref, field, w, lo, hi, text)
			}
			if maxRunes > 0 && utf8.RuneCountInString(text) > maxRunes {
				t.Errorf("%s %s: longer than %d characters", r.Ref, field, maxRunes)
			}
		}
		check("title", r.Title, TitleMin, TitleMax, deed.MaxTitle)
		check("summary", r.Summary, SummaryMin, SummaryMax, deed.MaxSummary)
		for field, text := range map[string]string{"need": r.Need, "solution": r.Solution, "results": r.Results,
			"lessons": r.Lessons, "adoption": r.Adoption} {
			check(field, text, BodyMin, BodyMax, deed.MaxLongText)
		}
		if r.Year < 2015 || r.Year > 2025 || r.PublishedAt == nil || r.PublishedAt.Year() < r.Year || r.PublishedAt.Year() > 2025 {
			t.Errorf("%s: year %d published %v", r.Ref, r.Year, r.PublishedAt)
		}
		if len(r.Themes) == 0 || r.Sector == "" || r.Status == "" || r.Contact == nil || r.Contact.Email == "" {
			t.Errorf("%s: incomplete: %+v", r.Ref, r)
		}
	}
	if len(munis) < 300 {
		t.Errorf("deeds in %d municipalities, want nearly all 308", len(munis))
	}
	// About 85 % Finnish, 10 % Swedish, 5 % English.
	for lang, want := range map[string]float64{"fi": 0.85, "sv": 0.10, "en": 0.05} {
		if got := float64(langs[lang]) / n; got < want*0.75 || got > want*1.25 {
			t.Errorf("%s: %.1f %% of deeds, want about %.0f %%", lang, 100*got, 100*want)
		}
	}
	// A few words are in a large share of deeds, and most words in few.
	df := map[string]int{}
	for _, r := range recs {
		seen := map[string]bool{}
		for _, text := range []string{r.Title, r.Summary, r.Need, r.Solution, r.Results, r.Lessons, r.Adoption} {
			for _, tk := range analysis.Tokenize(text) {
				if f := analysis.Fold(tk.Text); !seen[f] {
					seen[f] = true
					df[f]++
				}
			}
		}
	}
	common, once := 0, 0
	for _, c := range df {
		if float64(c)/n > 0.3 {
			common++
		}
		if c == 1 {
			once++
		}
	}
	if common < 10 || common > 300 || float64(once) < 0.4*float64(len(df)) {
		t.Errorf("%d of %d words in over 30 %% of deeds, %d in one deed only: the frequencies do not look like prose", common, len(df), once)
	}
}

func TestJSONLImportable(t *testing.T) {
	g, err := New(Config{N: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.WriteJSONL(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 50 {
		t.Fatalf("%d lines, want 50", len(lines))
	}
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.DisallowUnknownFields()
	var r deed.Record
	if err := dec.Decode(&r); err != nil || r.Ref != "BENCH-1" {
		t.Fatalf("line 1: %v %q", err, r.Ref)
	}
}

func TestCandidates(t *testing.T) {
	g, _ := generate(t, 3000, 1)
	a, err := g.Candidates(5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := g.Candidates(5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different candidates")
	}
	kinds := map[string]int{}
	for _, q := range a {
		kinds[q.Class+"/"+q.Kind]++
		if search.ParseQuery(q.Q).Empty() {
			t.Errorf("candidate %q asks for nothing", q.Q)
		}
	}
	for _, k := range []string{"broad/word", "medium/word", "medium/two words", "rare/word", "rare/phrase", "rare/typo"} {
		if kinds[k] == 0 {
			t.Errorf("no %s candidates: %v", k, kinds)
		}
	}
	// Select keeps queries by the totals it is given.
	classes, err := Select(a, 3000, 50, 1, func(q string) int {
		for _, c := range a {
			if c.Q == q {
				switch c.Class {
				case Broad:
					return 2000
				case Medium:
					return 60
				}
			}
		}
		return 1
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range classes {
		if len(c.Queries) != 50 || c.Distinct == 0 {
			t.Errorf("%s: %d queries of %d distinct", c.Class, len(c.Queries), c.Distinct)
		}
	}
}

func TestRareNamesDistinct(t *testing.T) {
	seen := map[string]bool{}
	for i := range 50000 {
		n := rareName(i)
		if seen[n] {
			t.Fatalf("rare name %d (%s) repeats", i, n)
		}
		seen[n] = true
		if typo := rareTypo(i); typo == strings.ToLower(n) {
			t.Fatalf("typo of %s is the name", n)
		}
	}
}
