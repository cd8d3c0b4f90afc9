-- The thesaurus queries are expanded through: concepts (a synonym ring is
-- one) with labels in fi, sv and en, and narrower concepts. source tells
-- where a concept came from: 'starter' (shipped with the product, which
-- admins may edit), 'local' (added on the admin page), or a vocabulary
-- imported from SKOS.
CREATE TABLE thesaurus_concepts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uri         TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE thesaurus_labels (
    concept_id  INTEGER NOT NULL REFERENCES thesaurus_concepts(id) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    label       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (concept_id, lang, label)
);
CREATE TABLE thesaurus_narrower (
    concept_id  INTEGER NOT NULL REFERENCES thesaurus_concepts(id) ON DELETE CASCADE,
    narrower_id INTEGER NOT NULL REFERENCES thesaurus_concepts(id) ON DELETE CASCADE,
    PRIMARY KEY (concept_id, narrower_id)
);
CREATE INDEX thesaurus_narrower_of ON thesaurus_narrower(narrower_id);
