-- Two-factor sign-in: a TOTP secret per account (confirmed once the person
-- has typed a code from it), its single-use recovery codes (SHA-256 only),
-- and the sign-ins waiting for their second factor.
CREATE TABLE user_totp (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL
);
CREATE TABLE user_recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE signin_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX signin_challenges_user ON signin_challenges(user_id);
