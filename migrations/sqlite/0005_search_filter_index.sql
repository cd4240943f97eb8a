-- Search checks each match's visibility; reading it from this index instead
-- of the article row avoids reading past the body for every match.
CREATE INDEX articles_visible ON articles(id, status, published_at, kind, section_id);
