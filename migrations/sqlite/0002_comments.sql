-- Reader comments, what moderation learns, and the mail outbox.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_url  TEXT,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    visitor     TEXT,
    ip          TEXT NOT NULL,
    spam_score  REAL,
    notify      INTEGER NOT NULL DEFAULT 0,
    staff       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX comments_article ON comments(article_id, status, created_at);
CREATE INDEX comments_queue ON comments(status, created_at DESC);
CREATE INDEX comments_email ON comments(author_email);
CREATE INDEX comments_visitor ON comments(visitor, article_id);

-- Browsers that proved who they are: a comment with this email posted from
-- this browser (cookie hash) was approved by a moderator.
CREATE TABLE trusted_browsers (
    visitor    TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (visitor, email)
);

-- What commenters asked for by email (double opt-in for reply notifications).
CREATE TABLE commenter_emails (
    email             TEXT PRIMARY KEY,
    notify_confirmed_at TEXT,
    unsubscribed_at   TEXT
);

CREATE TABLE spam_tokens (
    token TEXT PRIMARY KEY,
    spam  INTEGER NOT NULL DEFAULT 0,
    ham   INTEGER NOT NULL DEFAULT 0
);

-- Which way each comment has trained the spam model (so a change of mind untrains it).
CREATE TABLE spam_training (
    comment_id INTEGER PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
    label      TEXT NOT NULL CHECK (label IN ('spam', 'ham'))
);

CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events(key, at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);
