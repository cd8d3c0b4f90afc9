package benchgen_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/search/benchgen"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// deedRow is what the loader and the importer must agree on.
const deedRow = `SELECT d.ref, d.slug, d.state, o.code, d.municipality_code, d.county_code, d.region_code, d.lang,
	d.title, d.summary, s.slug, d.status, d.year_started, d.need, d.solution, d.results, d.lessons, d.adoption,
	d.partners, d.funding, d.contact_name, d.contact_title, d.contact_email, d.contact_public, d.links, d.media,
	d.published_at, d.seq > 0
FROM deeds d JOIN organisations o ON o.id = d.org_id JOIN terms s ON s.id = d.sector_id WHERE d.ref = ?`

func rowOf(t *testing.T, db *store.DB, ref string) []any {
	t.Helper()
	vals := make([]any, 28)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.QueryRow(context.Background(), deedRow, ref).Scan(ptrs...); err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			vals[i] = string(b)
		}
		vals[i] = fmt.Sprint(vals[i]) // engines give numbers and times in their own types
	}
	var terms []string
	rows, err := db.Query(context.Background(), `SELECT t.kind, t.slug FROM deed_terms dt JOIN terms t ON t.id = dt.term_id
		JOIN deeds d ON d.id = dt.deed_id WHERE d.ref = ? ORDER BY t.kind, t.slug`, ref)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, slug string
		if err := rows.Scan(&kind, &slug); err != nil {
			t.Fatal(err)
		}
		terms = append(terms, kind+"/"+slug)
	}
	return append(vals, fmt.Sprint(terms))
}

// TestLoaderMatchesImporter loads the same deeds through the loader and
// the importer and compares what search and the pages read.
func TestLoaderMatchesImporter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 40
		gen, err := benchgen.New(benchgen.Config{N: n, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := app.New(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer loaded.Search.Analyzer().Close()
		l, err := benchgen.NewLoader(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if err := gen.Each(ctx, func(r *deed.Record) error { return l.Add(ctx, r) }); err != nil {
			t.Fatal(err)
		}
		if err := l.Flush(ctx); err != nil || l.Loaded() != n {
			t.Fatalf("loaded %d: %v", l.Loaded(), err)
		}

		other := storetest.Open(t, storetest.Engine(db.Dialect))
		imported, err := app.New(ctx, other, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer imported.Search.Analyzer().Close()
		var buf bytes.Buffer
		if err := gen.WriteJSONL(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		rep, err := imported.Importer.Import(ctx, &buf, deed.ImportOptions{})
		if err != nil || len(rep.Errors) > 0 || rep.Added != n {
			t.Fatalf("import: %v %+v", err, rep)
		}
		for _, ref := range []string{"BENCH-1", "BENCH-17", fmt.Sprintf("BENCH-%d", n)} {
			if got, want := rowOf(t, db, ref), rowOf(t, other, ref); !reflect.DeepEqual(got, want) {
				t.Errorf("%s loaded differs from imported:\n got %v\nwant %v", ref, got, want)
			}
		}

		// The counter covers every deed, so search's follower starts after
		// them, and a rebuild indexes them all.
		var counter, maxSeq int64
		if err := db.QueryRow(ctx, `SELECT n FROM counters WHERE name = 'deeds'`).Scan(&counter); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT MAX(seq) FROM deeds`).Scan(&maxSeq); err != nil {
			t.Fatal(err)
		}
		if counter != n || maxSeq != n {
			t.Errorf("counter %d, highest seq %d, want %d", counter, maxSeq, n)
		}
		if err := loaded.Search.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		rec := gen.Deed(4)
		page, err := loaded.Search.Search(ctx, search.Request{Q: rec.Title, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var ref string
		if len(page.Hits) > 0 {
			if err := db.QueryRow(ctx, `SELECT ref FROM deeds WHERE id = ?`, page.Hits[0].DeedID).Scan(&ref); err != nil && err != sql.ErrNoRows {
				t.Fatal(err)
			}
		}
		if loaded.Search.Status().Deeds != n || ref != rec.Ref {
			t.Errorf("index has %d deeds; its title found %q, want %s", loaded.Search.Status().Deeds, ref, rec.Ref)
		}
	})
}
