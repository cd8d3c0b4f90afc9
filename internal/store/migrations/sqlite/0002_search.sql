-- Search: a change sequence on deeds that every node follows to keep its
-- in-memory index current, and the analysed vocabulary shared by the nodes.

ALTER TABLE deeds ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deeds_seq ON deeds(seq);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO counters (name, n) VALUES ('deeds', 0);

CREATE TABLE search_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE search_words (
    lang  TEXT NOT NULL,
    word  TEXT NOT NULL,
    terms TEXT NOT NULL,
    PRIMARY KEY (lang, word)
);
