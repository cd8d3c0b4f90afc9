package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

func TestMigrateTwiceAndRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		now := store.Now()
		id, err := store.InsertID(ctx, db, `INSERT INTO regions (code, name_fi, name_sv, name_en) VALUES (?, ?, ?, ?)`, "99", "Testimaa", "Testland", "Testland")
		if err == nil || id != 0 {
			// regions has no id column: RETURNING id must fail, proving errors surface.
			t.Fatalf("expected error from RETURNING id on regions, got id %d", id)
		}
		if _, err := db.Exec(ctx, `INSERT INTO regions (code, name_fi, name_sv, name_en) VALUES (?, ?, ?, ?)`, "99", "Testimaa", "Testland", "Testland"); err != nil {
			t.Fatal(err)
		}
		oid, err := store.InsertID(ctx, db, `INSERT INTO organisations (code, kind, name_fi, region_code, created_at) VALUES (?, ?, ?, ?, ?)`, "testi", "other", "Testi Oy", "99", now)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			name string
			at   any
		}
		var created = now
		if err := db.QueryRow(ctx, `SELECT name_fi, created_at FROM organisations WHERE id = ?`, oid).Scan(&got.name, &created); err != nil {
			t.Fatal(err)
		}
		if got.name != "Testi Oy" || !created.Equal(now) {
			t.Fatalf("round trip: got %q %v, want %q %v", got.name, created, "Testi Oy", now)
		}
		_, err = db.Exec(ctx, `INSERT INTO organisations (code, kind, name_fi, created_at) VALUES (?, ?, ?, ?)`, "testi", "other", "Toinen", now)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate code: want unique violation, got %v", err)
		}
	})
}

// Several nodes starting at once must apply each migration exactly once.
func TestConcurrentMigrationsPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(ctx, nil)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, distinct int
	if err := db.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != distinct || n == 0 {
		t.Fatalf("schema_migrations has %d rows for %d versions", n, distinct)
	}
}

func TestRebind(t *testing.T) {
	db := &store.DB{Dialect: store.Postgres}
	if got := db.Rebind("SELECT ? , ?"); got != "SELECT $1 , $2" {
		t.Fatalf("got %q", got)
	}
	db.Dialect = store.SQLite
	if got := db.Rebind("SELECT ?"); got != "SELECT ?" {
		t.Fatalf("got %q", got)
	}
}

// TestUniqueViolation checks that a duplicate key is told by the engine's
// error code on both engines, and that other constraint failures and plain
// errors are not taken for one.
func TestUniqueViolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, q := range []string{
			`CREATE TABLE uv_test (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)`,
			`INSERT INTO uv_test (id, code) VALUES (1, 'a')`,
		} {
			if _, err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		_, dupCode := db.Exec(ctx, `INSERT INTO uv_test (id, code) VALUES (2, 'a')`)
		_, dupKey := db.Exec(ctx, `INSERT INTO uv_test (id, code) VALUES (1, 'b')`)
		_, notNull := db.Exec(ctx, `INSERT INTO uv_test (id, code) VALUES (3, NULL)`)
		_, syntax := db.Exec(ctx, `INSERT INTO uv_test_missing (id) VALUES (1)`)
		wrapped := fmt.Errorf("save: %w", dupCode)
		for name, c := range map[string]struct {
			err  error
			want bool
		}{
			"duplicate unique column": {dupCode, true},
			"duplicate primary key":   {dupKey, true},
			"wrapped duplicate":       {wrapped, true},
			"not null":                {notNull, false},
			"missing table":           {syntax, false},
			"nil":                     {nil, false},
			// Wording alone must not count: this is what the old string
			// match took for a violation.
			"look-alike text": {errors.New("UNIQUE constraint failed: SQLSTATE 23505"), false},
		} {
			if got := store.IsUniqueViolation(c.err); got != c.want {
				t.Errorf("%s: IsUniqueViolation(%v) = %v, want %v", name, c.err, got, c.want)
			}
		}
	})
}
