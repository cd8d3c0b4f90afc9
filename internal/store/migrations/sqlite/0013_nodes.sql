-- Every running `tekotori serve` node says it is alive here every half
-- minute, so that an operator (and `tekotori restore`) can tell whether the
-- database still has live nodes. Times are Unix milliseconds.
CREATE TABLE nodes (
    id         TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);
