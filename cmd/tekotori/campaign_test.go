package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestCampaignSimulate(t *testing.T) {
	run := func(args ...string) string {
		var out bytes.Buffer
		if err := campaignCmd(t.Context(), append([]string{"simulate", "--runs", "10", "--seed", "3"}, args...), &out, nil); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	out := run()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^top50-recall raw=0\.\d\d standardised=0\.\d\d model=0\.\d\d$`).MatchString(last) {
		t.Fatalf("last line %q\n%s", last, out)
	}
	for _, scenario := range []string{"linear-balanced", "random-assignment", "harsh-strongest", "few-scores", "partial-nonlinear",
		"outlier-juror", "category-panels", "disjoint-panels"} {
		if !regexp.MustCompile(`(?m)^\| ` + scenario + ` \| 0\.\d{3} \| 0\.\d{3} \| 0\.\d{3} \| `).MatchString(out) {
			t.Errorf("no row for %s:\n%s", scenario, out)
		}
	}
	if again := run(); again != out {
		t.Fatalf("the same seed gave different output:\n%s\n%s", out, again)
	}
	// A scenario run alone gives the same row as in the full table.
	alone := run("--scenario", "disjoint-panels")
	row := regexp.MustCompile(`(?m)^\| disjoint-panels .*$`)
	if row.FindString(alone) != row.FindString(out) {
		t.Fatalf("scenario alone %q, in the table %q", row.FindString(alone), row.FindString(out))
	}
	if err := campaignCmd(t.Context(), []string{"simulate", "--runs", "0"}, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("--runs 0 accepted")
	}
	if err := campaignCmd(t.Context(), []string{"simulate", "--scenario", "nosuch"}, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("unknown scenario accepted")
	}
	if err := campaignCmd(t.Context(), nil, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("no subcommand accepted")
	}
}
