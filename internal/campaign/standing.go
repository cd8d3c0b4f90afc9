package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// What a person is in a campaign (Standing), read from the database for
// Can to decide on, and the loaders that check it first.

func (s *Service) isProgrammeAdmin(ctx context.Context, q store.Querier, u *user.User, programmeID int64) (bool, error) {
	if u == nil {
		return false, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM programme_admins WHERE programme_id = ? AND user_id = ?`, programmeID, u.ID).Scan(&n); err != nil {
		return false, fmt.Errorf("campaign: programme admin: %w", err)
	}
	return n > 0, nil
}

func (s *Service) mustManageProgramme(ctx context.Context, u *user.User, programmeID int64) error {
	_, err := s.ManagedProgramme(ctx, u, programmeID)
	return err
}

// ManagedProgramme returns a programme that u may manage, or
// ErrForbidden.
func (s *Service) ManagedProgramme(ctx context.Context, u *user.User, programmeID int64) (*Programme, error) {
	p, err := s.Programme(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionManage, Standing{ProgrammeAdmin: u != nil && slices.Contains(p.AdminIDs, u.ID)}) {
		return nil, ErrForbidden
	}
	return p, nil
}

// standing tells what u is in campaign c.
func (s *Service) standing(ctx context.Context, u *user.User, c *Campaign) (Standing, error) {
	var st Standing
	if u == nil {
		return st, nil
	}
	pa, err := s.isProgrammeAdmin(ctx, s.db, u, c.ProgrammeID)
	if err != nil {
		return st, err
	}
	st.ProgrammeAdmin = pa
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, c.ID, u.ID).Scan(&n); err != nil {
		return st, fmt.Errorf("campaign %d: juror: %w", c.ID, err)
	}
	st.Juror = n > 0
	return st, nil
}

// entryStanding adds what u is to entry e.
func (s *Service) entryStanding(ctx context.Context, u *user.User, c *Campaign, e *Entry) (Standing, error) {
	st, err := s.standing(ctx, u, c)
	if err != nil {
		return st, err
	}
	st.OrgID, st.EnteredBy = e.OrgID, e.EnteredBy
	if e.Kind == KindDeed && len(e.Snapshot.Deeds) > 0 {
		st.AuthorID = e.Snapshot.Deeds[0].AuthorID
	}
	if u == nil || !st.Juror {
		return st, nil
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_assignments WHERE entry_id = ? AND user_id = ?`, e.ID, u.ID).Scan(&n); err != nil {
		return st, fmt.Errorf("campaign: entry %d: assignment: %w", e.ID, err)
	}
	st.Assigned = n > 0
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_conflicts WHERE entry_id = ? AND user_id = ?`, e.ID, u.ID).Scan(&n); err != nil {
		return st, fmt.Errorf("campaign: entry %d: conflict: %w", e.ID, err)
	}
	st.Conflicted = n > 0
	return st, nil
}

// entryAs loads an entry, its campaign and what u is to it: where every
// method starts that acts on one entry for a juror, entrant or voter.
func (s *Service) entryAs(ctx context.Context, u *user.User, entryID int64) (*Entry, *Campaign, Standing, error) {
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, nil, Standing{}, err
	}
	c, err := s.Campaign(ctx, e.CampaignID)
	if err != nil {
		return nil, nil, Standing{}, err
	}
	st, err := s.entryStanding(ctx, u, c, e)
	if err != nil {
		return nil, nil, Standing{}, err
	}
	return e, c, st, nil
}

// managedEntry loads an entry and its campaign, which u must manage.
func (s *Service) managedEntry(ctx context.Context, u *user.User, entryID int64) (*Entry, *Campaign, error) {
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.manage(ctx, u, e.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	return e, c, nil
}

// manage loads a campaign that u may manage.
func (s *Service) manage(ctx context.Context, u *user.User, campaignID int64) (*Campaign, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	st, err := s.standing(ctx, u, c)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionManage, st) {
		return nil, ErrForbidden
	}
	return c, nil
}

// ManagedCampaign returns a campaign that u may manage, or ErrForbidden.
func (s *Service) ManagedCampaign(ctx context.Context, u *user.User, campaignID int64) (*Campaign, error) {
	return s.manage(ctx, u, campaignID)
}

// CanManage reports whether u may manage the campaign, for pages that
// show or hide the admin's links.
func (s *Service) CanManage(ctx context.Context, u *user.User, campaignID int64) (bool, error) {
	_, err := s.manage(ctx, u, campaignID)
	if errors.Is(err, ErrForbidden) {
		return false, nil
	}
	return err == nil, err
}

// IsJuror reports whether u is on the campaign's jury.
func (s *Service) IsJuror(ctx context.Context, u *user.User, campaignID int64) (bool, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return false, err
	}
	st, err := s.standing(ctx, u, c)
	return st.Juror, err
}
