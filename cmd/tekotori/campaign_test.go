package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestCampaignSimulate(t *testing.T) {
	run := func() string {
		var out bytes.Buffer
		if err := campaignCmd(t.Context(), []string{"simulate", "--runs", "20", "--seed", "3"}, &out, nil); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	out := run()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^top50-recall raw=0\.\d\d normalised=0\.\d\d$`).MatchString(last) {
		t.Fatalf("last line %q\n%s", last, out)
	}
	if again := run(); again != out {
		t.Fatalf("the same seed gave different output:\n%s\n%s", out, again)
	}
	if err := campaignCmd(t.Context(), []string{"simulate", "--runs", "0"}, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("--runs 0 accepted")
	}
	if err := campaignCmd(t.Context(), nil, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("no subcommand accepted")
	}
}
