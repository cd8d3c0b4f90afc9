package deed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/taxonomy"
	"github.com/tekotori/tekotori/internal/user"
)

// Service carries out everything that happens to deeds.
type Service struct {
	db    *store.DB
	terms *taxonomy.Service
	now   func() time.Time
	// OnChange, when set, runs after every committed write of a deed, so
	// that this node's search index sees the change at once.
	OnChange func(ctx context.Context)
	// LookAlikes, when set, stops a submission that repeats a published
	// deed until its author confirms it does not (Send).
	LookAlikes LookAlikeFinder
}

// inTx runs a write and tells OnChange about it once it is committed.
func (s *Service) inTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := s.db.InTx(ctx, fn); err != nil {
		return err
	}
	if s.OnChange != nil {
		s.OnChange(ctx)
	}
	return nil
}

// NewService returns a Service on db.
func NewService(db *store.DB, terms *taxonomy.Service) *Service {
	return &Service{db: db, terms: terms, now: store.Now}
}

// SettingEditsGoLive is the site setting that lets edits of a published
// deed go live at once instead of waiting for a moderator.
const SettingEditsGoLive = "edits_go_live"

// EditsGoLive reads the site setting; the default is that edits wait.
func (s *Service) EditsGoLive(ctx context.Context) (bool, error) {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, SettingEditsGoLive).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("deed: setting: %w", err)
	}
	return v == "true", nil
}

// SetEditsGoLive changes the site setting; only admins may. A change is
// recorded in the audit log of site administration.
func (s *Service) SetEditsGoLive(ctx context.Context, u *user.User, live bool) error {
	if !u.CanAdminister() {
		return ErrForbidden
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		before := "false"
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, SettingEditsGoLive).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("deed: setting: %w", err)
		}
		after := fmt.Sprint(live)
		if before == after {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			SettingEditsGoLive, after); err != nil {
			return fmt.Errorf("deed: setting: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: u.AuditActor(), Action: audit.SettingChanged,
			Target: "setting " + SettingEditsGoLive, Before: before, After: after})
	})
}

// Get returns a deed that u may see.
func (s *Service) Get(ctx context.Context, u *user.User, id int64) (*Deed, error) {
	d, err := getDeed(ctx, s.db, "d.id = ?", id)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionView, d) {
		return nil, ErrNotFound
	}
	if d.State == Submitted {
		if d.SubmittedBy, err = submittedBy(ctx, s.db, d.ID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// submittedBy lists who sent deed id to moderation the last time and who
// has changed its content since.
func submittedBy(ctx context.Context, q store.Querier, id int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT user_id FROM deed_revisions
		WHERE deed_id = ? AND user_id IS NOT NULL AND action IN (?, ?) AND number >= COALESCE(
			(SELECT MAX(number) FROM deed_revisions WHERE deed_id = ? AND action = ?), 0)`,
		id, ActSubmitted, ActSaved, id, ActSubmitted)
	if err != nil {
		return nil, fmt.Errorf("deed %d: submitters: %w", id, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return nil, fmt.Errorf("deed %d: submitters: %w", id, err)
		}
		out = append(out, uid)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deed %d: submitters: %w", id, err)
	}
	return out, nil
}

// check validates c against the vocabularies and the database: the
// organisation exists and u may write for it, the unit is the
// organisation's, the municipality exists, and every media item is one u
// uploaded or one the deed already has.
func (s *Service) check(ctx context.Context, u *user.User, c *Content, mode Mode, deedID int64) (*taxonomy.Vocabulary, error) {
	c.Normalize()
	vocab, err := s.terms.All(ctx)
	if err != nil {
		return nil, err
	}
	errs := c.validate(mode, vocab, s.now())
	if c.OrgID != 0 {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ?`, c.OrgID).Scan(&n); err != nil {
			return nil, fmt.Errorf("deed: check organisation: %w", err)
		}
		if n == 0 {
			errs["org"] = "error.org_unknown"
		} else if deedID == 0 && !CanCreateFor(u, c.OrgID) {
			errs["org"] = "error.org_forbidden"
		} else if c.Municipality == "" {
			// A deed without a municipality of its own is filed under its
			// organisation's, and reads back so; saying so here keeps
			// revisions and pending edits comparable with the stored deed.
			var m sql.NullString
			if err := s.db.QueryRow(ctx, `SELECT municipality_code FROM organisations WHERE id = ?`, c.OrgID).Scan(&m); err != nil {
				return nil, fmt.Errorf("deed: check organisation: %w", err)
			}
			c.Municipality = m.String
		}
	}
	if c.UnitID != 0 {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM org_units WHERE id = ? AND org_id = ?`, c.UnitID, c.OrgID).Scan(&n); err != nil {
			return nil, fmt.Errorf("deed: check unit: %w", err)
		}
		if n == 0 {
			errs["unit"] = "error.choice_invalid"
		}
	}
	if c.Municipality != "" {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM municipalities WHERE code = ?`, c.Municipality).Scan(&n); err != nil {
			return nil, fmt.Errorf("deed: check municipality: %w", err)
		}
		if n == 0 {
			errs["municipality"] = "error.municipality_unknown"
		}
	}
	if err := s.checkMedia(ctx, u, deedID, c.Images, "image", "images", errs); err != nil {
		return nil, err
	}
	if err := s.checkMedia(ctx, u, deedID, c.Attachments, "attachment", "attachments", errs); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return vocab, errs
	}
	return vocab, nil
}

func (s *Service) checkMedia(ctx context.Context, u *user.User, deedID int64, refs []MediaRef, kind, field string, errs FieldErrors) error {
	seen := map[int64]bool{}
	for _, m := range refs {
		if seen[m.ID] {
			errs[field] = "error.choice_invalid"
			return nil
		}
		seen[m.ID] = true
		var n int
		var uid int64
		if u != nil {
			uid = u.ID
		}
		err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM media WHERE id = ? AND kind = ? AND (deed_id = ? OR (deed_id IS NULL AND owner_id = ?))`,
			m.ID, kind, deedID, uid).Scan(&n)
		if err != nil {
			return fmt.Errorf("deed: check media: %w", err)
		}
		if n == 0 {
			errs[field] = "error.choice_invalid"
			return nil
		}
	}
	return nil
}

// Create starts a new draft.
func (s *Service) Create(ctx context.Context, u *user.User, c Content) (*Deed, error) {
	if u == nil {
		return nil, ErrForbidden
	}
	vocab, err := s.check(ctx, u, &c, ModeDraft, 0)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var id int64
	err = s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, "", Draft, u.ID, &c, now)
		if err != nil {
			return err
		}
		if err := writeContent(ctx, tx, vocab, id, &c, now); err != nil {
			return err
		}
		return addRevision(ctx, tx, id, u.ID, ActCreated, Draft, "", &c, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// insert adds the row; the content is written by writeContent. A deed made
// here gets the reference "TT-<id>"; imported deeds keep their own.
func (s *Service) insert(ctx context.Context, tx *store.Tx, ref string, state State, authorID int64, c *Content, now time.Time) (int64, error) {
	tmp := ref
	if tmp == "" {
		tmp = fmt.Sprintf("new-%d-%d", authorID, now.UnixNano())
	}
	var author sql.NullInt64
	if authorID != 0 {
		author = sql.NullInt64{Int64: authorID, Valid: true}
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO deeds (ref, slug, state, org_id, author_id, lang, title, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tmp, Slugify(c.Title), string(state), c.OrgID, author, c.Lang, c.Title, now, now)
	if err != nil {
		return 0, fmt.Errorf("deed: insert: %w", err)
	}
	if ref == "" {
		if _, err := tx.Exec(ctx, `UPDATE deeds SET ref = ? WHERE id = ?`, fmt.Sprintf("TT-%d", id), id); err != nil {
			return 0, fmt.Errorf("deed: insert ref: %w", err)
		}
	}
	return id, nil
}

// Save stores an edit. A draft, returned or submitted deed changes in
// place; an edit of a published deed goes live at once only when the site
// says so, and otherwise waits for a moderator while the published version
// stays visible.
func (s *Service) Save(ctx context.Context, u *user.User, id int64, c Content) (*Deed, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionEdit, d) {
		return nil, ErrForbidden
	}
	mode := ModeDraft
	if d.State == Submitted || d.State == Published {
		mode = ModeSubmit
	}
	if c.OrgID != d.OrgID && !CanCreateFor(u, c.OrgID) {
		return nil, FieldErrors{"org": "error.org_forbidden"}
	}
	vocab, err := s.check(ctx, u, &c, mode, d.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *store.Tx) error {
		if d.State != Published {
			if err := writeContent(ctx, tx, vocab, id, &c, now); err != nil {
				return err
			}
			return addRevision(ctx, tx, id, u.ID, ActSaved, d.State, "", &c, now)
		}
		live, err := s.EditsGoLive(ctx)
		if err != nil {
			return err
		}
		if live || u.IsModerator() {
			if err := writeContent(ctx, tx, vocab, id, &c, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE deeds SET pending = NULL, pending_state = '', pending_by = NULL, pending_at = NULL WHERE id = ?`, id); err != nil {
				return fmt.Errorf("deed %d: clear pending: %w", id, err)
			}
			return addRevision(ctx, tx, id, u.ID, ActEdited, Published, "", &c, now)
		}
		body, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("deed %d: pending: %w", id, err)
		}
		// Uploaded media join the deed now so the moderator can see them;
		// they show publicly only once the edit is approved.
		for _, m := range append(append([]MediaRef{}, c.Images...), c.Attachments...) {
			if _, err := tx.Exec(ctx, `UPDATE media SET deed_id = ? WHERE id = ? AND deed_id IS NULL`, id, m.ID); err != nil {
				return fmt.Errorf("deed %d: media: %w", id, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE deeds SET pending = ?, pending_state = 'submitted', pending_by = ?, pending_at = ?, return_reason = '', updated_at = ? WHERE id = ?`,
			string(body), u.ID, now, now, id); err != nil {
			return fmt.Errorf("deed %d: pending: %w", id, err)
		}
		return addRevision(ctx, tx, id, u.ID, ActEditProposed, Published, "", &c, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// submittable is deed id when u may send it to moderation with content c.
func (s *Service) submittable(ctx context.Context, u *user.User, id int64, c Content) (*Deed, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionSubmit, d) {
		if Can(u, ActionEdit, d) {
			return nil, ErrWrongState
		}
		return nil, ErrForbidden
	}
	if c.OrgID != d.OrgID && !CanCreateFor(u, c.OrgID) {
		return nil, FieldErrors{"org": "error.org_forbidden"}
	}
	return d, nil
}

// Submit sends a draft or returned deed to moderation, after saving c into
// it. The deed must be complete.
func (s *Service) Submit(ctx context.Context, u *user.User, id int64, c Content) (*Deed, error) {
	d, err := s.submittable(ctx, u, id, c)
	if err != nil {
		return nil, err
	}
	vocab, err := s.check(ctx, u, &c, ModeSubmit, d.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *store.Tx) error {
		if err := writeContent(ctx, tx, vocab, id, &c, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE deeds SET state = ?, submitted_at = ? WHERE id = ?`, string(Submitted), now, id); err != nil {
			return fmt.Errorf("deed %d: submit: %w", id, err)
		}
		return addRevision(ctx, tx, id, u.ID, ActSubmitted, Submitted, "", &c, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// Publish makes a submitted deed public, or a pending edit of a published
// deed live.
func (s *Service) Publish(ctx context.Context, u *user.User, id int64) (*Deed, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionPublish, d) {
		return nil, s.refusal(u, d)
	}
	vocab, err := s.terms.All(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *store.Tx) error {
		if d.State == Published {
			c := *d.Pending
			if err := writeContent(ctx, tx, vocab, id, &c, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE deeds SET pending = NULL, pending_state = '', pending_by = NULL, pending_at = NULL, return_reason = '' WHERE id = ?`, id); err != nil {
				return fmt.Errorf("deed %d: approve edit: %w", id, err)
			}
			return addRevision(ctx, tx, id, u.ID, ActEditApproved, Published, "", &c, now)
		}
		if _, err := tx.Exec(ctx, `UPDATE deeds SET state = ?, published_at = COALESCE(published_at, ?), return_reason = '', updated_at = ? WHERE id = ?`,
			string(Published), now, now, id); err != nil {
			return fmt.Errorf("deed %d: publish: %w", id, err)
		}
		return addRevision(ctx, tx, id, u.ID, ActPublished, Published, "", &d.Content, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// refusal tells a forbidden step from one the deed's state rules out.
func (s *Service) refusal(u *user.User, d *Deed) error {
	if u.IsModerator() && d.AuthorID != u.ID && !slices.Contains(d.SubmittedBy, u.ID) {
		return ErrWrongState
	}
	return ErrForbidden
}

// Return sends a submitted deed, or a pending edit, back to its author with
// the moderator's reasons.
func (s *Service) Return(ctx context.Context, u *user.User, id int64, reason string) (*Deed, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionReturn, d) {
		return nil, s.refusal(u, d)
	}
	reason = clean(reason)
	if reason == "" {
		return nil, FieldErrors{"reason": "error.required"}
	}
	if len([]rune(reason)) > MaxLongText {
		return nil, FieldErrors{"reason": fmt.Sprintf("error.too_long|%d", MaxLongText)}
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *store.Tx) error {
		if d.State == Published {
			if _, err := tx.Exec(ctx, `UPDATE deeds SET pending_state = 'returned', return_reason = ?, updated_at = ? WHERE id = ?`, reason, now, id); err != nil {
				return fmt.Errorf("deed %d: return edit: %w", id, err)
			}
			return addRevision(ctx, tx, id, u.ID, ActEditReturned, Published, reason, d.Pending, now)
		}
		if _, err := tx.Exec(ctx, `UPDATE deeds SET state = ?, return_reason = ?, updated_at = ? WHERE id = ?`, string(Returned), reason, now, id); err != nil {
			return fmt.Errorf("deed %d: return: %w", id, err)
		}
		return addRevision(ctx, tx, id, u.ID, ActReturned, Returned, reason, &d.Content, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// Archive takes a published deed out of the listings; its page stays
// readable with a note that it is archived.
func (s *Service) Archive(ctx context.Context, u *user.User, id int64, note string) (*Deed, error) {
	return s.move(ctx, u, id, ActionArchive, Archived, ActArchived, note)
}

// Restore brings an archived deed back to the listings.
func (s *Service) Restore(ctx context.Context, u *user.User, id int64) (*Deed, error) {
	return s.move(ctx, u, id, ActionRestore, Published, ActRestored, "")
}

func (s *Service) move(ctx context.Context, u *user.User, id int64, a Action, to State, act, note string) (*Deed, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !Can(u, a, d) {
		// Org editors may archive but never restore: only then is a refusal
		// about the state rather than the person.
		if u != nil && (u.IsModerator() || (a == ActionArchive && u.OrgID == d.OrgID && u.Role.AtLeast(user.RoleOrgEditor))) {
			return nil, ErrWrongState
		}
		return nil, ErrForbidden
	}
	note = clean(note)
	now := s.now()
	err = s.inTx(ctx, func(tx *store.Tx) error {
		var archivedAt any
		if to == Archived {
			archivedAt = now
		}
		if _, err := tx.Exec(ctx, `UPDATE deeds SET state = ?, archived_at = ?, updated_at = ? WHERE id = ?`, string(to), archivedAt, now, id); err != nil {
			return fmt.Errorf("deed %d: %s: %w", id, act, err)
		}
		return addRevision(ctx, tx, id, u.ID, act, to, note, &d.Content, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// Revisions lists a deed's recorded changes, newest first, each with the
// fields that changed from the one before.
func (s *Service) Revisions(ctx context.Context, u *user.User, id int64) ([]Revision, error) {
	d, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionViewRevisions, d) {
		return nil, ErrForbidden
	}
	rows, err := s.db.Query(ctx, `SELECT r.id, r.deed_id, r.number, COALESCE(r.user_id, 0), COALESCE(us.name, ''), r.action, r.state, r.note, r.content, r.created_at
		FROM deed_revisions r LEFT JOIN users us ON us.id = r.user_id WHERE r.deed_id = ? ORDER BY r.number`, id)
	if err != nil {
		return nil, fmt.Errorf("deed %d: revisions: %w", id, err)
	}
	defer rows.Close()
	var revs []Revision
	for rows.Next() {
		var r Revision
		var state, body string
		if err := rows.Scan(&r.ID, &r.DeedID, &r.Number, &r.UserID, &r.UserName, &r.Action, &state, &r.Note, &body, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("deed %d: revisions: %w", id, err)
		}
		r.State = State(state)
		if err := json.Unmarshal([]byte(body), &r.Content); err != nil {
			return nil, fmt.Errorf("deed %d: revision %d: %w", id, r.Number, err)
		}
		if n := len(revs); n > 0 {
			r.Changed = Changes(&revs[n-1].Content, &r.Content)
		}
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deed %d: revisions: %w", id, err)
	}
	for i, j := 0, len(revs)-1; i < j; i, j = i+1, j-1 {
		revs[i], revs[j] = revs[j], revs[i]
	}
	return revs, nil
}

// Changes names the content fields (by their JSON names) that differ.
func Changes(a, b *Content) []string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	t := va.Type()
	var out []string
	for i := 0; i < t.NumField(); i++ {
		fa, fb := va.Field(i).Interface(), vb.Field(i).Interface()
		if isEmptyValue(fa) && isEmptyValue(fb) {
			continue
		}
		if !reflect.DeepEqual(fa, fb) {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}

func isEmptyValue(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		return rv.Len() == 0
	default:
		return rv.IsZero()
	}
}
