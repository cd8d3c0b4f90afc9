package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Campaigns: creating, changing, reading and listing them.

// CampaignInput is what a programme admin gives for a campaign.
type CampaignInput struct {
	Name, Description, Rules i18n.Text
	Entry, Judging           Window
	AudienceVote             bool
	Vote                     *Window // required when AudienceVote
	Blind                    bool
	JurorsPerEntry           int
	ConflictSameCounty       bool
}

func (in *CampaignInput) check() FieldErrors {
	in.Name, in.Description, in.Rules = cleanText(in.Name), cleanText(in.Description), cleanText(in.Rules)
	in.Entry = Window{utc(in.Entry.Opens), utc(in.Entry.Closes)}
	in.Judging = Window{utc(in.Judging.Opens), utc(in.Judging.Closes)}
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	checkText(errs, "rules", in.Rules, false, MaxText)
	checkWindow(errs, "entry_window", in.Entry)
	checkWindow(errs, "judging_window", in.Judging)
	// The jury judges a closed set of entries: judging starts only once
	// entering has ended.
	if errs["entry_window"] == "" && errs["judging_window"] == "" && in.Judging.Opens.Before(in.Entry.Closes) {
		errs["judging_window"] = ErrKeyWindowOrder
	}
	if in.AudienceVote {
		if in.Vote == nil {
			errs["vote_window"] = ErrKeyRequired
		} else {
			v := Window{utc(in.Vote.Opens), utc(in.Vote.Closes)}
			in.Vote = &v
			checkWindow(errs, "vote_window", v)
		}
	} else {
		in.Vote = nil
	}
	if in.JurorsPerEntry < 1 || in.JurorsPerEntry > MaxJurorsEntry {
		errs["jurors_per_entry"] = ErrKeyCountRange
	}
	return errs
}

func (in *CampaignInput) voteTimes() (any, any) {
	if in.Vote == nil {
		return nil, nil
	}
	return in.Vote.Opens, in.Vote.Closes
}

// CreateCampaign adds a campaign to a programme.
func (s *Service) CreateCampaign(ctx context.Context, u *user.User, programmeID int64, in CampaignInput) (*Campaign, error) {
	if err := s.mustManageProgramme(ctx, u, programmeID); err != nil {
		return nil, err
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	vo, vc := in.voteTimes()
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO campaigns (programme_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
			rules_fi, rules_sv, rules_en, entry_opens, entry_closes, judging_opens, judging_closes, audience_vote, vote_opens, vote_closes,
			blind, jurors_per_entry, conflict_same_county, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			programmeID, in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			in.Rules.FI, in.Rules.SV, in.Rules.EN, in.Entry.Opens, in.Entry.Closes, in.Judging.Opens, in.Judging.Closes,
			in.AudienceVote, vo, vc, in.Blind, in.JurorsPerEntry, in.ConflictSameCounty, now, now)
		if err != nil {
			return fmt.Errorf("campaign: create: %w", err)
		}
		return audit(ctx, tx, now, u, programmeID, id, AuditCampaign, "", in.Name.FI)
	})
	if err != nil {
		return nil, err
	}
	return s.Campaign(ctx, id)
}

// UpdateCampaign changes a campaign's settings. Turning on the same-county
// rule finds the conflicts it brings at once.
func (s *Service) UpdateCampaign(ctx context.Context, u *user.User, id int64, in CampaignInput) (*Campaign, error) {
	c, err := s.manage(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	vo, vc := in.voteTimes()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaigns SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?,
			rules_fi = ?, rules_sv = ?, rules_en = ?, entry_opens = ?, entry_closes = ?, judging_opens = ?, judging_closes = ?,
			audience_vote = ?, vote_opens = ?, vote_closes = ?, blind = ?, jurors_per_entry = ?, conflict_same_county = ?, updated_at = ?
			WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			in.Rules.FI, in.Rules.SV, in.Rules.EN, in.Entry.Opens, in.Entry.Closes, in.Judging.Opens, in.Judging.Closes,
			in.AudienceVote, vo, vc, in.Blind, in.JurorsPerEntry, in.ConflictSameCounty, now, id); err != nil {
			return fmt.Errorf("campaign %d: update: %w", id, err)
		}
		if err := audit(ctx, tx, now, u, c.ProgrammeID, id, AuditCampaign, "", in.Name.FI); err != nil {
			return err
		}
		if in.ConflictSameCounty && !c.ConflictSameCounty {
			c.ConflictSameCounty = true
			return s.syncConflicts(ctx, tx, c, now, 0, 0)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Campaign(ctx, id)
}

const campaignSelect = `SELECT c.id, c.programme_id, p.name_fi, p.name_sv, p.name_en,
	c.name_fi, c.name_sv, c.name_en, c.description_fi, c.description_sv, c.description_en,
	c.rules_fi, c.rules_sv, c.rules_en, c.entry_opens, c.entry_closes, c.judging_opens, c.judging_closes,
	c.audience_vote, c.vote_opens, c.vote_closes, c.blind, c.jurors_per_entry, c.conflict_same_county,
	c.created_at, c.updated_at,
	COALESCE((SELECT MAX(r.version) FROM campaign_results r WHERE r.campaign_id = c.id), 0)
FROM campaigns c JOIN programmes p ON p.id = c.programme_id`

func scanCampaign(sc interface{ Scan(...any) error }) (*Campaign, error) {
	var c Campaign
	var vo, vc sql.NullTime
	err := sc.Scan(&c.ID, &c.ProgrammeID, &c.Programme.FI, &c.Programme.SV, &c.Programme.EN,
		&c.Name.FI, &c.Name.SV, &c.Name.EN, &c.Description.FI, &c.Description.SV, &c.Description.EN,
		&c.Rules.FI, &c.Rules.SV, &c.Rules.EN, &c.Entry.Opens, &c.Entry.Closes, &c.Judging.Opens, &c.Judging.Closes,
		&c.AudienceVote, &vo, &vc, &c.Blind, &c.JurorsPerEntry, &c.ConflictSameCounty,
		&c.CreatedAt, &c.UpdatedAt, &c.Published)
	if err != nil {
		return nil, err
	}
	c.Entry = Window{c.Entry.Opens.UTC(), c.Entry.Closes.UTC()}
	c.Judging = Window{c.Judging.Opens.UTC(), c.Judging.Closes.UTC()}
	if c.AudienceVote && vo.Valid && vc.Valid {
		c.Vote = &Window{vo.Time.UTC(), vc.Time.UTC()}
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// Campaign returns a campaign with its categories and criteria. Campaigns
// are public: their rules and windows are announced.
func (s *Service) Campaign(ctx context.Context, id int64) (*Campaign, error) {
	c, err := scanCampaign(s.db.QueryRow(ctx, campaignSelect+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", id, err)
	}
	if c.Categories, err = s.categories(ctx, id); err != nil {
		return nil, err
	}
	if c.Criteria, err = s.criteria(ctx, id); err != nil {
		return nil, err
	}
	return c, nil
}

// Campaigns lists the campaigns of a programme, or of every programme when
// programmeID is 0, newest first, with their categories and criteria.
func (s *Service) Campaigns(ctx context.Context, programmeID int64) ([]Campaign, error) {
	where, args := "", []any{}
	if programmeID != 0 {
		where, args = "c.programme_id = ?", []any{programmeID}
	}
	return s.queryCampaigns(ctx, where, args...)
}

// queryCampaigns lists the campaigns that where (on campaigns c) picks,
// newest first. Their categories and criteria come in one query each,
// however many campaigns there are.
func (s *Service) queryCampaigns(ctx context.Context, where string, args ...any) ([]Campaign, error) {
	q := campaignSelect
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY c.entry_opens DESC, c.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: list: %w", err)
	}
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("campaign: list: %w", err)
		}
		out = append(out, *c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	in := "campaign_id IN (SELECT c.id FROM campaigns c)"
	if where != "" {
		in = "campaign_id IN (SELECT c.id FROM campaigns c WHERE " + where + ")"
	}
	cats, err := s.queryCategories(ctx, in, args...)
	if err != nil {
		return nil, err
	}
	crs, err := s.queryCriteria(ctx, in, args...)
	if err != nil {
		return nil, err
	}
	at := map[int64]*Campaign{}
	for i := range out {
		out[i].Categories, out[i].Criteria = []Category{}, []Criterion{}
		at[out[i].ID] = &out[i]
	}
	for _, cat := range cats {
		if c := at[cat.CampaignID]; c != nil {
			c.Categories = append(c.Categories, cat)
		}
	}
	for _, cr := range crs {
		if c := at[cr.CampaignID]; c != nil {
			c.Criteria = append(c.Criteria, cr)
		}
	}
	return out, nil
}

// CategoryCampaign returns the campaign a category belongs to.
func (s *Service) CategoryCampaign(ctx context.Context, categoryID int64) (*Campaign, error) {
	cs, err := s.queryCampaigns(ctx, "c.id IN (SELECT campaign_id FROM campaign_categories WHERE id = ?)", categoryID)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	return &cs[0], nil
}
