// Package audit keeps the log of site administration: who changed a role,
// a site setting, an organisation or its units, or a vocabulary term,
// when, and what it was before and after. The services that make those
// changes write the line inside the change's own transaction, so that a
// change and its record stand or fall together; site admins read the log
// at /admin/audit.
//
// The award campaigns keep a log of their own (campaign.AuditEntry), with
// the campaign and programme it concerns. It could join this one by
// writing its lines here too, with the campaign as the target and its
// actions added to Actions, once programme admins may read only their
// programmes' lines: that rule would go into List.
package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/store"
)

// Actions recorded. Each names what changed, and the page shows it in the
// reader's language as "audit.action.<action>".
const (
	RoleChanged    = "role_changed"
	UserAdded      = "user_added"
	SettingChanged = "setting_changed"
	OrgCreated     = "org_created"
	OrgUpdated     = "org_updated"
	UnitAdded      = "unit_added"
	UnitRenamed    = "unit_renamed"
	UnitDeleted    = "unit_deleted"
	TermCreated    = "term_created"
	TermUpdated    = "term_updated"
	UserInvited    = "user_invited"
	UserDisabled   = "user_disabled"
	UserEnabled    = "user_enabled"
	MemberApproved = "member_approved"
	MemberRefused  = "member_refused"

	ThesaurusRingAdded   = "thesaurus_ring_added"
	ThesaurusRingChanged = "thesaurus_ring_changed"
	ThesaurusRingDeleted = "thesaurus_ring_deleted"
)

// The log also shows moderators' decisions on deeds and the award
// campaigns' log, under these prefixes (see the site_audit view).
const (
	DeedPublished    = "deed_published"
	DeedReturned     = "deed_returned"
	DeedArchived     = "deed_archived"
	DeedRestored     = "deed_restored"
	DeedEditApproved = "deed_edit_approved"
	DeedEditReturned = "deed_edit_returned"
	// CampaignActions is the filter value of every campaign line.
	CampaignActions = "campaign_*"
)

// Actions lists every action, in the order the filter offers them.
func Actions() []string {
	return []string{RoleChanged, UserAdded, SettingChanged, OrgCreated, OrgUpdated, UnitAdded, UnitRenamed, UnitDeleted, TermCreated, TermUpdated,
		UserInvited, UserDisabled, UserEnabled, MemberApproved, MemberRefused, ThesaurusRingAdded, ThesaurusRingChanged, ThesaurusRingDeleted,
		DeedPublished, DeedReturned, DeedArchived, DeedRestored, DeedEditApproved, DeedEditReturned, CampaignActions}
}

// ErrForbidden is returned to anyone but a site admin who asks for the log.
var ErrForbidden = fault.New(fault.Forbidden, "audit: not allowed")

// Actor is who made a change, as the log keeps it: the account's id (0 for
// the console, user.System) and the name it had then, so that a line still
// reads right after the account is renamed.
type Actor struct {
	ID   int64
	Name string
}

// Viewer is who asks to read the log; *user.User is one. An interface,
// because the user package writes to this log and so cannot be imported.
type Viewer interface {
	CanAdminister() bool
}

// Entry is one line of the log. Before and After are short summaries of
// the changed values, empty for what did not exist (a created term has no
// Before, a deleted unit no After).
type Entry struct {
	ID     int64
	At     time.Time
	Actor  Actor
	Action string
	// Target names what changed, e.g. "user 12 <aino@example.org>".
	Target        string
	Before, After string
}

// maxSummary bounds Before and After: a summary, not a copy.
const maxSummary = 1000

// Record writes one line inside the transaction q of the change it records.
func Record(ctx context.Context, q store.Querier, e Entry) error {
	if e.At.IsZero() {
		e.At = store.Now()
	}
	_, err := q.Exec(ctx, `INSERT INTO admin_audit (at, actor_id, actor_name, action, target, before_value, after_value)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.At, e.Actor.ID, e.Actor.Name, e.Action, e.Target, clip(e.Before), clip(e.After))
	if err != nil {
		return fmt.Errorf("audit: record %s %s: %w", e.Action, e.Target, err)
	}
	return nil
}

func clip(s string) string {
	if len(s) <= maxSummary {
		return s
	}
	cut := maxSummary
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Service reads the log.
type Service struct {
	db *store.DB
}

// NewService returns a Service on db.
func NewService(db *store.DB) *Service { return &Service{db: db} }

// Filter narrows List. Zero fields do not filter.
type Filter struct {
	// ActorID keeps one actor's lines; nil keeps everyone's, and 0 the
	// console's.
	ActorID *int64
	Action  string
	// From and To are days in UTC, both included.
	From, To time.Time
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.ActorID != nil {
		conds, args = append(conds, "actor_id = ?"), append(args, *f.ActorID)
	}
	switch {
	case strings.HasSuffix(f.Action, "*"):
		// A group: every action of one source, e.g. "campaign_*".
		conds, args = append(conds, "action LIKE ?"), append(args, strings.TrimSuffix(f.Action, "*")+"%")
	case f.Action != "":
		conds, args = append(conds, "action = ?"), append(args, f.Action)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, day(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, day(f.To).AddDate(0, 0, 1))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Page is a part of the log, newest first, with how many lines match.
type Page struct {
	Entries []Entry
	Total   int
}

const entryColumns = `id, at, actor_id, actor_name, action, target, before_value, after_value`

func scanEntry(sc interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	err := sc.Scan(&e.ID, &e.At, &e.Actor.ID, &e.Actor.Name, &e.Action, &e.Target, &e.Before, &e.After)
	e.At = e.At.UTC()
	return e, err
}

// List gives the lines f keeps, newest first, limit from offset; only site
// admins may read them.
func (s *Service) List(ctx context.Context, viewer Viewer, f Filter, offset, limit int) (*Page, error) {
	if viewer == nil || !viewer.CanAdminister() {
		return nil, ErrForbidden
	}
	where, args := f.where()
	p := &Page{}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM site_audit`+where, args...).Scan(&p.Total); err != nil {
		return nil, fmt.Errorf("audit: count: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+entryColumns+` FROM site_audit`+where+` ORDER BY at DESC, source, id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return p, nil
}

// Actors lists everyone who has a line in the log, with the name of their
// latest line, for the filter to offer.
func (s *Service) Actors(ctx context.Context, viewer Viewer) ([]Actor, error) {
	if viewer == nil || !viewer.CanAdminister() {
		return nil, ErrForbidden
	}
	rows, err := s.db.Query(ctx, `SELECT actor_id, MAX(actor_name) FROM site_audit GROUP BY actor_id ORDER BY LOWER(MAX(actor_name)), actor_id`)
	if err != nil {
		return nil, fmt.Errorf("audit: actors: %w", err)
	}
	defer rows.Close()
	var out []Actor
	for rows.Next() {
		var a Actor
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			return nil, fmt.Errorf("audit: actors: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// maxExport bounds one CSV download; a narrower filter gets the rest.
const maxExport = 100000

// WriteCSV writes the lines f keeps, newest first, as CSV; action names
// pass through label, so the file reads in the downloader's language.
func (s *Service) WriteCSV(ctx context.Context, viewer Viewer, f Filter, w io.Writer, label func(action string) string) error {
	p, err := s.List(ctx, viewer, f, 0, maxExport)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "at", "actor_id", "actor", "action", "action_label", "target", "before", "after"}); err != nil {
		return fmt.Errorf("audit: csv: %w", err)
	}
	for _, e := range p.Entries {
		rec := []string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339), strconv.FormatInt(e.Actor.ID, 10),
			csvSafe(e.Actor.Name), e.Action, csvSafe(label(e.Action)), csvSafe(e.Target), csvSafe(e.Before), csvSafe(e.After)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("audit: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("audit: csv: %w", err)
	}
	return nil
}

// csvSafe keeps a spreadsheet from reading a value as a formula: names
// and summaries are typed by people.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
