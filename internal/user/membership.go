package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/store"
)

// Organisation membership is a request, not a fact: whoever registers
// names the organisation they work for, and it becomes theirs only when
// one of that organisation's admins (or a site admin) approves. Until then
// the account has no organisation, so it does what a member without one
// does: it reads, votes and enters campaigns as a person, but writes no
// deed (deed.CanCreateFor needs the organisation) and sees no
// organisation's drafts. A refused request leaves it so.

// MembershipRequest is a pending claim of an account to an organisation.
type MembershipRequest struct {
	ID        int64
	User      User
	OrgID     int64
	CreatedAt time.Time
}

// ErrRequestGone refuses deciding a request that is decided already or
// does not exist.
var ErrRequestGone = fault.New(fault.NotFound, "user: no such pending membership request")

// DecisionMail writes the mail that tells a requester the decision on
// their request to join orgID; path is the site path to put in it.
type DecisionMail func(u *User, orgID int64, approved bool, path string) (subject, body string)

// requestMembership records u's claim to orgID inside tx, replacing any
// claim of theirs still pending.
func requestMembership(ctx context.Context, tx *store.Tx, userID, orgID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM membership_requests WHERE user_id = ? AND decided_at IS NULL`, userID); err != nil {
		return fmt.Errorf("user: membership request of %d: %w", userID, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO membership_requests (user_id, org_id, created_at) VALUES (?, ?, ?)`, userID, orgID, store.Now()); err != nil {
		return fmt.Errorf("user: membership request of %d: %w", userID, err)
	}
	return nil
}

// PendingOrg gives the organisation userID asks to join, or 0.
func (s *Service) PendingOrg(ctx context.Context, userID int64) (int64, error) {
	var orgID int64
	err := s.db.QueryRow(ctx, `SELECT org_id FROM membership_requests WHERE user_id = ? AND decided_at IS NULL ORDER BY id DESC LIMIT 1`, userID).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("user: pending request of %d: %w", userID, err)
	}
	return orgID, nil
}

// MayManageMembers reports whether actor has a membership page at all:
// site admins (every organisation) and organisation admins (their own).
func (u *User) MayManageMembers() bool {
	return u.CanAdminister() || u.CanManageOrg(u.OrgIDIfAdmin())
}

// OrgIDIfAdmin is the organisation u administers, or 0.
func (u *User) OrgIDIfAdmin() int64 {
	if u == nil || u.Role != RoleOrgAdmin {
		return 0
	}
	return u.OrgID
}

// MembershipRequests lists the pending requests actor may decide, oldest
// first: a site admin's are all of them, an organisation admin's those to
// their organisation.
func (s *Service) MembershipRequests(ctx context.Context, actor *User) ([]MembershipRequest, error) {
	if !actor.MayManageMembers() {
		return nil, fmt.Errorf("user: membership requests: %w", ErrForbidden)
	}
	q := `SELECT r.id, r.org_id, r.created_at, ` + userColumns + ` FROM membership_requests r JOIN users u ON u.id = r.user_id
		WHERE r.decided_at IS NULL`
	var args []any
	if !actor.CanAdminister() {
		q += ` AND r.org_id = ?`
		args = append(args, actor.OrgID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY r.created_at, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("user: membership requests: %w", err)
	}
	defer rows.Close()
	var out []MembershipRequest
	for rows.Next() {
		var mr MembershipRequest
		var u *User
		u, err = scanUserAfter(rows, &mr.ID, &mr.OrgID, &mr.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("user: membership requests: %w", err)
		}
		mr.User, mr.CreatedAt = *u, mr.CreatedAt.UTC()
		out = append(out, mr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("user: membership requests: %w", err)
	}
	return out, nil
}

// DecideMembership approves or refuses a pending request; only the
// organisation's admins and site admins may. Approval makes the
// organisation the account's (keeping its role); either way the decision
// is in the audit log and the requester gets a mail, all in one
// transaction.
func (s *Service) DecideMembership(ctx context.Context, actor *User, requestID int64, approve bool, write DecisionMail) error {
	if !actor.MayManageMembers() {
		return fmt.Errorf("user: decide membership %d: %w", requestID, ErrForbidden)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var orgID int64
		u, err := scanUserAfter(tx.QueryRow(ctx, `SELECT r.org_id, `+userColumns+` FROM membership_requests r JOIN users u ON u.id = r.user_id
			WHERE r.id = ? AND r.decided_at IS NULL`, requestID), &orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user: decide membership %d: %w", requestID, ErrRequestGone)
		}
		if err != nil {
			return fmt.Errorf("user: decide membership %d: %w", requestID, err)
		}
		if !actor.CanManageOrg(orgID) {
			// Another organisation's request: not told apart from a missing one.
			return fmt.Errorf("user: decide membership %d: %w", requestID, ErrRequestGone)
		}
		res, err := tx.Exec(ctx, `UPDATE membership_requests SET decided_at = ?, decided_by = ?, approved = ? WHERE id = ? AND decided_at IS NULL`,
			store.Now(), nullID(actor.ID), approve, requestID)
		if err != nil {
			return fmt.Errorf("user: decide membership %d: %w", requestID, err)
		}
		if err := mustAffect(res, requestID, "decide membership"); err != nil {
			return fmt.Errorf("%w: %w", ErrRequestGone, err)
		}
		action := audit.MemberRefused
		if approve {
			action = audit.MemberApproved
			if _, err := tx.Exec(ctx, `UPDATE users SET org_id = ? WHERE id = ?`, orgID, u.ID); err != nil {
				return fmt.Errorf("user: decide membership %d: %w", requestID, err)
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: action, Target: u.auditTarget(),
			Before: roleSummary(u.Role, u.OrgID), After: fmt.Sprintf("org=%d", orgID)}); err != nil {
			return err
		}
		subject, body := write(u, orgID, approve, "/account")
		return queueMail(ctx, tx, u.Email, subject, body)
	})
}

// OrgMembers lists the accounts of organisation orgID by name, for its
// admins and site admins.
func (s *Service) OrgMembers(ctx context.Context, actor *User, orgID int64) ([]User, error) {
	if !actor.CanManageOrg(orgID) {
		return nil, fmt.Errorf("user: members of %d: %w", orgID, ErrForbidden)
	}
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = ? ORDER BY LOWER(u.name), u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("user: members of %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("user: members of %d: %w", orgID, err)
		}
		out = append(out, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("user: members of %d: %w", orgID, err)
	}
	return out, nil
}

// RequestMembership asks to join organisation orgID, for its admins to
// decide, replacing a request of u's still waiting. It is for accounts
// whose address is confirmed; asking for one's own organisation changes
// nothing. Bad input gives FieldErrors.
func (s *Service) RequestMembership(ctx context.Context, u *User, orgID int64) error {
	if !u.Verified() || u.Disabled {
		return fmt.Errorf("user: membership request of %d: %w", u.ID, ErrForbidden)
	}
	if orgID == 0 {
		return FieldErrors{"membership_org": "error.required"}
	}
	if orgID == u.OrgID {
		return nil
	}
	errs := FieldErrors{}
	if err := s.checkRoleOrg(ctx, u.Role, orgID, errs); err != nil {
		return fmt.Errorf("user: membership request of %d: %w", u.ID, err)
	}
	if _, bad := errs["org_id"]; bad {
		return FieldErrors{"membership_org": errs["org_id"]}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return requestMembership(ctx, tx, u.ID, orgID) })
}
