package campaign_test

import (
	"os"
	"testing"

	"github.com/tekotori/tekotori/internal/campaign"
	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/store/storetest"
)

func TestSeedDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := e.ctx
		f, err := os.Open("../demo/deeds.jsonl")
		must(t, err)
		defer f.Close()
		rep, err := deed.NewImporter(e.deeds, e.orgs, e.terms).Import(ctx, f, deed.ImportOptions{})
		must(t, err)
		if len(rep.Errors) > 0 {
			t.Fatalf("demo import: %+v", rep.Errors)
		}
		s := campaign.NewService(db, e.deeds)
		res, err := campaign.SeedDemo(ctx, s, e.users, "demo-salasana-1")
		must(t, err)
		if res.Skipped || res.Awards != 15 || res.Entries < 50 {
			t.Fatalf("demo %+v", res)
		}
		list, err := s.Campaigns(ctx, res.ProgrammeID)
		must(t, err)
		if len(list) != 2 || list[0].Phase(e.t0) != "entries_open" || list[1].Phase(e.t0) != "published" {
			t.Fatalf("demo campaigns %+v", list)
		}
		r, err := s.Published(ctx, res.FinishedID, 0)
		must(t, err)
		if r.Version != 2 || len(r.Changes) != 1 || !r.Changes[0].Rationale || r.Categories[0].Name.FI != "Ihmeiden tekijä" {
			t.Fatalf("demo results %+v", r)
		}
		var varkaus bool
		for _, a := range r.Categories[0].Winners {
			varkaus = varkaus || a.OrgID == e.varkaus.ID
		}
		if !varkaus {
			t.Fatalf("Varkaus is not among the miracle makers: %+v", r.Categories[0].Winners)
		}
		bs, err := s.AwardsForOrg(ctx, e.varkaus.ID)
		must(t, err)
		if len(bs) == 0 {
			t.Fatal("no badges for Varkaus")
		}
		var unsent int
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL`).Scan(&unsent))
		if unsent != 0 {
			t.Fatalf("%d demo e-mails left for the sender", unsent)
		}
		again, err := campaign.SeedDemo(ctx, s, e.users, "demo-salasana-1")
		must(t, err)
		if !again.Skipped {
			t.Fatal("a second SeedDemo did not skip")
		}
	})
}
