package campaign

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// InvitationPath is the site path an invitation e-mail links to, followed
// by the token; the mail sender puts the site's address in front.
const InvitationPath = "/jury/accept?token="

// Conflict kinds.
const (
	ConflictOwnOrg     = "own_org"     // the juror's organisation is the entrant
	ConflictPartner    = "partner"     // the juror's organisation is named among the deed's partners
	ConflictSameCounty = "same_county" // same wellbeing services county, when the campaign asks for it
	ConflictDeclared   = "declared"    // the juror said so, with a reason
	ConflictRecorded   = "recorded"    // a programme admin recorded it, with a reason
)

// Invitation is a request to join a campaign's jury. Token is set only
// when the invitation is made; the database keeps its hash.
type Invitation struct {
	ID         int64      `json:"id"`
	CampaignID int64      `json:"campaign_id"`
	Email      string     `json:"email"`
	Token      string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	AcceptedBy int64      `json:"accepted_by,omitempty"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

// Juror is a member of a campaign's jury.
type Juror struct {
	UserID  int64     `json:"user_id"`
	Name    string    `json:"name"`
	Email   string    `json:"email"`
	OrgID   int64     `json:"org_id,omitempty"`
	OrgName i18n.Text `json:"org_name"`
}

// Conflict is a juror's conflict of interest with an entry.
type Conflict struct {
	EntryID   int64     `json:"entry_id"`
	UserID    int64     `json:"user_id"`
	Kind      string    `json:"kind"`
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// InviteJuror invites the person with email to the campaign's jury: it
// stores the invitation and puts the e-mail in the outbox.
func (s *Service) InviteJuror(ctx context.Context, u *user.User, campaignID int64, email string) (*Invitation, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Name != "" || a.Address != email || len(email) > 254 {
		return nil, FieldErrors{"email": ErrKeyEmailInvalid}
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors j JOIN users us ON us.id = j.user_id
		WHERE j.campaign_id = ? AND LOWER(us.email) = ?`, campaignID, email).Scan(&n); err != nil {
		return nil, fmt.Errorf("campaign %d: invite: %w", campaignID, err)
	}
	if n > 0 {
		return nil, FieldErrors{"email": ErrKeyAlreadyJuror}
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("campaign %d: invite: token: %w", campaignID, err)
	}
	token := hex.EncodeToString(raw)
	now := s.now()
	inv := &Invitation{CampaignID: campaignID, Email: email, Token: token, CreatedAt: now}
	subject, body := invitationMail(c, token)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		inv.ID, err = store.InsertID(ctx, tx, `INSERT INTO campaign_invitations (campaign_id, email, token_hash, invited_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			campaignID, email, hashToken(token), nullID(uid(u)), now)
		if err != nil {
			return fmt.Errorf("campaign %d: invite: %w", campaignID, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`, email, subject, body, now); err != nil {
			return fmt.Errorf("campaign %d: invite: outbox: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditInvited, fmt.Sprintf("invitation:%d", inv.ID), email)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// invitationMail writes the invitation in all three languages, since the
// invited person may not have an account whose language we could know.
func invitationMail(c *Campaign, token string) (subject, body string) {
	subject = fmt.Sprintf("Kutsu tuomaristoon / Inbjudan till juryn / Invitation to the jury: %s", c.Name.FI)
	// The mail sender puts the site's address in place of the placeholder
	// (mail.BaseURLPlaceholder); the campaign does not know where it runs.
	link := "{{base_url}}" + InvitationPath + token
	body = fmt.Sprintf(`Hei,

sinut on kutsuttu kampanjan "%s" (%s) tuomaristoon. Hyväksy kutsu kirjautumalla tällä sähköpostiosoitteella ja avaamalla osoite:
%s

Hej,

du har blivit inbjuden till juryn för kampanjen "%s" (%s). Godkänn inbjudan genom att logga in med denna e-postadress och öppna adressen:
%s

Hello,

you have been invited to the jury of the campaign "%s" (%s). Accept by signing in with this e-mail address and opening:
%s
`, c.Name.FI, c.Programme.FI, link, c.Name.In("sv"), c.Programme.In("sv"), link, c.Name.In("en"), c.Programme.In("en"), link)
	return subject, body
}

// AcceptInvitation puts u on the jury of the invitation's campaign. The
// invitation must be addressed to u's e-mail, so that a forwarded link
// does not make someone else a juror. Conflicts with the entries are found
// at once.
func (s *Service) AcceptInvitation(ctx context.Context, u *user.User, token string) (*Campaign, error) {
	if u == nil || u.Disabled {
		return nil, ErrForbidden
	}
	var id, campaignID int64
	var email string
	var accepted sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT id, campaign_id, email, accepted_at FROM campaign_invitations WHERE token_hash = ?`, hashToken(strings.TrimSpace(token))).
		Scan(&id, &campaignID, &email, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, FieldErrors{"token": ErrKeyInvitationInvalid}
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: accept invitation: %w", err)
	}
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if accepted.Valid || !strings.EqualFold(email, u.Email) {
		return nil, s.refused(ctx, u, c, fmt.Sprintf("invitation:%d", id), FieldErrors{"token": ErrKeyInvitationInvalid})
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaign_invitations SET accepted_by = ?, accepted_at = ? WHERE id = ?`, u.ID, now, id); err != nil {
			return fmt.Errorf("campaign: accept invitation %d: %w", id, err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, campaignID, u.ID).Scan(&n); err != nil {
			return fmt.Errorf("campaign: accept invitation %d: %w", id, err)
		}
		if n == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_jurors (campaign_id, user_id, created_at) VALUES (?, ?, ?)`, campaignID, u.ID, now); err != nil {
				return fmt.Errorf("campaign: accept invitation %d: %w", id, err)
			}
		}
		if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditJurorAccepted, fmt.Sprintf("user:%d", u.ID), email); err != nil {
			return err
		}
		return s.syncConflicts(ctx, tx, c, now, 0, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// JuryCampaigns lists the campaigns whose jury u is on, newest first, for
// a juror's own page.
func (s *Service) JuryCampaigns(ctx context.Context, u *user.User) ([]Campaign, error) {
	if u == nil {
		return []Campaign{}, nil
	}
	ids, err := s.ids(ctx, `SELECT campaign_id FROM campaign_jurors WHERE user_id = ? ORDER BY campaign_id DESC`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign: jury campaigns: %w", err)
	}
	out := []Campaign{}
	for _, id := range ids {
		c, err := s.Campaign(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// Invitations lists a campaign's invitations, for the programme admins.
func (s *Service) Invitations(ctx context.Context, u *user.User, campaignID int64) ([]Invitation, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, campaign_id, email, created_at, COALESCE(accepted_by, 0), accepted_at
		FROM campaign_invitations WHERE campaign_id = ? ORDER BY id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: invitations: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		var at sql.NullTime
		if err := rows.Scan(&inv.ID, &inv.CampaignID, &inv.Email, &inv.CreatedAt, &inv.AcceptedBy, &at); err != nil {
			return nil, fmt.Errorf("campaign %d: invitations: %w", campaignID, err)
		}
		inv.CreatedAt = inv.CreatedAt.UTC()
		if at.Valid {
			t := at.Time.UTC()
			inv.AcceptedAt = &t
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// Jurors lists a campaign's jury, for the programme admins.
func (s *Service) Jurors(ctx context.Context, u *user.User, campaignID int64) ([]Juror, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	return s.jurors(ctx, s.db, campaignID)
}

func (s *Service) jurors(ctx context.Context, q store.Querier, campaignID int64) ([]Juror, error) {
	rows, err := q.Query(ctx, `SELECT us.id, us.name, us.email, COALESCE(us.org_id, 0), COALESCE(o.name_fi, ''), COALESCE(o.name_sv, ''), COALESCE(o.name_en, '')
		FROM campaign_jurors j JOIN users us ON us.id = j.user_id LEFT JOIN organisations o ON o.id = us.org_id
		WHERE j.campaign_id = ? ORDER BY us.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: jurors: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Juror
	for rows.Next() {
		var j Juror
		if err := rows.Scan(&j.UserID, &j.Name, &j.Email, &j.OrgID, &j.OrgName.FI, &j.OrgName.SV, &j.OrgName.EN); err != nil {
			return nil, fmt.Errorf("campaign %d: jurors: %w", campaignID, err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// RemoveJuror takes a juror off the jury and their assignments. Scores
// they gave stay stored (and in the audit log) but no longer count.
func (s *Service) RemoveJuror(ctx context.Context, u *user.User, campaignID, jurorID int64) error {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_assignments WHERE campaign_id = ? AND user_id = ?`, campaignID, jurorID); err != nil {
			return fmt.Errorf("campaign %d: remove juror: %w", campaignID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, campaignID, jurorID); err != nil {
			return fmt.Errorf("campaign %d: remove juror: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditUnassigned, fmt.Sprintf("user:%d", jurorID), "removed from the jury")
	})
}

// ---- conflicts ----

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

// ---- assignment ----

// AssignReport says what automatic assignment did.
type AssignReport struct {
	Added int `json:"added"`
	// Short lists the entries that could not get JurorsPerEntry jurors,
	// because too few jurors are free of conflicts with them.
	Short []int64 `json:"short"`
	// Load is how many entries each juror now has.
	Load map[int64]int `json:"load"`
}

func (s *Service) pairs(ctx context.Context, q store.Querier, query string, args ...any) (map[Pair]bool, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Pair]bool{}
	for rows.Next() {
		var p Pair
		if err := rows.Scan(&p.Entry, &p.Juror); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// AssignAutomatically gives every jury-judged entry JurorsPerEntry
// jurors, balancing the jurors' loads and respecting conflicts. It keeps
// the assignments already made, so the admin's adjustments survive.
func (s *Service) AssignAutomatically(ctx context.Context, u *user.User, campaignID int64) (*AssignReport, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rep := &AssignReport{Load: map[int64]int{}}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.syncConflicts(ctx, tx, c, now, 0, 0); err != nil {
			return err
		}
		jurors, err := s.jurors(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		entries, err := s.entriesOf(ctx, tx, "campaign_id = ?", c.ID)
		if err != nil {
			return err
		}
		var eids, jids []int64
		for _, e := range entries {
			if cat := c.Category(e.CategoryID); cat != nil && cat.Rule == RuleJury {
				eids = append(eids, e.ID)
			}
		}
		for _, j := range jurors {
			jids = append(jids, j.UserID)
		}
		have, err := s.pairs(ctx, tx, `SELECT entry_id, user_id FROM campaign_assignments WHERE campaign_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("campaign %d: assign: %w", c.ID, err)
		}
		conflicted, err := s.pairs(ctx, tx, `SELECT entry_id, user_id FROM campaign_conflicts WHERE campaign_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("campaign %d: assign: %w", c.ID, err)
		}
		added, short := planAssignments(eids, jids, c.JurorsPerEntry, have, conflicted)
		for _, p := range added {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_assignments (entry_id, user_id, campaign_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
				p.Entry, p.Juror, c.ID, nullID(uid(u)), now); err != nil {
				return fmt.Errorf("campaign %d: assign: %w", c.ID, err)
			}
			if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditAssigned, fmt.Sprintf("entry:%d user:%d", p.Entry, p.Juror), "automatic"); err != nil {
				return err
			}
			have[p] = true
		}
		for p := range have {
			rep.Load[p.Juror]++
		}
		rep.Added, rep.Short = len(added), short
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// Assign puts a juror on an entry by hand. The juror must be on the jury
// and free of conflicts with the entry.
func (s *Service) Assign(ctx context.Context, u *user.User, entryID, jurorID int64) error {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("entry:%d user:%d", entryID, jurorID)
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, c.ID, jurorID).Scan(&n); err != nil {
		return fmt.Errorf("campaign: assign: %w", err)
	}
	if n == 0 {
		return s.refused(ctx, u, c, subject, FieldErrors{"juror": ErrKeyNotJuror})
	}
	if cat := c.Category(e.CategoryID); cat == nil || cat.Rule != RuleJury {
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyRuleCategory})
	}
	now := s.now()
	if err := s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.syncConflicts(ctx, tx, c, now, entryID, jurorID)
	}); err != nil {
		return err
	}
	var conflicts int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_conflicts WHERE entry_id = ? AND user_id = ?`, entryID, jurorID).Scan(&conflicts); err != nil {
		return fmt.Errorf("campaign: assign: %w", err)
	}
	if conflicts > 0 {
		return s.refused(ctx, u, c, subject, FieldErrors{"juror": ErrKeyConflicted})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var assigned int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_assignments WHERE entry_id = ? AND user_id = ?`, entryID, jurorID).Scan(&assigned); err != nil {
			return fmt.Errorf("campaign: assign: %w", err)
		}
		if assigned > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO campaign_assignments (entry_id, user_id, campaign_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			entryID, jurorID, c.ID, nullID(uid(u)), now); err != nil {
			return fmt.Errorf("campaign: assign: %w", err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditAssigned, subject, "by hand")
	})
}

// Unassign takes a juror off an entry. Scores the juror gave it stay
// stored but count only while the juror is assigned.
func (s *Service) Unassign(ctx context.Context, u *user.User, entryID, jurorID int64) error {
	_, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM campaign_assignments WHERE entry_id = ? AND user_id = ?`, entryID, jurorID)
		if err != nil {
			return fmt.Errorf("campaign: unassign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditUnassigned, fmt.Sprintf("entry:%d user:%d", entryID, jurorID), "by hand")
	})
}

// Assignments lists a campaign's juror–entry pairs, for the programme
// admins.
func (s *Service) Assignments(ctx context.Context, u *user.User, campaignID int64) ([]Pair, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT entry_id, user_id FROM campaign_assignments WHERE campaign_id = ? ORDER BY entry_id, user_id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: assignments: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Pair
	for rows.Next() {
		var p Pair
		if err := rows.Scan(&p.Entry, &p.Juror); err != nil {
			return nil, fmt.Errorf("campaign %d: assignments: %w", campaignID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
