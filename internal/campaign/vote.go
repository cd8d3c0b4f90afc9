package campaign

import (
	"context"
	"fmt"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Vote casts u's audience vote for an entry: one vote per person per
// category, during the vote window. A vote counts people, so only an
// account whose e-mail address is confirmed votes (one address, one
// person), and nobody votes for their own deed or organisation. client is
// the voter's address as the handler saw it; only its network is kept
// (see VoteNetwork), to flag bursts of new accounts (VoteFlags). Who voted
// for what is not written to the audit log, which the programme admins
// read; refusals are.
func (s *Service) Vote(ctx context.Context, u *user.User, entryID int64, client string) error {
	e, c, st, err := s.entryAs(ctx, u, entryID)
	if err != nil {
		return err
	}
	if !Can(u, ActionVote, st) {
		return ErrForbidden
	}
	subject := fmt.Sprintf("category:%d", e.CategoryID)
	now := s.now()
	cat := c.Category(e.CategoryID)
	switch {
	case !c.AudienceVote || c.Vote == nil:
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyVoteDisabled})
	case cat == nil || cat.Rule != RuleJury:
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyRuleCategory})
	case !c.Vote.Contains(now):
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyWindowClosed})
	case !u.Verified():
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyVoteUnverified})
	case ownEntry(u, e):
		return s.refused(ctx, u, c, subject, FieldErrors{"entry": ErrKeyVoteOwn})
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_votes WHERE category_id = ? AND user_id = ?`, e.CategoryID, u.ID).Scan(&n); err != nil {
			return fmt.Errorf("campaign: vote: %w", err)
		}
		if n > 0 {
			return FieldErrors{"entry": ErrKeyAlreadyVoted}
		}
		_, err := tx.Exec(ctx, `INSERT INTO campaign_votes (campaign_id, category_id, entry_id, user_id, client_net, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, e.CategoryID, e.ID, u.ID, VoteNetwork(client), now)
		if store.IsUniqueViolation(err) {
			// Two requests at once: the unique index lets only one through.
			return FieldErrors{"entry": ErrKeyAlreadyVoted}
		}
		if err != nil {
			return fmt.Errorf("campaign: vote: %w", err)
		}
		return nil
	})
	return s.refused(ctx, u, c, subject, err)
}

// MyVotes maps each category of the campaign u voted in to the entry u
// voted for, so that a ballot can show the choice.
func (s *Service) MyVotes(ctx context.Context, u *user.User, campaignID int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if u == nil {
		return out, nil
	}
	rows, err := s.db.Query(ctx, `SELECT category_id, entry_id FROM campaign_votes WHERE campaign_id = ? AND user_id = ?`, campaignID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: my votes: %w", campaignID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var cat, e int64
		if err := rows.Scan(&cat, &e); err != nil {
			return nil, fmt.Errorf("campaign %d: my votes: %w", campaignID, err)
		}
		out[cat] = e
	}
	return out, rows.Err()
}

// BallotEntry is an entry as the public votes on it: what it is and who
// entered it, never its jury scores.
type BallotEntry struct {
	EntryID      int64     `json:"entry_id"`
	CategoryID   int64     `json:"category_id"`
	Kind         Kind      `json:"kind"`
	DeedID       int64     `json:"deed_id,omitempty"`
	OrgID        int64     `json:"org_id"`
	Title        string    `json:"title"`
	OrgName      i18n.Text `json:"org_name"`
	Municipality i18n.Text `json:"municipality"`
	Votes        int       `json:"votes"`
}

// AudienceCategory is one category's audience vote.
type AudienceCategory struct {
	Category Category      `json:"category"`
	Votes    int           `json:"votes"`
	Entries  []BallotEntry `json:"entries"`
}

// Audience lists the entries open to the audience vote by category. The
// counts are filled once the vote has closed, or at any time for the
// programme admins, so that a running count does not steer the voting;
// they are the audience's and kept apart from the jury's results.
func (s *Service) Audience(ctx context.Context, u *user.User, campaignID int64) ([]AudienceCategory, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if !c.AudienceVote || c.Vote == nil {
		return []AudienceCategory{}, nil
	}
	st, err := s.standing(ctx, u, c)
	if err != nil {
		return nil, err
	}
	counts := !s.now().Before(c.Vote.Closes) || Can(u, ActionManage, st)
	entries, err := s.entriesOf(ctx, s.db, "campaign_id = ?", c.ID)
	if err != nil {
		return nil, err
	}
	votes := map[int64]int{}
	if counts {
		rows, err := s.db.Query(ctx, `SELECT entry_id, COUNT(*) FROM campaign_votes WHERE campaign_id = ? GROUP BY entry_id`, c.ID)
		if err != nil {
			return nil, fmt.Errorf("campaign %d: votes: %w", c.ID, err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("campaign %d: votes: %w", c.ID, err)
			}
			votes[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("campaign %d: votes: %w", c.ID, err)
		}
	}
	out := []AudienceCategory{}
	for _, cat := range c.Categories {
		if cat.Rule != RuleJury {
			continue
		}
		ac := AudienceCategory{Category: cat, Entries: []BallotEntry{}}
		for _, e := range entries {
			if e.CategoryID != cat.ID {
				continue
			}
			ac.Entries = append(ac.Entries, BallotEntry{EntryID: e.ID, CategoryID: e.CategoryID, Kind: e.Kind, DeedID: e.DeedID, OrgID: e.OrgID,
				Title: e.Title, OrgName: e.OrgName, Municipality: e.Municipality, Votes: votes[e.ID]})
			ac.Votes += votes[e.ID]
		}
		out = append(out, ac)
	}
	return out, nil
}
