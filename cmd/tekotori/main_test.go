package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/store/storetest"
)

// dbs gives one database address per engine.
func dbs(t *testing.T) map[string]string {
	return map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "cli.db"),
		"postgres": storetest.PostgresDSN(t),
	}
}

func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, slog.New(slog.DiscardHandler))
	return out.String(), err
}

func TestCommands(t *testing.T) {
	for engine, db := range dbs(t) {
		t.Run(engine, func(t *testing.T) {
			out, err := runCLI(t, "", "migrate", "--db", db)
			if err != nil || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %v %q", err, out)
			}
			out, err = runCLI(t, "salasana-komentorivi\n", "user", "add", "--db", db, "--email", "Admin@Example.org", "--name", "Komentorivin Ylläpitäjä", "--role", "admin")
			if err != nil || !strings.Contains(out, "<admin@example.org> with role admin") {
				t.Fatalf("user add: %v %q", err, out)
			}
			if _, err := runCLI(t, "lyhyt\n", "user", "add", "--db", db, "--email", "b@example.org", "--name", "B", "--role", "member", "--org", "varkaus"); err == nil {
				t.Fatal("short password accepted")
			}
			if _, err := runCLI(t, "salasana-komentorivi\n", "user", "add", "--db", db, "--email", "c@example.org", "--name", "C", "--role", "king"); err == nil {
				t.Fatal("unknown role accepted")
			}
			if _, err := runCLI(t, "salasana-komentorivi\n", "user", "add", "--db", db, "--email", "c@example.org", "--name", "C", "--org", "atlantis"); err == nil {
				t.Fatal("unknown organisation accepted")
			}

			file := filepath.Join(t.TempDir(), "deeds.jsonl")
			lines := []string{
				`{"ref":"CLI-1","lang":"fi","title":"Ensimmäinen","summary":"Lyhyt tiivistelmä.","organisation":"Kangasala","municipality":"Kangasala","sector":"sote","themes":["tyohyvinvointi"],"status":"done","year":2021,"need":"Tarve.","solution":"Ratkaisu.","contact":{"name":"Testi Henkilö","email":"testi@example.org","public":true}}`,
				`{"ref":"CLI-2","title":"Rikki"`,
				`{"ref":"CLI-3","lang":"fi","title":"Tuntematon toimiala","summary":"S.","organisation":"Varkaus","municipality":"Varkaus","sector":"avaruus","themes":["tyohyvinvointi"],"status":"done","year":2021,"need":"T.","solution":"R.","contact":{"name":"T","email":"t@example.org"}}`,
				`{"ref":"CLI-4","lang":"fi","title":"Uusi yhtiö","summary":"S.","organisation":"Komentorivin Vesi Oy","municipality":"837","sector":"tekniset","themes":["kestava-kehitys"],"status":"done","year":2022,"need":"T.","solution":"R.","contact":{"name":"T","email":"t@example.org"}}`,
			}
			if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err = runCLI(t, "", "import", "--db", db, file)
			if err == nil {
				t.Fatal("import with bad lines reported success")
			}
			for _, want := range []string{"line 2: invalid JSON", "line 3 (CLI-3): sector: unknown value \"avaruus\"", "created organisation: Komentorivin Vesi Oy", "imported: 2 added, 0 updated, 2 rejected"} {
				if !strings.Contains(out, want) {
					t.Fatalf("import output lacks %q:\n%s", want, out)
				}
			}
			// Standard input, the same refs again: updates, no duplicates; --add-terms takes the new sector.
			out, err = runCLI(t, lines[0]+"\n"+lines[2]+"\n", "import", "--db", db, "--add-terms", "-")
			if err != nil || !strings.Contains(out, "imported: 1 added, 1 updated, 0 rejected") || !strings.Contains(out, "added term: sector: avaruus") {
				t.Fatalf("re-import: %v\n%s", err, out)
			}
			if _, err := runCLI(t, "", "nonsense"); err == nil {
				t.Fatal("unknown command accepted")
			}
		})
	}
}

// serve answers on its address with the demo data and stops when told.
func TestServeDemo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "serve.db")
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr, "--demo"}, strings.NewReader(""), io.Discard, slog.New(slog.DiscardHandler))
	}()
	var res *http.Response
	for i := 0; i < 100; i++ {
		res, err = http.Get("http://" + addr + "/api/v1/deeds?limit=1")
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"total": 50`) {
		t.Fatalf("demo data missing: %s", body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
