package benchgen_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/search/benchgen"
	"github.com/tekotori/tekotori/internal/store"
)

// benchDeeds is the bank the Go benchmarks search; the bench-search
// command measures 100,000 and PostgreSQL too.
const benchDeeds = 10000

// fixture is one SQLite bank shared by the benchmarks: loading and
// indexing 10,000 deeds takes a while, so it is done once per process.
var fixture struct {
	once    sync.Once
	err     error
	dir     string
	app     *app.App
	classes map[string][]benchgen.Query
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.app != nil {
		fixture.app.Close()
	}
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func setup(b *testing.B) (*app.App, map[string][]benchgen.Query) {
	b.Helper()
	if testing.Short() {
		b.Skip("loads and indexes 10,000 deeds")
	}
	fixture.once.Do(func() { fixture.err = build() })
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.app, fixture.classes
}

func build() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "benchgen-")
	if err != nil {
		return err
	}
	fixture.dir = dir
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	a, err := app.New(ctx, db, nil)
	if err != nil {
		db.Close()
		return err
	}
	fixture.app = a
	gen, err := benchgen.New(benchgen.Config{N: benchDeeds, Seed: 1})
	if err != nil {
		return err
	}
	l, err := benchgen.NewLoader(ctx, db)
	if err != nil {
		return err
	}
	if err := gen.Each(ctx, func(r *deed.Record) error { return l.Add(ctx, r) }); err != nil {
		return err
	}
	if err := l.Flush(ctx); err != nil {
		return err
	}
	if err := a.Search.Rebuild(ctx); err != nil {
		return err
	}
	// Searches expand through the thesaurus a fresh installation has.
	if err := a.LoadThesaurus(ctx); err != nil {
		return err
	}
	cands, err := gen.Candidates(1)
	if err != nil {
		return err
	}
	s := a.Search.Searcher()
	classes, err := benchgen.Select(cands, benchDeeds, 200, 1, func(q string) int {
		return s.Search(search.Request{Q: q, Limit: 1}).Total
	})
	if err != nil {
		return err
	}
	fixture.classes = map[string][]benchgen.Query{}
	for _, c := range classes {
		fixture.classes[c.Class] = c.Queries
	}
	return nil
}

// benchClass times full search pages (20 hits, every facet count,
// highlighted snippets) of one query class, cycling through its queries.
func benchClass(b *testing.B, class string) {
	a, classes := setup(b)
	ctx := context.Background()
	qs := classes[class]
	took := make([]time.Duration, 0, 1024)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := a.Search.Search(ctx, search.Request{Q: qs[i%len(qs)].Q, Limit: 20}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	b.ReportMetric(ms(sum)/float64(len(took)), "ms/op")
	b.ReportMetric(ms(took[len(took)*95/100]), "p95-ms")
}

func BenchmarkSearchBroad(b *testing.B)  { benchClass(b, benchgen.Broad) }
func BenchmarkSearchMedium(b *testing.B) { benchClass(b, benchgen.Medium) }
func BenchmarkSearchRare(b *testing.B)   { benchClass(b, benchgen.Rare) }
