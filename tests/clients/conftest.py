"""Starts the real `dateline` binary on a free port with a temporary data
folder holding the seed article, for checks by clients nobody on the team wrote."""

import contextlib
import json
import os
import pathlib
import re
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "article.md"
BINARY = pathlib.Path(os.environ.get("DATELINE_BIN", ROOT / "target" / "debug" / "dateline"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, base: str):
        self.base = base

    def get(self, path: str) -> tuple[int, bytes, dict]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as r:
                return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
        except urllib.error.HTTPError as e:
            return e.code, e.read(), {k.lower(): v for k, v in e.headers.items()}


# The seed is a Washington story: its permalink date is the US East Coast's.
SITE_ENV = {"DATELINE_SITE__TIMEZONE": "America/New_York", "DATELINE_COMMENTS__MIN_SECONDS": "0"}


def site_env() -> dict:
    return dict(os.environ, **SITE_ENV)


def cli(data: str, *args: str, env: dict | None = None) -> str:
    """Runs a `dateline` command on the data folder; returns its standard output."""
    return subprocess.run([BINARY, "--data", data, *args], check=True, capture_output=True, env=env or site_env(),
                          text=True).stdout


@contextlib.contextmanager
def serve(data: str, env: dict | None = None):
    """Serves the data folder on a free port until the block ends; yields the base URL."""
    assert BINARY.exists(), f"build the binary first ({BINARY})"
    port = free_port()
    proc = subprocess.Popen(
        [BINARY, "--data", data, "serve", "--no-demo", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env or site_env(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def site():
    assert BINARY.exists(), f"build the binary first ({BINARY})"
    if not SEED.exists():
        pytest.skip("skipped: needs ../shared/seed (the seed article) beside the clone")
    with tempfile.TemporaryDirectory() as data:
        cli(data, "import", "markdown", str(SEED))
        cli(data, "user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "editor")
        token = cli(data, "token", "create", "--email", "ed@example.org").strip()
        with serve(data) as base:
            site = Site(base)
            site.token = token
            add_comments(site)
            yield site


SEED_PATH = "/2022/02/20/biden-tentatively-agrees-to-summit-with-putin/"


def post_comment(site: Site, fields: dict) -> int:
    """Posts a comment through the article's form; returns its id."""
    _, html, _ = site.get(SEED_PATH)
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html.decode()))
    form.update(fields)
    req = urllib.request.Request(site.base + "/comments", data=urllib.parse.urlencode(form).encode(), method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(req, timeout=30)
    except urllib.error.HTTPError as e:
        assert e.code == 303, e.read()
        return int(e.headers["location"].rsplit("#comment-", 1)[1])
    raise AssertionError("no redirect after posting")


def approve(site: Site, comment_id: int) -> None:
    req = urllib.request.Request(site.base + f"/api/v1/comments/{comment_id}", method="PATCH",
                                 data=json.dumps({"status": "approved"}).encode(),
                                 headers={"authorization": f"Bearer {site.token}", "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200


def add_comments(site: Site) -> None:
    """Gives the seed article a short approved thread, so checks see comments too."""
    first = post_comment(site, {"name": "Ann Reader", "email": "ann@example.org", "url": "https://ann.example/",
                                "body": "Where will the summit be?\n\nSee https://example.org/geneva for the last one."})
    approve(site, first)
    reply = post_comment(site, {"name": "Bob", "email": "bob@example.org", "parent_id": str(first),
                                "body": "No place has been announced yet."})
    approve(site, reply)
