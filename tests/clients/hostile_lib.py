"""Helpers of test_hostile.py: the corpus reader, the checker that parses what
Dateline serves (HTML pages, feed fragments, JSON-LD, oEmbed, XML) the way a
browser or feed reader would and lists every way it could run script, load
something from another site or cover the page, and builders for the import
files (Markdown with YAML front matter, WordPress WXR).

The checker knows nothing of Dateline's code: it only knows what the site
itself legitimately serves (its own scripts, forms, share links), found by
reading the templates, and treats everything else as a violation."""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re
import struct
import urllib.parse
import zlib
from typing import Iterable
from xml.etree import ElementTree as ET

import html5lib
import yaml
from lxml import etree as LET

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "hostile.txt"

# --------------------------------------------------------------------------
# The corpus


@dataclasses.dataclass(frozen=True)
class Entry:
    idx: int
    family: str
    text: str

    @property
    def marker(self) -> str:
        return f"HX{self.idx:03d}"

    def tagged(self) -> str:
        """The entry with its marker, as it goes into a field."""
        return f"{self.text} {self.marker}"


_ESCAPE = re.compile(r"\\(n|r|t|0|\\|x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]{1,6}\})")


def decode_escapes(line: str) -> str:
    def one(m: re.Match) -> str:
        e = m.group(1)
        return {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\"}.get(e) or (
            chr(int(e[1:], 16)) if e[0] == "x" else chr(int(e[2:-1], 16))
        )

    return _ESCAPE.sub(one, line)


def load_corpus(path: pathlib.Path = CORPUS) -> list[Entry]:
    family = "unnamed"
    out: list[Entry] = []
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("## family:"):
            family = raw.split(":", 1)[1].strip()
            continue
        if raw.startswith("#") or not raw.strip():
            continue
        out.append(Entry(len(out) + 1, family, decode_escapes(raw)))
    return out


def alnum(s: str) -> str:
    """The letters and digits of a text, for "is this text still shown" checks."""
    return "".join(c for c in s if c.isalnum())


def xml_safe(s: str) -> bool:
    """Tells whether a string can be written in an XML 1.0 document at all."""
    for c in s:
        o = ord(c)
        if o in (0x9, 0xA, 0xD) or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF:
            continue
        return False
    return True


# --------------------------------------------------------------------------
# What the site may legitimately serve (from templates/): its own scripts,
# share links to the services' own share pages, its own forms.

OWN_SCRIPTS = {"/static/share.js", "/static/comments.js"}
SHARE_HOSTS = {"x.com", "www.facebook.com", "www.linkedin.com", "www.reddit.com", "bsky.app", "wa.me", "t.me"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# data: URLs the site itself produces: none (no template or render path emits one).
SITE_DATA_URL_PREFIXES: tuple[str, ...] = ()

# Elements that never belong in a page of this site (it uses none of them).
FORBIDDEN = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "svg", "math", "style",
    "noscript", "template", "video", "audio", "source", "track", "picture", "canvas", "xmp", "plaintext",
    "noembed", "noframes", "isindex", "keygen", "marquee", "bgsound", "image", "param", "slot", "dialog",
}
# Form controls: the site's own chrome has them, user content never may.
CONTROLS = {"form", "input", "button", "select", "textarea", "option", "datalist", "output", "fieldset"}
# Attributes naming a resource the browser fetches by itself.
LOAD_ATTRS = {"src", "srcset", "poster", "background", "data", "lowsrc", "dynsrc", "codebase", "manifest",
              "icon", "ping", "archive", "classid", "code"}
# Attributes naming a place to go to (checked for scheme; foreign only where allowed).
NAV_ATTRS = {"href", "action", "formaction", "cite", "longdesc", "usemap", "profile", "xlink:href"}


@dataclasses.dataclass
class Violation:
    kind: str      # script | event-handler | dangerous-url | foreign-load | foreign-link | forbidden-element |
                   # style | jsonld | xml-broken | markup-in-text | server-error | text-lost | meta-url
    where: str     # the URL (and part) it was found in
    context: str   # body | comment | share | chrome | feed-content | rss-description | oembed | ...
    detail: str
    tag: str = ""
    near: str = ""  # the nearest entry marker found around it

    def line(self) -> str:
        return f"[{self.kind}] {self.where} ({self.context}{', ' + self.tag if self.tag else ''}) " \
               f"near {self.near or '?'}: {self.detail[:300]!r}"


MARKER = re.compile(r"HX\d{3}|HX[A-Z]\d{2}")


def _local(name: str) -> str:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ("xlink:" + local) if ns == "http://www.w3.org/1999/xlink" else local
    return name


def normalize_url(value: str) -> str:
    """What a browser makes of an attribute's URL before resolving it:
    leading/trailing C0 controls and spaces dropped, tabs and newlines removed
    (entities were already decoded by the parser)."""
    v = value.strip("".join(chr(i) for i in range(0x21)))
    return re.sub(r"[\t\n\r]", "", v)


def url_scheme(value: str) -> str | None:
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", normalize_url(value))
    return m.group(1).lower() if m else None


def resolve(value: str, base: str) -> str:
    """Resolves a URL like a browser for http(s) pages: backslashes count as
    slashes, and "https:host" with another scheme than the base's means
    "https://host"."""
    v = normalize_url(value)
    scheme = url_scheme(v)
    base_scheme = urllib.parse.urlsplit(base).scheme
    if scheme in (None, "http", "https"):
        v = v.replace("\\", "/")
        if scheme is not None:
            rest = v[len(scheme) + 1:]
            if scheme != base_scheme:
                v = f"{scheme}://{rest.lstrip('/')}"
            elif not rest.startswith("//"):
                v = rest
    return urllib.parse.urljoin(base, v)


def origin(url: str) -> tuple[str, str, int | None]:
    p = urllib.parse.urlsplit(url)
    try:
        port = p.port
    except ValueError:
        port = -1
    if port is None:
        port = {"http": 80, "https": 443}.get(p.scheme)
    return (p.scheme.lower(), (p.hostname or "").lower(), port)


def srcset_urls(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


class Checker:
    """Collects violations for one site (its origin is the only one pages may load from)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.origin = origin(self.base + "/")
        self.violations: list[Violation] = []
        self._seen_fragments: dict[tuple[str, str], list[Violation]] = {}

    # -- helpers
    def _add(self, v: Violation) -> None:
        self.violations.append(v)

    def own(self, url: str, base: str) -> bool:
        return origin(resolve(url, base)) == self.origin

    # -- HTML
    def check_page(self, html: str, url: str) -> list[Violation]:
        """A whole served page: only the site's own scripts, forms and links."""
        doc = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
        found: list[Violation] = []
        self._walk(doc, [], url, "chrome", found, page=True)
        scripts = [el for el in doc.iter() if isinstance(el.tag, str) and _local(el.tag) == "script"]
        ld = [s for s in scripts if (s.get("type") or "").strip().lower() == "application/ld+json"]
        if len(ld) > 1:
            found.append(Violation("script", url, "chrome", f"{len(ld)} JSON-LD scripts (the layout has one)"))
        for s in ld:
            found.extend(self.check_jsonld(s.text or "", url))
        self._meta_urls(doc, url, found)
        for v in found:
            self._add(v)
        return found

    def check_fragment(self, html: str, where: str, context: str, base: str | None = None) -> list[Violation]:
        """HTML that another program shows inside its own page (feed content,
        oEmbed html, comment feed items): no script, controls or embeds at all."""
        key = (html, context)
        if key in self._seen_fragments:
            cached = [dataclasses.replace(v, where=where) for v in self._seen_fragments[key]]
        else:
            doc = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
            cached = []
            self._walk(doc, [], base or (self.base + "/"), context, cached, page=False, where=where)
            self._seen_fragments[key] = cached
            cached = [dataclasses.replace(v, where=where) for v in cached]
        for v in cached:
            self._add(v)
        return cached

    def _walk(self, el, ancestors: list, base: str, context: str, found: list, page: bool, where: str = "") -> None:
        where = where or base
        # html5lib's fragment root is a container, not an element of the page.
        tag = _local(el.tag) if isinstance(el.tag, str) and el.tag != "DOCUMENT_FRAGMENT" else None
        ctx = context
        if tag is not None:
            cls = (el.get("class") or "").split()
            if page:
                if tag == "div" and "body" in cls and any(_local(a.tag) == "article" for a in ancestors
                                                          if isinstance(a.tag, str)):
                    ctx = "body"
                elif tag == "li" and "comment" in cls:
                    ctx = "comment"
                elif tag == "section" and "share" in cls and ctx == "chrome":
                    ctx = "share"
            self._element(el, tag, ancestors, base, ctx, found, page, where)
            ancestors = ancestors + [el]
        for child in list(el):
            self._walk(child, ancestors, base, ctx, found, page, where)

    def _near(self, el, ancestors: list) -> str:
        for node in [el] + ancestors[::-1]:
            text = " ".join(node.itertext()) if isinstance(node.tag, str) else ""
            text += " " + " ".join(str(v) for v in node.attrib.values()) if hasattr(node, "attrib") else ""
            m = MARKER.findall(text)
            if m:
                return ",".join(sorted(set(m))[:4])
        return ""

    def _element(self, el, tag: str, ancestors: list, base: str, ctx: str, found: list, page: bool,
                 where: str) -> None:
        def bad(kind: str, detail: str) -> None:
            found.append(Violation(kind, where, ctx, detail, tag, self._near(el, ancestors)))

        snippet = f"<{tag} " + " ".join(f'{_local(k)}="{v}"' for k, v in el.attrib.items()) + ">"
        in_head = any(isinstance(a.tag, str) and _local(a.tag) == "head" for a in ancestors)
        user = ctx not in ("chrome", "share")

        if ctx == "rss-description" or ctx == "text":
            bad("markup-in-text", f"a text field became markup: {snippet}")
        if tag == "script":
            typ = (el.get("type") or "").strip().lower()
            src = el.get("src")
            if not page:
                bad("script", snippet + (el.text or "")[:120])
            elif typ == "application/ld+json" and src is None and in_head:
                pass
            elif src is not None and self.own(src, base) and \
                    urllib.parse.urlsplit(resolve(src, base)).path in OWN_SCRIPTS and typ in ("", "text/javascript"):
                pass
            else:
                bad("script", snippet + (el.text or "")[:120])
        if tag in FORBIDDEN:
            bad("forbidden-element", snippet)
        if tag in CONTROLS and (user or not page):
            bad("forbidden-element", f"form control in user content: {snippet}")
        if tag == "form":
            action = el.get("action")
            if action is not None and not self.own(action, base):
                bad("foreign-load", f"form posts to another site: {snippet}")
        if tag == "meta":
            if el.get("http-equiv") is not None:
                bad("forbidden-element", f"meta http-equiv: {snippet}")
            if not in_head:
                bad("forbidden-element", f"meta outside head: {snippet}")
        if tag == "link":
            if not in_head or not page:
                bad("forbidden-element", f"link outside head: {snippet}")
            href = el.get("href")
            if href is not None and url_scheme(href) in SAFE_SCHEMES | {None} and not self.own(href, base):
                bad("foreign-load", f"link to another site: {snippet}")
        if tag == "title" and (not in_head or not page):
            bad("forbidden-element", f"title outside head: {snippet}")
        if tag in ("head", "body", "html") and not page:
            bad("forbidden-element", f"document element in a fragment: {snippet}")

        for key, value in el.attrib.items():
            name = _local(key).lower()
            if name.startswith("on"):
                bad("event-handler", snippet)
            if name == "style":
                bad("style", f"style attribute: {snippet}")
            if name == "srcdoc":
                bad("forbidden-element", f"srcdoc: {snippet}")
            if name in LOAD_ATTRS or name in NAV_ATTRS:
                urls = srcset_urls(value) if name in ("srcset", "imagesrcset") else [value]
                if name == "ping":
                    urls = value.split()
                for u in urls:
                    self._url(u, name, tag, el, base, ctx, page, bad, snippet)

    def _url(self, u: str, name: str, tag: str, el, base: str, ctx: str, page: bool, bad, snippet: str) -> None:
        scheme = url_scheme(u)
        if scheme is not None and scheme not in SAFE_SCHEMES:
            own_data = scheme == "data" and any(normalize_url(u).startswith(p) for p in SITE_DATA_URL_PREFIXES)
            if not own_data:
                bad("dangerous-url", f"{name}={u!r} in {snippet}")
            return
        if scheme in ("mailto", "tel"):
            if name in LOAD_ATTRS:
                bad("dangerous-url", f"{name}={u!r} in {snippet}")
            return
        own = self.own(u, base)
        if own:
            return
        if name in LOAD_ATTRS or (tag == "link"):
            bad("foreign-load", f"{name}={u!r} ({resolve(u, base)}) in {snippet}")
            return
        # A link (or form) to another site.
        if tag != "a" or name != "href":
            bad("foreign-link", f"{name}={u!r} on <{tag}> in {snippet}")
            return
        rel = set((el.get("rel") or "").lower().split())
        if ctx in ("body", "feed-content"):
            return
        if ctx in ("comment", "comment-feed"):
            if not {"nofollow", "ugc"} <= rel:
                bad("foreign-link", f"commenter's link without rel=nofollow ugc: {snippet}")
            return
        if ctx == "share":
            host = origin(resolve(u, base))[1]
            if host in SHARE_HOSTS and (el.get("class") or "").startswith("share-"):
                return
        bad("foreign-link", f"link to another site outside user content: {snippet}")

    def _meta_urls(self, doc, url: str, found: list) -> None:
        for m in doc.iter():
            if not isinstance(m.tag, str) or _local(m.tag) != "meta":
                continue
            key = (m.get("property") or m.get("name") or "").lower()
            if key in ("og:image", "og:url", "twitter:image", "og:image:url", "og:image:secure_url",
                       "article:author") and m.get("content"):
                c = m.get("content")
                if url_scheme(c) not in ("http", "https") or not self.own(c, url):
                    found.append(Violation("meta-url", url, "chrome", f"{key}={c!r}", "meta"))

    # -- JSON-LD
    URL_KEYS = {"url", "image", "logo", "item", "urlTemplate", "mainEntityOfPage", "@id", "contentUrl",
                "thumbnailUrl", "sameAs", "target"}

    def check_jsonld(self, text: str, where: str) -> list[Violation]:
        found = []
        if "<" in text:
            found.append(Violation("jsonld", where, "chrome", f"'<' inside the JSON-LD script: {text[:200]!r}"))
        try:
            data = json.loads(text)
        except ValueError as e:
            found.append(Violation("jsonld", where, "chrome", f"JSON-LD does not parse: {e}: {text[:200]!r}"))
            return found

        def walk(node, key=""):
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, k)
            elif isinstance(node, list):
                for v in node:
                    walk(v, key)
            elif isinstance(node, str) and key in self.URL_KEYS:
                u = node.replace("{search_term_string}", "x")
                if url_scheme(u) not in ("http", "https") or not self.own(u, self.base + "/"):
                    found.append(Violation("jsonld", where, "chrome", f"{key}={node!r} is not a URL of this site"))

        walk(data)
        return found

    # -- feeds and other XML
    def parse_xml(self, body: bytes, where: str):
        try:
            return LET.fromstring(body, LET.XMLParser(resolve_entities=False, no_network=True))
        except LET.XMLSyntaxError as e:
            lines = body.decode("utf-8", "replace").split("\n")
            bad_line = lines[e.lineno - 1] if 0 < (e.lineno or 0) <= len(lines) else ""
            self._add(Violation("xml-broken", where, "xml", f"not well-formed XML: {e}: line {bad_line[:200]!r}",
                                near=",".join(sorted(set(MARKER.findall(bad_line)))[:4])))
            # Go on with what a lenient reader would see: the characters XML forbids dropped.
            text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", body.decode("utf-8", "replace"))
            try:
                return LET.fromstring(text.encode(), LET.XMLParser(resolve_entities=False, no_network=True))
            except LET.XMLSyntaxError:
                pass
            try:
                return LET.fromstring(body, LET.XMLParser(recover=True, resolve_entities=False, no_network=True))
            except LET.XMLSyntaxError:
                return None

    def check_xml_urls(self, root, where: str, tags: Iterable[str]) -> None:
        wanted = set(tags)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            local = el.tag.rsplit("}", 1)[-1]
            values = []
            if local in wanted and el.text:
                values.append(el.text.strip())
            for attr in ("href", "url", "template"):
                if el.get(attr) is not None and local in wanted | {"link", "content", "Url", "enclosure"}:
                    values.append(el.get(attr))
            for v in values:
                u = v.replace("{searchTerms}", "x")
                if url_scheme(u) not in ("http", "https") or not self.own(u, self.base + "/"):
                    self._add(Violation("meta-url", where, "xml", f"<{local}> {v!r} is not a URL of this site"))

    def check_rss(self, body: bytes, where: str, comment_feed: bool = False) -> LET._Element | None:
        root = self.parse_xml(body, where)
        if root is None:
            return None
        self.check_xml_urls(root, where, ["link", "guid", "loc"])
        for item in root.iter("item"):
            link = item.findtext("link") or ""
            desc = item.findtext("description")
            enc = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
            if desc:
                # RSS readers show <description> as HTML.
                self.check_fragment(desc, f"{where} item {link} <description>",
                                    "comment-feed" if comment_feed else "rss-description")
            if enc:
                self.check_fragment(enc, f"{where} item {link} <content:encoded>", "feed-content")
        return root

    def check_atom(self, body: bytes, where: str):
        root = self.parse_xml(body, where)
        if root is None:
            return None
        A = "{http://www.w3.org/2005/Atom}"
        self.check_xml_urls(root, where, ["id"])
        for entry in root.iter(A + "entry"):
            link = entry.findtext(A + "id") or ""
            for part in ("content", "summary", "title"):
                el = entry.find(A + part)
                if el is None or el.text is None:
                    continue
                if el.get("type") == "html":
                    self.check_fragment(el.text, f"{where} entry {link} <{part}>", "feed-content")
                elif el.get("type") == "xhtml":
                    self._add(Violation("markup-in-text", where, "feed-content", f"xhtml {part}"))
        return root

    def check_json_feed(self, body: bytes, where: str) -> dict | None:
        try:
            feed = json.loads(body)
        except ValueError as e:
            self._add(Violation("xml-broken", where, "json-feed", f"JSON Feed does not parse: {e}"))
            return None
        for key in ("home_page_url", "feed_url", "icon"):
            if key in feed and not self.own(feed[key], self.base + "/"):
                self._add(Violation("meta-url", where, "json-feed", f"{key}={feed[key]!r}"))
        for item in feed.get("items", []):
            for key in ("url", "id", "image"):
                if key in item and (url_scheme(item[key]) not in ("http", "https") or
                                    not self.own(item[key], self.base + "/")):
                    self._add(Violation("meta-url", where, "json-feed", f"item {key}={item[key]!r}"))
            if "content_html" in item:
                self.check_fragment(item["content_html"], f"{where} item {item.get('url')} content_html",
                                    "feed-content")
        return feed

    def check_oembed(self, data: dict, where: str) -> None:
        for key in ("author_url", "provider_url", "thumbnail_url"):
            v = data.get(key)
            if v is not None and (url_scheme(v) not in ("http", "https") or not self.own(v, self.base + "/")):
                self._add(Violation("meta-url", where, "oembed", f"{key}={v!r}"))
        if data.get("type") not in ("rich", "link", "photo"):
            self._add(Violation("forbidden-element", where, "oembed", f"type={data.get('type')!r}"))
        self.check_fragment(data.get("html", ""), where + " html", "oembed")


def visible_text(el) -> str:
    return " ".join(t for t in el.itertext()) if el is not None else ""


def parse_page(html: str):
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def find_all(doc, tag: str, cls: str | None = None, **attrs) -> list:
    out = []
    for el in doc.iter():
        if not isinstance(el.tag, str) or _local(el.tag) != tag:
            continue
        if cls is not None and cls not in (el.get("class") or "").split():
            continue
        if any(el.get(k) != v for k, v in attrs.items()):
            continue
        out.append(el)
    return out


# --------------------------------------------------------------------------
# Builders of import files


def tiny_png(width: int = 48, height: int = 32) -> bytes:
    """A small valid PNG (a grey gradient), made without any imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + bytes((x * 5 + y * 3) % 256 for x in range(width) for _ in range(3))
                    for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def front_matter(fields: dict) -> str:
    """YAML front matter with every string double-quoted and escaped, so each
    value arrives exactly as given whatever it holds."""
    text = yaml.safe_dump(fields, default_style='"', allow_unicode=False, width=1 << 30, sort_keys=False)
    return "---\n" + text + "---\n"


WXR_NS = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}


def _q(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{WXR_NS[prefix]}}}{local}" if local else name


class Wxr:
    """A WordPress export built with ElementTree, so every value is written as text."""

    def __init__(self, base: str = "http://old.example"):
        for p, uri in WXR_NS.items():
            ET.register_namespace(p, uri)
        self.rss = ET.Element("rss", {"version": "2.0"})
        self.channel = ET.SubElement(self.rss, "channel")
        for name, value in (("title", "Old hostile blog"), ("link", base), ("description", "x"),
                            ("wp:wxr_version", "1.2"), ("wp:base_site_url", base), ("wp:base_blog_url", base)):
            ET.SubElement(self.channel, _q(name)).text = value

    @staticmethod
    def _fields(parent, pairs) -> None:
        for name, value in pairs:
            ET.SubElement(parent, _q(name)).text = value

    def author(self, login: str, email: str, display: str) -> None:
        a = ET.SubElement(self.channel, _q("wp:author"))
        self._fields(a, [("wp:author_login", login), ("wp:author_email", email),
                         ("wp:author_display_name", display)])

    def post(self, *, post_id: int, title: str, slug: str, creator: str, content: str, excerpt: str,
             date: str, categories: list[tuple[str, str, str]], comments: list[dict],
             meta: list[tuple[str, str]] = (), post_type: str = "post", attachment_url: str = "") -> None:
        item = ET.SubElement(self.channel, "item")
        self._fields(item, [
            ("title", title), ("link", f"http://old.example/?p={post_id}"), ("dc:creator", creator),
            ("description", ""), ("content:encoded", content), ("excerpt:encoded", excerpt),
            ("wp:post_id", str(post_id)), ("wp:post_date", date), ("wp:post_date_gmt", date),
            ("wp:comment_status", "open"), ("wp:ping_status", "closed"), ("wp:post_name", slug),
            ("wp:status", "publish" if post_type != "attachment" else "inherit"), ("wp:post_parent", "0"),
            ("wp:menu_order", "0"), ("wp:post_type", post_type), ("wp:post_password", ""), ("wp:is_sticky", "0"),
        ])
        if attachment_url:
            ET.SubElement(item, _q("wp:attachment_url")).text = attachment_url
        for domain, nicename, name in categories:
            ET.SubElement(item, "category", {"domain": domain, "nicename": nicename}).text = name
        for key, value in meta:
            m = ET.SubElement(item, _q("wp:postmeta"))
            self._fields(m, [("wp:meta_key", key), ("wp:meta_value", value)])
        for c in comments:
            el = ET.SubElement(item, _q("wp:comment"))
            self._fields(el, [
                ("wp:comment_id", str(c["id"])), ("wp:comment_author", c["author"]),
                ("wp:comment_author_email", c.get("email", "")), ("wp:comment_author_url", c.get("url", "")),
                ("wp:comment_author_IP", "192.0.2.1"), ("wp:comment_date", date), ("wp:comment_date_gmt", date),
                ("wp:comment_content", c["content"]), ("wp:comment_approved", "1"), ("wp:comment_type", ""),
                ("wp:comment_parent", "0"),
            ])

    def write(self, path: pathlib.Path) -> None:
        ET.ElementTree(self.rss).write(path, encoding="utf-8", xml_declaration=True)
