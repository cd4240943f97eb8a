-- Full-text search: a weighted tsvector per article in the `dateline`
-- configuration (English stemming over unaccent), with a GIN index.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION dateline (COPY = english);
ALTER TEXT SEARCH CONFIGURATION dateline
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE article_search (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    document   TSVECTOR NOT NULL
);
CREATE INDEX article_search_document ON article_search USING GIN (document);

-- Articles saved before search existed, from their stored columns; the next
-- save of each re-indexes it from its rendered plain text.
INSERT INTO article_search (article_id, body, document)
SELECT a.id, a.body,
       setweight(to_tsvector('dateline', a.headline), 'A')
       || setweight(to_tsvector('dateline', concat_ws(' ', a.standfirst, s.name,
            (SELECT string_agg(t.name, ' ') FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id),
            (SELECT string_agg(t.name, ' ') FROM article_authors x JOIN authors t ON t.id = x.author_id WHERE x.article_id = a.id))), 'B')
       || setweight(to_tsvector('dateline', concat_ws(' ', a.photo_caption, a.photo_alt)), 'C')
       || setweight(to_tsvector('dateline', a.body), 'D')
FROM articles a LEFT JOIN sections s ON s.id = a.section_id;

-- Every word indexed, for spelling suggestions.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);
