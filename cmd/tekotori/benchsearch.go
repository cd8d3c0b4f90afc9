package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/search/benchgen"
	"github.com/tekotori/tekotori/internal/store"
)

// Targets of the search speed issue, for this 2-core machine at 100,000
// deeds.
const (
	targetP95SQLite   = 20 * time.Millisecond
	targetP95Postgres = 30 * time.Millisecond
	targetBuildRate   = 1000 // deeds/s
	targetRSSMB       = 300
)

// pageSize is the search page every query asks for.
const pageSize = 20

// warmUp is how many queries of each class run unmeasured first.
const warmUp = 20

// benchSearchCmd generates deeds, loads them into a fresh database of
// each engine, builds the search index and times search pages of broad,
// medium and rare queries; it prints one table row per size and engine.
func benchSearchCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("bench-search", flag.ContinueOnError)
	fs.SetOutput(stdout)
	deedsFlag := fs.String("deeds", "10000", "deeds to generate; a comma list runs each size (e.g. 10000,100000)")
	queries := fs.Int("queries", 200, "measured queries per class")
	pgURL := fs.String("postgres", "", "PostgreSQL admin URL to create throwaway databases with; PostgreSQL is skipped when empty")
	seed := fs.Uint64("seed", 1, "seed of the deeds and the query lists")
	load := fs.String("load", "bulk", "how deeds are written: bulk (multi-row inserts) or import (the importer, slow)")
	profile := fs.String("profile", "", "directory to write CPU profiles of each index build and query run, and a heap profile of each index")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sizes, err := parseSizes(*deedsFlag)
	if err != nil {
		return err
	}
	if *queries < 1 {
		return errors.New("bench-search: --queries must be at least 1")
	}
	if *load != "bulk" && *load != "import" {
		return fmt.Errorf("bench-search: --load must be bulk or import, not %q", *load)
	}
	engines := []store.Dialect{store.SQLite}
	if *pgURL != "" {
		engines = append(engines, store.Postgres)
	}
	cfg := benchConfig{queries: *queries, seed: *seed, pgURL: *pgURL, load: *load, profile: *profile, log: log}

	fmt.Fprintf(stdout, "bench-search: seed %d, %d queries per class (after %d warm-up), page of %d with all facets and highlights, GOMAXPROCS %d\n",
		*seed, *queries, warmUp, pageSize, runtime.GOMAXPROCS(0))
	if *pgURL == "" {
		fmt.Fprintln(stdout, "note: --postgres not given; PostgreSQL skipped")
	}
	var results []*benchResult
	header := false
	for _, n := range sizes {
		for _, e := range engines {
			res, err := benchRun(ctx, cfg, n, e)
			if err != nil {
				return fmt.Errorf("bench-search: %d deeds on %s: %w", n, e, err)
			}
			if !header {
				fmt.Fprintf(stdout, "analyser: %s\n\n", res.analyser)
				printHeader(stdout)
				header = true
			}
			printRow(stdout, res)
			results = append(results, res)
		}
	}
	printDetails(stdout, results)
	return nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bench-search: --deeds: %q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

type benchConfig struct {
	queries int
	seed    uint64
	pgURL   string
	load    string
	profile string
	log     *slog.Logger
}

// latencies are one class's page times and the in-memory part of them.
type latencies struct {
	page, index []time.Duration
}

type benchResult struct {
	deeds    int
	engine   store.Dialect
	analyser string
	loadRate float64 // deeds/s written to the database
	build    time.Duration
	buildCPU time.Duration // CPU time the process used during the build
	// Memory in MB: the resident set (VmRSS) and its peak (VmHWM) after
	// the build and after the queries, each read after a GC; the resident
	// set once freed pages are given back to the system; the live Go heap
	// after the build.
	rssBuilt, hwmBuilt, rssAfter, hwmAfter, rssFloor, heap float64
	// heapInUse is the Go heap's spans in use once free pages are given
	// back: more than heap when the live objects are spread thin.
	heapInUse float64
	// rssAnon and rssFile split the floor into the process's own memory
	// and the pages of mapped files (the index file among them).
	rssAnon, rssFile float64
	peak             buildPeak
	peakExact        bool // the peak was reset before the build
	index            search.Stats
	load             string
	classes          []benchgen.ClassQueries
	lat              map[string]*latencies
}

func (r *benchResult) buildRate() float64 { return float64(r.deeds) / r.build.Seconds() }

// benchRun measures one size on one engine: a fresh database, loaded,
// indexed and queried, then dropped, so that only this index is in memory.
func benchRun(ctx context.Context, cfg benchConfig, n int, engine store.Dialect) (res *benchResult, err error) {
	db, drop, err := benchDatabase(ctx, cfg, engine)
	if err != nil {
		return nil, err
	}
	defer func() {
		if derr := drop(); derr != nil && err == nil {
			err = derr
		}
		// Give back what this run held before the next one measures.
		debug.FreeOSMemory()
	}()
	a, err := app.New(ctx, db, cfg.log)
	if err != nil {
		db.Close()
		return nil, err
	}
	defer a.Close()
	// Memory as the server manages it.
	if os.Getenv("GOMEMLIMIT") == "" {
		a.Search.MemoryHeadroom = memoryHeadroom
		defer debug.SetMemoryLimit(math.MaxInt64)
	}
	res = &benchResult{deeds: n, engine: engine, analyser: a.Search.Analyzer().Name(), lat: map[string]*latencies{}}

	gen, err := benchgen.New(benchgen.Config{N: n, Seed: cfg.seed})
	if err != nil {
		return nil, err
	}
	cfg.log.Info("bench-search: loading", "deeds", n, "engine", engine, "via", cfg.load)
	start := time.Now()
	if err := loadDeeds(ctx, a, gen, cfg.load); err != nil {
		return nil, err
	}
	res.loadRate = float64(n) / time.Since(start).Seconds()

	debug.FreeOSMemory()
	res.peakExact = resetPeakRSS()
	cfg.log.Info("bench-search: building the index", "deeds", n, "engine", engine)
	stop, err := startProfile(cfg.profile, "cpu-build", n, engine)
	if err != nil {
		return nil, err
	}
	start, cpu := time.Now(), cpuTime()
	sampled := sampleHeap(cfg.profile, n, engine)
	err = a.Search.Rebuild(ctx)
	res.build, res.buildCPU = time.Since(start), cpuTime()-cpu
	res.peak = sampled()
	stop()
	if err != nil {
		return nil, err
	}
	// Searches expand through the thesaurus a fresh installation has.
	if err := a.LoadThesaurus(ctx); err != nil {
		return nil, err
	}
	if got := a.Search.Status().Deeds; got != n {
		return nil, fmt.Errorf("the index has %d deeds, want %d", got, n)
	}
	runtime.GC()
	res.rssBuilt, _ = procStatusMB("VmRSS")
	res.hwmBuilt, _ = procStatusMB("VmHWM")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.heap = float64(ms.HeapAlloc) / (1 << 20)
	res.index = a.Search.IndexStats()
	if err := writeHeapProfile(cfg.profile, n, engine); err != nil {
		return nil, err
	}

	// The query lists: candidates from the generator's word counts, kept
	// when the index says they match the share of deeds their class is
	// about. Asking also warms the index up.
	cands, err := gen.Candidates(cfg.seed)
	if err != nil {
		return nil, err
	}
	searcher := a.Search.Searcher()
	res.classes, err = benchgen.Select(cands, n, cfg.queries, cfg.seed, func(q string) int {
		return searcher.Search(search.Request{Q: q, Limit: 1}).Total
	})
	if err != nil {
		return nil, err
	}

	cfg.log.Info("bench-search: querying", "deeds", n, "engine", engine)
	stop, err = startProfile(cfg.profile, "cpu-search", n, engine)
	if err != nil {
		return nil, err
	}
	defer stop()
	for _, cq := range res.classes {
		for _, q := range cq.Queries[:min(warmUp, len(cq.Queries))] {
			if _, err := a.Search.Search(ctx, search.Request{Q: q.Q, Limit: pageSize}); err != nil {
				return nil, err
			}
		}
		l := &latencies{}
		for _, q := range cq.Queries {
			start := time.Now()
			page, err := a.Search.Search(ctx, search.Request{Q: q.Q, Limit: pageSize})
			el := time.Since(start)
			if err != nil {
				return nil, err
			}
			if want := min(pageSize, page.Total); len(page.Items) != want || len(page.Facets) == 0 {
				return nil, fmt.Errorf("query %q gave %d items and %d facets of %d hits", q.Q, len(page.Items), len(page.Facets), page.Total)
			}
			l.page = append(l.page, el)
			l.index = append(l.index, page.Took)
		}
		res.lat[cq.Class] = l
	}
	stop()
	runtime.GC()
	res.rssAfter, _ = procStatusMB("VmRSS")
	res.hwmAfter, _ = procStatusMB("VmHWM")
	debug.FreeOSMemory()
	res.rssFloor, _ = procStatusMB("VmRSS")
	res.rssAnon, _ = procStatusMB("RssAnon")
	res.rssFile, _ = procStatusMB("RssFile")
	runtime.ReadMemStats(&ms)
	res.heapInUse = float64(ms.HeapInuse) / (1 << 20)
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return res, nil
}

// loadDeeds writes the generated deeds, in bulk or through the importer.
func loadDeeds(ctx context.Context, a *app.App, gen *benchgen.Generator, how string) error {
	if how == "import" {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(gen.WriteJSONL(ctx, pw)) }()
		rep, err := a.Importer.Import(ctx, pr, deed.ImportOptions{})
		pr.Close()
		if err != nil {
			return err
		}
		if len(rep.Errors) > 0 {
			return fmt.Errorf("import: line %d: %s", rep.Errors[0].Line, rep.Errors[0].Reason)
		}
		return nil
	}
	l, err := benchgen.NewLoader(ctx, a.DB)
	if err != nil {
		return err
	}
	if err := gen.Each(ctx, func(rec *deed.Record) error { return l.Add(ctx, rec) }); err != nil {
		return err
	}
	return l.Flush(ctx)
}

// benchDatabase makes a fresh database: an SQLite file in a temporary
// directory, or a new PostgreSQL database. drop closes and removes it.
func benchDatabase(ctx context.Context, cfg benchConfig, engine store.Dialect) (*store.DB, func() error, error) {
	if engine == store.SQLite {
		dir, err := os.MkdirTemp("", "tekotori-bench-")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return db, func() error {
			db.Close()
			return os.RemoveAll(dir)
		}, nil
	}
	admin, err := store.Open(ctx, cfg.pgURL)
	if err != nil {
		return nil, nil, err
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "tekotori_bench_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(cfg.pgURL)
	if err != nil {
		return nil, nil, err
	}
	u.Path = "/" + name
	dropDB := func() error {
		// A fresh context: the database must go even when ctx is done.
		c, err := store.Open(context.WithoutCancel(ctx), cfg.pgURL)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	db, err := store.Open(ctx, u.String())
	if err != nil {
		return nil, nil, errors.Join(err, dropDB())
	}
	return db, func() error {
		db.Close()
		return dropDB()
	}, nil
}

// procStatusMB reads a memory line of /proc/self/status in MB.
func procStatusMB(key string) (float64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), key+":")
		if !ok {
			continue
		}
		f := strings.Fields(rest) // "123456 kB"
		if len(f) < 1 {
			break
		}
		kb, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, err
		}
		return kb / 1024, nil
	}
	return 0, fmt.Errorf("%s not in /proc/self/status", key)
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets VmHWM to the current resident set (Linux 4.0 and
// later), so that the peak belongs to this run rather than to the
// generator or an earlier size.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

func startProfile(dir, what string, n int, engine store.Dialect) (func(), error) {
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d-%s.pprof", what, n, engine)))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	done := false
	return func() {
		if !done {
			done = true
			pprof.StopCPUProfile()
			f.Close()
		}
	}, nil
}

func writeHeapProfile(dir string, n int, engine store.Dialect) error {
	if dir == "" {
		return nil
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d-%s.pprof", n, engine)))
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

// buildPeak is what was sampled while an index was built, in MB: the most
// the Go heap held (objects, spans in use), and the resident set at its
// highest sample split into anonymous memory and mapped files, with the
// Go heap's spans at that moment.
type buildPeak struct {
	heap, heapInUse                  float64
	rss, rssAnon, rssFile, rssHeapGo float64
}

// sampleHeap watches memory until the returned function is called. With
// a profile directory it also writes a heap profile each time the heap
// reaches a new high, at most every few seconds, so the last one shows
// what made up the peak.
func sampleHeap(dir string, n int, engine store.Dialect) func() buildPeak {
	done := make(chan struct{})
	var p buildPeak
	finished := make(chan struct{})
	const mb = 1 << 20
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		var lastProfile time.Time
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			p.heapInUse = max(p.heapInUse, float64(ms.HeapInuse)/mb)
			if rss, err := procStatusMB("VmRSS"); err == nil && rss > p.rss {
				p.rss, p.rssHeapGo = rss, float64(ms.HeapInuse)/mb
				p.rssAnon, _ = procStatusMB("RssAnon")
				p.rssFile, _ = procStatusMB("RssFile")
			}
			if h := float64(ms.HeapAlloc) / mb; h > p.heap {
				p.heap = h
				if dir != "" && time.Since(lastProfile) > 3*time.Second {
					lastProfile = time.Now()
					if f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-build-peak-%d-%s.pprof", n, engine))); err == nil {
						_ = pprof.WriteHeapProfile(f)
						f.Close()
					}
				}
			}
		}
	}()
	return func() buildPeak {
		close(done)
		<-finished
		return p
	}
}

// percentile is the nearest-rank percentile of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func printHeader(w io.Writer) {
	fmt.Fprintf(w, "%7s %-8s %7s %7s | %-20s | %-20s | %-20s | %-13s | %-13s | %s\n", "", "", "", "",
		"broad ms", "medium ms", "rare ms", "built MB", "queried MB", "heap")
	fmt.Fprintf(w, "%7s %-8s %7s %7s | %6s %6s %6s | %6s %6s %6s | %6s %6s %6s | %6s %6s | %6s %6s | %4s\n",
		"deeds", "engine", "load/s", "build/s", "p50", "p95", "p99", "p50", "p95", "p99", "p50", "p95", "p99",
		"rss", "hwm", "rss", "hwm", "MB")
}

func printRow(w io.Writer, r *benchResult) {
	fmt.Fprintf(w, "%7d %-8s %7.0f %7.0f", r.deeds, r.engine, r.loadRate, r.buildRate())
	for _, c := range benchgen.Classes {
		l := r.lat[c]
		fmt.Fprintf(w, " | %6.1f %6.1f %6.1f", ms(percentile(l.page, 0.50)), ms(percentile(l.page, 0.95)), ms(percentile(l.page, 0.99)))
	}
	fmt.Fprintf(w, " | %6.0f %6.0f | %6.0f %6.0f | %4.0f\n", r.rssBuilt, r.hwmBuilt, r.rssAfter, r.hwmAfter, r.heap)
}

func targetP95(e store.Dialect) time.Duration {
	if e == store.Postgres {
		return targetP95Postgres
	}
	return targetP95SQLite
}

func metText(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

// printDetails explains the rows: what the queries matched, where the
// time went, and how each row compares to the targets.
func printDetails(w io.Writer, results []*benchResult) {
	fmt.Fprintln(w, "\nload/s: deeds written to the database; build/s: search index build (Rebuild: read, analyse, index).")
	fmt.Fprintln(w, "memory: VmRSS and VmHWM (peak since the build began) after the build and after the queries, each after a GC; live Go heap after the build.")
	fmt.Fprintln(w, "\nbuild and memory: wall and CPU time of the build (CPU/wall = cores kept busy), RSS once free pages are returned, machine load (1/5/15 min)")
	for _, r := range results {
		fmt.Fprintf(w, "%7d %-8s build %.1f s wall, %.1f s CPU (%.1f cores); RSS floor %.0f MB (anonymous %.0f, mapped files %.0f; Go heap spans in use %.0f MB); while building Go heap at most %.0f MB (spans %.0f), highest sampled RSS %.0f MB (anonymous %.0f, mapped files %.0f, Go heap spans %.0f); load %s\n",
			r.deeds, r.engine, r.build.Seconds(), r.buildCPU.Seconds(), r.buildCPU.Seconds()/r.build.Seconds(), r.rssFloor, r.rssAnon, r.rssFile, r.heapInUse,
			r.peak.heap, r.peak.heapInUse, r.peak.rss, r.peak.rssAnon, r.peak.rssFile, r.peak.rssHeapGo, r.load)
	}
	fmt.Fprintln(w, "\nindex: terms, and MB of the term dictionary, postings, positions, offsets and facet columns")
	for _, r := range results {
		st := r.index
		mb := func(n int) float64 { return float64(n) / (1 << 20) }
		fmt.Fprintf(w, "%7d %-8s %d terms in %d segment(s); dictionary %.1f, postings %.1f, positions %.1f (%.1f of these in a mapped file), offsets %.1f, facets %.1f\n",
			r.deeds, r.engine, st.Terms, st.Segments, mb(st.DictBytes), mb(st.PostingBytes), mb(st.PositionBytes), mb(st.MappedBytes), mb(st.OffsetBytes), mb(st.Facet))
	}
	fmt.Fprintln(w, "\nquery classes: share of deeds matched (distinct queries kept)")
	for _, r := range results {
		fmt.Fprintf(w, "%7d %-8s", r.deeds, r.engine)
		for _, c := range r.classes {
			fmt.Fprintf(w, "  %s %.3g–%.3g %% (%d)", c.Class, 100*c.MinShare, 100*c.MaxShare, c.Distinct)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\nwhere the time goes: index search / whole page, p50 and p95 ms (the rest is reading the hits and highlighting)")
	for _, r := range results {
		fmt.Fprintf(w, "%7d %-8s", r.deeds, r.engine)
		for _, c := range benchgen.Classes {
			l := r.lat[c]
			fmt.Fprintf(w, "  %s %.1f/%.1f p95 %.1f/%.1f", c, ms(percentile(l.index, 0.5)), ms(percentile(l.page, 0.5)),
				ms(percentile(l.index, 0.95)), ms(percentile(l.page, 0.95)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\ntargets (set for 100,000 deeds):")
	for _, r := range results {
		target := targetP95(r.engine)
		worst, worstClass := time.Duration(0), ""
		for _, c := range benchgen.Classes {
			if p := percentile(r.lat[c].page, 0.95); p > worst {
				worst, worstClass = p, c
			}
		}
		rss := max(r.rssBuilt, r.rssAfter)
		peak := "peak"
		if !r.peakExact {
			peak = "peak since start"
		}
		hwm := r.hwmAfter
		fmt.Fprintf(w, "%7d %-8s p95 target %.0f ms: %s (worst %s %.1f ms); build target %d deeds/s: %s (%.0f); RSS target %d MB: %s (%.0f MB, %s %.0f MB)\n",
			r.deeds, r.engine, ms(target), metText(worst <= target), worstClass, ms(worst),
			targetBuildRate, metText(r.buildRate() >= targetBuildRate), r.buildRate(),
			targetRSSMB, metText(rss <= targetRSSMB), rss, peak, hwm)
	}
}
