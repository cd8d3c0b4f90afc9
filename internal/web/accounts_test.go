package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

func mailCount(t *testing.T, s *site, addr string) int {
	t.Helper()
	var n int
	if err := s.app.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?`, addr).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func tokenOf(link string) string { return strings.SplitN(link, "token=", 2)[1] }

// A forgotten password is reset by a link; the answer does not tell which
// addresses have accounts; the reset ends every other session.
func TestPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		other := s.client()
		other.login("a@example.org")
		wantStatus(t, other.get("/my"), http.StatusOK)

		c := s.client()
		mustContain(t, c.get("/login").body, `href="/account/reset"`)
		known := c.post("/account/reset", url.Values{"email": {"a@example.org"}})
		unknown := c.post("/account/reset", url.Values{"email": {"ei-tilia@example.org"}})
		wantStatus(t, known, http.StatusOK)
		wantStatus(t, unknown, http.StatusOK)
		if strings.ReplaceAll(known.body, "a@example.org", "X") != strings.ReplaceAll(unknown.body, "ei-tilia@example.org", "X") {
			t.Fatal("the answer tells a known address from an unknown one")
		}
		if n := mailCount(t, s, "ei-tilia@example.org"); n != 0 {
			t.Fatalf("%d mails to an address without an account", n)
		}
		link := mailedLink(t, s, "a@example.org", "/account/reset/confirm?token=")
		page := c.get(link)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Uusi salasana")
		// A mistake keeps the link usable.
		r := c.post("/account/reset/confirm", url.Values{"token": {tokenOf(link)}, "password": {"uusi-salasana-1"}, "password2": {"toinen"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Salasanat eivät täsmää.")
		r = c.post("/account/reset/confirm", url.Values{"token": {tokenOf(link)}, "password": {"lyhyt"}, "password2": {"lyhyt"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		r = c.post("/account/reset/confirm", url.Values{"token": {tokenOf(link)}, "password": {"uusi-salasana-1"}, "password2": {"uusi-salasana-1"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.follow(r).body, "Uusi salasana on tallennettu")
		wantStatus(t, c.get("/my"), http.StatusOK)
		// The other device was signed out; the old password is gone.
		wantStatus(t, other.get("/my"), http.StatusSeeOther)
		wantStatus(t, s.client().post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}}), http.StatusUnauthorized)
		wantStatus(t, s.client().post("/login", url.Values{"email": {"a@example.org"}, "password": {"uusi-salasana-1"}}), http.StatusSeeOther)
		// Used once.
		wantStatus(t, s.client().get(link), http.StatusNotFound)
	})
}

// A sign-in link signs in only with the page's button: opening it (as a
// mail scanner would) does nothing.
func TestSignInByLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		wantStatus(t, c.post("/login/link", url.Values{"email": {"a@example.org"}}), http.StatusOK)
		link := mailedLink(t, s, "a@example.org", "/login/link?token=")
		mustContain(t, c.get(link).body, "Kirjaudu sisään")
		wantStatus(t, c.get(link), http.StatusOK)
		wantStatus(t, c.get("/my"), http.StatusSeeOther)
		wantStatus(t, c.post("/login/link", url.Values{"token": {tokenOf(link)}}), http.StatusSeeOther)
		wantStatus(t, c.get("/my"), http.StatusOK)
		wantStatus(t, s.client().post("/login/link", url.Values{"token": {tokenOf(link)}}), http.StatusNotFound)
		// A bad address is an error on the form; mail to one address is limited.
		r := c.post("/login/link", url.Values{"email": {"ei osoite"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		for range 2 {
			wantStatus(t, c.post("/login/link", url.Values{"email": {"a@example.org"}}), http.StatusOK)
		}
		wantStatus(t, c.post("/login/link", url.Values{"email": {"a@example.org"}}), http.StatusTooManyRequests)
	})
}

// Before the address is confirmed the right password does not sign in: a
// new link goes out instead.
func TestUnconfirmedAccountCannotSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		org := itoa(orgID(t, s, "varkaus"))
		c := s.client()
		form := url.Values{"email": {"uusi@example.org"}, "name": {"Uusi Jäsen"}, "org": {org}, "password": {"pitkä-salasana"}, "password2": {"pitkä-salasana"}}
		wantStatus(t, c.post("/register", form), http.StatusOK)
		if n := mailCount(t, s, "uusi@example.org"); n != 1 {
			t.Fatalf("%d mails", n)
		}
		r := c.post("/login", url.Values{"email": {"uusi@example.org"}, "password": {"pitkä-salasana"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Tarkista sähköpostisi")
		wantStatus(t, c.get("/my"), http.StatusSeeOther)
		if n := mailCount(t, s, "uusi@example.org"); n != 2 {
			t.Fatalf("%d mails after signing in unconfirmed", n)
		}
		link := mailedLink(t, s, "uusi@example.org", "/account/verify?token=")
		wantStatus(t, c.post("/account/verify", url.Values{"token": {tokenOf(link)}}), http.StatusSeeOther)
		wantStatus(t, s.client().post("/login", url.Values{"email": {"uusi@example.org"}, "password": {"pitkä-salasana"}}), http.StatusSeeOther)
	})
}

// The account page changes a person's own name, language and password,
// signs out other devices, gives a copy of the data and deletes the
// account, keeping their deeds under "deleted user".
func TestAccountPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		member := s.addUser("a@example.org", user.RoleMember, "kangasala")
		d, err := s.app.Deeds.Create(context.Background(), member, deedContent(member.OrgID, "Tilin teko"))
		if err != nil {
			t.Fatal(err)
		}
		c, other := s.client(), s.client()
		c.login("a@example.org")
		other.login("a@example.org")
		wantStatus(t, s.client().get("/account"), http.StatusSeeOther)
		page := c.get("/account")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "a@example.org", "Kangasala", "tämä laite")

		// Every error at once, with what was typed.
		r := c.post("/account/profile", url.Values{"name": {""}, "ui_lang": {"de"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-name"`, `href="#f-ui_lang"`)
		r = c.post("/account/profile", url.Values{"name": {"Aino Uusinimi"}, "ui_lang": {"sv"}})
		wantStatus(t, r, http.StatusSeeOther)
		page = c.follow(r)
		mustContain(t, page.body, `<html lang="sv">`, "Aino Uusinimi", "Uppgifterna har sparats.")
		c.get("/lang/fi?next=/")

		r = c.post("/account/password", url.Values{"current_password": {"väärä"}, "new_password": {"lyhyt"}, "new_password2": {"lyhyt"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Salasana ei ole oikein.", `href="#f-new_password"`)
		r = c.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"uusi-salasana-2"}, "new_password2": {"uusi-salasana-2"}})
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, c.get("/account"), http.StatusOK)
		wantStatus(t, other.get("/account"), http.StatusSeeOther)

		third := s.client()
		third.post("/login", url.Values{"email": {"a@example.org"}, "password": {"uusi-salasana-2"}})
		wantStatus(t, third.get("/account"), http.StatusOK)
		wantStatus(t, c.post("/account/sessions", nil), http.StatusSeeOther)
		wantStatus(t, third.get("/account"), http.StatusSeeOther)
		wantStatus(t, c.get("/account"), http.StatusOK)

		data := c.get("/account/data.json")
		wantStatus(t, data, http.StatusOK)
		mustContain(t, data.body, `"email": "a@example.org"`, `"name": "Aino Uusinimi"`, `"title": "Tilin teko"`)

		r = c.post("/account/delete", url.Values{"delete_password": {"uusi-salasana-2"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-confirm"`)
		r = c.post("/account/delete", url.Values{"delete_password": {"uusi-salasana-2"}, "confirm": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.follow(r).body, "Tilisi on poistettu.")
		wantStatus(t, c.get("/account"), http.StatusSeeOther)
		wantStatus(t, s.client().post("/login", url.Values{"email": {"a@example.org"}, "password": {"uusi-salasana-2"}}), http.StatusUnauthorized)
		got, err := s.app.Deeds.Get(context.Background(), &user.User{ID: -1, Role: user.RoleAdmin}, d.ID)
		if err != nil || got.Title != "Tilin teko" || got.AuthorName != user.DeletedName {
			t.Fatalf("the deed after deleting its writer: %+v %v", got, err)
		}
		// The address is free again.
		org := itoa(orgID(t, s, "kangasala"))
		wantStatus(t, s.client().post("/register", url.Values{"email": {"a@example.org"}, "name": {"Uusi"}, "org": {org}, "password": {"pitkä-salasana"}, "password2": {"pitkä-salasana"}}), http.StatusOK)
		mailedLink(t, s, "a@example.org", "/account/verify?token=")
	})
}

// sessionOf gives c a session of email's account made directly, for an
// account that cannot sign in through the form.
func (c *client) sessionOf(email string, s *site) {
	c.t.Helper()
	ctx := context.Background()
	u, err := s.app.Users.ByEmail(ctx, email)
	if err != nil {
		c.t.Fatal(err)
	}
	token, _, err := s.app.Users.CreateSession(ctx, u.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	base, _ := url.Parse(c.base)
	c.hc.Jar.SetCookies(base, []*http.Cookie{{Name: "tekotori_session", Value: token, Path: "/"}})
}

// A form of any page posted after the session expired is kept: after
// signing in, the same browser is offered it to send again as it was, and
// nothing happens until it is sent. Passwords are not kept.
func TestExpiredSessionKeepsAnyForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		u := s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		r := c.post("/account/profile", url.Values{"name": {"Aino Kirjoitti Istunnon Päättyessä"}, "ui_lang": {"fi"}, "password_hint": {"ei säilytetä"}})
		wantStatus(t, r, http.StatusSeeOther)
		q, _ := url.ParseQuery(strings.SplitN(r.loc, "?", 2)[1])
		next := q.Get("next")
		if !strings.HasPrefix(next, "/resume?token=") {
			t.Fatalf("signed-out post went to %q", r.loc)
		}
		// A stranger with the link gets nothing.
		other := s.client()
		other.login("a@example.org")
		wantStatus(t, other.get(next), http.StatusNotFound)

		r = c.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}, "next": {next}})
		wantStatus(t, r, http.StatusSeeOther)
		page := c.follow(r)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, `action="/account/profile"`, `value="Aino Kirjoitti Istunnon Päättyessä"`, "Lähetä lomake")
		mustNotContain(t, page.body, "ei säilytetä")
		if got, _ := s.app.Users.Get(context.Background(), u.ID); got.Name == "Aino Kirjoitti Istunnon Päättyessä" {
			t.Fatal("showing the kept form changed the account")
		}
		r = c.post("/account/profile", url.Values{"name": {"Aino Kirjoitti Istunnon Päättyessä"}, "ui_lang": {"fi"}})
		wantStatus(t, r, http.StatusSeeOther)
		if got, _ := s.app.Users.Get(context.Background(), u.ID); got.Name != "Aino Kirjoitti Istunnon Päättyessä" {
			t.Fatalf("name %q after sending the kept form", got.Name)
		}
	})
}
