"""Debian's WordPress on MariaDB, driven through `wp.php` (install, import
with WordPress's own importer plugin, dump, resolve), for the round-trip test.
Each `WordPress` is a fresh database and uploads folder, dropped at the end."""

import json
import os
import pathlib
import secrets
import shutil
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
IMPORTER = HERE.parents[2].parent / "shared" / "tools" / "wordpress-importer"
WP_ROOT = pathlib.Path("/usr/share/wordpress")


def available() -> str | None:
    """Says what is missing for the WordPress half, or None when all is there."""
    if not IMPORTER.exists():
        return f"WordPress's importer is not beside the clone ({IMPORTER})"
    if not WP_ROOT.exists() or shutil.which("php") is None:
        return "Debian's wordpress and php-cli are not installed (scripts/test installs them)"
    if subprocess.run(["mysql", "-e", "SELECT 1"], capture_output=True).returncode != 0:
        return "MariaDB does not answer as root on its socket (scripts/test starts it)"
    return None


class WordPress:
    def __init__(self, coauthors: bool = False):
        self.db = "dltest_" + secrets.token_hex(6)
        self.content = tempfile.mkdtemp(prefix="wp-content-")
        self.coauthors = coauthors

    def __enter__(self):
        subprocess.run(["mysql", "-e", f"CREATE DATABASE {self.db} CHARACTER SET utf8mb4"], check=True)
        self._php("install")
        return self

    def __exit__(self, *exc):
        subprocess.run(["mysql", "-e", f"DROP DATABASE IF EXISTS {self.db}"], check=False)
        shutil.rmtree(self.content, ignore_errors=True)

    def _env(self, fetch_port: int | None = None) -> dict:
        env = dict(os.environ, WP_DB=self.db, WP_CONTENT=self.content, WP_URL="http://wp.test",
                   WP_IMPORTER=str(IMPORTER), WP_TZ="America/New_York")
        if fetch_port:
            env["WP_FETCH_PORT"] = str(fetch_port)
        if self.coauthors:
            env["WP_COAUTHORS"] = "1"
        return env

    def _php(self, *args: str, fetch_port: int | None = None) -> subprocess.CompletedProcess:
        r = subprocess.run(["php", str(HERE / "wp.php"), *args], capture_output=True, text=True,
                           env=self._env(fetch_port), timeout=600)
        assert r.returncode == 0, f"wp.php {args[0]} failed:\n{r.stdout}\n{r.stderr}"
        return r

    def import_file(self, path: str, fetch_port: int | None = None) -> str:
        """Imports a WXR file; returns the importer's log (failures it reports included)."""
        return self._php("import", path, fetch_port=fetch_port).stderr

    def dump(self) -> dict:
        return json.loads(self._php("dump").stdout)

    def resolve(self, path: str) -> dict:
        """What WordPress answers for an address: {'post': id} or {'redirect': url}."""
        return json.loads(self._php("resolve", path).stdout)
