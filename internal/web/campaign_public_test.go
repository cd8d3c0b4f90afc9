package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/app"
	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/demo"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// TestCampaignPublic walks the public side of the award campaigns on the
// demo data: the list, the finished campaign's results with its
// correction and older version, the downloads, the badges, the award
// facet, the API, and the audience vote of the open campaign and of one
// whose vote has closed. The demo is filled once per engine, so the parts
// share it.
func TestCampaignPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		res, err := demo.Fill(ctx, s.app)
		if err != nil {
			t.Fatal(err)
		}
		seeded := res.Campaigns
		if seeded == nil || seeded.Skipped || seeded.FinishedID == 0 || seeded.OpenID == 0 {
			t.Fatalf("demo campaigns %+v", seeded)
		}
		fin, err := s.app.Campaigns.Campaign(ctx, seeded.FinishedID)
		if err != nil {
			t.Fatal(err)
		}
		results, err := s.app.Campaigns.Published(ctx, fin.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("pages", func(t *testing.T) { pubCheckPages(t, s, seeded, fin, results) })
		t.Run("downloads", func(t *testing.T) { pubCheckDownloads(t, s, fin, seeded.OpenID) })
		t.Run("badges", func(t *testing.T) { pubCheckBadges(t, s, fin, results) })
		t.Run("facet", func(t *testing.T) { pubCheckFacet(t, s, fin, results) })
		t.Run("api", func(t *testing.T) { pubCheckAPI(t, s, fin, seeded.OpenID) })
		t.Run("vote", func(t *testing.T) { pubCheckVote(t, s, seeded) })
		t.Run("closed vote", func(t *testing.T) { pubCheckClosedVote(t, s, seeded) })
	})
}

var pubHelsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return loc
}()

func pubDay(t time.Time) string { return t.In(pubHelsinki).Format("2.1.2006") }

func pubDayEN(t time.Time) string { return t.In(pubHelsinki).Format("2 Jan 2006") }

// pubEsc writes s as the templates do.
func pubEsc(s string) string {
	var b strings.Builder
	template.Must(template.New("").Parse("{{.}}")).Execute(&b, s)
	return b.String()
}

func pubCheckPages(t *testing.T, s *site, seeded *campaign.DemoResult, fin *campaign.Campaign, r *campaign.Results) {
	ctx := context.Background()
	open, err := s.app.Campaigns.Campaign(ctx, seeded.OpenID)
	if err != nil {
		t.Fatal(err)
	}
	c := s.client()
	page := c.get("/campaigns")
	wantStatus(t, page, http.StatusOK)
	mustContain(t, page.body, `href="/campaigns" aria-current="page">Palkinnot</a>`, "Kuntatyö2030",
		fmt.Sprintf(`<a href="/campaigns/%d">%s</a>`, fin.ID, fin.Name.FI), fmt.Sprintf(`<a href="/campaigns/%d">%s</a>`, open.ID, open.Name.FI),
		"Tulokset julkaistu", "Ilmoittautuminen käynnissä", "Yleisöäänestys käynnissä", `<th scope="col">Vaihe</th>`, "<caption")

	// The finished campaign: the headline, the winners by category, the
	// correction with its date and what it changed.
	if r.Version != 2 || r.Awards != 15 {
		t.Fatalf("demo results version %d awards %d", r.Version, r.Awards)
	}
	page = c.get(fmt.Sprintf("/campaigns/%d", fin.ID))
	wantStatus(t, page, http.StatusOK)
	mustContain(t, page.body, fmt.Sprintf("%d palkintoa %d ilmoittautuneesta", r.Awards, r.Entries),
		"Versio 2, julkaistu "+pubDay(r.PublishedAt),
		"Korjattu "+pubDay(r.PublishedAt)+": Kunniamaininnan perustelu tarkennettu.", "perustelua muutettu",
		"jossa henkilöstö on ollut mukana alusta asti", fmt.Sprintf(`href="/campaigns/%d?version=1">Versio 1</a>`, fin.ID),
		"Säännöt", "Arviointikriteerit", `<caption>Sarjat</caption>`, "1,5")
	miracles := pubResultSection(t, page.body, r, "Ihmeiden tekijä")
	winners, _, _ := strings.Cut(miracles, "Kunniamaininnat")
	mustContain(t, winners, "<h4>Palkitut</h4>", `<a href="/organisations/varkaus">Varkaus</a>`)
	// Awarded deeds link to their pages, their titles marked with their
	// language when it is not the page's.
	var foreign int
	for _, rc := range r.Categories {
		mustContain(t, page.body, fmt.Sprintf("%d ilmoittautunutta", rc.Entries))
		for _, a := range append(rc.Winners, rc.Mentions...) {
			if a.DeedID == 0 {
				continue
			}
			d, err := s.app.Deeds.Get(ctx, nil, a.DeedID)
			if err != nil {
				t.Fatal(err)
			}
			link := fmt.Sprintf(`<a href="/deeds/%d/%s">%s</a>`, d.ID, d.Slug, pubEsc(a.Title))
			if d.Lang != "fi" {
				link = fmt.Sprintf(`<a href="/deeds/%d/%s" lang="%s">%s</a>`, d.ID, d.Slug, d.Lang, pubEsc(a.Title))
				foreign++
			}
			mustContain(t, page.body, link)
		}
	}
	if foreign == 0 {
		t.Fatal("the demo awards no deed in Swedish or English, so language marking goes untested")
	}
	mustNotContain(t, page.body, "Yleisöäänestys</h2>", `action="/campaigns/`)

	// Version 1 stays readable as it was, and says it is not the latest.
	old := c.get(fmt.Sprintf("/campaigns/%d?version=1", fin.ID))
	wantStatus(t, old, http.StatusOK)
	mustContain(t, old.body, "Katselet tulosten aiempaa versiota 1.", fmt.Sprintf(`<a href="/campaigns/%d">Näytä uusin versio</a>`, fin.ID),
		"Versio 1, julkaistu", `<strong aria-current="page">Versio 1</strong>`, fmt.Sprintf("/campaigns/%d/results.csv?version=1", fin.ID))
	if strings.Contains(pubResultSection(t, old.body, r, "Ihmeiden tekijä"), "jossa henkilöstö on ollut mukana alusta asti") {
		t.Fatal("version 1 shows the corrected rationale")
	}
	for _, bad := range []string{"?version=3", "?version=0", "?version=abc"} {
		wantStatus(t, c.get(fmt.Sprintf("/campaigns/%d%s", fin.ID, bad)), http.StatusNotFound)
	}

	// Before publication: what is open, no results.
	page = c.get(fmt.Sprintf("/campaigns/%d", open.ID))
	wantStatus(t, page, http.StatusOK)
	n, err := s.app.Campaigns.EntryCount(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, page.body, open.Name.FI, "Ilmoittautuminen käynnissä", "Ilmoittautuneita tähän mennessä</dt><dd>"+fmt.Sprint(n)+"</dd>",
		"Ahkerin julkaisija", "Palkinto määräytyy ilmoittautumisaikana julkaistujen tekojen määrästä.")
	mustNotContain(t, page.body, "Tulokset</h2>", "palkintoa", "results.csv")
	wantStatus(t, c.get(fmt.Sprintf("/campaigns/%d?version=1", open.ID)), http.StatusNotFound)
	wantStatus(t, c.get("/campaigns/999999"), http.StatusNotFound)
	wantStatus(t, c.get(fmt.Sprintf("/campaigns/%d/nothing", fin.ID)), http.StatusNotFound)

	// The other languages.
	c.get("/lang/sv?next=/campaigns")
	mustContain(t, c.get("/campaigns").body, "Utmärkelser", fin.Name.SV, "Resultaten publicerade")
	mustContain(t, c.get(fmt.Sprintf("/campaigns/%d", fin.ID)).body, fmt.Sprintf("%d utmärkelser bland %d anmälda", r.Awards, r.Entries), "Underverkens skapare")
	c.get("/lang/en?next=/campaigns")
	mustContain(t, c.get(fmt.Sprintf("/campaigns/%d", fin.ID)).body, fmt.Sprintf("%d awards from %d entries", r.Awards, r.Entries),
		"Corrected "+pubDayEN(r.PublishedAt)+": ", "Miracle maker")
}

// pubResultSection is the part of a results page that shows one category.
func pubResultSection(t *testing.T, body string, r *campaign.Results, name string) string {
	t.Helper()
	for _, rc := range r.Categories {
		if rc.Name.FI != name {
			continue
		}
		_, rest, ok := strings.Cut(body, fmt.Sprintf(`<h3 id="result-%d">`, rc.ID))
		if !ok {
			t.Fatalf("no section for %s:\n%s", name, snippet(body))
		}
		sec, _, _ := strings.Cut(rest, "</section>")
		return sec
	}
	t.Fatalf("no category %s in the results", name)
	return ""
}

func pubCheckDownloads(t *testing.T, s *site, fin *campaign.Campaign, openID int64) {
	c := s.client()
	r := c.get(fmt.Sprintf("/campaigns/%d/results.csv", fin.ID))
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("CSV content type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="tekotori-campaign-%d-results-v2.csv"`, fin.ID) {
		t.Fatalf("CSV disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 16 || rows[0][0] != "campaign" || rows[1][1] != "2" {
		t.Fatalf("CSV has %d rows: %q", len(rows), rows[:min(2, len(rows))])
	}
	var varkaus bool
	for _, row := range rows[1:] {
		varkaus = varkaus || (row[3] == "Ihmeiden tekijä" && row[4] == "winner" && row[8] == "Varkaus")
	}
	if !varkaus {
		t.Fatalf("CSV lacks Varkaus's award:\n%s", r.body)
	}
	r = c.get(fmt.Sprintf("/campaigns/%d/results.csv?version=1", fin.ID))
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, ",1,") || !strings.Contains(r.header.Get("Content-Disposition"), "-v1.csv") {
		t.Fatalf("version 1 CSV: %s", r.header.Get("Content-Disposition"))
	}

	r = c.get(fmt.Sprintf("/campaigns/%d/results.json", fin.ID))
	wantStatus(t, r, http.StatusOK)
	if ct, cd := r.header.Get("Content-Type"), r.header.Get("Content-Disposition"); !strings.HasPrefix(ct, "application/json") ||
		!strings.HasPrefix(cd, "attachment;") || !strings.HasSuffix(cd, `-v2.json"`) {
		t.Fatalf("JSON headers %q %q", ct, cd)
	}
	var got campaign.Results
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	if got.CampaignID != fin.ID || got.Version != 2 || got.Awards != 15 || len(got.Categories) != 3 {
		t.Fatalf("JSON results %+v", got)
	}
	// The download and the API give the same document.
	if api := c.get(fmt.Sprintf("/api/v1/campaigns/%d/results", fin.ID)); api.body != r.body {
		t.Fatal("the JSON download differs from the API")
	}
	wantStatus(t, c.get(fmt.Sprintf("/campaigns/%d/results.json?version=5", fin.ID)), http.StatusNotFound)
	wantStatus(t, c.get(fmt.Sprintf("/campaigns/%d/results.csv", openID)), http.StatusNotFound)
	wantStatus(t, c.get(fmt.Sprintf("/campaigns/%d/results.json", openID)), http.StatusNotFound)
}

func pubCheckBadges(t *testing.T, s *site, fin *campaign.Campaign, r *campaign.Results) {
	c := s.client()
	var winner, mention campaign.Award
	var winnerCat, mentionCat string
	for _, rc := range r.Categories {
		if rc.Kind != campaign.KindDeed {
			continue
		}
		if winner.DeedID == 0 && len(rc.Winners) > 0 {
			winner, winnerCat = rc.Winners[0], rc.Name.FI
		}
		if mention.DeedID == 0 && len(rc.Mentions) > 0 {
			mention, mentionCat = rc.Mentions[0], rc.Name.FI
		}
	}
	if winner.DeedID == 0 || mention.DeedID == 0 {
		t.Fatalf("no awarded deeds in %+v", r.Categories)
	}
	page := c.follow(c.get(fmt.Sprintf("/deeds/%d", winner.DeedID)))
	mustContain(t, page.body, fmt.Sprintf(`Palkittu: <a href="/campaigns/%d">%s (%s)</a>`, fin.ID, winnerCat, fin.Name.FI))
	page = c.follow(c.get(fmt.Sprintf("/deeds/%d", mention.DeedID)))
	mustContain(t, page.body, fmt.Sprintf(`Kunniamaininta: <a href="/campaigns/%d">%s (%s)</a>`, fin.ID, mentionCat, fin.Name.FI))

	// A deed nobody awarded has no badge.
	var plain int64
	if err := s.app.DB.QueryRow(context.Background(), `SELECT d.id FROM deeds d WHERE d.state = 'published'
		AND NOT EXISTS (SELECT 1 FROM campaign_awards a WHERE a.deed_id = d.id) ORDER BY d.id LIMIT 1`).Scan(&plain); err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, c.follow(c.get(fmt.Sprintf("/deeds/%d", plain))).body, "deed-awards", "Palkittu:")

	// Varkaus won as an organisation, and its deed in a deed category.
	page = c.get("/organisations/varkaus")
	wantStatus(t, page, http.StatusOK)
	mustContain(t, page.body, `<h2 id="awards-title">Palkinnot</h2>`,
		fmt.Sprintf(`Palkittu: <a href="/campaigns/%d">Ihmeiden tekijä (%s)</a>`, fin.ID, fin.Name.FI))
	var none string
	if err := s.app.DB.QueryRow(context.Background(), `SELECT o.code FROM organisations o
		WHERE NOT EXISTS (SELECT 1 FROM campaign_awards a WHERE a.org_id = o.id) ORDER BY o.id LIMIT 1`).Scan(&none); err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, c.get("/organisations/"+none).body, `id="awards-title"`)
}

func pubCheckFacet(t *testing.T, s *site, fin *campaign.Campaign, r *campaign.Results) {
	c := s.client()
	for _, rc := range r.Categories {
		if rc.Kind != campaign.KindDeed {
			continue
		}
		label := fin.Name.FI + " – " + rc.Name.FI + ": palkittu"
		value := app.AwardValue(fin.ID, rc.ID, campaign.Winner)
		page := c.get("/search?" + url.Values{"award": {value}}.Encode())
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, fmt.Sprintf(">%d tekoa</h2>", len(rc.Winners)), "<summary>Palkinto</summary>", label)
		for _, a := range rc.Winners {
			mustContain(t, page.body, fmt.Sprintf(`href="/deeds/%d/`, a.DeedID))
		}
		var list struct {
			Total int `json:"total"`
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Facets map[string][]struct {
				Value string `json:"value"`
				Label string `json:"label"`
				Count int    `json:"count"`
			} `json:"facets"`
		}
		api := c.get("/api/v1/deeds?" + url.Values{"award": {value}}.Encode())
		wantStatus(t, api, http.StatusOK)
		if err := json.Unmarshal([]byte(api.body), &list); err != nil {
			t.Fatal(err)
		}
		if list.Total != len(rc.Winners) || len(list.Items) != len(rc.Winners) {
			t.Fatalf("award %q: %d deeds, want %d", label, list.Total, len(rc.Winners))
		}
		var counted bool
		for _, f := range list.Facets["award"] {
			counted = counted || (f.Value == value && f.Label == label && f.Count == len(rc.Winners))
		}
		if !counted {
			t.Fatalf("award facet %+v lacks %q", list.Facets["award"], label)
		}
		return
	}
	t.Fatal("no deed category")
}

func pubCheckAPI(t *testing.T, s *site, fin *campaign.Campaign, openID int64) {
	c := s.client()
	var list struct {
		Items []struct {
			ID               int64            `json:"id"`
			Name             i18n.Text        `json:"name"`
			Programme        i18n.Text        `json:"programme"`
			Phase            string           `json:"phase"`
			Entry            campaign.Window  `json:"entry_window"`
			Judging          campaign.Window  `json:"judging_window"`
			Vote             *campaign.Window `json:"vote_window"`
			URL              string           `json:"url"`
			ResultsURL       string           `json:"results_url"`
			PublishedVersion int              `json:"published_version"`
		} `json:"items"`
	}
	r := c.get("/api/v1/campaigns")
	wantStatus(t, r, http.StatusOK)
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 {
		t.Fatalf("%d campaigns: %s", len(list.Items), r.body)
	}
	for _, it := range list.Items {
		switch it.ID {
		case fin.ID:
			if it.Phase != "published" || it.PublishedVersion != 2 || it.Name.FI != fin.Name.FI || it.Programme.FI != "Kuntatyö2030" ||
				it.ResultsURL != fmt.Sprintf("http://tekotori.test/api/v1/campaigns/%d/results", fin.ID) ||
				it.URL != fmt.Sprintf("http://tekotori.test/campaigns/%d", fin.ID) || !it.Entry.Opens.Equal(fin.Entry.Opens) ||
				!it.Judging.Closes.Equal(fin.Judging.Closes) || it.Vote != nil {
				t.Fatalf("finished campaign %+v", it)
			}
		case openID:
			if it.Phase != "entries_open" || it.PublishedVersion != 0 || it.ResultsURL != "" || it.Vote == nil {
				t.Fatalf("open campaign %+v", it)
			}
		default:
			t.Fatalf("unknown campaign %+v", it)
		}
	}

	var res campaign.Results
	r = c.get(fmt.Sprintf("/api/v1/campaigns/%d/results", fin.ID))
	wantStatus(t, r, http.StatusOK)
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Version != 2 || res.Note == "" || len(res.Changes) != 1 || len(res.Categories) != 3 || res.Categories[0].Name.FI != "Ihmeiden tekijä" ||
		len(res.Categories[0].Winners) != 2 || len(res.Categories[0].Mentions) != 1 || res.Categories[1].Entries == 0 ||
		res.Categories[1].Winners[0].DeedID == 0 {
		t.Fatalf("results %s", r.body)
	}
	r = c.get(fmt.Sprintf("/api/v1/campaigns/%d/results?version=1", fin.ID))
	wantStatus(t, r, http.StatusOK)
	res = campaign.Results{}
	if err := json.Unmarshal([]byte(r.body), &res); err != nil || res.Version != 1 || res.Note != "" || len(res.Changes) != 0 {
		t.Fatalf("version 1: %v %s", err, r.body)
	}

	for path, status := range map[string]int{
		fmt.Sprintf("/api/v1/campaigns/%d/results", openID):             http.StatusNotFound,
		fmt.Sprintf("/api/v1/campaigns/%d/results?version=3", fin.ID):   http.StatusNotFound,
		fmt.Sprintf("/api/v1/campaigns/%d/results?version=abc", fin.ID): http.StatusBadRequest,
		"/api/v1/campaigns/999999/results":                              http.StatusNotFound,
		"/api/v1/campaigns/x/results":                                   http.StatusNotFound,
	} {
		r := c.get(path)
		wantStatus(t, r, status)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s: not an API error: %s", path, r.body)
		}
	}
}

func pubCheckVote(t *testing.T, s *site, seeded *campaign.DemoResult) {
	ctx := context.Background()
	ballot, err := s.app.Campaigns.Audience(ctx, nil, seeded.OpenID)
	if err != nil {
		t.Fatal(err)
	}
	var cats []campaign.AudienceCategory
	for _, ac := range ballot {
		if len(ac.Entries) >= 2 {
			cats = append(cats, ac)
		}
	}
	if len(cats) < 2 {
		t.Fatalf("the open campaign has too few entries to vote on: %+v", ballot)
	}
	first, second := cats[0], cats[1]
	path := fmt.Sprintf("/campaigns/%d", seeded.OpenID)
	vote := func(ac campaign.AudienceCategory, e int) url.Values {
		return url.Values{"category": {fmt.Sprint(ac.Category.ID)}, "entry": {fmt.Sprint(ac.Entries[e].EntryID)}}
	}

	// Anyone sees the entries; voting takes signing in.
	anon := s.client()
	page := anon.get(path)
	mustContain(t, page.body, "Yleisöäänestys</h2>", "Kirjaudu sisään äänestääksesi", pubEsc(first.Entries[0].Title))
	mustNotContain(t, page.body, `action="`+path+`/vote"`)
	r := anon.post(path+"/vote", vote(first, 0))
	wantStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.loc, "/login?next=") {
		t.Fatalf("anonymous vote went to %q", r.loc)
	}

	s.addUser("aanestaja@example.org", user.RoleMember, "kangasala")
	c := s.client()
	c.login("aanestaja@example.org")
	page = c.get(path)
	mustContain(t, page.body, `action="`+path+`/vote"`, fmt.Sprintf(`<legend><strong>%s</strong></legend>`, first.Category.Name.FI),
		fmt.Sprintf(`type="radio" name="entry" value="%d" required> <span`, first.Entries[0].EntryID), ">"+pubEsc(first.Entries[0].Title)+"</span>",
		"Äänestä sarjassa "+first.Category.Name.FI)

	// Nothing chosen.
	r = c.post(path+"/vote", url.Values{"category": {fmt.Sprint(first.Category.ID)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Ääntä ei kirjattu", "Valitse ehdokas, jota äänestät.", fmt.Sprintf(`href="#vote-%d"`, first.Category.ID))

	// One vote per category: the first counts, the second is refused.
	r = c.post(path+"/vote", vote(first, 1))
	wantStatus(t, r, http.StatusSeeOther)
	page = c.follow(r)
	mustContain(t, page.body, "Kiitos! Äänesi on kirjattu.", fmt.Sprintf("Äänestit tässä sarjassa: %s.", pubEsc(first.Entries[1].Title)))
	r = c.post(path+"/vote", vote(first, 0))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Ääntä ei kirjattu", "Olet jo äänestänyt tässä sarjassa.", `role="alert"`)
	// Another category takes its own vote.
	wantStatus(t, c.post(path+"/vote", vote(second, 0)), http.StatusSeeOther)
	u, err := s.app.Users.ByEmail(ctx, "aanestaja@example.org")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.app.Campaigns.MyVotes(ctx, u, seeded.OpenID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 2 || mine[first.Category.ID] != first.Entries[1].EntryID || mine[second.Category.ID] != second.Entries[0].EntryID {
		t.Fatalf("votes %v", mine)
	}

	// While the vote runs, the counts are hidden from the public and shown
	// to the programme admins as an interim count.
	mustNotContain(t, c.get(path).body, "ääntä</caption>")
	admin := s.client()
	r = admin.post("/login", url.Values{"email": {campaign.DemoProgrammeAdmin}, "password": {demo.Password}})
	wantStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.get(path).body, "Välitilanne näkyy vain ohjelman ylläpitäjille.",
		fmt.Sprintf("<caption>%s: 1 ääntä</caption>", first.Category.Name.FI))

	// The finished campaign has no audience vote.
	fin, err := s.app.Campaigns.Audience(ctx, nil, seeded.FinishedID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fin) != 0 {
		t.Fatalf("finished campaign ballot %+v", fin)
	}
	r = c.post(fmt.Sprintf("/campaigns/%d/vote", seeded.FinishedID), vote(first, 0))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Yleisöäänestys ei ole käytössä.")
	wantStatus(t, c.post(fmt.Sprintf("/campaigns/%d/other", seeded.OpenID), vote(first, 0)), http.StatusNotFound)
}

// pubCheckClosedVote plays a small campaign whose vote closed a while ago:
// its counts are public, a late vote is refused, and when its results
// are published the search index learns of the award by itself.
func pubCheckClosedVote(t *testing.T, s *site, seeded *campaign.DemoResult) {
	ctx := context.Background()
	day := 24 * time.Hour
	then := store.Now().Add(-30 * day)
	at := s.app.Campaigns.At(func() time.Time { return then })
	padmin, err := s.app.Users.ByEmail(ctx, campaign.DemoProgrammeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := at.CreateCampaign(ctx, padmin, seeded.ProgrammeID, campaign.CampaignInput{
		Name:           i18n.Text{FI: "Yleisön suosikit"},
		Entry:          campaign.Window{Opens: then.Add(-day), Closes: then.Add(day)},
		Judging:        campaign.Window{Opens: then.Add(2 * day), Closes: then.Add(3 * day)},
		AudienceVote:   true,
		Vote:           &campaign.Window{Opens: then.Add(-day), Closes: then.Add(5 * day)},
		JurorsPerEntry: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := at.AddCategory(ctx, padmin, c.ID, campaign.CategoryInput{Name: i18n.Text{FI: "Suosikkiteko"}, Kind: campaign.KindDeed, Winners: 1})
	if err != nil {
		t.Fatal(err)
	}
	deeds, err := s.app.Deeds.List(ctx, nil, deed.Filter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var entries []*campaign.Entry
	for _, d := range deeds.Items {
		e, err := at.EnterDeed(ctx, padmin, cat.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	voter := s.addUser("myohassa@example.org", user.RoleMember, "")
	if err := at.Vote(ctx, voter, entries[1].ID, ""); err != nil {
		t.Fatal(err)
	}

	cl := s.client()
	cl.login("myohassa@example.org")
	path := fmt.Sprintf("/campaigns/%d", c.ID)
	page := cl.get(path)
	mustContain(t, page.body, "Äänestys päättyi", "<caption>Suosikkiteko: 1 ääntä</caption>",
		fmt.Sprintf(`<th scope="row"><a href="/deeds/%d/%s"`, deeds.Items[1].ID, deeds.Items[1].Slug), ">"+pubEsc(entries[1].Title)+"</a>", "<td>1</td>")
	mustNotContain(t, page.body, `action="`+path+`/vote"`, "Välitilanne")
	r := cl.post(path+"/vote", url.Values{"category": {fmt.Sprint(cat.ID)}, "entry": {fmt.Sprint(entries[0].ID)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Ääntä ei kirjattu", "Äänestys ei ole auki: se on päättynyt tai ei ole vielä alkanut.")

	// Publishing changes no deed; the index still picks up the award.
	if err := s.app.Campaigns.Decide(ctx, padmin, entries[0].ID, campaign.Winner, "Yleisön ja tuomariston suosikki."); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Campaigns.Publish(ctx, padmin, c.ID, ""); err != nil {
		t.Fatal(err)
	}
	label := app.AwardValue(c.ID, cat.ID, campaign.Winner)
	deadline := time.Now().Add(15 * time.Second)
	for {
		var list struct {
			Total int `json:"total"`
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		json.Unmarshal([]byte(cl.get("/api/v1/deeds?"+url.Values{"award": {label}}.Encode()).body), &list)
		if list.Total == 1 && list.Items[0].ID == deeds.Items[0].ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index did not learn of the award: %+v", list)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mustContain(t, cl.follow(cl.get(fmt.Sprintf("/deeds/%d", deeds.Items[0].ID))).body,
		fmt.Sprintf(`Palkittu: <a href="/campaigns/%d">Suosikkiteko (Yleisön suosikit)</a>`, c.ID))
}
