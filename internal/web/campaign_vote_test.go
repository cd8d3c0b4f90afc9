package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// TestAudienceVoteCountsPeople votes through the campaign page: an
// account with an unconfirmed address, an author and a colleague of the
// entrant are refused with a reason, a second vote in a category is
// refused, and a burst of new accounts voting from one address range for
// one entry is flagged on the programme admin's results page, while the
// public sees no tally during the vote.
func TestAudienceVoteCountsPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		admin := s.addNamed("yllapito@example.org", "Ylla Pito", user.RoleAdmin, "")
		s.addNamed("jasen@example.org", "Jaana Jäsen", user.RoleMember, "kangasala")
		s.addNamed("kollega@example.org", "Kalle Kollega", user.RoleMember, "kangasala")
		s.addNamed("ulko@example.org", "Ulla Ulkopuolinen", user.RoleMember, "varkaus")
		s.addNamed("moderaattori@example.org", "Mona Moderaattori", user.RoleModerator, "")
		if _, err := s.app.Users.Create(ctx, user.NewUser{Email: "vahvistamaton@example.org", Name: "Vilja Vahvistamaton", Password: testPassword,
			Role: user.RoleMember, Lang: "fi", Unverified: true}); err != nil {
			t.Fatal(err)
		}
		member, outsider, mod := s.client(), s.client(), s.client()
		member.login("jasen@example.org")
		outsider.login("ulko@example.org")
		mod.login("moderaattori@example.org")
		deedA := publishedDeed(t, member, mod, orgID(t, s, "kangasala"), "Kotihoidon toiminnanohjaus")
		deedB := publishedDeed(t, outsider, mod, orgID(t, s, "varkaus"), "Ikäihmisten liikuntaryhmät")

		now := time.Now()
		day := 24 * time.Hour
		p, err := s.app.Campaigns.CreateProgramme(ctx, admin, campaign.ProgrammeInput{Name: i18n.Text{FI: "KunTeko"}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.app.Campaigns.CreateCampaign(ctx, admin, p.ID, campaign.CampaignInput{
			Name:         i18n.Text{FI: "Yleisön suosikit"},
			Entry:        campaign.Window{Opens: now.Add(-day), Closes: now.Add(day)},
			Judging:      campaign.Window{Opens: now.Add(2 * day), Closes: now.Add(3 * day)},
			AudienceVote: true, Vote: &campaign.Window{Opens: now.Add(-time.Hour), Closes: now.Add(day)}, JurorsPerEntry: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := s.app.Campaigns.AddCategory(ctx, admin, c.ID, campaign.CategoryInput{Name: i18n.Text{FI: "Suosikkiteko"}, Kind: campaign.KindDeed, Winners: 1})
		if err != nil {
			t.Fatal(err)
		}
		var entries []int64
		for _, d := range []string{deedA, deedB} {
			id, _ := strconv.ParseInt(d, 10, 64)
			e, err := s.app.Campaigns.EnterDeed(ctx, admin, cat.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e.ID)
		}
		path := fmt.Sprintf("/campaigns/%d", c.ID)
		vote := func(cl *client, entry int64) resp {
			return cl.post(path+"/vote", url.Values{"category": {fmt.Sprint(cat.ID)}, "entry": {fmt.Sprint(entry)}})
		}

		// An unconfirmed account cannot sign in at all; one that has a
		// session anyway (from before its address needed confirming) still
		// does not vote.
		unverified := s.client()
		wantStatus(t, unverified.post("/login", url.Values{"email": {"vahvistamaton@example.org"}, "password": {testPassword}}), http.StatusOK)
		unverified.sessionOf("vahvistamaton@example.org", s)
		r := vote(unverified, entries[1])
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Ääntä ei kirjattu", "Ääni lasketaan vain tililtä, jonka sähköpostiosoite on vahvistettu.")
		// The author, and a colleague from the entrant organisation.
		colleague := s.client()
		colleague.login("kollega@example.org")
		for _, cl := range []*client{member, colleague} {
			r = vote(cl, entries[0])
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, "Et voi äänestää omaa tekoasi etkä oman organisaatiosi ehdokasta.")
		}
		// They may vote for someone else's deed, once.
		wantStatus(t, vote(colleague, entries[1]), http.StatusSeeOther)
		r = vote(colleague, entries[1])
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Ääntä ei kirjattu")

		// Three new accounts vote for B from one address within minutes.
		for i := range 3 {
			email := fmt.Sprintf("uusi%d@example.org", i)
			s.addNamed(email, fmt.Sprintf("Uusi Äänestäjä %d", i), user.RoleMember, "")
			cl := s.client()
			cl.login(email)
			wantStatus(t, vote(cl, entries[1]), http.StatusSeeOther)
		}
		page := member.get(path)
		mustNotContain(t, page.body, "ääntä</caption>", "Välitilanne")
		page = s.adminClient("yllapito@example.org").get(fmt.Sprintf("/admin/campaigns/%d/results", c.ID))
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Epäilyttäviä ääniä", "”Ikäihmisten liikuntaryhmät”: 4 ääntä uusilta tileiltä osoitealueesta 127.0.0.0/24")

		var refused int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_audit WHERE campaign_id = ? AND action = 'refused' AND detail LIKE '%vote%'`, c.ID).Scan(&refused); err != nil || refused != 4 {
			t.Fatalf("refused votes in the audit log: %d %v", refused, err)
		}
	})
}

// adminClient is a client signed in as email.
func (s *site) adminClient(email string) *client {
	cl := s.client()
	cl.login(email)
	return cl
}
