package campaign

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/deed"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// ScoreInput is a juror's score on one criterion.
type ScoreInput struct {
	CriterionID int64
	Value       int
	Comment     string
}

// ReviewInput is what a juror saves for one entry. Scores not given are
// left as they are; Submit marks the review done, which needs a score on
// every criterion and lets the juror see the other jurors' reviews.
type ReviewInput struct {
	Scores []ScoreInput
	// Note is the juror's private note; nil leaves it as it is.
	Note   *string
	Submit bool
}

// Score is one stored score.
type Score struct {
	CriterionID int64  `json:"criterion_id"`
	Value       int    `json:"value"`
	Comment     string `json:"comment"`
}

// Review is one juror's scores on one entry. Note is filled only for the
// juror who wrote it.
type Review struct {
	JurorID     int64      `json:"juror_id"`
	JurorName   string     `json:"juror_name"`
	Scores      []Score    `json:"scores"`
	Note        string     `json:"note,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	// Total is the weighted mean of the scores, on the criteria's scale;
	// 0 until every criterion is scored.
	Total float64 `json:"total"`
	// Reopened counts how often a programme admin reopened the submitted
	// review for a change; ReopenReason is the latest reason.
	Reopened     int    `json:"reopened,omitempty"`
	ReopenReason string `json:"reopen_reason,omitempty"`
}

// Submitted reports whether the juror has finished the review.
func (r *Review) Submitted() bool { return r.SubmittedAt != nil }

// SaveReview stores a juror's scores, comments and private note on an
// entry during the judging window. Bad input changes nothing: every score
// is checked before any is written, so what was scored before stays. A
// submitted review is locked: the juror has seen the others' scores, so a
// change to a score or comment needs a programme admin to reopen it
// (ReopenReview); only a criterion added since may still be scored.
func (s *Service) SaveReview(ctx context.Context, u *user.User, entryID int64, in ReviewInput) error {
	e, c, st, err := s.entryAs(ctx, u, entryID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("entry:%d", e.ID)
	if !Can(u, ActionJudge, st) {
		return s.refused(ctx, u, c, subject, judgeRefusal(st))
	}
	now := s.now()
	if !c.Judging.Contains(now) {
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyWindowClosed})
	}
	criteria := map[int64]Criterion{}
	for _, cr := range c.Criteria {
		criteria[cr.ID] = cr
	}
	errs := FieldErrors{}
	seen := map[int64]bool{}
	for i := range in.Scores {
		sc := &in.Scores[i]
		sc.Comment = clean(sc.Comment)
		key := fmt.Sprintf("score.%d", sc.CriterionID)
		cr, ok := criteria[sc.CriterionID]
		switch {
		case !ok || seen[sc.CriterionID]:
			errs[key] = ErrKeyChoiceInvalid
		case sc.Value < cr.ScaleMin || sc.Value > cr.ScaleMax:
			errs[key] = ErrKeyScoreRange
		case utf8.RuneCountInString(sc.Comment) > MaxComment:
			errs[fmt.Sprintf("comment.%d", sc.CriterionID)] = fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxComment)
		}
		seen[sc.CriterionID] = true
	}
	if in.Note != nil {
		n := clean(*in.Note)
		in.Note = &n
		if utf8.RuneCountInString(n) > MaxText {
			errs["note"] = fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxText)
		}
	}
	if len(errs) > 0 {
		return s.refused(ctx, u, c, subject, errs)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := s.reviewOf(ctx, tx, e.ID, u.ID)
		if err != nil {
			return err
		}
		have := map[int64]Score{}
		for _, sc := range old.Scores {
			have[sc.CriterionID] = sc
		}
		for _, sc := range in.Scores {
			prev, ok := have[sc.CriterionID]
			if ok && old.Submitted() && prev != Score(sc) {
				return FieldErrors{"entry": ErrKeyReviewLocked}
			}
			if ok {
				if prev == (Score(sc)) {
					continue
				}
				if _, err := tx.Exec(ctx, `UPDATE campaign_scores SET value = ?, comment = ?, updated_at = ? WHERE entry_id = ? AND user_id = ? AND criterion_id = ?`,
					sc.Value, sc.Comment, now, e.ID, u.ID, sc.CriterionID); err != nil {
					return fmt.Errorf("campaign: save score: %w", err)
				}
			} else {
				if _, err := tx.Exec(ctx, `INSERT INTO campaign_scores (entry_id, user_id, criterion_id, value, comment, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
					e.ID, u.ID, sc.CriterionID, sc.Value, sc.Comment, now); err != nil {
					return fmt.Errorf("campaign: save score: %w", err)
				}
			}
			if !ok || prev.Value != sc.Value {
				from := "–"
				if ok {
					from = fmt.Sprint(prev.Value)
				}
				if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditScore, fmt.Sprintf("entry:%d criterion:%d", e.ID, sc.CriterionID),
					fmt.Sprintf("%s → %d", from, sc.Value)); err != nil {
					return err
				}
			}
			have[sc.CriterionID] = Score(sc)
		}
		if in.Submit && len(have) < len(c.Criteria) {
			return FieldErrors{"entry": ErrKeyReviewIncomplete}
		}
		note := old.Note
		if in.Note != nil {
			note = *in.Note
		}
		submitted := old.SubmittedAt
		if in.Submit && submitted == nil {
			submitted = &now
			if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditReviewSubmitted, subject, ""); err != nil {
				return err
			}
		}
		var exists int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_reviews WHERE entry_id = ? AND user_id = ?`, e.ID, u.ID).Scan(&exists); err != nil {
			return fmt.Errorf("campaign: save review: %w", err)
		}
		if exists == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO campaign_reviews (entry_id, user_id, campaign_id, note, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				e.ID, u.ID, c.ID, note, nullTime(submitted), now)
		} else {
			_, err = tx.Exec(ctx, `UPDATE campaign_reviews SET note = ?, submitted_at = ?, updated_at = ? WHERE entry_id = ? AND user_id = ?`,
				note, nullTime(submitted), now, e.ID, u.ID)
		}
		if err != nil {
			return fmt.Errorf("campaign: save review: %w", err)
		}
		return nil
	})
	return s.refused(ctx, u, c, subject, err)
}

// reviewOf reads one juror's review of one entry, note included.
func (s *Service) reviewOf(ctx context.Context, q store.Querier, entryID, jurorID int64) (*Review, error) {
	r := &Review{JurorID: jurorID, Scores: []Score{}}
	var at sql.NullTime
	err := q.QueryRow(ctx, `SELECT note, submitted_at, reopened, reopen_reason FROM campaign_reviews WHERE entry_id = ? AND user_id = ?`,
		entryID, jurorID).Scan(&r.Note, &at, &r.Reopened, &r.ReopenReason)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("campaign: review: %w", err)
	}
	if at.Valid {
		t := at.Time.UTC()
		r.SubmittedAt = &t
	}
	rows, err := q.Query(ctx, `SELECT criterion_id, value, comment FROM campaign_scores WHERE entry_id = ? AND user_id = ? ORDER BY criterion_id`, entryID, jurorID)
	if err != nil {
		return nil, fmt.Errorf("campaign: review: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sc Score
		if err := rows.Scan(&sc.CriterionID, &sc.Value, &sc.Comment); err != nil {
			return nil, fmt.Errorf("campaign: review: %w", err)
		}
		r.Scores = append(r.Scores, sc)
	}
	return r, rows.Err()
}

// counted reads the reviews that count for an entry: submitted, by a
// juror still assigned to it (which also means still on the jury and free
// of conflicts with it). Private notes are left out.
func (s *Service) counted(ctx context.Context, c *Campaign, entryID int64) ([]Review, error) {
	rows, err := s.db.Query(ctx, `SELECT r.user_id, us.name, r.submitted_at FROM campaign_reviews r
		JOIN campaign_assignments a ON a.entry_id = r.entry_id AND a.user_id = r.user_id
		JOIN users us ON us.id = r.user_id
		WHERE r.entry_id = ? AND r.submitted_at IS NOT NULL ORDER BY r.submitted_at, r.user_id`, entryID)
	if err != nil {
		return nil, fmt.Errorf("campaign: entry %d reviews: %w", entryID, err)
	}
	var out []Review
	for rows.Next() {
		var r Review
		var at time.Time
		if err := rows.Scan(&r.JurorID, &r.JurorName, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("campaign: entry %d reviews: %w", entryID, err)
		}
		at = at.UTC()
		r.SubmittedAt = &at
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: entry %d reviews: %w", entryID, err)
	}
	for i := range out {
		full, err := s.reviewOf(ctx, s.db, entryID, out[i].JurorID)
		if err != nil {
			return nil, err
		}
		out[i].Scores, out[i].Reopened, out[i].ReopenReason = full.Scores, full.Reopened, full.ReopenReason
		out[i].Total = weightedTotal(c.Criteria, full.Scores)
	}
	return out, nil
}

// weightedTotal is the weighted mean of the scores on the criteria's
// common scale, or 0 when a criterion is unscored.
func weightedTotal(criteria []Criterion, scores []Score) float64 {
	byID := map[int64]int{}
	for _, sc := range scores {
		byID[sc.CriterionID] = sc.Value
	}
	var sum, weights float64
	for _, cr := range criteria {
		v, ok := byID[cr.ID]
		if !ok {
			return 0
		}
		sum += cr.Weight * float64(v)
		weights += cr.Weight
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// JuryEntry is an entry as a juror sees it: the frozen snapshot (without
// the organisation and the people when judging is blind), the criteria,
// the juror's own review, and the other jurors' reviews once the juror has
// submitted theirs. It has no place for public comments, endorsements or
// votes: the jury judges the deed, not its popularity.
type JuryEntry struct {
	EntryID      int64          `json:"entry_id"`
	CampaignID   int64          `json:"campaign_id"`
	Category     Category       `json:"category"`
	Kind         Kind           `json:"kind"`
	Title        string         `json:"title"`
	OrgName      i18n.Text      `json:"org_name"`
	Municipality i18n.Text      `json:"municipality"`
	Blind        bool           `json:"blind"`
	Deeds        []DeedSnapshot `json:"deeds"`
	Criteria     []Criterion    `json:"criteria"`
	Mine         Review         `json:"mine"`
	// Others is empty until Mine is submitted.
	Others []Review `json:"others"`
	// ConflictOpen tells whether the juror may still declare a conflict
	// with the entry themselves (see DeclareConflict).
	ConflictOpen bool `json:"conflict_open"`
}

// JuryEntry returns an entry for juror u to judge.
func (s *Service) JuryEntry(ctx context.Context, u *user.User, entryID int64) (*JuryEntry, error) {
	e, c, st, err := s.entryAs(ctx, u, entryID)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionJudge, st) {
		return nil, judgeRefusal(st)
	}
	cat := c.Category(e.CategoryID)
	je := &JuryEntry{
		EntryID: e.ID, CampaignID: c.ID, Category: *cat, Kind: e.Kind, Title: e.Title,
		OrgName: e.OrgName, Municipality: e.Municipality, Blind: c.Blind, Criteria: c.Criteria, Others: []Review{},
	}
	for _, d := range e.Snapshot.Deeds {
		if c.Blind {
			d = blinded(d)
		}
		je.Deeds = append(je.Deeds, d)
	}
	if c.Blind {
		je.OrgName, je.Municipality = i18n.Text{}, i18n.Text{}
		je.Title = blindTitle(e)
	}
	mine, err := s.reviewOf(ctx, s.db, e.ID, u.ID)
	if err != nil {
		return nil, err
	}
	mine.JurorName = u.Name
	mine.Total = weightedTotal(c.Criteria, mine.Scores)
	je.Mine = *mine
	je.ConflictOpen = declarable(c, s.now(), mine.Submitted()) == nil
	if mine.Submitted() {
		all, err := s.counted(ctx, c, e.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if r.JurorID != u.ID {
				je.Others = append(je.Others, r)
			}
		}
	}
	return je, nil
}

// blindTitle names an entry without its organisation: an organisation
// entry's title is the organisation's name.
func blindTitle(e *Entry) string {
	if e.Kind == KindOrg {
		return fmt.Sprintf("#%d", e.ID)
	}
	return redact(e.Title, blindNames(e.Snapshot.Deeds))
}

func blindNames(ds []DeedSnapshot) []string {
	var names []string
	for _, d := range ds {
		names = append(names, d.OrgName.FI, d.OrgName.SV, d.OrgName.EN, d.Municipality.FI, d.Municipality.SV,
			d.AuthorName, d.Content.Contact.Name)
	}
	return names
}

// blinded strips a snapshot of the organisation and the people: names,
// contact, author, and the links and media that would give them away. The
// names are also masked where the text itself mentions them.
func blinded(d DeedSnapshot) DeedSnapshot {
	names := blindNames([]DeedSnapshot{d})
	c := d.Content
	for _, p := range []*string{&c.Title, &c.Summary, &c.Need, &c.Solution, &c.Results, &c.Lessons, &c.Adoption, &c.Partners, &c.Funding} {
		*p = redact(*p, names)
	}
	c.Contact = deed.Contact{}
	c.Links, c.Images, c.Attachments = nil, nil, nil
	c.OrgID, c.UnitID, c.Municipality = 0, 0, ""
	return DeedSnapshot{DeedID: 0, Content: c, PublishedAt: d.PublishedAt}
}

const mask = "[…]"

func redact(text string, names []string) string {
	for _, n := range names {
		if utf8.RuneCountInString(n) < 3 {
			continue
		}
		text = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(n)).ReplaceAllString(text, mask)
	}
	return text
}

// JuryItem is one line of a juror's work list.
type JuryItem struct {
	EntryID    int64     `json:"entry_id"`
	CategoryID int64     `json:"category_id"`
	Category   i18n.Text `json:"category"`
	Title      string    `json:"title"`
	Scored     int       `json:"scored"`
	Submitted  bool      `json:"submitted"`
}

// JuryWork lists the entries assigned to juror u in a campaign, with how
// far u has come with each.
func (s *Service) JuryWork(ctx context.Context, u *user.User, campaignID int64) ([]JuryItem, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	st, err := s.standing(ctx, u, c)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionJury, st) {
		return nil, ErrForbidden
	}
	entries, err := s.entriesOf(ctx, s.db, `id IN (SELECT a.entry_id FROM campaign_assignments a WHERE a.user_id = ? AND a.campaign_id = ?)
		AND id NOT IN (SELECT f.entry_id FROM campaign_conflicts f WHERE f.user_id = ? AND f.campaign_id = ?)`, u.ID, c.ID, u.ID, c.ID)
	if err != nil {
		return nil, err
	}
	out := []JuryItem{}
	for i := range entries {
		e := &entries[i]
		r, err := s.reviewOf(ctx, s.db, e.ID, u.ID)
		if err != nil {
			return nil, err
		}
		it := JuryItem{EntryID: e.ID, CategoryID: e.CategoryID, Title: e.Title, Scored: len(r.Scores), Submitted: r.Submitted()}
		if cat := c.Category(e.CategoryID); cat != nil {
			it.Category = cat.Name
		}
		if c.Blind {
			it.Title = blindTitle(e)
		}
		out = append(out, it)
	}
	return out, nil
}

// Progress is how far the jury has come, for the programme admins.
type Progress struct {
	Jurors  []JurorProgress `json:"jurors"`
	Entries []EntryProgress `json:"entries"`
}

// JurorProgress counts one juror's work.
type JurorProgress struct {
	UserID    int64  `json:"user_id"`
	Name      string `json:"name"`
	Assigned  int    `json:"assigned"`
	Started   int    `json:"started"`
	Submitted int    `json:"submitted"`
	Conflicts int    `json:"conflicts"`
}

// EntryProgress counts one entry's reviews.
type EntryProgress struct {
	EntryID    int64  `json:"entry_id"`
	CategoryID int64  `json:"category_id"`
	Title      string `json:"title"`
	Assigned   int    `json:"assigned"`
	Submitted  int    `json:"submitted"`
	Conflicts  int    `json:"conflicts"`
	// Short is set for an entry the jury judges that has fewer jurors
	// than the campaign gives each.
	Short bool `json:"short"`
}

// Progress counts assignments, reviews and conflicts per juror and per
// entry.
func (s *Service) Progress(ctx context.Context, u *user.User, campaignID int64) (*Progress, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	return s.progress(ctx, c)
}

func (s *Service) progress(ctx context.Context, c *Campaign) (*Progress, error) {
	jurors, err := s.jurors(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	entries, err := s.entriesOf(ctx, s.db, "campaign_id = ?", c.ID)
	if err != nil {
		return nil, err
	}
	assigned, err := s.pairs(ctx, s.db, `SELECT entry_id, user_id FROM campaign_assignments WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: progress: %w", c.ID, err)
	}
	started, err := s.pairs(ctx, s.db, `SELECT entry_id, user_id FROM campaign_reviews WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: progress: %w", c.ID, err)
	}
	submitted, err := s.pairs(ctx, s.db, `SELECT entry_id, user_id FROM campaign_reviews WHERE campaign_id = ? AND submitted_at IS NOT NULL`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: progress: %w", c.ID, err)
	}
	conflicted, err := s.pairs(ctx, s.db, `SELECT entry_id, user_id FROM campaign_conflicts WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: progress: %w", c.ID, err)
	}
	p := &Progress{Jurors: []JurorProgress{}, Entries: []EntryProgress{}}
	for _, j := range jurors {
		jp := JurorProgress{UserID: j.UserID, Name: j.Name}
		for _, e := range entries {
			k := Pair{e.ID, j.UserID}
			if conflicted[k] {
				jp.Conflicts++
				continue
			}
			if assigned[k] {
				jp.Assigned++
				if started[k] {
					jp.Started++
				}
				if submitted[k] {
					jp.Submitted++
				}
			}
		}
		p.Jurors = append(p.Jurors, jp)
	}
	for _, e := range entries {
		ep := EntryProgress{EntryID: e.ID, CategoryID: e.CategoryID, Title: e.Title}
		for _, j := range jurors {
			k := Pair{e.ID, j.UserID}
			if conflicted[k] {
				ep.Conflicts++
				continue
			}
			if assigned[k] {
				ep.Assigned++
				if submitted[k] {
					ep.Submitted++
				}
			}
		}
		if cat := c.Category(e.CategoryID); cat != nil && cat.Rule == RuleJury {
			ep.Short = ep.Assigned < c.JurorsPerEntry
		}
		p.Entries = append(p.Entries, ep)
	}
	return p, nil
}

// Reviews returns the reviews that count for an entry, without the
// jurors' private notes, for the programme admins.
func (s *Service) Reviews(ctx context.Context, u *user.User, entryID int64) ([]Review, error) {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return nil, err
	}
	return s.counted(ctx, c, e.ID)
}
