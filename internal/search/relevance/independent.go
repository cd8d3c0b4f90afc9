package relevance

import (
	"bufio"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The independent set: deeds, queries and judgments written blind, by
// someone who had not seen the ranking code, before any tuning against
// them (see independent/README.md). The files are never edited to fit a
// result.
var (
	//go:embed independent/deeds.jsonl
	IndependentDeeds []byte
	//go:embed independent/queries.tsv
	independentQueriesTSV string
	//go:embed independent/judgments.tsv
	independentJudgmentsTSV string
)

// independentKinds maps the set's kinds to ours.
var independentKinds = map[string]Kind{
	"synonym": Synonym, "compound": Compound, "inflected": Inflected, "multiword": Multiword,
	"typo": Typo, "sv": Swedish, "en": English,
}

// LoadIndependent reads the independent set's queries with their
// judgments, in the order of queries.tsv.
func LoadIndependent() ([]Query, error) {
	return parseIndependent(independentQueriesTSV, independentJudgmentsTSV)
}

func parseIndependent(queries, judgments string) ([]Query, error) {
	var qs []Query
	at := map[string]int{}
	if err := eachRow(queries, 4, func(line int, f []string) error {
		k, ok := independentKinds[f[2]]
		if !ok {
			return fmt.Errorf("unknown kind %q", f[2])
		}
		if _, dup := at[f[0]]; dup {
			return fmt.Errorf("query %s twice", f[0])
		}
		at[f[0]] = len(qs)
		qs = append(qs, Query{ID: f[0], Text: f[3], Kind: k})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("relevance: independent queries: %w", err)
	}
	if err := eachRow(judgments, 3, func(line int, f []string) error {
		i, ok := at[f[0]]
		if !ok {
			return fmt.Errorf("unknown query %s", f[0])
		}
		g, err := strconv.Atoi(f[2])
		if err != nil || g < 0 || g > 2 {
			return fmt.Errorf("grade %q must be 0, 1 or 2", f[2])
		}
		qs[i].Judgments = append(qs[i].Judgments, Judgment{Ref: f[1], Grade: g})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("relevance: independent judgments: %w", err)
	}
	for _, q := range qs {
		if !slices.ContainsFunc(q.Judgments, func(j Judgment) bool { return j.Grade > 0 }) {
			return nil, fmt.Errorf("relevance: independent query %s has no relevant deed", q.ID)
		}
	}
	return qs, nil
}

// eachRow calls fn with the fields of every line of a tab-separated
// text after its header line.
func eachRow(text string, fields int, fn func(line int, f []string) error) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if line == 1 || strings.TrimSpace(t) == "" {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != fields {
			return fmt.Errorf("line %d: want %d tab-separated fields, got %d", line, fields, len(f))
		}
		if err := fn(line, f); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return sc.Err()
}
