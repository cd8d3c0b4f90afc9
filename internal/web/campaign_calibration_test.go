package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// TestCalibratedRanking judges four entries by two panels that share no
// entry: the ranking shows the calibrated score with its interval, warns
// that the jury has split, flags the entries too close to call, and one
// click puts a juror of the other panel on such an entry, which links
// the panels once that juror has scored.
func TestCalibratedRanking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		admin := s.addNamed("yllapito@example.org", "Ylla Pito", user.RoleAdmin, "")
		s.addNamed("jasen@example.org", "Jaana Jäsen", user.RoleMember, "kangasala")
		s.addNamed("moderaattori@example.org", "Mona Moderaattori", user.RoleModerator, "")
		var jurors []*user.User
		for i := range 4 {
			jurors = append(jurors, s.addNamed(fmt.Sprintf("tuomari%d@example.org", i), fmt.Sprintf("Tuomari %d", i), user.RoleMember, ""))
		}
		member, mod := s.client(), s.client()
		member.login("jasen@example.org")
		mod.login("moderaattori@example.org")
		var deeds []int64
		for _, title := range []string{"Kotihoidon toiminnanohjaus", "Nuorten kesätyösetelit", "Ikäihmisten liikuntaryhmät", "Kirjaston kotipalvelu"} {
			id, _ := strconv.ParseInt(publishedDeed(t, member, mod, orgID(t, s, "kangasala"), title), 10, 64)
			deeds = append(deeds, id)
		}
		now := time.Now()
		day := 24 * time.Hour
		then := s.app.Campaigns.At(func() time.Time { return now.Add(-36 * time.Hour) })
		p, err := then.CreateProgramme(ctx, admin, campaign.ProgrammeInput{Name: i18n.Text{FI: "KunTeko"}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := then.CreateCampaign(ctx, admin, p.ID, campaign.CampaignInput{Name: i18n.Text{FI: "Kalibroitu kilpailu"},
			Entry: campaign.Window{Opens: now.Add(-2 * day), Closes: now.Add(-day)}, Judging: campaign.Window{Opens: now.Add(-day), Closes: now.Add(5 * day)},
			JurorsPerEntry: 2})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := then.AddCategory(ctx, admin, c.ID, campaign.CategoryInput{Name: i18n.Text{FI: "Teot"}, Kind: campaign.KindDeed, Winners: 2})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := then.AddCriterion(ctx, admin, c.ID, campaign.CriterionInput{Name: i18n.Text{FI: "Vaikuttavuus"}, Weight: 1, ScaleMin: 1, ScaleMax: 5})
		if err != nil {
			t.Fatal(err)
		}
		var entries []int64
		for _, d := range deeds {
			e, err := then.EnterDeed(ctx, admin, cat.ID, d)
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e.ID)
		}
		for _, j := range jurors {
			inv, err := then.InviteJuror(ctx, admin, c.ID, j.Email)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := then.AcceptInvitation(ctx, j, inv.Token); err != nil {
				t.Fatal(err)
			}
		}
		// Panel one (jurors 0, 1) judges entries 0 and 1; panel two the rest.
		score := func(j *user.User, e int64, v int) {
			t.Helper()
			if err := s.app.Campaigns.SaveReview(ctx, j, e, campaign.ReviewInput{Scores: []campaign.ScoreInput{{CriterionID: cr.ID, Value: v}}, Submit: true}); err != nil {
				t.Fatal(err)
			}
		}
		values := [][]int{{5, 3}, {4, 2}, {4, 4}, {3, 3}}
		for i, e := range entries {
			for k := range 2 {
				j := jurors[2*(i/2)+k]
				if err := s.app.Campaigns.Assign(ctx, admin, e, j.ID); err != nil {
					t.Fatal(err)
				}
				score(j, e, values[i][k])
			}
		}

		base := fmt.Sprintf("/admin/campaigns/%d", c.ID)
		padmin := s.adminClient("yllapito@example.org")
		page := padmin.get(base + "/results")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Kalibroitu", "Tuomaristo on jakautunut.", "Pisteet tulevat 2 tuomariryhmältä", "Liian tasainen.",
			"90 %:n epävarmuusväli", "Pyydä lisätuomari")
		// One click on the first flagged entry adds a juror of the other panel.
		flagged := match(t, page.body, base+`/entries/(\d+)/extra-juror"`)
		wantStatus(t, s.adminClient("jasen@example.org").post(base+"/entries/"+flagged+"/extra-juror", nil), http.StatusForbidden)
		r := padmin.post(base+"/entries/"+flagged+"/extra-juror", nil)
		wantStatus(t, r, http.StatusSeeOther)
		page = padmin.follow(r)
		name := match(t, page.body, `(Tuomari \d) lisättiin arvioimaan osallistujaa.`)
		var added *user.User
		for _, j := range jurors {
			if j.Name == name {
				added = j
			}
		}
		fe, _ := strconv.ParseInt(flagged, 10, 64)
		panel := 0
		if fe == entries[2] || fe == entries[3] {
			panel = 2
		}
		if added == nil || added.ID == jurors[panel].ID || added.ID == jurors[panel+1].ID {
			t.Fatalf("extra juror %q is not from the other panel", name)
		}
		mustContain(t, padmin.get(base+"/audit.csv").body, fmt.Sprintf("entry:%d user:%d", fe, added.ID))
		score(added, fe, 4)
		page = padmin.get(base + "/results")
		mustNotContain(t, page.body, "Tuomaristo on jakautunut.")
		if !regexp.MustCompile(`/entries/` + flagged + `#decision"[^>]*>[^<]*</a>(<br>.*?)?</th>\s*<td>3</td>`).MatchString(page.body) {
			t.Fatalf("the flagged entry does not show three reviews:\n%s", snippet(page.body))
		}

		// Bulk decisions from the ranking: a row per entry. Over the quota
		// nothing is saved and every row comes back as typed.
		page = padmin.get(base + "/results")
		bulk := func(outcomes ...string) url.Values {
			f := url.Values{}
			for i, e := range entries {
				id := fmt.Sprint(e)
				f.Add("row", id)
				f.Set("seen_"+id, match(t, page.body, `name="seen_`+id+`" value="([^"]*)"`))
				f.Set("fseen_"+id, match(t, page.body, `name="fseen_`+id+`" value="([^"]*)"`))
				f.Set("outcome_"+id, outcomes[i])
				f.Set("rationale_"+id, fmt.Sprintf("Perustelu %d.", i))
			}
			return f
		}
		r = padmin.post(base+"/results/bulk", bulk("winner", "winner", "winner", "not_awarded"))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Mitään ei tallennettu", "Sarjassa on jo niin monta voittajaa kuin sallitaan.", `value="Perustelu 2."`,
			`<option value="winner" selected>`)
		var decided int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_decisions WHERE campaign_id = ?`, c.ID).Scan(&decided); err != nil || decided != 0 {
			t.Fatalf("decisions after a refused bulk post: %d %v", decided, err)
		}
		f := bulk("winner", "not_awarded", "winner", "")
		f.Set("approve_"+fmt.Sprint(entries[0]), "1")
		f.Set("feedback_"+fmt.Sprint(entries[0]), "Tuomaristo: selkeä vaikutus.")
		r = padmin.post(base+"/results/bulk", f)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, padmin.follow(r).body, "Tallennettiin 3 päätöstä ja 1 palautetta.")
		// Someone changes a row meanwhile: a post from the old page is
		// refused for that row, and their decision stays.
		if err := s.app.Campaigns.Decide(ctx, admin, entries[3], campaign.Shortlisted, "Toisen ylläpitäjän päätös."); err != nil {
			t.Fatal(err)
		}
		r = padmin.post(base+"/results/bulk", bulk("winner", "not_awarded", "winner", "not_awarded"))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Joku muu muutti tätä riviä", fmt.Sprintf(`href="#row-%d"`, entries[3]))
		var kept string
		if err := db.QueryRow(ctx, `SELECT outcome FROM campaign_decisions WHERE entry_id = ?`, entries[3]).Scan(&kept); err != nil || kept != "shortlisted" {
			t.Fatalf("the other admin's decision: %q %v", kept, err)
		}
		mustContain(t, padmin.get(base+"/audit.csv").body, "winner: Perustelu 0. (bulk)")
	})
}
