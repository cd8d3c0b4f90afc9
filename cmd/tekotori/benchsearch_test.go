package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestBenchSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, loads and indexes deeds")
	}
	var out bytes.Buffer
	err := benchSearchCmd(context.Background(), []string{"--deeds", "300", "--queries", "20", "--seed", "3"}, &out, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	lines := strings.Split(text, "\n")
	find := func(prefix string) int {
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return i
			}
		}
		t.Fatalf("no line starting %q in\n%s", prefix, text)
		return -1
	}
	if !strings.Contains(text, "PostgreSQL skipped") {
		t.Errorf("no note that PostgreSQL was skipped:\n%s", text)
	}
	h := find("deeds engine")
	head := strings.Fields(lines[h])
	row := strings.Fields(lines[h+1])
	// deeds, engine, load/s, build/s, then three classes of p50 p95 p99,
	// RSS and peak after the build and after the queries, and the heap,
	// with a "|" before each group.
	if len(head) != len(row) || len(row) != 4+3*4+2*3+2 {
		t.Fatalf("header %d fields, row %d:\n%s\n%s", len(head), len(row), lines[h], lines[h+1])
	}
	if row[0] != "300" || row[1] != "sqlite" {
		t.Errorf("row is %v", row)
	}
	if lines[h+2] != "" {
		t.Errorf("more rows than one size and engine: %q", lines[h+2])
	}
	for _, c := range []string{"broad ms", "medium ms", "rare ms", "built MB", "queried MB", "heap"} {
		if !strings.Contains(lines[h-1], c) {
			t.Errorf("no %q over the columns: %q", c, lines[h-1])
		}
	}
	target := lines[find("targets")+1]
	for _, want := range []string{"300 sqlite", "p95 target 20 ms:", "build target 1000 deeds/s:", "RSS target 300 MB:"} {
		if !strings.Contains(strings.Join(strings.Fields(target), " "), want) {
			t.Errorf("target line lacks %q: %q", want, target)
		}
	}
	classes := lines[find("query classes")+1]
	for _, c := range []string{"broad", "medium", "rare"} {
		if !strings.Contains(classes, c+" ") {
			t.Errorf("class line lacks %s: %q", c, classes)
		}
	}
}

func TestBenchSearchFlags(t *testing.T) {
	for _, args := range [][]string{{"--deeds", "0"}, {"--deeds", "10,x"}, {"--queries", "0"}, {"--load", "carrier-pigeon"}} {
		var out bytes.Buffer
		if err := benchSearchCmd(context.Background(), args, &out, nil); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
