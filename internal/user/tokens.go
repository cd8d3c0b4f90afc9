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

// Purpose is what a one-time e-mail link is for.
type Purpose string

const (
	PurposeVerify Purpose = "verify" // confirm the address of a new account
	PurposeReset  Purpose = "reset"  // choose a new password
	PurposeSignIn Purpose = "signin" // sign in without a password
	PurposeInvite Purpose = "invite" // an account an admin made: choose its password
)

// tokenLifetime is how long each kind of link works.
var tokenLifetime = map[Purpose]time.Duration{
	PurposeVerify: 48 * time.Hour,
	PurposeReset:  time.Hour,
	PurposeSignIn: 15 * time.Minute,
	PurposeInvite: 7 * 24 * time.Hour,
}

// ErrTokenInvalid refuses a link that is unknown, used, expired or for
// something else; the three are not told apart.
var ErrTokenInvalid = fault.New(fault.Invalid, "user: link not valid")

// Mail writes a mail that carries a link: path is the site path with the
// token ("/account/verify?token=…"), to be put on a line of its own.
type Mail func(u *User, path string) (subject, body string)

// linkPath is where each kind of link leads.
var linkPath = map[Purpose]string{
	PurposeVerify: "/account/verify?token=",
	PurposeReset:  "/account/reset/confirm?token=",
	PurposeSignIn: "/login/link?token=",
	PurposeInvite: "/account/invite?token=",
}

// SendLink makes a one-time link for u and queues the mail that carries it,
// in one transaction.
func (s *Service) SendLink(ctx context.Context, u *User, p Purpose, write Mail) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error { return sendLinkTx(ctx, tx, u, p, write) })
}

// sendLinkTx is SendLink inside tx, for a link that stands or falls with
// another change (an invited account).
func sendLinkTx(ctx context.Context, tx *store.Tx, u *User, p Purpose, write Mail) error {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("user: link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := store.Now()
	subject, body := write(u, linkPath[p]+token)
	if _, err := tx.Exec(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		tokenHash(token), u.ID, string(p), now, now.Add(tokenLifetime[p])); err != nil {
		return fmt.Errorf("user: link for %d: %w", u.ID, err)
	}
	return queueMail(ctx, tx, u.Email, subject, body)
}

// queueMail writes a mail to the outbox. The outbox is the mail package's
// (internal/mail sends it); written here, in the caller's transaction, the
// mail goes out exactly when the change it tells of is made.
func queueMail(ctx context.Context, tx *store.Tx, to, subject, body string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?)`, to, subject, body, store.Now()); err != nil {
		return fmt.Errorf("user: mail to %s: %w", to, err)
	}
	return nil
}

// LinkUser tells whose valid link token is, without using it up: a GET of
// the link shows a page whose button (a POST) uses it.
func (s *Service) LinkUser(ctx context.Context, token string, p Purpose) (*User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM account_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.purpose = ? AND t.used_at IS NULL AND t.expires_at > ? AND NOT u.disabled`,
		tokenHash(token), string(p), store.Now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("user: link: %w", err)
	}
	return u, nil
}

// useLink uses token up inside tx and returns its account. Having the link
// proves the person reads the address's mail, so the address counts as
// confirmed from then on.
func (s *Service) useLink(ctx context.Context, tx *store.Tx, token string, p Purpose) (int64, error) {
	now := store.Now()
	var uid int64
	err := tx.QueryRow(ctx, `UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id`, now, tokenHash(token), string(p), now).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrTokenInvalid
	}
	if err != nil {
		return 0, fmt.Errorf("user: use link: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`, now, uid); err != nil {
		return 0, fmt.Errorf("user: confirm %d: %w", uid, err)
	}
	return uid, nil
}

// UseLink uses a verification or sign-in link and returns the account it
// signs in.
func (s *Service) UseLink(ctx context.Context, token string, p Purpose) (*User, error) {
	var uid int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		uid, err = s.useLink(ctx, tx, token, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	u, err := s.Get(ctx, uid)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrTokenInvalid
	}
	return u, nil
}

// ResetPassword sets a new password with a reset link; every session of
// the account ends, since whoever knew the old password may have one.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	return s.setPasswordByLink(ctx, token, password, PurposeReset)
}

// setPasswordByLink uses a link of purpose p to set the account's password.
func (s *Service) setPasswordByLink(ctx context.Context, token, password string, p Purpose) (*User, error) {
	if k := passwordProblem(password); k != "" {
		return nil, FieldErrors{"password": k}
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("user: reset: %w", err)
	}
	var uid int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if uid, err = s.useLink(ctx, tx, token, p); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, uid); err != nil {
			return fmt.Errorf("user: reset %d: %w", uid, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, uid); err != nil {
			return fmt.Errorf("user: reset %d: sessions: %w", uid, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, uid)
}

// RegisterMails are the mails registration sends: a link to confirm a new
// address, or to the owner of an address that already has an account, a
// note saying so (with a way to reset the password).
type RegisterMails struct {
	Confirm Mail
	Exists  Mail
}

// Register creates an unconfirmed account and mails its link. It answers
// the same whether or not the address already has an account (that owner
// gets a mail instead), so that registration tells no one which addresses
// are registered. Bad input gives FieldErrors, never "address taken".
func (s *Service) Register(ctx context.Context, in NewUser, mails RegisterMails) error {
	in.Unverified = true
	in.Role = RoleMember
	in.RequestOrg = true
	u, err := s.Create(ctx, in)
	var fe FieldErrors
	if errors.As(err, &fe) && fe["email"] == "error.email_taken" {
		delete(fe, "email")
		if len(fe) > 0 {
			return fe
		}
		// Spend the work a new account costs, so the answer takes as long.
		if _, err := s.hasher.Hash(ctx, in.Password); err != nil {
			return fmt.Errorf("user: register: %w", err)
		}
		owner, err := s.ByEmail(ctx, in.Email)
		if err != nil {
			return fmt.Errorf("user: register: %w", err)
		}
		if owner.Disabled {
			return nil
		}
		return s.SendLink(ctx, owner, PurposeReset, mails.Exists)
	}
	if err != nil {
		return err
	}
	return s.SendLink(ctx, u, PurposeVerify, mails.Confirm)
}

// ErrUnverified refuses a sign-in with the right password to an account
// whose address is not yet confirmed.
var ErrUnverified = fault.New(fault.Unauthenticated, "user: e-mail address not confirmed")

// SendSignInLink mails a sign-in link to the account of email, if there is
// one that may sign in; it answers nil either way.
func (s *Service) SendSignInLink(ctx context.Context, email string, write Mail) error {
	return s.sendIfAccount(ctx, email, PurposeSignIn, write)
}

// SendResetLink mails a password reset link to the account of email, if
// there is one; it answers nil either way.
func (s *Service) SendResetLink(ctx context.Context, email string, write Mail) error {
	return s.sendIfAccount(ctx, email, PurposeReset, write)
}

func (s *Service) sendIfAccount(ctx context.Context, email string, p Purpose, write Mail) error {
	if emailProblem(normalizeEmail(email)) != "" {
		return nil
	}
	u, err := s.ByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return nil
	}
	return s.SendLink(ctx, u, p, write)
}

// PurgeSpentLinks deletes links used or expired a day ago or more.
func (s *Service) PurgeSpentLinks(ctx context.Context) (int64, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM account_tokens WHERE expires_at < ?`, store.Now().Add(-24*time.Hour))
	if err != nil {
		return 0, fmt.Errorf("user: purge links: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("user: purge links: %w", err)
	}
	return n, nil
}

// EmailProblem is the translation key of what is wrong with an address
// written in a form, or "" when it will do.
func EmailProblem(email string) string { return emailProblem(normalizeEmail(email)) }

// NormalizeEmail gives the form addresses are stored and compared in.
func NormalizeEmail(email string) string { return normalizeEmail(email) }
