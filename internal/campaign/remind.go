package campaign

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// AuditReminded records a reminder mailed to a late juror.
const AuditReminded = "juror_reminded"

// RemindEvery is how often one juror may be reminded, so that a keen admin
// does not flood them.
const RemindEvery = 24 * time.Hour

// RemindReport says whom RemindLateJurors mailed.
type RemindReport struct {
	Reminded int `json:"reminded"`
	// Skipped counts late jurors reminded less than RemindEvery ago.
	Skipped int `json:"skipped"`
}

// LateJurors counts the jurors who have assigned reviews not submitted.
func (p *Progress) LateJurors() int {
	n := 0
	for _, j := range p.Jurors {
		if j.Submitted < j.Assigned {
			n++
		}
	}
	return n
}

// Totals counts every assigned and submitted review.
func (p *Progress) Totals() (assigned, submitted int) {
	for _, j := range p.Jurors {
		assigned += j.Assigned
		submitted += j.Submitted
	}
	return assigned, submitted
}

// RemindLateJurors mails every juror with unsubmitted reviews, in their
// language, how many are left and when judging closes; only while judging
// is open, and a juror at most once in RemindEvery.
func (s *Service) RemindLateJurors(ctx context.Context, u *user.User, campaignID int64) (*RemindReport, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	subject := fmt.Sprintf("campaign:%d", c.ID)
	if !c.Judging.Contains(now) {
		return nil, s.refused(ctx, u, c, subject, FieldErrors{"campaign": ErrKeyWindowClosed})
	}
	p, err := s.progress(ctx, c)
	if err != nil {
		return nil, err
	}
	rep := &RemindReport{}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, jp := range p.Jurors {
			left := jp.Assigned - jp.Submitted
			if left <= 0 {
				continue
			}
			sub := fmt.Sprintf("user:%d", jp.UserID)
			var recent int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_audit WHERE campaign_id = ? AND action = ? AND subject = ? AND created_at > ?`,
				c.ID, AuditReminded, sub, now.Add(-RemindEvery)).Scan(&recent); err != nil {
				return fmt.Errorf("campaign %d: remind: %w", c.ID, err)
			}
			if recent > 0 {
				rep.Skipped++
				continue
			}
			var email, lang string
			if err := tx.QueryRow(ctx, `SELECT email, lang FROM users WHERE id = ?`, jp.UserID).Scan(&email, &lang); err != nil {
				return fmt.Errorf("campaign %d: remind: %w", c.ID, err)
			}
			title, body := reminderMail(lang, c, left)
			if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`, email, title, body, now); err != nil {
				return fmt.Errorf("campaign %d: remind: %w", c.ID, err)
			}
			if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditReminded, sub, fmt.Sprintf("%d reviews left", left)); err != nil {
				return err
			}
			rep.Reminded++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// reminderMail writes a reminder in lang. The closing time is given in
// Finnish time, as the campaign's windows are.
func reminderMail(lang string, c *Campaign, left int) (subject, body string) {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		loc = time.UTC
	}
	closes := c.Judging.Closes.In(loc).Format("2.1.2006 15.04")
	var b strings.Builder
	switch lang {
	case "sv":
		subject = "Påminnelse: bedömningar kvar i " + c.Name.In("sv")
		fmt.Fprintf(&b, "Hej,\n\ndu har %d bedömningar kvar att skicka in i tävlingen %s. Bedömningen stänger %s (finsk tid).\n\nDina bedömningar:\n/jury\n", left, c.Name.In("sv"), closes)
	case "en":
		subject = "Reminder: reviews left in " + c.Name.In("en")
		fmt.Fprintf(&b, "Hello,\n\nyou have %d reviews left to submit in %s. Judging closes %s (Finnish time).\n\nYour reviews:\n/jury\n", left, c.Name.In("en"), closes)
	default:
		subject = "Muistutus: arvioita kesken kilpailussa " + c.Name.FI
		fmt.Fprintf(&b, "Hei,\n\nsinulla on %d arviota lähettämättä kilpailussa %s. Arviointi päättyy %s (Suomen aikaa).\n\nArvioitavasi:\n/jury\n", left, c.Name.FI, closes)
	}
	return subject, b.String()
}
