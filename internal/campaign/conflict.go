package campaign

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Conflicts of interest between jurors and entries: found automatically,
// declared by a juror, or recorded by a programme admin.

// Conflict kinds.
const (
	ConflictOwnOrg     = "own_org"     // the juror's organisation is the entrant
	ConflictPartner    = "partner"     // the juror's organisation is named among the deed's partners
	ConflictSameCounty = "same_county" // same wellbeing services county, when the campaign asks for it
	ConflictDeclared   = "declared"    // the juror said so, with a reason
	ConflictRecorded   = "recorded"    // a programme admin recorded it, with a reason
)

// Conflict is a juror's conflict of interest with an entry.
type Conflict struct {
	EntryID   int64     `json:"entry_id"`
	UserID    int64     `json:"user_id"`
	Kind      string    `json:"kind"`
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// mentions reports whether name occurs in text at the start of a word,
// in any letter case. A suffix is allowed because Finnish inflects names
// ("Kajaanin kaupungin nuorisopalvelut" names Kajaani); the word start is
// required so that a short name does not match inside another word.
func mentions(text, name string) bool {
	name = strings.ToLower(strings.TrimSpace(name))
	if utf8.RuneCountInString(name) < 2 {
		return false
	}
	text = strings.ToLower(text)
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		at := i + j
		prev, _ := utf8.DecodeLastRuneInString(text[:at])
		if at == 0 || !(unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
			return true
		}
		i = at + len(name)
	}
}

type jurorOrg struct {
	userID int64
	orgID  int64
	names  []string
	county string
}

// conflictKinds lists the automatic conflicts between a juror and an
// entry: for an organisation entry every deed it is judged on counts.
func conflictKinds(c *Campaign, j jurorOrg, e *Entry) []string {
	if j.orgID == 0 {
		return nil
	}
	var kinds []string
	own := e.OrgID == j.orgID
	partner := false
	county := c.ConflictSameCounty && j.county != "" && e.CountyCode == j.county
	for _, d := range e.Snapshot.Deeds {
		own = own || d.OrgID == j.orgID
		county = county || (c.ConflictSameCounty && j.county != "" && d.CountyCode == j.county)
		for _, n := range j.names {
			partner = partner || mentions(d.Content.Partners, n)
		}
	}
	if own {
		kinds = append(kinds, ConflictOwnOrg)
	}
	if partner {
		kinds = append(kinds, ConflictPartner)
	}
	if county {
		kinds = append(kinds, ConflictSameCounty)
	}
	return kinds
}

// syncConflicts records the automatic conflicts not yet recorded, for one
// entry, one juror, or (both 0) the whole campaign, and drops assignments
// that a conflict now forbids. Conflicts are never removed automatically:
// one that was found stays visible in the log and the lists.
func (s *Service) syncConflicts(ctx context.Context, q store.Querier, c *Campaign, now time.Time, entryID, userID int64) error {
	where, args := "j.campaign_id = ?", []any{c.ID}
	if userID != 0 {
		where += " AND j.user_id = ?"
		args = append(args, userID)
	}
	rows, err := q.Query(ctx, `SELECT j.user_id, COALESCE(us.org_id, 0), COALESCE(o.name_fi, ''), COALESCE(o.name_sv, ''), COALESCE(o.name_en, ''), COALESCE(o.county_code, '')
		FROM campaign_jurors j JOIN users us ON us.id = j.user_id LEFT JOIN organisations o ON o.id = us.org_id WHERE `+where, args...)
	if err != nil {
		return fmt.Errorf("campaign %d: conflicts: %w", c.ID, err)
	}
	var jurors []jurorOrg
	for rows.Next() {
		var j jurorOrg
		var fi, sv, en string
		if err := rows.Scan(&j.userID, &j.orgID, &fi, &sv, &en, &j.county); err != nil {
			rows.Close()
			return fmt.Errorf("campaign %d: conflicts: %w", c.ID, err)
		}
		for _, n := range []string{fi, sv, en} {
			if n != "" {
				j.names = append(j.names, n)
			}
		}
		jurors = append(jurors, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("campaign %d: conflicts: %w", c.ID, err)
	}
	if len(jurors) == 0 {
		return nil
	}
	ewhere, eargs := "campaign_id = ?", []any{c.ID}
	if entryID != 0 {
		ewhere += " AND id = ?"
		eargs = append(eargs, entryID)
	}
	entries, err := s.entriesOf(ctx, q, ewhere, eargs...)
	if err != nil {
		return err
	}
	known, err := s.conflictSet(ctx, q, c.ID)
	if err != nil {
		return err
	}
	for _, j := range jurors {
		for i := range entries {
			e := &entries[i]
			for _, kind := range conflictKinds(c, j, e) {
				if known[conflictKey{e.ID, j.userID, kind}] {
					continue
				}
				if err := s.addConflict(ctx, q, c, now, nil, e.ID, j.userID, kind, ""); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

type conflictKey struct {
	entry, user int64
	kind        string
}

func (s *Service) conflictSet(ctx context.Context, q store.Querier, campaignID int64) (map[conflictKey]bool, error) {
	rows, err := q.Query(ctx, `SELECT entry_id, user_id, kind FROM campaign_conflicts WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: conflicts: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[conflictKey]bool{}
	for rows.Next() {
		var k conflictKey
		if err := rows.Scan(&k.entry, &k.user, &k.kind); err != nil {
			return nil, fmt.Errorf("campaign %d: conflicts: %w", campaignID, err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

// addConflict records a conflict and takes the juror off the entry.
func (s *Service) addConflict(ctx context.Context, q store.Querier, c *Campaign, now time.Time, by *user.User, entryID, userID int64, kind, reason string) error {
	if _, err := q.Exec(ctx, `INSERT INTO campaign_conflicts (campaign_id, entry_id, user_id, kind, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, entryID, userID, kind, reason, nullID(uid(by)), now); err != nil {
		return fmt.Errorf("campaign %d: add conflict: %w", c.ID, err)
	}
	detail := kind
	if reason != "" {
		detail += ": " + reason
	}
	if err := audit(ctx, q, now, by, c.ProgrammeID, c.ID, AuditConflict, fmt.Sprintf("entry:%d user:%d", entryID, userID), detail); err != nil {
		return err
	}
	res, err := q.Exec(ctx, `DELETE FROM campaign_assignments WHERE entry_id = ? AND user_id = ?`, entryID, userID)
	if err != nil {
		return fmt.Errorf("campaign %d: add conflict: unassign: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return audit(ctx, q, now, by, c.ProgrammeID, c.ID, AuditUnassigned, fmt.Sprintf("entry:%d user:%d", entryID, userID), "conflict: "+kind)
	}
	return nil
}

// DeclareConflict records that juror u is conflicted with an entry, for
// the reason given. From then on u neither sees nor scores it. A juror
// may declare only on an entry assigned to them, only while judging is
// open and only before submitting their review of it: otherwise a juror
// could pick what they judge, or take back scores that already count
// once they have seen the others'. Later conflicts are the programme
// admins' to record (RecordConflict).
func (s *Service) DeclareConflict(ctx context.Context, u *user.User, entryID int64, reason string) error {
	e, c, st, err := s.entryAs(ctx, u, entryID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("entry:%d", e.ID)
	if !Can(u, ActionDeclareConflict, st) {
		return s.refused(ctx, u, c, subject, conflictRefusal(st))
	}
	submitted, err := s.submitted(ctx, e.ID, u.ID)
	if err != nil {
		return err
	}
	now := s.now()
	if err := declarable(c, now, submitted); err != nil {
		return s.refused(ctx, u, c, subject, err)
	}
	reason, err = conflictReason(reason)
	if err != nil {
		return err
	}
	known, err := s.conflictSet(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	if known[conflictKey{e.ID, u.ID, ConflictDeclared}] {
		return FieldErrors{"entry": ErrKeyConflictDeclared}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.addConflict(ctx, tx, c, now, u, e.ID, u.ID, ConflictDeclared, reason)
	})
}

// declarable tells whether a juror may still declare a conflict with an
// entry assigned to them: while judging is open and before their review
// of it is submitted.
func declarable(c *Campaign, now time.Time, submitted bool) error {
	switch {
	case !c.Judging.Contains(now):
		return FieldErrors{"entry": ErrKeyConflictClosed}
	case submitted:
		return FieldErrors{"entry": ErrKeyConflictReviewed}
	}
	return nil
}

// submitted reports whether the juror has submitted their review of the
// entry.
func (s *Service) submitted(ctx context.Context, entryID, jurorID int64) (bool, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_reviews WHERE entry_id = ? AND user_id = ? AND submitted_at IS NOT NULL`,
		entryID, jurorID).Scan(&n); err != nil {
		return false, fmt.Errorf("campaign: entry %d: submitted: %w", entryID, err)
	}
	return n > 0, nil
}

func conflictReason(reason string) (string, error) {
	reason = clean(reason)
	switch {
	case reason == "":
		return "", FieldErrors{"reason": ErrKeyRequired}
	case utf8.RuneCountInString(reason) > MaxComment:
		return "", FieldErrors{"reason": fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxComment)}
	}
	return reason, nil
}

// RecordConflict is a programme admin recording a juror's conflict with
// an entry, at any time: when the juror tells them after the window, or
// when the admins find it themselves. The juror is taken off the entry,
// so that scores they gave it no longer count; the audit log names the
// admin who did it.
func (s *Service) RecordConflict(ctx context.Context, u *user.User, entryID, jurorID int64, reason string) error {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, c.ID, jurorID).Scan(&n); err != nil {
		return fmt.Errorf("campaign: record conflict: %w", err)
	}
	errs := FieldErrors{}
	if n == 0 {
		errs["juror"] = ErrKeyNotJuror
	}
	reason, rerr := conflictReason(reason)
	var fe FieldErrors
	if errors.As(rerr, &fe) {
		maps.Copy(errs, fe)
	}
	if len(errs) > 0 {
		return errs
	}
	known, err := s.conflictSet(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	if known[conflictKey{e.ID, jurorID, ConflictRecorded}] {
		return FieldErrors{"juror": ErrKeyConflictDeclared}
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.addConflict(ctx, tx, c, now, u, e.ID, jurorID, ConflictRecorded, reason)
	})
}

// Conflicts lists a campaign's conflicts, for the programme admins.
func (s *Service) Conflicts(ctx context.Context, u *user.User, campaignID int64) ([]Conflict, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT entry_id, user_id, kind, reason, created_at FROM campaign_conflicts WHERE campaign_id = ? ORDER BY id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: conflicts: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var cf Conflict
		if err := rows.Scan(&cf.EntryID, &cf.UserID, &cf.Kind, &cf.Reason, &cf.CreatedAt); err != nil {
			return nil, fmt.Errorf("campaign %d: conflicts: %w", campaignID, err)
		}
		cf.CreatedAt = cf.CreatedAt.UTC()
		out = append(out, cf)
	}
	return out, rows.Err()
}
