-- The change log: one row per committed change, written in the change's own
-- transaction, naming the keys it touched. Every process follows it, so
-- caches drop exactly what changed and no announcement is lost in a crash.
CREATE TABLE changes (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    node    TEXT NOT NULL,
    keys    TEXT NOT NULL
);
CREATE INDEX changes_at ON changes(at);

-- The durable queue: a row per job, written with its cause, claimed in
-- batches, retried with backoff. `key` is the job's stable id.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_at      TEXT NOT NULL,
    done_at     TEXT,
    failed_at   TEXT,
    last_error  TEXT
);
CREATE INDEX jobs_due ON jobs(kind, run_at) WHERE done_at IS NULL AND failed_at IS NULL;

-- The mail outbox becomes the queue's first user. Its rows are copied over
-- (sent ones as done); the table itself is dropped by a later release, so a
-- node of the previous release still running during an upgrade loses nothing.
INSERT INTO jobs (kind, key, payload, created_at, attempts, run_at, done_at, last_error)
SELECT 'mail', 'outbox-' || id,
       json_object('to', to_addr, 'subject', subject, 'body', body),
       created_at, attempts, next_attempt_at, sent_at, last_error
FROM outbox;
