package user

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/tekotori/tekotori/internal/store"
)

// Sessions live in the database so that any node can serve any request
// and signing out is real. The cookie carries a random token; the table
// keeps only the token's SHA-256, so a copy of the database does not hold
// usable sessions. A fast hash is enough here: the token has 256 bits of
// entropy, unlike a password.

const tokenBytes = 32

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a session for userID and returns the token to put
// in the cookie and when the session ends.
func (s *Service) CreateSession(ctx context.Context, userID int64) (string, time.Time, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, fmt.Errorf("user: create session: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := store.Now()
	expires := now.Add(s.sessionTTL)
	if _, err := s.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash(token), userID, now, expires); err != nil {
		return "", time.Time{}, fmt.Errorf("user: create session for %d: %w", userID, err)
	}
	return token, expires, nil
}

// SessionUser returns the account a token signs in, or ErrNotFound when
// the session is unknown, expired or its account disabled. Such a session
// can never become valid again, so its row is deleted on the way.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	h := tokenHash(token)
	var expires time.Time
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+`, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, h), &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user: session: %w", err)
	}
	if !store.Now().Before(expires) || u.Disabled {
		if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, h); err != nil {
			// Not ErrNotFound: the caller signs the person out either way,
			// but a failing database must reach the log.
			return nil, fmt.Errorf("user: session expired, dropping it failed: %w", err)
		}
		return nil, ErrNotFound
	}
	return u, nil
}

// DeleteSession ends the session of token; an unknown token is not an
// error, as signing out twice is harmless.
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash(token)); err != nil {
		return fmt.Errorf("user: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of userID.
func (s *Service) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("user: delete sessions of %d: %w", userID, err)
	}
	return nil
}

// PurgeExpiredSessions deletes sessions past their end and reports how
// many there were. Most expired sessions are never presented again, so
// SessionUser alone would let them pile up.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	// On SQLite this compares text, which orders like time only because
	// every timestamp is written in UTC by store.Now.
	res, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, store.Now())
	if err != nil {
		return 0, fmt.Errorf("user: purge sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("user: purge sessions: %w", err)
	}
	return n, nil
}
