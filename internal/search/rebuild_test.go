package search_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/search"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// Deeds written while the index is rebuilt are all found afterwards, and
// the writes do not wait for the rebuild: the old index keeps taking
// changes and serving searches, and the new one replays what changed
// while it was built.
func TestWritesDuringRebuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := loadCorpus(t, db)
		ctx := context.Background()
		importDeed := func(ref, word string) {
			t.Helper()
			line := fmt.Sprintf(`{"ref":%q,"lang":"fi","title":"Kokeilu %s","summary":"Uusi teko.","organisation":"Oulu","municipality":"Oulu","sector":"opetus","themes":["osallisuus"],"status":"done","year":2024,"need":"T.","solution":"R.","contact":{"name":"T","email":"t@example.org"}}`, ref, word)
			rep, err := a.Importer.Import(ctx, strings.NewReader(line), deed.ImportOptions{})
			if err != nil || len(rep.Errors) > 0 {
				t.Errorf("import %s: %v %+v", ref, err, rep.Errors)
			}
		}
		found := func(q string) int {
			t.Helper()
			p, err := a.Search.Search(ctx, search.Request{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		before := a.Search.Searcher()
		search.SetAfterBuild(a.Search, func() {
			// Seen at once on the old index, as a deed save catches up.
			importDeed("R-1", "zeppeliini")
			done := make(chan error, 1)
			go func() { done <- a.Search.CatchUp(ctx) }()
			select {
			case err := <-done:
				if err != nil {
					t.Error(err)
				}
			case <-time.After(10 * time.Second):
				t.Error("a catch-up waited for the rebuild")
			}
			if n := found("zeppeliini"); n != 1 {
				t.Errorf("during the rebuild the old index finds %d deeds for zeppeliini", n)
			}
			// Never caught up before the swap: only the replay can add
			// or remove these.
			importDeed("R-2", "ilmalaiva")
			if _, err := db.Exec(ctx, `UPDATE deeds SET state = 'archived', seq = (SELECT n + 1 FROM counters WHERE name = 'deeds') WHERE ref = 'C-11'`); err != nil {
				t.Error(err)
			}
			if _, err := db.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'deeds'`); err != nil {
				t.Error(err)
			}
		})
		if err := a.Search.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		search.SetAfterBuild(a.Search, nil)
		if a.Search.Searcher() == before {
			t.Fatal("no new index was swapped in")
		}
		if found("zeppeliini") != 1 || found("ilmalaiva") != 1 || found("ruokahävikki") != 0 {
			t.Fatalf("after the rebuild: zeppeliini %d, ilmalaiva %d, archived ruokahävikki %d", found("zeppeliini"), found("ilmalaiva"), found("ruokahävikki"))
		}
		if n := a.Search.Status().Deeds; n != len(corpus)+1 {
			t.Fatalf("index has %d deeds, want %d", n, len(corpus)+1)
		}
		// The next catch-up has nothing left to do twice.
		if err := a.Search.CatchUp(ctx); err != nil || found("ilmalaiva") != 1 {
			t.Fatalf("catch-up after the rebuild: %v", err)
		}
	})
}
