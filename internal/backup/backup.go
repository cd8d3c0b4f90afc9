// Package backup makes a consistent copy of a running site's database
// (uploads included: they live in it) and puts one back.
//
// A backup is a tar stream of two entries: manifest.json (format, engine,
// schema version, size and SHA-256 of the payload) and the payload itself,
// an SQLite database made by VACUUM INTO or a PostgreSQL dump in pg_dump's
// custom format. Restore reads and checks all of it, into a temporary file,
// before anything is overwritten, so a truncated file, a file from a newer
// version or a file that is no backup at all changes nothing.
package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/store"
)

// Format names the layout of a backup; a change of layout gets a new one.
const Format = "tekotori-backup/1"

const (
	manifestName = "manifest.json"
	payloadName  = "database"
)

// Manifest describes a backup.
type Manifest struct {
	Format    string        `json:"format"`
	Engine    store.Dialect `json:"engine"`
	Schema    int           `json:"schema"`
	CreatedAt time.Time     `json:"created_at"`
	Bytes     int64         `json:"bytes"`
	SHA256    string        `json:"sha256"`
}

// ErrRefused is the kind of every refusal of Restore: the backup is not one,
// is damaged, does not fit, or live nodes still use the database. Its
// message says which.
var ErrRefused = errors.New("backup: refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// Create writes a backup of db to w while the site runs.
func Create(ctx context.Context, db *store.DB, w io.Writer) (*Manifest, error) {
	dir, err := os.MkdirTemp("", "tekotori-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(dir)
	payload := filepath.Join(dir, payloadName)
	schema, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	created := time.Now().UTC().Truncate(time.Second)
	switch db.Dialect {
	case store.SQLite:
		// One statement copies a consistent snapshot, however the site
		// writes meanwhile.
		if _, err := db.Exec(ctx, `VACUUM INTO ?`, payload); err != nil {
			return nil, fmt.Errorf("backup: copy the SQLite database: %w", err)
		}
	case store.Postgres:
		// pg_dump reads in one repeatable-read transaction: a consistent
		// copy while the nodes keep writing.
		if err := pgTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", payload, "--dbname", db.DSN); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("backup: unknown engine %q", db.Dialect)
	}
	f, err := os.Open(payload)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m := &Manifest{Format: Format, Engine: db.Dialect, Schema: schema, CreatedAt: created, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tw := tar.NewWriter(w)
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(body)), ModTime: created}); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	if _, err := tw.Write(body); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: payloadName, Mode: 0o600, Size: n, ModTime: created}); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	return m, nil
}

// RestoreOptions qualify a restore.
type RestoreOptions struct {
	// Force restores even though nodes were seen using the database
	// within the last minute and a half.
	Force bool
}

// Restore replaces the database at dsn with the backup read from r and
// brings its schema up to date. It refuses (ErrRefused) before touching
// the database when the backup is not one, is damaged or truncated, comes
// from another engine or a newer version, or when live nodes use the
// database and opt.Force is not set.
func Restore(ctx context.Context, dsn string, r io.Reader, opt RestoreOptions) (*Manifest, error) {
	engine := store.SQLite
	if store.IsPostgresDSN(dsn) {
		engine = store.Postgres
	}
	dir, err := os.MkdirTemp(tempDirFor(dsn, engine), "tekotori-restore-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(dir)
	m, payload, err := read(r, dir)
	if err != nil {
		return nil, err
	}
	if m.Engine != engine {
		return nil, refuse("the backup is of a %s database and the target is %s; move between engines with export and import", m.Engine, engine)
	}
	latest, err := store.LatestMigration(engine)
	if err != nil {
		return nil, err
	}
	if m.Schema > latest {
		return nil, refuse("the backup comes from a newer version of Tekotori (schema %d; this version knows up to %d): restore it with that version", m.Schema, latest)
	}
	if err := checkNoLiveNodes(ctx, dsn, engine, opt.Force); err != nil {
		return nil, err
	}
	switch engine {
	case store.SQLite:
		// The checked copy takes the database's place in one rename.
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("backup: %w", err)
			}
		}
		if err := os.Rename(payload, dsn); err != nil {
			return nil, fmt.Errorf("backup: put the database in place: %w", err)
		}
	case store.Postgres:
		if err := pgTool(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
			"--exit-on-error", "--dbname", dsn, payload); err != nil {
			return nil, err
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// read checks a backup stream and leaves its payload in dir.
func read(r io.Reader, dir string) (*Manifest, string, error) {
	tr := tar.NewReader(r)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName || hdr.Size > 1<<16 {
		return nil, "", refuse("this is not a Tekotori backup (no manifest at its start)")
	}
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(tr, 1<<16)).Decode(&m); err != nil || m.Format != Format {
		return nil, "", refuse("this is not a Tekotori backup (its manifest says %q)", m.Format)
	}
	hdr, err = tr.Next()
	if err != nil || hdr.Name != payloadName {
		return nil, "", refuse("the backup is truncated: it ends after its manifest")
	}
	payload := filepath.Join(dir, payloadName)
	f, err := os.Create(payload)
	if err != nil {
		return nil, "", fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), tr)
	if err != nil {
		return nil, "", refuse("the backup is truncated or damaged after %d of %d bytes (%v)", n, m.Bytes, err)
	}
	if n != m.Bytes || hex.EncodeToString(h.Sum(nil)) != m.SHA256 {
		return nil, "", refuse("the backup is truncated or damaged: %d bytes where its manifest says %d, or a checksum that does not match", n, m.Bytes)
	}
	if err := f.Sync(); err != nil {
		return nil, "", fmt.Errorf("backup: %w", err)
	}
	return &m, payload, nil
}

// checkNoLiveNodes refuses a restore under running nodes.
func checkNoLiveNodes(ctx context.Context, dsn string, engine store.Dialect, force bool) error {
	if engine == store.SQLite {
		if _, err := os.Stat(dsn); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRow(ctx, tableExists(engine), "nodes").Scan(&tables); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if tables == 0 {
		return nil
	}
	live, err := housekeeping.LiveNodes(ctx, db)
	if err != nil {
		return err
	}
	if len(live) > 0 && !force {
		sort.Strings(live)
		return refuse("nodes still use this database (%s); stop them first, or give --force", strings.Join(live, ", "))
	}
	return nil
}

func tableExists(engine store.Dialect) string {
	if engine == store.Postgres {
		return `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
}

// tempDirFor keeps an SQLite restore's copy beside the database, so the
// final rename stays on one file system.
func tempDirFor(dsn string, engine store.Dialect) string {
	if engine == store.SQLite {
		return filepath.Dir(dsn)
	}
	return ""
}

// pgTool runs one of PostgreSQL's own tools, from PATH or Debian's
// versioned directories (the newest, which reads every older server).
func pgTool(ctx context.Context, name string, args ...string) error {
	path, err := exec.LookPath(name)
	if err != nil {
		matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
		if len(matches) == 0 {
			return fmt.Errorf("backup: %s not found: install PostgreSQL's client tools (Debian: postgresql-client)", name)
		}
		sort.Strings(matches)
		path = matches[len(matches)-1]
	}
	cmd := exec.CommandContext(ctx, path, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("backup: %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}
