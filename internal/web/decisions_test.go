package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
	"github.com/tekotori/tekotori/internal/user"
)

// TestPageAndAPIAgree asks for deeds in every state as every kind of
// person, once from the deed page and once from the API, and checks that
// both reach the same decision (the same status), and that the decisions
// are the lifecycle's: drafts, submitted and returned deeds only for
// their writers and moderators, published and archived ones for everyone.
func TestPageAndAPIAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		kangasala := orgID(t, s, "kangasala")
		author := s.addUser("kirjoittaja@example.org", user.RoleMember, "kangasala")
		s.addUser("kollega@example.org", user.RoleMember, "kangasala")
		s.addUser("toimittaja@example.org", user.RoleOrgEditor, "kangasala")
		s.addUser("ulkopuolinen@example.org", user.RoleOrgEditor, "varkaus")
		moderator := s.addUser("moderaattori@example.org", user.RoleModerator, "")
		s.addUser("yllapito@example.org", user.RoleAdmin, "")

		content := func(title string) deed.Content {
			return deed.Content{
				Lang: "fi", Title: title, Summary: "Lyhyt kuvaus teosta " + title + ".", OrgID: kangasala,
				Sector: "sote", Themes: []string{"digitalisaatio"}, ClientGroups: []string{"nuoret"},
				Status: deed.Done, Year: 2024, Need: "Tarve " + title + ".", Solution: "Ratkaisu " + title + ".",
				Contact: deed.Contact{Name: "Maija Meikäläinen", Email: "maija@example.org", Public: true},
			}
		}
		must := func(d *deed.Deed, err error) *deed.Deed {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		newDeed := func(title string) *deed.Deed { return must(s.app.Deeds.Create(ctx, author, content(title))) }
		submitted := func(title string) *deed.Deed {
			d := newDeed(title)
			return must(s.app.Deeds.Submit(ctx, author, d.ID, content(title)))
		}
		published := func(title string) *deed.Deed {
			return must(s.app.Deeds.Publish(ctx, moderator, submitted(title).ID))
		}
		deeds := map[string]*deed.Deed{
			"draft":     newDeed("Luonnos"),
			"submitted": submitted("Lähetetty"),
			"returned":  must(s.app.Deeds.Return(ctx, moderator, submitted("Palautettu").ID, "Täydennä tuloksia.")),
			"published": published("Julkaistu"),
			"archived":  must(s.app.Deeds.Archive(ctx, moderator, published("Arkistoitu").ID, "")),
		}
		pending := published("Muokattu")
		deeds["published, edit pending"] = must(s.app.Deeds.Save(ctx, author, pending.ID, content("Muokattu uudelleen")))
		if deeds["published, edit pending"].Pending == nil {
			t.Fatal("the edit of a published deed went live instead of waiting")
		}

		// Who may see a deed that is not public: its author, an editor of
		// its organisation, moderators and admins.
		writers := map[string]bool{"kirjoittaja@example.org": true, "toimittaja@example.org": true,
			"moderaattori@example.org": true, "yllapito@example.org": true}
		people := []string{"", "kirjoittaja@example.org", "kollega@example.org", "toimittaja@example.org",
			"ulkopuolinen@example.org", "moderaattori@example.org", "yllapito@example.org"}
		for _, who := range people {
			c := s.client()
			if who != "" {
				c.login(who)
			}
			for name, d := range deeds {
				page := c.get(fmt.Sprintf("/deeds/%d/%s", d.ID, d.Slug))
				api := c.get(fmt.Sprintf("/api/v1/deeds/%d", d.ID))
				if page.status != api.status {
					t.Errorf("%q, %s deed: page %d, API %d", who, name, page.status, api.status)
				}
				want := http.StatusNotFound
				if d.IsPublic() || writers[who] {
					want = http.StatusOK
				}
				if page.status != want {
					t.Errorf("%q, %s deed: page %d, want %d", who, name, page.status, want)
				}
			}
			// A deed that does not exist is the same answer as one not shown.
			page, api := c.get("/deeds/999999/x"), c.get("/api/v1/deeds/999999")
			if page.status != http.StatusNotFound || api.status != http.StatusNotFound {
				t.Errorf("%q, no such deed: page %d, API %d", who, page.status, api.status)
			}
		}
	})
}
