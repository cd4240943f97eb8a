"""Starts the real `dateline` binary on a free port with a temporary data
folder holding the seed article, for checks by clients nobody on the team wrote."""

import os
import pathlib
import socket
import subprocess
import tempfile
import time
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


@pytest.fixture(scope="session")
def site():
    assert BINARY.exists(), f"build the binary first ({BINARY})"
    assert SEED.exists(), f"seed article missing: {SEED}"
    # The seed is a Washington story: its permalink date is the US East Coast's.
    env = dict(os.environ, DATELINE_SITE__TIMEZONE="America/New_York")
    with tempfile.TemporaryDirectory() as data:
        subprocess.run([BINARY, "--data", data, "import", "markdown", SEED], check=True, capture_output=True, env=env)
        port = free_port()
        proc = subprocess.Popen(
            [BINARY, "--data", data, "serve", "--no-demo", "--listen", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
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
            yield Site(base)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


SEED_PATH = "/2022/02/20/biden-tentatively-agrees-to-summit-with-putin/"
