package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// TestAdminThesaurus: a site admin adds a synonym ring on the page and the
// search expands through it at once; a ring of more than 40 labels is
// refused with what was typed kept; edits and deletion work; every change
// is in the administration log; a moderator is refused the page.
func TestAdminThesaurus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		if _, err := demo.Fill(ctx, s.app); err != nil {
			t.Fatal(err)
		}
		s.addUser("sanasto.yllapito@example.org", user.RoleAdmin, "")
		s.addUser("sanasto.moderaattori@example.org", user.RoleModerator, "")
		c := s.client()
		c.login("sanasto.yllapito@example.org")
		total := func(q string) (int, []string) {
			t.Helper()
			var res struct {
				Total    int      `json:"total"`
				Expanded []string `json:"expanded"`
			}
			r := c.get("/api/v1/deeds?q=" + url.QueryEscape(q))
			wantStatus(t, r, http.StatusOK)
			if err := json.Unmarshal([]byte(r.body), &res); err != nil {
				t.Fatal(err)
			}
			return res.Total, res.Expanded
		}
		if n, _ := total("zorblaxi"); n != 0 {
			t.Fatalf("zorblaxi finds %d deeds before the ring", n)
		}
		page := c.get("/admin/thesaurus")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Asiasanasto", "ikäihminen")

		wantStatus(t, c.post("/admin/thesaurus", url.Values{"labels_fi": {"zorblaxi, kotihoito"}, "labels_en": {"zorblax"}}), http.StatusSeeOther)
		n, exp := total("zorblaxi")
		if n == 0 || !strings.Contains(strings.Join(exp, ","), "kotihoito") {
			t.Fatalf("after the ring zorblaxi finds %d deeds, expanded %v", n, exp)
		}

		// Too many labels: refused, typed text kept, nothing logged.
		var many []string
		for i := range 41 {
			many = append(many, fmt.Sprintf("sana%d", i))
		}
		before := auditLines(t, db)
		r := c.post("/admin/thesaurus", url.Values{"labels_fi": {strings.Join(many, ", ")}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Renkaassa voi olla enintään 40 termiä", "sana40")
		if auditLines(t, db) != before {
			t.Fatal("a refused ring was logged")
		}

		var id int64
		if err := db.QueryRow(ctx, `SELECT concept_id FROM thesaurus_labels WHERE label = 'zorblaxi'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.post(fmt.Sprintf("/admin/thesaurus/%d", id), url.Values{"labels_fi": {"zorblaxi, ruokahävikki"}}), http.StatusSeeOther)
		if _, exp := total("zorblaxi"); strings.Contains(strings.Join(exp, ","), "kotihoito") || !strings.Contains(strings.Join(exp, ","), "ruokahävikki") {
			t.Fatalf("after the edit expanded %v", exp)
		}
		wantStatus(t, c.post(fmt.Sprintf("/admin/thesaurus/%d/delete", id), nil), http.StatusSeeOther)
		if n, _ := total("zorblaxi"); n != 0 {
			t.Fatalf("after deletion zorblaxi finds %d deeds", n)
		}
		body := tableBody(t, c.get("/admin/audit").body)
		mustContain(t, body, "Synonyymirengas lisätty", "Synonyymirengasta muutettu", "Synonyymirengas poistettu", "fi: zorblaxi, ruokahävikki")

		mod := s.client()
		mod.login("sanasto.moderaattori@example.org")
		wantStatus(t, mod.get("/admin/thesaurus"), http.StatusForbidden)
		wantStatus(t, mod.post("/admin/thesaurus", url.Values{"labels_fi": {"a1, b1"}}), http.StatusForbidden)
	})
}

func auditLines(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM admin_audit`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
