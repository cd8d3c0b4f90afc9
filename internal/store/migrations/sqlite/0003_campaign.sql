-- Award campaigns: programmes and their admins, campaigns with categories
-- and criteria, entries frozen as entered, the jury (invitations, conflicts,
-- assignments, scores), decisions and feedback, published result versions
-- with their awards, the audience vote, the audit log, and the e-mail
-- outbox that another package sends from.

CREATE TABLE programmes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name_fi        TEXT NOT NULL,
    name_sv        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    description_fi TEXT NOT NULL DEFAULT '',
    description_sv TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE programme_admins (
    programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX programme_admins_user ON programme_admins(user_id);

CREATE TABLE campaigns (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id         INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    name_fi              TEXT NOT NULL,
    name_sv              TEXT NOT NULL DEFAULT '',
    name_en              TEXT NOT NULL DEFAULT '',
    description_fi       TEXT NOT NULL DEFAULT '',
    description_sv       TEXT NOT NULL DEFAULT '',
    description_en       TEXT NOT NULL DEFAULT '',
    rules_fi             TEXT NOT NULL DEFAULT '',
    rules_sv             TEXT NOT NULL DEFAULT '',
    rules_en             TEXT NOT NULL DEFAULT '',
    entry_opens          TIMESTAMP NOT NULL,
    entry_closes         TIMESTAMP NOT NULL,
    judging_opens        TIMESTAMP NOT NULL,
    judging_closes       TIMESTAMP NOT NULL,
    audience_vote        BOOLEAN NOT NULL DEFAULT FALSE,
    vote_opens           TIMESTAMP,
    vote_closes          TIMESTAMP,
    blind                BOOLEAN NOT NULL DEFAULT FALSE,
    jurors_per_entry     INTEGER NOT NULL DEFAULT 3,
    conflict_same_county BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_programme ON campaigns(programme_id);

CREATE TABLE campaign_categories (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name_fi        TEXT NOT NULL,
    name_sv        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    description_fi TEXT NOT NULL DEFAULT '',
    description_sv TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    rule           TEXT NOT NULL DEFAULT '',
    winners        INTEGER NOT NULL,
    mentions       INTEGER NOT NULL,
    position       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_categories_campaign ON campaign_categories(campaign_id);

CREATE TABLE campaign_criteria (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name_fi        TEXT NOT NULL,
    name_sv        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    description_fi TEXT NOT NULL DEFAULT '',
    description_sv TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    weight         REAL NOT NULL,
    scale_min      INTEGER NOT NULL,
    scale_max      INTEGER NOT NULL,
    position       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_criteria_campaign ON campaign_criteria(campaign_id);

-- An entry keeps what the jury judges: the deed (or the organisation's
-- deeds) as they were when entered, and the names of the time. subject is
-- "deed:<id>" or "org:<id>" so that one unique index covers both kinds.
CREATE TABLE campaign_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    category_id     INTEGER NOT NULL REFERENCES campaign_categories(id) ON DELETE CASCADE,
    subject         TEXT NOT NULL,
    deed_id         INTEGER REFERENCES deeds(id) ON DELETE SET NULL,
    org_id          INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
    entered_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title           TEXT NOT NULL,
    org_name_fi     TEXT NOT NULL DEFAULT '',
    org_name_sv     TEXT NOT NULL DEFAULT '',
    org_name_en     TEXT NOT NULL DEFAULT '',
    municipality_fi TEXT NOT NULL DEFAULT '',
    municipality_sv TEXT NOT NULL DEFAULT '',
    municipality_en TEXT NOT NULL DEFAULT '',
    county_code     TEXT NOT NULL DEFAULT '',
    snapshot        TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (category_id, subject)
);
CREATE INDEX campaign_entries_campaign ON campaign_entries(campaign_id);
CREATE INDEX campaign_entries_deed ON campaign_entries(deed_id);

CREATE TABLE campaign_invitations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    accepted_at TIMESTAMP
);
CREATE INDEX campaign_invitations_email ON campaign_invitations(email);

CREATE TABLE campaign_jurors (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);

CREATE TABLE campaign_conflicts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    entry_id    INTEGER NOT NULL REFERENCES campaign_entries(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (entry_id, user_id, kind)
);
CREATE INDEX campaign_conflicts_campaign ON campaign_conflicts(campaign_id, user_id);

CREATE TABLE campaign_assignments (
    entry_id    INTEGER NOT NULL REFERENCES campaign_entries(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);
CREATE INDEX campaign_assignments_juror ON campaign_assignments(campaign_id, user_id);

CREATE TABLE campaign_reviews (
    entry_id     INTEGER NOT NULL REFERENCES campaign_entries(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    note         TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);
CREATE INDEX campaign_reviews_campaign ON campaign_reviews(campaign_id);

CREATE TABLE campaign_scores (
    entry_id     INTEGER NOT NULL REFERENCES campaign_entries(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES campaign_criteria(id) ON DELETE CASCADE,
    value        INTEGER NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, user_id, criterion_id)
);

CREATE TABLE campaign_decisions (
    entry_id    INTEGER PRIMARY KEY REFERENCES campaign_entries(id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    outcome     TEXT NOT NULL,
    rationale   TEXT NOT NULL DEFAULT '',
    decided_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at  TIMESTAMP NOT NULL
);

CREATE TABLE campaign_feedback (
    entry_id    INTEGER PRIMARY KEY REFERENCES campaign_entries(id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    approved_at TIMESTAMP NOT NULL
);

-- A published version is never changed: a correction is a new version.
CREATE TABLE campaign_results (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    published_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, version)
);

CREATE TABLE campaign_awards (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    result_id   INTEGER NOT NULL REFERENCES campaign_results(id) ON DELETE CASCADE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES campaign_categories(id) ON DELETE CASCADE,
    entry_id    INTEGER REFERENCES campaign_entries(id) ON DELETE SET NULL,
    deed_id     INTEGER REFERENCES deeds(id) ON DELETE SET NULL,
    org_id      INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
    outcome     TEXT NOT NULL
);
CREATE INDEX campaign_awards_result ON campaign_awards(result_id);
CREATE INDEX campaign_awards_deed ON campaign_awards(deed_id);
CREATE INDEX campaign_awards_org ON campaign_awards(org_id);

CREATE TABLE campaign_votes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES campaign_categories(id) ON DELETE CASCADE,
    entry_id    INTEGER NOT NULL REFERENCES campaign_entries(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (category_id, user_id)
);
CREATE INDEX campaign_votes_entry ON campaign_votes(entry_id);

-- The audit log outlives the people in it: the actor's name is copied.
CREATE TABLE campaign_audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER REFERENCES programmes(id) ON DELETE CASCADE,
    campaign_id  INTEGER REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor        TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX campaign_audit_campaign ON campaign_audit(campaign_id, id);
CREATE INDEX campaign_audit_programme ON campaign_audit(programme_id, id);

CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
CREATE INDEX mail_outbox_unsent ON mail_outbox(sent_at, id);
