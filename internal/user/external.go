package user

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/store"
)

// ExternalIdentity is a person as an OpenID Connect provider vouches for
// them in a verified ID token.
type ExternalIdentity struct {
	Provider string // the provider's configured name
	Subject  string // its "sub" claim: stable per person and provider
	Email    string
	// EmailVerified is the provider's "email_verified" claim.
	EmailVerified bool
	Name          string
	Lang          string
}

// ErrExternalUnverified refuses a provider's sign-in that cannot be tied
// to an account: the identity is new and the provider does not vouch for
// its address, which would otherwise let anyone who can name an address
// at some provider take over the account that has it.
var ErrExternalUnverified = fault.New(fault.Unauthenticated, "user: the provider did not confirm the e-mail address")

// SignInExternal gives the account an identity signs in to. An identity
// seen before signs in to its account; a new one is linked to the account
// with its address when the provider confirms the address, or else gets a
// new member account without an organisation (its membership request is
// made from the account page). A disabled account is refused with
// ErrBadCredentials.
func (s *Service) SignInExternal(ctx context.Context, id ExternalIdentity) (*User, error) {
	if id.Provider == "" || id.Subject == "" {
		return nil, fmt.Errorf("user: external sign-in without provider or subject: %w", ErrExternalUnverified)
	}
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM user_identities i JOIN users u ON u.id = i.user_id
		WHERE i.provider = ? AND i.subject = ?`, id.Provider, id.Subject))
	switch {
	case err == nil:
		if u.Disabled {
			return nil, ErrBadCredentials
		}
		return u, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("user: external sign-in: %w", err)
	}
	email := normalizeEmail(id.Email)
	if !id.EmailVerified || emailProblem(email) != "" {
		return nil, ErrExternalUnverified
	}
	link := func(ctx context.Context, tx *store.Tx, uid int64) error {
		if _, err := tx.Exec(ctx, `INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES (?, ?, ?, ?)`,
			id.Provider, id.Subject, uid, store.Now()); err != nil {
			return fmt.Errorf("user: link identity to %d: %w", uid, err)
		}
		// The provider confirmed the address.
		if _, err := tx.Exec(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`, store.Now(), uid); err != nil {
			return fmt.Errorf("user: link identity to %d: %w", uid, err)
		}
		return nil
	}
	existing, err := s.ByEmail(ctx, email)
	if err == nil {
		if existing.Disabled {
			return nil, ErrBadCredentials
		}
		if err := s.db.InTx(ctx, func(tx *store.Tx) error { return link(ctx, tx, existing.ID) }); err != nil {
			return nil, err
		}
		return s.Get(ctx, existing.ID)
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	name := strings.TrimSpace(id.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if len([]rune(name)) > maxNameChars {
		name = string([]rune(name)[:maxNameChars])
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("user: external sign-in: %w", err)
	}
	// The account signs in through the provider; a password it can set
	// later by the reset link. Nobody knows this one.
	nu, err := s.create(ctx, NewUser{Email: email, Name: name, Password: base64.RawURLEncoding.EncodeToString(b), Role: RoleMember, Lang: id.Lang},
		func(tx *store.Tx, u *User) error { return link(ctx, tx, u.ID) })
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, nu.ID)
}

// LinkedIdentity is a sign-on account at a provider that signs in to u.
type LinkedIdentity struct {
	Provider string    `json:"provider"`
	Since    time.Time `json:"since"`
}

// Identities lists the sign-on accounts linked to u's account.
func (s *Service) Identities(ctx context.Context, u *User) ([]LinkedIdentity, error) {
	rows, err := s.db.Query(ctx, `SELECT provider, created_at FROM user_identities WHERE user_id = ? ORDER BY provider`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("user: identities %d: %w", u.ID, err)
	}
	defer rows.Close()
	var out []LinkedIdentity
	for rows.Next() {
		var li LinkedIdentity
		if err := rows.Scan(&li.Provider, &li.Since); err != nil {
			return nil, fmt.Errorf("user: identities %d: %w", u.ID, err)
		}
		out = append(out, li)
	}
	return out, rows.Err()
}
