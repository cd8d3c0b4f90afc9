package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/tekotori/tekotori/internal/analysis"
	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/search/relevance"
	"github.com/tekotori/tekotori/internal/store"
)

const evalSearchUsage = `usage: tekotori eval-search [--db-postgres URL] [--set demo|independent|all] [--details]`

// evalSet is a judged set: its queries and how to fill a fresh database
// with its deeds.
type evalSet struct {
	name  string
	about string
	qs    []relevance.Query
	fill  func(ctx context.Context, a *app.App) error
}

// evalSets gives the judged sets the command knows: the demo deeds with
// the project's own judgments, and the independent set written blind.
func evalSets() ([]evalSet, error) {
	demoQs, err := relevance.Load()
	if err != nil {
		return nil, err
	}
	indQs, err := relevance.LoadIndependent()
	if err != nil {
		return nil, err
	}
	return []evalSet{
		{name: "demo", about: "the demo deeds", qs: demoQs, fill: func(ctx context.Context, a *app.App) error {
			res, err := demo.Fill(ctx, a)
			if err != nil {
				return err
			}
			if res.Skipped {
				// Only a database made for this run is used, so this means
				// the demo data could not be told apart from other deeds.
				return errors.New("the new database already had deeds")
			}
			return nil
		}},
		{name: "independent", about: "the independent set's deeds", qs: indQs, fill: func(ctx context.Context, a *app.App) error {
			// Imported the way an installation imports deeds; the set
			// names sectors and groups the starter vocabulary lacks.
			rep, err := a.Importer.Import(ctx, bytes.NewReader(relevance.IndependentDeeds), deed.ImportOptions{AddTerms: true})
			if err != nil {
				return err
			}
			if len(rep.Errors) > 0 {
				return fmt.Errorf("independent deeds line %d: %s", rep.Errors[0].Line, rep.Errors[0].Reason)
			}
			return nil
		}},
	}, nil
}

// evalSearchCmd measures search relevance: the judged queries of package
// relevance run against their deeds on each engine with each analyser,
// and the command prints nDCG@10, recall@10 and MRR overall and per kind
// of query, for each judged set. It works on throwaway databases only, so
// it can run anywhere: SQLite in a temporary file, and with --db-postgres
// a fresh database on that server, dropped afterwards; each set gets a
// database of its own. The output holds no timings, so two runs on the
// same machine print the same thing.
func evalSearchCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("eval-search", flag.ContinueOnError)
	fs.SetOutput(stdout)
	pgURL := fs.String("db-postgres", "", "admin URL of a PostgreSQL server to evaluate on too, e.g. postgres://postgres@127.0.0.1:5432/postgres; a database is created there and dropped afterwards")
	details := fs.Bool("details", false, "also print every query with its top hits and the relevant deeds it missed")
	only := fs.String("set", "all", "which judged set to run: demo, independent or all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(evalSearchUsage)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if *pgURL != "" && !store.IsPostgresDSN(*pgURL) {
		return fmt.Errorf("eval-search: --db-postgres %q is not a postgres:// URL", *pgURL)
	}
	sets, err := evalSets()
	if err != nil {
		return err
	}
	switch *only {
	case "all":
	case "demo", "independent":
		sets = slices.DeleteFunc(sets, func(s evalSet) bool { return s.name != *only })
	default:
		return fmt.Errorf("eval-search: --set %q: want demo, independent or all", *only)
	}

	analysers, notes := evalAnalysers()
	defer func() {
		for _, an := range analysers {
			an.Close()
		}
	}()
	if *pgURL == "" {
		notes = append(notes, "postgres: skipped (no --db-postgres given)")
	}

	dir, err := os.MkdirTemp("", "tekotori-eval-")
	if err != nil {
		return fmt.Errorf("eval-search: %w", err)
	}
	defer os.RemoveAll(dir)
	for i, set := range sets {
		rs, err := evalEngine(ctx, filepath.Join(dir, set.name+".db"), analysers, set, log)
		if err != nil {
			return fmt.Errorf("eval-search: %s: sqlite: %w", set.name, err)
		}
		runs := rs
		if *pgURL != "" {
			rs, err := evalPostgres(ctx, *pgURL, analysers, set, log)
			if err != nil {
				return fmt.Errorf("eval-search: %s: postgres: %w", set.name, err)
			}
			runs = append(runs, rs...)
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		var n []string
		if i == 0 {
			n = notes
		}
		printEval(stdout, set, analysers, runs, n, *details)
	}
	return nil
}

// evalRun is the report of one engine with one analyser.
type evalRun struct {
	engine, analyser string
	report           relevance.Report
}

// evalAnalysers gives the analysers to compare, under short names:
// Voikko when it loads on this machine, the fallback always. The notes
// say why Voikko is missing.
func evalAnalysers() (map[string]analysis.Analyzer, []string) {
	ans := map[string]analysis.Analyzer{"fallback": analysis.NewFallback()}
	var notes []string
	if v, err := analysis.NewVoikko(); err != nil {
		notes = append(notes, "voikko: skipped ("+err.Error()+")")
	} else {
		ans["voikko"] = v
	}
	return ans, notes
}

// analyserOrder is the order runs are printed in.
var analyserOrder = []string{"voikko", "fallback"}

// evalEngine fills the database at dsn with the set's deeds and evaluates
// its queries with each analyser; the index lives in memory, so one
// database serves every analyser.
func evalEngine(ctx context.Context, dsn string, analysers map[string]analysis.Analyzer, set evalSet, log *slog.Logger) ([]evalRun, error) {
	a, err := app.Open(ctx, dsn, log)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	if err := set.fill(ctx, a); err != nil {
		return nil, err
	}
	ids, err := relevance.RefIDs(ctx, a.DB)
	if err != nil {
		return nil, err
	}
	engine := string(a.DB.Dialect)
	var runs []evalRun
	for _, name := range analyserOrder {
		an := analysers[name]
		if an == nil {
			continue
		}
		// A service of our own with the analyser under test; Rebuild
		// rather than Start, as nothing changes while we measure.
		svc := search.NewService(a.DB, an, log)
		if err := svc.Rebuild(ctx); err != nil {
			return nil, err
		}
		// The thesaurus a fresh installation has: the starter set.
		vocab, err := a.Thesaurus.Vocabulary(ctx, an)
		if err != nil {
			return nil, err
		}
		svc.SetVocabulary(vocab)
		rep := relevance.Evaluate(ctx, svc, ids, set.qs)
		if err := rep.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		runs = append(runs, evalRun{engine: engine, analyser: name, report: rep})
	}
	return runs, nil
}

// evalPostgres creates a database on the server at adminURL, evaluates on
// it and drops it again, even when the evaluation fails.
func evalPostgres(ctx context.Context, adminURL string, analysers map[string]analysis.Analyzer, set evalSet, log *slog.Logger) (runs []evalRun, err error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("parse URL: %w", err)
	}
	admin, err := store.Open(ctx, adminURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	// A name of our own making: safe to put into the statements as is.
	name := "tekotori_eval_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	defer func() {
		// Dropped even when ctx was cancelled, or the database would stay.
		if _, derr := admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); derr != nil {
			err = errors.Join(err, fmt.Errorf("drop database %s: %w", name, derr))
		}
	}()
	u.Path = "/" + name
	return evalEngine(ctx, u.String(), analysers, set, log)
}

func printEval(w io.Writer, set evalSet, analysers map[string]analysis.Analyzer, runs []evalRun, notes []string, details bool) {
	qs := set.qs
	perKind := map[relevance.Kind]int{}
	finnish := 0
	for _, q := range qs {
		perKind[q.Kind]++
		if q.Finnish() {
			finnish++
		}
	}
	kinds := relevance.KindsOf(qs)
	fmt.Fprintf(w, "Search relevance on %s (set %s): %d judged queries (%d Finnish, %d Swedish, %d English), nDCG@%d, recall@%d and MRR.\n",
		set.about, set.name, len(qs), finnish, perKind[relevance.Swedish], perKind[relevance.English], relevance.K, relevance.K)
	for _, name := range analyserOrder {
		if an := analysers[name]; an != nil && len(notes) > 0 {
			fmt.Fprintf(w, "%s = %s\n", name, an.Name())
		}
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintln(w)

	// One table per metric: the overall figures, then each kind's mean.
	for _, metric := range []struct {
		name string
		of   func(relevance.Mean) float64
	}{
		{"nDCG@10", func(m relevance.Mean) float64 { return m.NDCG }},
		{"recall@10", func(m relevance.Mean) float64 { return m.Recall }},
		{"MRR", func(m relevance.Mean) float64 { return m.MRR }},
	} {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		head := []string{"engine", "analyser", metric.name, "finnish"}
		for _, k := range kinds {
			head = append(head, fmt.Sprintf("%s(%d)", k, perKind[k]))
		}
		fmt.Fprintln(tw, strings.Join(head, "\t"))
		for _, r := range runs {
			row := []string{r.engine, r.analyser, f3(metric.of(r.report.All)), f3(metric.of(r.report.Finnish))}
			for _, k := range kinds {
				row = append(row, kindMean(r.report, k, metric.of))
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "finnish and the kind columns are means over those queries; the number of queries of a kind is in brackets.")

	if !details {
		return
	}
	for _, r := range runs {
		fmt.Fprintf(w, "\n%s / %s / %s\n", set.name, r.engine, r.analyser)
		for _, res := range r.report.Results {
			fmt.Fprintf(w, "%-13s  nDCG %s  recall %s  %d found  %s\n", res.Query.Kind, f3(res.NDCG), f3(res.Recall), res.Total, res.Query.Text)
			var top []string
			for _, h := range res.Top {
				top = append(top, fmt.Sprintf("%s:%d", h.Ref, h.Grade))
			}
			fmt.Fprintf(w, "    top:    %s\n", orNone(top))
			var missed []string
			for _, j := range res.Missed {
				missed = append(missed, fmt.Sprintf("%s:%d", j.Ref, j.Grade))
			}
			fmt.Fprintf(w, "    missed: %s\n", orNone(missed))
		}
	}
}

func kindMean(rep relevance.Report, k relevance.Kind, of func(relevance.Mean) float64) string {
	for _, m := range rep.ByKind {
		if m.Kind == k {
			return f3(of(m))
		}
	}
	return "-"
}

func f3(v float64) string { return fmt.Sprintf("%.3f", v) }

func orNone(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ")
}
