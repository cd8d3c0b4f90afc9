package user

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tekotori/tekotori/internal/store"
)

// What a person does to their own account, from the account page. Each
// method takes the acting person and changes only their account.

// SessionInfo describes one signed-in device.
type SessionInfo struct {
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Current   bool      `json:"current"`
}

// UpdateProfile changes u's own name and language.
func (s *Service) UpdateProfile(ctx context.Context, u *User, name, lang string) error {
	if u == nil {
		return ErrNotFound
	}
	name = strings.TrimSpace(name)
	errs := FieldErrors{}
	if name == "" {
		errs["name"] = "error.required"
	} else if utf8.RuneCountInString(name) > maxNameChars {
		errs["name"] = "error.name_long"
	}
	if !validLang(lang) {
		errs["lang"] = "error.choice_invalid"
	}
	if len(errs) > 0 {
		return errs
	}
	res, err := s.db.Exec(ctx, `UPDATE users SET name = ?, lang = ? WHERE id = ?`, name, lang, u.ID)
	if err != nil {
		return fmt.Errorf("user: profile %d: %w", u.ID, err)
	}
	return mustAffect(res, u.ID, "profile")
}

// ChangePassword replaces u's password when current is right. Every other
// session ends; the one with keepToken (the device in use) stays.
func (s *Service) ChangePassword(ctx context.Context, u *User, current, password, keepToken string) error {
	if u == nil {
		return ErrNotFound
	}
	errs := FieldErrors{}
	if k := passwordProblem(password); k != "" {
		errs["new_password"] = k
	}
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
		return fmt.Errorf("user: change password %d: %w", u.ID, err)
	}
	ok, err := s.hasher.Verify(WithClient(ctx, fmt.Sprint("account:", u.ID)), hash, current)
	if err != nil && !errors.Is(err, ErrMalformedHash) {
		return fmt.Errorf("user: change password %d: %w", u.ID, err)
	}
	if !ok {
		errs["current_password"] = "error.password_wrong"
	}
	if len(errs) > 0 {
		return errs
	}
	newHash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("user: change password %d: %w", u.ID, err)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, newHash, u.ID); err != nil {
			return fmt.Errorf("user: change password %d: %w", u.ID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, u.ID, tokenHash(keepToken)); err != nil {
			return fmt.Errorf("user: change password %d: sessions: %w", u.ID, err)
		}
		return nil
	})
}

// Sessions lists u's live sessions, marking the one of token.
func (s *Service) Sessions(ctx context.Context, u *User, token string) ([]SessionInfo, error) {
	rows, err := s.db.Query(ctx, `SELECT token_hash, created_at, expires_at FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC`,
		u.ID, store.Now())
	if err != nil {
		return nil, fmt.Errorf("user: sessions %d: %w", u.ID, err)
	}
	defer rows.Close()
	mine := tokenHash(token)
	var out []SessionInfo
	for rows.Next() {
		var h string
		var si SessionInfo
		if err := rows.Scan(&h, &si.CreatedAt, &si.ExpiresAt); err != nil {
			return nil, fmt.Errorf("user: sessions %d: %w", u.ID, err)
		}
		si.Current = h == mine
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("user: sessions %d: %w", u.ID, err)
	}
	return out, nil
}

// EndOtherSessions signs u out everywhere but on the device of token, and
// reports how many sessions ended.
func (s *Service) EndOtherSessions(ctx context.Context, u *User, token string) (int64, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, u.ID, tokenHash(token))
	if err != nil {
		return 0, fmt.Errorf("user: end sessions %d: %w", u.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("user: end sessions %d: %w", u.ID, err)
	}
	return n, nil
}

// DeletedName is what a deleted account is called where its work remains.
const DeletedName = "Poistettu käyttäjä / Borttagen användare / Deleted user"

// Delete removes u's personal data when password is right: the name and
// address are replaced, the password can never match, every session and
// link ends and the account is disabled. What the person wrote for their
// organisation (deeds and their revisions) stays, under DeletedName, since
// it is the organisation's public record; the row stays so that those
// references hold.
func (s *Service) Delete(ctx context.Context, u *User, password string) error {
	if u == nil {
		return ErrNotFound
	}
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
		return fmt.Errorf("user: delete %d: %w", u.ID, err)
	}
	ok, err := s.hasher.Verify(WithClient(ctx, fmt.Sprint("account:", u.ID)), hash, password)
	if err != nil && !errors.Is(err, ErrMalformedHash) {
		return fmt.Errorf("user: delete %d: %w", u.ID, err)
	}
	if !ok {
		return FieldErrors{"delete_password": "error.password_wrong"}
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("user: delete %d: %w", u.ID, err)
	}
	// Not an argon2 string, so no password ever matches it.
	unusable := "deleted:" + base64.RawURLEncoding.EncodeToString(b)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET name = ?, email = ?, password_hash = ?, disabled = ?, org_id = NULL WHERE id = ?`,
			DeletedName, fmt.Sprintf("deleted-%d@invalid", u.ID), unusable, true, u.ID); err != nil {
			return fmt.Errorf("user: delete %d: %w", u.ID, err)
		}
		for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM account_tokens WHERE user_id = ?`} {
			if _, err := tx.Exec(ctx, q, u.ID); err != nil {
				return fmt.Errorf("user: delete %d: %w", u.ID, err)
			}
		}
		return nil
	})
}
