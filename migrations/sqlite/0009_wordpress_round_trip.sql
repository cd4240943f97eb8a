-- Import identity: an imported item is known by its source site and its id
-- there (or its GUID), so a second site never collides with the first; what
-- the import read and wrote is remembered, so a newer export of the same
-- site updates what changed there and keeps what editors changed here.
ALTER TABLE import_ids ADD COLUMN fingerprint TEXT;
ALTER TABLE import_ids ADD COLUMN written TEXT;
ALTER TABLE import_ids ADD COLUMN imported_at TEXT;

-- What an imported item had that Dateline's model keeps another way (a
-- post's WordPress categories and tags, which become a section and tags
-- here), so an export can give WordPress back what it had.
ALTER TABLE import_ids ADD COLUMN extra TEXT;
CREATE INDEX import_ids_local ON import_ids(kind, local);

-- WordPress titles, excerpts and term names are HTML; imports before this
-- version stored them with their entities. Decode the common ones once.
UPDATE articles SET headline = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(headline, '&#8217;', '’'), '&#8216;', '‘'), '&#8220;', '“'), '&#8221;', '”'), '&#8211;', '–'), '&#8212;', '—'), '&#8230;', '…'), '&#038;', '&'), '&#039;', ''''), '&#39;', ''''), '&quot;', '"'), '&lt;', '<'), '&gt;', '>'), '&nbsp;', ' '), '&amp;', '&'), standfirst = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(standfirst, '&#8217;', '’'), '&#8216;', '‘'), '&#8220;', '“'), '&#8221;', '”'), '&#8211;', '–'), '&#8212;', '—'), '&#8230;', '…'), '&#038;', '&'), '&#039;', ''''), '&#39;', ''''), '&quot;', '"'), '&lt;', '<'), '&gt;', '>'), '&nbsp;', ' '), '&amp;', '&')
WHERE id IN (SELECT CAST(local AS INTEGER) FROM import_ids WHERE source = 'wordpress' AND kind = 'post')
  AND (headline LIKE '%&%;%' OR standfirst LIKE '%&%;%');
UPDATE sections SET name = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name, '&#8217;', '’'), '&#8216;', '‘'), '&#8220;', '“'), '&#8221;', '”'), '&#8211;', '–'), '&#8212;', '—'), '&#8230;', '…'), '&#038;', '&'), '&#039;', ''''), '&#39;', ''''), '&quot;', '"'), '&lt;', '<'), '&gt;', '>'), '&nbsp;', ' '), '&amp;', '&')
WHERE slug IN (SELECT local FROM import_ids WHERE source = 'wordpress' AND kind = 'category') AND name LIKE '%&%;%';
UPDATE tags SET name = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name, '&#8217;', '’'), '&#8216;', '‘'), '&#8220;', '“'), '&#8221;', '”'), '&#8211;', '–'), '&#8212;', '—'), '&#8230;', '…'), '&#038;', '&'), '&#039;', ''''), '&#39;', ''''), '&quot;', '"'), '&lt;', '<'), '&gt;', '>'), '&nbsp;', ' '), '&amp;', '&')
WHERE slug IN (SELECT local FROM import_ids WHERE source = 'wordpress' AND kind IN ('category', 'tag')) AND name LIKE '%&%;%';

-- A post WordPress protected with a password stays at its address; readers
-- who give the password read it. Kept as WordPress keeps it, so an export
-- can write it back.
ALTER TABLE articles ADD COLUMN password TEXT;

-- The name a photo was uploaded under, for exports.
ALTER TABLE media ADD COLUMN filename TEXT;
