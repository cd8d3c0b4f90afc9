-- The idea bank's core: places, organisations, people, taxonomies, deeds.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code    TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE counties (
    code      TEXT PRIMARY KEY,
    name_fi   TEXT NOT NULL,
    name_sv   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    wellbeing BOOLEAN NOT NULL
);

CREATE TABLE municipalities (
    code        TEXT PRIMARY KEY,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    county_code TEXT NOT NULL REFERENCES counties(code),
    language    TEXT NOT NULL
);

CREATE TABLE organisations (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    code              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    name_fi           TEXT NOT NULL,
    name_sv           TEXT NOT NULL DEFAULT '',
    name_en           TEXT NOT NULL DEFAULT '',
    municipality_code TEXT REFERENCES municipalities(code),
    county_code       TEXT REFERENCES counties(code),
    region_code       TEXT REFERENCES regions(code),
    website           TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX organisations_name ON organisations(name_fi);

CREATE TABLE org_units (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_id        INTEGER REFERENCES organisations(id),
    lang          TEXT NOT NULL DEFAULT 'fi',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE terms (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL,
    slug     TEXT NOT NULL,
    label_fi TEXT NOT NULL,
    label_sv TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    active   BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (kind, slug)
);

CREATE TABLE deeds (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    ref               TEXT NOT NULL UNIQUE,
    slug              TEXT NOT NULL,
    state             TEXT NOT NULL,
    org_id            INTEGER NOT NULL REFERENCES organisations(id),
    unit_id           INTEGER REFERENCES org_units(id) ON DELETE SET NULL,
    author_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    municipality_code TEXT REFERENCES municipalities(code),
    county_code       TEXT REFERENCES counties(code),
    region_code       TEXT REFERENCES regions(code),
    lang              TEXT NOT NULL,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL DEFAULT '',
    sector_id         INTEGER REFERENCES terms(id),
    status            TEXT NOT NULL DEFAULT '',
    year_started      INTEGER,
    need              TEXT NOT NULL DEFAULT '',
    solution          TEXT NOT NULL DEFAULT '',
    results           TEXT NOT NULL DEFAULT '',
    lessons           TEXT NOT NULL DEFAULT '',
    adoption          TEXT NOT NULL DEFAULT '',
    partners          TEXT NOT NULL DEFAULT '',
    funding           TEXT NOT NULL DEFAULT '',
    contact_name      TEXT NOT NULL DEFAULT '',
    contact_title     TEXT NOT NULL DEFAULT '',
    contact_email     TEXT NOT NULL DEFAULT '',
    contact_phone     TEXT NOT NULL DEFAULT '',
    contact_public    BOOLEAN NOT NULL DEFAULT FALSE,
    links             TEXT NOT NULL DEFAULT '[]',
    media             TEXT NOT NULL DEFAULT '[]',
    return_reason     TEXT NOT NULL DEFAULT '',
    pending           TEXT,
    pending_state     TEXT NOT NULL DEFAULT '',
    pending_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    pending_at        TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    submitted_at      TIMESTAMP,
    published_at      TIMESTAMP,
    archived_at       TIMESTAMP
);
CREATE INDEX deeds_state_published ON deeds(state, published_at);
CREATE INDEX deeds_org ON deeds(org_id, state);
CREATE INDEX deeds_author ON deeds(author_id);
CREATE INDEX deeds_sector ON deeds(sector_id, state);
CREATE INDEX deeds_region ON deeds(region_code, state);

CREATE TABLE deed_terms (
    deed_id INTEGER NOT NULL REFERENCES deeds(id) ON DELETE CASCADE,
    term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    PRIMARY KEY (deed_id, term_id)
);
CREATE INDEX deed_terms_term ON deed_terms(term_id, deed_id);

CREATE TABLE deed_revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    deed_id    INTEGER NOT NULL REFERENCES deeds(id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    state      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    content    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (deed_id, number)
);

CREATE TABLE media (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    deed_id      INTEGER REFERENCES deeds(id) ON DELETE CASCADE,
    owner_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    data         BLOB NOT NULL,
    thumb        BLOB,
    thumb_type   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX media_deed ON media(deed_id);

CREATE TABLE form_stash (
    token      TEXT PRIMARY KEY,
    path       TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
