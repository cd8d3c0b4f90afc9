package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// codeAt is the app's code for secret at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A person sets up two-factor sign-in from the account page (a QR code
// drawn on the page and the key as text), gets ten recovery codes, and from
// then on signing in, by password or by e-mail link, asks for a code: each
// code works once, each recovery code once, five wrong codes end the
// attempt. Turning it off needs the password.
func TestTwoFactorSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		c.login("a@example.org")
		mustContain(t, c.get("/account").body, "Kaksivaiheinen kirjautuminen", "Ei käytössä.", `href="/account/2fa"`)
		wantStatus(t, c.post("/account/2fa/setup", nil), http.StatusSeeOther)
		page := c.get("/account/2fa")
		mustContain(t, page.body, "<svg", `aria-label="QR-koodi todennussovellukselle"`, "otpauth://totp/Tekotori:a@example.org?")
		m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no key on the page")
		}
		secret := m[1]
		now := time.Now()
		r := c.post("/account/2fa/confirm", url.Values{"code": {"000000"}})
		if codeAt(t, secret, now) == "000000" {
			t.Skip("the code happens to be 000000")
		}
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Koodi ei kelpaa.")
		r = c.post("/account/2fa/confirm", url.Values{"code": {codeAt(t, secret, now)}})
		wantStatus(t, r, http.StatusOK)
		codes := regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`).FindAllStringSubmatch(r.body, -1)
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes", len(codes))
		}
		var hashed int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM user_recovery_codes WHERE code_hash = ?`, codes[0][1]).Scan(&hashed); err != nil || hashed != 0 {
			t.Fatalf("a recovery code is stored as it is (%d, %v)", hashed, err)
		}
		mustContain(t, c.get("/account").body, "Käytössä.")

		// The password alone no longer signs in.
		p := s.client()
		r = p.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}, "next": {"/my"}})
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login/2fa?") {
			t.Fatalf("after the password: %s", r.loc)
		}
		wantStatus(t, p.get("/my"), http.StatusSeeOther)
		mustContain(t, p.get(r.loc).body, "Kirjautumisen toinen vaihe")
		// The code used to turn it on is spent; the next one works once.
		wantStatus(t, p.post("/login/2fa", url.Values{"code": {codeAt(t, secret, now)}, "next": {"/my"}}), http.StatusUnprocessableEntity)
		next := codeAt(t, secret, now.Add(30*time.Second))
		r = p.post("/login/2fa", url.Values{"code": {next}, "next": {"/my"}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.loc != "/my" {
			t.Fatalf("after the code: %s", r.loc)
		}
		wantStatus(t, p.get("/my"), http.StatusOK)
		q := s.client()
		q.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}})
		wantStatus(t, q.post("/login/2fa", url.Values{"code": {next}}), http.StatusUnprocessableEntity)
		// A recovery code works once.
		wantStatus(t, q.post("/login/2fa", url.Values{"code": {strings.ToUpper(codes[0][1])}}), http.StatusSeeOther)
		wantStatus(t, q.get("/my"), http.StatusOK)
		q2 := s.client()
		q2.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}})
		wantStatus(t, q2.post("/login/2fa", url.Values{"code": {codes[0][1]}}), http.StatusUnprocessableEntity)
		// Five wrong codes end the attempt.
		for range 4 {
			wantStatus(t, q2.post("/login/2fa", url.Values{"code": {"123"}}), http.StatusUnprocessableEntity)
		}
		r = q2.post("/login/2fa", url.Values{"code": {codes[1][1]}})
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login?msg=signin_expired") {
			t.Fatalf("after five wrong codes: %s", r.loc)
		}
		wantStatus(t, q2.get("/my"), http.StatusSeeOther)

		// An e-mail link asks for the code too.
		l := s.client()
		wantStatus(t, l.post("/login/link", url.Values{"email": {"a@example.org"}}), http.StatusOK)
		link := mailedLink(t, s, "a@example.org", "/login/link?token=")
		r = l.post("/login/link", url.Values{"token": {tokenOf(link)}})
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login/2fa?") {
			t.Fatalf("after the link: %s", r.loc)
		}
		wantStatus(t, l.get("/my"), http.StatusSeeOther)
		wantStatus(t, l.post("/login/2fa", url.Values{"code": {codes[2][1]}}), http.StatusSeeOther)
		wantStatus(t, l.get("/my"), http.StatusOK)

		// Off, with the password.
		r = c.post("/account/2fa/disable", url.Values{"totp_password": {"väärä-salasana"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Salasana ei ole oikein.")
		wantStatus(t, c.post("/account/2fa/disable", url.Values{"totp_password": {testPassword}}), http.StatusSeeOther)
		s.client().login("a@example.org")
	})
}

// When the site requires it, admins, moderators, programme admins and
// jurors without a second factor are kept on its set-up page; members are
// not; the setting is in the audit log.
func TestTwoFactorRequiredOfStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := s.addUser("yllapito@example.org", user.RoleAdmin, "")
		s.addUser("moderaattori@example.org", user.RoleModerator, "")
		s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		s.addUser("ohjelma@example.org", user.RoleMember, "")
		p, err := s.app.Campaigns.CreateProgramme(ctx, admin, campaign.ProgrammeInput{Name: i18n.Text{FI: "Ohjelma", SV: "Program", EN: "Programme"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.app.Campaigns.AddProgrammeAdmin(ctx, admin, p.ID, "ohjelma@example.org"); err != nil {
			t.Fatal(err)
		}
		a := s.client()
		a.login("yllapito@example.org")
		mustContain(t, a.get("/admin/settings").body, `name="require_two_factor"`)
		wantStatus(t, a.post("/admin/settings", url.Values{"edits_go_live": {"0"}, "require_two_factor": {"1"}}), http.StatusSeeOther)
		var logged int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM admin_audit WHERE action = 'setting_changed' AND target = 'setting require_two_factor' AND after_value = 'true'`).Scan(&logged); err != nil || logged != 1 {
			t.Fatalf("the setting's audit line: %d %v", logged, err)
		}
		// The admin too is now sent to set it up.
		r := a.get("/admin")
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/account/2fa") {
			t.Fatalf("the admin was sent to %s", r.loc)
		}
		for _, email := range []string{"moderaattori@example.org", "ohjelma@example.org"} {
			c := s.client()
			c.login(email)
			r := c.get("/my")
			wantStatus(t, r, http.StatusSeeOther)
			if !strings.HasPrefix(r.loc, "/account/2fa") {
				t.Fatalf("%s was sent to %s", email, r.loc)
			}
			page := c.follow(r)
			wantStatus(t, page, http.StatusOK)
			mustContain(t, page.body, "Sivusto edellyttää")
			wantStatus(t, c.post("/account/2fa/setup", nil), http.StatusSeeOther)
			secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(c.get("/account/2fa").body)[1]
			wantStatus(t, c.post("/account/2fa/confirm", url.Values{"code": {codeAt(t, secret, time.Now())}}), http.StatusOK)
			wantStatus(t, c.get("/my"), http.StatusOK)
		}
		m := s.client()
		m.login("jasen@example.org")
		wantStatus(t, m.get("/my"), http.StatusOK)
	})
}
