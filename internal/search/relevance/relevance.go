// Package relevance measures how well search ranks the demo deeds: a set
// of judged queries (judgments.tsv) is run against a search.Service and
// scored by nDCG@10 and recall@10, per query, per kind of query and
// overall. The judgments live in the repository so that a change to
// analysis or ranking can be weighed by numbers rather than by a few
// queries tried by hand.
package relevance

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
)

// K is the depth the metrics look at: the first result page.
const K = 10

//go:embed judgments.tsv
var judgmentsTSV string

//go:embed floors.tsv
var floorsTSV string

// Floor is the least an analyser must score over all the judged queries.
type Floor struct {
	NDCG, Recall float64
}

// Floors reads the relevance floors kept in the repository, by analyser
// ("voikko", "fallback") for the demo set and by "independent/" and the
// analyser for the independent set.
func Floors() (map[string]Floor, error) {
	out := map[string]Floor{}
	for i, line := range strings.Split(floorsTSV, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		key := ""
		if len(f) == 4 && f[0] == "independent" {
			key, f = "independent/", f[1:]
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("relevance floors line %d: want [independent,] analyser, nDCG and recall", i+1)
		}
		var fl Floor
		var err error
		if fl.NDCG, err = strconv.ParseFloat(f[1], 64); err != nil {
			return nil, fmt.Errorf("relevance floors line %d: %w", i+1, err)
		}
		if fl.Recall, err = strconv.ParseFloat(f[2], 64); err != nil {
			return nil, fmt.Errorf("relevance floors line %d: %w", i+1, err)
		}
		out[key+f[0]] = fl
	}
	return out, nil
}

// Kind is what a query tests.
type Kind string

const (
	Base         Kind = "base"          // a base form: hyvinvointi
	Inflected    Kind = "inflected"     // an inflected or derived form: kotihoidon
	CompoundPart Kind = "compound_part" // a word the deeds mostly use inside compounds: hävikki
	Compound     Kind = "compound"      // a whole compound: työhyvinvointi
	Typo         Kind = "typo"          // a misspelling: hyvinvonti
	Multiword    Kind = "multiword"     // several words: nuorten mielenterveys
	Phrase       Kind = "phrase"        // a quoted phrase: "matalan kynnyksen"
	Swedish      Kind = "swedish"
	English      Kind = "english"
	Synonym      Kind = "synonym" // a near-synonym of the deeds' words: etäopetus for hybridiopetus
)

// Kinds lists the kinds in the order reports show them.
var Kinds = []Kind{Base, Inflected, CompoundPart, Compound, Typo, Multiword, Phrase, Synonym, Swedish, English}

// KindsOf lists the kinds qs has, in the order of Kinds.
func KindsOf(qs []Query) []Kind {
	var out []Kind
	for _, k := range Kinds {
		if slices.ContainsFunc(qs, func(q Query) bool { return q.Kind == k }) {
			out = append(out, k)
		}
	}
	return out
}

// Judgment is the grade of one deed for one query: 2 highly relevant,
// 1 relevant. A deed without a judgment counts as 0.
type Judgment struct {
	Ref   string
	Grade int
}

// Query is one judged query.
type Query struct {
	ID        string // the independent set's query id; empty for the demo set
	Text      string
	Kind      Kind
	Judgments []Judgment
}

// Finnish reports whether the query is in Finnish: every kind but the
// Swedish and English ones.
func (q Query) Finnish() bool { return q.Kind != Swedish && q.Kind != English }

// Grade is the judged grade of the deed with ref, 0 when it is not judged.
func (q Query) Grade(ref string) int {
	for _, j := range q.Judgments {
		if j.Ref == ref {
			return j.Grade
		}
	}
	return 0
}

// Load reads the judged queries kept in the repository.
func Load() ([]Query, error) {
	return Parse(strings.NewReader(judgmentsTSV))
}

// Parse reads judged queries, one a line: query, kind and judgments
// (ref=grade separated by commas) separated by tabs. Blank lines and lines
// starting with # are skipped. Every query needs at least one relevant
// deed, or its metrics would mean nothing.
func Parse(r io.Reader) ([]Query, error) {
	var qs []Query
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		q, err := parseLine(text)
		if err != nil {
			return nil, fmt.Errorf("relevance: line %d: %w", line, err)
		}
		if seen[q.Text] {
			return nil, fmt.Errorf("relevance: line %d: query %q judged twice", line, q.Text)
		}
		seen[q.Text] = true
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("relevance: read judgments: %w", err)
	}
	return qs, nil
}

func parseLine(text string) (Query, error) {
	fields := strings.Split(text, "\t")
	if len(fields) != 3 {
		return Query{}, fmt.Errorf("want 3 tab-separated fields, got %d", len(fields))
	}
	q := Query{Text: strings.TrimSpace(fields[0]), Kind: Kind(strings.TrimSpace(fields[1]))}
	if q.Text == "" {
		return Query{}, errors.New("empty query")
	}
	if !slices.Contains(Kinds, q.Kind) {
		return Query{}, fmt.Errorf("unknown kind %q", q.Kind)
	}
	for _, item := range strings.Split(fields[2], ",") {
		ref, grade, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || ref == "" {
			return Query{}, fmt.Errorf("judgment %q is not ref=grade", item)
		}
		g, err := strconv.Atoi(grade)
		if err != nil || g < 0 || g > 2 {
			return Query{}, fmt.Errorf("judgment %q: grade must be 0, 1 or 2", item)
		}
		if slices.ContainsFunc(q.Judgments, func(j Judgment) bool { return j.Ref == ref }) {
			return Query{}, fmt.Errorf("deed %s judged twice", ref)
		}
		q.Judgments = append(q.Judgments, Judgment{Ref: ref, Grade: g})
	}
	if !slices.ContainsFunc(q.Judgments, func(j Judgment) bool { return j.Grade > 0 }) {
		return Query{}, fmt.Errorf("query %q has no relevant deed", q.Text)
	}
	return q, nil
}

// gain is what a deed of grade g adds at the top rank: 2^g - 1, so that a
// highly relevant deed counts three times a relevant one.
func gain(g int) float64 { return math.Exp2(float64(g)) - 1 }

// discount is the weight of 0-based rank i.
func discount(i int) float64 { return 1 / math.Log2(float64(i)+2) }

// NDCG is the normalised discounted cumulative gain of grades (the grades
// of the found deeds in rank order) at depth k, against the ideal order of
// the judged grades. It is 0 when nothing judged is relevant.
func NDCG(grades []int, judged []Judgment, k int) float64 {
	dcg := 0.0
	for i, g := range grades[:min(k, len(grades))] {
		dcg += gain(g) * discount(i)
	}
	ideal := make([]int, 0, len(judged))
	for _, j := range judged {
		ideal = append(ideal, j.Grade)
	}
	slices.SortFunc(ideal, func(a, b int) int { return b - a })
	idcg := 0.0
	for i, g := range ideal[:min(k, len(ideal))] {
		idcg += gain(g) * discount(i)
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

// Recall is the share of the relevant judged deeds (grade 1 or more) that
// are among the first k of found. It is 0 when nothing judged is relevant.
func Recall(found []string, judged []Judgment, k int) float64 {
	top := found[:min(k, len(found))]
	relevant, hit := 0, 0
	for _, j := range judged {
		if j.Grade < 1 {
			continue
		}
		relevant++
		if slices.Contains(top, j.Ref) {
			hit++
		}
	}
	if relevant == 0 {
		return 0
	}
	return float64(hit) / float64(relevant)
}

// Ranked is one found deed: its ref ("#id" for a deed the ref map does
// not know) and its judged grade.
type Ranked struct {
	Ref   string
	Grade int
}

// Result is one query's outcome.
type Result struct {
	Query  Query
	Top    []Ranked // the first K hits in rank order
	Total  int      // how many deeds matched
	NDCG   float64
	Recall float64
	RR     float64 // the reciprocal rank of the first relevant deed in Top, 0 when none is
	// Missed lists the relevant judged deeds that are not in Top, highest
	// grade first.
	Missed []Judgment
	// Err is set when the query could not be run, or judges a deed the
	// database does not have; the query still counts, with what was found.
	Err error
}

// Mean is the average of the metrics over a group of queries.
type Mean struct {
	Kind    Kind // empty for a group that is not one kind
	Queries int
	NDCG    float64
	Recall  float64
	MRR     float64
}

// Report is the evaluation of a set of queries.
type Report struct {
	Results []Result
	All     Mean
	Finnish Mean
	ByKind  []Mean // in the order of Kinds, kinds without queries left out
}

// Err joins the errors of the queries, nil when every query ran cleanly.
func (r Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil {
			errs = append(errs, fmt.Errorf("query %q: %w", res.Query.Text, res.Err))
		}
	}
	return errors.Join(errs...)
}

// Evaluate runs every query through svc, as the search page would with
// relevance order and a page of K, and scores the hits. refToID maps deed
// refs to database ids. A failed query scores zero and keeps its error in
// its Result (see Report.Err), so one bad query does not hide the others.
func Evaluate(ctx context.Context, svc *search.Service, refToID map[string]int64, qs []Query) Report {
	idToRef := make(map[int64]string, len(refToID))
	for ref, id := range refToID {
		idToRef[id] = ref
	}
	var rep Report
	for _, q := range qs {
		rep.Results = append(rep.Results, evaluate(ctx, svc, refToID, idToRef, q))
	}
	rep.All = mean("", rep.Results, func(Result) bool { return true })
	rep.Finnish = mean("", rep.Results, func(r Result) bool { return r.Query.Finnish() })
	for _, k := range Kinds {
		if m := mean(k, rep.Results, func(r Result) bool { return r.Query.Kind == k }); m.Queries > 0 {
			rep.ByKind = append(rep.ByKind, m)
		}
	}
	return rep
}

func evaluate(ctx context.Context, svc *search.Service, refToID map[string]int64, idToRef map[int64]string, q Query) Result {
	res := Result{Query: q}
	var unknown []string
	for _, j := range q.Judgments {
		if _, ok := refToID[j.Ref]; !ok {
			unknown = append(unknown, j.Ref)
		}
	}
	if len(unknown) > 0 {
		res.Err = fmt.Errorf("judged deeds not in the database: %s", strings.Join(unknown, ", "))
	}
	var page *search.Page
	if err := ctx.Err(); err != nil {
		res.Err = errors.Join(res.Err, err)
	} else if page, err = svc.Search(ctx, search.Request{Q: q.Text, Sort: "relevance", Limit: K}); err != nil {
		res.Err = errors.Join(res.Err, err)
	}
	var found []string
	var grades []int
	if page != nil {
		res.Total = page.Total
		for _, h := range page.Hits[:min(K, len(page.Hits))] {
			ref, ok := idToRef[h.DeedID]
			if !ok {
				ref = "#" + strconv.FormatInt(h.DeedID, 10)
			}
			g := q.Grade(ref)
			res.Top = append(res.Top, Ranked{Ref: ref, Grade: g})
			found = append(found, ref)
			grades = append(grades, g)
		}
	}
	res.NDCG = NDCG(grades, q.Judgments, K)
	res.Recall = Recall(found, q.Judgments, K)
	for i, g := range grades {
		if g > 0 {
			res.RR = 1 / float64(i+1)
			break
		}
	}
	for _, j := range q.Judgments {
		if j.Grade > 0 && !slices.Contains(found, j.Ref) {
			res.Missed = append(res.Missed, j)
		}
	}
	// Highest grade first, then as judged: the order stays the same from
	// run to run.
	slices.SortStableFunc(res.Missed, func(a, b Judgment) int { return b.Grade - a.Grade })
	return res
}

func mean(k Kind, rs []Result, in func(Result) bool) Mean {
	m := Mean{Kind: k}
	for _, r := range rs {
		if !in(r) {
			continue
		}
		m.Queries++
		m.NDCG += r.NDCG
		m.Recall += r.Recall
		m.MRR += r.RR
	}
	if m.Queries > 0 {
		m.NDCG /= float64(m.Queries)
		m.Recall /= float64(m.Queries)
		m.MRR /= float64(m.Queries)
	}
	return m
}

// RefIDs maps the ref of every deed in db to its id, to match judged refs
// to search hits.
func RefIDs(ctx context.Context, db *store.DB) (map[string]int64, error) {
	rows, err := db.Query(ctx, `SELECT ref, id FROM deeds`)
	if err != nil {
		return nil, fmt.Errorf("relevance: read refs: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ref string
		var id int64
		if err := rows.Scan(&ref, &id); err != nil {
			return nil, fmt.Errorf("relevance: read refs: %w", err)
		}
		out[ref] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("relevance: read refs: %w", err)
	}
	return out, nil
}
