package campaign

import (
	"context"

	"github.com/tekotori/tekotori/internal/user"
)

// Dashboard is where a campaign stands, for its programme admins' front
// page: its entries by category with the jury's progress on each and the
// decisions so far, and the counts over the whole campaign.
type Dashboard struct {
	Campaign *Campaign
	// Phase is Campaign.Phase now.
	Phase string
	// EnrolOpen is whether the admins may enter and withdraw now: from the
	// opening of entries until judging opens.
	EnrolOpen  bool
	Categories []DashboardCategory
	Entries    int
	Jurors     int
	// Short counts the jury-judged entries with fewer jurors than the
	// campaign gives each.
	Short     int
	Assigned  int
	Submitted int
	Conflicts int
	Decided   int
}

// DashboardCategory is one category's entries; a category whose winners
// follow from data has instead the organisations leading it, as many as
// it has awards.
type DashboardCategory struct {
	Category Category
	Entries  []DashboardEntry
	Data     []OrgCount
}

// DashboardEntry is one entry with the jury's progress and the decision.
type DashboardEntry struct {
	Entry Entry
	EntryProgress
	Decision *Decision
}

// Dashboard computes the programme admins' view of a campaign.
func (s *Service) Dashboard(ctx context.Context, u *user.User, campaignID int64) (*Dashboard, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	entries, err := s.entriesOf(ctx, s.db, "campaign_id = ?", c.ID)
	if err != nil {
		return nil, err
	}
	prog, err := s.progress(ctx, c)
	if err != nil {
		return nil, err
	}
	rk, err := s.ranking(ctx, c)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &Dashboard{Campaign: c, Phase: c.Phase(now), EnrolOpen: entryOpen(c, Standing{ProgrammeAdmin: true}, u, now),
		Entries: len(entries), Jurors: len(prog.Jurors), Categories: []DashboardCategory{}}
	byEntry := map[int64]EntryProgress{}
	for _, ep := range prog.Entries {
		byEntry[ep.EntryID] = ep
	}
	decisions := map[int64]*Decision{}
	data := map[int64][]OrgCount{}
	for _, cr := range rk.Categories {
		data[cr.Category.ID] = cr.Data
		for _, row := range cr.Rows {
			if row.Decision != nil {
				decisions[row.EntryID] = row.Decision
				d.Decided++
			}
		}
	}
	for _, cat := range c.Categories {
		dc := DashboardCategory{Category: cat, Entries: []DashboardEntry{}}
		if cat.Rule != RuleJury {
			dc.Data = data[cat.ID]
			if n := cat.Winners + cat.Mentions; len(dc.Data) > n {
				dc.Data = dc.Data[:n]
			}
		}
		for _, e := range entries {
			if e.CategoryID != cat.ID {
				continue
			}
			ep := byEntry[e.ID]
			dc.Entries = append(dc.Entries, DashboardEntry{Entry: e, EntryProgress: ep, Decision: decisions[e.ID]})
			d.Assigned += ep.Assigned
			d.Submitted += ep.Submitted
			d.Conflicts += ep.Conflicts
			if ep.Short {
				d.Short++
			}
		}
		d.Categories = append(d.Categories, dc)
	}
	return d, nil
}
