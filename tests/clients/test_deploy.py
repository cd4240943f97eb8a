"""The operator's path in docs/DEPLOY.md, checked with the real tools: systemd
reads deploy/dateline.service; Debian's nginx with deploy/nginx.conf (a
self-signed certificate) and Debian's Caddy with deploy/Caddyfile (its own
local CA) stand in front of the real binary with HTTPS and HTTP/2.

Needs the team's own fixture story only (tests/fixtures/story), not ../shared."""

import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time

import pytest

from conftest import BINARY, ROOT, cli, free_port, serve, site_env

DEPLOY = ROOT / "deploy"
STORY = ROOT / "tests" / "fixtures" / "story" / "article.md"


def test_systemd_reads_the_unit_without_a_complaint():
    if not shutil.which("systemd-analyze"):
        pytest.skip("skipped: systemd-analyze is not installed")
    unit = (DEPLOY / "dateline.service").read_text()
    assert "ProtectSystem=strict" in unit and "NoNewPrivileges=true" in unit
    assert re.search(r"^LimitNOFILE=(\d+)$", unit, re.M) and int(re.search(r"^LimitNOFILE=(\d+)$", unit, re.M)[1]) > 16384
    with tempfile.TemporaryDirectory() as tmp:
        # The unit as installed, pointing at the binary just built.
        path = pathlib.Path(tmp) / "dateline.service"
        path.write_text(unit.replace("/usr/local/bin/dateline", str(BINARY.resolve())))
        r = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True)
        # verify exits 0 on unknown keys and bad values, but names them: nothing may be named.
        assert r.returncode == 0 and r.stderr.strip() == "", r.stderr


def nginx_site(dateline_port: int, tls_port: int, cert: pathlib.Path, key: pathlib.Path) -> str:
    """deploy/nginx.conf as an operator would fill it in, on test ports, with
    nginx reaching Dateline from 127.0.0.2 (the only address Dateline trusts)."""
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{dateline_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
    site = site.replace("listen [::]:443 ssl http2;\n", "").replace("listen [::]:80;\n", "")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    site = site.replace("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key))
    site = site.replace("news.example.org", "localhost")
    site = site.replace("proxy_http_version 1.1;", "proxy_http_version 1.1;\n    proxy_bind 127.0.0.2;")
    assert f"127.0.0.1:{tls_port} ssl http2" in site and str(cert) in site, "deploy/nginx.conf changed shape"
    return site


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sk", "--max-time", "20", *args], capture_output=True, text=True)


def post_comment(url: str, page: str, extra: list[str], name: str) -> tuple[int, str]:
    """Posts a comment through the page's form with curl; returns its id and the answer's headers."""
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    fields = dict(hidden, name=name, email=f"{name.lower()}@example.org", body=f"{name} was at the light.")
    args = [a for k, v in fields.items() for a in ("--data-urlencode", f"{k}={v}")]
    r = curl("-o", "/dev/null", "-D", "-", *extra, *args, url)
    location = re.search(r"^location: .*#comment-(\d+)", r.stdout, re.M | re.I)
    assert location, r.stdout + r.stderr
    return int(location[1]), r.stdout


def through_proxy(front: str, resolve: list[str], data: pathlib.Path, reader: str) -> tuple[str, str]:
    """What every proxy set-up must give readers; returns the story's path and page."""
    for _ in range(200):
        if curl(*resolve, "-o", "/dev/null", "-f", front + "/healthz").returncode == 0:
            break
        time.sleep(0.05)
    # HTTP/2 to the proxy's readers, and HSTS on what Dateline answers through it.
    r = curl(*resolve, "--http2", "-D", "-", "-o", "/dev/null", "-w", "%{http_version}", front + "/")
    assert r.stdout.endswith("2"), r.stdout + r.stderr
    assert re.search(r"^strict-transport-security: max-age=\d+", r.stdout, re.M | re.I), r.stdout
    home = curl(*resolve, front + "/").stdout
    story = re.search(r'href="(?:https://localhost:\d+)?(/\d{4}/\d\d/\d\d/breakwater-light-shines-again/)"', home)
    assert story, home[:2000]
    page = curl(*resolve, front + story[1]).stdout
    # The links other sites and feeds keep are absolute, on https://.
    assert f'<link rel="canonical" href="{front}{story[1]}"' in page
    assert f'<meta property="og:url" content="{front}{story[1]}"' in page
    # A reader claiming to be elsewhere: the proxy adds the real address last,
    # Dateline believes the proxy, so the claim is ignored.
    via_proxy, headers = post_comment(
        front + "/comments", page, [*resolve, "--interface", reader, "-H", "X-Forwarded-For: 203.0.113.7"], "Ada")
    # Cookies set through HTTPS are Secure (the commenter's browser cookie).
    cookies = re.findall(r"^set-cookie: (.*)$", headers, re.M | re.I)
    assert cookies and all("Secure" in c for c in cookies), headers
    with sqlite3.connect(data / "dateline.db") as db:
        ip = db.execute("SELECT ip FROM comments WHERE id = ?", (via_proxy,)).fetchone()[0]
    assert ip == reader, ip
    return story[1], page


def https_site(work: pathlib.Path, proxy: str) -> tuple[int, pathlib.Path, dict]:
    """A data folder holding the fixture story, served as https://localhost:PORT
    behind a proxy at `proxy`: the port, the folder and Dateline's environment."""
    data = work / "data"
    data.mkdir()
    cli(str(data), "import", "markdown", str(STORY))
    tls = free_port()
    env = dict(site_env(), DATELINE_SITE__BASE_URL=f"https://localhost:{tls}",
               DATELINE_SERVER__TRUSTED_PROXIES=f'["{proxy}"]')
    return tls, data, env


def test_behind_nginx_with_https_and_http2():
    if not shutil.which("nginx") or not shutil.which("openssl") or not shutil.which("curl"):
        pytest.skip("skipped: needs nginx, openssl and curl (the test command installs them)")
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        work.chmod(0o755)
        cert, key = work / "cert.pem", work / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        tls, data, env = https_site(work, "127.0.0.2")
        with serve(str(data), env) as base:
            port = int(base.rsplit(":", 1)[1])
            (work / "site.conf").write_text(nginx_site(port, tls, cert, key))
            for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (work / d).mkdir()
            (work / "nginx.conf").write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  include {work}/site.conf;
}}
""")
            check = subprocess.run(["nginx", "-t", "-c", str(work / "nginx.conf")], capture_output=True, text=True)
            assert check.returncode == 0, check.stderr
            proxy = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                                     stderr=subprocess.DEVNULL)
            try:
                resolve = ["--resolve", f"localhost:{tls}:127.0.0.1"]
                path, _ = through_proxy(f"https://localhost:{tls}", resolve, data, "127.0.0.3")
                # Straight to Dateline, not through the proxy (which reaches it from
                # 127.0.0.2): the header is not believed at all.
                direct, _ = post_comment(base + "/comments", curl(base + path).stdout,
                                         ["-H", "X-Forwarded-For: 198.51.100.9"], "Bo")
                with sqlite3.connect(data / "dateline.db") as db:
                    ip = db.execute("SELECT ip FROM comments WHERE id = ?", (direct,)).fetchone()[0]
                assert ip == "127.0.0.1", ip
                # dateline doctor reaches base_url through nginx and names the certificate
                # no machine trusts (a self-signed one) as the fault it is.
                r = subprocess.run([BINARY, "--data", str(data), "doctor"], capture_output=True, text=True, env=env)
                assert r.returncode == 1, r.stdout + r.stderr
                assert f"FAULT base_url https://localhost:{tls}: the HTTPS handshake failed" in r.stdout, r.stdout
                assert "certificate" in r.stdout, r.stdout
            finally:
                proxy.terminate()
                proxy.wait(timeout=10)


def test_behind_caddy_with_https_and_http2():
    if not shutil.which("caddy") or not shutil.which("curl"):
        pytest.skip("skipped: Caddy is not installed (apt install caddy)")
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        tls, data, env = https_site(work, "127.0.0.1")
        with serve(str(data), env) as base:
            port = int(base.rsplit(":", 1)[1])
            # deploy/Caddyfile on test ports, with Caddy's own local CA instead of a public one.
            site = (DEPLOY / "Caddyfile").read_text()
            assert "news.example.org {" in site and "reverse_proxy 127.0.0.1:8080" in site, "deploy/Caddyfile changed shape"
            site = site.replace("news.example.org {", f"localhost:{tls} {{\n\ttls internal")
            site = site.replace("reverse_proxy 127.0.0.1:8080", f"reverse_proxy 127.0.0.1:{port}")
            options = (f"{{\n\tadmin off\n\tskip_install_trust\n\thttp_port {free_port()}\n\thttps_port {tls}\n"
                       f"\tstorage file_system {work / 'caddy'}\n}}\n")
            (work / "Caddyfile").write_text(options + site)
            caddy_env = dict(os.environ, HOME=str(work), XDG_DATA_HOME=str(work / "xdg-data"),
                             XDG_CONFIG_HOME=str(work / "xdg-config"))
            proxy = subprocess.Popen(["caddy", "run", "--config", str(work / "Caddyfile"), "--adapter", "caddyfile"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=caddy_env)
            try:
                resolve = ["--resolve", f"localhost:{tls}:127.0.0.1"]
                through_proxy(f"https://localhost:{tls}", resolve, data, "127.0.0.3")
            finally:
                proxy.terminate()
                proxy.wait(timeout=10)
