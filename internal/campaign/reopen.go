package campaign

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Keys for the lock on submitted reviews.
const (
	ErrKeyReviewLocked      = "error.review_locked"        // a juror changing a submitted review
	ErrKeyReviewNotSubmited = "error.review_not_submitted" // reopening a review that is not submitted
)

// AuditReviewReopened records a programme admin reopening one juror's
// submitted review of one entry, with the reason.
const AuditReviewReopened = "review_reopened"

// ReopenReview unlocks juror's submitted review of an entry so that they
// can change it once more and submit again. Until then the review does not
// count and the juror does not see the others'. It needs a reason, which is
// logged, and the ranking shows the entry's reopened reviews.
func (s *Service) ReopenReview(ctx context.Context, u *user.User, entryID, jurorID int64, reason string) error {
	e, c, err := s.managedEntry(ctx, u, entryID)
	if err != nil {
		return err
	}
	now := s.now()
	subject := fmt.Sprintf("entry:%d user:%d", e.ID, jurorID)
	errs := FieldErrors{}
	if !c.Judging.Contains(now) {
		errs["entry"] = ErrKeyWindowClosed
	}
	reason, key := reasonOf(reason)
	if key != "" {
		errs["reason"] = key
	}
	if len(errs) > 0 {
		return s.refused(ctx, u, c, subject, errs)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var at sql.NullTime
		err := tx.QueryRow(ctx, `SELECT submitted_at FROM campaign_reviews WHERE entry_id = ? AND user_id = ?`, e.ID, jurorID).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !at.Valid) {
			return FieldErrors{"entry": ErrKeyReviewNotSubmited}
		}
		if err != nil {
			return fmt.Errorf("campaign: reopen review: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE campaign_reviews SET submitted_at = NULL, reopened = reopened + 1, reopen_reason = ?, updated_at = ?
			WHERE entry_id = ? AND user_id = ?`, reason, now, e.ID, jurorID); err != nil {
			return fmt.Errorf("campaign: reopen review: %w", err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditReviewReopened, subject, reason)
	})
	return s.refused(ctx, u, c, subject, err)
}

// reopenedCounts maps each entry of a campaign to how many times its
// reviews were reopened.
func (s *Service) reopenedCounts(ctx context.Context, campaignID int64) (map[int64]int, error) {
	rows, err := s.db.Query(ctx, `SELECT entry_id, SUM(reopened) FROM campaign_reviews WHERE campaign_id = ? AND reopened > 0 GROUP BY entry_id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: reopened reviews: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("campaign %d: reopened reviews: %w", campaignID, err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
