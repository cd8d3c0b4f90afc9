// Package e2e drives Tekotori's key journeys in a real headless Chromium
// and checks the pages with axe-core against WCAG 2.1 A and AA.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
	"github.com/tekotori/tekotori/internal/web"
)

const password = "selain-salasana-1"

// browserPath finds Debian's Chromium; without it the journeys cannot run,
// which under CI is a failure.
func browserPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("TEKOTORI_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("e2e: Chromium is required under CI (scripts/setup installs Debian's chromium)")
	}
	t.Skip("e2e: no Chromium; run scripts/setup")
	return ""
}

func axeSource(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("e2e: axe-core missing under CI: %v", err)
		}
		t.Skipf("e2e: axe-core not installed (npm ci in e2e/): %v", err)
	}
	return string(b)
}

type env struct {
	t    *testing.T
	base string
	app  *app.App
	axe  string
	exec string
}

func setup(t *testing.T) *env {
	exe := browserPath(t)
	axe := axeSource(t)
	db := storetest.Open(t, storetest.SQLite)
	ctx := context.Background()
	a, err := app.New(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Fill(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := a.StartSearch(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s, err := web.New(a, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, base: srv.URL, app: a, axe: axe, exec: exe}
}

func (e *env) addUser(email string, role user.Role, orgCode string) {
	e.t.Helper()
	ctx := context.Background()
	var orgID int64
	if orgCode != "" {
		o, err := e.app.Orgs.ByCode(ctx, orgCode)
		if err != nil {
			e.t.Fatal(err)
		}
		orgID = o.ID
	}
	if _, err := e.app.Users.Create(ctx, user.NewUser{Email: email, Name: "Selain " + string(role), Password: password, Role: role, OrgID: orgID, Lang: "fi"}); err != nil {
		e.t.Fatal(err)
	}
}

// browser starts a fresh Chromium profile: each person in a journey has
// their own cookies.
func (e *env) browser() (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(e.exec),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(e.t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	// Headless Chromium asks for English whatever its flags say; the
	// journeys are written for the Finnish interface, chosen as a person would.
	e.run(ctx, chromedp.Navigate(e.base+"/lang/fi?next=/"))
	return ctx, func() { cancelTimeout(); cancelCtx(); cancelAlloc() }
}

func (e *env) run(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		e.t.Fatal(err)
	}
}

func get[T any](e *env, ctx context.Context, a chromedp.Action[T]) T {
	e.t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// waitURL waits until the page's address contains part, for clicks that
// navigate.
func (e *env) waitURL(ctx context.Context, part string) {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		loc := get(e, ctx, chromedp.Location())
		if strings.Contains(loc, part) {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("page stayed at %s, waiting for %q", loc, part)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *env) text(ctx context.Context, sel string) string {
	e.t.Helper()
	return get(e, ctx, chromedp.Text(sel))
}

func (e *env) eval(ctx context.Context, js string) string {
	e.t.Helper()
	return get(e, ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
}

type axeViolation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Description string `json:"description"`
	Nodes       []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// violations runs axe-core on the current page against WCAG 2.1 A and AA.
func (e *env) violations(ctx context.Context, page string) []axeViolation {
	e.t.Helper()
	raw := e.eval(ctx, e.axe+`;
		axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
		   .then(r => JSON.stringify(r.violations))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		e.t.Fatalf("%s: axe result: %v", page, err)
	}
	return vs
}

// checkA11y fails the test on any WCAG 2.1 A or AA violation on the page.
func (e *env) checkA11y(ctx context.Context, page string) {
	e.t.Helper()
	for _, v := range e.violations(ctx, page) {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		e.t.Errorf("%s: accessibility violation %s (%s): %s at %s", page, v.ID, v.Impact, v.Description, strings.Join(targets, ", "))
	}
}

// TestPublishJourney: a member writes a deed with the keyboard, a moderator
// returns it, the member fixes it, the moderator publishes it and a visitor
// finds it through the filters. Every page on the way passes axe.
func TestPublishJourney(t *testing.T) {
	e := setup(t)
	e.addUser("jasen.selain@example.org", user.RoleMember, "kangasala")
	e.addUser("moderaattori.selain@example.org", user.RoleModerator, "")

	member, stop := e.browser()
	defer stop()
	// The first Tab lands on the skip link, which leads to the content.
	e.run(member, chromedp.Navigate(e.base+"/"), chromedp.WaitVisible("main#main"), chromedp.KeyEvent(kb.Tab))
	active := e.eval(member, `document.activeElement.textContent`)
	if active != "Siirry sisältöön" {
		t.Fatalf("first tab stop is %q", active)
	}
	e.checkA11y(member, "home")

	// Sign in by keyboard alone.
	e.run(member, chromedp.Navigate(e.base+"/login"), chromedp.WaitVisible("#f-email"))
	e.checkA11y(member, "login")
	e.run(member,
		chromedp.Focus("#f-email"), chromedp.SendKeys("#f-email", "jasen.selain@example.org"),
		chromedp.KeyEvent(kb.Tab), chromedp.SendKeys("#f-password", password), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`form[action="/logout"]`))

	// An incomplete submission comes back with an error summary and the text kept.
	e.run(member, chromedp.Navigate(e.base+"/deeds/new"), chromedp.WaitVisible("#f-title"))
	e.checkA11y(member, "new deed form")
	e.run(member,
		chromedp.SendKeys("#f-title", "Selaimella kirjoitettu teko"),
		chromedp.SendKeys("#f-need", "Tarve kirjoitettiin näppäimistöllä."),
		chromedp.Click(`button[value="submit"]`),
		chromedp.WaitVisible(".error-summary"))
	e.checkA11y(member, "form with errors")
	need := get(e, member, chromedp.Value("#f-need"))
	if need != "Tarve kirjoitettiin näppäimistöllä." {
		t.Fatalf("typed text lost: %q", need)
	}
	// The summary's links lead to the fields.
	e.run(member, chromedp.Click(`.error-summary a[href="#f-summary"]`))
	active = e.eval(member, `location.hash`)
	if active != "#f-summary" {
		t.Fatalf("summary link went to %q", active)
	}

	e.run(member,
		chromedp.SendKeys("#f-summary", "Teko kirjoitettiin ja lähetettiin oikealla selaimella."),
		chromedp.SetValue("#f-sector", "opetus"),
		chromedp.Click(`input[name="themes"][value="digitalisaatio"]`),
		chromedp.Click(`input[name="status"][value="in_progress"]`),
		chromedp.SendKeys("#f-year", "2025"),
		chromedp.SendKeys("#f-solution", "Ratkaisu kuvattiin lomakkeella."),
		chromedp.SendKeys("#f-contact_name", "Selma Selain"),
		chromedp.SendKeys("#f-contact_email", "selma.selain@example.org"),
		chromedp.Click(`button[value="submit"]`),
		chromedp.WaitVisible(".notice"))
	if got := e.text(member, ".notice"); !strings.Contains(got, "lähetetty moderoitavaksi") {
		t.Fatalf("after submit: %q", got)
	}
	deedURL := strings.SplitN(get(e, member, chromedp.Location()), "?", 2)[0]

	// The moderator returns it with a reason.
	mod, stopMod := e.browser()
	defer stopMod()
	e.run(mod, chromedp.Navigate(e.base+"/login"),
		chromedp.SendKeys("#f-email", "moderaattori.selain@example.org"),
		chromedp.SendKeys("#f-password", password), chromedp.Submit("#f-password"),
		chromedp.WaitVisible(`a[href="/moderation"]`),
		chromedp.Navigate(e.base+"/moderation"), chromedp.WaitVisible("main#main h1"))
	e.checkA11y(mod, "moderation queue")
	e.run(mod, chromedp.Click(`//a[contains(., "Selaimella kirjoitettu teko")]`),
		chromedp.WaitVisible("#f-reason"))
	e.checkA11y(mod, "deed under moderation")
	e.run(mod, chromedp.SendKeys("#f-reason", "Kerro tuloksista."),
		chromedp.Click(`.return-form button`), chromedp.WaitVisible(".notice"))

	// The member sees why, adds results and resubmits.
	e.run(member, chromedp.Navigate(deedURL), chromedp.WaitVisible(".return-reason"))
	if got := e.text(member, ".return-reason"); !strings.Contains(got, "Kerro tuloksista.") {
		t.Fatalf("return reason: %q", got)
	}
	e.run(member, chromedp.Click(`//a[text()="Muokkaa"]`), chromedp.WaitVisible("#f-results"),
		chromedp.SendKeys("#f-results", "Kokeilu tavoitti 120 oppilasta."),
		chromedp.Click(`button[value="submit"]`), chromedp.WaitVisible(".notice"))

	// The moderator publishes.
	e.run(mod, chromedp.Navigate(deedURL), chromedp.WaitVisible(`form[action$="/publish"] button`),
		chromedp.Click(`form[action$="/publish"] button`), chromedp.WaitVisible(".notice"))

	// A visitor finds it by filtering the browse list, and reads it.
	visitor, stopVisitor := e.browser()
	defer stopVisitor()
	e.run(visitor, chromedp.Navigate(e.base+"/deeds"), chromedp.WaitVisible("#results-title"))
	e.checkA11y(visitor, "browse")
	e.run(visitor, chromedp.Click(`//summary[text()="Toimiala"]`))
	e.run(visitor, chromedp.Click(`input[name="sector"][value="opetus"]`))
	e.run(visitor, chromedp.Click(`//summary[text()="Tilanne"]`))
	e.run(visitor, chromedp.Click(`input[name="status"][value="in_progress"]`))
	e.run(visitor, chromedp.Click(`.filters button[type="submit"]`))
	e.waitURL(visitor, "status=in_progress")
	if loc := get(e, visitor, chromedp.Location()); !strings.Contains(loc, "sector=opetus") {
		t.Fatalf("filters not applied: %s", loc)
	}
	e.run(visitor, chromedp.Click(`//a[contains(., "Selaimella kirjoitettu teko")]`))
	e.run(visitor, chromedp.WaitVisible(".deed-facts"))
	// The contact person did not consent to publication, so a visitor does not see them.
	if got := e.text(visitor, "main#main"); !strings.Contains(got, "Kokeilu tavoitti 120 oppilasta.") || strings.Contains(got, "Selma Selain") {
		t.Fatalf("published page: %q", got)
	}
	e.checkA11y(visitor, "deed page")

	// The language switch changes the whole page.
	e.run(visitor, chromedp.Click(`//a[text()="Svenska"]`), chromedp.WaitVisible(`main#main`))
	if lang := e.eval(visitor, `document.documentElement.lang`); lang != "sv" {
		t.Fatalf("lang %q", lang)
	}
	e.checkA11y(visitor, "deed page in Swedish")
	e.run(visitor, chromedp.Navigate(e.base+"/organisations"), chromedp.WaitVisible("main#main h1"))
	e.checkA11y(visitor, "organisations")
}

// The checker itself must see a problem where there is one, or the checks
// above would prove nothing.
func TestAxeSeesViolations(t *testing.T) {
	e := setup(t)
	ctx, stop := e.browser()
	defer stop()
	e.run(ctx, chromedp.Navigate(`data:text/html,<!doctype html><html><body><img src="x.png"><input type="text"></body></html>`))
	ids := map[string]bool{}
	for _, v := range e.violations(ctx, "broken page") {
		ids[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label", "html-has-lang"} {
		if !ids[want] {
			t.Errorf("axe did not report %s; got %v", want, ids)
		}
	}
}

// TestSearchJourney: a visitor types an inflected Finnish word into the
// header's search box, gets ranked results with the words marked, narrows
// them with a facet, and the pages pass axe.
func TestSearchJourney(t *testing.T) {
	e := setup(t)
	ctx, stop := e.browser()
	defer stop()
	e.run(ctx, chromedp.Navigate(e.base+"/"), chromedp.WaitVisible("#site-q"),
		chromedp.SendKeys("#site-q", "hyvinvoinnin"), chromedp.KeyEvent(kb.Enter))
	e.waitURL(ctx, "q=hyvinvoinnin")
	e.run(ctx, chromedp.WaitVisible("#results-title"))
	e.checkA11y(ctx, "search results")
	if n := e.eval(ctx, `String(document.querySelectorAll(".results mark").length)`); n == "0" {
		t.Fatal("no marked words in the results")
	}
	total := e.text(ctx, "#results-title")
	e.run(ctx, chromedp.Click(`//summary[text()="Toimiala"]`))
	e.run(ctx, chromedp.Click(`.filters input[name="sector"]`))
	e.run(ctx, chromedp.Click(`.filters button[type="submit"]`))
	e.waitURL(ctx, "sector=")
	e.run(ctx, chromedp.WaitVisible("#results-title"))
	if narrowed := e.text(ctx, "#results-title"); narrowed == total {
		t.Fatalf("the facet did not narrow %q", total)
	}
	e.checkA11y(ctx, "search results with a facet")
	// A typo still finds deeds, and the page says which word was used.
	e.run(ctx, chromedp.Navigate(e.base+"/search?q=ruokah%C3%A4vikn"), chromedp.WaitVisible("#results-title"))
	if got := e.text(ctx, "#results-title"); strings.HasPrefix(got, "0 ") {
		t.Fatalf("typo found nothing: %q", got)
	}
}

// TestCampaignJourney: an organisation editor enters a deed into the open
// demo campaign,
// the programme admin looks over the finished campaign's ranking, jury and
// audit, a juror opens their work, and a visitor reads the published
// results; every page passes axe.
func TestCampaignJourney(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	var finished, deedID int64
	if err := e.app.DB.QueryRow(ctx, `SELECT campaign_id FROM campaign_results ORDER BY id LIMIT 1`).Scan(&finished); err != nil {
		t.Fatal(err)
	}
	if err := e.app.DB.QueryRow(ctx, `SELECT d.id FROM deeds d JOIN organisations o ON o.id = d.org_id WHERE o.code = 'varkaus' AND d.state = 'published' ORDER BY d.id LIMIT 1`).Scan(&deedID); err != nil {
		t.Fatal(err)
	}
	login := func(email string) (context.Context, context.CancelFunc) {
		b, stop := e.browser()
		e.run(b, chromedp.Navigate(e.base+"/login"), chromedp.WaitVisible("#f-email"),
			chromedp.SendKeys("#f-email", email), chromedp.SendKeys("#f-password", demo.Password),
			chromedp.Submit("#f-password"), chromedp.WaitVisible(`form[action="/logout"]`))
		return b, stop
	}

	member, stop := login("toimittaja@example.org")
	defer stop()
	e.run(member, chromedp.Navigate(e.base+"/campaigns/enter"), chromedp.WaitVisible("main#main h1"))
	e.checkA11y(member, "entrant's campaigns")
	e.run(member, chromedp.Navigate(fmt.Sprintf("%s/deeds/%d/enter", e.base, deedID)), chromedp.WaitVisible(`input[name="enter_category"]`))
	e.checkA11y(member, "enter a deed")
	e.run(member, chromedp.Click(`input[name="enter_category"]`), chromedp.Click(`form[action$="/enter"] button`))
	e.run(member, chromedp.WaitVisible(".notice"))

	admin, stopAdmin := login(campaign.DemoProgrammeAdmin)
	defer stopAdmin()
	for _, page := range []string{"/admin/campaigns", fmt.Sprintf("/admin/campaigns/%d", finished), fmt.Sprintf("/admin/campaigns/%d/results", finished),
		fmt.Sprintf("/admin/campaigns/%d/jury", finished), fmt.Sprintf("/admin/campaigns/%d/audit", finished)} {
		e.run(admin, chromedp.Navigate(e.base+page), chromedp.WaitVisible("main#main h1"))
		e.checkA11y(admin, page)
	}

	juror, stopJuror := login(campaign.DemoJurors()[0].Email)
	defer stopJuror()
	e.run(juror, chromedp.Navigate(e.base+"/jury"), chromedp.WaitVisible("main#main h1"))
	e.checkA11y(juror, "jury work list")
	if href := e.eval(juror, `(document.querySelector('main a[href^="/jury/entries/"]') || {}).getAttribute ? document.querySelector('main a[href^="/jury/entries/"]').getAttribute("href") : ""`); href != "" {
		e.run(juror, chromedp.Navigate(e.base+href), chromedp.WaitVisible("main#main h1"))
		e.checkA11y(juror, "jury entry")
	}

	visitor, stopVisitor := e.browser()
	defer stopVisitor()
	e.run(visitor, chromedp.Navigate(e.base+"/campaigns"), chromedp.WaitVisible("main#main h1"))
	e.checkA11y(visitor, "campaigns")
	e.run(visitor, chromedp.Navigate(fmt.Sprintf("%s/campaigns/%d", e.base, finished)), chromedp.WaitVisible("main#main h1"))
	if got := e.text(visitor, "main#main"); !strings.Contains(got, "Varkaus") {
		t.Fatalf("results page lacks the winners: %.300s", got)
	}
	e.checkA11y(visitor, "campaign results")
}
