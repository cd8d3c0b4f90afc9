package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/org"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// xssVectors are ways to make a browser run script from text; each sets
// window.__xss when it runs.
var xssVectors = []string{
	`<script>window.__xss=1</script>`,
	`<img src=x onerror="window.__xss=1">`,
	`<svg onload="window.__xss=1">`,
	`<svg><script>window.__xss=1</script></svg>`,
	`<body onload="window.__xss=1">`,
	`<iframe src="javascript:parent.__xss=1"></iframe>`,
	`<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>`,
	`<a href="javascript:window.__xss=1">linkki</a>`,
	`<details open ontoggle="window.__xss=1">`,
	`<input autofocus onfocus="window.__xss=1">`,
	`<video><source onerror="window.__xss=1"></video>`,
	`<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">`,
	`<object data="javascript:window.__xss=1"></object>`,
	`<embed src="javascript:window.__xss=1">`,
	`<base href="javascript:window.__xss=1//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">`,
	`<form action="javascript:window.__xss=1"><button>x</button></form>`,
	`<div style="background:url(javascript:window.__xss=1)">`,
	`<scr<script>ipt>window.__xss=1</scr</script>ipt>`,
	`<ScRiPt>window.__xss=1</sCrIpT>`,
	`<img src=x oNeRrOr=window.__xss=1>`,
	`<img/src=x/onerror=window.__xss=1>`,
	`<svg/onload=window.__xss=1>`,
	"<img src=x onerror=\"window.__xss=1\"\x00>",
	`javascript:window.__xss=1`,
	`{{.}}{{template "layout" .}}`,
	`${window.__xss=1}`,
	`<!--<script>window.__xss=1</script>-->`,
	`<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">`,
	`<textarea><script>window.__xss=1</script></textarea>`,
}

// xssBreakouts are what a payload puts in front of a vector to leave the
// place it is shown in: an attribute, a textarea, a title, a comment.
var xssBreakouts = []string{``, `"><`, `'><`, `</textarea>`, `</title>`, `-->`}

// xssPayloads combines them: every vector bare, and each vector after
// each way out, past a hundred strings in all.
func xssPayloads() []string {
	out := append([]string(nil), xssVectors...)
	for i, b := range xssBreakouts[1:] {
		for j, v := range xssVectors {
			if (i+j)%2 == 0 {
				out = append(out, b+v)
			}
		}
	}
	return out
}

// deedTextFields are the deed's fields that take free text: a new field is
// covered by adding it here.
var deedTextFields = []func(c *deed.Content, p string){
	func(c *deed.Content, p string) { c.Title = p },
	func(c *deed.Content, p string) { c.Summary = p },
	func(c *deed.Content, p string) { c.Need = p },
	func(c *deed.Content, p string) { c.Solution = p },
	func(c *deed.Content, p string) { c.Results = p },
	func(c *deed.Content, p string) { c.Lessons = p },
	func(c *deed.Content, p string) { c.Adoption = p },
	func(c *deed.Content, p string) { c.Partners = p },
	func(c *deed.Content, p string) { c.Funding = p },
	func(c *deed.Content, p string) { c.Contact.Name = p },
	func(c *deed.Content, p string) { c.Contact.Title = p },
	func(c *deed.Content, p string) {
		c.Links = []deed.Link{{URL: "https://example.org/teko", Title: p}}
	},
}

// xssSurface is a free-text field outside the deed, with the pages that
// show it: put stores payload p in one record of its kind and returns
// those pages. A new field elsewhere is covered by adding an entry here.
type xssSurface struct {
	name string
	put  func(t *testing.T, e *env, i int, p string) []string
}

var xssSurfaces = []xssSurface{
	{"organisation name and unit", func(t *testing.T, e *env, i int, p string) []string {
		ctx := context.Background()
		o, err := e.app.Orgs.Create(ctx, user.System(), org.Input{Kind: org.KindCompany, NameFI: fmt.Sprintf("Yhtiö %d %s", i, p),
			NameSV: p, NameEN: p, MunicipalityCode: "211"})
		if err != nil {
			t.Fatalf("organisation %d: %v", i, err)
		}
		if _, err := e.app.Orgs.AddUnit(ctx, user.System(), o.ID, fmt.Sprintf("Yksikkö %d %s", i, p)); err != nil {
			t.Fatalf("unit %d: %v", i, err)
		}
		return []string{"/organisations/" + o.Code, "/organisations", fmt.Sprintf("/admin/organisations/%d", o.ID), "/admin/organisations"}
	}},
	{"vocabulary term", func(t *testing.T, e *env, i int, p string) []string {
		tm, err := e.app.Terms.Create(context.Background(), user.System(), taxonomy.Theme,
			taxonomy.Input{Slug: fmt.Sprintf("xss-%d", i), LabelFI: fmt.Sprintf("Teema %d %s", i, p), LabelSV: p, LabelEN: p, Position: 900 + i, Active: true})
		if err != nil {
			t.Fatalf("term %d: %v", i, err)
		}
		return []string{fmt.Sprintf("/admin/terms/%d", tm.ID), "/admin/terms", "/deeds/new"}
	}},
	{"award campaign texts", func(t *testing.T, e *env, i int, p string) []string {
		ctx := context.Background()
		text := func(prefix string) i18n.Text {
			return i18n.Text{FI: fmt.Sprintf("%s %d %s", prefix, i, p), SV: p, EN: p}
		}
		pr, err := e.app.Campaigns.CreateProgramme(ctx, user.System(), campaign.ProgrammeInput{Name: text("Ohjelma"), Description: text("Kuvaus")})
		if err != nil {
			t.Fatalf("programme %d: %v", i, err)
		}
		now := time.Now()
		c, err := e.app.Campaigns.CreateCampaign(ctx, user.System(), pr.ID, campaign.CampaignInput{Name: text("Kilpailu"),
			Description: text("Kuvaus"), Rules: text("Säännöt"), JurorsPerEntry: 2,
			Entry:   campaign.Window{Opens: now.Add(-time.Hour), Closes: now.Add(24 * time.Hour)},
			Judging: campaign.Window{Opens: now.Add(25 * time.Hour), Closes: now.Add(48 * time.Hour)}})
		if err != nil {
			t.Fatalf("campaign %d: %v", i, err)
		}
		if _, err := e.app.Campaigns.AddCategory(ctx, user.System(), c.ID, campaign.CategoryInput{Name: text("Sarja"), Description: text("Kuvaus"),
			Kind: campaign.KindDeed, Winners: 1}); err != nil {
			t.Fatalf("category %d: %v", i, err)
		}
		if _, err := e.app.Campaigns.AddCriterion(ctx, user.System(), c.ID, campaign.CriterionInput{Name: text("Kriteeri"), Description: text("Kuvaus"),
			Weight: 1, ScaleMin: 1, ScaleMax: 5}); err != nil {
			t.Fatalf("criterion %d: %v", i, err)
		}
		return []string{fmt.Sprintf("/campaigns/%d", c.ID), "/campaigns", fmt.Sprintf("/admin/campaigns/%d", c.ID),
			fmt.Sprintf("/admin/campaigns/%d/settings", c.ID), "/campaigns/enter"}
	}},
	{"person's name", func(t *testing.T, e *env, i int, p string) []string {
		if _, err := e.app.Users.Create(context.Background(), user.NewUser{Email: fmt.Sprintf("xss-nimi-%d@example.org", i),
			Name: fmt.Sprintf("Nimi %d %s", i, p), Password: password, Role: user.RoleMember, Lang: "fi"}); err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
		return []string{"/admin/users?q=" + url.QueryEscape(fmt.Sprintf("xss-nimi-%d", i)), "/admin/audit"}
	}},
}

// injected looks at the page as the browser built it: no script of the
// payloads ran, and no element or attribute that could run one exists.
const injected = `(() => {
	const bad = [];
	if (window.__xss) bad.push('script ran');
	for (const s of document.scripts) {
		if (s.type === 'application/ld+json') {
			// Data, not code: it must still be whole JSON, or text broke out.
			try { JSON.parse(s.textContent) } catch (e) { bad.push('broken JSON-LD') }
			continue;
		}
		if (!s.src || !new URL(s.src).pathname.startsWith('/static/')) bad.push('script element');
	}
	const urlish = /^(href|src|action|formaction|data|srcdoc|content|style|background|poster|xlink:href)$/i;
	for (const el of document.querySelectorAll('*')) {
		for (const a of el.attributes) {
			if (/^on/i.test(a.name)) bad.push('handler ' + a.name + ' on ' + el.tagName);
			// A meta tag's content is text unless the tag is a refresh.
			if (a.name === 'content' && el.tagName === 'META' && !el.hasAttribute('http-equiv')) continue;
			if (urlish.test(a.name) && (/^\s*javascript:/i.test(a.value) || a.value.includes('__xss'))) bad.push(a.name + ' on ' + el.tagName);
		}
	}
	for (const t of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]'])
		if (document.querySelector(t)) bad.push('element ' + t);
	return JSON.stringify(bad);
})()`

// TestXSSCorpus pushes every payload through every text field of a deed
// (through the service, as the form and the API do), an import, a user's
// and an organisation's name, opens every page that shows them in
// Chromium and requires that nothing of them runs and the text is shown.
func TestXSSCorpus(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	payloads := xssPayloads()
	if len(payloads) < 100 {
		t.Fatalf("only %d payloads", len(payloads))
	}
	e.addUser("xss-kirjoittaja@example.org", user.RoleMember, "kangasala")
	e.addUser("xss-moderaattori@example.org", user.RoleModerator, "")
	e.addUser("xss-yllapito@example.org", user.RoleAdmin, "")
	author, err := e.app.Users.ByEmail(ctx, "xss-kirjoittaja@example.org")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := e.app.Users.ByEmail(ctx, "xss-moderaattori@example.org")
	if err != nil {
		t.Fatal(err)
	}
	// Deed j has payload (j + 7f) in field f: over all deeds, every field
	// gets every payload once.
	var ids []int64
	for j := range payloads {
		c := deed.Content{Lang: "fi", OrgID: author.OrgID, Sector: "sote", Themes: []string{"digitalisaatio"},
			ClientGroups: []string{"ikaantyneet"}, Status: deed.Done, Year: 2024,
			Contact: deed.Contact{Email: "yhteys@example.org", Public: true}}
		for f, set := range deedTextFields {
			p := payloads[(j+7*f)%len(payloads)]
			set(&c, fmt.Sprintf("%d %s", j, p))
		}
		d, err := e.app.Deeds.Create(ctx, author, c)
		if err != nil {
			t.Fatalf("payload %d: %v", j, err)
		}
		if _, err := e.app.Deeds.Submit(ctx, author, d.ID, c); err != nil {
			t.Fatalf("payload %d: submit: %v", j, err)
		}
		if _, err := e.app.Deeds.Publish(ctx, mod, d.ID); err != nil {
			t.Fatalf("payload %d: publish: %v", j, err)
		}
		ids = append(ids, d.ID)
	}
	// The import takes the same text.
	var lines []string
	for j, p := range payloads[:20] {
		b, _ := json.Marshal(map[string]any{"ref": fmt.Sprintf("XSS-%d", j), "lang": "fi", "title": "Tuotu " + p, "summary": p,
			"organisation": "Kangasala", "municipality": "Kangasala", "sector": "sote", "themes": []string{"digitalisaatio"},
			"client_groups": []string{"ikaantyneet"}, "status": "done", "year": 2023, "need": p, "solution": p,
			"contact": map[string]any{"name": p, "email": "tuonti@example.org"}})
		lines = append(lines, string(b))
	}
	rep, err := e.app.Importer.Import(ctx, strings.NewReader(strings.Join(lines, "\n")), deed.ImportOptions{})
	if err != nil || len(rep.Errors) > 0 {
		t.Fatalf("import: %v %+v", err, rep.Errors)
	}

	// The other text fields: each takes a few payloads in turn, so that
	// across them every payload goes somewhere besides the deeds.
	surfacePages := map[string]bool{}
	for i, p := range payloads {
		for _, pg := range xssSurfaces[i%len(xssSurfaces)].put(t, e, i, p) {
			surfacePages[pg] = true
		}
	}

	bctx, cancel := e.browser()
	defer cancel()
	check := func(path string) {
		t.Helper()
		err := chromedp.Do(bctx, chromedp.Navigate(e.base+path))
		if err != nil && strings.Contains(err.Error(), "ERR_ABORTED") {
			// A navigation the browser dropped under load: once more.
			err = chromedp.Do(bctx, chromedp.Navigate(e.base+path))
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var bad []string
		if err := json.Unmarshal([]byte(e.eval(bctx, injected)), &bad); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: %v", path, bad)
		}
	}
	// The check sees an injection: a page that echoes payloads unescaped
	// must be caught, or the rest proves nothing.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>t</title><p>%s</p><p>%s</p>", xssVectors[1], xssVectors[7])
	}))
	defer echo.Close()
	e.run(bctx, chromedp.Navigate(echo.URL))
	if got := e.eval(bctx, injected); !strings.Contains(got, "handler onerror") || !strings.Contains(got, "href on A") {
		t.Fatalf("the check missed an unescaped page: %s", got)
	}

	for j, id := range ids {
		path := fmt.Sprintf("/deeds/%d", id)
		check(path)
		// The payload shows as text.
		if j == 0 {
			if h1 := e.text(bctx, "h1"); !strings.Contains(h1, payloads[0]) {
				t.Errorf("%s: the title shows as %q", path, h1)
			}
		}
	}
	check("/search?q=window")
	check("/search?q=" + "%3Cscript%3E")
	check("/deeds?sort=newest")
	check("/organisations/kangasala")
	// The edit form puts the text into values and text areas.
	e.run(bctx, chromedp.Navigate(e.base+"/login"),
		chromedp.SendKeys("#f-email", "xss-moderaattori@example.org"),
		chromedp.SendKeys("#f-password", password),
		chromedp.Submit("#f-password"),
		// Signed in when the header names the person; until then the
		// sign-in's own navigation is under way.
		chromedp.WaitVisible(`a.who`))
	for _, id := range ids {
		check(fmt.Sprintf("/deeds/%d/edit", id))
	}
	check("/deeds/" + fmt.Sprint(ids[0]) + "/revisions")
	check("/moderation")
	// The pages of the other fields, as a site admin sees them (the public
	// ones show the same text).
	// Signed in as the moderator, the sign-in page already names someone:
	// wait for the admin's own name, or the next page races the sign-in.
	e.run(bctx, chromedp.Navigate(e.base+"/login"),
		chromedp.SendKeys("#f-email", "xss-yllapito@example.org"),
		chromedp.SendKeys("#f-password", password),
		chromedp.Submit("#f-password"),
		chromedp.WaitVisible(`//a[@class="who"][text()="Selain admin"]`))
	for _, pg := range slices.Sorted(maps.Keys(surfacePages)) {
		check(pg)
		if loc := get(e, bctx, chromedp.Location()); strings.Contains(loc, "/login") {
			t.Fatalf("%s went to the sign-in page: the admin pages were not checked", pg)
		}
	}
	if len(surfacePages) < 3*len(xssSurfaces) {
		t.Fatalf("only %d pages of other fields", len(surfacePages))
	}
	check("/search?theme=xss-1")

	// The API gives JSON that no browser runs as a page.
	res, err := http.Get(e.base + "/api/v1/deeds?q=window&limit=100")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("API answers %q, nosniff %q", ct, res.Header.Get("X-Content-Type-Options"))
	}
	var page struct {
		Items []struct {
			Highlight string `json:"highlight"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		// The highlight is HTML: the text escaped, only <mark> added.
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(it.Highlight)
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("API highlight has markup besides <mark>: %q", it.Highlight)
		}
	}
}
