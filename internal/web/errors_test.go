package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

// TestAPIErrors checks the API's one error mapping: the JSON shape, the
// stable code per kind and a message in the reader's language.
func TestAPIErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		c := s.client()
		for _, tc := range []struct {
			path, lang   string
			status       int
			code, prefix string
		}{
			{"/api/v1/deeds/999999", "sv", http.StatusNotFound, "not_found", "Hittades inte."},
			{"/api/v1/deeds/999999", "en", http.StatusNotFound, "not_found", "Not found."},
			{"/api/v1/deeds/abc", "fi", http.StatusNotFound, "not_found", "Ei löytynyt."},
			{"/api/v1/no-such-thing", "en", http.StatusNotFound, "not_found", "There is no such API endpoint."},
			{"/api/v1/campaigns/999999/results", "fi", http.StatusNotFound, "not_found", "Ei löytynyt."},
		} {
			req, _ := http.NewRequest(http.MethodGet, c.base+tc.path, nil)
			req.Header.Set("Accept-Language", tc.lang)
			r := c.do(req)
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(r.body), &body); err != nil {
				t.Fatalf("%s: not JSON: %v: %s", tc.path, err, r.body)
			}
			if r.status != tc.status || body.Error.Code != tc.code || body.Error.Message != tc.prefix {
				t.Errorf("%s (%s) = %d %+v, want %d %s %q", tc.path, tc.lang, r.status, body.Error, tc.status, tc.code, tc.prefix)
			}
		}
	})
}

// lockedBuffer is a log destination that a test reads while the server
// writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSessionLookupFailureIsLogged breaks the sessions table under a
// signed-in person: the request goes on signed out, as before, but the
// failure is in the log, while an unknown cookie is not.
func TestSessionLookupFailureIsLogged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var logs lockedBuffer
		a, err := app.New(ctx, db, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		srv, err := web.New(a, web.Options{BaseURL: "http://tekotori.test"})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(hs.Close)
		s := &site{t: t, app: a, srv: hs}
		s.addUser("istunto@example.org", user.RoleMember, "kangasala")

		stranger := s.client()
		u, _ := url.Parse(hs.URL)
		stranger.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "tekotori_session", Value: "no-such-session"}})
		wantStatus(t, stranger.get("/"), http.StatusOK)
		if strings.Contains(logs.String(), "session lookup failed") {
			t.Fatalf("an unknown session was logged as a failure:\n%s", logs.String())
		}

		c := s.client()
		c.login("istunto@example.org")
		if _, err := db.Exec(ctx, `ALTER TABLE sessions RENAME TO sessions_away`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Exec(ctx, `ALTER TABLE sessions_away RENAME TO sessions`) })
		r := c.get("/my")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
			t.Fatalf("with the sessions table gone: %d %s", r.status, r.loc)
		}
		if !strings.Contains(logs.String(), "session lookup failed") {
			t.Fatalf("the failed session lookup is not in the log:\n%s", logs.String())
		}
	})
}
