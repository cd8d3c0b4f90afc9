-- The mail sender (internal/mail) works the outbox from every app node at
-- once: a node claims a batch of due rows (claimed_at, claimed_by) so that
-- no other node sends them; a claim older than the sender's claim
-- lifetime is abandoned and may be taken again. A failed try is counted
-- (attempts, last_error) and retried no sooner than next_attempt_at; a
-- mail given up (malformed address, permanent rejection, too many tries)
-- has failed_at and is never tried again.
ALTER TABLE mail_outbox ADD COLUMN claimed_at TIMESTAMP;
ALTER TABLE mail_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE mail_outbox ADD COLUMN failed_at TIMESTAMP;

-- The queue is what is neither sent nor given up: a partial index keeps it
-- small however long the history grows. It replaces mail_outbox_unsent.
DROP INDEX mail_outbox_unsent;
CREATE INDEX mail_outbox_queue ON mail_outbox(id) WHERE sent_at IS NULL AND failed_at IS NULL;
