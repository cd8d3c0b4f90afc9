package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/search/relevance"
)

// TestEvalSearch runs the evaluation on SQLite and checks the shape of
// what it prints, not the figures: those move with every ranking change.
func TestEvalSearch(t *testing.T) {
	var out bytes.Buffer
	if err := evalSearchCmd(t.Context(), []string{"--details"}, &out, nil); err != nil {
		t.Fatalf("eval-search: %v\n%s", err, out.String())
	}
	text := out.String()
	qs, err := relevance.Load()
	if err != nil {
		t.Fatal(err)
	}
	ind, err := relevance.LoadIndependent()
	if err != nil {
		t.Fatal(err)
	}

	want := []string{"fallback"}
	if v, err := analysis.NewVoikko(); err == nil {
		v.Close()
		want = []string{"voikko", "fallback"}
	} else if os.Getenv("TEKOTORI_REQUIRE_VOIKKO") == "1" {
		t.Fatalf("TEKOTORI_REQUIRE_VOIKKO=1 but: %v", err)
	} else if !strings.Contains(text, "voikko: skipped (") {
		t.Errorf("no note that Voikko is missing:\n%s", text)
	}
	if !strings.Contains(text, "postgres: skipped (no --db-postgres given)") {
		t.Errorf("no note that PostgreSQL was skipped:\n%s", text)
	}

	// Per set three tables, nDCG, recall and MRR, each a header and one
	// row an analyser; the demo set comes first.
	lines := strings.Split(text, "\n")
	score := regexp.MustCompile(`^(0\.\d{3}|1\.000)$`)
	indAt := strings.Index(text, "(set independent)")
	if indAt < 0 || !strings.Contains(text[:indAt], "(set demo)") {
		t.Fatalf("no demo set followed by the independent one:\n%s", text)
	}
	indLine := strings.Count(text[:indAt], "\n")
	for _, set := range []struct {
		from int
		qs   []relevance.Query
	}{{0, qs}, {indLine, ind}} {
		for _, metric := range []string{"nDCG@10", "recall@10", "MRR"} {
			at := -1
			for i, l := range lines[set.from:] {
				if f := strings.Fields(l); len(f) > 2 && f[0] == "engine" && f[2] == metric {
					at = set.from + i
					break
				}
			}
			if at < 0 {
				t.Fatalf("no %s table:\n%s", metric, text)
			}
			head := strings.Fields(lines[at])
			kinds := relevance.KindsOf(set.qs)
			if len(head) != 4+len(kinds) || head[3] != "finnish" {
				t.Errorf("%s header %q", metric, lines[at])
			}
			for i, k := range kinds {
				if !strings.HasPrefix(head[4+i], string(k)+"(") {
					t.Errorf("%s header column %d is %q, want kind %s", metric, 4+i, head[4+i], k)
				}
			}
			for i, name := range want {
				row := strings.Fields(lines[at+1+i])
				if len(row) != len(head) || row[0] != "sqlite" || row[1] != name {
					t.Errorf("%s row %d: %q, want sqlite %s with %d columns", metric, i, lines[at+1+i], name, len(head))
					continue
				}
				for _, v := range row[2:] {
					if !score.MatchString(v) {
						t.Errorf("%s row %s: %q is not a score", metric, name, v)
					}
				}
			}
			if next := strings.TrimSpace(lines[at+1+len(want)]); next != "" {
				t.Errorf("%s table has an extra row %q", metric, next)
			}
		}
	}

	// --details: one block per run, one line per query.
	for _, name := range want {
		for _, set := range []string{"demo", "independent"} {
			if !strings.Contains(text, "\n"+set+" / sqlite / "+name+"\n") {
				t.Errorf("no details for %s / sqlite / %s", set, name)
			}
		}
	}
	perQuery := regexp.MustCompile(`(?m)^(\w+)\s+nDCG (\d\.\d{3})  recall (\d\.\d{3})  (\d+) found  (.+)$`)
	rows := perQuery.FindAllStringSubmatch(text, -1)
	if len(rows) != len(want)*(len(qs)+len(ind)) {
		t.Fatalf("%d query rows, want %d", len(rows), len(want)*(len(qs)+len(ind)))
	}
	for i, r := range rows {
		q := qs[i%len(qs)]
		if i >= len(want)*len(qs) {
			q = ind[(i-len(want)*len(qs))%len(ind)]
		}
		if r[1] != string(q.Kind) || r[5] != q.Text {
			t.Errorf("query row %d is %q, want %s %s", i, r[0], q.Kind, q.Text)
		}
		if v, _ := strconv.ParseFloat(r[2], 64); v < 0 || v > 1 {
			t.Errorf("query row %q: nDCG out of range", r[0])
		}
	}

	// The same data and analysers print the same report.
	var again bytes.Buffer
	if err := evalSearchCmd(t.Context(), []string{"--details"}, &again, nil); err != nil {
		t.Fatal(err)
	}
	if again.String() != text {
		t.Errorf("a second run printed something else")
	}

	for _, bad := range [][]string{{"extra"}, {"--db-postgres", "/tmp/x.db"}, {"--nonsense"}, {"--set", "other"}} {
		if err := evalSearchCmd(t.Context(), bad, &bytes.Buffer{}, nil); err == nil {
			t.Errorf("eval-search %q accepted", bad)
		}
	}
}
