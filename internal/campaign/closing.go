package campaign

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Keys for refusing to publish too early and for the reasons that
// destructive steps need.
const (
	ErrKeyJudgingOpen    = "error.judging_open"     // publishing while the judging window is still open
	ErrKeyVoteOpen       = "error.vote_open"        // publishing while the audience vote is still open
	ErrKeyReasonRequired = "error.reason_required"  // closing judging early, removing a juror, reopening a score
	ErrKeyJudgingClosed  = "error.judging_not_open" // closing judging that is not open
)

// AuditJudgingClosed records judging (and an open audience vote) closed
// before its window ended, with the admin's reason.
const AuditJudgingClosed = "judging_closed"

// notPublishable adds to errs why results may not be published at now:
// judging and the audience vote must both be over, so that nothing public
// moves under jurors and voters still at work.
func notPublishable(c *Campaign, now time.Time, errs FieldErrors) {
	switch {
	case now.Before(c.Judging.Opens):
		errs["campaign"] = ErrKeyJudgingNotStarted
	case now.Before(c.Judging.Closes):
		errs["campaign"] = ErrKeyJudgingOpen
	case c.AudienceVote && c.Vote != nil && now.Before(c.Vote.Closes):
		errs["campaign"] = ErrKeyVoteOpen
	}
}

// reasonOf cleans a reason a destructive step needs and says what is
// wrong with it, if anything.
func reasonOf(reason string) (string, string) {
	reason = clean(reason)
	switch {
	case reason == "":
		return reason, ErrKeyReasonRequired
	case utf8.RuneCountInString(reason) > MaxComment:
		return reason, fmt.Sprintf("%s|%d", ErrKeyTooLong, MaxComment)
	}
	return reason, ""
}

// CloseJudging ends the judging window now instead of at its planned
// close, and an audience vote still open with it, so that results can be
// published early. It needs a reason, which goes to the audit log.
func (s *Service) CloseJudging(ctx context.Context, u *user.User, campaignID int64, reason string) error {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return err
	}
	now := s.now()
	subject := fmt.Sprintf("campaign:%d", c.ID)
	errs := FieldErrors{}
	if !c.Judging.Contains(now) {
		errs["campaign"] = ErrKeyJudgingClosed
	}
	reason, key := reasonOf(reason)
	if key != "" {
		errs["reason"] = key
	}
	if len(errs) > 0 {
		return s.refused(ctx, u, c, subject, errs)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaigns SET judging_closes = ?, updated_at = ? WHERE id = ?`, now, now, c.ID); err != nil {
			return fmt.Errorf("campaign %d: close judging: %w", c.ID, err)
		}
		if c.AudienceVote && c.Vote != nil && now.Before(c.Vote.Closes) {
			if _, err := tx.Exec(ctx, `UPDATE campaigns SET vote_closes = ? WHERE id = ?`, now, c.ID); err != nil {
				return fmt.Errorf("campaign %d: close vote: %w", c.ID, err)
			}
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditJudgingClosed, subject,
			fmt.Sprintf("planned close %s; %s", c.Judging.Closes.UTC().Format(time.RFC3339), reason))
	})
	return s.refused(ctx, u, c, subject, err)
}

// PublicationPreview is what Publish would make public now with note,
// without publishing it: the same results, version and list of changes.
// The FieldErrors say why publishing would be refused, if it would.
func (s *Service) PublicationPreview(ctx context.Context, u *user.User, campaignID int64, note string) (*Results, FieldErrors, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, nil, err
	}
	return s.prepare(ctx, c, note, s.now())
}
