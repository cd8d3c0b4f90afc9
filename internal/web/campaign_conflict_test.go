package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// TestJurorConflictRule checks that a juror declares a conflict of
// interest only on an entry assigned to them, only while judging is open
// and only before submitting their review, so that nobody steers what
// they judge or takes back scores that count; and that the programme
// admin still records a conflict at any time, in the audit log.
func TestJurorConflictRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		s.addNamed("yllapito@example.org", "Ylla Pito", user.RoleAdmin, "")
		s.addNamed("jasen@example.org", "Jaana Jäsen", user.RoleMember, "kangasala")
		s.addNamed("moderaattori@example.org", "Mona Moderaattori", user.RoleModerator, "")
		s.addNamed("tuomari1@example.org", "Tuula Tuomari", user.RoleMember, "")
		s.addNamed("tuomari2@example.org", "Teemu Tuomari", user.RoleMember, "")
		kangasala := orgID(t, s, "kangasala")
		admin, member, mod, j1, j2 := s.client(), s.client(), s.client(), s.client(), s.client()
		admin.login("yllapito@example.org")
		member.login("jasen@example.org")
		mod.login("moderaattori@example.org")
		j1.login("tuomari1@example.org")
		j2.login("tuomari2@example.org")
		deeds := []string{
			publishedDeed(t, member, mod, kangasala, "Kotihoidon toiminnanohjaus"),
			publishedDeed(t, member, mod, kangasala, "Nuorten kesätyösetelit"),
		}

		r := admin.post("/admin/campaigns", url.Values{"programme_name_fi": {"KunTeko"}})
		wantStatus(t, r, http.StatusSeeOther)
		prog := strings.SplitN(r.loc, "?", 2)[0]
		now := time.Now()
		form := campaignForm(t, now.Add(-time.Hour), now.Add(time.Hour), now.Add(time.Hour), now.Add(48*time.Hour))
		form.Set("campaign_jurors_per_entry", "1")
		r = admin.post(prog+"/campaigns/new", form)
		wantStatus(t, r, http.StatusSeeOther)
		base := "/admin/campaigns/" + match(t, r.loc, `^/admin/campaigns/(\d+)/`)
		wantStatus(t, admin.post(base+"/categories/new", url.Values{"category_name_fi": {"Teot"}, "category_kind": {"deed"},
			"category_rule": {"jury"}, "category_winners": {"1"}}), http.StatusSeeOther)
		wantStatus(t, admin.post(base+"/criteria/new", url.Values{"criterion_name_fi": {"Vaikuttavuus"}, "criterion_weight": {"1"},
			"criterion_scale_min": {"1"}, "criterion_scale_max": {"5"}}), http.StatusSeeOther)
		catID := match(t, admin.get(base+"/settings").body, base+`/categories/(\d+)"`)
		for _, d := range deeds {
			wantStatus(t, member.post("/deeds/"+d+"/enter", url.Values{"enter_category": {catID}}), http.StatusSeeOther)
		}
		for _, j := range []struct {
			c     *client
			email string
		}{{j1, "tuomari1@example.org"}, {j2, "tuomari2@example.org"}} {
			r = admin.post(base+"/jury/invite", url.Values{"invite_email": {j.email}})
			token := match(t, r.body, `/jury/accept\?token=([0-9a-f]+)`)
			wantStatus(t, j.c.post("/jury/accept", url.Values{"token": {token}}), http.StatusSeeOther)
		}
		wantStatus(t, admin.post(base+"/jury/assign", nil), http.StatusSeeOther)
		mine := matches(j1.get("/jury").body, `/jury/entries/(\d+)"`)
		theirs := matches(j2.get("/jury").body, `/jury/entries/(\d+)"`)
		// The assignment links the two one-juror panels through a shared
		// entry; this test needs an entry juror 1 is not on, so the admin
		// takes juror 1 off the shared one.
		if len(mine) == 2 && len(theirs) == 1 {
			ctx := context.Background()
			adminUser, err := s.app.Users.ByEmail(ctx, "yllapito@example.org")
			if err != nil {
				t.Fatal(err)
			}
			juror1, err := s.app.Users.ByEmail(ctx, "tuomari1@example.org")
			if err != nil {
				t.Fatal(err)
			}
			shared, _ := strconv.ParseInt(theirs[0], 10, 64)
			if err := s.app.Campaigns.Unassign(ctx, adminUser, shared, juror1.ID); err != nil {
				t.Fatal(err)
			}
			mine = matches(j1.get("/jury").body, `/jury/entries/(\d+)"`)
		}
		if len(mine) != 1 || len(theirs) != 1 || mine[0] == theirs[0] {
			t.Fatalf("assignment: juror 1 has %v, juror 2 has %v", mine, theirs)
		}
		own, other := mine[0], theirs[0]
		reason := url.Values{"conflict_reason": {"Olin hankkeen ohjausryhmässä."}}

		// Before judging opens the juror may not declare, and the page
		// tells them whom to ask instead of offering the form.
		page := j1.get("/jury/entries/" + own)
		mustContain(t, page.body, "ota yhteyttä kilpailun ylläpitäjään")
		mustNotContain(t, page.body, `action="/jury/entries/`+own+`/conflict"`)
		r = j1.post("/jury/entries/"+own+"/conflict", reason)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Esteellisyyden voi ilmoittaa itse vain arviointiaikana.", `href="#f-conflict_reason"`)

		// Judging opens.
		wantStatus(t, admin.post(base+"/settings", campaignForm(t, now.Add(-2*time.Hour), now.Add(-time.Minute),
			now.Add(-time.Minute), now.Add(48*time.Hour))), http.StatusSeeOther)
		page = j1.get("/jury/entries/" + own)
		mustContain(t, page.body, `action="/jury/entries/`+own+`/conflict"`)

		// An entry assigned to someone else is out of reach, in words.
		r = j1.post("/jury/entries/"+other+"/conflict", reason)
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "Voit ilmoittaa esteellisyydestä vain sinulle arvioitavaksi annetun osallistujan kohdalla.")
		j1en := s.client()
		j1en.login("tuomari1@example.org")
		j1en.get("/lang/en?next=/jury")
		mustContain(t, j1en.post("/jury/entries/"+other+"/conflict", reason).body, "You can declare a conflict of interest only on an entry assigned to you.")
		j1sv := s.client()
		j1sv.login("tuomari1@example.org")
		j1sv.get("/lang/sv?next=/jury")
		mustContain(t, j1sv.post("/jury/entries/"+other+"/conflict", reason).body, "Du kan anmäla jäv endast för en deltagare som du har tilldelats för bedömning.")
		// The language is the account's: back to Finnish for the rest.
		j1.get("/lang/fi?next=/jury")
		if got := matches(j2.get("/jury").body, `/jury/entries/(\d+)"`); !slices.Equal(got, []string{other}) {
			t.Fatalf("juror 2's entries after juror 1's refused declaration: %v", got)
		}

		// Once the review is submitted, its scores count: the juror may no
		// longer take them back.
		crs := matches(page.body, `name="score_(\d+)"`)
		wantStatus(t, j1.post("/jury/entries/"+own, scoreForm("submit", crs, 4)), http.StatusSeeOther)
		page = j1.get("/jury/entries/" + own)
		mustNotContain(t, page.body, `action="/jury/entries/`+own+`/conflict"`)
		r = j1.post("/jury/entries/"+own+"/conflict", reason)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Olet jo lähettänyt arviosi tästä osallistujasta")
		wantStatus(t, j1.get("/jury/entries/"+own), http.StatusOK)
		page = admin.get(base + "/jury")
		mustNotContain(t, page.body, "Tuomarin ilmoittama", "Olin hankkeen ohjausryhmässä.")

		// The other juror, assigned, in the window and not yet submitted,
		// may declare.
		r = j2.post("/jury/entries/"+other+"/conflict", url.Values{"conflict_reason": {"Entinen työpaikkani."}})
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, j2.get("/jury/entries/"+other), http.StatusForbidden)

		// The programme admin records juror 1's conflict after the review:
		// a reason is needed, then the juror is off the entry and the log
		// names the admin.
		entryPath := base + "/entries/" + own
		page = admin.get(entryPath)
		j1ID := match(t, page.body, `<option value="(\d+)"[^>]*>Tuula Tuomari</option>`)
		r = admin.post(entryPath+"/conflict", url.Values{"conflict_juror": {j1ID}, "conflict_reason": {" "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `href="#f-conflict_reason"`, "Tämä tieto tarvitaan.")
		r = admin.post(entryPath+"/conflict", url.Values{"conflict_juror": {j1ID}, "conflict_reason": {"Tuomari kertoi puolisonsa työskentelevän hankkeessa."}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, admin.follow(r).body, "Esteellisyys on kirjattu. Tuomari on poistettu osallistujan arvioijista.",
			"Tuula Tuomari: Ylläpitäjän kirjaama – Tuomari kertoi puolisonsa työskentelevän hankkeessa.")
		wantStatus(t, j1.get("/jury/entries/"+own), http.StatusForbidden)
		csv := admin.get(base + "/audit.csv").body
		mustContain(t, csv, "Ylla Pito <yllapito@example.org>,", "conflict,entry:"+own+" user:"+j1ID+",recorded: Tuomari kertoi",
			"refused,entry:"+other+",invalid input: entry=error.conflict_not_assigned", "refused,entry:"+own+",invalid input: entry=error.conflict_reviewed",
			"refused,entry:"+own+",invalid input: entry=error.conflict_closed")
	})
}
