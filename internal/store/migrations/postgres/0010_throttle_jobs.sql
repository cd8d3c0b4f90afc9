-- Counters behind the abuse limits (sign-in, registration, kept forms, ...),
-- in the database so that a limit holds across every node. Times are Unix
-- milliseconds, compared as numbers on both engines.
CREATE TABLE throttle (
    name          TEXT PRIMARY KEY,
    hits          INTEGER NOT NULL,
    window_start  BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL DEFAULT 0
);

-- Scheduled housekeeping: each job runs on one node at a time, claimed by
-- a conditional update of its row.
CREATE TABLE scheduled_jobs (
    name          TEXT PRIMARY KEY,
    next_run      BIGINT NOT NULL,
    running_until BIGINT NOT NULL DEFAULT 0,
    last_run      BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    runs          INTEGER NOT NULL DEFAULT 0
);
