package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/backup"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

// digest is everything in the tables a site's content lives in, as one
// string per table, to compare a database with its restored backup.
func digest(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for table, cols := range map[string]string{
		"deeds":           "id, ref, title, summary, need, state, media",
		"deed_revisions":  "id, deed_id, number, action",
		"users":           "id, email, name, role, password_hash",
		"organisations":   "id, code, name_fi",
		"terms":           "id, slug, label_fi",
		"media":           "id, deed_id, filename, size, data",
		"campaigns":       "id, name_fi",
		"campaign_scores": "*",
		"mail_outbox":     "id, to_addr, subject",
	} {
		rows, err := db.Query(ctx, `SELECT `+cols+` FROM `+table+` ORDER BY 1`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		h := sha256.New()
		n := 0
		for rows.Next() {
			cts, _ := rows.Columns()
			vals := make([]any, len(cts))
			ptrs := make([]any, len(cts))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		rows.Close()
		out[table] = fmt.Sprintf("%d rows %x", n, h.Sum(nil))
	}
	return out
}

// siteDSN gives a fresh database address on engine e.
func siteDSN(t *testing.T, e storetest.Engine) string {
	if e == storetest.SQLite {
		return filepath.Join(t.TempDir(), "site.db")
	}
	return storetest.PostgresDSN(t)
}

func TestBackupRoundTripAndRefusals(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dsn := siteDSN(t, e)
			a, err := app.Open(ctx, dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Fill(ctx, a); err != nil {
				t.Fatal(err)
			}
			want := digest(t, a.DB)
			if !strings.HasPrefix(want["deeds"], "50 rows") {
				t.Fatalf("demo deeds: %s", want["deeds"])
			}

			// A backup while the site is open; then the site changes.
			var buf bytes.Buffer
			m, err := backup.Create(ctx, a.DB, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if m.Engine != a.DB.Dialect || m.Schema == 0 || m.Bytes == 0 {
				t.Fatalf("manifest %+v", m)
			}
			if _, err := a.DB.Exec(ctx, `UPDATE deeds SET title = 'muutettu jälkeenpäin'`); err != nil {
				t.Fatal(err)
			}
			if _, err := a.DB.Exec(ctx, `DELETE FROM mail_outbox`); err != nil {
				t.Fatal(err)
			}
			changed := digest(t, a.DB)
			if changed["deeds"] == want["deeds"] {
				t.Fatal("the change did not change the digest")
			}

			// A node is serving: the restore is refused without --force.
			a.Close()
			node, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			stop, err := housekeeping.Heartbeat(ctx, node, nil, "solmu-1")
			if err != nil {
				t.Fatal(err)
			}
			_, err = backup.Restore(ctx, dsn, bytes.NewReader(buf.Bytes()), backup.RestoreOptions{})
			if !errors.Is(err, backup.ErrRefused) || !strings.Contains(err.Error(), "solmu-1") {
				t.Fatalf("restore under a live node: %v", err)
			}
			// Bad backups are refused before anything changes.
			bad := map[string][]byte{
				"truncated":     buf.Bytes()[:buf.Len()*2/3],
				"not a backup":  []byte("SQLite format 3\x00 but not a tar at all"),
				"manifest only": buf.Bytes()[:1024],
			}
			for name, b := range bad {
				_, err := backup.Restore(ctx, dsn, bytes.NewReader(b), backup.RestoreOptions{Force: true})
				if !errors.Is(err, backup.ErrRefused) {
					t.Fatalf("%s: %v", name, err)
				}
			}
			check, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if got := digest(t, check)["deeds"]; got != changed["deeds"] {
				t.Fatal("a refused restore changed the database")
			}
			check.Close()

			// With the node stopped, the restore puts everything back.
			stop()
			node.Close()
			got, err := backup.Restore(ctx, dsn, bytes.NewReader(buf.Bytes()), backup.RestoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.SHA256 != m.SHA256 {
				t.Fatalf("restored manifest %+v", got)
			}
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			after := digest(t, db)
			for table, d := range want {
				if after[table] != d {
					t.Errorf("%s: restored %s, backed up %s", table, after[table], d)
				}
			}
		})
	}
}

// A backup from a newer version of the platform is refused.
func TestBackupFromNewerVersionRefused(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "site.db")
	a, err := app.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_tulevaisuus.sql', '2030-01-01')`); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := backup.Create(ctx, a.DB, &buf); err != nil {
		t.Fatal(err)
	}
	a.Close()
	_, err = backup.Restore(ctx, filepath.Join(t.TempDir(), "other.db"), &buf, backup.RestoreOptions{})
	if !errors.Is(err, backup.ErrRefused) || !strings.Contains(err.Error(), "newer version") {
		t.Fatalf("restore of a newer backup: %v", err)
	}
}
