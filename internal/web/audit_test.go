package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// tableBody is the part of an audit page that lists lines, without the
// filter's options, which name every action.
func tableBody(t *testing.T, body string) string {
	t.Helper()
	i, j := strings.Index(body, "<tbody>"), strings.Index(body, "</tbody>")
	if i < 0 || j < i {
		return ""
	}
	return body[i:j]
}

// TestAdminAudit makes each kind of site administration through the pages
// and finds it in the audit log at /admin/audit, filtered, paged and as
// CSV; a moderator and an anonymous visitor are refused the log, and a
// refused or invalid change leaves no line.
func TestAdminAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := s.addUser("yllapito@example.org", user.RoleAdmin, "")
		s.addUser("moderaattori@example.org", user.RoleModerator, "")
		member := s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		kangasala := orgID(t, s, "kangasala")
		c := s.client()
		c.login("yllapito@example.org")
		count := func() int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM admin_audit`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// A role change, a setting, an organisation and its unit, a term.
		wantStatus(t, c.post(fmt.Sprintf("/admin/users/%d", member.ID), url.Values{"role": {"org_editor"}, "org": {fmt.Sprint(kangasala)}}), http.StatusSeeOther)
		wantStatus(t, c.post("/admin/settings", url.Values{"edits_go_live": {"1"}}), http.StatusSeeOther)
		r := c.post("/admin/organisations", url.Values{"kind": {"company"}, "name_fi": {"Lokin Vesi Oy"}, "municipality_code": {"837"}})
		wantStatus(t, r, http.StatusSeeOther)
		orgPage := strings.SplitN(r.loc, "?", 2)[0]
		wantStatus(t, c.post(orgPage, url.Values{"kind": {"company"}, "name_fi": {"Lokin Vesi Oy"}, "municipality_code": {"837"}, "website": {"https://vesi.example.org"}}), http.StatusSeeOther)
		wantStatus(t, c.post(orgPage+"/units", url.Values{"op": {"add"}, "name": {"Vesihuolto"}}), http.StatusSeeOther)
		wantStatus(t, c.post("/admin/terms", url.Values{"kind": {"theme"}, "slug": {"lokitus"}, "label_fi": {"Lokitus"}, "label_sv": {"Loggning"}, "label_en": {"Logging"}, "active": {"1"}}), http.StatusSeeOther)
		vocab, err := s.app.Terms.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		term, ok := vocab.BySlug(taxonomy.Theme, "lokitus")
		if !ok {
			t.Fatal("term not created")
		}
		wantStatus(t, c.post(fmt.Sprintf("/admin/terms/%d", term.ID), url.Values{"slug": {"lokitus"}, "label_fi": {"Lokitiedot"}, "label_sv": {"Loggning"}, "label_en": {"Logging"}, "active": {"1"}}), http.StatusSeeOther)
		if n := count(); n != 7 {
			t.Fatalf("%d audit lines after 7 changes", n)
		}

		// Saving again what is already there, invalid input and refused
		// changes leave no line.
		wantStatus(t, c.post("/admin/settings", url.Values{"edits_go_live": {"1"}}), http.StatusSeeOther)
		wantStatus(t, c.post("/admin/terms", url.Values{"kind": {"theme"}, "slug": {"lokitus"}, "label_fi": {"Kaksoiskappale"}, "label_sv": {"x"}, "label_en": {"x"}}), http.StatusUnprocessableEntity)
		mod := s.client()
		mod.login("moderaattori@example.org")
		wantStatus(t, mod.post("/admin/terms", url.Values{"kind": {"theme"}, "slug": {"kielletty"}, "label_fi": {"K"}, "label_sv": {"K"}, "label_en": {"K"}}), http.StatusForbidden)
		wantStatus(t, mod.post(fmt.Sprintf("/admin/users/%d", member.ID), url.Values{"role": {"admin"}}), http.StatusForbidden)
		if n := count(); n != 7 {
			t.Fatalf("%d audit lines after no-op, invalid and refused changes, want 7", n)
		}

		page := c.get("/admin/audit")
		wantStatus(t, page, http.StatusOK)
		body := tableBody(t, page.body)
		mustContain(t, body, "Rooli muutettu", "Asetus muutettu", "Organisaatio lisätty", "Organisaatio muutettu", "Yksikkö lisätty",
			"Luokka lisätty", "Luokka muutettu", "Testi admin &lt;yllapito@example.org&gt;",
			fmt.Sprintf("user %d &lt;jasen@example.org&gt;", member.ID), "role=member", fmt.Sprintf("role=org_editor org=%d", kangasala),
			"https://vesi.example.org", "Vesihuolto", "Lokitiedot")
		mustContain(t, c.get("/admin").body, `href="/admin/audit"`)

		// Filters: by action, by actor, by date range.
		body = tableBody(t, c.get("/admin/audit?action=role_changed").body)
		mustContain(t, body, "Rooli muutettu")
		mustNotContain(t, body, "Asetus muutettu", "Luokka lisätty")
		body = tableBody(t, c.get(fmt.Sprintf("/admin/audit?actor=%d", admin.ID)).body)
		mustContain(t, body, "Rooli muutettu", "Luokka muutettu")
		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		mustContain(t, c.get("/admin/audit?from="+today+"&to="+today).body, "Rivejä: 7")
		r = c.get("/admin/audit?from=" + tomorrow)
		mustContain(t, r.body, "Rivejä: 0", "Ei rivejä näillä ehdoilla.")
		r = c.get("/admin/audit?from=31.12.2026&to=" + today)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Anna päivämäärä muodossa vvvv-kk-pp", `value="31.12.2026"`)
		r = c.get("/admin/audit?from=" + tomorrow + "&to=" + today)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Loppupäivä ei voi olla ennen alkupäivää.")

		// The console acts as the system, and the log says so.
		if _, err := s.app.Users.Add(ctx, user.System(), user.NewUser{Email: "konsoli@example.org", Name: "Konsolin Käyttäjä", Password: testPassword, Role: user.RoleMember}); err != nil {
			t.Fatal(err)
		}
		body = tableBody(t, c.get("/admin/audit?actor=0").body)
		mustContain(t, body, "Komentorivi (järjestelmä)", "Käyttäjä lisätty", "konsoli@example.org")
		mustNotContain(t, body, "Rooli muutettu")

		// Paging: 60 more lines make two pages of 50.
		for i := 0; i < 60; i++ {
			if _, err := s.app.Terms.Update(ctx, admin, term.ID, taxonomy.Input{Slug: "lokitus", LabelFI: fmt.Sprintf("Lokitus %d", i), LabelSV: "Loggning", LabelEN: "Logging", Active: true}); err != nil {
				t.Fatal(err)
			}
		}
		first := c.get("/admin/audit")
		mustContain(t, first.body, "Sivu 1 / 2", `rel="next"`, "Lokitus 59")
		second := c.get("/admin/audit?page=2")
		mustContain(t, tableBody(t, second.body), "Rooli muutettu")
		mustNotContain(t, tableBody(t, second.body), "Lokitus 59")

		// CSV keeps the filter and names the action in the reader's language.
		r = c.get("/admin/audit.csv?action=role_changed")
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("CSV content type %q", ct)
		}
		lines := strings.Split(strings.TrimSpace(r.body), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "id,at,actor_id,actor,action,action_label,target,before,after") ||
			!strings.Contains(lines[1], "role_changed,Rooli muutettu") || !strings.Contains(lines[1], "role=member") {
			t.Fatalf("CSV:\n%s", r.body)
		}
		all := c.get("/admin/audit.csv")
		if n := len(strings.Split(strings.TrimSpace(all.body), "\n")); n != 1+7+1+60 {
			t.Fatalf("full CSV has %d lines, want %d", n, 1+7+1+60)
		}

		// Only site admins read the log: the page, the file and the service.
		wantStatus(t, mod.get("/admin/audit"), http.StatusForbidden)
		wantStatus(t, mod.get("/admin/audit.csv"), http.StatusForbidden)
		anon := s.client()
		r = anon.get("/admin/audit")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
			t.Fatalf("anonymous /admin/audit: %d %s", r.status, r.loc)
		}
		r = anon.get("/admin/audit.csv")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
			t.Fatalf("anonymous /admin/audit.csv: %d %s", r.status, r.loc)
		}
		if _, err := s.app.Audit.List(ctx, (*user.User)(nil), audit.Filter{}, 0, 10); err == nil {
			t.Fatal("the service gave the log to nobody")
		}
	})
}
