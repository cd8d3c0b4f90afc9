package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// auditCount counts the audit lines of action.
func auditCount(t *testing.T, s *site, action string) int {
	t.Helper()
	var n int
	if err := s.app.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM admin_audit WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The users page finds people by a part of the name or address, filters by
// role and organisation and pages; an admin disables an account (its
// sessions end, it cannot sign in, the audit log says so) and enables it
// again; others are refused.
func TestAdminUserManagement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := s.addUser("yllapito@example.org", user.RoleAdmin, "")
		member := s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		s.addUser("toimittaja@example.org", user.RoleOrgEditor, "varkaus")
		// Many accounts, to page through: written straight to the table, as
		// hashing 60 passwords would only slow the test.
		kangasala := orgID(t, s, "kangasala")
		for i := range 60 {
			if _, err := db.Exec(ctx, `INSERT INTO users (email, name, password_hash, role, org_id, lang, disabled, created_at) VALUES (?, ?, 'x', 'member', ?, 'fi', ?, ?)`,
				fmt.Sprintf("henkilo%02d@example.org", i), fmt.Sprintf("Henkilö %02d", i), kangasala, false, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		c := s.client()
		c.login("yllapito@example.org")
		page := c.get("/admin/users")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "63 käyttäjää", `href="/admin/users?page=2"`, "Henkilö 00")
		mustNotContain(t, page.body, "Henkilö 59")
		page2 := c.get("/admin/users?page=2")
		mustContain(t, page2.body, "Henkilö 59")
		mustNotContain(t, page2.body, "Henkilö 00<")

		r := c.get("/admin/users?q=" + url.QueryEscape("TOIMITTAJA@"))
		mustContain(t, r.body, "1 käyttäjää", "toimittaja@example.org")
		mustNotContain(t, r.body, "jasen@example.org")
		r = c.get("/admin/users?q=henkilö+0")
		mustContain(t, r.body, "10 käyttäjää")
		// LIKE's wildcards are taken literally.
		mustContain(t, c.get("/admin/users?q=%25").body, "0 käyttäjää")
		r = c.get("/admin/users?role=org_editor")
		mustContain(t, r.body, "1 käyttäjää", "toimittaja@example.org")
		r = c.get(fmt.Sprintf("/admin/users?org=%d&q=jasen", kangasala))
		mustContain(t, r.body, "1 käyttäjää", "jasen@example.org")
		r = c.get(fmt.Sprintf("/admin/users?org=%d", orgID(t, s, "varkaus")))
		mustContain(t, r.body, "1 käyttäjää", "toimittaja@example.org")

		// Disabling ends the member's sessions and sign-ins.
		m := s.client()
		m.login("jasen@example.org")
		wantStatus(t, m.get("/my"), http.StatusOK)
		wantStatus(t, m.post(fmt.Sprintf("/admin/users/%d/disable", admin.ID), url.Values{"disabled": {"1"}}), http.StatusForbidden)
		wantStatus(t, m.get("/admin/users"), http.StatusForbidden)
		r = c.post(fmt.Sprintf("/admin/users/%d/disable", member.ID), url.Values{"disabled": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.follow(r).body, "Tili on poistettu käytöstä")
		wantStatus(t, m.get("/my"), http.StatusSeeOther)
		wantStatus(t, s.client().post("/login", url.Values{"email": {"jasen@example.org"}, "password": {testPassword}}), http.StatusUnauthorized)
		mustContain(t, c.get("/admin/users?q=jasen").body, "Poistettu käytöstä", "Ota käyttöön")
		if n := auditCount(t, s, "user_disabled"); n != 1 {
			t.Fatalf("%d audit lines for disabling", n)
		}
		wantStatus(t, c.post(fmt.Sprintf("/admin/users/%d/disable", member.ID), url.Values{"disabled": {"0"}}), http.StatusSeeOther)
		m.login("jasen@example.org")
		if n := auditCount(t, s, "user_enabled"); n != 1 {
			t.Fatalf("%d audit lines for enabling", n)
		}
		mustContain(t, c.get("/admin/audit").body, "Käyttäjä poistettu käytöstä", "Käyttäjä otettu käyttöön")
		// An admin does not lock themselves out.
		wantStatus(t, c.post(fmt.Sprintf("/admin/users/%d/disable", admin.ID), url.Values{"disabled": {"1"}}), http.StatusForbidden)
		wantStatus(t, c.get("/admin/users"), http.StatusOK)
	})
}

// An admin invites a person by mail; the account cannot be signed in to
// until the person chooses a password through the link, which confirms the
// address and signs them in. A bad invitation comes back with its errors
// and what was typed.
func TestAdminInvite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("yllapito@example.org", user.RoleAdmin, "")
		s.addUser("olemassa@example.org", user.RoleMember, "")
		c := s.client()
		c.login("yllapito@example.org")
		varkaus := fmt.Sprint(orgID(t, s, "varkaus"))

		r := c.post("/admin/users/invite", url.Values{"email": {"olemassa@example.org"}, "name": {""}, "role": {"keisari"}, "org": {varkaus}, "lang": {"sv"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-email"`, `href="#f-name"`, `href="#f-role"`, `value="olemassa@example.org"`)
		r = c.post("/admin/users/invite", url.Values{"email": {"kutsuttu@example.org"}, "name": {"Kaisa Kutsuttu"}, "role": {"org_editor"}, "org": {varkaus}, "lang": {"sv"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.follow(r).body, "Kutsu on lähetetty.", "kutsuttu@example.org", "Sähköposti vahvistamatta")
		if n := auditCount(t, s, "user_invited"); n != 1 {
			t.Fatalf("%d audit lines for the invitation", n)
		}
		var subject string
		if err := db.QueryRow(context.Background(), `SELECT subject FROM mail_outbox WHERE to_addr = 'kutsuttu@example.org'`).Scan(&subject); err != nil || subject != "Tekotori: du har blivit inbjuden" {
			t.Fatalf("the invitation's subject %q %v", subject, err)
		}
		link := mailedLink(t, s, "kutsuttu@example.org", "/account/invite?token=")

		p := s.client()
		wantStatus(t, p.post("/login/link", url.Values{"email": {"kutsuttu@example.org"}}), http.StatusOK)
		page := p.get(link)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Valitse tilillesi salasana", `action="/account/invite"`)
		r = p.post("/account/invite", url.Values{"token": {tokenOf(link)}, "password": {"lyhyt"}, "password2": {"lyhyt"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "vähintään 10 merkkiä")
		r = p.post("/account/invite", url.Values{"token": {tokenOf(link)}, "password": {"kutsutun-salasana"}, "password2": {"kutsutun-salasana"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, p.follow(r).body, "Kaisa Kutsuttu", "Varkaus")
		wantStatus(t, p.get("/my"), http.StatusOK)
		wantStatus(t, s.client().post("/login", url.Values{"email": {"kutsuttu@example.org"}, "password": {"kutsutun-salasana"}}), http.StatusSeeOther)
		got, err := s.app.Users.ByEmail(context.Background(), "kutsuttu@example.org")
		if err != nil || !got.Verified() || got.Role != user.RoleOrgEditor {
			t.Fatalf("the invited account: %+v %v", got, err)
		}
		// The link works once; only admins invite.
		wantStatus(t, s.client().get(link), http.StatusNotFound)
		wantStatus(t, p.post("/admin/users/invite", url.Values{"email": {"toinen@example.org"}, "name": {"Toinen"}, "role": {"admin"}}), http.StatusForbidden)
	})
}

// The users page shows beside the site-wide role the roles a person holds
// in the award campaigns: programme admin and juror.
func TestAdminUsersShowCampaignRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		if r := c.post("/login", url.Values{"email": {"admin@example.org"}, "password": {demo.Password}}); r.status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", r.status)
		}
		mustContain(t, c.get("/admin/users?q=tuomari.lehto").body, "<li>Tuomari: ")
		mustContain(t, c.get("/admin/users?q="+url.QueryEscape(campaign.DemoProgrammeAdmin)).body, "<li>Ohjelman ylläpitäjä: ")
		mustNotContain(t, c.get("/admin/users?q=moderaattori").body, "<li>Tuomari: ", "<li>Ohjelman ylläpitäjä: ")
	})
}
