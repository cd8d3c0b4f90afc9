package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// addNamed creates an account with a name of its own, so that pages
// listing several jurors can be told apart.
func (s *site) addNamed(email, name string, role user.Role, orgCode string) *user.User {
	s.t.Helper()
	var orgID int64
	if orgCode != "" {
		orgID = orgIDOf(s.t, s, orgCode)
	}
	u, err := s.app.Users.Create(context.Background(), user.NewUser{Email: email, Name: name, Password: testPassword, Role: role, OrgID: orgID, Lang: "fi"})
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// orgIDOf is orgID under a name the local variable orgID does not shadow.
func orgIDOf(t *testing.T, s *site, code string) int64 { return orgID(t, s, code) }

// helsinkiInput formats t as a datetime-local value in Finnish time, as
// the campaign form takes it.
func helsinkiInput(t *testing.T, at time.Time) string {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return at.In(loc).Format("2006-01-02T15:04")
}

// match returns the first submatch of re in body, failing when there is
// none.
func match(t *testing.T, body, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in:\n%s", re, snippet(body))
	}
	return m[1]
}

// matches returns every first submatch of re in body, in page order,
// without repeats.
func matches(body, re string) []string {
	var out []string
	for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// publishedDeed writes a complete deed as author, and the moderator
// publishes it; it returns the deed's id.
func publishedDeed(t *testing.T, author, mod *client, org int64, title string) string {
	t.Helper()
	form := completeDeed(org, title)
	form.Set("action", "submit")
	form.Set("not_duplicate", "1")
	r := author.postMultipart("/deeds/new", form)
	wantStatus(t, r, http.StatusSeeOther)
	id := deedID(t, r.loc)
	wantStatus(t, mod.post("/deeds/"+id+"/publish", nil), http.StatusSeeOther)
	return id
}

// campaignForm is a complete campaign form with windows around now.
func campaignForm(t *testing.T, entryOpens, entryCloses, judgingOpens, judgingCloses time.Time) url.Values {
	return url.Values{
		"campaign_name_fi": {"Kuntatyö2030-palkinnot"}, "campaign_name_sv": {"Kommunarbete2030-priserna"}, "campaign_name_en": {"Municipal Work 2030 awards"},
		"campaign_description_fi": {"Vuoden kehittämisteot."}, "campaign_rules_fi": {"Kuka tahansa voi ilmoittaa julkaistun teon."},
		"campaign_entry_opens": {helsinkiInput(t, entryOpens)}, "campaign_entry_closes": {helsinkiInput(t, entryCloses)},
		"campaign_judging_opens": {helsinkiInput(t, judgingOpens)}, "campaign_judging_closes": {helsinkiInput(t, judgingCloses)},
		"campaign_audience_vote": {"0"}, "campaign_blind": {"0"}, "campaign_conflict_same_county": {"0"},
		"campaign_jurors_per_entry": {"2"},
	}
}

// scoreForm is a review form giving each criterion its value.
func scoreForm(action string, crs []string, values ...int) url.Values {
	f := url.Values{"action": {action}}
	for i, cr := range crs {
		if i < len(values) {
			f.Set("score_"+cr, fmt.Sprint(values[i]))
			f.Set("comment_"+cr, fmt.Sprintf("Perustelu %d kriteerille.", values[i]))
		}
	}
	return f
}

// TestCampaignRun plays a whole award campaign through the pages, role by
// role: a site admin starts a programme, its admin sets up a campaign,
// members enter deeds and an organisation, jurors accept invitations,
// conflicts appear, entries are assigned and scored, decisions are made,
// feedback is approved, the results are published and corrected, and the
// audit log downloads with all of it.
func TestCampaignRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addNamed("yllapito@example.org", "Ylla Pito", user.RoleAdmin, "")
		s.addNamed("ohjelma@example.org", "Outi Ohjelma", user.RoleMember, "")
		s.addNamed("jasen@example.org", "Jaana Jäsen", user.RoleMember, "kangasala")
		s.addNamed("ulko@example.org", "Ulla Ulkopuolinen", user.RoleMember, "varkaus")
		s.addNamed("toimittaja@example.org", "Tommi Toimittaja", user.RoleOrgEditor, "varkaus")
		s.addNamed("moderaattori@example.org", "Mona Moderaattori", user.RoleModerator, "")
		s.addNamed("tuomari1@example.org", "Tuula Tuomari", user.RoleMember, "")
		s.addNamed("tuomari2@example.org", "Teemu Tuomari", user.RoleMember, "")
		s.addNamed("tuomari3@example.org", "Kaisa Kangasalta", user.RoleMember, "kangasala")
		kangasala, varkaus := orgID(t, s, "kangasala"), orgID(t, s, "varkaus")

		site := s.client()
		site.login("yllapito@example.org")
		padmin := s.client()
		padmin.login("ohjelma@example.org")
		member := s.client()
		member.login("jasen@example.org")
		outsider := s.client()
		outsider.login("ulko@example.org")
		editor := s.client()
		editor.login("toimittaja@example.org")
		mod := s.client()
		mod.login("moderaattori@example.org")
		anon := s.client()

		// Deeds to enter: two from Kangasala, one from Varkaus.
		deedA := publishedDeed(t, member, mod, kangasala, "Kotihoidon toiminnanohjaus")
		_ = publishedDeed(t, member, mod, kangasala, "Nuorten kesätyösetelit")
		deedC := publishedDeed(t, outsider, mod, varkaus, "Ikäihmisten liikuntaryhmät")

		// A site admin starts a programme; a name only in Swedish is
		// refused and what was typed stays.
		wantStatus(t, anon.get("/admin/campaigns"), http.StatusSeeOther)
		r := site.post("/admin/campaigns", url.Values{"programme_name_sv": {"Bara svenska"}, "programme_description_fi": {"Kuvaus jää."}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Lomakkeessa on korjattavaa", `href="#f-programme_name_fi"`, "Tämä tieto tarvitaan.",
			`value="Bara svenska"`, "Kuvaus jää.", `aria-invalid="true"`)
		// Members cannot start programmes.
		wantStatus(t, member.post("/admin/campaigns", url.Values{"programme_name_fi": {"Oma"}}), http.StatusForbidden)
		r = site.post("/admin/campaigns", url.Values{"programme_name_fi": {"Kuntatyö2030"}, "programme_name_sv": {"Kommunarbete2030"}})
		wantStatus(t, r, http.StatusSeeOther)
		progPath := strings.SplitN(r.loc, "?", 2)[0]
		mustContain(t, site.follow(r).body, "Palkinto-ohjelma on luotu", "Kuntatyö2030")

		// It adds the programme admin by e-mail; an unknown address is refused.
		r = site.post(progPath+"/admins", url.Values{"admin_email": {"ei.ole@example.org"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Käyttäjää ei löydy.", `value="ei.ole@example.org"`, `href="#f-admin_email"`)
		wantStatus(t, member.get(progPath), http.StatusForbidden)
		r = site.post(progPath+"/admins", url.Values{"admin_email": {"OHJELMA@example.org"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, site.follow(r).body, "Ylläpitäjä on lisätty.", "Outi Ohjelma")
		mustContain(t, padmin.get("/admin/campaigns").body, "Kuntatyö2030")
		mustContain(t, member.get("/admin/campaigns").body, "Et ylläpidä yhtään palkinto-ohjelmaa")

		// The programme admin creates the campaign. Windows are in Finnish
		// time; a window that closes before it opens and a time that is
		// not a time are refused, with everything kept.
		now := time.Now()
		day := 24 * time.Hour
		bad := campaignForm(t, now.Add(-day), now.Add(-2*day), now.Add(day), now.Add(10*day))
		r = padmin.post(progPath+"/campaigns/new", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-campaign_entry_window"`, "Päättymisajan pitää olla alkamisajan jälkeen",
			`value="Kuntatyö2030-palkinnot"`, `value="`+helsinkiInput(t, now.Add(-2*day))+`"`, "Europe/Helsinki")
		bad.Set("campaign_judging_closes", "ensi viikolla")
		r = padmin.post(progPath+"/campaigns/new", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Anna päivä ja kellonaika", `value="ensi viikolla"`)
		form := campaignForm(t, now.Add(-day), now.Add(day), now.Add(day), now.Add(10*day))
		r = padmin.post(progPath+"/campaigns/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		cid := match(t, r.loc, `^/admin/campaigns/(\d+)/settings`)
		base := "/admin/campaigns/" + cid
		page := padmin.follow(r)
		mustContain(t, page.body, "Kilpailu on luotu", `value="`+helsinkiInput(t, now.Add(day))+`"`)

		// Categories: at least one winner or mention is needed.
		cat := url.Values{"category_name_fi": {"Innostavat teot"}, "category_kind": {"deed"}, "category_rule": {"jury"},
			"category_winners": {"0"}, "category_mentions": {"0"}}
		r = padmin.post(base+"/categories/new", cat)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-category_winners"`, "Anna luku väliltä", `value="Innostavat teot"`)
		cat.Set("category_winners", "yksi")
		r = padmin.post(base+"/categories/new", cat)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Kirjoita kokonaisluku", `value="yksi"`)
		cat.Set("category_winners", "1")
		cat.Set("category_mentions", "1")
		wantStatus(t, padmin.post(base+"/categories/new", cat), http.StatusSeeOther)
		wantStatus(t, padmin.post(base+"/categories/new", url.Values{"category_name_fi": {"Rohkeat kokeilut"}, "category_kind": {"deed"},
			"category_rule": {"jury"}, "category_winners": {"1"}, "category_position": {"1"}}), http.StatusSeeOther)
		wantStatus(t, padmin.post(base+"/categories/new", url.Values{"category_name_fi": {"Ihmeiden tekijä"}, "category_kind": {"org"},
			"category_rule": {"jury"}, "category_winners": {"1"}, "category_position": {"2"}}), http.StatusSeeOther)
		wantStatus(t, padmin.post(base+"/categories/new", url.Values{"category_name_fi": {"Väliaikainen"}, "category_kind": {"org"},
			"category_rule": {"most_deeds"}, "category_winners": {"1"}, "category_position": {"3"}}), http.StatusSeeOther)
		page = padmin.get(base + "/settings")
		cats := matches(page.body, base+`/categories/(\d+)"`)
		if len(cats) != 4 {
			t.Fatalf("categories %v", cats)
		}
		catDeeds, catBold, catOrg := cats[0], cats[1], cats[2]
		// A category is edited and one without entries deleted.
		r = padmin.get(base + "/categories/" + catDeeds)
		mustContain(t, r.body, `value="Innostavat teot"`, `value="deed" checked`)
		cat.Set("category_name_sv", "Inspirerande gärningar")
		wantStatus(t, padmin.post(base+"/categories/"+catDeeds, cat), http.StatusSeeOther)
		r = padmin.post(base+"/categories/"+cats[3]+"/delete", nil)
		wantStatus(t, r, http.StatusSeeOther)
		page = padmin.follow(r)
		mustContain(t, page.body, "Poistettu.")
		mustNotContain(t, page.body, "Väliaikainen")

		// Criteria: the scale must run upwards, the weight be a number.
		crit := url.Values{"criterion_name_fi": {"Vaikuttavuus"}, "criterion_weight": {"kaksi"}, "criterion_scale_min": {"5"}, "criterion_scale_max": {"1"}}
		r = padmin.post(base+"/criteria/new", crit)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Kirjoita luku", `value="kaksi"`)
		crit.Set("criterion_weight", "2")
		r = padmin.post(base+"/criteria/new", crit)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-criterion_scale"`, "Asteikon alku- ja loppuarvo eivät kelpaa", `value="Vaikuttavuus"`)
		crit.Set("criterion_scale_min", "1")
		crit.Set("criterion_scale_max", "5")
		wantStatus(t, padmin.post(base+"/criteria/new", crit), http.StatusSeeOther)
		wantStatus(t, padmin.post(base+"/criteria/new", url.Values{"criterion_name_fi": {"Siirrettävyys"}, "criterion_weight": {"1,5"},
			"criterion_scale_min": {"1"}, "criterion_scale_max": {"5"}, "criterion_position": {"1"}}), http.StatusSeeOther)
		page = padmin.get(base + "/settings")
		crs := matches(page.body, base+`/criteria/(\d+)"`)
		if len(crs) != 2 {
			t.Fatalf("criteria %v", crs)
		}
		mustContain(t, page.body, "1,5", "1–5")

		// Members may not run the campaign.
		wantStatus(t, member.get(base), http.StatusForbidden)
		wantStatus(t, member.get(base+"/settings"), http.StatusForbidden)
		wantStatus(t, member.post(base+"/publish", nil), http.StatusForbidden)
		wantStatus(t, anon.get(base), http.StatusSeeOther)

		// Entering: the author enters deed A from its own entry page.
		page = member.get("/campaigns/enter")
		mustContain(t, page.body, "Kilpailut, joihin voi nyt ilmoittautua", "Kuntatyö2030-palkinnot", "/deeds/"+deedA+"/enter")
		page = member.get("/deeds/" + deedA + "/enter")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Ilmoita palkintokilpailuun", "Innostavat teot", "Rohkeat kokeilut")
		mustNotContain(t, page.body, "Ihmeiden tekijä")
		r = member.post("/deeds/"+deedA+"/enter", url.Values{})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-enter_category"`, "Tämä tieto tarvitaan.")
		r = member.post("/deeds/"+deedA+"/enter", url.Values{"enter_category": {catDeeds}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, member.follow(r).body, "Ilmoittautuminen on vastaanotettu", "Kotihoidon toiminnanohjaus")
		r = member.post("/deeds/"+deedA+"/enter", url.Values{"enter_category": {catDeeds}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tämä on jo ilmoitettu tähän sarjaan.")
		// Others' deeds cannot be entered by a member.
		wantStatus(t, outsider.get("/deeds/"+deedA+"/enter"), http.StatusForbidden)
		r = outsider.post("/deeds/"+deedC+"/enter", url.Values{"enter_category": {catDeeds}})
		wantStatus(t, r, http.StatusSeeOther)
		// The organisation's editor enters the organisation.
		page = editor.get("/campaigns/enter")
		mustContain(t, page.body, "Ilmoita organisaatio", "Ihmeiden tekijä")
		r = editor.post("/campaigns/enter", url.Values{"op": {"org"}, "org_category": {catOrg}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, editor.follow(r).body, "Ilmoittautuminen on vastaanotettu")

		// The admin enrols the rest published in the window: deed B.
		r = padmin.post(base+"/categories/"+catDeeds+"/enrol", nil)
		wantStatus(t, r, http.StatusSeeOther)
		page = padmin.follow(r)
		mustContain(t, page.body, "Sarjaan lisättiin 1 osallistujaa.", "Kotihoidon toiminnanohjaus", "Nuorten kesätyösetelit",
			"Ikäihmisten liikuntaryhmät", "Varkaus")
		entryOf := func(body, title string) string {
			t.Helper()
			return match(t, body, `/entries/(\d+)"[^>]*>`+regexp.QuoteMeta(title)+`<`)
		}
		eA, eB, eC := entryOf(page.body, "Kotihoidon toiminnanohjaus"), entryOf(page.body, "Nuorten kesätyösetelit"), entryOf(page.body, "Ikäihmisten liikuntaryhmät")
		eV := match(t, page.body, `/entries/(\d+)"[^>]*>Varkaus`)

		// The jury: a bad address is refused; invitations show their link.
		r = padmin.post(base+"/jury/invite", url.Values{"invite_email": {"ei osoite"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-invite_email"`, "Sähköpostiosoite ei ole kelvollinen", `value="ei osoite"`)
		tokens := map[string]string{}
		for _, j := range []string{"tuomari1@example.org", "tuomari2@example.org", "tuomari3@example.org"} {
			r = padmin.post(base+"/jury/invite", url.Values{"invite_email": {j}})
			wantStatus(t, r, http.StatusOK)
			mustContain(t, r.body, "Kutsu on tallennettu lähtevään postiin", "http://tekotori.test/jury/accept?token=")
			tokens[j] = match(t, r.body, `/jury/accept\?token=([0-9a-f]+)`)
		}
		var outbox int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?`, "tuomari1@example.org").Scan(&outbox); err != nil || outbox != 1 {
			t.Fatalf("outbox %d %v", outbox, err)
		}

		// A juror follows the link, signs in and comes back to accept.
		j1 := s.client()
		r = j1.get("/jury/accept?token=" + tokens["tuomari1@example.org"])
		wantStatus(t, r, http.StatusSeeOther)
		loginURL, _ := url.Parse(r.loc)
		if loginURL.Path != "/login" || loginURL.Query().Get("next") != "/jury/accept?token="+tokens["tuomari1@example.org"] {
			t.Fatalf("login redirect %q", r.loc)
		}
		r = j1.post("/login", url.Values{"email": {"tuomari1@example.org"}, "password": {testPassword}, "next": {loginURL.Query().Get("next")}})
		wantStatus(t, r, http.StatusSeeOther)
		page = j1.follow(r)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Hyväksy kutsu", tokens["tuomari1@example.org"])
		// Someone else's invitation is refused.
		r = j1.post("/jury/accept", url.Values{"token": {tokens["tuomari2@example.org"]}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Kutsu on vanhentunut tai tarkoitettu toiselle")
		r = j1.post("/jury/accept", url.Values{"token": {tokens["tuomari1@example.org"]}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, j1.follow(r).body, "Olet nyt tuomariston jäsen", "Kuntatyö2030-palkinnot")
		j2, j3 := s.client(), s.client()
		j2.login("tuomari2@example.org")
		j3.login("tuomari3@example.org")
		wantStatus(t, j2.post("/jury/accept", url.Values{"token": {tokens["tuomari2@example.org"]}}), http.StatusSeeOther)
		wantStatus(t, j3.post("/jury/accept", url.Values{"token": {tokens["tuomari3@example.org"]}}), http.StatusSeeOther)

		// The juror from Kangasala is conflicted with Kangasala's deeds.
		page = padmin.get(base + "/jury")
		mustContain(t, page.body, "Hyväksytty", "Kaisa Kangasalta", "Tuomarin oma organisaatio")
		if n := strings.Count(page.body, "<td>Tuomarin oma organisaatio</td>"); n != 2 {
			t.Fatalf("%d own-organisation conflicts, want 2:\n%s", n, snippet(page.body))
		}
		// Jurors do not run the campaign.
		wantStatus(t, j1.get(base), http.StatusForbidden)
		wantStatus(t, j1.get(base+"/jury"), http.StatusForbidden)

		// Automatic assignment; assigning the conflicted juror by hand is refused.
		r = padmin.post(base+"/jury/assign", nil)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Jaettiin 8 uutta arvioitavaa", "joille ei löytynyt tarpeeksi esteettömiä tuomareita: 0")
		page = padmin.get(base + "/entries/" + eA)
		mustContain(t, page.body, "Tuula Tuomari", "Teemu Tuomari", "Kaisa Kangasalta: Tuomarin oma organisaatio", "Kotihoidon toiminnanohjaus")
		j3ID := match(t, padmin.get(base+"/jury").body, `/jury/(\d+)/remove">[^<]*<span class="visually-hidden">: Kaisa Kangasalta`)
		r = padmin.post(base+"/entries/"+eA+"/assign", url.Values{"assign_juror": {j3ID}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Tuomari on esteellinen arvioimaan tätä osallistujaa.", `href="#f-assign_juror"`)

		// Entering has closed and judging opened; blind judging from now.
		form = campaignForm(t, now.Add(-2*day), now.Add(-time.Hour), now.Add(-time.Hour), now.Add(10*day))
		form.Set("campaign_blind", "1")
		r = padmin.post(base+"/settings", form)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.get(base).body, "Arviointi käynnissä")
		// The jury's progress at a glance, and a reminder to the late.
		page = padmin.get(base + "/jury")
		mustContain(t, page.body, "Arvioita lähetetty 0 / 8 (0 %). Tuomareita, joilta arvioita puuttuu: 3.", base+"/jury/remind")
		r = padmin.post(base+"/jury/remind", nil)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Muistutus lähti 3 tuomarille. Vuorokauden sisällä jo muistutettuja: 0.")
		var reminder string
		if err := db.QueryRow(context.Background(), `SELECT body FROM mail_outbox WHERE to_addr = ? AND subject LIKE 'Muistutus:%'`, "tuomari1@example.org").Scan(&reminder); err != nil {
			t.Fatal(err)
		}
		mustContain(t, reminder, "sinulla on 3 arviota lähettämättä", "\n/jury\n")
		r = padmin.post(base+"/jury/remind", nil)
		mustContain(t, padmin.follow(r).body, "Muistutus lähti 0 tuomarille. Vuorokauden sisällä jo muistutettuja: 3.")
		wantStatus(t, j1.post(base+"/jury/remind", nil), http.StatusForbidden)
		r = member.post("/deeds/"+deedA+"/enter", url.Values{"enter_category": {catBold}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Ilmoittautuminen tähän kilpailuun päättyi", "Suomen aikaa")

		// The conflicted juror cannot open the entry; nor can a member.
		r = j3.get("/jury/entries/" + eA)
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "esteellinen")
		wantStatus(t, member.get("/jury/entries/"+eA), http.StatusForbidden)
		wantStatus(t, j1.get("/jury/entries/999999"), http.StatusNotFound)

		// Each juror sees their own entries only.
		work := map[*client][]string{}
		for _, j := range []*client{j1, j2, j3} {
			page = j.get("/jury")
			work[j] = matches(page.body, `/jury/entries/(\d+)"`)
			for _, e := range []string{eA, eB, eC, eV} {
				if !slices.Contains(work[j], e) {
					r = j.get("/jury/entries/" + e)
					wantStatus(t, r, http.StatusForbidden)
				}
			}
		}
		if len(work[j3]) != 2 || slices.Contains(work[j3], eA) || !slices.Contains(work[j1], eA) || !slices.Contains(work[j2], eA) {
			t.Fatalf("assignments %v %v %v", work[j1], work[j2], work[j3])
		}
		mustContain(t, j1.get("/jury").body, "Aloittamatta")

		// The juror reads the frozen deed, blind: no organisation.
		page = j1.get("/jury/entries/" + eA)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Sokkoarviointi", "Kotihoidon käyntejä kasautui aamuihin.", `lang="fi"`, "Vaikuttavuus", "Siirrettävyys",
			`name="score_`+crs[0]+`" value="5"`)
		mustNotContain(t, page.body, "Kangasala", "Aino Testaaja")

		// A score off the scale is refused, and nothing typed is lost.
		f := scoreForm("save", crs, 9, 4)
		f.Set("private_note", "Muistiin: soita kotihoitoon.")
		r = j1.post("/jury/entries/"+eA, f)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Lomakkeessa on korjattavaa", `href="#f-score_`+crs[0]+`"`, "Vaikuttavuus: Pisteiden pitää olla asteikon sisällä.",
			"Perustelu 9 kriteerille.", "Perustelu 4 kriteerille.", `value="4" checked`, "Muistiin: soita kotihoitoon.")
		page = j1.get("/jury/entries/" + eA)
		mustNotContain(t, page.body, "checked", "Muistiin")
		// A comment without a score is kept by asking for the score.
		r = j1.post("/jury/entries/"+eA, url.Values{"action": {"save"}, "comment_" + crs[1]: {"Pelkkä perustelu."}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Anna myös pisteet", "Pelkkä perustelu.")
		// Saved half-way, then submitting without every score is refused.
		f = scoreForm("save", crs, 5)
		f.Set("private_note", "Muistiin: soita kotihoitoon.")
		r = j1.post("/jury/entries/"+eA, f)
		wantStatus(t, r, http.StatusSeeOther)
		page = j1.follow(r)
		mustContain(t, page.body, "Arvio on tallennettu", `value="5" checked`, "Muistiin: soita kotihoitoon.")
		mustContain(t, j1.get("/jury").body, "Kesken: 1 / 2 kriteeriä pisteytetty")
		r = j1.post("/jury/entries/"+eA, scoreForm("submit", crs, 5))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Anna pisteet jokaisesta kriteeristä ennen lähettämistä.")

		// The other jurors' reviews stay hidden until one's own is in.
		f = scoreForm("submit", crs, 5, 4)
		f.Set("comment_"+crs[0], "Teemun perustelu: vaikutus näkyy arjessa.")
		wantStatus(t, j2.post("/jury/entries/"+eA, f), http.StatusSeeOther)
		page = j1.get("/jury/entries/" + eA)
		mustContain(t, page.body, "näytetään, kun olet lähettänyt oman arviosi")
		mustNotContain(t, page.body, "Teemun perustelu")
		r = j1.post("/jury/entries/"+eA, scoreForm("submit", crs, 5, 5))
		wantStatus(t, r, http.StatusSeeOther)
		page = j1.follow(r)
		mustContain(t, page.body, "Arvio on lähetetty", "Teemun perustelu: vaikutus näkyy arjessa.", "Teemu Tuomari")
		mustNotContain(t, j2.get("/jury/entries/"+eA).body, "Muistiin: soita kotihoitoon.")

		// Having seen the others, the juror cannot change the submitted
		// review; what they typed comes back with the refusal.
		mustContain(t, page.body, "Arviosi on lähetetty ja lukittu.")
		mustNotContain(t, page.body, `name="score_`+crs[0]+`"`)
		r = j1.post("/jury/entries/"+eA, scoreForm("submit", crs, 2, 2))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Lähetetty arvio on lukittu. Muutos vaatii", `value="2" checked`)
		mustContain(t, padmin.get(base+"/entries/"+eA).body, "Perustelu 5 kriteerille.")
		// The programme admin reopens it, with a reason; the juror changes it.
		reopen := base + "/entries/" + eA + "/reviews/" + match(t, padmin.get(base+"/entries/"+eA).body,
			`/reviews/(\d+)/reopen">[^<]*<span class="visually-hidden">: Tuula Tuomari`) + "/reopen"
		wantStatus(t, j1.post(reopen, url.Values{"step_reason": {"Itse."}}), http.StatusForbidden)
		r = padmin.post(reopen, url.Values{"step_reason": {""}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Kerro syy.")
		r = padmin.post(reopen, url.Values{"step_reason": {"Tuomari luki väärän liitteen."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Arvio on avattu muutettavaksi.")
		page = j1.get("/jury/entries/" + eA)
		mustContain(t, page.body, "Ylläpitäjä avasi arviosi muutettavaksi: Tuomari luki väärän liitteen.", "näytetään, kun olet lähettänyt oman arviosi")
		wantStatus(t, j1.post("/jury/entries/"+eA, scoreForm("submit", crs, 5, 5)), http.StatusSeeOther)
		mustContain(t, padmin.get(base+"/entries/"+eA).body, "Avattu muutettavaksi 1 kertaa, viimeksi syystä: Tuomari luki väärän liitteen.")

		// Everyone scores the rest: B splits the jury, C is weak.
		values := map[string]map[*client][]int{
			eA: {j1: {5, 5}, j2: {5, 4}},
			eB: {j1: {5, 5}, j2: {1, 1}, j3: {3, 3}},
			eC: {j1: {2, 2}, j2: {2, 1}, j3: {2, 2}},
			eV: {j1: {4, 4}, j2: {4, 3}, j3: {4, 4}},
		}
		for _, j := range []*client{j1, j2, j3} {
			for _, e := range work[j] {
				if e == eA {
					continue
				}
				wantStatus(t, j.post("/jury/entries/"+e, scoreForm("submit", crs, values[e][j]...)), http.StatusSeeOther)
			}
		}
		mustContain(t, padmin.get(base+"/jury").body, "Lähetetty")

		// The ranking shows raw and normalised scores and explains flags.
		page = padmin.get(base + "/results")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Arvio avattu.", "Lähetettyjä arvioita avattu muutettavaksi 1 kertaa.")
		mustContain(t, page.body, "Raakakeskiarvo", "Normalisoitu", "Hajonta", "Tuomarit ovat eri mieltä.", "Pisteiden ero on 4,00.",
			"Kotihoidon toiminnanohjaus", "Varkaus", `<th scope="col">Sija</th>`)
		if !regexp.MustCompile(`<td>1 <span class="small">\(voittajarajan yläpuolella\)</span></td>\s*<th scope="row"><a href="[^"]*/entries/` + eA + `#`).MatchString(page.body) {
			t.Fatalf("deed A is not first:\n%s", snippet(page.body))
		}

		// Decisions: a second winner is refused, the rationale kept.
		r = padmin.post(base+"/entries/"+eA+"/decision", url.Values{"decision_outcome": {"winner"}, "decision_rationale": {"Vaikutus näkyy asiakkaiden arjessa."}})
		wantStatus(t, r, http.StatusSeeOther)
		r = padmin.post(base+"/entries/"+eB+"/decision", url.Values{"decision_outcome": {"winner"}, "decision_rationale": {"Rohkea kokeilu."}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-decision_outcome"`, "Sarjassa on jo niin monta voittajaa kuin sallitaan.", "Rohkea kokeilu.", `value="winner" checked`)
		r = padmin.post(base+"/entries/"+eB+"/decision", url.Values{"decision_outcome": {"mention"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-decision_rationale"`)
		wantStatus(t, padmin.post(base+"/entries/"+eB+"/decision", url.Values{"decision_outcome": {"mention"}, "decision_rationale": {"Rohkea kokeilu."}}), http.StatusSeeOther)
		wantStatus(t, padmin.post(base+"/entries/"+eC+"/decision", url.Values{"decision_outcome": {"not_awarded"}, "decision_rationale": {"Ei vielä tuloksia."}}), http.StatusSeeOther)
		r = padmin.post(base+"/entries/"+eV+"/decision", url.Values{"decision_outcome": {"winner"}, "decision_rationale": {"Monta hyvää tekoa."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Päätös on tallennettu.", "Nykyinen päätös: Voittaja")

		// Feedback is drafted from the comments and approved.
		r = padmin.post(base+"/entries/"+eA+"/feedback", url.Values{"action": {"draft"}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Luonnos on koottu", "Teemun perustelu: vaikutus näkyy arjessa.")
		mustNotContain(t, r.body, "Muistiin: soita")
		r = padmin.post(base+"/entries/"+eA+"/feedback", url.Values{"action": {"approve"}, "feedback_body": {"  "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-feedback_body"`)
		r = padmin.post(base+"/entries/"+eA+"/feedback", url.Values{"action": {"approve"}, "feedback_body": {"Tuomaristo: vaikutus näkyy arjessa."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Palaute on hyväksytty", "Tuomaristo: vaikutus näkyy arjessa.")
		// Feedback waits for publication.
		mustContain(t, member.get("/campaigns/feedback").body, "Palautetta ei ole vielä")

		// Publication waits for judging to close: neither the preview nor a
		// confirmed post publishes while jurors are at work.
		mustContain(t, padmin.get(base+"/results").body, "Tulokset voi julkaista, kun arviointi päättyy", base+"/close-judging")
		for _, f := range []url.Values{{}, {"confirm": {"1"}}} {
			r = padmin.post(base+"/publish", f)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, "Arviointi on vielä käynnissä.")
		}
		wantStatus(t, anon.get("/campaigns/"+cid+"/results.json"), http.StatusNotFound)
		// Closing judging early asks for a reason, and keeps what was typed.
		page = padmin.get(base + "/close-judging")
		mustContain(t, page.body, "Sulje arviointi etuajassa", `name="step_reason"`)
		wantStatus(t, j1.post(base+"/close-judging", url.Values{"step_reason": {"Kaikki valmista."}}), http.StatusForbidden)
		r = padmin.post(base+"/close-judging", url.Values{"step_reason": {"  "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-step_reason"`, "Kerro syy. Se tallennetaan tapahtumalokiin.")
		r = padmin.post(base+"/close-judging", url.Values{"step_reason": {"Kaikki arviot ovat valmiina."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Arviointi on suljettu.")
		r = j1.post("/jury/entries/"+eA, scoreForm("save", crs, 1, 1))
		wantStatus(t, r, http.StatusUnprocessableEntity)

		// The preview shows exactly what goes public, and publishes nothing.
		r = padmin.post(base+"/publish", url.Values{})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Tämä on täsmälleen se, mikä julkaistaan versiona 1.", "Kotihoidon toiminnanohjaus", "Vaikutus näkyy asiakkaiden arjessa.",
			"Nuorten kesätyösetelit", `name="confirm" value="1"`, "Vahvista ja julkaise versio 1")
		wantStatus(t, anon.get("/campaigns/"+cid+"/results.json"), http.StatusNotFound)

		// Publication, then a correction with a note as version 2. The
		// Varkaus editor reads Swedish.
		if _, err := db.Exec(context.Background(), `UPDATE users SET lang = 'sv' WHERE email = ?`, "toimittaja@example.org"); err != nil {
			t.Fatal(err)
		}
		r = padmin.post(base+"/publish", url.Values{"confirm": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		// Every entry's people have their result, with the approved
		// feedback, in their language: who entered it, the deed's contact
		// person and the organisation's editors, each once an entry.
		type sentMail struct{ to, subject, body string }
		resultMails := func() []sentMail {
			t.Helper()
			rows, err := db.Query(context.Background(), `SELECT to_addr, subject, body FROM mail_outbox WHERE subject LIKE 'Tulokset:%' OR subject LIKE 'Resultat:%' ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []sentMail
			for rows.Next() {
				var m sentMail
				if err := rows.Scan(&m.to, &m.subject, &m.body); err != nil {
					t.Fatal(err)
				}
				out = append(out, m)
			}
			return out
		}
		mails := resultMails()
		count := map[string]int{}
		for _, m := range mails {
			count[m.to]++
			switch {
			case m.to == "jasen@example.org" && strings.Contains(m.body, "Kotihoidon toiminnanohjaus"):
				mustContain(t, m.subject, "Tulokset: Kuntatyö2030-palkinnot")
				mustContain(t, m.body, "Tulos: palkittu", "Tuomariston palaute:\nTuomaristo: vaikutus näkyy arjessa.", "\n/campaigns/"+cid+"\n")
			case m.to == "toimittaja@example.org":
				mustContain(t, m.subject, "Resultat: Kommunarbete2030-priserna")
				mustContain(t, m.body, "Resultat:")
			}
		}
		// Member: deeds A and B (entered, written); Varkaus's editor: its
		// organisation's entry and deed C; the contact person: the three deeds.
		if count["jasen@example.org"] != 2 || count["toimittaja@example.org"] != 2 || count["aino.testaaja@example.org"] != 3 ||
			count["ulko@example.org"] != 1 || count["tuomari1@example.org"] != 0 {
			t.Fatalf("result mails %v", count)
		}
		// The deed's page shows its people the feedback; others see none.
		mustContain(t, member.follow(member.get("/deeds/"+deedA)).body, "Tuomariston palaute (näkyy vain teon tekijöille)", "Tuomaristo: vaikutus näkyy arjessa.")
		mustNotContain(t, outsider.follow(outsider.get("/deeds/"+deedA)).body, "Tuomaristo: vaikutus näkyy arjessa.")
		mustNotContain(t, anon.follow(anon.get("/deeds/"+deedA)).body, "Tuomaristo: vaikutus näkyy arjessa.")
		page = padmin.follow(r)
		mustContain(t, page.body, "Tulokset on julkaistu.", "Versio 1, julkaistu", "Julkaise korjaus")
		r = padmin.post(base+"/publish", url.Values{})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-publish_note"`, "Kerro, mitä korjaus muuttaa.")
		wantStatus(t, padmin.post(base+"/entries/"+eB+"/decision", url.Values{"decision_outcome": {"shortlisted"}, "decision_rationale": {"Tulokset puuttuvat."}}), http.StatusSeeOther)
		r = padmin.post(base+"/publish", url.Values{"publish_note": {"Kunniamaininta peruttiin: tulokset puuttuivat."}})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Tämä on täsmälleen se, mikä julkaistaan versiona 2.", "Innostavat teot, Nuorten kesätyösetelit: poistettu (oli kunniamaininta)")
		r = padmin.post(base+"/publish", url.Values{"publish_note": {"Kunniamaininta peruttiin: tulokset puuttuivat."}, "confirm": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		page = padmin.follow(r)
		// The correction mails only the entry whose result it changed.
		if after := resultMails(); len(after) != len(mails)+2 || !strings.Contains(after[len(after)-1].body, "Nuorten kesätyösetelit") ||
			!strings.Contains(after[len(after)-1].body, "Tulokset on korjattu (versio 2)") {
			t.Fatalf("correction mails %+v", after[len(mails):])
		}
		mustContain(t, page.body, "Korjattu versio on julkaistu", "Versio 2, julkaistu", "Kunniamaininta peruttiin: tulokset puuttuivat.",
			"Nuorten kesätyösetelit – poistettu (oli Kunniamaininta)")
		mustContain(t, padmin.get(base).body, "versio 2")

		// Each award has a printable certificate and an SVG badge that
		// links back to the results; entries without an award have none.
		page = anon.get("/campaigns/" + cid)
		certPath := match(t, page.body, `href="(/campaigns/`+cid+`/certificates/`+eA+`)"`)
		page = anon.get(certPath)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Kunniakirja", "Palkittu sarjassa Innostavat teot, Kuntatyö2030-palkinnot", "Kotihoidon toiminnanohjaus",
			"Vaikutus näkyy asiakkaiden arjessa.", `&lt;a href=&#34;http://tekotori.test/campaigns/`+cid+`&#34;&gt;&lt;img src=&#34;http://tekotori.test/campaigns/`+cid+`/badges/`+eA+`.svg&#34;`)
		r = anon.get("/campaigns/" + cid + "/badges/" + eA + ".svg")
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "image/svg+xml" {
			t.Fatalf("badge content type %q", ct)
		}
		mustContain(t, r.body, "<svg", "Innostavat teot", "Kuntatyö2030-palkinnot")
		wantStatus(t, anon.get("/campaigns/"+cid+"/certificates/"+eC), http.StatusNotFound)
		wantStatus(t, anon.get("/campaigns/"+cid+"/badges/"+eB+".svg"), http.StatusNotFound)

		// The entrant reads the approved feedback.
		page = member.get("/campaigns/feedback")
		mustContain(t, page.body, "Tuomaristo: vaikutus näkyy arjessa.", "Kotihoidon toiminnanohjaus", "Innostavat teot")
		mustNotContain(t, outsider.get("/campaigns/feedback").body, "Tuomaristo: vaikutus")

		// The audit log downloads with everything that happened.
		r = padmin.get(base + "/audit.csv")
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %q", ct)
		}
		mustContain(t, r.header.Get("Content-Disposition"), "attachment")
		for _, action := range []string{"campaign_saved", "category_saved", "category_deleted", "criterion_saved", "entry_created",
			"juror_invited", "juror_accepted", "conflict", "assigned", "score_changed", "review_submitted", "decision",
			"feedback_approved", "published", "refused", "judging_closed", "review_reopened"} {
			if !strings.Contains(r.body, ","+action+",") {
				t.Errorf("audit CSV lacks %s", action)
			}
		}
		mustContain(t, r.body, "version 2", "Kunniamaininta peruttiin", "Kaikki arviot ovat valmiina.")
		page = padmin.get(base + "/audit")
		mustContain(t, page.body, "Tapahtumaloki", "Torjuttu", "Arvio lähetetty", "Tulokset julkaistu")
		wantStatus(t, member.get(base+"/audit.csv"), http.StatusForbidden)
		wantStatus(t, j1.get(base+"/audit"), http.StatusForbidden)

		// The pages speak Swedish and English too.
		r = j1.get("/lang/en?next=/jury")
		mustContain(t, j1.follow(r).body, "Jury work", "Submitted")
		r = padmin.get("/lang/sv?next=" + url.QueryEscape(base+"/results"))
		mustContain(t, padmin.follow(r).body, "Resultat och beslut", "Normaliserat", "Inspirerande gärningar")
	})
}

// TestCampaignWithdrawAndJuryDeclare covers the entrant withdrawing while
// entries are open and a juror declaring a conflict, after which the
// entry is out of their reach.
func TestCampaignWithdrawAndJuryDeclare(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addNamed("yllapito@example.org", "Ylla Pito", user.RoleAdmin, "")
		s.addNamed("jasen@example.org", "Jaana Jäsen", user.RoleMember, "kangasala")
		s.addNamed("moderaattori@example.org", "Mona Moderaattori", user.RoleModerator, "")
		s.addNamed("tuomari@example.org", "Tuula Tuomari", user.RoleMember, "")
		kangasala := orgID(t, s, "kangasala")
		admin, member, mod, juror := s.client(), s.client(), s.client(), s.client()
		admin.login("yllapito@example.org")
		member.login("jasen@example.org")
		mod.login("moderaattori@example.org")
		juror.login("tuomari@example.org")
		deedA := publishedDeed(t, member, mod, kangasala, "Kotihoidon toiminnanohjaus")
		deedB := publishedDeed(t, member, mod, kangasala, "Nuorten kesätyösetelit")

		r := admin.post("/admin/campaigns", url.Values{"programme_name_fi": {"KunTeko"}})
		wantStatus(t, r, http.StatusSeeOther)
		prog := strings.SplitN(r.loc, "?", 2)[0]
		now := time.Now()
		r = admin.post(prog+"/campaigns/new", campaignForm(t, now.Add(-time.Hour), now.Add(time.Hour), now.Add(time.Hour), now.Add(48*time.Hour)))
		wantStatus(t, r, http.StatusSeeOther)
		base := "/admin/campaigns/" + match(t, r.loc, `^/admin/campaigns/(\d+)/`)
		wantStatus(t, admin.post(base+"/categories/new", url.Values{"category_name_fi": {"Teot"}, "category_kind": {"deed"},
			"category_rule": {"jury"}, "category_winners": {"1"}}), http.StatusSeeOther)
		wantStatus(t, admin.post(base+"/criteria/new", url.Values{"criterion_name_fi": {"Vaikuttavuus"}, "criterion_weight": {"1"},
			"criterion_scale_min": {"1"}, "criterion_scale_max": {"5"}}), http.StatusSeeOther)
		catID := match(t, admin.get(base+"/settings").body, base+`/categories/(\d+)"`)

		for _, d := range []string{deedA, deedB} {
			wantStatus(t, member.post("/deeds/"+d+"/enter", url.Values{"enter_category": {catID}}), http.StatusSeeOther)
		}
		page := member.get("/campaigns/enter")
		mustContain(t, page.body, "Ilmoittautumisesi", "Nuorten kesätyösetelit", "Peru osallistuminen")
		entryB := match(t, page.body, `name="entry" value="(\d+)"><button[^>]*>[^<]*<span class="visually-hidden">: Nuorten kesätyösetelit`)
		r = member.post("/campaigns/enter", url.Values{"op": {"withdraw"}, "entry": {entryB}})
		wantStatus(t, r, http.StatusSeeOther)
		page = member.follow(r)
		mustContain(t, page.body, "Osallistuja on peruttu.")
		mustNotContain(t, page.body, "Nuorten kesätyösetelit</a></th>")
		mustContain(t, member.get("/deeds/"+deedA+"/enter").body, "Teko on jo mukana")

		r = admin.post(base+"/jury/invite", url.Values{"invite_email": {"tuomari@example.org"}})
		token := match(t, r.body, `/jury/accept\?token=([0-9a-f]+)`)
		wantStatus(t, juror.post("/jury/accept", url.Values{"token": {token}}), http.StatusSeeOther)
		wantStatus(t, admin.post(base+"/jury/assign", nil), http.StatusSeeOther)
		entryA := match(t, juror.get("/jury").body, `/jury/entries/(\d+)"`)
		// Judging has not begun: the form says so, and saving is refused.
		page = juror.get("/jury/entries/" + entryA)
		mustContain(t, page.body, "Pisteitä voi antaa vain arviointiaikana")
		r = juror.post("/jury/entries/"+entryA, url.Values{"action": {"save"}, "score_" + match(t, page.body, `name="score_(\d+)"`): {"3"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Aikaikkuna on suljettu.", `value="3" checked`)

		// Declaring a conflict is for the judging window; it needs a
		// reason, then the entry is gone.
		wantStatus(t, admin.post(base+"/settings", campaignForm(t, now.Add(-2*time.Hour), now.Add(-time.Minute),
			now.Add(-time.Minute), now.Add(48*time.Hour))), http.StatusSeeOther)
		r = juror.post("/jury/entries/"+entryA+"/conflict", url.Values{"conflict_reason": {" "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-conflict_reason"`, "Tämä tieto tarvitaan.")
		r = juror.post("/jury/entries/"+entryA+"/conflict", url.Values{"conflict_reason": {"Olin hankkeen ohjausryhmässä."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, juror.follow(r).body, "Esteellisyys on kirjattu", "Sinulle ei ole vielä annettu arvioitavia.")
		wantStatus(t, juror.get("/jury/entries/"+entryA), http.StatusForbidden)
		page = admin.get(base + "/jury")
		mustContain(t, page.body, "Tuomarin ilmoittama", "Olin hankkeen ohjausryhmässä.", "vajaa")

		// Removing a juror goes through a page that asks for a reason; a
		// post without one changes nothing.
		jurorID := match(t, page.body, `/jury/(\d+)/remove">`)
		page = admin.get(base + "/jury/" + jurorID + "/remove")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Poista tuomari tuomaristosta", "Tuula Tuomari poistetaan tuomaristosta", `name="step_reason"`)
		r = admin.post(base+"/jury/"+jurorID+"/remove", url.Values{"step_reason": {""}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Kerro syy. Se tallennetaan tapahtumalokiin.", `aria-invalid="true"`)
		mustContain(t, admin.get(base+"/jury").body, "Tuula Tuomari")
		r = admin.post(base+"/jury/"+jurorID+"/remove", url.Values{"step_reason": {"Siirtyi toisen kilpailun tuomaristoon."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, admin.follow(r).body, "Tuomari on poistettu tuomaristosta.")
		mustContain(t, admin.get(base+"/audit.csv").body, "removed from the jury: Siirtyi toisen kilpailun tuomaristoon.")
	})
}

// TestCampaignWindowsInFinnishTime checks that the windows are read and
// shown in Finnish time whatever the server's zone, across summer time.
func TestCampaignWindowsInFinnishTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addNamed("yllapito@example.org", "Ylla Pito", user.RoleAdmin, "")
		admin := s.client()
		admin.login("yllapito@example.org")
		r := admin.post("/admin/campaigns", url.Values{"programme_name_fi": {"KunTeko"}})
		wantStatus(t, r, http.StatusSeeOther)
		prog := strings.SplitN(r.loc, "?", 2)[0]
		form := campaignForm(t, time.Now(), time.Now(), time.Now(), time.Now())
		// Winter time is UTC+2, summer time UTC+3; 03.30 on 29 March 2026
		// does not exist and becomes 04.30; a Finnish-style time is read too.
		form.Set("campaign_entry_opens", "2026-01-15T09:00")
		form.Set("campaign_entry_closes", "2026-03-29T03:30")
		form.Set("campaign_judging_opens", "1.6.2026 9.00")
		form.Set("campaign_judging_closes", "2026-07-15T16:00")
		r = admin.post(prog+"/campaigns/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		id := match(t, r.loc, `^/admin/campaigns/(\d+)/`)
		var cid int64
		fmt.Sscan(id, &cid)
		c, err := s.app.Campaigns.Campaign(context.Background(), cid)
		if err != nil {
			t.Fatal(err)
		}
		want := []time.Time{time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC),
			time.Date(2026, 6, 1, 6, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 13, 0, 0, 0, time.UTC)}
		got := []time.Time{c.Entry.Opens, c.Entry.Closes, c.Judging.Opens, c.Judging.Closes}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Errorf("window time %d: %s, want %s", i, got[i], want[i])
			}
		}
		page := admin.follow(r)
		mustContain(t, page.body, `value="2026-01-15T09:00"`, `value="2026-03-29T04:30"`, `value="2026-06-01T09:00"`,
			`value="2026-07-15T16:00"`, `type="datetime-local"`, "Europe/Helsinki")
		mustContain(t, admin.get("/admin/campaigns/"+id).body, "15.1.2026 klo 9.00 – 29.3.2026 klo 4.30", "15.7.2026 klo 16.00")
		// The public page writes the same moments the same way, and each
		// language writes them its own way on both.
		mustContain(t, admin.get("/campaigns/"+id).body, "15.1.2026 klo 9.00 – 29.3.2026 klo 4.30", "1.6.2026 klo 9.00 – 15.7.2026 klo 16.00")
		for lang, want := range map[string]string{"sv": "15.1.2026 kl. 9.00 – 29.3.2026 kl. 4.30", "en": "15 Jan 2026, 09:00 – 29 Mar 2026, 04:30"} {
			admin.get("/lang/" + lang + "?next=/")
			mustContain(t, admin.get("/admin/campaigns/"+id).body, want)
			mustContain(t, admin.get("/campaigns/"+id).body, want)
		}
	})
}
