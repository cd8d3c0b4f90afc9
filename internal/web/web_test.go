package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

const testPassword = "salasana-testi-1"

type site struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
}

func newSite(t *testing.T, db *store.DB) *site {
	t.Helper()
	a, err := app.New(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.StartSearch(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s, err := web.New(a, web.Options{BaseURL: "http://tekotori.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &site{t: t, app: a, srv: srv}
}

// addUser creates an account directly; signing in goes through the form.
func (s *site) addUser(email string, role user.Role, orgCode string) *user.User {
	s.t.Helper()
	ctx := context.Background()
	var orgID int64
	if orgCode != "" {
		o, err := s.app.Orgs.ByCode(ctx, orgCode)
		if err != nil {
			s.t.Fatal(err)
		}
		orgID = o.ID
	}
	u, err := s.app.Users.Create(ctx, user.NewUser{Email: email, Name: "Testi " + string(role), Password: testPassword, Role: role, OrgID: orgID, Lang: "fi"})
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

type client struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func (s *site) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, base: s.srv.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	status int
	body   string
	loc    string
	header http.Header
}

func (c *client) do(req *http.Request) resp {
	c.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(b), loc: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) resp {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) resp {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

type upload struct {
	field, name string
	data        []byte
}

func (c *client) postMultipart(path string, form url.Values, files ...upload) resp {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// follow GETs where a redirect points.
func (c *client) follow(r resp) resp {
	c.t.Helper()
	if r.status != http.StatusSeeOther && r.status != http.StatusFound && r.status != http.StatusMovedPermanently {
		c.t.Fatalf("expected a redirect, got %d: %s", r.status, snippet(r.body))
	}
	return c.get(r.loc)
}

func (c *client) login(email string) {
	c.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", email, r.status, snippet(r.body))
	}
}

func snippet(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}

func mustContain(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("page lacks %q:\n%s", p, snippet(body))
		}
	}
}

func mustNotContain(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Fatalf("page has %q but should not", p)
		}
	}
}

func wantStatus(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, snippet(r.body))
	}
}

var deedPath = regexp.MustCompile(`^/deeds/(\d+)/`)

func deedID(t *testing.T, loc string) string {
	t.Helper()
	m := deedPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no deed id in %q", loc)
	}
	return m[1]
}

// completeDeed is a form that passes every check of submission.
func completeDeed(orgID int64, title string) url.Values {
	return url.Values{
		"title": {title}, "summary": {"Kotihoidon työvuorot suunnitellaan nyt yhdessä, ja asiakaskäynnit jakautuvat tasaisemmin."},
		"org": {fmt.Sprint(orgID)}, "lang": {"fi"}, "sector": {"sote"}, "themes": {"tyon-organisointi", "digitalisaatio"},
		"client_groups": {"ikaantyneet"}, "status": {"done"}, "year": {"2023"},
		"need": {"Kotihoidon käyntejä kasautui aamuihin."}, "solution": {"Otettiin käyttöön toiminnanohjaus."},
		"results": {"Välitön asiakasaika kasvoi 12 %."}, "lessons": {"Alussa aikataulu oli liian tiukka."},
		"contact_name": {"Aino Testaaja"}, "contact_title": {"Kotihoidon päällikkö"}, "contact_email": {"aino.testaaja@example.org"},
		"contact_public": {"1"}, "link_url": {"https://example.org/kotihoito", ""}, "link_title": {"Esittely", ""}, "link_kind": {"", ""},
	}
}

func orgID(t *testing.T, s *site, code string) int64 {
	o, err := s.app.Orgs.ByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// TestDeedLifecycle walks a deed from draft to publication the way people
// do it in the browser: a member writes, a moderator returns it with a
// reason, the member fixes it, the moderator publishes, anyone reads it,
// an edit waits for approval, and the deed is archived and restored.
func TestDeedLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("jasen@example.org", user.RoleMember, "kangasala")
		s.addUser("moderaattori@example.org", user.RoleModerator, "")
		kangasala := orgID(t, s, "kangasala")

		member := s.client()
		member.login("jasen@example.org")

		// A draft can be saved with almost nothing in it.
		r := member.postMultipart("/deeds/new", url.Values{"title": {"Kotihoidon toiminnanohjaus"}, "org": {fmt.Sprint(kangasala)}, "lang": {"fi"}, "action": {"save"}})
		wantStatus(t, r, http.StatusSeeOther)
		edit := strings.SplitN(r.loc, "?", 2)[0]
		page := member.follow(r)
		mustContain(t, page.body, "Tallennettu.", `value="Kotihoidon toiminnanohjaus"`)

		// Submitting it incomplete names every missing field and keeps what was typed.
		r = member.postMultipart(edit, url.Values{"title": {"Kotihoidon toiminnanohjaus"}, "org": {fmt.Sprint(kangasala)}, "lang": {"fi"},
			"need": {"Käynnit kasautuivat aamuihin."}, "action": {"submit"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Lomakkeessa on korjattavaa", `href="#f-summary"`, `href="#f-sector"`, `href="#f-themes"`,
			`href="#f-contact_email"`, "Käynnit kasautuivat aamuihin.", `aria-invalid="true"`)

		// Complete, it goes to moderation.
		form := completeDeed(kangasala, "Kotihoidon toiminnanohjaus")
		form.Set("action", "submit")
		r = member.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		id := deedID(t, r.loc)
		page = member.follow(r)
		mustContain(t, page.body, "lähetetty moderoitavaksi", "Odottaa moderointia")

		// Not public yet; the author cannot publish it.
		anon := s.client()
		wantStatus(t, anon.get("/deeds/"+id+"/kotihoidon-toiminnanohjaus"), http.StatusNotFound)
		wantStatus(t, member.post("/deeds/"+id+"/publish", nil), http.StatusForbidden)
		mustNotContain(t, anon.get("/deeds").body, "Kotihoidon toiminnanohjaus")

		// The moderator sees it in the queue and returns it; a reason is required.
		mod := s.client()
		mod.login("moderaattori@example.org")
		mustContain(t, mod.get("/moderation").body, "Kotihoidon toiminnanohjaus")
		r = mod.post("/deeds/"+id+"/return", url.Values{"reason": {"  "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tämä tieto tarvitaan.")
		r = mod.post("/deeds/"+id+"/return", url.Values{"reason": {"Lisää tuloksiin luvut ennen ja jälkeen."}, "from": {"moderation"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, mod.follow(r).body, "Teko on palautettu tekijälle.")

		// The author sees the reason on the edit form, fixes and resubmits.
		page = member.get(edit)
		mustContain(t, page.body, "Moderaattorin palaute", "Lisää tuloksiin luvut ennen ja jälkeen.", "Palautettu korjattavaksi")
		form.Set("results", "Välitön asiakasaika kasvoi 38 %:sta 50 %:iin.")
		r = member.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)

		// The moderator publishes; anyone reads it.
		r = mod.post("/deeds/"+id+"/publish", nil)
		wantStatus(t, r, http.StatusSeeOther)
		page = anon.get("/deeds/" + id + "/kotihoidon-toiminnanohjaus")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Kotihoidon toiminnanohjaus", "38 %:sta 50 %:iin", "Aino Testaaja", "aino.testaaja@example.org",
			"Kangasala", "Pirkanmaa", "Sosiaali- ja terveyspalvelut", "Ikääntyneet", "Tarve ja tavoitteet", "Opit")
		mustContain(t, anon.get("/deeds").body, "Kotihoidon toiminnanohjaus")
		mustContain(t, anon.get("/organisations/kangasala").body, "Kotihoidon toiminnanohjaus")
		wantStatus(t, anon.get("/deeds/"+id), http.StatusMovedPermanently)

		// An edit of the published deed waits; the published version stays.
		form.Set("title", "Kotihoidon toiminnanohjaus ja reititys")
		form.Set("action", "save")
		r = member.postMultipart(edit, form)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, member.follow(r).body, "Muutokset on lähetetty hyväksyttäviksi")
		page = anon.get("/deeds/" + id + "/kotihoidon-toiminnanohjaus")
		mustContain(t, page.body, "<h1>Kotihoidon toiminnanohjaus</h1>")
		mustNotContain(t, page.body, "reititys")
		mustContain(t, mod.get("/moderation").body, "muutos julkaistuun tekoon")
		wantStatus(t, member.post("/deeds/"+id+"/publish", nil), http.StatusForbidden)
		r = mod.post("/deeds/"+id+"/publish", nil)
		wantStatus(t, r, http.StatusSeeOther)
		page = anon.follow(anon.get("/deeds/" + id))
		mustContain(t, page.body, "<h1>Kotihoidon toiminnanohjaus ja reititys</h1>")

		// Every change is a revision the moderator can read.
		page = mod.get("/deeds/" + id + "/revisions")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Luotu", "Lähetetty moderoitavaksi", "Palautettu tekijälle", "Lisää tuloksiin luvut", "Julkaistu",
			"Muutokset ehdotettu", "Muutokset hyväksytty", "Otsikko")
		wantStatus(t, anon.get("/deeds/"+id+"/revisions"), http.StatusSeeOther)

		// Archived deeds leave the listings but stay readable; restore brings them back.
		wantStatus(t, mod.post("/deeds/"+id+"/archive", nil), http.StatusSeeOther)
		mustNotContain(t, anon.get("/deeds").body, "reititys")
		page = anon.follow(anon.get("/deeds/" + id))
		mustContain(t, page.body, "Tila: Arkistoitu")
		wantStatus(t, mod.post("/deeds/"+id+"/restore", nil), http.StatusSeeOther)
		mustContain(t, anon.get("/deeds").body, "reititys")
		// Restoring twice is refused as a conflict, not an error.
		wantStatus(t, mod.post("/deeds/"+id+"/restore", nil), http.StatusConflict)
	})
}

func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		s.addUser("b@example.org", user.RoleMember, "varkaus")
		s.addUser("editor@example.org", user.RoleOrgEditor, "kangasala")
		a, b, ed, anon := s.client(), s.client(), s.client(), s.client()
		a.login("a@example.org")
		b.login("b@example.org")
		ed.login("editor@example.org")

		r := a.postMultipart("/deeds/new", completeDeed(orgID(t, s, "kangasala"), "Kangasalan luonnos"))
		wantStatus(t, r, http.StatusSeeOther)
		edit := strings.SplitN(r.loc, "?", 2)[0]
		id := strings.Split(edit, "/")[2]

		// Another organisation's member sees nothing of the draft and cannot edit it.
		wantStatus(t, b.get(edit), http.StatusNotFound)
		wantStatus(t, b.postMultipart(edit, completeDeed(orgID(t, s, "varkaus"), "Kaapattu")), http.StatusNotFound)
		wantStatus(t, b.get("/deeds/"+id+"/x"), http.StatusNotFound)
		// A member cannot write for another organisation.
		r = b.postMultipart("/deeds/new", completeDeed(orgID(t, s, "kangasala"), "Väärä organisaatio"))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Voit kirjoittaa tekoja vain omalle organisaatiollesi.")
		// The organisation's editor may edit a colleague's draft.
		wantStatus(t, ed.get(edit), http.StatusOK)
		form := completeDeed(orgID(t, s, "kangasala"), "Kangasalan luonnos, toimittajan korjaama")
		wantStatus(t, ed.postMultipart(edit, form), http.StatusSeeOther)
		mustContain(t, a.get(edit).body, "toimittajan korjaama")

		// Anonymous people are sent to sign in; members stay out of moderation and admin.
		r = anon.get("/deeds/new")
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login?") {
			t.Fatalf("anonymous /deeds/new went to %q", r.loc)
		}
		wantStatus(t, a.get("/moderation"), http.StatusForbidden)
		wantStatus(t, a.get("/admin"), http.StatusForbidden)
		wantStatus(t, a.get("/admin/terms"), http.StatusForbidden)
		wantStatus(t, a.post("/admin/settings", url.Values{"edits_go_live": {"1"}}), http.StatusForbidden)
		wantStatus(t, a.post("/deeds/"+id+"/publish", nil), http.StatusForbidden)
		wantStatus(t, anon.post("/deeds/"+id+"/publish", nil), http.StatusSeeOther)
	})
}

func TestValidationKeepsInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		c.login("a@example.org")
		base := completeDeed(orgID(t, s, "kangasala"), "Toimiva otsikko")
		cases := []struct {
			name, field, value, message string
		}{
			{"title too long", "title", strings.Repeat("ä", 151), "Enintään 150 merkkiä."},
			{"summary too long", "summary", strings.Repeat("ö", 301), "Enintään 300 merkkiä."},
			{"year not a number", "year", "kaksituhatta", "Kirjoita vuosi numeroina"},
			{"year out of range", "year", "1800", "Vuoden pitää olla välillä 1990"},
			{"bad e-mail", "contact_email", "aino(at)example.org", "Sähköpostiosoite ei ole kelvollinen"},
			{"bad phone", "contact_phone", "soita minulle", "Puhelinnumerossa voi olla vain numeroita"},
			{"bad link", "link_url", "javascript:alert(1)", "Osoitteen pitää alkaa http:// tai https://."},
			{"unknown sector", "sector", "avaruus", "Valinta ei ole sallittu."},
			{"content language", "lang", "de", "Valitse kieli"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				form := url.Values{}
				for k, v := range base {
					form[k] = append([]string(nil), v...)
				}
				form.Set(tc.field, tc.value)
				form.Set("need", "Tämä teksti ei saa kadota <b>koskaan</b>.")
				form.Set("action", "submit")
				r := c.postMultipart("/deeds/new", form)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				mustContain(t, r.body, tc.message, "Lomakkeessa on korjattavaa",
					"Tämä teksti ei saa kadota &lt;b&gt;koskaan&lt;/b&gt;.", `value="Aino Testaaja"`)
				if tc.field != "sector" && tc.field != "lang" && tc.field != "link_url" {
					// What was typed comes back as typed.
					mustContain(t, r.body, strings.ReplaceAll(tc.value, "'", "&#39;"))
				}
			})
		}
		t.Run("too many themes", func(t *testing.T) {
			form := completeDeed(orgID(t, s, "kangasala"), "Teemoja")
			form["themes"] = []string{"tyohyvinvointi", "johtaminen", "osaaminen", "digitalisaatio", "osallisuus", "viestinta"}
			form.Set("action", "submit")
			r := c.postMultipart("/deeds/new", form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, "Valitse enintään 5.")
			if n := strings.Count(r.body, `name="themes" value=`); n != 14 {
				t.Fatalf("theme checkboxes: %d", n)
			}
			if n := strings.Count(r.body, " checked> "); n < 6 {
				t.Fatalf("only %d boxes stayed ticked", n)
			}
		})
	})
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		s.addUser("mod@example.org", user.RoleModerator, "")
		c := s.client()
		c.login("a@example.org")
		form := completeDeed(orgID(t, s, "kangasala"), "Kuvallinen teko")
		form.Set("action", "submit")
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")

		// A text file named .png is refused by its content; the good files and the text stay.
		r := c.postMultipart("/deeds/new", form,
			upload{"image_upload", "kuva.png", pngBytes(t, 800, 600)},
			upload{"image_upload", "huijaus.png", []byte("<html>not an image</html>")},
			upload{"attachment_upload", "raportti.pdf", pdf})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tiedosto ei ole JPEG- tai PNG-kuva.", "kuva.png", "raportti.pdf", "Kuvallinen teko", `name="image_id"`)
		// The kept image has no alternative text yet: submitting asks for it.
		ids := regexp.MustCompile(`name="image_id" value="(\d+)"`).FindAllStringSubmatch(r.body, -1)
		pids := regexp.MustCompile(`name="attachment_id" value="(\d+)"`).FindAllStringSubmatch(r.body, -1)
		if len(ids) != 1 || len(pids) != 1 {
			t.Fatalf("kept uploads: %d images, %d attachments", len(ids), len(pids))
		}
		form.Set("image_id", ids[0][1])
		form.Set("image_caption", "")
		form.Set("attachment_id", pids[0][1])
		form.Set("attachment_caption", "Loppuraportti")
		r = c.postMultipart("/deeds/new", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Kirjoita jokaiselle kuvalle tekstivastine.")
		// A refused submission saves nothing: the form posts as a new deed
		// again, with the uploads kept.
		if !strings.Contains(r.body, `action="/deeds/new"`) {
			t.Fatal("a refused submission left a draft behind")
		}
		form.Set("image_caption", "Kotihoitajat suunnittelevat reittejä")
		r = c.postMultipart("/deeds/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		id := deedID(t, r.loc)

		// A PDF that is not one, and a file over the limit, are refused with clear words.
		r = c.postMultipart("/deeds/"+id+"/edit", form, upload{"attachment_upload", "virus.pdf", []byte("MZ\x90\x00 not a pdf")})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tiedosto ei ole PDF.")
		r = c.postMultipart("/deeds/"+id+"/edit", form, upload{"attachment_upload", "iso.pdf", append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 21<<20)...), []byte("\n%%EOF\n")...)})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tiedosto on liian suuri (enintään 20 Mt).")

		// Published, the image and its thumbnail are public; the attachment downloads.
		mod := s.client()
		mod.login("mod@example.org")
		wantStatus(t, mod.post("/deeds/"+id+"/publish", nil), http.StatusSeeOther)
		anon := s.client()
		page := anon.follow(anon.get("/deeds/" + id))
		mustContain(t, page.body, `alt="Kotihoitajat suunnittelevat reittejä"`, "/media/"+ids[0][1]+"/thumb", "Loppuraportti")
		img := anon.get("/media/" + ids[0][1])
		wantStatus(t, img, http.StatusOK)
		if img.header.Get("Content-Type") != "image/png" {
			t.Fatalf("image type %q", img.header.Get("Content-Type"))
		}
		th := anon.get("/media/" + ids[0][1] + "/thumb")
		wantStatus(t, th, http.StatusOK)
		cfg, _, err := image.DecodeConfig(strings.NewReader(th.body))
		if err != nil || cfg.Width != 480 || cfg.Height != 360 {
			t.Fatalf("thumbnail %v %+v", err, cfg)
		}
		att := anon.get("/media/" + pids[0][1])
		wantStatus(t, att, http.StatusOK)
		if !strings.HasPrefix(att.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("attachment disposition %q", att.header.Get("Content-Disposition"))
		}
		// Someone else's unattached upload stays private.
		r = c.postMultipart("/deeds/new", url.Values{"title": {"Toinen"}, "action": {"save"}, "lang": {"fi"}, "org": {fmt.Sprint(orgID(t, s, "kangasala"))}},
			upload{"image_upload", "yksityinen.png", pngBytes(t, 10, 10)})
		wantStatus(t, r, http.StatusSeeOther)
		priv := regexp.MustCompile(`name="image_id" value="(\d+)"`).FindStringSubmatch(c.follow(r).body)
		if priv == nil {
			t.Fatal("draft lost its image")
		}
		wantStatus(t, anon.get("/media/"+priv[1]), http.StatusNotFound)
	})
}

// A form posted after the session expired is kept and saved as a draft
// once the person signs in again.
func TestExpiredSessionKeepsDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		form := completeDeed(orgID(t, s, "kangasala"), "Kirjoitettu ennen uloskirjautumista")
		form.Set("action", "submit")
		r := c.postMultipart("/deeds/new", form, upload{"image_upload", "kuva.png", pngBytes(t, 40, 30)})
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login?") || !strings.Contains(r.loc, "resume=") {
			t.Fatalf("went to %q", r.loc)
		}
		page := c.follow(r)
		mustContain(t, page.body, "Istuntosi oli vanhentunut", `name="resume"`)
		q, _ := url.ParseQuery(strings.SplitN(r.loc, "?", 2)[1])
		r = c.post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}, "next": {q.Get("next")}, "resume": {q.Get("resume")}})
		wantStatus(t, r, http.StatusSeeOther)
		page = c.follow(r)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Mitään ei ole vielä tallennettu", `value="Kirjoitettu ennen uloskirjautumista"`, "Otettiin käyttöön toiminnanohjaus.",
			`name="image_id"`, "kuva.png")
		// Saving it from the same browser keeps everything, the image too.
		form.Set("resume", q.Get("resume"))
		form.Set("action", "save")
		img := regexp.MustCompile(`name="image_id" value="(\d+)"`).FindStringSubmatch(page.body)
		form.Set("image_id", img[1])
		form.Set("image_caption", "")
		r = c.postMultipart("/deeds/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		page = c.follow(r)
		mustContain(t, page.body, "Tallennettu.", `value="Kirjoitettu ennen uloskirjautumista"`, `name="image_id"`)
		// The kept form is used once.
		r = c.get("/deeds/new?resume=" + q.Get("resume"))
		wantStatus(t, r, http.StatusSeeOther)
		if r.loc != "/deeds/new" {
			t.Fatalf("reused stash went to %q", r.loc)
		}
	})
}

func TestLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		c := s.client()
		mustContain(t, c.get("/").body, `<html lang="fi">`, "Selaa tekoja")
		r := c.get("/lang/sv?next=/deeds")
		wantStatus(t, r, http.StatusSeeOther)
		if r.loc != "/deeds" {
			t.Fatalf("language switch went to %q", r.loc)
		}
		page := c.get("/deeds")
		mustContain(t, page.body, `<html lang="sv">`)
		mustNotContain(t, page.body, "Selaa tekoja")
		c.get("/lang/en?next=/")
		mustContain(t, c.get("/").body, `<html lang="en">`)
		// The way back never leaves the site.
		if r := c.get("/lang/fi?next=//evil.example"); r.loc != "/" {
			t.Fatalf("open redirect to %q", r.loc)
		}
		wantStatus(t, c.get("/lang/de"), http.StatusNotFound)
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/", nil)
		req.Header.Set("Accept-Language", "sv-FI,sv;q=0.9")
		mustContain(t, s.client().do(req).body, `<html lang="sv">`)
	})
}

func TestSecurity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("a@example.org", user.RoleMember, "kangasala")
		c := s.client()
		r := c.get("/")
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q", csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
			t.Fatal("missing security headers")
		}
		c.login("a@example.org")
		// A cross-site form post is refused.
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/deeds/new", strings.NewReader("title=x&action=save"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		wantStatus(t, c.do(req), http.StatusForbidden)
		// Session cookies are HttpOnly and SameSite.
		r = s.client().post("/login", url.Values{"email": {"a@example.org"}, "password": {testPassword}})
		ck := r.header.Get("Set-Cookie")
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Fatalf("cookie %q", ck)
		}
		// A wrong password says so without telling which part was wrong.
		r = s.client().post("/login", url.Values{"email": {"a@example.org"}, "password": {"väärä salasana"}})
		wantStatus(t, r, http.StatusUnauthorized)
		mustContain(t, r.body, "Sähköposti tai salasana on väärin.", `value="a@example.org"`)
		// Logging out ends the session on the server.
		wantStatus(t, c.post("/logout", nil), http.StatusSeeOther)
		r = c.get("/my")
		wantStatus(t, r, http.StatusSeeOther)
	})
}

func TestRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		c := s.client()
		mustContain(t, c.get("/register").body, "Kangasala")
		r := c.post("/register", url.Values{"email": {"uusi@example"}, "name": {"Uusi Jäsen"}, "org": {""}, "password": {"lyhyt"}, "password2": {"toinen"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tämä tieto tarvitaan.", "Salasanat eivät täsmää.", `value="Uusi Jäsen"`)
		org := fmt.Sprint(orgID(t, s, "varkaus"))
		r = c.post("/register", url.Values{"email": {"uusi(at)example.org"}, "name": {"Uusi Jäsen"}, "org": {org}, "password": {"lyhyt"}, "password2": {"lyhyt"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Sähköpostiosoite ei ole kelvollinen", "vähintään 10 merkkiä")
		r = c.post("/register", url.Values{"email": {"Uusi@Example.org"}, "name": {"Uusi Jäsen"}, "org": {org}, "password": {"pitkä-salasana"}, "password2": {"pitkä-salasana"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Tarkista sähköpostisi", "Uusi@Example.org")
		// Not signed in until the address is confirmed.
		mustNotContain(t, r.body, "Uusi Jäsen")
		link := mailedLink(t, s, "uusi@example.org", "/account/verify?token=")
		page := c.get(link)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Vahvista osoite")
		token := strings.SplitN(link, "token=", 2)[1]
		r = c.post("/account/verify", url.Values{"token": {token}})
		wantStatus(t, r, http.StatusSeeOther)
		page = c.follow(r)
		mustContain(t, page.body, "Tervetuloa!", "Uusi Jäsen", "Varkaus")
		// The link works once.
		wantStatus(t, s.client().post("/account/verify", url.Values{"token": {token}}), http.StatusNotFound)
		// Registering a taken address looks the same from outside; the
		// owner is told by mail instead.
		r = s.client().post("/register", url.Values{"email": {"uusi@example.org"}, "name": {"Toinen"}, "org": {org}, "password": {"pitkä-salasana"}, "password2": {"pitkä-salasana"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Tarkista sähköpostisi")
		mustNotContain(t, r.body, "on jo tili")
		mailedLink(t, s, "uusi@example.org", "/account/reset/confirm?token=")
	})
}

// mailedLink finds the newest mail to addr in the outbox and the site path
// in it that starts with prefix.
func mailedLink(t *testing.T, s *site, addr, prefix string) string {
	t.Helper()
	var body string
	if err := s.app.DB.QueryRow(context.Background(), `SELECT body FROM mail_outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1`, addr).Scan(&body); err != nil {
		t.Fatalf("no mail to %s: %v", addr, err)
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	t.Fatalf("the mail to %s has no %s link: %s", addr, prefix, body)
	return ""
}

func TestBrowseAndAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		home := c.get("/")
		mustContain(t, home.body, "Ideapankissa on 50 julkaistua kehittämistekoa", "Toimialoittain", "/deeds?sector=sote")

		page := c.get("/deeds?sector=ruoka")
		mustContain(t, page.body, "4 tekoa")
		page = c.get("/deeds?region=11&sector=sote&sector=opetus")
		if !strings.Contains(page.body, " tekoa</h2>") {
			t.Fatal("no count")
		}
		mustContain(t, c.get("/deeds?sector=avaruus").body, "0 tekoa", "Haulla ei löytynyt tekoja.", "ilman: Toimiala: avaruus")
		page = c.get("/deeds?page=2")
		mustContain(t, page.body, "Sivu 2 / 3", `rel="prev"`, `rel="next"`)
		mustContain(t, c.get("/organisations?q=hämeen").body, "Hämeenlinna")

		var list struct {
			Total int `json:"total"`
			Items []struct {
				ID           int64  `json:"id"`
				Ref          string `json:"ref"`
				Slug         string `json:"slug"`
				Title        string `json:"title"`
				Summary      string `json:"summary"`
				Organisation struct {
					Name string `json:"name"`
				} `json:"organisation"`
				Municipality *struct{ Code, Name string } `json:"municipality"`
				Region       *struct{ Code, Name string } `json:"region"`
				Sector       string                       `json:"sector"`
				Themes       []string                     `json:"themes"`
				Year         int                          `json:"year"`
				Lang         string                       `json:"lang"`
				URL          string                       `json:"url"`
			} `json:"items"`
		}
		r := c.get("/api/v1/deeds?limit=5&offset=5")
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &list); err != nil {
			t.Fatal(err)
		}
		if list.Total != 50 || len(list.Items) != 5 {
			t.Fatalf("total %d items %d", list.Total, len(list.Items))
		}
		it := list.Items[0]
		if it.ID == 0 || it.Ref == "" || it.Slug == "" || it.Title == "" || it.Summary == "" || it.Organisation.Name == "" ||
			it.Municipality == nil || it.Municipality.Code == "" || it.Region == nil || it.Sector == "" || len(it.Themes) == 0 ||
			it.Year == 0 || it.Lang == "" || !strings.HasPrefix(it.URL, "http://tekotori.test/deeds/") {
			t.Fatalf("incomplete item %+v", it)
		}
		r = c.get("/api/v1/deeds?sector=ruoka&limit=100")
		json.Unmarshal([]byte(r.body), &list)
		if list.Total != 4 || len(list.Items) != 4 {
			t.Fatalf("sector filter: %d", list.Total)
		}
		r = c.get(fmt.Sprintf("/api/v1/deeds/%d", it.ID))
		wantStatus(t, r, http.StatusOK)
		var full map[string]any
		json.Unmarshal([]byte(r.body), &full)
		for _, k := range []string{"need", "solution", "results", "lessons", "adoption", "links", "contact", "images", "attachments"} {
			if _, ok := full[k]; !ok {
				t.Fatalf("whole deed lacks %q", k)
			}
		}
		wantStatus(t, c.get("/api/v1/deeds/999999"), http.StatusNotFound)
		wantStatus(t, c.get("/api/v1/deeds?limit=0"), http.StatusBadRequest)
		wantStatus(t, c.get("/api/v1/deeds?limit=abc"), http.StatusBadRequest)
		wantStatus(t, c.get("/api/v1/nothing"), http.StatusNotFound)
		wantStatus(t, c.get("/healthz"), http.StatusOK)
		wantStatus(t, c.get("/no/such/page"), http.StatusNotFound)
	})
}

func TestAdminPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addUser("admin@example.org", user.RoleAdmin, "")
		m := s.addUser("m@example.org", user.RoleMember, "kangasala")
		c := s.client()
		c.login("admin@example.org")
		mustContain(t, c.get("/admin").body, "Luokitukset", "Organisaatiot", "Asetukset", "Hakuindeksissä on 0 julkaistua tekoa. Analysoija: ")

		// Vocabulary terms: validation, creation, editing.
		r := c.post("/admin/terms", url.Values{"kind": {"theme"}, "slug": {"Ei Kelpaa"}, "label_fi": {"Tekoäly"}, "label_sv": {""}, "label_en": {"AI"}, "active": {"1"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Käytä pieniä kirjaimia", `value="Tekoäly"`)
		r = c.post("/admin/terms", url.Values{"kind": {"theme"}, "slug": {"tekoaly"}, "label_fi": {"Tekoäly"}, "label_sv": {"Artificiell intelligens"}, "label_en": {"Artificial intelligence"}, "position": {"200"}, "active": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get("/admin/terms").body, "tekoaly")
		mustContain(t, c.get("/deeds/new").body, "Tekoäly")

		// Organisations and units.
		r = c.post("/admin/organisations", url.Values{"kind": {"company"}, "name_fi": {"Testin Vesi Oy"}, "municipality_code": {"837"}})
		wantStatus(t, r, http.StatusSeeOther)
		orgPage := strings.SplitN(r.loc, "?", 2)[0]
		mustContain(t, c.get(orgPage).body, "Testin Vesi Oy")
		r = c.post(orgPage+"/units", url.Values{"op": {"add"}, "name": {"Vesihuolto"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get(orgPage).body, `value="Vesihuolto"`)
		mustContain(t, c.get("/organisations/testin-vesi-oy").body, "Vesihuolto", "Pirkanmaa")
		r = c.post("/admin/organisations", url.Values{"kind": {"company"}, "name_fi": {""}})
		wantStatus(t, r, http.StatusUnprocessableEntity)

		// Settings: edits of published deeds go live at once.
		wantStatus(t, c.post("/admin/settings", url.Values{"edits_go_live": {"1"}}), http.StatusSeeOther)
		live, err := s.app.Deeds.EditsGoLive(context.Background())
		if err != nil || !live {
			t.Fatalf("setting not saved: %v %v", live, err)
		}
		// Roles.
		wantStatus(t, c.post(fmt.Sprintf("/admin/users/%d", m.ID), url.Values{"role": {"moderator"}, "org": {"0"}}), http.StatusSeeOther)
		got, _ := s.app.Users.Get(context.Background(), m.ID)
		if got.Role != user.RoleModerator {
			t.Fatalf("role %s", got.Role)
		}
	})
}

func TestSearchPageAndAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		page := c.get("/search?q=ruokahävikki")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "<mark>", "Haku: ruokahävikki", "Toimiala", "(")
		// A typo still finds the deeds and says what it searched for.
		page = c.get("/search?q=ruokahävikn")
		mustContain(t, page.body, "1 tekoa", "<mark>ruokahävikin</mark>", "näytetään tulokset sanalle ”ruokahävikin”")
		// Nothing found: a way out. (Without the filter the corrected
		// word would find deeds of its own.)
		page = c.get("/search?sector=ei-ole&q=" + url.QueryEscape("kotihoidn zzqxv qqzzv"))
		mustContain(t, page.body, "Haulla ei löytynyt tekoja.", "Tarkoititko")

		var res struct {
			Total int `json:"total"`
			Items []struct {
				Title     string   `json:"title"`
				Score     *float64 `json:"score"`
				Highlight string   `json:"highlight"`
			} `json:"items"`
			Facets map[string][]struct {
				Value string `json:"value"`
				Label string `json:"label"`
				Count int    `json:"count"`
			} `json:"facets"`
		}
		r := c.get("/api/v1/deeds?q=kotihoito&sector=sote&limit=5")
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &res); err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 || len(res.Items) == 0 || res.Items[0].Score == nil || *res.Items[0].Score <= 0 || !strings.Contains(res.Items[0].Highlight, "<mark>") {
			t.Fatalf("search API: %+v", res)
		}
		sector := res.Facets["sector"]
		if len(sector) == 0 || sector[0].Label == "" || sector[0].Count == 0 {
			t.Fatalf("facets: %+v", res.Facets)
		}
		// The page and the API share one implementation: same total.
		page = c.get("/search?q=kotihoito&sector=sote")
		mustContain(t, page.body, fmt.Sprintf(">%d tekoa</h2>", res.Total))
		wantStatus(t, c.get("/api/v1/deeds?sort=sideways"), http.StatusBadRequest)
		r = c.get("/search/suggest?q=koti")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "koti") {
			t.Fatalf("suggestions %s", r.body)
		}
	})
}

// Any query string is safe: a normal page or a clear message, never a 500.
func TestSearchBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if _, err := demo.Fill(context.Background(), s.app); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		for _, q := range []string{
			"", strings.Repeat("hyvinvointi ", 1000), "!!!???...", `"unbalanced quote`, `kunta NEAR/3 koulu`, "kunta*", `"`, ":", "-",
			"-kunta", "'; DROP TABLE deeds; --", "1 OR 1=1", "\x00\x01\x02\x1b[31m", "\xff\xfe\xfd", "ä\xc3", "🙂 kunta",
			strings.Repeat("\"", 500), "sector:sote", "((((", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
		} {
			for _, path := range []string{"/search?q=", "/api/v1/deeds?q=", "/search/suggest?q="} {
				r := c.get(path + url.QueryEscape(q))
				if r.status != http.StatusOK {
					t.Fatalf("%s%q: status %d", path, q, r.status)
				}
			}
		}
		for _, p := range []string{"/search?sector=ei-ole&theme=%00", "/api/v1/deeds?organisation=x&year=abc", "/search?page=-5", "/search?page=999999999"} {
			if r := c.get(p); r.status != http.StatusOK {
				t.Fatalf("%s: %d", p, r.status)
			}
		}
	})
}

func TestSimilarAndDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		if _, err := demo.Fill(ctx, s.app); err != nil {
			t.Fatal(err)
		}
		var id int64
		var title, summary, need, solution string
		if err := s.app.DB.QueryRow(ctx, `SELECT id, title, summary, need, solution FROM deeds WHERE ref = 'DEMO-2019-009'`).Scan(&id, &title, &summary, &need, &solution); err != nil {
			t.Fatal(err)
		}
		anon := s.client()
		page := anon.follow(anon.get(fmt.Sprintf("/deeds/%d", id)))
		mustContain(t, page.body, "Samankaltaisia tekoja")

		// Writing the same work again: the author is shown the existing deed
		// before the deed goes to moderation, and may confirm it differs.
		s.addUser("a@example.org", user.RoleMember, "kuusamo")
		c := s.client()
		c.login("a@example.org")
		form := completeDeed(orgID(t, s, "kuusamo"), title)
		form.Set("summary", summary)
		form.Set("need", need)
		form.Set("solution", solution)
		form.Set("action", "submit")
		var before int
		if err := s.app.DB.QueryRow(ctx, `SELECT COUNT(*) FROM deeds`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		r := c.postMultipart("/deeds/new", form)
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "Ideapankissa on jo hyvin samankaltainen teko", fmt.Sprintf(`href="/deeds/%d/`, id), `name="not_duplicate"`,
			`value="`+title+`"`)
		// Nothing was saved behind the author's back.
		var after int
		if err := s.app.DB.QueryRow(ctx, `SELECT COUNT(*) FROM deeds`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatalf("the look-alike check saved a draft: %d deeds, were %d", after, before)
		}
		form.Set("not_duplicate", "1")
		r = c.postMultipart("/deeds/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.follow(r).body, "lähetetty moderoitavaksi")
	})
}
