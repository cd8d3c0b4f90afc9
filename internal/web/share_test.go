package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

// atomCheck holds an Atom feed to RFC 4287's rules that matter to readers:
// the feed and every entry have an id, a title and an updated date in RFC
// 3339; entries have an alternate link and an author (or the feed does).
type atomCheck struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author *struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Author struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

func checkAtom(t *testing.T, body string) atomCheck {
	t.Helper()
	var f atomCheck
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("feed is not Atom XML: %v", err)
	}
	parse := func(what, v string) {
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			t.Errorf("%s updated %q is not RFC 3339", what, v)
		}
	}
	if f.ID == "" || f.Title == "" {
		t.Errorf("feed id %q title %q", f.ID, f.Title)
	}
	parse("feed", f.Updated)
	self := false
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && l.Href == f.ID)
	}
	if !self {
		t.Error("feed has no self link")
	}
	ids := map[string]bool{}
	for _, e := range f.Entries {
		if e.ID == "" || e.Title == "" || ids[e.ID] {
			t.Errorf("entry id %q title %q", e.ID, e.Title)
		}
		ids[e.ID] = true
		parse("entry "+e.ID, e.Updated)
		alt := false
		for _, l := range e.Links {
			alt = alt || (l.Rel == "alternate" && strings.HasPrefix(l.Href, "http"))
		}
		if !alt {
			t.Errorf("entry %s has no alternate link", e.ID)
		}
		if e.Author.Name == "" && (f.Author == nil || f.Author.Name == "") {
			t.Errorf("entry %s has no author", e.ID)
		}
	}
	return f
}

func TestFeedsSitemapAndSharing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()

		// The feed of all new deeds, and of a search with a filter.
		r := c.get("/feeds/deeds.atom")
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Fatalf("content type %q", ct)
		}
		all := checkAtom(t, r.body)
		if len(all.Entries) < 40 {
			t.Fatalf("%d entries in the feed of all deeds", len(all.Entries))
		}
		r = c.get("/feeds/deeds.atom?sector=opetus&q=oppilas")
		wantStatus(t, r, http.StatusOK)
		some := checkAtom(t, r.body)
		if len(some.Entries) == 0 || len(some.Entries) >= len(all.Entries) {
			t.Fatalf("%d entries for a search, %d in all", len(some.Entries), len(all.Entries))
		}
		if !strings.Contains(some.Title, "oppilas") {
			t.Errorf("feed title %q does not name the search", some.Title)
		}
		// The search page links its feed.
		page := c.get("/search?sector=opetus&q=oppilas")
		mustContain(t, page.body, `rel="alternate" type="application/atom+xml" href="/feeds/deeds.atom?q=oppilas&amp;sector=opetus"`)

		// The sitemap lists every public deed; robots.txt names it.
		r = c.get("/robots.txt")
		mustContain(t, r.body, "Sitemap: http://tekotori.test/sitemap.xml", "Disallow: /admin")
		r = c.get("/sitemap.xml")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "<sitemapindex", "http://tekotori.test/sitemaps/pages.xml", "http://tekotori.test/sitemaps/deeds-1.xml")
		r = c.get("/sitemaps/deeds-1.xml")
		wantStatus(t, r, http.StatusOK)
		var set struct {
			URLs []struct {
				Loc string `xml:"loc"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(r.body), &set); err != nil {
			t.Fatal(err)
		}
		var public int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM deeds WHERE state IN ('published', 'archived')`).Scan(&public); err != nil {
			t.Fatal(err)
		}
		if len(set.URLs) != public {
			t.Fatalf("sitemap has %d deeds, the bank %d", len(set.URLs), public)
		}
		wantStatus(t, c.get("/sitemaps/deeds-2.xml"), http.StatusNotFound)
		mustContain(t, c.get("/sitemaps/pages.xml").body, "http://tekotori.test/organisations/kangasala")

		// A deed page previews well: description, Open Graph, JSON-LD that
		// parses as schema.org data.
		page = c.get(strings.TrimPrefix(set.URLs[0].Loc, "http://tekotori.test"))
		mustContain(t, page.body, `<meta name="description"`, `<meta property="og:title"`, `<meta property="og:type" content="article">`,
			`<link rel="canonical" href="http://tekotori.test/deeds/`)
		m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no JSON-LD on the deed page")
		}
		var ld map[string]any
		if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
			t.Fatalf("JSON-LD does not parse: %v: %s", err, m[1])
		}
		if ld["@type"] != "CreativeWork" || ld["name"] == "" || ld["author"] == nil {
			t.Fatalf("JSON-LD %v", ld)
		}
		page = c.get("/organisations/kangasala")
		mustContain(t, page.body, `href="/feeds/deeds.atom?organisation=kangasala"`, `"@type":"GovernmentOrganization"`)
	})
}

// A renamed organisation shows its new name in the search facets at once
// on the node that renamed it.
func TestFacetNamesFollowRenames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		o, err := s.app.Orgs.Create(ctx, user.System(), org.Input{Kind: org.KindCompany, NameFI: "Vanhanimi Oy", MunicipalityCode: "211"})
		if err != nil {
			t.Fatal(err)
		}
		member := s.addUser("a@example.org", user.RoleMember, "")
		member.OrgID = o.ID
		if _, err := db.Exec(ctx, `UPDATE users SET org_id = ? WHERE id = ?`, o.ID, member.ID); err != nil {
			t.Fatal(err)
		}
		mod := s.addUser("m@example.org", user.RoleModerator, "")
		servicePublishedDeed(t, s, member, mod, "Yhtiön teko")
		c := s.client()
		mustContain(t, c.get("/search").body, "Vanhanimi Oy")
		if _, err := s.app.Orgs.Update(ctx, user.System(), o.ID, org.Input{Code: o.Code, Kind: org.KindCompany, NameFI: "Uusinimi Oy", MunicipalityCode: "211"}); err != nil {
			t.Fatal(err)
		}
		page := c.get("/search")
		mustContain(t, page.body, "Uusinimi Oy")
		mustNotContain(t, page.body, "Vanhanimi Oy")
	})
}

// Static files cost no session lookup: with the database gone, a signed-in
// browser still gets them without a failed lookup in the log.
func TestStaticFilesNeedNoSession(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite)
	var logs strings.Builder
	a, err := app.New(context.Background(), db, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	u, err := a.Users.Create(context.Background(), user.NewUser{Email: "a@example.org", Name: "A", Password: testPassword, Role: user.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Users.CreateSession(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(a, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	db.Close()
	for _, path := range []string{"/static/style.css", "/"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: "tekotori_session", Value: token})
		h.ServeHTTP(rec, req)
		failed := strings.Contains(logs.String(), "session lookup failed")
		if path == "/static/style.css" && (rec.Code != http.StatusOK || failed) {
			t.Fatalf("static file: %d, lookup failed in log: %v", rec.Code, failed)
		}
		if path == "/" && !failed {
			t.Fatal("a page does look the session up (the control of this test)")
		}
	}
}

// The one audit log shows moderators' decisions and the award campaigns'
// log beside the site admins' own lines, filterable by source.
func TestOneAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		if _, err := demo.Fill(ctx, s.app); err != nil {
			t.Fatal(err)
		}
		member := s.addUser("kirjoittaja@example.org", user.RoleMember, "kangasala")
		mod := s.addNamed("mod-audit@example.org", "Moona Moderoija", user.RoleModerator, "")
		servicePublishedDeed(t, s, member, mod, "Auditoitava teko")
		s.addUser("yllapito@example.org", user.RoleAdmin, "")
		admin := s.client()
		admin.login("yllapito@example.org")
		rows := func(body string) string {
			i := strings.Index(body, "<tbody>")
			if i < 0 {
				t.Fatal("no table of lines")
			}
			return body[i:]
		}
		page := admin.get("/admin/audit")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, rows(page.body), "<td>Moona Moderoija</td><td>Teko julkaistu</td>", "<td>Palkintokilpailu:")
		page = admin.get("/admin/audit?action=deed_published")
		mustContain(t, rows(page.body), "<td>Teko julkaistu</td>")
		mustNotContain(t, rows(page.body), "<td>Palkintokilpailu:")
		page = admin.get("/admin/audit?action=" + url.QueryEscape("campaign_*"))
		mustContain(t, rows(page.body), "<td>Palkintokilpailu:")
		mustNotContain(t, rows(page.body), "<td>Teko julkaistu</td>")
		csv := admin.get("/admin/audit.csv?action=deed_published")
		mustContain(t, csv.body, "deed_published", "Moona Moderoija")
	})
}
