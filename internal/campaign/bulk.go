package campaign

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// ErrKeyStale: a bulk row whose decision or feedback someone else changed
// after the form was loaded.
const ErrKeyStale = "error.row_stale"

// Stamp names a decision or a feedback text as a form saw it, so that a
// bulk post can tell whether someone changed it since. Empty for none.
func Stamp(parts ...string) string {
	if len(parts) == 0 || (len(parts) == 1 && parts[0] == "") || (len(parts) == 2 && parts[0] == "" && parts[1] == "") {
		return ""
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// DecisionStamp is the Stamp of a decision, or "" for none.
func DecisionStamp(d *Decision) string {
	if d == nil {
		return ""
	}
	return Stamp(string(d.Outcome), d.Rationale)
}

// BulkRow is one entry's row of the bulk form on the ranking. Outcome ""
// leaves the decision alone; Approve approves Feedback as the entrant's.
// Seen and FeedbackSeen are the stamps of the decision and the approved
// feedback when the form was loaded.
type BulkRow struct {
	EntryID      int64
	Outcome      Outcome
	Rationale    string
	Seen         string
	Approve      bool
	Feedback     string
	FeedbackSeen string
}

// BulkReport counts what DecideMany changed.
type BulkReport struct {
	Decisions int `json:"decisions"`
	Feedback  int `json:"feedback"`
}

// DecideMany records decisions and feedback approvals for many entries of
// a campaign at once, all or nothing: a bad row, a row someone changed
// since the form was loaded (stale) or a category over its quota refuses
// the whole post, with an error keyed "row.<entry>" for every row at
// fault, and nothing is written.
func (s *Service) DecideMany(ctx context.Context, u *user.User, campaignID int64, rows []BulkRow) (*BulkReport, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	subject := fmt.Sprintf("campaign:%d", c.ID)
	now := s.now()
	entries, err := s.entriesOf(ctx, s.db, "campaign_id = ?", c.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Entry{}
	for i := range entries {
		byID[entries[i].ID] = &entries[i]
	}
	errs := FieldErrors{}
	for i := range rows {
		r := &rows[i]
		key := fmt.Sprintf("row.%d", r.EntryID)
		r.Rationale, r.Feedback = clean(r.Rationale), clean(r.Feedback)
		e := byID[r.EntryID]
		switch {
		case e == nil:
			errs[key] = ErrKeyChoiceInvalid
		case r.Outcome == "" && !r.Approve:
		case r.Outcome != "" && !slices.Contains(Outcomes(), r.Outcome):
			errs[key] = ErrKeyChoiceInvalid
		case r.Outcome != "" && r.Rationale == "":
			errs[key] = ErrKeyRequired
		case utf8.RuneCountInString(r.Rationale) > MaxText || utf8.RuneCountInString(r.Feedback) > MaxText:
			errs[key] = fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxText)
		case r.Approve && r.Feedback == "":
			errs[key] = ErrKeyRequired
		default:
			if cat := c.Category(e.CategoryID); r.Outcome != "" && (cat == nil || cat.Rule != RuleJury) {
				errs[key] = ErrKeyRuleCategory
			} else if r.Outcome != "" && now.Before(c.Judging.Opens) {
				errs[key] = ErrKeyJudgingNotStarted
			}
		}
	}
	if len(errs) > 0 {
		return nil, s.refused(ctx, u, c, subject, errs)
	}
	rep := &BulkReport{}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Lock the categories as Decide does, so that quotas hold against
		// decisions made meanwhile.
		for _, cat := range c.Categories {
			if _, err := tx.Exec(ctx, `UPDATE campaign_categories SET position = position WHERE id = ?`, cat.ID); err != nil {
				return fmt.Errorf("campaign: bulk: %w", err)
			}
		}
		current, err := decisionsIn(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		feedback := map[int64]string{}
		frows, err := tx.Query(ctx, `SELECT entry_id, body FROM campaign_feedback WHERE campaign_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("campaign: bulk: %w", err)
		}
		for frows.Next() {
			var id int64
			var body string
			if err := frows.Scan(&id, &body); err != nil {
				frows.Close()
				return fmt.Errorf("campaign: bulk: %w", err)
			}
			feedback[id] = body
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return fmt.Errorf("campaign: bulk: %w", err)
		}
		errs := FieldErrors{}
		after := map[int64]Outcome{}
		for id, d := range current {
			after[id] = d.Outcome
		}
		for _, r := range rows {
			key := fmt.Sprintf("row.%d", r.EntryID)
			if r.Outcome != "" {
				var d *Decision
				if cd, ok := current[r.EntryID]; ok {
					d = &cd
				}
				if DecisionStamp(d) != r.Seen {
					errs[key] = ErrKeyStale
					continue
				}
				after[r.EntryID] = r.Outcome
			}
			if r.Approve && Stamp(feedback[r.EntryID]) != r.FeedbackSeen {
				errs[key] = ErrKeyStale
			}
		}
		for _, cat := range c.Categories {
			var winners, mentions []int64
			for id, o := range after {
				if e := byID[id]; e != nil && e.CategoryID == cat.ID {
					switch o {
					case Winner:
						winners = append(winners, id)
					case Mention:
						mentions = append(mentions, id)
					}
				}
			}
			over := func(ids []int64, quota int, key string) {
				if len(ids) <= quota {
					return
				}
				for _, r := range rows {
					if slices.Contains(ids, r.EntryID) && r.Outcome != "" && errs[fmt.Sprintf("row.%d", r.EntryID)] == "" {
						errs[fmt.Sprintf("row.%d", r.EntryID)] = key
					}
				}
			}
			over(winners, cat.Winners, ErrKeyTooManyWinners)
			over(mentions, cat.Mentions, ErrKeyTooManyMentions)
		}
		if len(errs) > 0 {
			return errs
		}
		for _, r := range rows {
			sub := fmt.Sprintf("entry:%d", r.EntryID)
			if r.Outcome != "" {
				prev, exists := current[r.EntryID]
				if exists && prev.Outcome == r.Outcome && prev.Rationale == r.Rationale {
					// Unchanged rows are not decided again.
				} else {
					if exists {
						_, err = tx.Exec(ctx, `UPDATE campaign_decisions SET outcome = ?, rationale = ?, decided_by = ?, decided_at = ? WHERE entry_id = ?`,
							string(r.Outcome), r.Rationale, nullID(uid(u)), now, r.EntryID)
					} else {
						_, err = tx.Exec(ctx, `INSERT INTO campaign_decisions (entry_id, campaign_id, outcome, rationale, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)`,
							r.EntryID, c.ID, string(r.Outcome), r.Rationale, nullID(uid(u)), now)
					}
					if err != nil {
						return fmt.Errorf("campaign: bulk decide: %w", err)
					}
					detail := string(r.Outcome) + ": " + r.Rationale + " (bulk)"
					if exists && prev.Outcome != r.Outcome {
						detail = string(prev.Outcome) + " → " + detail
					}
					if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditDecision, sub, detail); err != nil {
						return err
					}
					rep.Decisions++
				}
			}
			if r.Approve && feedback[r.EntryID] != r.Feedback {
				if _, err := tx.Exec(ctx, `DELETE FROM campaign_feedback WHERE entry_id = ?`, r.EntryID); err != nil {
					return fmt.Errorf("campaign: bulk feedback: %w", err)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO campaign_feedback (entry_id, campaign_id, body, approved_by, approved_at) VALUES (?, ?, ?, ?, ?)`,
					r.EntryID, c.ID, r.Feedback, nullID(uid(u)), now); err != nil {
					return fmt.Errorf("campaign: bulk feedback: %w", err)
				}
				if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditFeedback, sub, "bulk"); err != nil {
					return err
				}
				rep.Feedback++
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.refused(ctx, u, c, subject, err)
	}
	return rep, nil
}

// decisionsIn reads a campaign's decisions inside a transaction.
func decisionsIn(ctx context.Context, q store.Querier, campaignID int64) (map[int64]Decision, error) {
	rows, err := q.Query(ctx, `SELECT entry_id, outcome, rationale FROM campaign_decisions WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: decisions: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[int64]Decision{}
	for rows.Next() {
		var d Decision
		var o string
		if err := rows.Scan(&d.EntryID, &o, &d.Rationale); err != nil {
			return nil, fmt.Errorf("campaign %d: decisions: %w", campaignID, err)
		}
		d.Outcome = Outcome(o)
		out[d.EntryID] = d
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return out, nil
}
