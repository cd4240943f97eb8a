"""Hostile input through every field and every import format (issue #8, part 1).

Every entry of hostile.txt goes into every field a stranger or an editor can
fill: the public comment form (name, email, website, comment), the JSON API
(headline, slug, standfirst, Markdown and HTML body, dateline, section, tags,
authors, photo caption/credit/alt, corrections), `dateline import markdown`
(front matter and body) and `dateline import wordpress` (title, content,
excerpt, categories, tags, author, comments). Then every page, feed, oEmbed
answer, JSON-LD block and sitemap the site serves is parsed the way a browser
or feed reader parses it (html5lib, lxml) and checked: no script but the
site's own, no on* attribute, no javascript:/vbscript:/data: URL, nothing
loaded from another origin, no embeds, forms to elsewhere, <base>, meta
refresh or style; JSON-LD parses and cannot end its script element. And the
hostile text must stay visible as text: every entry carries a marker (HX042)
that must show up where the entry was put.

Entries are packed a few per article (as many as fit the shortest text field,
the 200-character photo credit), so the run makes about 60 articles per format.

Run: python3 -m pytest -q tests/clients/test_hostile.py -x -s
Set HOSTILE_ALL_FEEDS=1 to fetch all three feed kinds of every section, tag
and byline (by default each term gets one kind, in turn; the batch tags that
hold every article get all three)."""

from __future__ import annotations

import collections
import html
import concurrent.futures
import dataclasses
import json
import os
import pathlib
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import BINARY, free_port
from hostile_lib import (Checker, Entry, Violation, Wxr, alnum, find_all, front_matter, load_corpus, parse_page,
                         tiny_png, visible_text, xml_safe)

FORMATS = ("api", "md", "wp")
PACK_CHARS = 200  # the photo credit's limit, the shortest multi-entry text field
TERM_CHARS = 60
NAME_CHARS = 100

# Violations of these kinds are real findings, written down in the report and
# kept visible by the strict xfail tests at the end of this file; every other
# violation fails test_nothing_hostile_is_served.
# Problems this corpus found in the served output, kept here while they are
# open (each a strict xfail below). Found and fixed so far: foreign images in
# article bodies and feeds, RSS <description> escaped only once, and control
# characters that broke the XML outputs; each is now an ordinary violation
# that fails the run if it comes back.
KNOWN_FINDINGS: dict = {}


def known(v: Violation) -> str | None:
    for name, (_, pred) in KNOWN_FINDINGS.items():
        if pred(v):
            return name
    return None


# --------------------------------------------------------------------------
# Plumbing


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(req, timeout=60) as r:
            return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, e.read(), {k.lower(): v for k, v in e.headers.items()}


@dataclasses.dataclass
class Placement:
    entry: int
    fmt: str
    field: str
    outcome: str  # rendered | refused | n/a | lost
    where: str = ""
    detail: str = ""


@dataclasses.dataclass
class ArticlePlan:
    fmt: str
    slug: str
    pack: list[Entry]
    fields: dict  # field -> list of entries put there
    comments: list = dataclasses.field(default_factory=list)  # (comment id or None, entry, field)
    url: str = ""
    id: int = 0
    # Fields the site legitimately reads as HTML and strips to text (WordPress
    # excerpts): a marker after an unclosed tag may go with it.
    soft: frozenset = frozenset()


class Run:
    def __init__(self, corpus: list[Entry], base: str):
        self.corpus = corpus
        self.base = base
        self.checker = Checker(base)
        self.placements: list[Placement] = []
        self.articles: dict[str, ArticlePlan] = {}
        self.pages: collections.Counter = collections.Counter()
        self.feed_items: dict[str, set[str]] = collections.defaultdict(set)
        self.refused_files: list[tuple[str, str]] = []
        self.absent_markers: dict[str, str] = {}  # marker -> why it must not reach the site
        self.import_logs: list[str] = []
        self.token = ""
        self.seconds: dict[str, float] = {}

    def place(self, entries, fmt, field, outcome, where="", detail=""):
        for e in entries:
            self.placements.append(Placement(e.idx, fmt, field, outcome, where, detail))

    def lost(self, where: str, context: str, detail: str, near: str = "") -> None:
        self.checker.violations.append(Violation("text-lost", where, context, detail, near=near))

    def server_error(self, where: str, status: int, body: bytes) -> None:
        self.checker.violations.append(Violation("server-error", where, "http", f"{status}: {body[:300]!r}"))

    # API
    def api(self, method: str, path: str, payload=None) -> tuple[int, dict | None]:
        body = None if payload is None else json.dumps(payload).encode()
        status, raw, _ = http(method, self.base + "/api/v1" + path, body,
                              {"authorization": f"Bearer {self.token}", "content-type": "application/json"})
        if status >= 500:
            self.server_error(f"{method} /api/v1{path}", status, raw)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None


def packs(corpus: list[Entry]) -> list[list[Entry]]:
    out, cur, size = [], [], 0
    for e in corpus:
        n = len(e.tagged()) + 1
        if cur and size + n > PACK_CHARS:
            out.append(cur)
            cur, size = [], 0
        cur.append(e)
        size += n
    if cur:
        out.append(cur)
    return out


def joined(entries: list[Entry]) -> str:
    return " ".join(e.tagged() for e in entries)


def fits(e: Entry, limit: int) -> bool:
    return len(e.tagged().strip()) <= limit


def markdown_body(entries: list[Entry]) -> str:
    index = "Entries " + " ".join(e.marker for e in entries) + " are in this body."
    return index + "\n\n" + "".join(f"Before {e.marker}.\n\n{e.text} {e.marker}\n\n" for e in entries)


def html_body(entries: list[Entry]) -> str:
    index = "<p>Entries " + " ".join(e.marker for e in entries) + " are in this body.</p>\n"
    return index + "".join(f"<p>Before {e.marker}.</p>\n{e.text} {e.marker}\n" for e in entries)


def plan_fields(pack: list[Entry], k: int) -> dict:
    """The fields of one article: every text field holds the whole pack; the
    single-valued terms (section, dateline) take one entry, rotating by format."""
    term = [e for e in pack if fits(e, TERM_CHARS)]
    f = {"headline": pack, "standfirst": pack, "body": pack, "caption": pack, "alt": pack,
         "credit": pack if len(joined(pack)) <= PACK_CHARS else [], "tags": term, "authors": term[:10]}
    f["section"] = [term[k % len(term)]] if term else []
    f["dateline"] = [term[(k + 1) % len(term)]] if term else []
    return f


# --------------------------------------------------------------------------
# Feeding the site


def write_markdown(run: Run, plans: list[ArticlePlan], folder: pathlib.Path) -> list[pathlib.Path]:
    folder.mkdir()
    (folder / "photo.png").write_bytes(tiny_png())
    files = []
    for j, p in enumerate(plans):
        f = p.fields
        fm = {"title": joined(f["headline"]), "slug": p.slug, "date": f"2024-03-01T{j // 60:02d}:{j % 60:02d}:00Z",
              "summary": joined(f["standfirst"]), "tags": [e.tagged() for e in f["tags"]] + [f"hxbatch md {j // 20}"],
              "authors": [e.tagged() for e in f["authors"]] or ["Hostile Desk"], "photo": "photo.png",
              "caption": joined(f["caption"]), "alt": joined(f["alt"]), "comments": "open", "status": "published"}
        if f["credit"]:
            fm["credit"] = joined(f["credit"])
        if f["section"]:
            fm["section"] = f["section"][0].tagged()
        if f["dateline"]:
            fm["dateline"] = f["dateline"][0].tagged()
        path = folder / f"{p.slug}.md"
        path.write_text(front_matter(fm) + "\n" + markdown_body(f["body"]), encoding="utf-8")
        files.append(path)
    files.extend(raw_markdown(run, folder))
    return files


def raw_markdown(run: Run, folder: pathlib.Path) -> list[pathlib.Path]:
    """Hand-written front matter tricks; each carries its own marker (HXYnn)."""
    docs = {
        "alias": ('title: &t "<script>alert(1)</script> HXY01"\nsummary: *t\nslug: hx-raw-01\n', "Body HXY01."),
        "block": ("title: |-\n  <img src=x onerror=alert(1)> HXY02\nslug: hx-raw-02\n", "Body HXY02."),
        "folded": ("title: Folded HXY03\nslug: hx-raw-03\nsummary: >\n  </p><script>alert(1)</script>\n  HXY03\n",
                   "Body HXY03."),
        "tagstring": ('title: Tags HXY04\nslug: hx-raw-04\ntags: "<b>bold</b> HXY04, <i onmouseover=alert(1)>it</i> '
                      'HXY04"\n', "Body HXY04."),
        "second-front-matter": ("title: Second block HXY08\nslug: hx-raw-08\n",
                                "---\ntitle: <script>alert(1)</script> HXY08\nstatus: draft\n---\n\nBody HXY08."),
        "page": ('title: "<script>alert(1)</script> Page HXY09"\nslug: hx-raw-09\nkind: page\n', "Body HXY09."),
        "crlf-bom": ('\ufefftitle: "CRLF <svg onload=alert(1)> HXY11"\r\nslug: hx-raw-11\r\n', "Body HXY11.\r\n"),
        "comment-line": ('title: "Hash # <script>x</script> HXY16" # a YAML comment <script>\nslug: hx-raw-16\n',
                         "Body HXY16."),
    }
    refused = {
        "unknown-key": ('title: "Unknown key HXY05"\nslug: hx-raw-05\nonload: alert(1)\n', "Body HXY05."),
        "duplicate-key": ('title: "Dup HXY06"\ntitle: "<script>alert(1)</script> HXY06"\nslug: hx-raw-06\n',
                          "Body HXY06."),
        "alias-bomb": ('a: &a ["HXY10", "HXY10"]\nb: &b [*a, *a, *a, *a]\ntitle: Bomb HXY10\nslug: hx-raw-10\n'
                       'tags: [*b, *b, *b, *b]\n', "Body HXY10."),
        "raw-nul": ('title: "Nul \0 HXY12"\nslug: hx-raw-12\n', "Body HXY12."),
        "remote-photo": ('title: Remote HXY13\nslug: hx-raw-13\nphoto: "https://evil.example/x.jpg"\n', "Body HXY13."),
        "escaping-photo": ('title: Escape HXY14\nslug: hx-raw-14\nphoto: "../../../../../../etc/passwd"\n',
                           "Body HXY14."),
    }
    # A Python object tag: read as text, or refused; either is fine, a run command is not.
    docs["python-tag"] = ('title: !!python/object/apply:os.system ["echo HXY07"]\nslug: hx-raw-07\n', "Body HXY07.")
    files = []
    for name, (fm, body) in {**docs, **refused}.items():
        path = folder / f"raw-{name}.md"
        text = ("---\n" + fm + "---\n\n" + body) if not fm.startswith("\ufeff") else \
            ("\ufeff---\r\n" + fm[1:] + "---\r\n\r\n" + body)
        path.write_bytes(text.encode("utf-8"))
        files.append(path)
    for name, (fm, _) in refused.items():
        m = re.search(r"HXY\d\d", fm).group(0)
        run.absent_markers[m] = f"the Markdown import must refuse raw-{name}.md"
    return files


def html_text(text: str) -> str:
    """Text as WordPress stores it in a title or a term's name: HTML."""
    return html.escape(text, quote=False)


def write_wxr(run: Run, plans: list[ArticlePlan], path: pathlib.Path) -> None:
    w = Wxr()
    comment_id = 1
    for j, p in enumerate(plans):
        f = {k: [e for e in v if xml_safe(e.text)] for k, v in p.fields.items()}
        for k, v in p.fields.items():
            run.place([e for e in v if not xml_safe(e.text)], "wp", k, "n/a", p.slug, "not representable in XML 1.0")
        p.fields = f
        byline = f["authors"][:1]
        login = f"hxwp{j:03d}"
        w.author(login, f"{login}@example.org", byline[0].tagged() if byline else "WordPress Desk")
        # WordPress keeps titles and term names as HTML: the text typed is written escaped.
        cats = ([("category", f"hx-wp-cat-{j}", html_text(f["section"][0].tagged()))] if f["section"] else
                [("category", "hostile", "Hostile")])
        cats += [("post_tag", f"hx-wp-tag-{e.idx}", html_text(e.tagged())) for e in f["tags"]]
        cats.append(("post_tag", f"hxbatch-wp-{j // 20}", f"hxbatch wp {j // 20}"))
        comments = []
        for e in p.pack:
            if not xml_safe(e.text):
                run.place([e], "wp", "comment", "n/a", p.slug, "not representable in XML 1.0")
                continue
            comments.append({"id": comment_id, "author": e.tagged(), "url": e.text.strip(),
                             "content": e.tagged(), "email": f"wp{e.idx}@example.org"})
            p.comments.append((None, e, "wp-comment"))
            comment_id += 1
        w.post(post_id=j + 1, title=html_text(joined(f["headline"])), slug=p.slug, creator=login,
               content=html_body(f["body"]), excerpt=joined(f["standfirst"]),
               date=f"2024-04-01 {j // 60:02d}:{j % 60:02d}:00", categories=cats, comments=comments)
        p.fields = {k: v for k, v in f.items() if k not in ("caption", "credit", "alt", "dateline")}
        p.fields["authors"] = byline
        p.soft = frozenset({"standfirst"})
    w.write(path)


RAW_WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Raw</title><link>http://raw.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://raw.example</wp:base_site_url><wp:base_blog_url>http://raw.example</wp:base_blog_url>
<wp:author><wp:author_login>rawdesk</wp:author_login><wp:author_email>raw@example.org</wp:author_email>
<wp:author_display_name><![CDATA[Raw Desk]]></wp:author_display_name></wp:author>
"""


def raw_item(n: int, title: str, content: str, extra: str = "", comments: str = "", post_type: str = "post") -> str:
    return f"""<item><title>{title}</title><link>http://raw.example/?p={900 + n}</link>
<dc:creator>rawdesk</dc:creator><content:encoded>{content}</content:encoded><excerpt:encoded></excerpt:encoded>
<wp:post_id>{900 + n}</wp:post_id><wp:post_date>2024-05-01 10:{n:02d}:00</wp:post_date>
<wp:post_date_gmt>2024-05-01 10:{n:02d}:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name>hx-wpraw-{n:02d}</wp:post_name><wp:status>{'inherit' if post_type == 'attachment' else 'publish'}</wp:status>
<wp:post_type>{post_type}</wp:post_type><wp:post_password></wp:post_password>{extra}
<category domain="post_tag" nicename="hxbatch-wpraw"><![CDATA[hxbatch wpraw]]></category>{comments}</item>
"""


def raw_comment(n: int, author: str, url: str, content: str) -> str:
    return f"""<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>{author}</wp:comment_author>
<wp:comment_author_email>raw{n}@example.org</wp:comment_author_email><wp:comment_author_url>{url}</wp:comment_author_url>
<wp:comment_date>2024-05-01 11:00:00</wp:comment_date><wp:comment_date_gmt>2024-05-01 11:00:00</wp:comment_date_gmt>
<wp:comment_content>{content}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>"""


def write_raw_wxr(run: Run, folder: pathlib.Path) -> dict[str, pathlib.Path]:
    """Hand-made WXR files: XML tricks that the ElementTree builder would never
    write (CDATA split around ]]>, character references, comments, processing
    instructions, elements inside content), plus three files the import must refuse whole."""
    items = [
        raw_item(1, "CDATA split HXW01",
                 "<![CDATA[<p>HXW01 before</p><script>alert(1)</script]]]]><![CDATA[>alert(2)"
                 "<img src=x onerror=alert(3)> HXW01 after]]>"),
        raw_item(2, "&#60;script&#62;alert(1)&#60;/script&#62; HXW02",
                 "&lt;img src=x onerror=alert(1)&gt; &#x3C;svg onload=alert(1)&#x3E; HXW02"),
        raw_item(3, "Comment and PI HXW03",
                 "A<!-- <script>alert(1)</script> -->B<?php echo 'x'; ?> <![CDATA[<!-- ]]>--&gt;&lt;img src=x "
                 "onerror=alert(1)&gt; HXW03"),
        raw_item(4, "Nested element HXW04",
                 "<script xmlns=\"http://www.w3.org/1999/xhtml\">alert(1)</script> HXW04"),
        raw_item(5, "Shortcodes HXW05",
                 "<![CDATA[[caption id=\"a\" caption=\"<script>alert(1)</script>\"]<img src=\"https://tracker.example/"
                 "c.gif\" onerror=\"alert(1)\"> caption text HXW05[/caption]\n\n[gallery ids=\"950,951\"]\n\n"
                 "[embed]javascript:alert(1)[/embed]\n\n[embed]https://evil.example/video\" onmouseover=\"alert(1)"
                 "[/embed]\n\nhttps://evil.example/x\"><script>alert(1)</script>\n\n[x onload=alert(1)] HXW05\n\n"
                 "<!-- wp:html {\"a\":\"</script><script>alert(1)</script>\"} -->\n<p>block HXW05</p>\n"
                 "<!-- /wp:html -->]]>",
                 extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>951</wp:meta_value>"
                       "</wp:postmeta>"),
        raw_item(6, "Raw comments HXW06", "Body HXW06",
                 comments=raw_comment(9001, "&lt;script&gt;alert(1)&lt;/script&gt; HXW06", "javascript:alert(1)",
                                      "<![CDATA[<a href=\"javascript:alert(1)\">x</a><img src=x onerror=alert(1)> "
                                      "HXW06]]>")
                 + raw_comment(9002, "<![CDATA[<img src=x onerror=alert(1)>]]> HXW06b",
                               "https://evil.example/\" onclick=\"alert(1)",
                               "&lt;iframe src=//evil.example&gt; HXW06b")
                 + raw_comment(9003, "Spaces HXW06c", "http://evil.example/ &lt;script&gt;alert(1)&lt;/script&gt;",
                               "text HXW06c")),
        raw_item(50, "attachment js", "", extra="<wp:attachment_url>javascript:alert(1)</wp:attachment_url>",
                 post_type="attachment"),
        raw_item(51, "attachment tracker", "",
                 extra="<wp:attachment_url>https://tracker.example/wp-content/uploads/2024/01/p.gif</wp:attachment_url>",
                 post_type="attachment"),
    ]
    # attachments are looked up by post id: 950 and 951
    tricks = folder / "raw-tricks.xml"
    tricks.write_text(RAW_WXR_HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    refused = {
        "doctype": folder / "refuse-doctype.xml",
        "malformed": folder / "refuse-malformed.xml",
        "control-char": folder / "refuse-control.xml",
    }
    refused["doctype"].write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY boom "<script>alert(1)</script>">]>\n'
        + RAW_WXR_HEAD.split("\n", 1)[1] + raw_item(20, "Doctype &boom; HXWD1", "&boom; HXWD1")
        + "</channel></rss>\n", encoding="utf-8")
    refused["malformed"].write_text(
        RAW_WXR_HEAD + raw_item(21, "Broken <script>alert(1)</script HXWD2", "HXWD2 <b>unclosed")
        + "</channel></rss>\n", encoding="utf-8")
    refused["control-char"].write_text(
        RAW_WXR_HEAD + raw_item(22, "Control \x01 HXWD3", "HXWD3 \x0b body") + "</channel></rss>\n",
        encoding="utf-8")
    run.absent_markers["HXWD1"] = "the WordPress import must refuse a file with a DOCTYPE"
    run.absent_markers["HXWD2"] = "the WordPress import must refuse malformed XML"
    return {"tricks": tricks, **refused}


def wait_up(base: str) -> None:
    for _ in range(400):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def api_articles(run: Run, plans: list[ArticlePlan], html_plans: list[ArticlePlan], media_id: int | None) -> None:
    now = time.time()
    stamp = lambda s: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s))  # noqa: E731
    for j, p in enumerate(plans):
        f = p.fields
        payload = {"headline": joined(f["headline"]), "slug": p.slug, "standfirst": joined(f["standfirst"]),
                   "body": markdown_body(f["body"]), "tags": [e.tagged() for e in f["tags"]] +
                   [f"hxbatch api {j // 20}"], "authors": [e.tagged() for e in f["authors"]] or ["Hostile Desk"],
                   "status": "published", "published_at": stamp(now - 600 + j), "comments_open": True}
        if f["section"]:
            payload["section"] = f["section"][0].tagged()
        if f["dateline"]:
            payload["dateline"] = f["dateline"][0].tagged()
        if media_id is not None:
            payload["photo"] = {"media_id": media_id, "caption": joined(f["caption"]), "alt": joined(f["alt"])}
            if f["credit"]:
                payload["photo"]["credit"] = joined(f["credit"])
        field_of = {"photo_caption": "caption", "photo_credit": "credit", "photo_alt": "alt"}
        for _ in range(4):
            status, answer = run.api("POST", "/articles", payload)
            if status == 201:
                p.url, p.id = answer["url"], answer["id"]
                break
            refused = (answer or {}).get("fields") or {}
            if status != 422 or not refused:
                run.place(p.pack, "api", "article", "refused", p.slug, f"{status} {answer}")
                break
            for name, why in refused.items():
                field = field_of.get(name, name)
                run.place(f.get(field, []), "api", field, "refused", p.slug, f"422 {why}")
                f[field] = []
                key = {"caption": ("photo", "caption"), "credit": ("photo", "credit"), "alt": ("photo", "alt")}
                if field in key:
                    payload.get("photo", {}).pop(key[field][1], None)
                    if field == "alt":
                        payload.pop("photo", None)
                        f["caption"] = f["credit"] = []
                elif field == "headline":
                    payload["headline"] = f"Headline refused {p.slug}"
                else:
                    payload.pop({"standfirst": "standfirst"}.get(field, field), None)
        if media_id is None:
            f["caption"] = f["credit"] = f["alt"] = []
    for j, p in enumerate(html_plans):
        status, answer = run.api("POST", "/articles", {
            "headline": f"HTML body batch {j}", "slug": p.slug, "body": "<p>placeholder</p>", "body_format": "html",
            "tags": [f"hxbatch apihtml {j // 20}"], "status": "published", "published_at": stamp(now - 900 + j)})
        if status != 201:
            run.place(p.pack, "api-html", "body", "refused", p.slug, f"{status} {answer}")
            continue
        status, answer = run.api("PATCH", f"/articles/{answer['id']}", {"body": html_body(p.pack)})
        if status == 200:
            p.url = answer["url"]
        else:
            run.place(p.pack, "api-html", "body", "refused", p.slug, f"PATCH {status} {answer}")
    # Corrections (one per entry) and slugs (every entry as a slug: all should be refused).
    for p in plans:
        if not p.url:
            continue
        for e in p.pack:
            status, answer = run.api("POST", f"/articles/{p.id}/corrections", {"body": e.tagged()})
            if status in (200, 201):
                p.fields.setdefault("correction", []).append(e)
            else:
                run.place([e], "api", "correction", "refused", p.slug, f"{status} {answer}")
    for e in run.corpus:
        status, answer = run.api("POST", "/articles", {"headline": f"Slug attempt {e.marker}", "slug": e.text,
                                                       "body": f"Slug attempt {e.marker}", "status": "published",
                                                       "tags": ["hxbatch slugs"]})
        if status == 201:
            run.articles[answer["slug"]] = ArticlePlan("api-slug", answer["slug"], [e], {"slug": [e]},
                                                       url=answer["url"])
        else:
            run.place([e], "api", "slug", "refused" if 400 <= status < 500 else "error", "", f"{status}")


def form_fields(run: Run, path: str) -> dict:
    status, html, _ = http("GET", run.base + path)
    assert status == 200, (path, status)
    doc = parse_page(html.decode())
    form = next(f for f in find_all(doc, "form") if f.get("id") == "commentform")
    return {i.get("name"): i.get("value") or "" for i in find_all(form, "input") if i.get("type") == "hidden"}


def post_comment(run: Run, hidden: dict, fields: dict) -> tuple[int, int | None, bytes]:
    form = dict(hidden, subject="", **fields)
    status, body, headers = http("POST", run.base + "/comments", urllib.parse.urlencode(form).encode(),
                                 {"origin": run.base, "content-type": "application/x-www-form-urlencoded"})
    if status == 303:
        return status, int(headers["location"].rsplit("#comment-", 1)[1]), body
    return status, None, body


def form_comments(run: Run, plans: list[ArticlePlan]) -> None:
    for p in plans:
        if not p.url:
            continue
        path = urllib.parse.urlsplit(p.url).path
        hidden = form_fields(run, path)
        for e in p.pack:
            m = e.marker
            attempts = [
                ("name+comment", {"name": e.tagged() if len(e.tagged().strip()) <= NAME_CHARS else f"Reader {m}",
                                  "email": f"a{e.idx}@example.org", "url": "", "body": e.tagged()}),
                ("website", {"name": f"Site {m}", "email": f"b{e.idx}@example.org", "url": e.text,
                             "body": f"Website test {m}"}),
                ("email", {"name": f"Mail {m}", "email": e.text, "url": "", "body": f"Email test {m}"}),
            ]
            if len(e.tagged().strip()) > NAME_CHARS:
                attempts.append(("long-name", {"name": e.tagged(), "email": f"c{e.idx}@example.org", "url": "",
                                               "body": f"Long name test {m}"}))
            for field, fields in attempts:
                status, cid, body = post_comment(run, hidden, fields)
                if status >= 500:
                    run.server_error(f"POST /comments ({field} of {m})", status, body)
                if cid is None:
                    run.place([e], "form", field, "refused" if 400 <= status < 500 else "error", p.slug, str(status))
                    if 400 <= status < 500 and status not in (409, 422):
                        raise AssertionError(f"comment refused for another reason than its content: {status} "
                                             f"{body[:500]!r}")
                    continue
                st, answer = run.api("PATCH", f"/comments/{cid}", {"status": "approved"})
                assert st == 200, (st, answer)
                p.comments.append((cid, e, field))


# --------------------------------------------------------------------------
# Reading the site back


def fetch_all(urls: list[str], workers: int = 3):
    """Fetches in a small pool while the caller parses what already came."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = [(u, pool.submit(http, "GET", u)) for u in urls]
        for u, fut in futures:
            yield u, fut.result()


def text_has(run: Run, text: str, e: Entry, where: str, field: str, whole: bool) -> bool:
    ok = e.marker in text and (not whole or alnum(e.text) in alnum(text))
    if not ok:
        run.lost(where, field, f"{field}: {e.marker} {'and its text ' if whole else ''}not shown: {e.text!r}",
                 e.marker)
    return ok


def check_article_page(run: Run, p: ArticlePlan, doc, url: str) -> None:
    f = p.fields

    def first(tag, cls=None):
        found = find_all(doc, tag, cls)
        return found[0] if found else None

    def scope(field, el, whole=True):
        text = visible_text(el)
        for e in f.get(field, []):
            if field in p.soft:
                run.place([e], p.fmt, field, "rendered" if e.marker in text else "rendered-swallowed", url)
            elif text_has(run, text, e, url, field, whole):
                run.place([e], p.fmt, field, "rendered", url)
            else:
                run.place([e], p.fmt, field, "lost", url)

    scope("headline", first("h1", "headline"))
    scope("standfirst", first("p", "standfirst"))
    scope("section", first("p", "kicker"))
    scope("tags", first("footer", "tags"))
    scope("authors", first("p", "byline"))
    scope("dateline", first("span", "dateline"), whole=False)
    scope("caption", first("span", "caption"))
    scope("credit", first("span", "credit"))
    scope("correction", first("section", "corrections"))
    scope("slug", first("h1", "headline"), whole=False)
    body = first("div", "body")
    body_text = visible_text(body)
    if f.get("body"):
        if f"Entries {f['body'][0].marker}" not in body_text:
            run.lost(url, "body", "the article body lost its opening paragraph", f["body"][0].marker)
        for e in f["body"]:
            # A body entry may legitimately swallow what follows it (an unclosed <style> or <!--);
            # the body itself must be there, and each trailing marker is counted.
            run.place([e], p.fmt, "body", "rendered" if e.marker in body_text else "rendered-swallowed", url)
    lead = find_all(doc, "figure", "lead-photo")
    if f.get("alt"):
        alt = lead[0].find(".//img").get("alt") if lead else ""
        for e in f["alt"]:
            ok = e.marker in (alt or "") and alnum(e.text) in alnum(alt or "")
            run.place([e], p.fmt, "alt", "rendered" if ok else "lost", url)
            if not ok:
                run.lost(url, "alt", f"photo alt lost {e.marker}: {alt!r}", e.marker)
    items = {li.get("id"): li for li in find_all(doc, "li", "comment")}
    for cid, e, field in p.comments:
        if cid is None:  # WordPress comment: found by its marker
            lis = [li for li in items.values() if e.marker in visible_text(find_all(li, "span", "comment-author")[0])]
            if not lis:
                run.lost(url, "wp-comment", f"imported comment of {e.marker} not shown", e.marker)
                run.place([e], "wp", "comment", "lost", url)
                continue
            li = lis[0]
            author_el = find_all(li, "span", "comment-author")[0]
            ok = text_has(run, visible_text(author_el), e, url, "wp-comment-author", True)
            # The content is read as HTML and stripped to text: an unclosed tag may take the marker along.
            body_ok = e.marker in visible_text(find_all(li, "div", "comment-body")[0])
            run.place([e], "wp", "comment", ("rendered" if body_ok else "rendered-swallowed") if ok else "lost", url)
            run.place([e], "wp", "comment-author", "rendered" if ok else "lost", url)
            link = find_all(author_el, "a")
            if link and alnum(link[0].get("href") or "") != alnum(e.text):
                run.lost(url, "wp-comment-url", f"website of {e.marker} changed: {link[0].get('href')!r}", e.marker)
            continue
        li = items.get(f"comment-{cid}")
        if li is None:
            run.lost(url, field, f"approved comment {cid} ({field} of {e.marker}) not on the page", e.marker)
            run.place([e], "form", field, "lost", url)
            continue
        author = visible_text(find_all(li, "span", "comment-author")[0])
        text = visible_text(find_all(li, "div", "comment-body")[0])
        ok = True
        if field == "name+comment":
            ok &= text_has(run, text, e, url, "comment", True)
            if len(e.tagged().strip()) <= NAME_CHARS:
                ok &= text_has(run, author, e, url, "name", True)
        elif field == "long-name":
            ok &= text_has(run, author, e, url, "name", True)
        elif field == "website":
            links = find_all(find_all(li, "span", "comment-author")[0], "a")
            href = links[0].get("href") if links else None
            ok &= href is not None and alnum(href) == alnum(e.text)
            if not ok:
                run.lost(url, "website", f"website of {e.marker} not linked as given: {href!r}", e.marker)
        else:
            ok &= e.marker in text
        run.place([e], "form", field, "rendered" if ok else "lost", url)


def answered(run: Run, url: str, what: str, status: int, body: bytes) -> bool:
    if status >= 500:
        run.server_error(url, status, body)
    elif status != 200:
        run.lost(url, what, f"answered {status}")
    return status == 200


def crawl(run: Run) -> None:
    c = run.checker
    base = run.base
    listed: dict[str, str] = {}  # path -> slug
    for kind in ("article", "page"):
        offset = 0
        while True:
            _, page = run.api("GET", f"/articles?kind={kind}&status=published&limit=100&offset={offset}")
            for a in page["articles"]:
                listed[urllib.parse.urlsplit(a["url"]).path] = a["slug"]
            offset += 100
            if offset >= page["total"]:
                break
    for slug, p in run.articles.items():
        if p.url and urllib.parse.urlsplit(p.url).path not in listed:
            run.lost(p.url, "article", f"{slug} was created but is not listed as published")
    slugs = {v: k for k, v in listed.items()}
    for slug, p in run.articles.items():
        if not p.url and slug in slugs:
            p.url = base + slugs[slug]
    for slug, p in run.articles.items():
        if not p.url:
            run.place(p.pack, p.fmt, "article", "refused", slug, "not imported")

    terms: set[str] = set()
    mastodon: list[str] = []
    replies: list[str] = []
    article_urls = [base + path for path in sorted(listed)]
    for url, (status, body, headers) in fetch_all(article_urls):
        run.pages["article"] += 1
        if not answered(run, url, "article", status, body):
            continue
        html = body.decode("utf-8", "replace")
        c.check_page(html, url)
        doc = parse_page(html)
        slug = listed[urllib.parse.urlsplit(url).path]
        p = run.articles.get(slug)
        if p is not None:
            check_article_page(run, p, doc, url)
            for cid, _, _ in p.comments[::4]:
                if cid:
                    replies.append(f"{base}/comments/{cid}/reply")
        for a in find_all(doc, "a"):
            href = a.get("href") or ""
            m = re.match(r"^/(section|tag|author)/[^/?#]+/$", href)
            if m:
                terms.add(href)
            if "share-mastodon" in (a.get("class") or "") and p is not None and p.fmt == "api":
                mastodon.append(base + href)

    # Comment feeds and oEmbed of every article.
    feed_urls = [base + path + "comments.xml" for path, slug in sorted(listed.items())
                 if run.articles.get(slug) and run.articles[slug].comments]
    for url, (status, body, _) in fetch_all(feed_urls):
        run.pages["comment-feed"] += 1
        if not answered(run, url, "comment-feed", status, body):
            continue
        root = c.check_rss(body, url, comment_feed=True)
        if root is not None:
            text = " ".join(root.itertext())
            slug = listed[urllib.parse.urlsplit(url).path[:-len("comments.xml")]]
            for cid, e, field in run.articles[slug].comments:
                if field in ("name+comment", "wp-comment") and e.marker not in text:
                    run.lost(url, "comment-feed", f"comment of {e.marker} missing from the comment feed", e.marker)
    oembed = [f"{base}/oembed?url={urllib.parse.quote(base + path, safe='')}" for path in sorted(listed)
              if re.match(r"^/\d{4}/", path)]
    for url, (status, body, _) in fetch_all(oembed):
        run.pages["oembed"] += 1
        if not answered(run, url, "oembed", status, body):
            continue
        data = json.loads(body)
        c.check_oembed(data, url)
        slug = listed[urllib.parse.urlsplit(urllib.parse.unquote(url.split("url=", 1)[1])).path]
        p = run.articles.get(slug)
        if p is not None:
            text = visible_text(parse_page(data["html"])) + " " + data.get("title", "")
            for e in p.fields.get("headline", []):
                text_has(run, text, e, url, "oembed", True)

    # List pages: front page and its pages, date archives, every section/tag/byline.
    lists = {"/"} | {re.match(r"^(/\d{4}/\d{2}/)", p).group(1) for p in listed if re.match(r"^/\d{4}/", p)}
    lists |= {p[:6] for p in listed if re.match(r"^/\d{4}/", p)}
    lists |= {p[:12] for p in listed if re.match(r"^/\d{4}/\d{2}/\d{2}/", p)}
    lists |= terms
    queue = sorted(lists)
    seen = set()
    while queue:
        batch, queue = queue, []
        for url, (status, body, _) in fetch_all([base + q for q in batch]):
            path = url[len(base):]
            seen.add(path)
            run.pages["list"] += 1
            if not answered(run, url, "list", status, body):
                continue
            html = body.decode("utf-8", "replace")
            c.check_page(html, url)
            doc = parse_page(html)
            for a in find_all(doc, "a", rel="next"):
                nxt = a.get("href")
                if nxt and nxt not in seen and not nxt.startswith("http"):
                    queue.append(nxt)
            m = re.search(r"-(hx\d{3})/", path)
            if m and path.startswith(("/section/", "/tag/", "/author/")):
                h1 = find_all(doc, "h1")
                if not h1 or m.group(1).upper() not in visible_text(h1[0]):
                    run.lost(url, "term", f"term page heading lost {m.group(1).upper()}", m.group(1).upper())

    # Feeds: the site's, every batch tag's (all three kinds; together they hold every article), and each term's.
    feeds = ["/feed.xml", "/atom.xml", "/feed.json"]
    all_kinds = os.environ.get("HOSTILE_ALL_FEEDS") == "1"
    for i, t in enumerate(sorted(terms)):
        kinds = ("feed.xml", "atom.xml", "feed.json") if all_kinds or "/hxbatch" in t else \
            (("feed.xml", "atom.xml", "feed.json")[i % 3],)
        feeds += [t + k for k in kinds]
    for url, (status, body, _) in fetch_all([base + f for f in feeds]):
        run.pages["feed"] += 1
        if not answered(run, url, "feed", status, body):
            continue
        if url.endswith("feed.xml"):
            root = c.check_rss(body, url)
            if root is not None:
                for item in root.iter("item"):
                    run.feed_items["rss"].add(item.findtext("link") or "")
        elif url.endswith("atom.xml"):
            root = c.check_atom(body, url)
            if root is not None:
                for entry in root.iter("{http://www.w3.org/2005/Atom}entry"):
                    run.feed_items["atom"].add(entry.findtext("{http://www.w3.org/2005/Atom}id") or "")
        else:
            feed = c.check_json_feed(body, url)
            for item in (feed or {}).get("items", []):
                run.feed_items["json"].add(item.get("url", ""))
                p = run.articles.get(urllib.parse.urlsplit(item.get("url", "")).path.rstrip("/").rsplit("/", 1)[-1])
                if p is not None:
                    for e in p.fields.get("headline", []):
                        text_has(run, item.get("title", ""), e, url, "feed-title", True)

    # Sitemaps, OpenSearch, robots.txt.
    for path in ("/sitemap.xml", "/news-sitemap.xml", "/opensearch.xml"):
        status, body, _ = http("GET", base + path)
        run.pages["xml"] += 1
        if not answered(run, base + path, "xml", status, body):
            continue
        root = c.parse_xml(body, base + path)
        if root is not None:
            c.check_xml_urls(root, base + path, ["loc", "Url"])
    status, body, _ = http("GET", base + "/robots.txt")
    for line in body.decode().splitlines():
        if line.startswith("Sitemap:") and not c.own(line.split(":", 1)[1].strip(), base + "/"):
            c.violations.append(Violation("meta-url", base + "/robots.txt", "robots", line))

    # Search: every entry as the query (echoed back), and one marker per pack (snippets of hostile text).
    queries = [e.tagged() for e in run.corpus] + sorted({p.pack[0].marker for p in run.articles.values()})
    search = [f"{base}/search?q={urllib.parse.quote(q)}" for q in queries]
    search.append(f"{base}/search?q=x&section=%3Cscript%3E&from=%22%3E%3Cscript%3E&page=%3Cb%3E")
    for url, (status, body, hdrs) in fetch_all(search):
        run.pages["search"] += 1
        if status >= 500:
            run.server_error(url, status, body)
            continue
        if "html" in hdrs.get("content-type", ""):
            c.check_page(body.decode("utf-8", "replace"), url)

    # Share on Mastodon (headline in the form), reply pages (the comment quoted), 404s for hostile paths.
    extra = mastodon + replies + [f"{base}/hx-missing/{urllib.parse.quote(e.text, safe='')}/"
                                  for e in run.corpus[::4]]
    for url, (status, body, hdrs) in fetch_all(extra):
        run.pages["other"] += 1
        if status >= 500:
            run.server_error(url, status, body)
            continue
        if "html" in hdrs.get("content-type", ""):
            c.check_page(body.decode("utf-8", "replace"), url)

    # Every article of a format must have reached a feed of every kind (through its batch tag).
    for slug, p in run.articles.items():
        if p.url and p.fmt in ("api", "md", "wp", "api-html"):
            for kind in ("rss", "atom", "json"):
                if p.url not in run.feed_items[kind]:
                    run.lost(p.url, "feed", f"{slug} is in no {kind} feed", p.pack[0].marker)

    # What must not have reached the site at all (the editors' search sees drafts too).
    for marker, why in run.absent_markers.items():
        status, answer = run.api("GET", f"/search?q={marker}")
        if status != 200 or answer.get("total", 0) != 0:
            c.violations.append(Violation("refused-reached-site", f"/api/v1/search?q={marker}", "import",
                                          f"{why}; search answered {status}: {str(answer)[:300]}", near=marker))


# --------------------------------------------------------------------------
# The fixture: one site, fed once, read back once


SETTINGS = {
    "DATELINE_SITE__TIMEZONE": "UTC",
    "DATELINE_SITE__PER_PAGE": "100",
    "DATELINE_COMMENTS__MIN_SECONDS": "0",
    "DATELINE_COMMENTS__RATE_BURST": "1000000",
    "DATELINE_COMMENTS__PER_PAGE": "1000",
    # Pages are checked as rendered; the cache would only serve the same bytes again.
    "DATELINE_CACHE__ENABLED": "false",
}


@pytest.fixture(scope="module")
def hostile():
    assert BINARY.exists(), f"build the binary first ({BINARY})"
    corpus = load_corpus()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, **SETTINGS, DATELINE_SITE__BASE_URL=base)
    run = Run(corpus, base)
    started = time.monotonic()
    groups = packs(corpus)
    plans = {fmt: [ArticlePlan(fmt, f"hx-{fmt}-{j:03d}", g, plan_fields(g, k)) for j, g in enumerate(groups)]
             for k, fmt in enumerate(FORMATS)}
    html_plans = [ArticlePlan("api-html", f"hx-apihtml-{j:03d}", g, {"body": g}) for j, g in enumerate(groups)]
    for ps in list(plans.values()) + [html_plans]:
        for p in ps:
            run.articles[p.slug] = p
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        data = tmp / "data"

        def cli(*args):
            r = subprocess.run([BINARY, "--data", data, *map(str, args)], capture_output=True, text=True, env=env,
                               timeout=600)
            run.import_logs.append(f"$ dateline {' '.join(map(str, args[:2]))} -> {r.returncode}\n{r.stdout[-3000:]}"
                                   f"{r.stderr[-3000:]}")
            return r

        # c) Markdown import
        files = write_markdown(run, plans["md"], tmp / "md")
        r = cli("import", "markdown", *files)
        imported = set(re.findall(r"^imported (\S+) -> ", r.stdout, re.M))
        for path in files:
            if str(path) not in imported:
                why = next((l for l in r.stderr.splitlines() if path.name in l), r.stderr[-300:])
                run.refused_files.append((path.name, why))
                slug = path.stem
                if slug in run.articles:
                    run.place(run.articles[slug].pack, "md", "file", "refused", path.name, why)
                    run.articles[slug].url = ""
                    run.articles[slug].fields = {}
        # d) WordPress import: the generated export, the hand-made tricks, and three files to refuse.
        write_wxr(run, plans["wp"], tmp / "export.xml")
        r = cli("import", "wordpress", tmp / "export.xml")
        assert r.returncode == 0, f"the generated WXR was refused: {r.stdout} {r.stderr}"
        for label in re.findall(r"^  post \d+ (.*): ", r.stdout, re.M):
            run.refused_files.append(("export.xml post", label))
        raw = write_raw_wxr(run, tmp)
        r = cli("import", "wordpress", raw["tricks"])
        assert r.returncode == 0, f"the raw tricks WXR was refused: {r.stdout} {r.stderr}"
        for name in ("doctype", "malformed", "control-char"):
            r = cli("import", "wordpress", raw[name])
            run.refused_files.append((raw[name].name, f"exit {r.returncode}: {(r.stderr or r.stdout).strip()[:200]}"))
            if name != "control-char":
                assert r.returncode != 0, f"{raw[name].name} was not refused: {r.stdout}"
        # b) the API needs an editor and a token
        cli("user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "editor")
        run.token = cli("token", "create", "--email", "ed@example.org").stdout.strip()
        run.seconds["imports"] = time.monotonic() - started
        proc = subprocess.Popen([BINARY, "--data", data, "serve", "--no-demo", "--listen", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            wait_up(base)
            status, raw_media, _ = http("POST", base + "/api/v1/media", tiny_png(),
                                        {"authorization": f"Bearer {run.token}", "content-type": "image/png"})
            assert status == 201, (status, raw_media)
            api_articles(run, plans["api"], html_plans, json.loads(raw_media)["id"])
            run.seconds["api"] = time.monotonic() - started
            form_comments(run, plans["api"])
            run.seconds["comments"] = time.monotonic() - started
            crawl(run)
            run.seconds["crawl"] = time.monotonic() - started
            assert proc.poll() is None, "the server stopped during the run"
            yield run
        finally:
            proc.terminate()
            proc.wait(timeout=10)


# --------------------------------------------------------------------------
# The tests


SELF_CHECK = {
    '<img src=x onerror=alert(1)>': "event-handler",
    '<script>alert(1)</script>': "script",
    '<a href="jav&#x09;ascript:alert(1)">x</a>': "dangerous-url",
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>': "dangerous-url",
    '<img src="//tracker.example/p.gif">': "foreign-load",
    '<img src="/\\tracker.example/p.gif">': "foreign-load",
    '<img srcset="/ok.png 1x, https://tracker.example/p.png 2x">': "foreign-load",
    '<iframe src="/x"></iframe>': "forbidden-element",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">': "forbidden-element",
    '<base href="https://evil.example/">': "forbidden-element",
    '<p style="position:fixed;inset:0">x</p>': "style",
    '<form action="https://evil.example/"><input name=p></form>': "foreign-load",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>': "dangerous-url",
}


def test_corpus_is_large_grouped_and_decoded():
    corpus = load_corpus()
    assert len(corpus) >= 150
    families = collections.Counter(e.family for e in corpus)
    assert len(families) >= 12, families
    assert len({e.text for e in corpus}) == len(corpus), "duplicate entries"
    assert any("\0" in e.text for e in corpus) and any("\u202e" in e.text for e in corpus)
    assert any(e.text.startswith("#") for e in corpus)
    assert all(len(e.tagged()) <= 300 for e in corpus), "every entry must fit a headline"


def test_the_checker_flags_known_bad_html():
    c = Checker("http://127.0.0.1:1")
    for html, kind in SELF_CHECK.items():
        found = {v.kind for v in c.check_fragment(html, "self-check", "body")}
        assert kind in found, (html, found)
    assert c.check_fragment('<p>Fine <a href="/x">x</a> <img src="/media/1/480.jpg"> <a href="https://e.org/">'
                            'e</a></p>', "self-check", "body") == []
    assert {v.kind for v in c.check_fragment('<a href="https://e.org/">e</a>', "self-check", "comment")} == \
        {"foreign-link"}
    page = ('<!doctype html><html><head><title>t</title><script type="application/ld+json">'
            '{"headline":"</script><script>alert(1)</script>"}</script></head><body><p>x</p></body></html>')
    assert {"script", "jsonld"} <= {v.kind for v in c.check_page(page, "http://127.0.0.1:1/a/")}
    good = ('<!doctype html><html><head><title>t</title><link rel="stylesheet" href="/static/site.css">'
            '<script type="application/ld+json">{"url":"http://127.0.0.1:1/a/","h":"\\u003c/script\\u003e"}'
            '</script></head><body><form action="/search"><input name="q"></form><article><div class="body">'
            '<a href="https://e.org/">e</a></div></article><section class="share"><a class="share-x" '
            'href="https://x.com/intent/post?url=a">X</a></section><script src="/static/share.js" defer></script>'
            '</body></html>')
    assert c.check_page(good, "http://127.0.0.1:1/a/") == []
    c.parse_xml(b"<rss><channel><title>bad \x01</title></channel></rss>", "self-check")
    assert c.violations[-1].kind == "xml-broken"


def summary(run: Run) -> str:
    out = [f"\n=== Hostile input: {len(run.corpus)} entries in "
           f"{len({e.family for e in run.corpus})} families, {len(run.articles)} articles planned ==="]
    table = collections.defaultdict(collections.Counter)
    for pl in run.placements:
        table[(pl.fmt, pl.field)][pl.outcome] += 1
    out.append(f"{'format':10} {'field':16} " + " ".join(f"{k:>18}" for k in
                                                      ("rendered", "rendered-swallowed", "refused", "n/a", "lost")))
    for (fmt, field), n in sorted(table.items()):
        out.append(f"{fmt:10} {field:16} " + " ".join(f"{n[k]:>18}" for k in
                                                      ("rendered", "rendered-swallowed", "refused", "n/a", "lost")))
    out.append(f"fields x formats covered: {len(table)}")
    entries_rendered = {pl.entry for pl in run.placements if pl.outcome.startswith("rendered")}
    out.append(f"entries stored and rendered somewhere: {len(entries_rendered)} of {len(run.corpus)}; "
               f"placements refused with a 4xx or by the importer: "
               f"{sum(1 for pl in run.placements if pl.outcome == 'refused')}")
    out.append("fetched: " + ", ".join(f"{k} {v}" for k, v in sorted(run.pages.items())))
    out.append("files refused by the importers: " + "; ".join(f"{n}: {w[:120]}" for n, w in run.refused_files))
    out.append("timing (cumulative s): " + ", ".join(f"{k} {v:.0f}" for k, v in run.seconds.items()))
    kinds = collections.Counter((known(v) or "NEW", v.kind) for v in run.checker.violations)
    out.append("violations: " + (", ".join(f"{k[0]}/{k[1]}: {n}" for k, n in sorted(kinds.items())) or "none"))
    for name, (why, pred) in KNOWN_FINDINGS.items():
        hits = [v for v in run.checker.violations if pred(v)]
        if hits:
            out.append(f"-- known finding {name} ({len(hits)}): {why}")
            out.extend("   " + v.line() for v in hits[:6])
    new = [v for v in run.checker.violations if not known(v)]
    if new:
        out.append(f"-- NEW violations ({len(new)}):")
        out.extend("   " + v.line() for v in new[:80])
    return "\n".join(out)


def test_hostile_input_is_served_safely(hostile):
    print(summary(hostile))
    new = [v for v in hostile.checker.violations if not known(v) and v.kind != "text-lost"]
    assert not new, "\n".join(v.line() for v in new[:80])


def test_hostile_text_stays_visible_as_text(hostile):
    lost = [v for v in hostile.checker.violations if v.kind == "text-lost"]
    assert not lost, "\n".join(v.line() for v in lost[:80])
    rendered = {pl.entry for pl in hostile.placements if pl.outcome == "rendered"}
    assert rendered == {e.idx for e in hostile.corpus}, sorted({e.idx for e in hostile.corpus} - rendered)


def test_every_field_and_format_was_fed(hostile):
    fed = {(pl.fmt, pl.field) for pl in hostile.placements if pl.outcome in ("rendered", "rendered-swallowed")}
    wanted = {("api", f) for f in ("headline", "standfirst", "body", "dateline", "section", "tags", "authors",
                                   "caption", "credit", "alt", "correction")}
    wanted |= {("md", f) for f in ("headline", "standfirst", "body", "dateline", "section", "tags", "authors",
                                   "caption", "credit", "alt")}
    wanted |= {("wp", f) for f in ("headline", "standfirst", "body", "section", "tags", "authors", "comment")}
    wanted |= {("form", f) for f in ("name+comment", "website")} | {("api-html", "body")}
    assert wanted <= fed, sorted(wanted - fed)


def test_refused_imports_leave_no_trace(hostile):
    bad = [v for v in hostile.checker.violations if v.kind == "refused-reached-site"]
    assert not bad, "\n".join(v.line() for v in bad)
    names = {n for n, _ in hostile.refused_files}
    assert {"refuse-doctype.xml", "refuse-malformed.xml"} <= names


@pytest.mark.skipif(not KNOWN_FINDINGS, reason="no open finding")
@pytest.mark.parametrize("finding", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=why)) for name, (why, _) in KNOWN_FINDINGS.items()
] or ["none"])
def test_known_finding_is_fixed(hostile, finding):
    """Each known finding is a real problem of the served output, kept as a
    strict xfail: once it is fixed this test passes, which fails the run until
    the finding is taken out of KNOWN_FINDINGS."""
    _, pred = KNOWN_FINDINGS[finding]
    hits = [v for v in hostile.checker.violations if pred(v)]
    assert not hits, f"{finding}: {len(hits)} places, e.g. " + "; ".join(v.line() for v in hits[:3])
