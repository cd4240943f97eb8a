-- Full-text search: FTS5 with Porter stemming over unicode61, diacritics removed.
-- The rowid is the article's id. Columns: headline; summary (standfirst,
-- section, tags, bylines); caption (and alt text); body as plain text.
CREATE VIRTUAL TABLE article_search USING fts5(
    headline, summary, caption, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Articles saved before search existed, from their stored columns; the next
-- save of each re-indexes it from its rendered plain text.
INSERT INTO article_search (rowid, headline, summary, caption, body)
SELECT a.id, a.headline,
       coalesce(a.standfirst, '') || ' ' || coalesce(s.name, '') || ' ' ||
       coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x JOIN tags t ON t.id = x.tag_id
                 WHERE x.article_id = a.id), '') || ' ' ||
       coalesce((SELECT group_concat(t.name, ' ') FROM article_authors x JOIN authors t ON t.id = x.author_id
                 WHERE x.article_id = a.id), ''),
       coalesce(a.photo_caption, '') || ' ' || coalesce(a.photo_alt, ''),
       a.body
FROM articles a LEFT JOIN sections s ON s.id = a.section_id;

-- Every word indexed, for spelling suggestions.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);
