-- A member's claim to an organisation, waiting for that organisation's
-- admins (or a site admin) to approve or refuse it. Until approved the
-- account has no organisation (users.org_id stays NULL).
CREATE TABLE membership_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    decided_at  TIMESTAMP,
    decided_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    approved    BOOLEAN
);
CREATE INDEX membership_requests_pending ON membership_requests(org_id, decided_at);
CREATE INDEX membership_requests_user ON membership_requests(user_id);
