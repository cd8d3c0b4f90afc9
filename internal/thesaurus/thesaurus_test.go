package thesaurus_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/thesaurus"
	"github.com/tekotori/tekotori/internal/user"
)

func count(t *testing.T, db *store.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStarterSeed: a fresh installation has the starter rings; seeding
// again adds nothing, and a ring an admin deleted stays deleted.
func TestStarterSeed(t *testing.T) {
	starter, err := thesaurus.Starter()
	if err != nil {
		t.Fatal(err)
	}
	if len(starter) < 150 {
		t.Fatalf("%d starter rings", len(starter))
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		if n := count(t, db, `SELECT COUNT(*) FROM thesaurus_concepts`); n != len(starter) {
			t.Fatalf("%d concepts, want %d", n, len(starter))
		}
		labels := count(t, db, `SELECT COUNT(*) FROM thesaurus_labels`)
		rings, err := a.Thesaurus.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		admin, err := a.Users.Create(ctx, user.NewUser{Email: "sanasto@example.org", Name: "Sanna Sanasto", Password: "salasana-pitka-1", Role: user.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Thesaurus.Delete(ctx, admin, rings[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := a.Thesaurus.Seed(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM thesaurus_concepts`); n != len(starter)-1 {
			t.Fatalf("after deleting one and seeding again: %d concepts, want %d", n, len(starter)-1)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM thesaurus_labels`); n != labels-rings[0].Terms() {
			t.Fatalf("%d labels, want %d", n, labels-rings[0].Terms())
		}
	})
}

func TestParseRingsRefuses(t *testing.T) {
	var many []string
	for i := range 41 {
		many = append(many, fmt.Sprintf("sana%d", i))
	}
	for _, bad := range []string{"fi: yksi", "de: Haus, Heim", "fi a, b", "fi: " + strings.Join(many, ", ")} {
		if _, err := thesaurus.ParseRings(bad); err == nil {
			t.Errorf("ParseRings(%.40q) accepted", bad)
		}
	}
}

const badTurtle = `@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
ex:a a skos:Concept ; skos:prefLabel "kotihoito"@fi , "hemvård"@sv ; skos:narrower ex:b .
ex:b a skos:Concept ; skos:prefLabel "kotikäynti"@fi ; skos:altLabel """kotona
käynti"""@fi ; skos:narrower ex:a .
ex:c a skos:Concept ; skos:prefLabel "kotihoito"@fi , "no language" , "soins"@fr .
ex:d skos:prefLabel zz:oops .
this is not turtle at all .
ex:e a skos:Concept ; skos:prefLabel "katkennut
`

// TestImportSKOS: a file with bad statements, a cycle, a duplicate label,
// labels without a language and a truncated end is reported line by line
// and what is sound is loaded; importing it again changes nothing; a real
// YSO subset loads with its narrower links and expands searches.
func TestImportSKOS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		rep, err := a.Thesaurus.ImportSKOS(ctx, strings.NewReader(badTurtle), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range rep.Problems {
			got = append(got, p.String())
		}
		text := strings.Join(got, "\n")
		for _, want := range []string{
			`line 3: http://example.org/a is both broader and narrower than http://example.org/b (a cycle)`,
			`line 6: label "kotihoito"@fi of http://example.org/c is also a label of http://example.org/a; kept there only`,
			`line 6: label "no language" has no language`,
			`line 7: a label that is not a string`,
			`line 8: unknown prefix in "this"`,
			`line 10: the file ends inside a statement (truncated?)`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in\n%s", want, text)
			}
		}
		if rep.Concepts != 2 || rep.Added != 2 || rep.Links != 1 {
			t.Fatalf("report %+v", rep)
		}
		rings, err := a.Thesaurus.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b *thesaurus.Ring
		for i := range rings {
			if rings[i].URI == "http://example.org/b" {
				b = &rings[i]
			}
		}
		if b == nil || strings.Join(b.Labels["fi"], "|") != "kotikäynti|kotona käynti" {
			t.Fatalf("concept b: %+v", b)
		}
		before := count(t, db, `SELECT COUNT(*) FROM thesaurus_labels`)
		rep, err = a.Thesaurus.ImportSKOS(ctx, strings.NewReader(badTurtle), nil)
		if err != nil || rep.Unchanged != 2 || rep.Added+rep.Updated != 0 || count(t, db, `SELECT COUNT(*) FROM thesaurus_labels`) != before ||
			count(t, db, `SELECT COUNT(*) FROM thesaurus_narrower`) != 1 {
			t.Fatalf("second import: %v %+v", err, rep)
		}

		f, err := os.Open("../../../shared/data/yso/skosmos-tests-yso.ttl")
		if err != nil {
			t.Skipf("no YSO subset here: %v", err)
		}
		defer f.Close()
		var progress []string
		rep, err = a.Thesaurus.ImportSKOS(ctx, f, func(s string) { progress = append(progress, s) })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Concepts != 270 || rep.Added != 270 || rep.Links < 200 || len(rep.Problems) != 0 || len(progress) == 0 {
			t.Fatalf("YSO subset: %+v, progress %v", rep, progress)
		}
		v, err := a.Thesaurus.Vocabulary(ctx, a.Search.Analyzer())
		if err != nil || v.Len() < 270 {
			t.Fatalf("vocabulary of %d concepts: %v", v.Len(), err)
		}
	})
}
