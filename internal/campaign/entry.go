package campaign

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// entryOpen tells whether u may enter now. Entrants have the entry window;
// programme admins may also enrol after it closes, until judging opens,
// because enrolling "every deed published in the window" is naturally done
// once the window has closed.
func entryOpen(c *Campaign, st Standing, u *user.User, now time.Time) bool {
	if c.Entry.Contains(now) {
		return true
	}
	admin := st.ProgrammeAdmin || u.IsAdmin()
	return admin && !now.Before(c.Entry.Opens) && now.Before(c.Judging.Opens)
}

// EnterDeed enters a published deed in a deed category. The deed's
// author, its organisation's editors and the programme admins may; the
// deed is frozen as it is now.
func (s *Service) EnterDeed(ctx context.Context, u *user.User, categoryID, deedID int64) (*Entry, error) {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	c, err := s.Campaign(ctx, cat.CampaignID)
	if err != nil {
		return nil, err
	}
	d, err := s.deeds.Get(ctx, nil, deedID)
	if errors.Is(err, deed.ErrNotFound) {
		return nil, FieldErrors{"deed": ErrKeyNotPublished}
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: enter deed %d: %w", deedID, err)
	}
	st, err := s.standing(ctx, u, c)
	if err != nil {
		return nil, err
	}
	st.AuthorID, st.OrgID = d.AuthorID, d.OrgID
	if !Can(u, ActionEnterDeed, st) {
		return nil, ErrForbidden
	}
	subject := fmt.Sprintf("deed:%d", deedID)
	now := s.now()
	errs := FieldErrors{}
	switch {
	case cat.Kind != KindDeed:
		errs["category"] = ErrKeyWrongKind
	case cat.Rule != RuleJury:
		errs["category"] = ErrKeyRuleCategory
	case !entryOpen(c, st, u, now):
		errs["category"] = ErrKeyWindowClosed
	}
	if d.State != deed.Published {
		errs["deed"] = ErrKeyNotPublished
	}
	if len(errs) > 0 {
		return nil, s.refused(ctx, u, c, subject, errs)
	}
	e := entryOfDeed(c.ID, cat.ID, uid(u), d, now)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.insertEntry(ctx, tx, e); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditEntered, fmt.Sprintf("entry:%d", e.ID), fmt.Sprintf("%s in %s", subject, cat.Name.FI)); err != nil {
			return err
		}
		return s.syncConflicts(ctx, tx, c, now, e.ID, 0)
	})
	if err != nil {
		return nil, s.refused(ctx, u, c, subject, err)
	}
	return e, nil
}

// EnterOrg enters an organisation in an organisation category. It is
// judged on its deeds of the period: those it published in the entry
// window and those of its deeds entered in the campaign's deed categories,
// frozen as they are now.
func (s *Service) EnterOrg(ctx context.Context, u *user.User, categoryID, orgID int64) (*Entry, error) {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	c, err := s.Campaign(ctx, cat.CampaignID)
	if err != nil {
		return nil, err
	}
	st, err := s.standing(ctx, u, c)
	if err != nil {
		return nil, err
	}
	st.OrgID = orgID
	if !Can(u, ActionEnterOrg, st) {
		return nil, ErrForbidden
	}
	subject := fmt.Sprintf("org:%d", orgID)
	now := s.now()
	errs := FieldErrors{}
	switch {
	case cat.Kind != KindOrg:
		errs["category"] = ErrKeyWrongKind
	case cat.Rule != RuleJury:
		errs["category"] = ErrKeyRuleCategory
	case !entryOpen(c, st, u, now):
		errs["category"] = ErrKeyWindowClosed
	}
	if len(errs) > 0 {
		return nil, s.refused(ctx, u, c, subject, errs)
	}
	e, err := s.entryOfOrg(ctx, c, cat.ID, uid(u), orgID, now)
	if err != nil {
		return nil, s.refused(ctx, u, c, subject, err)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.insertEntry(ctx, tx, e); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditEntered, fmt.Sprintf("entry:%d", e.ID),
			fmt.Sprintf("%s in %s with %d deeds", subject, cat.Name.FI, len(e.Snapshot.Deeds))); err != nil {
			return err
		}
		return s.syncConflicts(ctx, tx, c, now, e.ID, 0)
	})
	if err != nil {
		return nil, s.refused(ctx, u, c, subject, err)
	}
	return e, nil
}

// EnrolPublished enters, on the programme admins' behalf, every deed
// published in the entry window (deed category) or every organisation that
// published one (organisation category) that is not in the category yet.
// It returns how many entries it added.
func (s *Service) EnrolPublished(ctx context.Context, u *user.User, categoryID int64) (int, error) {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return 0, err
	}
	c, err := s.manage(ctx, u, cat.CampaignID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	errs := FieldErrors{}
	if cat.Rule != RuleJury {
		errs["category"] = ErrKeyRuleCategory
	} else if !entryOpen(c, Standing{ProgrammeAdmin: true}, u, now) {
		errs["category"] = ErrKeyWindowClosed
	}
	if len(errs) > 0 {
		return 0, s.refused(ctx, u, c, fmt.Sprintf("category:%d", cat.ID), errs)
	}
	col := "id"
	if cat.Kind == KindOrg {
		col = "DISTINCT org_id"
	}
	ids, err := s.ids(ctx, `SELECT `+col+` FROM deeds WHERE state = 'published' AND published_at >= ? AND published_at < ?`, c.Entry.Opens, c.Entry.Closes)
	if err != nil {
		return 0, fmt.Errorf("campaign: enrol %d: %w", categoryID, err)
	}
	existing, err := s.entriesOf(ctx, s.db, "category_id = ?", cat.ID)
	if err != nil {
		return 0, err
	}
	have := map[string]bool{}
	for _, e := range existing {
		have[e.subject()] = true
	}
	var entries []*Entry
	for _, id := range ids {
		var e *Entry
		if cat.Kind == KindDeed {
			if have[fmt.Sprintf("deed:%d", id)] {
				continue
			}
			d, err := s.deeds.Get(ctx, nil, id)
			if err != nil {
				return 0, fmt.Errorf("campaign: enrol deed %d: %w", id, err)
			}
			e = entryOfDeed(c.ID, cat.ID, uid(u), d, now)
		} else {
			if have[fmt.Sprintf("org:%d", id)] {
				continue
			}
			if e, err = s.entryOfOrg(ctx, c, cat.ID, uid(u), id, now); err != nil {
				return 0, err
			}
		}
		entries = append(entries, e)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, e := range entries {
			if err := s.insertEntry(ctx, tx, e); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditEntered, fmt.Sprintf("entry:%d", e.ID),
				fmt.Sprintf("%s enrolled in %s", e.subject(), cat.Name.FI)); err != nil {
				return err
			}
		}
		return s.syncConflicts(ctx, tx, c, now, 0, 0)
	})
	if err != nil {
		return 0, err
	}
	return len(entries), nil
}

// Withdraw takes an entry out before judging starts: its entrant may while
// the entry window is open, the programme admins until judging opens.
func (s *Service) Withdraw(ctx context.Context, u *user.User, entryID int64, reason string) error {
	e, c, st, err := s.entryAs(ctx, u, entryID)
	if err != nil {
		return err
	}
	action := ActionEnterDeed
	if e.Kind == KindOrg {
		action = ActionEnterOrg
	}
	if !Can(u, action, st) && (u == nil || e.EnteredBy != u.ID) {
		return ErrForbidden
	}
	now := s.now()
	if !entryOpen(c, st, u, now) {
		return s.refused(ctx, u, c, fmt.Sprintf("entry:%d", e.ID), FieldErrors{"entry": ErrKeyWindowClosed})
	}
	// Withdrawing someone else's entry takes their work out of the
	// campaign, so it needs a reason for the log; one's own does not.
	reason, key := reasonOf(reason)
	if key == ErrKeyReasonRequired && e.EnteredBy == u.ID {
		key = ""
	}
	if key != "" {
		return s.refused(ctx, u, c, fmt.Sprintf("entry:%d", e.ID), FieldErrors{"reason": key})
	}
	detail := e.subject()
	if reason != "" {
		detail += ": " + reason
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_entries WHERE id = ?`, e.ID); err != nil {
			return fmt.Errorf("campaign: withdraw entry %d: %w", e.ID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditEntryWithdrawn, fmt.Sprintf("entry:%d", e.ID), detail)
	})
}

func (s *Service) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func snapshotOf(d *deed.Deed) DeedSnapshot {
	ds := DeedSnapshot{
		DeedID: d.ID, Ref: d.Ref, AuthorID: d.AuthorID, AuthorName: d.AuthorName,
		OrgID: d.OrgID, OrgName: d.OrgName, PublishedAt: d.PublishedAt, Content: d.Content,
	}
	if d.Municipality != nil {
		ds.Municipality = d.Municipality.Name
	}
	if d.County != nil {
		ds.CountyCode = d.County.Code
	}
	return ds
}

func entryOfDeed(campaignID, categoryID, by int64, d *deed.Deed, now time.Time) *Entry {
	ds := snapshotOf(d)
	return &Entry{
		CampaignID: campaignID, CategoryID: categoryID, Kind: KindDeed, DeedID: d.ID, OrgID: d.OrgID, EnteredBy: by,
		Title: d.Title, OrgName: d.OrgName, Municipality: ds.Municipality, CountyCode: ds.CountyCode,
		Snapshot: Snapshot{Deeds: []DeedSnapshot{ds}}, CreatedAt: now,
	}
}

// entryOfOrg freezes an organisation with its deeds of the period.
func (s *Service) entryOfOrg(ctx context.Context, c *Campaign, categoryID, by, orgID int64, now time.Time) (*Entry, error) {
	var name i18n.Text
	var mFI, mSV, county sql.NullString
	err := s.db.QueryRow(ctx, `SELECT o.name_fi, o.name_sv, o.name_en, m.name_fi, m.name_sv, o.county_code
		FROM organisations o LEFT JOIN municipalities m ON m.code = o.municipality_code WHERE o.id = ?`, orgID).
		Scan(&name.FI, &name.SV, &name.EN, &mFI, &mSV, &county)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, FieldErrors{"org": "error.org_unknown"}
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: enter org %d: %w", orgID, err)
	}
	ids, err := s.ids(ctx, `SELECT id FROM deeds WHERE org_id = ? AND state = 'published' AND (
			(published_at >= ? AND published_at < ?)
			OR id IN (SELECT e.deed_id FROM campaign_entries e WHERE e.campaign_id = ? AND e.deed_id IS NOT NULL))
		ORDER BY published_at, id`, orgID, c.Entry.Opens, c.Entry.Closes, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign: enter org %d: deeds: %w", orgID, err)
	}
	e := &Entry{
		CampaignID: c.ID, CategoryID: categoryID, Kind: KindOrg, OrgID: orgID, EnteredBy: by,
		Title: name.FI, OrgName: name, CountyCode: county.String, CreatedAt: now,
		Snapshot: Snapshot{Deeds: []DeedSnapshot{}},
	}
	if mFI.Valid {
		e.Municipality = i18n.Text{FI: mFI.String, SV: mSV.String, EN: mFI.String}
	}
	for _, id := range ids {
		d, err := s.deeds.Get(ctx, nil, id)
		if err != nil {
			return nil, fmt.Errorf("campaign: enter org %d: deed %d: %w", orgID, id, err)
		}
		e.Snapshot.Deeds = append(e.Snapshot.Deeds, snapshotOf(d))
	}
	return e, nil
}

func (e *Entry) subject() string {
	if e.Kind == KindOrg {
		return fmt.Sprintf("org:%d", e.OrgID)
	}
	return fmt.Sprintf("deed:%d", e.DeedID)
}

func (s *Service) insertEntry(ctx context.Context, tx *store.Tx, e *Entry) error {
	body, err := json.Marshal(e.Snapshot)
	if err != nil {
		return fmt.Errorf("campaign: entry snapshot: %w", err)
	}
	var deedID any
	if e.Kind == KindDeed {
		deedID = e.DeedID
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO campaign_entries (campaign_id, category_id, subject, deed_id, org_id, entered_by, title,
		org_name_fi, org_name_sv, org_name_en, municipality_fi, municipality_sv, municipality_en, county_code, snapshot, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.CampaignID, e.CategoryID, e.subject(), deedID, nullID(e.OrgID), nullID(e.EnteredBy), e.Title,
		e.OrgName.FI, e.OrgName.SV, e.OrgName.EN, e.Municipality.FI, e.Municipality.SV, e.Municipality.EN, e.CountyCode, string(body), e.CreatedAt)
	if store.IsUniqueViolation(err) {
		return FieldErrors{"entry": ErrKeyAlreadyEntered}
	}
	if err != nil {
		return fmt.Errorf("campaign: insert entry: %w", err)
	}
	e.ID = id
	return nil
}

const entrySelect = `SELECT id, campaign_id, category_id, subject, COALESCE(deed_id, 0), COALESCE(org_id, 0), COALESCE(entered_by, 0), title,
	org_name_fi, org_name_sv, org_name_en, municipality_fi, municipality_sv, municipality_en, county_code, snapshot, created_at
FROM campaign_entries`

func (s *Service) entriesOf(ctx context.Context, q store.Querier, where string, args ...any) ([]Entry, error) {
	rows, err := q.Query(ctx, entrySelect+" WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var subject, body string
		if err := rows.Scan(&e.ID, &e.CampaignID, &e.CategoryID, &subject, &e.DeedID, &e.OrgID, &e.EnteredBy, &e.Title,
			&e.OrgName.FI, &e.OrgName.SV, &e.OrgName.EN, &e.Municipality.FI, &e.Municipality.SV, &e.Municipality.EN,
			&e.CountyCode, &body, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("campaign: entries: %w", err)
		}
		e.Kind = KindDeed
		if strings.HasPrefix(subject, "org:") {
			e.Kind = KindOrg
		}
		if err := json.Unmarshal([]byte(body), &e.Snapshot); err != nil {
			return nil, fmt.Errorf("campaign: entry %d snapshot: %w", e.ID, err)
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Service) entry(ctx context.Context, id int64) (*Entry, error) {
	es, err := s.entriesOf(ctx, s.db, "id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, ErrNotFound
	}
	return &es[0], nil
}

// Entries lists a campaign's entries with their snapshots, for the
// programme admins.
func (s *Service) Entries(ctx context.Context, u *user.User, campaignID int64) ([]Entry, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	return s.entriesOf(ctx, s.db, "campaign_id = ?", campaignID)
}

// Entry returns one entry with its snapshot, for the programme admins.
// Jurors read entries through JuryEntry, which applies their rules.
func (s *Service) Entry(ctx context.Context, u *user.User, id int64) (*Entry, error) {
	e, _, err := s.managedEntry(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// EntryCount is how many entries a campaign or a category has, for public
// pages ("183 entries") before results are out.
func (s *Service) EntryCount(ctx context.Context, campaignID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_entries WHERE campaign_id = ?`, campaignID).Scan(&n); err != nil {
		return 0, fmt.Errorf("campaign %d: entry count: %w", campaignID, err)
	}
	return n, nil
}

// EntrantEntry is one of a person's own entries, as their entry page lists
// it.
type EntrantEntry struct {
	ID, CampaignID, CategoryID, DeedID int64
	Title                              string
	CreatedAt                          time.Time
}

// EntriesOf lists the entries u may follow as an entrant: those they
// entered, those of deeds they wrote, and their organisation's; deedID,
// when not 0, keeps only that deed's. Can decides on each candidate, as it
// does for feedback.
func (s *Service) EntriesOf(ctx context.Context, u *user.User, deedID int64) ([]EntrantEntry, error) {
	if u == nil {
		return nil, nil
	}
	q := `SELECT e.id, e.campaign_id, e.category_id, COALESCE(e.deed_id, 0), COALESCE(e.org_id, 0), COALESCE(e.entered_by, 0),
		COALESCE(d.author_id, 0), e.title, e.created_at
		FROM campaign_entries e LEFT JOIN deeds d ON d.id = e.deed_id
		WHERE (e.entered_by = ? OR d.author_id = ?`
	args := []any{u.ID, u.ID}
	if u.OrgID != 0 {
		q += ` OR e.org_id = ?`
		args = append(args, u.OrgID)
	}
	q += `)`
	if deedID != 0 {
		q += ` AND e.deed_id = ?`
		args = append(args, deedID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY e.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: entries of %d: %w", u.ID, err)
	}
	defer rows.Close()
	var out []EntrantEntry
	for rows.Next() {
		var e EntrantEntry
		var orgID, by, author int64
		if err := rows.Scan(&e.ID, &e.CampaignID, &e.CategoryID, &e.DeedID, &orgID, &by, &author, &e.Title, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("campaign: entries of %d: %w", u.ID, err)
		}
		if Can(u, ActionViewFeedback, Standing{OrgID: orgID, EnteredBy: by, AuthorID: author}) {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: entries of %d: %w", u.ID, err)
	}
	return out, nil
}
