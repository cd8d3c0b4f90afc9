package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/housekeeping"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

// servicePublishedDeed writes, submits and publishes a complete deed through the
// services, for tests about what happens to it afterwards.
func servicePublishedDeed(t *testing.T, s *site, author, moderator *user.User, title string) *deed.Deed {
	t.Helper()
	ctx := context.Background()
	c := deed.Content{Lang: "fi", Title: title, Summary: "Kotihoidon työvuorot suunnitellaan nyt yhdessä.", OrgID: author.OrgID,
		Sector: "sote", Themes: []string{"digitalisaatio"}, ClientGroups: []string{"ikaantyneet"}, Status: deed.Done, Year: 2023,
		Need: "Käyntejä kasautui aamuihin.", Solution: "Otettiin käyttöön toiminnanohjaus.", Results: "Asiakasaika kasvoi.",
		Contact: deed.Contact{Name: "Aino Testaaja", Email: "aino.testaaja@example.org"}}
	d, err := s.app.Deeds.Create(ctx, author, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Deeds.Submit(ctx, author, d.ID, c); err != nil {
		t.Fatal(err)
	}
	d, err = s.app.Deeds.Publish(ctx, moderator, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func deedTitle(t *testing.T, s *site, id int64) string {
	t.Helper()
	d, err := s.app.Deeds.Get(context.Background(), &user.User{ID: -1, Role: user.RoleAdmin}, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Title
}

// A form kept over an expired session comes back only in the browser that
// posted it, and only to be looked over: following a link never saves it.
func TestResumedFormIsNotSavedByALink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		member := s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		modUser := s.addUser("moderaattori@example.org", user.RoleModerator, "")
		d := servicePublishedDeed(t, s, member, modUser, "Kotihoidon toiminnanohjaus")
		edit := "/deeds/" + itoa(d.ID) + "/edit"

		// A stranger, signed out, posts an edit of the published deed.
		stranger := s.client()
		form := completeDeed(member.OrgID, "Vieraan kirjoittama otsikko")
		form.Set("action", "save")
		r := stranger.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		q, _ := url.ParseQuery(strings.SplitN(r.loc, "?", 2)[1])
		token := q.Get("resume")
		if token == "" {
			t.Fatalf("no kept form: %q", r.loc)
		}

		// A signed-in moderator lured to the resume link gets nothing.
		mod := s.client()
		mod.login("moderaattori@example.org")
		r = mod.get(edit + "?resume=" + token)
		wantStatus(t, r, http.StatusSeeOther)
		page := mod.follow(r)
		mustNotContain(t, page.body, "Vieraan kirjoittama otsikko")
		if got := deedTitle(t, s, d.ID); got != "Kotihoidon toiminnanohjaus" {
			t.Fatalf("the link changed the deed: title %q", got)
		}
		// Posting the token from another browser claims nothing either.
		form.Set("resume", token)
		form.Set("title", "Moderaattorin oma otsikko")
		r = mod.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		if got := deedTitle(t, s, d.ID); got != "Moderaattorin oma otsikko" {
			t.Fatalf("moderator's own save: title %q", got)
		}

		// The browser that posted it, once signed in, sees the form filled in
		// and unsaved, and saves it with a POST.
		author := s.client()
		form = completeDeed(member.OrgID, "Tekijän kirjoittama otsikko")
		form.Set("action", "save")
		r = author.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		q, _ = url.ParseQuery(strings.SplitN(r.loc, "?", 2)[1])
		r = author.post("/login", url.Values{"email": {"jasen@example.org"}, "password": {testPassword}, "next": {q.Get("next")}, "resume": {q.Get("resume")}})
		wantStatus(t, r, http.StatusSeeOther)
		page = author.follow(r)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, `value="Tekijän kirjoittama otsikko"`, `name="resume"`, "Mitään ei ole vielä tallennettu")
		if got := deedTitle(t, s, d.ID); got != "Moderaattorin oma otsikko" {
			t.Fatalf("showing the kept form changed the deed: title %q", got)
		}
		// Reloading shows it again: a GET uses nothing up.
		mustContain(t, author.get(edit+"?resume="+q.Get("resume")).body, `value="Tekijän kirjoittama otsikko"`)
		form.Set("resume", q.Get("resume"))
		r = author.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		// A member's edit of a published deed waits for a moderator.
		got, err := s.app.Deeds.Get(context.Background(), member, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Pending == nil || got.Pending.Title != "Tekijän kirjoittama otsikko" {
			t.Fatalf("the author's save did not keep the edit: %+v", got.Pending)
		}
		// Used once: the link shows nothing now.
		wantStatus(t, author.get(edit+"?resume="+q.Get("resume")), http.StatusSeeOther)
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// A draft edited after the session expired keeps what was typed, as new
// and published deeds do.
func TestExpiredSessionKeepsDraftEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		member := s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		d, err := s.app.Deeds.Create(context.Background(), member, deed.Content{Lang: "fi", Title: "Luonnos", OrgID: member.OrgID})
		if err != nil {
			t.Fatal(err)
		}
		edit := "/deeds/" + itoa(d.ID) + "/edit"
		c := s.client()
		form := completeDeed(member.OrgID, "Luonnos, jatkettu istunnon vanhettua")
		form.Set("action", "save")
		r := c.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login?") || !strings.Contains(r.loc, "resume=") {
			t.Fatalf("the edit was not kept: went to %q", r.loc)
		}
		q, _ := url.ParseQuery(strings.SplitN(r.loc, "?", 2)[1])
		r = c.post("/login", url.Values{"email": {"jasen@example.org"}, "password": {testPassword}, "next": {q.Get("next")}, "resume": {q.Get("resume")}})
		wantStatus(t, r, http.StatusSeeOther)
		page := c.follow(r)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, `value="Luonnos, jatkettu istunnon vanhettua"`, "Otettiin käyttöön toiminnanohjaus.")
		form.Set("resume", q.Get("resume"))
		wantStatus(t, c.postMultipart(edit, form), http.StatusSeeOther)
		if got := deedTitle(t, s, d.ID); got != "Luonnos, jatkettu istunnon vanhettua" {
			t.Fatalf("title %q", got)
		}
	})
}

// A form that fails validation lists only uploads its writer may see: an
// image_id of someone else's private upload shows neither name nor size.
func TestFailingFormHidesOthersUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		s.addUser("b@example.org", user.RoleMember, "kangasala")
		a, b := s.client(), s.client()
		a.login("a@example.org")
		b.login("b@example.org")
		// A's form fails (no title), so the image stays A's, on no deed.
		r := a.postMultipart("/deeds/new", url.Values{"year": {"20x4"}, "action": {"save"}},
			upload{"image_upload", "salainen-suunnitelma.png", pngBytes(t, 40, 30)})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		m := regexp.MustCompile(`name="image_id" value="(\d+)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("A's own form does not list the upload: %s", snippet(r.body))
		}
		mustContain(t, r.body, "salainen-suunnitelma.png")
		// B posts a failing form naming A's upload.
		r = b.postMultipart("/deeds/new", url.Values{"year": {"20x4"}, "action": {"save"}, "image_id": {m[1]}, "image_caption": {""}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustNotContain(t, r.body, "salainen-suunnitelma.png", `name="image_id" value="`+m[1]+`"`)
	})
}

func mediaCount(t *testing.T, s *site) int {
	t.Helper()
	var n int
	if err := s.app.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM media`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Signed out, a post keeps no more files than a deed can have, one address
// keeps only so many forms an hour, and what nobody claims is cleaned up.
func TestSignedOutPostsCannotFillTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		c := s.client()
		var files []upload
		for range 30 {
			files = append(files, upload{"image_upload", "kuva.png", pngBytes(t, 8, 8)})
		}
		r := c.postMultipart("/deeds/new", url.Values{"title": {"Täynnä kuvia"}}, files...)
		wantStatus(t, r, http.StatusSeeOther)
		if n := mediaCount(t, s); n != deed.MaxImages {
			t.Fatalf("%d images kept from one signed-out post, want %d", n, deed.MaxImages)
		}
		// The address may leave a few forms, then is told to wait.
		for i := 1; i < 10; i++ {
			wantStatus(t, c.post("/deeds/new", url.Values{"title": {"Lomake"}}), http.StatusSeeOther)
		}
		r = c.post("/deeds/new", url.Values{"title": {"Yksi liikaa"}})
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "Liian monta pyyntöä")
		if r.header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		// Nobody came back: a day later the housekeeping removes the kept
		// forms and their uploads.
		ctx := context.Background()
		old := store.Now().Add(-26 * time.Hour)
		for _, table := range []string{"media", "form_stash"} {
			if _, err := db.Exec(ctx, `UPDATE `+table+` SET created_at = ?`, old); err != nil {
				t.Fatal(err)
			}
		}
		srv, err := web.New(s.app, web.Options{})
		if err != nil {
			t.Fatal(err)
		}
		runner := housekeeping.New(db, nil, append(s.app.HousekeepingJobs(), srv.HousekeepingJobs()...)...)
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		var kept int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM form_stash`).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if n := mediaCount(t, s); n != 0 || kept != 0 {
			t.Fatalf("after housekeeping: %d uploads and %d kept forms left", n, kept)
		}
	})
}

// A signed-in form refuses files past a deed's limit before storing them.
func TestImageLimitCheckedBeforeStoring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		c.login("a@example.org")
		var files []upload
		for range 20 {
			files = append(files, upload{"image_upload", "kuva.png", pngBytes(t, 8, 8)})
		}
		r := c.postMultipart("/deeds/new", url.Values{"title": {"Kuvia"}, "action": {"save"}}, files...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "enintään 12")
		if n := mediaCount(t, s); n != deed.MaxImages {
			t.Fatalf("%d images stored, want %d", n, deed.MaxImages)
		}
	})
}

// Neither the language switch nor sign-in sends anyone off the site, however
// the address is dressed up.
func TestNoOpenRedirect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		bad := []string{"//evil.example", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "/\\/evil.example",
			"\t//evil.example", "/ /evil.example", "https://evil.example", "/\x00/evil.example", "/\u3000/evil.example",
			"///evil.example", "/\r\n/evil.example", "/.\t/evil.example"}
		for _, next := range bad {
			c := s.client()
			if r := c.get("/lang/fi?next=" + url.QueryEscape(next)); r.loc != "/" {
				t.Errorf("language switch with next %q went to %q", next, r.loc)
			}
			r := c.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}, "next": {next}})
			if r.loc != "/" {
				t.Errorf("sign-in with next %q went to %q", next, r.loc)
			}
		}
		// A path of the site's own, with its query, is kept.
		if r := s.client().get("/lang/sv?next=" + url.QueryEscape("/search?q=kotihoito&sector=sote")); r.loc != "/search?q=kotihoito&sector=sote" {
			t.Errorf("own path went to %q", r.loc)
		}
	})
}

// A huge form without files is refused before any handler parses it.
func TestOversizedPlainFormRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		c.login("a@example.org")
		big := url.Values{"title": {"Iso"}, "need": {strings.Repeat("a", 5<<20)}}
		for _, path := range []string{"/deeds/new", "/login", "/register"} {
			r := c.post(path, big)
			wantStatus(t, r, http.StatusRequestEntityTooLarge)
		}
		if n := mediaCount(t, s); n != 0 {
			t.Fatalf("%d uploads", n)
		}
		// A form of ordinary size still goes through.
		r := c.post("/deeds/new", url.Values{"title": {"Tavallinen"}, "org": {itoa(orgID(t, s, "kangasala"))}, "lang": {"fi"}, "action": {"save"}, "need": {strings.Repeat("a", 4000)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("%d: %s", r.status, r.body[strings.Index(r.body, "error-summary"):][:800])
		}
	})
}

// Behind TLS the site asks browsers to keep to it; the static files are
// not listed; a file name with a control character loses nothing.
func TestHeadersStaticAndFileNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		for _, p := range []string{"/static/", "/static/../static/", "/static"} {
			r := c.get(p)
			if r.status == http.StatusOK {
				t.Errorf("%s: %d %s", p, r.status, snippet(r.body))
			}
			mustNotContain(t, r.body, `href="style.css"`, `href="suggest.js"`)
		}
		wantStatus(t, c.get("/static/style.css"), http.StatusOK)
		if h := c.get("/").header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("HSTS over plain http: %q", h)
		}
		tls, err := web.New(s.app, web.Options{BaseURL: "https://tekotori.example.org", SecureCookies: true})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		tls.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if h := rec.Header().Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
			t.Errorf("no HSTS behind TLS: %q", h)
		}

		c.login("a@example.org")
		form := url.Values{"title": {"Kuva ohjausmerkillä"}, "org": {itoa(orgID(t, s, "kangasala"))}, "lang": {"fi"}, "action": {"save"}}
		r := c.postMultipart("/deeds/new", form, upload{"image_upload", "kuva\x01\x7f\u200b.png", pngBytes(t, 20, 20)})
		wantStatus(t, r, http.StatusSeeOther)
		page := c.follow(r)
		mustContain(t, page.body, `value="Kuva ohjausmerkillä"`, `name="image_id"`)
	})
}

// Four eyes: a moderator who rewrites a submitted deed cannot publish it
// themselves; another moderator can.
func TestModeratorCannotPublishWhatTheyRewrote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		s.addUser("mod1@example.org", user.RoleModerator, "")
		s.addUser("mod2@example.org", user.RoleModerator, "")
		member, mod1, mod2 := s.client(), s.client(), s.client()
		member.login("jasen@example.org")
		mod1.login("mod1@example.org")
		mod2.login("mod2@example.org")
		form := completeDeed(orgID(t, s, "kangasala"), "Jäsenen kirjoittama teko")
		form.Set("action", "submit")
		form.Set("not_duplicate", "1")
		r := member.postMultipart("/deeds/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		id := deedID(t, r.loc)

		// Moderator 1 rewrites it while it waits, then tries to publish.
		form.Set("title", "Moderaattorin uudelleen kirjoittama teko")
		form.Set("action", "save")
		wantStatus(t, mod1.postMultipart("/deeds/"+id+"/edit", form), http.StatusSeeOther)
		mustNotContain(t, mod1.follow(mod1.get("/deeds/"+id)).body, `action="/deeds/`+id+`/publish"`)
		wantStatus(t, mod1.post("/deeds/"+id+"/publish", nil), http.StatusForbidden)
		// Moderator 2 reads it and may publish.
		mustContain(t, mod2.follow(mod2.get("/deeds/"+id)).body, `action="/deeds/`+id+`/publish"`)
		wantStatus(t, mod2.post("/deeds/"+id+"/publish", nil), http.StatusSeeOther)
	})
}

// Wrong passwords slow down the next attempt, whatever it is, before any
// hashing; after the wait the right password works.
func TestSignInBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		for i := range 6 {
			r := c.post("/login", url.Values{"email": {"a@example.org"}, "password": {"väärin-" + itoa(int64(i))}})
			wantStatus(t, r, http.StatusUnauthorized)
		}
		r := c.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}})
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "Liian monta epäonnistunutta kirjautumista", `value="a@example.org"`)
		if r.header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		time.Sleep(1100 * time.Millisecond)
		wantStatus(t, c.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}}), http.StatusSeeOther)
	})
}

// deedContent is a draft's content for tests that need one.
func deedContent(orgID int64, title string) deed.Content {
	return deed.Content{Lang: "fi", Title: title, OrgID: orgID}
}

// Searching is limited per client address: past the limit the page and
// the API say when to try again.
func TestSearchLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newSite(t, db).app
		srv, err := web.New(a, web.Options{SearchPerMinute: 8})
		if err != nil {
			t.Fatal(err)
		}
		h := srv.Handler()
		get := func(path string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.RemoteAddr = "203.0.113.7:4000"
			h.ServeHTTP(rec, req)
			return rec
		}
		for i := range 8 {
			if rec := get("/search?q=kotihoito"); rec.Code != http.StatusOK {
				t.Fatalf("search %d: %d", i, rec.Code)
			}
		}
		if rec := get("/search?q=kotihoito"); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("past the limit: %d", rec.Code)
		}
		rec := get("/api/v1/deeds?q=kotihoito")
		if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), `"rate_limited"`) {
			t.Fatalf("API past the limit: %d %s", rec.Code, rec.Body.String())
		}
		// Other pages and other clients are not held back.
		if rec := get("/"); rec.Code != http.StatusOK {
			t.Fatalf("home page: %d", rec.Code)
		}
		other := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/search?q=kotihoito", nil)
		req.RemoteAddr = "198.51.100.9:4000"
		h.ServeHTTP(other, req)
		if other.Code != http.StatusOK {
			t.Fatalf("another client: %d", other.Code)
		}
	})
}

// Uploads past an address's hourly count are refused, the form kept.
func TestUploadLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		c.login("a@example.org")
		// This address has used up its hour already.
		if _, err := db.Exec(context.Background(), `INSERT INTO throttle (name, hits, window_start, blocked_until) VALUES (?, ?, ?, 0)`,
			"upload-client:127.0.0.1", 300, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"title": {"Kuvallinen"}, "org": {itoa(orgID(t, s, "kangasala"))}, "lang": {"fi"}, "action": {"save"}}
		r := c.postMultipart("/deeds/new", form, upload{"image_upload", "kuva.png", pngBytes(t, 20, 20)})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Liian monta tiedostoa", `value="Kuvallinen"`)
		if n := mediaCount(t, s); n != 0 {
			t.Fatalf("%d uploads stored past the limit", n)
		}
	})
}

// /readyz says ready only with the database answering at this build's
// schema and the index built.
func TestReadyz(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		c := s.client()
		r := c.get("/readyz")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "ready")
		if _, err := db.Exec(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'tuleva.sql', '2030-01-01')`); err != nil {
			t.Fatal(err)
		}
		r = c.get("/readyz")
		wantStatus(t, r, http.StatusServiceUnavailable)
		mustContain(t, r.body, "schema 9999")
		wantStatus(t, c.get("/healthz"), http.StatusOK)
	})
}

// /metrics answers only a scraper with the token, and counts requests by
// route pattern.
func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newSite(t, db).app
		srv, err := web.New(a, web.Options{MetricsToken: "salainen-mittari"})
		if err != nil {
			t.Fatal(err)
		}
		h := srv.Handler()
		do := func(path, auth string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			h.ServeHTTP(rec, req)
			return rec
		}
		do("/search?q=kotihoito", "")
		do("/deeds/12345", "")
		if rec := do("/metrics", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("metrics without the token: %d", rec.Code)
		}
		if rec := do("/metrics", "Bearer väärä"); rec.Code != http.StatusNotFound {
			t.Fatalf("metrics with a wrong token: %d", rec.Code)
		}
		rec := do("/metrics", "Bearer salainen-mittari")
		if rec.Code != http.StatusOK {
			t.Fatalf("metrics: %d", rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{`tekotori_http_requests_total{code="200",method="GET",route="GET /search"} 1`,
			`tekotori_http_requests_total{code="404",method="GET",route="GET /deeds/{id}"} 1`,
			"tekotori_http_request_duration_seconds_bucket", "tekotori_search_index_deeds", "tekotori_mail_queue 0",
			"go_sql_open_connections", "go_goroutines"} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

// Every answer carries a request id, a sane one from a proxy is kept, and
// the request's log lines carry it.
func TestRequestID(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite)
	var logs strings.Builder
	log := slog.New(web.LogHandler(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	a, err := app.New(context.Background(), db, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.StartSearch(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv, err := web.New(a, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if id := rec.Header().Get("X-Request-Id"); len(id) != 16 {
		t.Fatalf("request id %q", id)
	}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/ei-ole", nil)
	req.Header.Set("X-Request-Id", "proxy-abc-123")
	h.ServeHTTP(rec, req)
	if id := rec.Header().Get("X-Request-Id"); id != "proxy-abc-123" {
		t.Fatalf("request id %q", id)
	}
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Request-Id", "<script>")
	h.ServeHTTP(rec, req)
	if id := rec.Header().Get("X-Request-Id"); id == "<script>" {
		t.Fatal("an unsafe request id was kept")
	}
	if !strings.Contains(logs.String(), `"request_id":"proxy-abc-123"`) {
		t.Fatalf("the request's log line lacks its id: %s", logs.String())
	}
}
