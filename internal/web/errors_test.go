package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
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
