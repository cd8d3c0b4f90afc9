package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Decision is the programme admins' outcome for an entry.
type Decision struct {
	EntryID   int64     `json:"entry_id"`
	Outcome   Outcome   `json:"outcome"`
	Rationale string    `json:"rationale"`
	DecidedBy int64     `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// Ranking is the working result of a campaign, for the programme admins.
type Ranking struct {
	CampaignID int64   `json:"campaign_id"`
	ScaleMin   float64 `json:"scale_min"`
	ScaleMax   float64 `json:"scale_max"`
	// Method is what the rows are ordered by (DefaultMethod).
	Method Method `json:"method"`
	// Panels counts the groups of jurors whose scores are linked through
	// shared entries (Components); above 1, leniency and batch quality
	// cannot be told apart between the groups and the ranking warns.
	Panels     int               `json:"panels"`
	Categories []CategoryRanking `json:"categories"`
}

// CategoryRanking ranks one category's entries; a category whose winners
// follow from data has Data instead.
type CategoryRanking struct {
	Category Category     `json:"category"`
	Rows     []RankingRow `json:"rows"`
	Data     []OrgCount   `json:"data,omitempty"`
}

// RankingRow is one entry in a ranking.
type RankingRow struct {
	Ranked
	Title            string    `json:"title"`
	OrgName          i18n.Text `json:"org_name"`
	DeedID           int64     `json:"deed_id,omitempty"`
	OrgID            int64     `json:"org_id"`
	Decision         *Decision `json:"decision,omitempty"`
	FeedbackApproved bool      `json:"feedback_approved"`
	// Reopened counts reviews of the entry reopened after submission.
	Reopened int `json:"reopened,omitempty"`
}

// OrgCount is an organisation with how many deeds it published in the
// campaign's entry window.
type OrgCount struct {
	OrgID int64     `json:"org_id"`
	Name  i18n.Text `json:"name"`
	Deeds int       `json:"deeds"`
}

// judgements reads every counted review of a campaign as weighted totals:
// submitted, by a juror still assigned (so on the jury and unconflicted).
func (s *Service) judgements(ctx context.Context, c *Campaign) ([]Judgement, error) {
	rows, err := s.db.Query(ctx, `SELECT sc.entry_id, sc.user_id, sc.criterion_id, sc.value FROM campaign_scores sc
		JOIN campaign_reviews r ON r.entry_id = sc.entry_id AND r.user_id = sc.user_id
		JOIN campaign_assignments a ON a.entry_id = sc.entry_id AND a.user_id = sc.user_id
		WHERE r.campaign_id = ? AND r.submitted_at IS NOT NULL
		ORDER BY sc.entry_id, sc.user_id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: judgements: %w", c.ID, err)
	}
	defer rows.Close()
	scores := map[Pair][]Score{}
	var keys []Pair
	for rows.Next() {
		var p Pair
		var sc Score
		if err := rows.Scan(&p.Entry, &p.Juror, &sc.CriterionID, &sc.Value); err != nil {
			return nil, fmt.Errorf("campaign %d: judgements: %w", c.ID, err)
		}
		if _, ok := scores[p]; !ok {
			keys = append(keys, p)
		}
		scores[p] = append(scores[p], sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign %d: judgements: %w", c.ID, err)
	}
	out := make([]Judgement, 0, len(keys))
	for _, p := range keys {
		if len(scores[p]) < len(c.Criteria) {
			// A criterion added after the juror submitted: the review no
			// longer covers everything and waits for the juror.
			continue
		}
		out = append(out, Judgement{Entry: p.Entry, Juror: p.Juror, Total: weightedTotal(c.Criteria, scores[p])})
	}
	return out, nil
}

// Ranking computes the working results: per category, the raw weighted
// mean, the juror-normalised score, the spread between jurors, the flags,
// and the decisions so far.
func (s *Service) Ranking(ctx context.Context, u *user.User, campaignID int64) (*Ranking, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	return s.ranking(ctx, c)
}

func (s *Service) ranking(ctx context.Context, c *Campaign) (*Ranking, error) {
	js, err := s.judgements(ctx, c)
	if err != nil {
		return nil, err
	}
	lo, hi := scaleOf(c.Criteria)
	norm := normalisedTotals(js, lo, hi)
	fit := fitModel(js, lo, hi)
	entries, err := s.entriesOf(ctx, s.db, "campaign_id = ?", c.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := s.decisions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	approved, err := s.ids(ctx, `SELECT entry_id FROM campaign_feedback WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: feedback: %w", c.ID, err)
	}
	reopened, err := s.reopenedCounts(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Entry{}
	for i := range entries {
		byID[entries[i].ID] = &entries[i]
	}
	r := &Ranking{CampaignID: c.ID, ScaleMin: lo, ScaleMax: hi, Method: DefaultMethod, Panels: Components(js), Categories: []CategoryRanking{}}
	for _, cat := range c.Categories {
		cr := CategoryRanking{Category: cat, Rows: []RankingRow{}}
		if cat.Rule == RuleMostDeeds {
			if cr.Data, err = s.MostDeeds(ctx, c.ID); err != nil {
				return nil, err
			}
			r.Categories = append(r.Categories, cr)
			continue
		}
		var ids []int64
		for _, e := range entries {
			if e.CategoryID == cat.ID {
				ids = append(ids, e.ID)
			}
		}
		for _, rk := range rankCategory(ids, js, norm, fit, cat.Winners, lo, hi) {
			e := byID[rk.EntryID]
			row := RankingRow{Ranked: rk, Title: e.Title, OrgName: e.OrgName, DeedID: e.DeedID, OrgID: e.OrgID,
				FeedbackApproved: slices.Contains(approved, e.ID), Reopened: reopened[e.ID]}
			if d, ok := decisions[e.ID]; ok {
				row.Decision = &d
			}
			cr.Rows = append(cr.Rows, row)
		}
		r.Categories = append(r.Categories, cr)
	}
	return r, nil
}

// MostDeeds ranks the organisations by how many deeds they published in
// the campaign's entry window, the data behind a "most deeds" prize. Ties
// keep the organisation with the lower id (the older) first, so the order
// is the same every time.
func (s *Service) MostDeeds(ctx context.Context, campaignID int64) ([]OrgCount, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT d.org_id, o.name_fi, o.name_sv, o.name_en, COUNT(*) FROM deeds d
		JOIN organisations o ON o.id = d.org_id
		WHERE d.state IN ('published', 'archived') AND d.published_at >= ? AND d.published_at < ?
		GROUP BY d.org_id, o.name_fi, o.name_sv, o.name_en
		ORDER BY COUNT(*) DESC, d.org_id`, c.Entry.Opens, c.Entry.Closes)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: most deeds: %w", campaignID, err)
	}
	defer rows.Close()
	out := []OrgCount{}
	for rows.Next() {
		var oc OrgCount
		if err := rows.Scan(&oc.OrgID, &oc.Name.FI, &oc.Name.SV, &oc.Name.EN, &oc.Deeds); err != nil {
			return nil, fmt.Errorf("campaign %d: most deeds: %w", campaignID, err)
		}
		out = append(out, oc)
	}
	return out, rows.Err()
}

func (s *Service) decisions(ctx context.Context, campaignID int64) (map[int64]Decision, error) {
	rows, err := s.db.Query(ctx, `SELECT entry_id, outcome, rationale, COALESCE(decided_by, 0), decided_at FROM campaign_decisions WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: decisions: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[int64]Decision{}
	for rows.Next() {
		var d Decision
		var o string
		if err := rows.Scan(&d.EntryID, &o, &d.Rationale, &d.DecidedBy, &d.DecidedAt); err != nil {
			return nil, fmt.Errorf("campaign %d: decisions: %w", campaignID, err)
		}
		d.Outcome, d.DecidedAt = Outcome(o), d.DecidedAt.UTC()
		out[d.EntryID] = d
	}
	return out, rows.Err()
}

func (s *Service) decisionCounts(ctx context.Context, q store.Querier, categoryID int64) (map[Outcome]int, error) {
	rows, err := q.Query(ctx, `SELECT d.outcome, COUNT(*) FROM campaign_decisions d JOIN campaign_entries e ON e.id = d.entry_id
		WHERE e.category_id = ? GROUP BY d.outcome`, categoryID)
	if err != nil {
		return nil, fmt.Errorf("campaign: category %d decisions: %w", categoryID, err)
	}
	defer rows.Close()
	out := map[Outcome]int{}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			return nil, fmt.Errorf("campaign: category %d decisions: %w", categoryID, err)
		}
		out[Outcome(o)] = n
	}
	return out, rows.Err()
}

// Decide records the programme admins' outcome for an entry with its
// rationale. A category never gets more winners or honourable mentions
// than it allows; changing an earlier decision is a new audit line.
func (s *Service) Decide(ctx context.Context, u *user.User, entryID int64, outcome Outcome, rationale string) error {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	cat := c.Category(e.CategoryID)
	subject := fmt.Sprintf("entry:%d", e.ID)
	rationale = clean(rationale)
	now := s.now()
	errs := FieldErrors{}
	if !slices.Contains(Outcomes(), outcome) {
		errs["outcome"] = ErrKeyChoiceInvalid
	}
	switch {
	case rationale == "":
		errs["rationale"] = ErrKeyRequired
	case utf8.RuneCountInString(rationale) > MaxText:
		errs["rationale"] = fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxText)
	}
	if cat == nil || cat.Rule != RuleJury {
		errs["entry"] = ErrKeyRuleCategory
	} else if now.Before(c.Judging.Opens) {
		errs["entry"] = ErrKeyJudgingNotStarted
	}
	if len(errs) > 0 {
		return s.refused(ctx, u, c, subject, errs)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Touching the category row first makes concurrent decisions in one
		// category wait for each other on PostgreSQL, so that two admins
		// cannot each take the last winner's place; SQLite's immediate
		// transactions already do.
		if _, err := tx.Exec(ctx, `UPDATE campaign_categories SET position = position WHERE id = ?`, cat.ID); err != nil {
			return fmt.Errorf("campaign: decide: %w", err)
		}
		counts, err := s.decisionCounts(ctx, tx, cat.ID)
		if err != nil {
			return err
		}
		var prev string
		err = tx.QueryRow(ctx, `SELECT outcome FROM campaign_decisions WHERE entry_id = ?`, e.ID).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("campaign: decide: %w", err)
		}
		exists := err == nil
		if exists {
			counts[Outcome(prev)]--
		}
		counts[outcome]++
		if counts[Winner] > cat.Winners {
			return FieldErrors{"outcome": ErrKeyTooManyWinners}
		}
		if counts[Mention] > cat.Mentions {
			return FieldErrors{"outcome": ErrKeyTooManyMentions}
		}
		if exists {
			_, err = tx.Exec(ctx, `UPDATE campaign_decisions SET outcome = ?, rationale = ?, decided_by = ?, decided_at = ? WHERE entry_id = ?`,
				string(outcome), rationale, nullID(uid(u)), now, e.ID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO campaign_decisions (entry_id, campaign_id, outcome, rationale, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)`,
				e.ID, c.ID, string(outcome), rationale, nullID(uid(u)), now)
		}
		if err != nil {
			return fmt.Errorf("campaign: decide: %w", err)
		}
		detail := string(outcome) + ": " + rationale
		if exists && prev != string(outcome) {
			detail = prev + " → " + detail
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditDecision, subject, detail)
	})
	return s.refused(ctx, u, c, subject, err)
}

// DraftFeedback composes feedback for an entrant from the comments of the
// counted reviews, grouped by criterion and without the jurors' names or
// private notes, for an admin to edit and approve.
func (s *Service) DraftFeedback(ctx context.Context, u *user.User, entryID int64, lang string) (string, error) {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return "", err
	}
	reviews, err := s.counted(ctx, c, e.ID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, cr := range c.Criteria {
		var lines []string
		for _, r := range reviews {
			for _, sc := range r.Scores {
				if sc.CriterionID == cr.ID && sc.Comment != "" {
					lines = append(lines, "- "+sc.Comment)
				}
			}
		}
		if len(lines) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(cr.Name.In(lang) + "\n" + strings.Join(lines, "\n") + "\n")
	}
	return strings.TrimSpace(b.String()), nil
}

// Feedback is the approved written feedback for an entrant.
type Feedback struct {
	EntryID    int64     `json:"entry_id"`
	Body       string    `json:"body"`
	ApprovedBy int64     `json:"approved_by"`
	ApprovedAt time.Time `json:"approved_at"`
}

// ApproveFeedback stores the feedback an admin approved for an entrant.
func (s *Service) ApproveFeedback(ctx context.Context, u *user.User, entryID int64, body string) error {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	body = clean(body)
	switch {
	case body == "":
		return FieldErrors{"body": ErrKeyRequired}
	case utf8.RuneCountInString(body) > MaxText:
		return FieldErrors{"body": fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxText)}
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_feedback WHERE entry_id = ?`, e.ID); err != nil {
			return fmt.Errorf("campaign: feedback: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO campaign_feedback (entry_id, campaign_id, body, approved_by, approved_at) VALUES (?, ?, ?, ?, ?)`,
			e.ID, c.ID, body, nullID(uid(u)), now); err != nil {
			return fmt.Errorf("campaign: feedback: %w", err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditFeedback, fmt.Sprintf("entry:%d", e.ID), "")
	})
}

// Feedback returns the approved feedback on an entry: to its entrant (who
// entered it, the deed's author, the organisation's editors) once results
// are published, and to the programme admins at any time.
func (s *Service) Feedback(ctx context.Context, u *user.User, entryID int64) (*Feedback, error) {
	e, c, st, err := s.entryAs(ctx, u, entryID)
	if err != nil {
		return nil, err
	}
	if !Can(u, ActionViewFeedback, st) {
		return nil, ErrForbidden
	}
	if !Can(u, ActionManage, st) && c.Published == 0 {
		return nil, ErrNotFound
	}
	var f Feedback
	err = s.db.QueryRow(ctx, `SELECT entry_id, body, COALESCE(approved_by, 0), approved_at FROM campaign_feedback WHERE entry_id = ?`, e.ID).
		Scan(&f.EntryID, &f.Body, &f.ApprovedBy, &f.ApprovedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: feedback %d: %w", e.ID, err)
	}
	f.ApprovedAt = f.ApprovedAt.UTC()
	return &f, nil
}
