package user

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/i18n"
	"github.com/tekotori/tekotori/internal/store"
)

// Filter narrows Search. Zero fields do not filter.
type Filter struct {
	// Query matches a part of the name or the e-mail address.
	Query string
	Role  Role
	OrgID int64
	// Page counts from 1; PerPage defaults to 50.
	Page, PerPage int
}

// Found is one page of Search.
type Found struct {
	Users []User
	Total int
}

const defaultPerPage = 50

// likePattern makes a LIKE pattern that finds q anywhere, with LIKE's own
// wildcards in q taken literally.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// Search lists accounts by name, disabled ones included; only site admins
// may, since it shows e-mail addresses.
func (s *Service) Search(ctx context.Context, actor *User, f Filter) (Found, error) {
	if !actor.CanAdminister() {
		return Found{}, fmt.Errorf("user: search: %w", ErrForbidden)
	}
	if f.PerPage <= 0 {
		f.PerPage = defaultPerPage
	}
	if f.Page < 1 {
		f.Page = 1
	}
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, `(LOWER(u.name) LIKE ? ESCAPE '\' OR LOWER(u.email) LIKE ? ESCAPE '\')`)
		args = append(args, likePattern(q), likePattern(q))
	}
	if f.Role != "" {
		where = append(where, `u.role = ?`)
		args = append(args, string(f.Role))
	}
	if f.OrgID != 0 {
		where = append(where, `u.org_id = ?`)
		args = append(args, f.OrgID)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var out Found
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM users u`+cond, args...).Scan(&out.Total); err != nil {
		return Found{}, fmt.Errorf("user: search: count: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users u`+cond+` ORDER BY LOWER(u.name), u.id LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return Found{}, fmt.Errorf("user: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return Found{}, fmt.Errorf("user: search: %w", err)
		}
		out.Users = append(out.Users, *u)
	}
	if err := rows.Err(); err != nil {
		return Found{}, fmt.Errorf("user: search: %w", err)
	}
	return out, nil
}

// Disable disables (or re-enables) an account on a site admin's behalf and
// records it. Disabling ends the account's sessions, so that it is shut out
// at once and re-enabling it later revives none. Nobody disables
// themselves: the last admin would lock everyone out.
func (s *Service) Disable(ctx context.Context, actor *User, id int64, disabled bool) error {
	if !actor.CanAdminister() || actor.ID == id {
		return fmt.Errorf("user: disable %d: %w", id, ErrForbidden)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user: disable %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("user: disable %d: %w", id, err)
		}
		if cur.Disabled == disabled {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id); err != nil {
			return fmt.Errorf("user: disable %d: %w", id, err)
		}
		action := audit.UserEnabled
		if disabled {
			action = audit.UserDisabled
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("user: disable %d: end sessions: %w", id, err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: action, Target: cur.auditTarget()})
	})
}

// Invitation is what a site admin fills in to invite a person.
type Invitation struct {
	Email string
	Name  string
	Role  Role
	OrgID int64
	Lang  string
}

// Invite makes an account for a person on a site admin's behalf and mails
// them a link to choose its password; the account, the link, the mail and
// the audit line are made in one transaction. The account gets a random
// password nobody knows, so it cannot be signed in to before the link is
// used, and its address counts as confirmed only when it is. Bad input
// gives FieldErrors (an admin may be told an address is taken).
func (s *Service) Invite(ctx context.Context, actor *User, in Invitation, write Mail) (*User, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("user: invite: %w", ErrForbidden)
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("user: invite: %w", err)
	}
	nu := NewUser{Email: in.Email, Name: in.Name, Role: in.Role, OrgID: in.OrgID, Lang: in.Lang,
		Password: base64.RawURLEncoding.EncodeToString(b), Unverified: true}
	return s.create(ctx, nu, func(tx *store.Tx, u *User) error {
		if err := sendLinkTx(ctx, tx, u, PurposeInvite, write); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UserInvited,
			Target: u.auditTarget(), After: roleSummary(u.Role, u.OrgID)})
	})
}

// AcceptInvitation sets the password of an invited account with its link
// and confirms the address; the person is then signed in by the caller.
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (*User, error) {
	return s.setPasswordByLink(ctx, token, password, PurposeInvite)
}

// CampaignRole is a role a person holds in the award campaigns: admin of
// a programme, or juror of a campaign. The campaign package grants them;
// the users page shows them beside the site-wide role.
type CampaignRole struct {
	Kind string // "programme_admin" or "juror"
	Name i18n.Text
}

// CampaignRoles gives the campaign roles of the accounts ids, for a site
// admin's users page.
func (s *Service) CampaignRoles(ctx context.Context, actor *User, ids []int64) (map[int64][]CampaignRole, error) {
	if !actor.CanAdminister() {
		return nil, fmt.Errorf("user: campaign roles: %w", ErrForbidden)
	}
	out := map[int64][]CampaignRole{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, args...)
	in := store.Placeholders(len(ids))
	rows, err := s.db.Query(ctx, `SELECT a.user_id, 'programme_admin', p.name_fi, p.name_sv, p.name_en FROM programme_admins a JOIN programmes p ON p.id = a.programme_id WHERE a.user_id IN (`+in+`)
		UNION ALL SELECT j.user_id, 'juror', c.name_fi, c.name_sv, c.name_en FROM campaign_jurors j JOIN campaigns c ON c.id = j.campaign_id WHERE j.user_id IN (`+in+`)
		ORDER BY 1, 2, 3`, args...)
	if err != nil {
		return nil, fmt.Errorf("user: campaign roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var cr CampaignRole
		if err := rows.Scan(&id, &cr.Kind, &cr.Name.FI, &cr.Name.SV, &cr.Name.EN); err != nil {
			return nil, fmt.Errorf("user: campaign roles: %w", err)
		}
		out[id] = append(out[id], cr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("user: campaign roles: %w", err)
	}
	return out, nil
}
