package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// register signs a person up for organisation code and confirms the
// address through the mailed link; the client is then signed in.
func register(t *testing.T, s *site, c *client, email, name, code string) {
	t.Helper()
	form := url.Values{"email": {email}, "name": {name}, "org": {itoa(orgID(t, s, code))}, "password": {testPassword}, "password2": {testPassword}}
	wantStatus(t, c.post("/register", form), http.StatusOK)
	link := mailedLink(t, s, email, "/account/verify?token=")
	wantStatus(t, c.post("/account/verify", url.Values{"token": {tokenOf(link)}}), http.StatusSeeOther)
}

// pendingRequestID finds the pending request of email on the page.
func pendingRequestID(t *testing.T, s *site, email string) int64 {
	t.Helper()
	var id int64
	if err := s.app.DB.QueryRow(context.Background(), `SELECT r.id FROM membership_requests r JOIN users u ON u.id = r.user_id
		WHERE u.email = ? AND r.decided_at IS NULL`, email).Scan(&id); err != nil {
		t.Fatalf("no pending request of %s: %v", email, err)
	}
	return id
}

func lastMailSubject(t *testing.T, s *site, addr string) string {
	t.Helper()
	var subject string
	if err := s.app.DB.QueryRow(context.Background(), `SELECT subject FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1`, addr).Scan(&subject); err != nil {
		t.Fatal(err)
	}
	return subject
}

// A registration's organisation is a request: the account has none (and
// writes no deed for it) until that organisation's admin approves; another
// organisation's admin and a member cannot decide it; the requester is
// told by mail either way, and each decision is in the audit log. The
// organisation's admin then makes the new member an editor, and can do
// nothing more.
func TestMembershipRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		s.addUser("yllapito@example.org", user.RoleAdmin, "")
		varkausAdmin := s.addUser("vp@example.org", user.RoleOrgAdmin, "varkaus")
		s.addUser("kp@example.org", user.RoleOrgAdmin, "kangasala")
		kangasalaMember := s.addUser("kj@example.org", user.RoleMember, "kangasala")
		varkaus := orgID(t, s, "varkaus")

		newcomer := s.client()
		register(t, s, newcomer, "uusi@example.org", "Ulla Uusi", "varkaus")
		page := newcomer.get("/account")
		mustContain(t, page.body, "Pyyntösi liittyä organisaatioon Varkaus odottaa")
		u, err := s.app.Users.ByEmail(ctx, "uusi@example.org")
		if err != nil || u.OrgID != 0 {
			t.Fatalf("before approval the account has organisation %d (%v)", u.OrgID, err)
		}
		if r := newcomer.post("/deeds/new", completeDeed(varkaus, "Ennen hyväksyntää")); r.status == http.StatusSeeOther {
			t.Fatalf("a pending member wrote a deed for the organisation: %d %s", r.status, r.loc)
		}
		register(t, s, s.client(), "toinen@example.org", "Toivo Toinen", "varkaus")
		req := pendingRequestID(t, s, "uusi@example.org")
		other := pendingRequestID(t, s, "toinen@example.org")

		// Refused to those who may not decide.
		wantStatus(t, newcomer.get("/admin/members"), http.StatusForbidden)
		wantStatus(t, newcomer.post(fmt.Sprintf("/admin/members/requests/%d", req), url.Values{"decision": {"approve"}}), http.StatusForbidden)
		kp := s.client()
		kp.login("kp@example.org")
		mustNotContain(t, kp.get("/admin/members").body, "uusi@example.org")
		wantStatus(t, kp.post(fmt.Sprintf("/admin/members/requests/%d", req), url.Values{"decision": {"approve"}}), http.StatusNotFound)

		vp := s.client()
		vp.login("vp@example.org")
		mustContain(t, vp.get("/").body, `href="/admin/members"`)
		list := vp.get("/admin/members")
		wantStatus(t, list, http.StatusOK)
		mustContain(t, list.body, "uusi@example.org", "toinen@example.org", "Hyväksy")
		r := vp.post(fmt.Sprintf("/admin/members/requests/%d", req), url.Values{"decision": {"approve"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, vp.follow(r).body, "Jäsenyys on hyväksytty.", "Organisaation Varkaus jäsenet", "Ulla Uusi")
		if got := lastMailSubject(t, s, "uusi@example.org"); got != "Tekotori: jäsenyytesi on hyväksytty" {
			t.Fatalf("mail %q", got)
		}
		wantStatus(t, vp.post(fmt.Sprintf("/admin/members/requests/%d", req), url.Values{"decision": {"refuse"}}), http.StatusNotFound)
		wantStatus(t, vp.post(fmt.Sprintf("/admin/members/requests/%d", other), url.Values{"decision": {"refuse"}}), http.StatusSeeOther)
		if got := lastMailSubject(t, s, "toinen@example.org"); got != "Tekotori: jäsenyyspyyntösi" {
			t.Fatalf("mail %q", got)
		}
		refused, _ := s.app.Users.ByEmail(ctx, "toinen@example.org")
		if refused.OrgID != 0 {
			t.Fatalf("a refused request gave organisation %d", refused.OrgID)
		}
		// The refused person asks another organisation from the account page.
		toinen := s.client()
		toinen.login("toinen@example.org")
		mustContain(t, toinen.get("/account").body, `action="/account/membership"`)
		r = toinen.post("/account/membership", url.Values{"membership_org": {""}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-membership_org"`)
		r = toinen.post("/account/membership", url.Values{"membership_org": {itoa(orgID(t, s, "kangasala"))}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, toinen.follow(r).body, "Pyyntö on lähetetty", "Pyyntösi liittyä organisaatioon Kangasala odottaa")
		mustContain(t, kp.get("/admin/members").body, "toinen@example.org")
		mustNotContain(t, vp.get("/admin/members").body, "toinen@example.org")
		mustNotContain(t, newcomer.get("/account").body, "odottaa")
		wantStatus(t, newcomer.post("/deeds/new", completeDeed(varkaus, "Hyväksynnän jälkeen")), http.StatusSeeOther)
		if a, rf := auditCount(t, s, "member_approved"), auditCount(t, s, "member_refused"); a != 1 || rf != 1 {
			t.Fatalf("audit: %d approvals, %d refusals", a, rf)
		}

		// The organisation's admin names an editor and takes the role back.
		u, _ = s.app.Users.ByEmail(ctx, "uusi@example.org")
		role := func(c *client, id int64, role string) resp {
			return c.post(fmt.Sprintf("/admin/members/users/%d/role", id), url.Values{"role": {role}})
		}
		wantStatus(t, role(vp, u.ID, "org_editor"), http.StatusSeeOther)
		if got, _ := s.app.Users.Get(ctx, u.ID); got.Role != user.RoleOrgEditor || got.OrgID != varkaus {
			t.Fatalf("after the grant: %s %d", got.Role, got.OrgID)
		}
		before := auditCount(t, s, "role_changed")
		wantStatus(t, role(vp, u.ID, "member"), http.StatusSeeOther)
		if auditCount(t, s, "role_changed") != before+1 {
			t.Fatal("withdrawing the editor role left no audit line")
		}
		wantStatus(t, role(vp, u.ID, "moderator"), http.StatusForbidden)
		wantStatus(t, role(vp, u.ID, "org_admin"), http.StatusForbidden)
		wantStatus(t, role(vp, kangasalaMember.ID, "org_editor"), http.StatusForbidden)
		wantStatus(t, role(vp, varkausAdmin.ID, "member"), http.StatusForbidden)
		wantStatus(t, role(newcomer, u.ID, "org_editor"), http.StatusForbidden)
		if got, _ := s.app.Users.Get(ctx, u.ID); got.Role != user.RoleMember {
			t.Fatalf("role %s after refused changes", got.Role)
		}

		// A site admin sees every organisation's requests.
		register(t, s, s.client(), "kolmas@example.org", "Kalle Kolmas", "kangasala")
		a := s.client()
		a.login("yllapito@example.org")
		body := a.get("/admin/members").body
		mustContain(t, body, "kolmas@example.org")
		if strings.Contains(body, "Organisaation Varkaus jäsenet") {
			t.Fatal("a site admin's page lists one organisation's members")
		}
	})
}
