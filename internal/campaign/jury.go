package campaign

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
	"github.com/tekotori/tekotori/internal/user"
)

// InvitationPath is the site path an invitation e-mail links to, followed
// by the token; the mail sender puts the site's address in front.
const InvitationPath = "/jury/accept?token="

// Invitation is a request to join a campaign's jury. Token is set only
// when the invitation is made; the database keeps its hash.
type Invitation struct {
	ID         int64      `json:"id"`
	CampaignID int64      `json:"campaign_id"`
	Email      string     `json:"email"`
	Token      string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	AcceptedBy int64      `json:"accepted_by,omitempty"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

// Juror is a member of a campaign's jury.
type Juror struct {
	UserID  int64     `json:"user_id"`
	Name    string    `json:"name"`
	Email   string    `json:"email"`
	OrgID   int64     `json:"org_id,omitempty"`
	OrgName i18n.Text `json:"org_name"`
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// InviteJuror invites the person with email to the campaign's jury: it
// stores the invitation and puts the e-mail in the outbox.
func (s *Service) InviteJuror(ctx context.Context, u *user.User, campaignID int64, email string) (*Invitation, error) {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return nil, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Name != "" || a.Address != email || len(email) > 254 {
		return nil, FieldErrors{"email": ErrKeyEmailInvalid}
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors j JOIN users us ON us.id = j.user_id
		WHERE j.campaign_id = ? AND LOWER(us.email) = ?`, campaignID, email).Scan(&n); err != nil {
		return nil, fmt.Errorf("campaign %d: invite: %w", campaignID, err)
	}
	if n > 0 {
		return nil, FieldErrors{"email": ErrKeyAlreadyJuror}
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("campaign %d: invite: token: %w", campaignID, err)
	}
	token := hex.EncodeToString(raw)
	now := s.now()
	inv := &Invitation{CampaignID: campaignID, Email: email, Token: token, CreatedAt: now}
	subject, body := invitationMail(c, token)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		inv.ID, err = store.InsertID(ctx, tx, `INSERT INTO campaign_invitations (campaign_id, email, token_hash, invited_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			campaignID, email, hashToken(token), nullID(uid(u)), now)
		if err != nil {
			return fmt.Errorf("campaign %d: invite: %w", campaignID, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`, email, subject, body, now); err != nil {
			return fmt.Errorf("campaign %d: invite: outbox: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditInvited, fmt.Sprintf("invitation:%d", inv.ID), email)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// invitationMail writes the invitation in all three languages, since the
// invited person may not have an account whose language we could know.
func invitationMail(c *Campaign, token string) (subject, body string) {
	subject = fmt.Sprintf("Kutsu tuomaristoon / Inbjudan till juryn / Invitation to the jury: %s", c.Name.FI)
	// The mail sender puts the site's address in place of the placeholder
	// (mail.BaseURLPlaceholder); the campaign does not know where it runs.
	link := "{{base_url}}" + InvitationPath + token
	body = fmt.Sprintf(`Hei,

sinut on kutsuttu kampanjan "%s" (%s) tuomaristoon. Hyväksy kutsu kirjautumalla tällä sähköpostiosoitteella ja avaamalla osoite:
%s

Hej,

du har blivit inbjuden till juryn för kampanjen "%s" (%s). Godkänn inbjudan genom att logga in med denna e-postadress och öppna adressen:
%s

Hello,

you have been invited to the jury of the campaign "%s" (%s). Accept by signing in with this e-mail address and opening:
%s
`, c.Name.FI, c.Programme.FI, link, c.Name.In("sv"), c.Programme.In("sv"), link, c.Name.In("en"), c.Programme.In("en"), link)
	return subject, body
}

// AcceptInvitation puts u on the jury of the invitation's campaign. The
// invitation must be addressed to u's e-mail, so that a forwarded link
// does not make someone else a juror. Conflicts with the entries are found
// at once.
func (s *Service) AcceptInvitation(ctx context.Context, u *user.User, token string) (*Campaign, error) {
	if u == nil || u.Disabled {
		return nil, ErrForbidden
	}
	var id, campaignID int64
	var email string
	var accepted sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT id, campaign_id, email, accepted_at FROM campaign_invitations WHERE token_hash = ?`, hashToken(strings.TrimSpace(token))).
		Scan(&id, &campaignID, &email, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, FieldErrors{"token": ErrKeyInvitationInvalid}
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: accept invitation: %w", err)
	}
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if accepted.Valid || !strings.EqualFold(email, u.Email) {
		return nil, s.refused(ctx, u, c, fmt.Sprintf("invitation:%d", id), FieldErrors{"token": ErrKeyInvitationInvalid})
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE campaign_invitations SET accepted_by = ?, accepted_at = ? WHERE id = ?`, u.ID, now, id); err != nil {
			return fmt.Errorf("campaign: accept invitation %d: %w", id, err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, campaignID, u.ID).Scan(&n); err != nil {
			return fmt.Errorf("campaign: accept invitation %d: %w", id, err)
		}
		if n == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_jurors (campaign_id, user_id, created_at) VALUES (?, ?, ?)`, campaignID, u.ID, now); err != nil {
				return fmt.Errorf("campaign: accept invitation %d: %w", id, err)
			}
		}
		if err := audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditJurorAccepted, fmt.Sprintf("user:%d", u.ID), email); err != nil {
			return err
		}
		return s.syncConflicts(ctx, tx, c, now, 0, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// JuryCampaigns lists the campaigns whose jury u is on, newest first, for
// a juror's own page.
func (s *Service) JuryCampaigns(ctx context.Context, u *user.User) ([]Campaign, error) {
	if u == nil {
		return []Campaign{}, nil
	}
	ids, err := s.ids(ctx, `SELECT campaign_id FROM campaign_jurors WHERE user_id = ? ORDER BY campaign_id DESC`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("campaign: jury campaigns: %w", err)
	}
	out := []Campaign{}
	for _, id := range ids {
		c, err := s.Campaign(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// Invitations lists a campaign's invitations, for the programme admins.
func (s *Service) Invitations(ctx context.Context, u *user.User, campaignID int64) ([]Invitation, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, campaign_id, email, created_at, COALESCE(accepted_by, 0), accepted_at
		FROM campaign_invitations WHERE campaign_id = ? ORDER BY id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: invitations: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		var at sql.NullTime
		if err := rows.Scan(&inv.ID, &inv.CampaignID, &inv.Email, &inv.CreatedAt, &inv.AcceptedBy, &at); err != nil {
			return nil, fmt.Errorf("campaign %d: invitations: %w", campaignID, err)
		}
		inv.CreatedAt = inv.CreatedAt.UTC()
		if at.Valid {
			t := at.Time.UTC()
			inv.AcceptedAt = &t
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// Jurors lists a campaign's jury, for the programme admins.
func (s *Service) Jurors(ctx context.Context, u *user.User, campaignID int64) ([]Juror, error) {
	if _, err := s.manage(ctx, u, campaignID); err != nil {
		return nil, err
	}
	return s.jurors(ctx, s.db, campaignID)
}

func (s *Service) jurors(ctx context.Context, q store.Querier, campaignID int64) ([]Juror, error) {
	rows, err := q.Query(ctx, `SELECT us.id, us.name, us.email, COALESCE(us.org_id, 0), COALESCE(o.name_fi, ''), COALESCE(o.name_sv, ''), COALESCE(o.name_en, '')
		FROM campaign_jurors j JOIN users us ON us.id = j.user_id LEFT JOIN organisations o ON o.id = us.org_id
		WHERE j.campaign_id = ? ORDER BY us.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: jurors: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Juror
	for rows.Next() {
		var j Juror
		if err := rows.Scan(&j.UserID, &j.Name, &j.Email, &j.OrgID, &j.OrgName.FI, &j.OrgName.SV, &j.OrgName.EN); err != nil {
			return nil, fmt.Errorf("campaign %d: jurors: %w", campaignID, err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// RemoveJuror takes a juror off the jury and their assignments. Scores
// they gave stay stored (and in the audit log) but no longer count, so it
// needs a reason, which is logged.
func (s *Service) RemoveJuror(ctx context.Context, u *user.User, campaignID, jurorID int64, reason string) error {
	c, err := s.manage(ctx, u, campaignID)
	if err != nil {
		return err
	}
	now := s.now()
	reason, key := reasonOf(reason)
	if key != "" {
		return s.refused(ctx, u, c, fmt.Sprintf("user:%d", jurorID), FieldErrors{"reason": key})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_assignments WHERE campaign_id = ? AND user_id = ?`, campaignID, jurorID); err != nil {
			return fmt.Errorf("campaign %d: remove juror: %w", campaignID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_jurors WHERE campaign_id = ? AND user_id = ?`, campaignID, jurorID); err != nil {
			return fmt.Errorf("campaign %d: remove juror: %w", campaignID, err)
		}
		return audit(ctx, tx, now, u, c.ProgrammeID, c.ID, AuditUnassigned, fmt.Sprintf("user:%d", jurorID), "removed from the jury: "+reason)
	})
}
