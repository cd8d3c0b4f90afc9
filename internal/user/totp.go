package user

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/tekotori/tekotori/internal/audit"
	"github.com/tekotori/tekotori/internal/fault"
	"github.com/tekotori/tekotori/internal/store"
)

// Two-factor sign-in: a time-based one-time password (RFC 6238, 30-second
// steps, six digits, SHA-1, as every authenticator app reads it) after the
// password or the e-mail link, or one of ten single-use recovery codes.
// Secrets are kept as they are, since checking a code needs them; the
// recovery codes only as SHA-256 (they are random, so a fast hash is
// enough).

const (
	totpIssuer       = "Tekotori"
	totpPeriod       = 30
	recoveryCodes    = 10
	challengeTTL     = 5 * time.Minute
	challengeRetries = 5
	// SettingRequireTwoFactor is the site setting that makes staff (site
	// admins, moderators, programme admins and jurors) use a second factor.
	SettingRequireTwoFactor = "require_two_factor"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrBadCode refuses a wrong, used or stale code; FieldErrors-like for the
// form, with its own kind.
var ErrBadCode = fault.New(fault.Invalid, "user: wrong code")

// ErrChallengeGone refuses a second-factor step that expired, ran out of
// tries or never existed: the person signs in again.
var ErrChallengeGone = fault.New(fault.Unauthenticated, "user: sign-in expired")

// TOTPSetup is a secret waiting for its first code.
type TOTPSetup struct {
	Secret string // base32, to type into an app
	URI    string // otpauth://, for a QR code
}

// HasTOTP reports whether the account signs in with a second factor.
func (s *Service) HasTOTP(ctx context.Context, userID int64) (bool, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL`, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("user: totp of %d: %w", userID, err)
	}
	return n > 0, nil
}

// BeginTOTP makes a new secret for u, kept unconfirmed until ConfirmTOTP
// gets a code from it; a second factor already in use stays as it is until
// then.
func (s *Service) BeginTOTP(ctx context.Context, u *User) (*TOTPSetup, error) {
	if on, err := s.HasTOTP(ctx, u.ID); err != nil || on {
		if on {
			return nil, fmt.Errorf("user: totp of %d: already on: %w", u.ID, ErrForbidden)
		}
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, fmt.Errorf("user: totp of %d: %w", u.ID, err)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM user_totp WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO user_totp (user_id, secret, created_at) VALUES (?, ?, ?)`, u.ID, key.Secret(), store.Now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("user: totp of %d: %w", u.ID, err)
	}
	return &TOTPSetup{Secret: key.Secret(), URI: key.URL()}, nil
}

// PendingTOTP gives the secret BeginTOTP made and not yet confirmed.
func (s *Service) PendingTOTP(ctx context.Context, u *User) (*TOTPSetup, error) {
	var secret string
	err := s.db.QueryRow(ctx, `SELECT secret FROM user_totp WHERE user_id = ? AND confirmed_at IS NULL`, u.ID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user: totp of %d: %w", u.ID, err)
	}
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&period=%d&digits=6&algorithm=SHA1",
		totpIssuer, u.Email, secret, totpIssuer, totpPeriod))
	if err != nil {
		return nil, fmt.Errorf("user: totp of %d: %w", u.ID, err)
	}
	return &TOTPSetup{Secret: secret, URI: key.URL()}, nil
}

// matchStep finds the time step, within one step of now, whose code is
// code, and 0 when none is.
func matchStep(secret, code string, now time.Time) (int64, error) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, nil
	}
	step := now.Unix() / totpPeriod
	for _, st := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, fmt.Errorf("user: totp: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return st, nil
		}
	}
	return 0, nil
}

// ConfirmTOTP turns the pending secret on with a code from it and gives
// the ten recovery codes, which are shown once and kept only hashed.
func (s *Service) ConfirmTOTP(ctx context.Context, u *User, code string) ([]string, error) {
	var codes []string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var secret string
		err := tx.QueryRow(ctx, `SELECT secret FROM user_totp WHERE user_id = ? AND confirmed_at IS NULL`, u.ID).Scan(&secret)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		step, err := matchStep(secret, code, time.Now())
		if err != nil {
			return err
		}
		if step == 0 {
			return ErrBadCode
		}
		if _, err := tx.Exec(ctx, `UPDATE user_totp SET confirmed_at = ?, last_step = ? WHERE user_id = ?`, store.Now(), step, u.ID); err != nil {
			return err
		}
		codes, err = newRecoveryCodes(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("user: confirm totp of %d: %w", u.ID, err)
	}
	return codes, nil
}

// newRecoveryCodes replaces the account's recovery codes.
func newRecoveryCodes(ctx context.Context, tx *store.Tx, userID int64) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, recoveryCodes)
	for i := range codes {
		b := make([]byte, 7) // 56 bits, 12 characters in base32
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:10]
		codes[i] = c[:5] + "-" + c[5:]
		if _, err := tx.Exec(ctx, `INSERT INTO user_recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, tokenHash(normalizeRecovery(codes[i]))); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

func normalizeRecovery(code string) string {
	return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(code), "-", ""), " ", ""))
}

// DisableTOTP turns the second factor off; the password must be given
// again, so that a session left open is not enough.
func (s *Service) DisableTOTP(ctx context.Context, u *User, password string) error {
	if _, err := s.Authenticate(ctx, u.Email, password); err != nil {
		if errors.Is(err, ErrBadCredentials) {
			return FieldErrors{"totp_password": "error.password_wrong"}
		}
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM user_totp WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("user: disable totp of %d: %w", u.ID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("user: disable totp of %d: %w", u.ID, err)
		}
		return nil
	})
}

// RecoveryCodesLeft counts the unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("user: recovery codes of %d: %w", userID, err)
	}
	return n, nil
}

// StartChallenge opens the second step of a sign-in for an account with a
// second factor, after its password or e-mail link; the token goes into a
// short-lived cookie.
func (s *Service) StartChallenge(ctx context.Context, userID int64) (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("user: challenge: %w", err)
	}
	token := fmt.Sprintf("%x", b)
	if _, err := s.db.Exec(ctx, `INSERT INTO signin_challenges (token_hash, user_id, expires_at) VALUES (?, ?, ?)`,
		tokenHash(token), userID, store.Now().Add(challengeTTL)); err != nil {
		return "", fmt.Errorf("user: challenge for %d: %w", userID, err)
	}
	return token, nil
}

// CompleteChallenge checks the second factor of a sign-in: a code from the
// app (each used once: a code seen is not taken again) or a recovery code
// (used up). A wrong code gives ErrBadCode; five wrong codes, or five
// minutes, end the challenge (ErrChallengeGone).
func (s *Service) CompleteChallenge(ctx context.Context, token, code string) (*User, error) {
	var uid int64
	bad := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var attempts int
		err := tx.QueryRow(ctx, `SELECT user_id, attempts FROM signin_challenges WHERE token_hash = ? AND expires_at > ?`,
			tokenHash(token), store.Now()).Scan(&uid, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrChallengeGone
		}
		if err != nil {
			return err
		}
		ok, err := s.checkSecondFactor(ctx, tx, uid, code)
		if err != nil {
			return err
		}
		if ok {
			_, err := tx.Exec(ctx, `DELETE FROM signin_challenges WHERE token_hash = ?`, tokenHash(token))
			return err
		}
		if attempts+1 >= challengeRetries {
			_, err = tx.Exec(ctx, `DELETE FROM signin_challenges WHERE token_hash = ?`, tokenHash(token))
		} else {
			_, err = tx.Exec(ctx, `UPDATE signin_challenges SET attempts = attempts + 1 WHERE token_hash = ?`, tokenHash(token))
		}
		// The count of tries is committed with the wrong code.
		bad = true
		return err
	})
	if err == nil && bad {
		return nil, ErrBadCode
	}
	if err != nil {
		if errors.Is(err, ErrChallengeGone) {
			return nil, err
		}
		return nil, fmt.Errorf("user: second factor: %w", err)
	}
	u, err := s.Get(ctx, uid)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrChallengeGone
	}
	return u, nil
}

// checkSecondFactor tells whether code is the account's current TOTP code
// (not used before) or one of its unused recovery codes, using it up.
func (s *Service) checkSecondFactor(ctx context.Context, tx *store.Tx, uid int64, code string) (bool, error) {
	var secret string
	var last int64
	err := tx.QueryRow(ctx, `SELECT secret, last_step FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL`, uid).Scan(&secret, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrChallengeGone
	}
	if err != nil {
		return false, err
	}
	step, err := matchStep(secret, code, time.Now())
	if err != nil {
		return false, err
	}
	if step > last {
		_, err := tx.Exec(ctx, `UPDATE user_totp SET last_step = ? WHERE user_id = ?`, step, uid)
		return err == nil, err
	}
	if step != 0 {
		return false, nil // a code already used
	}
	res, err := tx.Exec(ctx, `UPDATE user_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		store.Now(), uid, tokenHash(normalizeRecovery(code)))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TwoFactorRequired reads the site setting.
func (s *Service) TwoFactorRequired(ctx context.Context) (bool, error) {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, SettingRequireTwoFactor).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("user: setting: %w", err)
	}
	return v == "true", nil
}

// SetTwoFactorRequired changes the site setting; only site admins may, and
// the change is in the audit log.
func (s *Service) SetTwoFactorRequired(ctx context.Context, actor *User, on bool) error {
	if !actor.CanAdminister() {
		return fmt.Errorf("user: setting: %w", ErrForbidden)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		before := "false"
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, SettingRequireTwoFactor).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user: setting: %w", err)
		}
		after := fmt.Sprint(on)
		if before == after {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			SettingRequireTwoFactor, after); err != nil {
			return fmt.Errorf("user: setting: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor.AuditActor(), Action: audit.SettingChanged,
			Target: "setting " + SettingRequireTwoFactor, Before: before, After: after})
	})
}

// MustSetUpTwoFactor reports whether u has to set up a second factor
// before doing anything else: the site requires it of staff, u is staff
// (a site admin, a moderator, or a programme admin or juror of any
// campaign) and has none yet.
func (s *Service) MustSetUpTwoFactor(ctx context.Context, u *User) (bool, error) {
	if u == nil || u.IsSystem() {
		return false, nil
	}
	req, err := s.TwoFactorRequired(ctx)
	if err != nil || !req {
		return false, err
	}
	staff := u.IsModerator()
	if !staff {
		// Programme admins and jurors are the campaign package's; read
		// here, since the rule is about signing in.
		var n int
		if err := s.db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM programme_admins WHERE user_id = ?) + (SELECT COUNT(*) FROM campaign_jurors WHERE user_id = ?)`,
			u.ID, u.ID).Scan(&n); err != nil {
			return false, fmt.Errorf("user: staff %d: %w", u.ID, err)
		}
		staff = n > 0
	}
	if !staff {
		return false, nil
	}
	on, err := s.HasTOTP(ctx, u.ID)
	return !on, err
}
