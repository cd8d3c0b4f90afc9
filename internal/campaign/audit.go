package campaign

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// Audit actions.
const (
	AuditProgramme        = "programme_saved"
	AuditAdminAdded       = "programme_admin_added"
	AuditAdminRemoved     = "programme_admin_removed"
	AuditCampaign         = "campaign_saved"
	AuditCategory         = "category_saved"
	AuditCategoryDeleted  = "category_deleted"
	AuditCriterion        = "criterion_saved"
	AuditCriterionDeleted = "criterion_deleted"
	AuditEntered          = "entry_created"
	AuditEntryWithdrawn   = "entry_withdrawn"
	AuditInvited          = "juror_invited"
	AuditJurorAccepted    = "juror_accepted"
	AuditConflict         = "conflict"
	AuditAssigned         = "assigned"
	AuditUnassigned       = "unassigned"
	AuditScore            = "score_changed"
	AuditReviewSubmitted  = "review_submitted"
	AuditDecision         = "decision"
	AuditFeedback         = "feedback_approved"
	AuditPublished        = "published"
	AuditVote             = "vote"
	// AuditRefused records bad input that was turned away: scores off the
	// scale, late entries, votes out of the window, double votes, scoring
	// an entry not assigned or conflicted, too many winners.
	AuditRefused = "refused"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID          int64     `json:"id"`
	ProgrammeID int64     `json:"programme_id,omitempty"`
	CampaignID  int64     `json:"campaign_id,omitempty"`
	UserID      int64     `json:"user_id,omitempty"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	Subject     string    `json:"subject"`
	Detail      string    `json:"detail"`
	At          time.Time `json:"at"`
}

// audit writes one line; inside the transaction of the change it records,
// so that the change and its record stand or fall together.
func audit(ctx context.Context, q store.Querier, now time.Time, u *user.User, programmeID, campaignID int64, action, subject, detail string) error {
	actor := "system"
	if u != nil {
		actor = fmt.Sprintf("%s <%s>", u.Name, u.Email)
	}
	_, err := q.Exec(ctx, `INSERT INTO campaign_audit (programme_id, campaign_id, user_id, actor, action, subject, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, nullID(programmeID), nullID(campaignID), nullID(uid(u)), actor, action, subject, detail, now)
	if err != nil {
		return fmt.Errorf("campaign: audit %s: %w", action, err)
	}
	return nil
}

// refused records bad input in the audit log and hands the error back.
// Only FieldErrors are recorded: they are what a person sent, whereas a
// plain refusal (ErrForbidden) from a stranger would only fill the log.
func (s *Service) refused(ctx context.Context, u *user.User, c *Campaign, subject string, err error) error {
	var fe FieldErrors
	if c == nil || !errors.As(err, &fe) {
		return err
	}
	if aerr := audit(ctx, s.db, s.now(), u, c.ProgrammeID, c.ID, AuditRefused, subject, fe.Error()); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// Audit returns the campaign's audit log, oldest first, with the
// programme-level lines (admins added, programme edited) of its programme.
func (s *Service) Audit(ctx context.Context, u *user.User, campaignID int64) ([]AuditEntry, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, COALESCE(programme_id, 0), COALESCE(campaign_id, 0), COALESCE(user_id, 0), actor, action, subject, detail, created_at
		FROM campaign_audit WHERE campaign_id = ? OR (campaign_id IS NULL AND programme_id = ?) ORDER BY id`, campaignID, c.ProgrammeID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: audit: %w", campaignID, err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var a AuditEntry
		if err := rows.Scan(&a.ID, &a.ProgrammeID, &a.CampaignID, &a.UserID, &a.Actor, &a.Action, &a.Subject, &a.Detail, &a.At); err != nil {
			return nil, fmt.Errorf("campaign %d: audit: %w", campaignID, err)
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// WriteAuditCSV writes the campaign's audit log as CSV for the programme
// admins.
func (s *Service) WriteAuditCSV(ctx context.Context, u *user.User, campaignID int64, w io.Writer) error {
	log, err := s.Audit(ctx, u, campaignID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "at", "actor", "user_id", "action", "subject", "detail"})
	for _, a := range log {
		_ = cw.Write([]string{strconv.FormatInt(a.ID, 10), a.At.Format(time.RFC3339), csvSafe(a.Actor), strconv.FormatInt(a.UserID, 10),
			a.Action, csvSafe(a.Subject), csvSafe(a.Detail)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("campaign %d: audit csv: %w", campaignID, err)
	}
	return nil
}

// csvSafe keeps a spreadsheet from running a cell as a formula: names and
// comments come from people, and a leading =, +, - or @ would be executed.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
