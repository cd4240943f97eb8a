-- Story intelligence: the people, places and organisations articles name,
-- their dated events and quotes, and the editors' decisions about them.

-- One row per person, place or organisation; `slug` names its reader page.
-- `rejected` hides it everywhere (an editor said it is not an entity).
CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'place', 'organisation')),
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    rejected   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- What extraction finds (its kind and the slug of its name) maps to an
-- entity: its own first name, and every spelling merged into it or name
-- it was corrected from, so re-extraction follows the editors.
CREATE TABLE entity_aliases (
    kind      TEXT NOT NULL,
    slug      TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    PRIMARY KEY (kind, slug)
);
CREATE INDEX entity_aliases_entity ON entity_aliases(entity_id);

-- An entity named in an article: `found` by extraction, `accepted` or
-- `rejected` by an editor (decisions survive re-extraction).
CREATE TABLE article_entities (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('found', 'accepted', 'rejected')),
    roles      TEXT NOT NULL DEFAULT '',
    snippets   TEXT NOT NULL DEFAULT '',
    mentions   INTEGER NOT NULL DEFAULT 0,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX article_entities_entity ON article_entities(entity_id, article_id);

-- Dated events: the sentence and its date span (days as YYYY-MM-DD text).
CREATE TABLE article_events (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    day_from   TEXT NOT NULL,
    day_to     TEXT NOT NULL,
    label      TEXT NOT NULL,
    expression TEXT NOT NULL,
    sentence   TEXT NOT NULL,
    anchor     TEXT
);
CREATE INDEX article_events_article ON article_events(article_id);

CREATE TABLE article_quotes (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    entity_id  INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    speaker    TEXT,
    body       TEXT NOT NULL,
    anchor     TEXT
);
CREATE INDEX article_quotes_article ON article_quotes(article_id);
CREATE INDEX article_quotes_entity ON article_quotes(entity_id);

-- When each article was last read by the extractor.
CREATE TABLE article_intel (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    enriched_at TEXT NOT NULL
);
