package web_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

// The authorisation matrix: every route the site registers, as every kind
// of person, allowed or denied. The routes are read from the package's own
// source (every HandleFunc or Handle call with a literal pattern; any other
// pattern fails the test), each row's request is checked to reach that very
// pattern on the server's mux, and a route without a row fails the test, so
// a new route cannot be forgotten.

// Who asks.
type who int

const (
	anonymous who = iota
	memberHere
	memberElsewhere
	orgEditor
	orgAdmin
	moderator
	jurorAssigned
	jurorUnassigned
	jurorConflicted
	progAdminHere
	progAdminElsewhere
	siteAdmin
	nWho
)

var whoNames = [nWho]string{"anonymous", "member of this organisation", "member of another organisation", "organisation editor",
	"organisation admin", "moderator", "juror assigned", "juror unassigned", "juror conflicted",
	"programme admin of this programme", "programme admin of another programme", "site admin"}

// allow is a set of people.
type allow uint32

func only(ws ...who) allow {
	var a allow
	for _, w := range ws {
		a |= 1 << w
	}
	return a
}

func (a allow) has(w who) bool { return a&(1<<w) != 0 }

var (
	everyone   = allow(1<<nWho - 1)
	nobody     = allow(0)
	signedIn   = everyone &^ only(anonymous)
	admins     = only(siteAdmin)
	moderators = only(moderator, siteAdmin)
	// writers of the draft the member of this organisation wrote.
	draftWriters = only(memberHere, orgEditor, orgAdmin, moderator, siteAdmin)
	orgManagers  = only(orgAdmin, siteAdmin)
	deedEnterers = only(memberHere, orgEditor, orgAdmin, siteAdmin)
	// goodPasswords is a reset or invitation form that passes the password
	// rules, so that only its token can refuse it.
	goodPasswords = url.Values{"password": {"hyvä-salasana-1"}, "password2": {"hyvä-salasana-1"}}
	progHere      = only(progAdminHere, siteAdmin)
)

// row is one route: the request to send (path with {name} filled from the
// fixture) and who gets through.
type row struct {
	pattern string
	path    string
	allow   allow
	// fresh, when set, makes new targets before each request, for a route
	// whose allowed request changes what the next one would meet.
	fresh func(t *testing.T) map[string]string
	// form is sent with a POST; none by default.
	form url.Values
}

// patternsInSource reads the route patterns registered in the package.
func patternsInSource(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") || len(call.Args) != 2 {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "mux" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a route pattern that is not a string literal cannot be checked by the matrix", fset.Position(call.Pos()))
				return true
			}
			p, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
			return true
		})
	}
	sort.Strings(out)
	return out
}

// denied tells a refusal: 403, 404 or a redirect to the sign-in page.
func denied(status int, loc string) bool {
	return status == http.StatusForbidden || status == http.StatusNotFound ||
		(status >= 300 && status < 400 && strings.HasPrefix(loc, "/login"))
}

// allowed tells getting through. A GET must answer 2xx or 3xx (not to the
// sign-in page). A POST is sent without its form's fields, so one that gets
// through is usually refused by the handler's own input checks (400, 409,
// 422) or comes back with a message: anything but a refusal or a server
// error counts.
func allowed(method string, status int, loc string) bool {
	if denied(status, loc) || status >= 500 {
		return false
	}
	if method == http.MethodGet {
		return status < 400
	}
	return true
}

func TestAuthorisationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		if _, err := demo.Fill(ctx, s.app); err != nil {
			t.Fatal(err)
		}
		varkaus := orgID(t, s, "varkaus")
		people := [nWho]*user.User{}
		byEmail := func(email string) *user.User {
			t.Helper()
			u, err := s.app.Users.ByEmail(ctx, email)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			return u
		}
		people[memberHere] = s.addUser("jasen.varkaus@example.org", user.RoleMember, "varkaus")
		people[memberElsewhere] = byEmail("jasen@example.org")
		people[orgEditor] = byEmail("toimittaja@example.org")
		people[orgAdmin] = s.addUser("paakayttaja.varkaus@example.org", user.RoleOrgAdmin, "varkaus")
		people[moderator] = byEmail("moderaattori@example.org")
		people[progAdminHere] = byEmail(campaign.DemoProgrammeAdmin)
		people[siteAdmin] = byEmail("admin@example.org")
		admin := people[siteAdmin]

		// Another programme with its own admin.
		other, err := s.app.Campaigns.CreateProgramme(ctx, admin, campaign.ProgrammeInput{Name: i18n.Text{FI: "Toinen ohjelma", SV: "Annat program", EN: "Another programme"}})
		if err != nil {
			t.Fatal(err)
		}
		people[progAdminElsewhere] = s.addUser("ohjelma.toinen@example.org", user.RoleMember, "")
		if err := s.app.Campaigns.AddProgrammeAdmin(ctx, admin, other.ID, "ohjelma.toinen@example.org"); err != nil {
			t.Fatal(err)
		}

		// The finished demo campaign's entry from Varkaus: one juror is
		// assigned to it, one is not, and the Varkaus juror is conflicted.
		var finished, programme int64
		if err := db.QueryRow(ctx, `SELECT c.id, c.programme_id FROM campaigns c ORDER BY c.id LIMIT 1`).Scan(&finished, &programme); err != nil {
			t.Fatal(err)
		}
		var entry int64
		if err := db.QueryRow(ctx, `SELECT e.id FROM campaign_entries e WHERE e.campaign_id = ? AND e.org_id = ? ORDER BY e.id LIMIT 1`, finished, varkaus).Scan(&entry); err != nil {
			t.Fatalf("no entry from Varkaus: %v", err)
		}
		people[jurorConflicted] = byEmail("tuomari.lehto@example.org")
		var assigned, unassigned int64
		if err := db.QueryRow(ctx, `SELECT user_id FROM campaign_assignments WHERE entry_id = ? AND user_id <> ? ORDER BY user_id LIMIT 1`, entry, people[jurorConflicted].ID).Scan(&assigned); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT j.user_id FROM campaign_jurors j WHERE j.campaign_id = ? AND j.user_id <> ? AND j.user_id NOT IN (SELECT user_id FROM campaign_assignments WHERE entry_id = ?) ORDER BY j.user_id LIMIT 1`,
			finished, people[jurorConflicted].ID, entry).Scan(&unassigned); err != nil {
			t.Fatal(err)
		}
		if people[jurorAssigned], err = s.app.Users.Get(ctx, assigned); err != nil {
			t.Fatal(err)
		}
		if people[jurorUnassigned], err = s.app.Users.Get(ctx, unassigned); err != nil {
			t.Fatal(err)
		}
		var category, criterion int64
		if err := db.QueryRow(ctx, `SELECT id FROM campaign_categories WHERE campaign_id = ? ORDER BY id LIMIT 1`, finished).Scan(&category); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT id FROM campaign_criteria WHERE campaign_id = ? ORDER BY id LIMIT 1`, finished).Scan(&criterion); err != nil {
			t.Fatal(err)
		}

		// The draft of the member of this organisation, a published deed
		// of theirs, a vocabulary term, a pending membership request.
		draft, err := s.app.Deeds.Create(ctx, people[memberHere], deedContent(varkaus, "Matriisin luonnos"))
		if err != nil {
			t.Fatal(err)
		}
		published := servicePublishedDeed(t, s, people[memberHere], people[moderator], "Matriisin julkaistu teko")
		var term int64
		if err := db.QueryRow(ctx, `SELECT id FROM terms ORDER BY id LIMIT 1`).Scan(&term); err != nil {
			t.Fatal(err)
		}
		if err := s.app.Users.Register(ctx, user.NewUser{Email: "hakija@example.org", Name: "Hakija", Password: testPassword, OrgID: varkaus, Lang: "fi"},
			user.RegisterMails{Confirm: plainMail, Exists: plainMail}); err != nil {
			t.Fatal(err)
		}
		request := pendingRequestID(t, s, "hakija@example.org")
		verifyLink := mailedLink(t, s, "hakija@example.org", "/account/verify?token=")
		if err := s.app.Users.SendResetLink(ctx, people[memberElsewhere].Email, plainMail); err != nil {
			t.Fatal(err)
		}
		resetLink := mailedLink(t, s, people[memberElsewhere].Email, "/account/reset/confirm?token=")
		if err := s.app.Users.SendSignInLink(ctx, people[memberElsewhere].Email, plainMail); err != nil {
			t.Fatal(err)
		}
		signInLink := mailedLink(t, s, people[memberElsewhere].Email, "/login/link?token=")
		if _, err := s.app.Users.Invite(ctx, admin, user.Invitation{Email: "kutsu@example.org", Name: "Kutsuttu", Role: user.RoleMember}, plainMail); err != nil {
			t.Fatal(err)
		}
		inviteLink := mailedLink(t, s, "kutsu@example.org", "/account/invite?token=")
		// An image on the draft, through the form as its writer would.
		writer := s.client()
		writer.setSession(mustSession(t, s, people[memberHere].ID))
		if r := writer.postMultipart("/deeds/"+itoa(draft.ID)+"/edit", completeDeed(varkaus, "Matriisin luonnos"),
			upload{"image_upload", "kuva.png", pngBytes(t, 400, 300)}); r.status >= 500 {
			t.Fatalf("the draft's image: %d", r.status)
		}
		var image int64
		if err := db.QueryRow(ctx, `SELECT id FROM media WHERE deed_id = ? ORDER BY id LIMIT 1`, draft.ID).Scan(&image); err != nil {
			t.Fatalf("the draft has no image: %v", err)
		}
		// A spare account, for routes that remove a person.
		spare := s.addUser("vara@example.org", user.RoleMember, "")
		rings, err := s.app.Thesaurus.List(ctx)
		if err != nil || len(rings) == 0 {
			t.Fatalf("no thesaurus ring: %v", err)
		}

		fix := map[string]string{
			"draft": itoa(draft.ID), "published": itoa(published.ID), "slug": published.Slug, "term": itoa(term),
			"org": itoa(varkaus), "campaign": itoa(finished), "programme": itoa(programme), "entry": itoa(entry),
			"category": itoa(category), "criterion": itoa(criterion), "request": itoa(request),
			"assigned": itoa(assigned), "unassigned": itoa(unassigned),
			"member": itoa(people[memberHere].ID), "other": itoa(people[memberElsewhere].ID), "spare": itoa(spare.ID), "image": itoa(image),
			"verify": verifyLink, "reset": resetLink, "signin": signInLink, "invite": inviteLink,
			"ring": itoa(rings[0].ID),
		}
		submitted := func(t *testing.T) map[string]string {
			t.Helper()
			c := deedContent(varkaus, "Lähetetty matriisiin")
			c = completeContent(c)
			d, err := s.app.Deeds.Create(ctx, people[memberHere], c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.app.Deeds.Submit(ctx, people[memberHere], d.ID, c); err != nil {
				t.Fatal(err)
			}
			return map[string]string{"deed": itoa(d.ID)}
		}
		freshPublished := func(t *testing.T) map[string]string {
			t.Helper()
			return map[string]string{"deed": itoa(servicePublishedDeed(t, s, people[memberHere], people[moderator], "Julkaistu matriisiin").ID)}
		}
		archived := func(t *testing.T) map[string]string {
			t.Helper()
			d := servicePublishedDeed(t, s, people[memberHere], people[moderator], "Arkistoitu matriisiin")
			if _, err := s.app.Deeds.Archive(ctx, people[moderator], d.ID, ""); err != nil {
				t.Fatal(err)
			}
			return map[string]string{"deed": itoa(d.ID)}
		}
		var open int64
		if err := db.QueryRow(ctx, `SELECT id FROM campaigns WHERE programme_id = ? AND id <> ? ORDER BY id LIMIT 1`, programme, finished).Scan(&open); err != nil {
			t.Fatal(err)
		}
		fix["open"] = itoa(open)
		// The spare account joins the open campaign's jury, to be removed.
		spareJuror := func(t *testing.T) map[string]string {
			t.Helper()
			if on, err := s.app.Campaigns.IsJuror(ctx, spare, open); err != nil || on {
				if err != nil {
					t.Fatal(err)
				}
				return nil // a refused request left them on the jury
			}
			inv, err := s.app.Campaigns.InviteJuror(ctx, people[progAdminHere], open, spare.Email)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.app.Campaigns.AcceptInvitation(ctx, spare, inv.Token); err != nil {
				t.Fatal(err)
			}
			return nil
		}
		spareProgrammeAdmin := func(t *testing.T) map[string]string {
			t.Helper()
			if err := s.app.Campaigns.AddProgrammeAdmin(ctx, admin, programme, spare.Email); err != nil {
				t.Fatal(err)
			}
			return nil
		}

		rows := matrixRows(submitted, freshPublished, archived, spareProgrammeAdmin, spareJuror)

		// Every registered route has a row, and only those.
		registered := patternsInSource(t)
		have := map[string]bool{}
		for _, r := range rows {
			if have[r.pattern] {
				t.Errorf("two rows for %s", r.pattern)
			}
			have[r.pattern] = true
		}
		isRegistered := map[string]bool{}
		for _, p := range registered {
			isRegistered[p] = true
			if !have[p] {
				t.Errorf("route %q has no row in the authorisation matrix", p)
			}
		}
		for _, r := range rows {
			if !isRegistered[r.pattern] {
				t.Errorf("the matrix has a row for %q, which is not registered", r.pattern)
			}
		}

		// The matrix's own server, with every optional route on.
		srv, err := web.New(s.app, web.Options{BaseURL: "http://tekotori.test", MetricsToken: "matrix-metrics-token"})
		if err != nil {
			t.Fatal(err)
		}
		mux := srv.Routes()
		site := httptest.NewServer(srv.Handler())
		t.Cleanup(site.Close)
		fill := func(path string, extra map[string]string) string {
			for k, v := range extra {
				path = strings.ReplaceAll(path, "{"+k+"}", v)
			}
			for k, v := range fix {
				path = strings.ReplaceAll(path, "{"+k+"}", v)
			}
			return path
		}
		checked, violations := 0, 0
		for _, r := range rows {
			method, _, ok := strings.Cut(r.pattern, " ")
			if !ok || strings.HasPrefix(method, "/") {
				method = http.MethodGet
			}
			for w := who(0); w < nWho; w++ {
				var extra map[string]string
				if r.fresh != nil {
					extra = r.fresh(t)
				}
				path := fill(r.path, extra)
				req := httptest.NewRequest(method, path, nil)
				if _, got := mux.Handler(req); got != r.pattern {
					t.Fatalf("%s reaches %q, not its row's %q", path, got, r.pattern)
				}
				c := s.client()
				c.base = site.URL
				if people[w] != nil {
					c.setSession(mustSession(t, s, people[w].ID))
				}
				var res resp
				if method == http.MethodPost {
					res = c.post(path, r.form)
				} else {
					res = c.get(path)
				}
				checked++
				want := r.allow.has(w)
				if allowed(method, res.status, res.loc) != want || (!want && !denied(res.status, res.loc)) {
					violations++
					t.Errorf("%s %s as %s: %d %s, want %s", method, path, whoNames[w], res.status, res.loc, map[bool]string{true: "allowed", false: "denied"}[want])
				}
			}
		}
		t.Logf("authorisation matrix: %d routes × %d kinds of people = %d requests checked, %d violations", len(rows), nWho, checked, violations)
	})
}

func plainMail(u *user.User, path string) (string, string) { return "Tekotori", path }

// matrixRows is the matrix. Paths name fixture values in braces; "deed" is
// a fresh one from the row's fresh function.
func matrixRows(submitted, freshPublished, archived, spareProgrammeAdmin, spareJuror func(*testing.T) map[string]string) []row {
	return []row{
		{pattern: "/", path: "/no-such-page", allow: nobody},
		{pattern: "/api/", path: "/api/v1/deeds", allow: everyone},
		{pattern: "GET /static/", path: "/static/style.css", allow: everyone},
		{pattern: "GET /healthz", path: "/healthz", allow: everyone},
		{pattern: "GET /readyz", path: "/readyz", allow: everyone},
		// Prometheus scrapers send the bearer token; a session is no key.
		{pattern: "GET /metrics", path: "/metrics", allow: nobody},
		{pattern: "GET /{$}", path: "/", allow: everyone},
		{pattern: "GET /lang/{lang}", path: "/lang/sv?next=/", allow: everyone},
		{pattern: "GET /accessibility", path: "/accessibility", allow: everyone},
		// Only with the token of a form this browser kept: nobody without one.
		{pattern: "GET /resume", path: "/resume?token=x", allow: nobody},
		{pattern: "GET /feeds/deeds.atom", path: "/feeds/deeds.atom?sector=sote", allow: everyone},
		{pattern: "GET /sitemap.xml", path: "/sitemap.xml", allow: everyone},
		{pattern: "GET /sitemaps/{name}", path: "/sitemaps/pages.xml", allow: everyone},
		{pattern: "GET /robots.txt", path: "/robots.txt", allow: everyone},

		{pattern: "GET /deeds", path: "/deeds", allow: everyone},
		{pattern: "GET /search", path: "/search?q=kunta", allow: everyone},
		{pattern: "GET /search/suggest", path: "/search/suggest?q=kun", allow: everyone},
		{pattern: "GET /deeds/new", path: "/deeds/new", allow: signedIn},
		{pattern: "POST /deeds/new", path: "/deeds/new", allow: signedIn},
		{pattern: "GET /deeds/{id}", path: "/deeds/{draft}", allow: draftWriters},
		{pattern: "GET /deeds/{id}/{slug}", path: "/deeds/{published}/{slug}", allow: everyone},
		{pattern: "GET /deeds/{id}/edit", path: "/deeds/{draft}/edit", allow: draftWriters},
		{pattern: "POST /deeds/{id}/edit", path: "/deeds/{draft}/edit", allow: draftWriters},
		{pattern: "POST /deeds/{id}/publish", path: "/deeds/{deed}/publish", allow: moderators, fresh: submitted},
		{pattern: "POST /deeds/{id}/return", path: "/deeds/{deed}/return", allow: moderators, fresh: submitted},
		{pattern: "POST /deeds/{id}/archive", path: "/deeds/{deed}/archive", allow: only(orgEditor, orgAdmin, moderator, siteAdmin), fresh: freshPublished},
		{pattern: "POST /deeds/{id}/restore", path: "/deeds/{deed}/restore", allow: moderators, fresh: archived},
		{pattern: "GET /deeds/{id}/revisions", path: "/deeds/{published}/revisions", allow: draftWriters},
		// An image of a draft is the draft's writers' until it is published.
		{pattern: "GET /media/{id}", path: "/media/{image}", allow: draftWriters},
		{pattern: "GET /media/{id}/thumb", path: "/media/{image}/thumb", allow: draftWriters},

		{pattern: "GET /my", path: "/my", allow: signedIn},
		{pattern: "GET /moderation", path: "/moderation", allow: moderators},
		{pattern: "GET /organisations", path: "/organisations", allow: everyone},
		{pattern: "GET /organisations/{code}", path: "/organisations/varkaus", allow: everyone},

		{pattern: "GET /register", path: "/register", allow: everyone},
		{pattern: "POST /register", path: "/register", allow: everyone},
		{pattern: "GET /login", path: "/login", allow: everyone},
		{pattern: "POST /login", path: "/login", allow: everyone},
		{pattern: "POST /logout", path: "/logout", allow: everyone},
		{pattern: "GET /account", path: "/account", allow: signedIn},
		{pattern: "POST /account/membership", path: "/account/membership", allow: signedIn},
		{pattern: "POST /account/profile", path: "/account/profile", allow: signedIn},
		{pattern: "POST /account/password", path: "/account/password", allow: signedIn},
		{pattern: "POST /account/sessions", path: "/account/sessions", allow: signedIn},
		{pattern: "POST /account/delete", path: "/account/delete", allow: signedIn},
		{pattern: "GET /account/data.json", path: "/account/data.json", allow: signedIn},
		// The one-time links: opening one shows its page to whoever has it;
		// using one takes its token, which a request without it lacks.
		{pattern: "GET /login/link", path: "{signin}", allow: everyone},
		{pattern: "POST /login/link", path: "/login/link?token=wrong", allow: nobody},
		{pattern: "GET /account/verify", path: "{verify}", allow: everyone},
		{pattern: "POST /account/verify", path: "/account/verify?token=wrong", allow: nobody},
		{pattern: "GET /account/reset", path: "/account/reset", allow: everyone},
		{pattern: "POST /account/reset", path: "/account/reset", allow: everyone},
		{pattern: "GET /account/reset/confirm", path: "{reset}", allow: everyone},
		{pattern: "POST /account/reset/confirm", path: "/account/reset/confirm?token=wrong", allow: nobody, form: goodPasswords},
		// The second step of signing in needs the cookie the first step
		// sets; without it the page sends back to the first.
		// No provider is configured here, so every provider is unknown
		// (sso_test.go signs in through one).
		{pattern: "GET /login/sso/{provider}", path: "/login/sso/entra", allow: nobody},
		{pattern: "GET /login/sso/{provider}/callback", path: "/login/sso/entra/callback?state=x&code=y", allow: nobody},
		{pattern: "GET /login/2fa", path: "/login/2fa", allow: nobody},
		{pattern: "POST /login/2fa", path: "/login/2fa", allow: nobody},
		{pattern: "GET /account/2fa", path: "/account/2fa", allow: signedIn},
		{pattern: "POST /account/2fa/setup", path: "/account/2fa/setup", allow: signedIn},
		{pattern: "POST /account/2fa/confirm", path: "/account/2fa/confirm", allow: signedIn},
		{pattern: "POST /account/2fa/disable", path: "/account/2fa/disable", allow: signedIn},
		{pattern: "GET /account/invite", path: "{invite}", allow: everyone},
		{pattern: "POST /account/invite", path: "/account/invite?token=wrong", allow: nobody, form: goodPasswords},

		{pattern: "GET /admin", path: "/admin", allow: admins},
		{pattern: "GET /admin/thesaurus", path: "/admin/thesaurus", allow: admins},
		{pattern: "POST /admin/thesaurus", path: "/admin/thesaurus", allow: admins},
		{pattern: "GET /admin/thesaurus/{id}", path: "/admin/thesaurus/{ring}", allow: admins},
		{pattern: "POST /admin/thesaurus/{id}", path: "/admin/thesaurus/{ring}", allow: admins},
		{pattern: "POST /admin/thesaurus/{id}/delete", path: "/admin/thesaurus/{ring}/delete", allow: admins},
		{pattern: "GET /admin/terms", path: "/admin/terms", allow: admins},
		{pattern: "POST /admin/terms", path: "/admin/terms", allow: admins},
		{pattern: "GET /admin/terms/{id}", path: "/admin/terms/{term}", allow: admins},
		{pattern: "POST /admin/terms/{id}", path: "/admin/terms/{term}", allow: admins},
		{pattern: "GET /admin/organisations", path: "/admin/organisations", allow: admins},
		{pattern: "POST /admin/organisations", path: "/admin/organisations", allow: admins},
		{pattern: "GET /admin/organisations/{id}", path: "/admin/organisations/{org}", allow: admins},
		{pattern: "POST /admin/organisations/{id}", path: "/admin/organisations/{org}", allow: admins},
		{pattern: "POST /admin/organisations/{id}/units", path: "/admin/organisations/{org}/units", allow: admins},
		{pattern: "GET /admin/settings", path: "/admin/settings", allow: admins},
		{pattern: "POST /admin/settings", path: "/admin/settings", allow: admins},
		{pattern: "GET /admin/users", path: "/admin/users", allow: admins},
		{pattern: "POST /admin/users/{id}", path: "/admin/users/{other}", allow: admins},
		{pattern: "POST /admin/users/{id}/disable", path: "/admin/users/{other}/disable", allow: admins},
		{pattern: "POST /admin/users/invite", path: "/admin/users/invite", allow: admins},
		{pattern: "GET /admin/members", path: "/admin/members", allow: orgManagers},
		{pattern: "POST /admin/members/requests/{id}", path: "/admin/members/requests/{request}", allow: orgManagers},
		{pattern: "POST /admin/members/users/{id}/role", path: "/admin/members/users/{member}/role", allow: orgManagers},
		{pattern: "GET /admin/audit", path: "/admin/audit", allow: admins},
		{pattern: "GET /admin/audit.csv", path: "/admin/audit.csv", allow: admins},

		// Award campaigns.
		// Lists the programmes the person manages: none, for most.
		{pattern: "GET /admin/campaigns", path: "/admin/campaigns", allow: signedIn},
		{pattern: "POST /admin/campaigns", path: "/admin/campaigns", allow: admins},
		{pattern: "GET /admin/programmes/{id}", path: "/admin/programmes/{programme}", allow: progHere},
		{pattern: "POST /admin/programmes/{id}", path: "/admin/programmes/{programme}", allow: progHere},
		{pattern: "POST /admin/programmes/{id}/admins", path: "/admin/programmes/{programme}/admins", allow: progHere},
		{pattern: "POST /admin/programmes/{id}/admins/{user}/remove", path: "/admin/programmes/{programme}/admins/{spare}/remove", allow: progHere, fresh: spareProgrammeAdmin},
		{pattern: "GET /admin/programmes/{id}/campaigns/new", path: "/admin/programmes/{programme}/campaigns/new", allow: progHere},
		{pattern: "POST /admin/programmes/{id}/campaigns/new", path: "/admin/programmes/{programme}/campaigns/new", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}", path: "/admin/campaigns/{campaign}", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/settings", path: "/admin/campaigns/{campaign}/settings", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/settings", path: "/admin/campaigns/{campaign}/settings", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/categories/new", path: "/admin/campaigns/{campaign}/categories/new", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/categories/new", path: "/admin/campaigns/{campaign}/categories/new", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/categories/{cat}", path: "/admin/campaigns/{campaign}/categories/{category}", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/categories/{cat}", path: "/admin/campaigns/{campaign}/categories/{category}", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/categories/{cat}/delete", path: "/admin/campaigns/{campaign}/categories/{category}/delete", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/categories/{cat}/enrol", path: "/admin/campaigns/{campaign}/categories/{category}/enrol", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/criteria/new", path: "/admin/campaigns/{campaign}/criteria/new", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/criteria/new", path: "/admin/campaigns/{campaign}/criteria/new", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/criteria/{cr}", path: "/admin/campaigns/{campaign}/criteria/{criterion}", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/criteria/{cr}", path: "/admin/campaigns/{campaign}/criteria/{criterion}", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/criteria/{cr}/delete", path: "/admin/campaigns/{campaign}/criteria/{criterion}/delete", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/jury", path: "/admin/campaigns/{campaign}/jury", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/jury/invite", path: "/admin/campaigns/{campaign}/jury/invite", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/jury/assign", path: "/admin/campaigns/{campaign}/jury/assign", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/jury/{user}/remove", path: "/admin/campaigns/{campaign}/jury/{unassigned}/remove", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/jury/{user}/remove", path: "/admin/campaigns/{open}/jury/{spare}/remove", allow: progHere, fresh: spareJuror},
		{pattern: "POST /admin/campaigns/{id}/jury/remind", path: "/admin/campaigns/{campaign}/jury/remind", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/entries/{entry}/reviews/{user}/reopen", path: "/admin/campaigns/{campaign}/entries/{entry}/reviews/{assigned}/reopen", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/reviews/{user}/reopen", path: "/admin/campaigns/{campaign}/entries/{entry}/reviews/{assigned}/reopen", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/entries/{entry}/withdraw", path: "/admin/campaigns/{campaign}/entries/{entry}/withdraw", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/extra-juror", path: "/admin/campaigns/{campaign}/entries/{entry}/extra-juror", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/results/bulk", path: "/admin/campaigns/{campaign}/results/bulk", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/close-judging", path: "/admin/campaigns/{campaign}/close-judging", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/close-judging", path: "/admin/campaigns/{campaign}/close-judging", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/entries/{entry}", path: "/admin/campaigns/{campaign}/entries/{entry}", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/assign", path: "/admin/campaigns/{campaign}/entries/{entry}/assign", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/unassign", path: "/admin/campaigns/{campaign}/entries/{entry}/unassign", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/conflict", path: "/admin/campaigns/{campaign}/entries/{entry}/conflict", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/decision", path: "/admin/campaigns/{campaign}/entries/{entry}/decision", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/feedback", path: "/admin/campaigns/{campaign}/entries/{entry}/feedback", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/entries/{entry}/withdraw", path: "/admin/campaigns/{campaign}/entries/{entry}/withdraw", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/results", path: "/admin/campaigns/{campaign}/results", allow: progHere},
		{pattern: "POST /admin/campaigns/{id}/publish", path: "/admin/campaigns/{campaign}/publish", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/audit", path: "/admin/campaigns/{campaign}/audit", allow: progHere},
		{pattern: "GET /admin/campaigns/{id}/audit.csv", path: "/admin/campaigns/{campaign}/audit.csv", allow: progHere},
		{pattern: "GET /jury", path: "/jury", allow: signedIn},
		// The invitation's token is the key: the page asks for it and a
		// wrong one is refused as a field error (422).
		{pattern: "GET /jury/accept", path: "/jury/accept?token=wrong", allow: signedIn},
		{pattern: "POST /jury/accept", path: "/jury/accept?token=wrong", allow: signedIn},
		{pattern: "GET /jury/entries/{id}", path: "/jury/entries/{entry}", allow: only(jurorAssigned)},
		{pattern: "POST /jury/entries/{id}", path: "/jury/entries/{entry}", allow: only(jurorAssigned)},
		{pattern: "POST /jury/entries/{id}/conflict", path: "/jury/entries/{entry}/conflict", allow: only(jurorAssigned)},
		{pattern: "GET /campaigns/enter", path: "/campaigns/enter", allow: signedIn},
		{pattern: "POST /campaigns/enter", path: "/campaigns/enter", allow: signedIn},
		{pattern: "GET /campaigns/feedback", path: "/campaigns/feedback", allow: signedIn},
		// The deed's author, its organisation's editors and site admins.
		{pattern: "GET /deeds/{id}/enter", path: "/deeds/{published}/enter", allow: deedEnterers},
		{pattern: "POST /deeds/{id}/enter", path: "/deeds/{published}/enter", allow: deedEnterers},
		{pattern: "GET /campaigns", path: "/campaigns", allow: everyone},
		{pattern: "GET /campaigns/{id}", path: "/campaigns/{campaign}", allow: everyone},
		{pattern: "GET /campaigns/{id}/{rest...}", path: "/campaigns/{campaign}/results.json", allow: everyone},
		{pattern: "POST /campaigns/{id}/{rest...}", path: "/campaigns/{campaign}/vote", allow: signedIn},
	}
}

// mustSession makes a session for the account id.
func mustSession(t *testing.T, s *site, id int64) string {
	t.Helper()
	tok, _, err := s.app.Users.CreateSession(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// setSession signs the client in with a session token made for the test.
func (c *client) setSession(token string) {
	u, err := url.Parse(c.base)
	if err != nil {
		c.t.Fatal(err)
	}
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "tekotori_session", Value: token, Path: "/"}})
}

// completeContent fills c with what submitting needs.
func completeContent(c deed.Content) deed.Content {
	c.Summary = "Kotihoidon työvuorot suunnitellaan nyt yhdessä."
	c.Sector, c.Themes, c.ClientGroups, c.Status, c.Year = "sote", []string{"digitalisaatio"}, []string{"ikaantyneet"}, deed.Done, 2023
	c.Need, c.Solution, c.Results = "Käyntejä kasautui aamuihin.", "Otettiin käyttöön toiminnanohjaus.", "Asiakasaika kasvoi."
	c.Contact = deed.Contact{Name: "Aino Testaaja", Email: "aino.testaaja@example.org"}
	return c
}
