-- What an import brought in, by its id in the source (WordPress post,
-- comment, author, category): running an import again adds nothing, an
-- interrupted one resumes, and old links (/?p=ID, /category/slug/) find
-- their new place.
CREATE TABLE import_ids (
    source   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    external TEXT NOT NULL,
    local    TEXT NOT NULL,
    PRIMARY KEY (source, kind, external)
);
