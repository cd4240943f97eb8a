-- Lists of the newest articles (front page, sections) walk these indexes in
-- order and stop after one page. The status filter is checked row by row: the
-- older indexes put status before the date, so a filter on two statuses made
-- the database read and sort every public article (700 ms at 100,000 articles).
CREATE INDEX articles_latest ON articles(kind, published_at DESC, id DESC);
CREATE INDEX articles_section_latest ON articles(section_id, published_at DESC, id DESC);
