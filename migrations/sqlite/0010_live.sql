-- Live coverage: a story switched to live gets short, timestamped entries,
-- newest first, each signed by its author; editors pin the key events.
ALTER TABLE articles ADD COLUMN live_state TEXT CHECK (live_state IN ('live', 'ended'));
ALTER TABLE articles ADD COLUMN live_started_at TEXT;
ALTER TABLE articles ADD COLUMN live_ended_at TEXT;

CREATE TABLE live_entries (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    headline    TEXT,
    body        TEXT NOT NULL,
    photo_id    INTEGER REFERENCES media(id) ON DELETE SET NULL,
    photo_alt   TEXT,
    pinned      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,
    promoted_to INTEGER REFERENCES articles(id) ON DELETE SET NULL
);
CREATE INDEX live_entries_article ON live_entries(article_id, created_at DESC, id DESC);
