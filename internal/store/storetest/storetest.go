// Package storetest gives tests a fresh, migrated database on each engine:
// an SQLite file in a temporary directory, and a new database on a real
// PostgreSQL server on loopback.
//
// The PostgreSQL server comes from TEKOTORI_TEST_PG (an admin URL) when it
// is set. Otherwise the first test process starts a throwaway server from
// Debian's postgresql package in a fixed directory under the system
// temporary directory and later processes reuse it, so that `go test ./...`
// works without set-up. When no server can be had the PostgreSQL half of a
// test is skipped, except under CI (CI set), where that is a failure.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// Engine names a database engine under test.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines lists the engines every storage test runs on.
var Engines = []Engine{SQLite, Postgres}

// Each runs fn once per engine as a subtest with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open gives a fresh migrated database on engine e, removed when the test
// ends.
func Open(t testing.TB, e Engine) *store.DB {
	t.Helper()
	var db *store.DB
	switch e {
	case SQLite:
		db = openSQLite(t)
	case Postgres:
		db = openPostgres(t)
	default:
		t.Fatalf("storetest: unknown engine %q", e)
	}
	if err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatalf("storetest: migrate %s: %v", e, err)
	}
	return db
}

func openSQLite(t testing.TB) *store.DB {
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN creates a fresh empty database and returns its URL; it is
// dropped when the test ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	admin := adminURL(t)
	ctx := context.Background()
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer adb.Close()
	name := "t_" + randomHex(8)
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(admin, name)
}

func openPostgres(t testing.TB) *store.DB {
	dsn := PostgresDSN(t)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	// Many test databases share one server: keep each pool small.
	db.SetMaxOpenConns(6)
	t.Cleanup(func() { db.Close() })
	return db
}

func withDatabase(admin, name string) string {
	// admin is postgres://user@host:port/postgres?params; swap the path.
	u, qs := admin, ""
	if i := strings.IndexByte(admin, '?'); i >= 0 {
		u, qs = admin[:i], admin[i:]
	}
	j := strings.LastIndexByte(u, '/')
	return u[:j+1] + name + qs
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

func adminURL(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() {
		if u := os.Getenv("TEKOTORI_TEST_PG"); u != "" {
			serverURL = u
			return
		}
		serverURL, serverErr = startLocalServer()
	})
	if serverErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("storetest: PostgreSQL is required under CI: %v", serverErr)
		}
		t.Skipf("storetest: no PostgreSQL (%v); run scripts/test to install it", serverErr)
	}
	return serverURL
}

// LocalServerPort is where the throwaway server listens; one per machine,
// shared by every test process.
const LocalServerPort = 55432

// LocalServerDir holds the throwaway server's data and lock file.
func LocalServerDir() string {
	return filepath.Join(os.TempDir(), "tekotori-pgtest")
}

func startLocalServer() (string, error) {
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", LocalServerPort)
	if ping(url) == nil {
		return url, nil
	}
	bin, err := postgresBinDir()
	if err != nil {
		return "", err
	}
	dir := LocalServerDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make %s: %w", dir, err)
	}
	// Test binaries of several packages start at once: one of them starts
	// the server while the others wait on the lock and then reuse it.
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if ping(url) == nil {
		return url, nil
	}
	data := filepath.Join(dir, "data")
	asUser, err := serverUser()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		_ = os.RemoveAll(data)
		if err := os.MkdirAll(data, 0o700); err != nil {
			return "", err
		}
		if err := chownTo(dir, asUser); err != nil {
			return "", err
		}
		if err := chownTo(data, asUser); err != nil {
			return "", err
		}
		out, err := runAs(asUser, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
		if err != nil {
			return "", fmt.Errorf("initdb: %v: %s", err, out)
		}
	}
	logFile := filepath.Join(dir, "server.log")
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", LocalServerPort, dir)
	out, err := runAs(asUser, filepath.Join(bin, "pg_ctl"), "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "60", "start")
	if err != nil {
		return "", fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := ping(url); err == nil {
			return url, nil
		} else if time.Now().After(deadline) {
			return "", fmt.Errorf("server did not answer: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func ping(url string) error {
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", LocalServerPort), time.Second)
	if err != nil {
		return err
	}
	conn.Close()
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// postgresBinDir finds the newest installed server binaries.
func postgresBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL server binaries not found (Debian package postgresql)")
}

// serverUser is who runs the server: PostgreSQL refuses to run as root, so
// root hands it to the postgres account the Debian package creates.
func serverUser() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root and no postgres account: %w", err)
	}
	return u, nil
}

func chownTo(path string, u *user.User) error {
	if u == nil {
		return nil
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

func runAs(u *user.User, name string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	if u == nil {
		cmd = exec.Command(name, args...)
	} else {
		cmd = exec.Command("runuser", append([]string{"-u", u.Username, "--", name}, args...)...)
	}
	cmd.Dir = "/"
	// The server must outlive this test process: a session of its own keeps
	// it out of the test's process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd.CombinedOutput()
}
