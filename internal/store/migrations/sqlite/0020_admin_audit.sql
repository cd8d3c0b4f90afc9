-- The log of site administration: role changes, site settings,
-- organisations and their units, vocabulary terms. actor_id is the
-- account (0 for the command line) and has no foreign key: the line
-- outlives whatever happens to the account, and actor_name keeps the name
-- it had.
CREATE TABLE admin_audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER NOT NULL,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    before_value TEXT NOT NULL DEFAULT '',
    after_value  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX admin_audit_at ON admin_audit(at);
CREATE INDEX admin_audit_actor ON admin_audit(actor_id, id);
CREATE INDEX admin_audit_action ON admin_audit(action, id);
