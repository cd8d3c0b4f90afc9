package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Service carries out everything that happens in programmes and campaigns.
type Service struct {
	db    *store.DB
	deeds *deed.Service
	// now is the service's clock; SeedDemo and the tests run a copy of the
	// service on another clock to play a campaign through its windows.
	now func() time.Time
	// OnPublish, when set, runs after results are published or corrected,
	// so that the search index's award facet follows.
	OnPublish func(ctx context.Context)
}

// NewService returns a Service on db. deeds gives the public view of a
// deed that entries freeze.
func NewService(db *store.DB, deeds *deed.Service) *Service {
	return &Service{db: db, deeds: deeds, now: store.Now}
}

// At returns a copy of the service whose clock reads now() instead of the
// wall clock. The copy shares the database; it exists for the demo data
// and for tests that must act inside a campaign's windows.
func (s *Service) At(now func() time.Time) *Service {
	c := *s
	c.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
	return &c
}

// ---- validation helpers ----

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

func cleanText(t i18n.Text) i18n.Text {
	return i18n.Text{FI: clean(t.FI), SV: clean(t.SV), EN: clean(t.EN)}
}

// checkText adds the problems of a three-language text: Finnish is the
// language every record must have, the others fall back to it.
func checkText(errs FieldErrors, name string, t i18n.Text, required bool, max int) {
	if required && t.FI == "" {
		errs[name+"_fi"] = ErrKeyRequired
	}
	for lang, v := range map[string]string{"fi": t.FI, "sv": t.SV, "en": t.EN} {
		if utf8.RuneCountInString(v) > max {
			errs[name+"_"+lang] = fmt.Sprintf("%s|%d", ErrKeyTooLong, max)
		}
	}
}

func checkWindow(errs FieldErrors, name string, w Window) {
	if w.Opens.IsZero() || w.Closes.IsZero() {
		errs[name] = ErrKeyRequired
		return
	}
	if !w.Closes.After(w.Opens) {
		errs[name] = ErrKeyWindowOrder
	}
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return utc(*t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func uid(u *user.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// ---- programmes ----

// ProgrammeInput is what a site admin gives for a programme.
type ProgrammeInput struct {
	Name        i18n.Text
	Description i18n.Text
}

func (in *ProgrammeInput) check() FieldErrors {
	in.Name, in.Description = cleanText(in.Name), cleanText(in.Description)
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	return errs
}

// CreateProgramme starts a programme; only site admins may.
func (s *Service) CreateProgramme(ctx context.Context, u *user.User, in ProgrammeInput) (*Programme, error) {
	if !Can(u, ActionCreateProgramme, Standing{}) {
		return nil, ErrForbidden
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO programmes (name_fi, name_sv, name_en, description_fi, description_sv, description_en, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Name.FI, in.Name.SV, in.Name.EN,
			in.Description.FI, in.Description.SV, in.Description.EN, nullID(uid(u)), now, now)
		if err != nil {
			return fmt.Errorf("campaign: create programme: %w", err)
		}
		return audit(ctx, tx, now, u, id, 0, AuditProgramme, "", in.Name.FI)
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, id)
}

// UpdateProgramme changes a programme's name and description.
func (s *Service) UpdateProgramme(ctx context.Context, u *user.User, id int64, in ProgrammeInput) (*Programme, error) {
	if err := s.mustManageProgramme(ctx, u, id); err != nil {
		return nil, err
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE programmes SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?, updated_at = ? WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN, now, id); err != nil {
			return fmt.Errorf("campaign: update programme %d: %w", id, err)
		}
		return audit(ctx, tx, now, u, id, 0, AuditProgramme, "", in.Name.FI)
	})
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, id)
}

// Programme returns a programme with its admins' ids.
func (s *Service) Programme(ctx context.Context, id int64) (*Programme, error) {
	ps, err := s.queryProgrammes(ctx, "WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, ErrNotFound
	}
	p := &ps[0]
	rows, err := s.db.Query(ctx, `SELECT user_id FROM programme_admins WHERE programme_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, fmt.Errorf("campaign: programme %d admins: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return nil, fmt.Errorf("campaign: programme %d admins: %w", id, err)
		}
		p.AdminIDs = append(p.AdminIDs, uid)
	}
	return p, rows.Err()
}

// Programmes lists every programme, oldest first.
func (s *Service) Programmes(ctx context.Context) ([]Programme, error) {
	return s.queryProgrammes(ctx, "")
}

// ProgrammeCampaigns is a programme with its campaigns, newest first.
type ProgrammeCampaigns struct {
	Programme
	Campaigns []Campaign
}

// ManagedProgrammes lists the programmes u runs (every programme for a
// site admin), oldest first, each with its admins' ids and its campaigns.
// It takes the same few queries however many programmes there are.
func (s *Service) ManagedProgrammes(ctx context.Context, u *user.User) ([]ProgrammeCampaigns, error) {
	if u == nil || u.Disabled {
		return nil, nil
	}
	where, args := "WHERE id IN (SELECT programme_id FROM programme_admins WHERE user_id = ?)", []any{u.ID}
	if Can(u, ActionManage, Standing{}) {
		where, args = "", nil
	}
	ps, err := s.queryProgrammes(ctx, where, args...)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	admins, err := s.programmeAdmins(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := s.Campaigns(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := make([]ProgrammeCampaigns, len(ps))
	for i, p := range ps {
		p.AdminIDs = admins[p.ID]
		out[i] = ProgrammeCampaigns{Programme: p, Campaigns: []Campaign{}}
		for _, c := range cs {
			if c.ProgrammeID == p.ID {
				out[i].Campaigns = append(out[i].Campaigns, c)
			}
		}
	}
	return out, nil
}

// programmeAdmins maps every programme to its admins' ids.
func (s *Service) programmeAdmins(ctx context.Context) (map[int64][]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT programme_id, user_id FROM programme_admins ORDER BY programme_id, user_id`)
	if err != nil {
		return nil, fmt.Errorf("campaign: programme admins: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var p, u int64
		if err := rows.Scan(&p, &u); err != nil {
			return nil, fmt.Errorf("campaign: programme admins: %w", err)
		}
		out[p] = append(out[p], u)
	}
	return out, rows.Err()
}

// ManagesAny reports whether u runs any programme or may start one, for
// a link to the admin pages.
func (s *Service) ManagesAny(ctx context.Context, u *user.User) (bool, error) {
	if Can(u, ActionCreateProgramme, Standing{}) {
		return true, nil
	}
	if u == nil {
		return false, nil
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM programme_admins WHERE user_id = ?`, u.ID).Scan(&n); err != nil {
		return false, fmt.Errorf("campaign: manages any: %w", err)
	}
	return Can(u, ActionManage, Standing{ProgrammeAdmin: n > 0}), nil
}

func (s *Service) queryProgrammes(ctx context.Context, where string, args ...any) ([]Programme, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name_fi, name_sv, name_en, description_fi, description_sv, description_en, created_at
		FROM programmes `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: programmes: %w", err)
	}
	defer rows.Close()
	var out []Programme
	for rows.Next() {
		var p Programme
		if err := rows.Scan(&p.ID, &p.Name.FI, &p.Name.SV, &p.Name.EN, &p.Description.FI, &p.Description.SV, &p.Description.EN, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("campaign: programmes: %w", err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddProgrammeAdmin lists the account with email as an admin of the
// programme. Site admins and the programme's admins may.
func (s *Service) AddProgrammeAdmin(ctx context.Context, u *user.User, programmeID int64, email string) error {
	if err := s.mustManageProgramme(ctx, u, programmeID); err != nil {
		return err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	var target int64
	err := s.db.QueryRow(ctx, `SELECT id FROM users WHERE LOWER(email) = ? ORDER BY id LIMIT 1`, email).Scan(&target)
	if errors.Is(err, sql.ErrNoRows) {
		return FieldErrors{"email": ErrKeyUserUnknown}
	}
	if err != nil {
		return fmt.Errorf("campaign: add programme admin: %w", err)
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM programme_admins WHERE programme_id = ? AND user_id = ?`, programmeID, target).Scan(&n); err != nil {
			return fmt.Errorf("campaign: add programme admin: %w", err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO programme_admins (programme_id, user_id, created_at) VALUES (?, ?, ?)`, programmeID, target, now); err != nil {
			return fmt.Errorf("campaign: add programme admin: %w", err)
		}
		return audit(ctx, tx, now, u, programmeID, 0, AuditAdminAdded, fmt.Sprintf("user:%d", target), email)
	})
}

// RemoveProgrammeAdmin takes a user off the programme's admins.
func (s *Service) RemoveProgrammeAdmin(ctx context.Context, u *user.User, programmeID, userID int64) error {
	if err := s.mustManageProgramme(ctx, u, programmeID); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM programme_admins WHERE programme_id = ? AND user_id = ?`, programmeID, userID); err != nil {
			return fmt.Errorf("campaign: remove programme admin: %w", err)
		}
		return audit(ctx, tx, now, u, programmeID, 0, AuditAdminRemoved, fmt.Sprintf("user:%d", userID), "")
	})
}

// ---- standing ----

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

// ---- campaigns ----

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

// ---- categories ----

// CategoryInput is what a programme admin gives for a category.
type CategoryInput struct {
	Name, Description i18n.Text
	Kind              Kind
	Rule              Rule
	Winners           int
	Mentions          int
	Position          int
}

func (in *CategoryInput) check() FieldErrors {
	in.Name, in.Description = cleanText(in.Name), cleanText(in.Description)
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	if in.Kind != KindDeed && in.Kind != KindOrg {
		errs["kind"] = ErrKeyChoiceInvalid
	}
	switch in.Rule {
	case RuleJury:
	case RuleMostDeeds:
		// Counting deeds ranks organisations, not single deeds.
		if in.Kind != KindOrg {
			errs["rule"] = ErrKeyChoiceInvalid
		}
	default:
		errs["rule"] = ErrKeyChoiceInvalid
	}
	if in.Winners < 0 || in.Winners > MaxWinners {
		errs["winners"] = ErrKeyCountRange
	}
	if in.Mentions < 0 || in.Mentions > MaxWinners {
		errs["mentions"] = ErrKeyCountRange
	}
	if in.Winners+in.Mentions == 0 && errs["winners"] == "" {
		errs["winners"] = ErrKeyCountRange
	}
	return errs
}

// AddCategory adds an award category to a campaign.
func (s *Service) AddCategory(ctx context.Context, u *user.User, campaignID int64, in CategoryInput) (*Category, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	errs := in.check()
	if len(c.Categories) >= MaxCategories {
		errs["name_fi"] = ErrKeyCountRange
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO campaign_categories (campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
			kind, rule, winners, mentions, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			campaignID, in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			string(in.Kind), string(in.Rule), in.Winners, in.Mentions, in.Position)
		if err != nil {
			return fmt.Errorf("campaign %d: add category: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, campaignID, AuditCategory, fmt.Sprintf("category:%d", id),
			fmt.Sprintf("%s (%s, %d+%d)", in.Name.FI, in.Kind, in.Winners, in.Mentions))
	})
	if err != nil {
		return nil, err
	}
	return s.category(ctx, id)
}

// UpdateCategory changes a category. Its kind and rule are fixed once it
// has entries, and its quotas cannot drop below the decisions already made.
func (s *Service) UpdateCategory(ctx context.Context, u *user.User, categoryID int64, in CategoryInput) (*Category, error) {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	c, err := s.manage(ctx, u, cat.CampaignID)
	if err != nil {
		return nil, err
	}
	errs := in.check()
	entries, err := s.countEntries(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	if entries > 0 && (in.Kind != cat.Kind || in.Rule != cat.Rule) {
		errs["kind"] = ErrKeyInUse
	}
	counts, err := s.decisionCounts(ctx, s.db, categoryID)
	if err != nil {
		return nil, err
	}
	if counts[Winner] > in.Winners {
		errs["winners"] = ErrKeyInUse
	}
	if counts[Mention] > in.Mentions {
		errs["mentions"] = ErrKeyInUse
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaign_categories SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?,
			kind = ?, rule = ?, winners = ?, mentions = ?, position = ? WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			string(in.Kind), string(in.Rule), in.Winners, in.Mentions, in.Position, categoryID); err != nil {
			return fmt.Errorf("campaign: update category %d: %w", categoryID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCategory, fmt.Sprintf("category:%d", categoryID),
			fmt.Sprintf("%s (%s, %d+%d)", in.Name.FI, in.Kind, in.Winners, in.Mentions))
	})
	if err != nil {
		return nil, err
	}
	return s.category(ctx, categoryID)
}

// DeleteCategory removes a category that has no entries.
func (s *Service) DeleteCategory(ctx context.Context, u *user.User, categoryID int64) error {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return err
	}
	c, err := s.manage(ctx, u, cat.CampaignID)
	if err != nil {
		return err
	}
	n, err := s.countEntries(ctx, categoryID)
	if err != nil {
		return err
	}
	if n > 0 {
		return FieldErrors{"category": ErrKeyInUse}
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_categories WHERE id = ?`, categoryID); err != nil {
			return fmt.Errorf("campaign: delete category %d: %w", categoryID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCategoryDeleted, fmt.Sprintf("category:%d", categoryID), cat.Name.FI)
	})
}

func (s *Service) countEntries(ctx context.Context, categoryID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_entries WHERE category_id = ?`, categoryID).Scan(&n); err != nil {
		return 0, fmt.Errorf("campaign: category %d entries: %w", categoryID, err)
	}
	return n, nil
}

const categorySelect = `SELECT id, campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
	kind, rule, winners, mentions, position FROM campaign_categories`

func (s *Service) queryCategories(ctx context.Context, where string, args ...any) ([]Category, error) {
	rows, err := s.db.Query(ctx, categorySelect+" WHERE "+where+" ORDER BY position, id", args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: categories: %w", err)
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		var kind, rule string
		if err := rows.Scan(&c.ID, &c.CampaignID, &c.Name.FI, &c.Name.SV, &c.Name.EN, &c.Description.FI, &c.Description.SV, &c.Description.EN,
			&kind, &rule, &c.Winners, &c.Mentions, &c.Position); err != nil {
			return nil, fmt.Errorf("campaign: categories: %w", err)
		}
		c.Kind, c.Rule = Kind(kind), Rule(rule)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) categories(ctx context.Context, campaignID int64) ([]Category, error) {
	return s.queryCategories(ctx, "campaign_id = ?", campaignID)
}

func (s *Service) category(ctx context.Context, id int64) (*Category, error) {
	cs, err := s.queryCategories(ctx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	return &cs[0], nil
}

// ---- criteria ----

// CriterionInput is what a programme admin gives for a criterion.
type CriterionInput struct {
	Name, Description i18n.Text
	Weight            float64
	ScaleMin          int
	ScaleMax          int
	Position          int
}

func (in *CriterionInput) check() FieldErrors {
	in.Name, in.Description = cleanText(in.Name), cleanText(in.Description)
	errs := FieldErrors{}
	checkText(errs, "name", in.Name, true, MaxName)
	checkText(errs, "description", in.Description, false, MaxText)
	if math.IsNaN(in.Weight) || in.Weight <= 0 || in.Weight > 100 {
		errs["weight"] = ErrKeyWeightRange
	}
	if in.ScaleMax <= in.ScaleMin || in.ScaleMax-in.ScaleMin > MaxScaleSteps {
		errs["scale"] = ErrKeyScaleInvalid
	}
	return errs
}

// AddCriterion adds a judging criterion to a campaign.
func (s *Service) AddCriterion(ctx context.Context, u *user.User, campaignID int64, in CriterionInput) (*Criterion, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	if errs := in.check(); len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO campaign_criteria (campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
			weight, scale_min, scale_max, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			campaignID, in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			in.Weight, in.ScaleMin, in.ScaleMax, in.Position)
		if err != nil {
			return fmt.Errorf("campaign %d: add criterion: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, campaignID, AuditCriterion, fmt.Sprintf("criterion:%d", id),
			fmt.Sprintf("%s (weight %g, %d–%d)", in.Name.FI, in.Weight, in.ScaleMin, in.ScaleMax))
	})
	if err != nil {
		return nil, err
	}
	return s.criterion(ctx, id)
}

// UpdateCriterion changes a criterion. Its scale is fixed once jurors
// have scored on it, or their scores would change meaning.
func (s *Service) UpdateCriterion(ctx context.Context, u *user.User, criterionID int64, in CriterionInput) (*Criterion, error) {
	cr, err := s.criterion(ctx, criterionID)
	if err != nil {
		return nil, err
	}
	c, err := s.manage(ctx, u, cr.CampaignID)
	if err != nil {
		return nil, err
	}
	errs := in.check()
	n, err := s.countScores(ctx, criterionID)
	if err != nil {
		return nil, err
	}
	if n > 0 && (in.ScaleMin != cr.ScaleMin || in.ScaleMax != cr.ScaleMax) {
		errs["scale"] = ErrKeyInUse
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaign_criteria SET name_fi = ?, name_sv = ?, name_en = ?, description_fi = ?, description_sv = ?, description_en = ?,
			weight = ?, scale_min = ?, scale_max = ?, position = ? WHERE id = ?`,
			in.Name.FI, in.Name.SV, in.Name.EN, in.Description.FI, in.Description.SV, in.Description.EN,
			in.Weight, in.ScaleMin, in.ScaleMax, in.Position, criterionID); err != nil {
			return fmt.Errorf("campaign: update criterion %d: %w", criterionID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCriterion, fmt.Sprintf("criterion:%d", criterionID),
			fmt.Sprintf("%s (weight %g, %d–%d)", in.Name.FI, in.Weight, in.ScaleMin, in.ScaleMax))
	})
	if err != nil {
		return nil, err
	}
	return s.criterion(ctx, criterionID)
}

// DeleteCriterion removes a criterion nobody has scored on.
func (s *Service) DeleteCriterion(ctx context.Context, u *user.User, criterionID int64) error {
	cr, err := s.criterion(ctx, criterionID)
	if err != nil {
		return err
	}
	c, err := s.manage(ctx, u, cr.CampaignID)
	if err != nil {
		return err
	}
	n, err := s.countScores(ctx, criterionID)
	if err != nil {
		return err
	}
	if n > 0 {
		return FieldErrors{"criterion": ErrKeyInUse}
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_criteria WHERE id = ?`, criterionID); err != nil {
			return fmt.Errorf("campaign: delete criterion %d: %w", criterionID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditCriterionDeleted, fmt.Sprintf("criterion:%d", criterionID), cr.Name.FI)
	})
}

func (s *Service) countScores(ctx context.Context, criterionID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_scores WHERE criterion_id = ?`, criterionID).Scan(&n); err != nil {
		return 0, fmt.Errorf("campaign: criterion %d scores: %w", criterionID, err)
	}
	return n, nil
}

const criterionSelect = `SELECT id, campaign_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en,
	weight, scale_min, scale_max, position FROM campaign_criteria`

func (s *Service) queryCriteria(ctx context.Context, where string, args ...any) ([]Criterion, error) {
	rows, err := s.db.Query(ctx, criterionSelect+" WHERE "+where+" ORDER BY position, id", args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: criteria: %w", err)
	}
	defer rows.Close()
	out := []Criterion{}
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.CampaignID, &c.Name.FI, &c.Name.SV, &c.Name.EN, &c.Description.FI, &c.Description.SV, &c.Description.EN,
			&c.Weight, &c.ScaleMin, &c.ScaleMax, &c.Position); err != nil {
			return nil, fmt.Errorf("campaign: criteria: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) criteria(ctx context.Context, campaignID int64) ([]Criterion, error) {
	return s.queryCriteria(ctx, "campaign_id = ?", campaignID)
}

func (s *Service) criterion(ctx context.Context, id int64) (*Criterion, error) {
	cs, err := s.queryCriteria(ctx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ErrNotFound
	}
	return &cs[0], nil
}
