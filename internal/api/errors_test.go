package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/field"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/user"
)

// TestFailByKind checks that every kind of error gets its status, stable
// code and a translated message, and bad input its translated fields. The
// mapping needs no database: it is pure translation.
func TestFailByKind(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := &API{app: &app.App{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, cat: cat}
	cases := []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{fmt.Errorf("get 3: %w", deed.ErrNotFound), 404, "not_found", "Hittades inte."},
		{deed.ErrForbidden, 403, "forbidden", "Du har inte behörighet att göra detta."},
		{deed.ErrWrongState, 409, "conflict", "Inte möjligt i det nuvarande läget."},
		{user.ErrBadCredentials, 401, "unauthenticated", "Logga in först."},
		{field.Errors{"year": "error.number"}, 400, "bad_parameter", "Begäran har ogiltiga värden."},
		{errors.New("disk on fire"), 500, "internal", "Ett fel inträffade i tjänsten. Försök igen om en stund."},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/api/v1/x?ui_lang=sv", nil)
		a.fail(w, r, c.err)
		var body apiError
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: %v", c.err, err)
		}
		if w.Code != c.status || body.Error.Code != c.code || body.Error.Message != c.msg {
			t.Errorf("fail(%v) = %d %+v, want %d %s %q", c.err, w.Code, body.Error, c.status, c.code, c.msg)
		}
		if c.code == "bad_parameter" && body.Error.Fields["year"] != cat.T("sv", "error.number") {
			t.Errorf("fields = %v", body.Error.Fields)
		}
		if c.code == "internal" && body.Error.Message == c.err.Error() {
			t.Error("an internal error's text must not reach the client")
		}
	}
}
