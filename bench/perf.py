#!/usr/bin/env python3
"""Serving, comment-posting, memory and start-up benchmarks of Dateline, side
by side with nginx serving a byte-identical copy of the page.

Run through `bench/run` (which builds the release binary). Everything it makes
lives in a temporary folder and temporary PostgreSQL databases, removed at the
end. Only 127.0.0.1 is ever loaded, and every load is a bounded wrk run.

Environment:
  BIN        the dateline binary (bench/run sets target/release/dateline)
  BIG_SITE   a data folder `dateline generate --articles 100000 --comments 1000000`
             made (reused, not changed: it is copied); generated when missing
  DURATION   seconds per wrk run (default 10)
  RUNS       runs per figure; the median is reported (default 3)
  SMOKE=1    a few seconds in all: tiny data, one short run of each kind, the
             table written to OUT only (CI checks that the benchmark runs)
  OUT        the Markdown file to write the table into (default docs/PERFORMANCE.md)
"""

import json
import os
import pathlib
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "article.md"
SEED_PATH = "/2022/02/20/biden-tentatively-agrees-to-summit-with-putin/"
if not SEED.exists():
    # A fresh clone without ../shared: the team's own fixture story stands in
    # (the figures then describe that page, not the seed's).
    SEED = ROOT / "tests" / "fixtures" / "story" / "article.md"
    SEED_PATH = "/2025/03/15/breakwater-light-shines-again/"
SMOKE = os.environ.get("SMOKE") == "1"
BIN = os.environ.get("BIN", str(ROOT / "target" / "release" / "dateline"))
DURATION = int(os.environ.get("DURATION", "1" if SMOKE else "10"))
RUNS = int(os.environ.get("RUNS", "1" if SMOKE else "3"))
CONNECTIONS = [16] if SMOKE else [64, 1000]
# Comment posting is measured over 30 s (issue 24: sustained, as the rate-limit table grows).
POST_SECONDS = DURATION if SMOKE else max(DURATION, 30)
CURVE = [16] if SMOKE else [16, 64, 256, 1000]
# ONLY=serving,posting,uncached,large runs part of the benchmark and prints its
# figures without writing the report (for profiling one thing at a time).
ONLY = set(filter(None, os.environ.get("ONLY", "").split(",")))
OUT = pathlib.Path(os.environ.get("OUT", ROOT / "docs" / "PERFORMANCE.md"))
PG_ADMIN = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BASE_ENV = dict(
    os.environ,
    DATELINE_SITE__TIMEZONE="America/New_York",
    DATELINE_COMMENTS__MIN_SECONDS="0",
    # A scheduled backup in the middle of a run would be measured with it.
    DATELINE_BACKUP__EVERY="off",
    # Rate limits stay at their defaults: each benchmark post comes from its own
    # reader behind a proxy the site trusts (bench/lua/post.lua).
    DATELINE_SERVER__TRUSTED_PROXIES='["127.0.0.1"]',
    DATELINE_SERVER__MAX_CONNECTIONS="4096",
    RUST_LOG="warn",
)
BASE_ENV.pop("DATABASE_URL", None)


def want(part):
    return not ONLY or part in ONLY


def log(*a):
    print("==", *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dateline(data, *args, env=None):
    return subprocess.run([BIN, "--data", str(data), *args], check=True, capture_output=True, text=True,
                          env=env or BASE_ENV).stdout


RUNNING = []


class Server:
    """The release binary serving a data folder on a free port (stopped at
    exit, even when a step fails)."""

    def __init__(self, data, db_url=None, cache=True, log_to=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(BASE_ENV, DATELINE_CACHE__ENABLED="true" if cache else "false")
        if db_url:
            env["DATABASE_URL"] = db_url
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [BIN, "--data", str(data), "serve", "--no-demo", "--listen", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=log_to or subprocess.DEVNULL, env=env)
        RUNNING.append(self.proc)
        self.ready_after = None
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        self.ready_after = time.perf_counter() - self.started
                        return
            except OSError:
                time.sleep(0.001)
        raise RuntimeError("server did not start")

    def rss_kb(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def hwm_kb(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def fetch(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def wrk(url, conns, duration=DURATION, script=None, env=None):
    """One wrk run; returns requests/s, p99 ms and wrk's Lua output."""
    threads = 2
    cmd = ["wrk", f"-t{threads}", f"-c{max(conns, threads)}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True,
                         env=dict(os.environ, **(env or {}))).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = parse_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p99": p99, "out": out, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def parse_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def median_of(fn):
    runs = [fn() for _ in range(RUNS)]
    return {"rps": statistics.median(r["rps"] for r in runs), "p99": statistics.median(r["p99"] for r in runs),
            "runs": runs}


def nginx(root, work):
    port = free_port()
    conf = work / "nginx.conf"
    conf.write_text(f"""
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types {{ text/html html; }}
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  fastcgi_temp_path {work}/nginx-fastcgi;
  uwsgi_temp_path {work}/nginx-uwsgi;
  scgi_temp_path {work}/nginx-scgi;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    index index.html;
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.02)
    return proc, url


def form_fields(page):
    """The comment form's hidden fields, as the browser would send them."""
    html = page.decode()
    form = html[html.index('id="respond"'):]
    fields = {}
    for name in ("article_id", "ts", "sig", "bound", "parent_id"):
        m = re.search(r'name="%s"[^>]*value="([^"]*)"' % name, form) or \
            re.search(r'value="([^"]*)"[^>]*name="%s"' % name, form)
        if m:
            fields[name] = m.group(1)
    fields["bound"] = "0"
    return fields


READERS = [0]


def post_comments(site, n, fields, tag):
    ids = []
    for i in range(n):
        body = urllib.parse.urlencode(dict(fields, name=f"Reader {i}", email=f"reader{tag}{i}@example.org",
                                           body=f"Comment {i} on the talks: a reader's view, number {i}.")).encode()
        READERS[0] += 1
        n = READERS[0]
        address = f"10.255.{n // 256 % 256}.{n % 256}"  # each reader its own address, as behind a proxy
        status, _, headers = fetch(site.url + "/comments", body, {"Origin": site.url, "X-Forwarded-For": address,
                                                                 "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, status
        ids.append(int(headers["Location"].rsplit("-", 1)[1]))
    return ids


def approve(site, token, ids):
    for i in ids:
        status, _, _ = fetch(f"{site.url}/api/v1/comments/{i}", json.dumps({"status": "approved"}).encode(),
                             {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, "PATCH")
        assert status == 200, status


def make_site(work, name, articles, comments):
    data = work / name
    data.mkdir()
    dateline(data, "import", "markdown", str(SEED))
    if articles:
        dateline(data, "generate", "--articles", str(articles), "--comments", str(comments))
    dateline(data, "user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "editor")
    token = dateline(data, "token", "create", "--email", "ed@example.org").strip()
    return data, token


def count_sqlite(data):
    with sqlite3.connect(data / "dateline.db") as db:
        return db.execute("SELECT COUNT(*) FROM comments").fetchone()[0]


def psql(url, sql):
    return subprocess.run(["psql", url, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def pg_available():
    return shutil.which("psql") and subprocess.run(["psql", PG_ADMIN, "-Atqc", "SELECT 1"],
                                                    capture_output=True).returncode == 0


def comment_flood(site, fields, count_fn, label):
    """Posts through the real form at 64 connections; every acknowledged
    comment must be in the database afterwards."""
    before = count_fn()
    r = wrk(site.url + "/comments", 64, duration=POST_SECONDS, script=ROOT / "bench" / "lua" / "post.lua",
            env={"POST_FIELDS": urllib.parse.urlencode(fields), "POST_ORIGIN": site.url, "POST_RUN": label})
    acked = int(re.search(r"ACKED (\d+)", r["out"]).group(1))
    refused = int(re.search(r"REFUSED (\d+)", r["out"]).group(1))
    stored = count_fn() - before
    log(f"{label}: {acked} acknowledged, {refused} refused, {stored} stored, {acked / POST_SECONDS:.0f}/s")
    assert stored >= acked, f"{label}: {acked} acknowledged but only {stored} stored"
    return {"per_sec": acked / POST_SECONDS, "seconds": POST_SECONDS, "acked": acked, "refused": refused, "stored": stored, "p99": r["p99"]}


def invalidation(site, token, fields):
    """Approving a comment: how long until the cached page shows it."""
    ids = post_comments(site, 5, fields, "inval")
    results = []
    for i in ids:
        fetch(site.url + SEED_PATH)  # warm
        assert fetch(site.url + SEED_PATH)[2].get("x-cache") == "hit"
        t0 = time.perf_counter()
        approve(site, token, [i])
        t1 = time.perf_counter()
        while f'id="comment-{i}"'.encode() not in fetch(site.url + SEED_PATH)[1]:
            if time.perf_counter() - t0 > 5:
                raise AssertionError("the approved comment never reached the page")
        t2 = time.perf_counter()
        results.append(((t1 - t0) * 1000, (t2 - t1) * 1000))
    return {"approve_ms": statistics.median(r[0] for r in results),
            "visible_ms": statistics.median(r[1] for r in results)}


def machine():
    cores = os.cpu_count()
    mem = int(re.search(r"MemTotal:\s+(\d+)", pathlib.Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    model = re.search(r"model name\s*:\s*(.*)", pathlib.Path("/proc/cpuinfo").read_text())
    return f"{cores} cores ({model.group(1).strip() if model else 'unknown CPU'}), {mem} GB"


def main():
    results = {"machine": machine(), "smoke": SMOKE, "duration": DURATION, "runs": RUNS}
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        work = pathlib.Path(tmp)
        work.chmod(0o755)  # nginx's workers read the page as an unprivileged user
        # -- the seed article with 50 approved comments, beside 100 generated articles
        log("small site: the seed article, 100 generated articles")
        small, token = make_site(work, "small", 5 if SMOKE else 100, 50 if SMOKE else 1000)
        site = Server(small)
        fields = form_fields(fetch(site.url + SEED_PATH)[1])
        log("invalidation: approve a comment, see it on the page")
        results["invalidation"] = invalidation(site, token, fields)  # approves 5 comments
        approve(site, token, post_comments(site, 5 if SMOKE else 45, fields, "seed"))
        status, page, headers = fetch(site.url + SEED_PATH)
        assert status == 200
        root = work / "nginx-root"
        (root / SEED_PATH.strip("/")).mkdir(parents=True)
        (root / SEED_PATH.strip("/") / "index.html").write_bytes(page)
        results["page_bytes"] = len(page)
        # The seed article alone (no comments), where the work per request shows more than the bytes.
        alone_data, _ = make_site(work, "alone", 0, 0)
        alone = Server(alone_data)
        fetch(alone.url + SEED_PATH)
        alone_page = fetch(alone.url + SEED_PATH)[1]
        (root / "alone" / SEED_PATH.strip("/")).mkdir(parents=True)
        (root / "alone" / SEED_PATH.strip("/") / "index.html").write_bytes(alone_page)
        results["alone_bytes"] = len(alone_page)
        ngx, ngx_url = nginx(root, work)
        try:
            assert fetch(ngx_url + SEED_PATH)[1] == page, "nginx must serve the same bytes"
            assert fetch(site.url + SEED_PATH)[1] == page, "the cached page must be stable"
            results["serving"] = {}
            for c in CURVE if want("serving") else []:
                log(f"cached article page, {c} connections: nginx, then dateline")
                n = median_of(lambda: wrk(ngx_url + SEED_PATH, c))
                d = median_of(lambda: wrk(site.url + SEED_PATH, c))
                results["serving"][c] = {"nginx": n, "dateline": d}
                log(f"  nginx {n['rps']:,.0f} req/s p99 {n['p99']:.2f} ms; dateline {d['rps']:,.0f} req/s "
                    f"p99 {d['p99']:.2f} ms {d['runs'][0]['socket_errors']}")
            if want("serving"):
                log("cached article page, the seed article alone, 64 connections: nginx, then dateline")
                assert fetch(ngx_url + "/alone" + SEED_PATH)[1] == alone_page, "nginx must serve the same bytes"
                n = median_of(lambda: wrk(ngx_url + "/alone" + SEED_PATH, 64))
                d = median_of(lambda: wrk(alone.url + SEED_PATH, 64))
                results["alone"] = {"nginx": n, "dateline": d}
                log(f"  nginx {n['rps']:,.0f} req/s; dateline {d['rps']:,.0f} req/s")
        finally:
            ngx.terminate()
            ngx.wait()
            alone.stop()
        log("comment posting on SQLite")
        if want("posting"):
            results["post_sqlite"] = comment_flood(site, fields, lambda: count_sqlite(small), "SQLite")
        site.stop()

        log("uncached render of the article page")
        site = Server(small, cache=False)
        if want("uncached"):
            results["uncached"] = median_of(lambda: wrk(site.url + SEED_PATH, 64))
        if want("uncached") or want("large"):
            results["front_small"] = median_of(lambda: wrk(site.url + "/", 64))
        site.stop()

        if pg_available() and want("posting"):
            db = f"dateline_bench_{os.getpid()}"
            psql(PG_ADMIN, f"CREATE DATABASE {db}")
            pg_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + db
            try:
                log("comment posting on PostgreSQL")
                dateline(small, "migrate-db", "--to", pg_url)
                site = Server(small, db_url=pg_url)
                fields_pg = form_fields(fetch(site.url + SEED_PATH)[1])
                results["post_postgres"] = comment_flood(
                    site, fields_pg, lambda: int(psql(pg_url, "SELECT COUNT(*) FROM comments")), "PostgreSQL")
                site.stop()
            finally:
                psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        else:
            log("PostgreSQL not reachable: its comment figure is NOT measured")

        # -- the large site
        if not want("large"):
            print(json.dumps(results, indent=1, default=str))
            return
        if SMOKE:
            big = work / "big"
            shutil.copytree(small, big)
            size = (105, 1055)
        else:
            big = work / "big"
            if os.environ.get("BIG_SITE"):
                log(f"copying the large site in {os.environ['BIG_SITE']}")
                shutil.copytree(os.environ["BIG_SITE"], big)
            else:
                log("generating 100,000 articles and 1,000,000 comments (several minutes)")
                big.mkdir()
                dateline(big, "generate", "--articles", "100000", "--comments", "1000000")
            with sqlite3.connect(big / "dateline.db") as dbc:
                size = (dbc.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
                        dbc.execute("SELECT COUNT(*) FROM comments").fetchone()[0])
        results["big_size"] = size
        starts = []
        for _ in range(3):
            s = Server(big)
            starts.append(s.ready_after * 1000)
            s.stop()
        results["startup_ms"] = statistics.median(starts)
        log("front page of the large site, uncached")
        site = Server(big, cache=False)
        results["front_big"] = median_of(lambda: wrk(site.url + "/", 64))
        site.stop()
        log("memory: the large site under a mixed load (articles, fronts, sections, search)")
        site = Server(big)
        paths = work / "paths.txt"
        local = lambda u: site.url + urllib.parse.urlsplit(u).path
        urls = []
        for loc in re.findall(r"<loc>([^<]+)</loc>", fetch(site.url + "/sitemap.xml")[1].decode())[:20]:
            if loc.endswith(".xml"):
                urls += re.findall(r"<loc>([^<]+)</loc>", fetch(local(loc))[1].decode())
            else:
                urls.append(loc)
        rel = [urllib.parse.urlsplit(u).path for u in urls][:20000]
        rel += ["/", "/section/world/", "/search?q=harbour", "/search?q=council+budget", "/feed.xml"] * 50
        paths.write_text("\n".join(rel) + "\n")
        peak = 0
        proc = subprocess.Popen(["wrk", "-t2", "-c64", f"-d{max(DURATION, 2)}s", "-s",
                                 str(ROOT / "bench" / "lua" / "paths.lua"), site.url],
                                stdout=subprocess.PIPE, text=True, env=dict(os.environ, PATHS=str(paths)))
        while proc.poll() is None:
            peak = max(peak, site.rss_kb())
            time.sleep(0.1)
        out = proc.stdout.read()
        results["memory"] = {"rss_peak_mb": peak / 1024, "hwm_mb": site.hwm_kb() / 1024,
                             "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                             "paths": len(set(rel))}
        site.stop()

    if ONLY:
        print(json.dumps(results, indent=1, default=str))
        return
    (ROOT / "target").mkdir(exist_ok=True)
    (ROOT / "target" / "bench-results.json").write_text(json.dumps(results, indent=1, default=str))
    write_report(results)


def ratio(a, b):
    return a / b if b else 0


def write_report(r):
    s = r["serving"]
    rows = []
    ok = lambda b: "yes" if b else "**no**"
    for c in CONNECTIONS:
        n, d = s[c]["nginx"], s[c]["dateline"]
        rows.append((f"Cached article page, {c} connections: throughput", f"{d['rps']:,.0f} req/s vs nginx "
                     f"{n['rps']:,.0f} (×{ratio(d['rps'], n['rps']):.2f})", "≥ 0.8× nginx",
                     ok(ratio(d["rps"], n["rps"]) >= 0.8)))
        rows.append((f"Cached article page, {c} connections: p99 latency", f"{d['p99']:.2f} ms vs nginx "
                     f"{n['p99']:.2f} ms (×{ratio(d['p99'], n['p99']):.2f})", "≤ 2× nginx",
                     ok(ratio(d["p99"], n["p99"]) <= 2)))
    if "alone" in r:
        n, d = r["alone"]["nginx"], r["alone"]["dateline"]
        rows.insert(0, (f"Cached article page, the seed article alone ({r['alone_bytes']:,} bytes, no comments), "
                        "64 connections", f"{d['rps']:,.0f} req/s vs nginx {n['rps']:,.0f} "
                        f"(×{ratio(d['rps'], n['rps']):.2f})", "≥ 0.8× nginx", ok(ratio(d["rps"], n["rps"]) >= 0.8)))
    n64 = s[CONNECTIONS[0]]["nginx"]["rps"]
    u = r["uncached"]["rps"]
    rows.append(("Uncached article render, 64 connections", f"{u:,.0f} req/s (×{ratio(u, n64):.2f} nginx)",
                 "≥ 0.25× nginx", ok(ratio(u, n64) >= 0.25)))
    fb, fs = r["front_big"]["rps"], r["front_small"]["rps"]
    a, c = r["big_size"]
    rows.append((f"Front page, uncached: {a:,} articles and {c:,} comments vs 101 articles",
                 f"{fb:,.0f} vs {fs:,.0f} req/s (×{ratio(fb, fs):.2f})", "within 10%", ok(ratio(fb, fs) >= 0.9)))
    for key, name in (("post_sqlite", "SQLite"), ("post_postgres", "PostgreSQL")):
        if key in r:
            p = r[key]
            rows.append((f"Comment posting, {name}, 64 connections, {p.get('seconds', DURATION)} s",
                         f"{p['per_sec']:,.0f} acknowledged/s "
                         f"({p['acked']:,} acknowledged, {p['stored']:,} stored, {p['refused']} refused)",
                         "≥ 2,000/s", ok(p["per_sec"] >= 2000)))
        else:
            rows.append((f"Comment posting, {name}", "not measured (no server)", "≥ 2,000/s", "—"))
    m = r["memory"]
    rows.append((f"Resident memory, large site under load ({m['rps']:,.0f} req/s over {m['paths']:,} paths)",
                 f"{m['rss_peak_mb']:.0f} MB peak (high-water mark {m['hwm_mb']:.0f} MB)", "< 100 MB",
                 ok(m["hwm_mb"] < 100)))
    rows.append(("Start-up to first answer, large site", f"{r['startup_ms']:.0f} ms", "< 300 ms",
                 ok(r["startup_ms"] < 300)))
    i = r["invalidation"]
    rows.append(("Approving a comment until the cached page shows it", f"{i['visible_ms']:.1f} ms (the approval "
                 f"itself {i['approve_ms']:.1f} ms)", "< 10 ms", ok(i["visible_ms"] < 10)))
    lines = [
        f"Measured by `bench/run` on {r['machine']}: release build; wrk 2 threads, "
        f"{r['duration']} s per run, median of {r['runs']} runs; nginx (Debian) serving the same "
        f"{r['page_bytes']:,} bytes (the seed article with 50 comments) from a file on the same machine at the "
        "same time. "
        f"{'SMOKE RUN: figures are meaningless.' if r['smoke'] else ''}",
        "",
        "| target | measured | goal | met |",
        "|---|---|---|---|",
    ] + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "Throughput and p99 latency of the cached article page by connections:", "",
              "| connections | nginx req/s | dateline req/s | ratio | nginx p99 ms | dateline p99 ms |",
              "|---:|---:|---:|---:|---:|---:|"]
    for c in CURVE:
        n, d = s[c]["nginx"], s[c]["dateline"]
        lines.append(f"| {c} | {n['rps']:,.0f} | {d['rps']:,.0f} | {ratio(d['rps'], n['rps']):.2f} | "
                     f"{n['p99']:.2f} | {d['p99']:.2f} |")
    if not r["smoke"]:
        lines += ["", "![Throughput and p99 by connections](perf/connections.png)",
                  "![Front page throughput by database size](perf/size.png)"]
        plots(r)
    table = "\n".join(lines)
    text = OUT.read_text() if OUT.exists() else "# Performance\n"
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin in text:
        text = text[:text.index(begin)] + begin + "\n\n" + table + "\n\n" + text[text.index(end):]
    else:
        text += f"\n{begin}\n\n{table}\n\n{end}\n"
    OUT.write_text(text)
    print(table)


def plots(r):
    try:
        import matplotlib
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "matplotlib==3.9.2"], check=True)
        import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out = ROOT / "docs" / "perf"
    out.mkdir(exist_ok=True)
    s = r["serving"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for who in ("nginx", "dateline"):
        a1.plot(CURVE, [s[c][who]["rps"] for c in CURVE], marker="o", label=who)
        a2.plot(CURVE, [s[c][who]["p99"] for c in CURVE], marker="o", label=who)
    for ax, t in ((a1, "requests/s"), (a2, "p99 latency (ms)")):
        ax.set_xscale("log")
        ax.set_xlabel("connections")
        ax.set_ylabel(t)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("Cached article page: Dateline and nginx serving the same bytes")
    fig.tight_layout()
    fig.savefig(out / "connections.png", dpi=100)
    fig, ax = plt.subplots(figsize=(6, 4))
    sizes = [101, r["big_size"][0]]
    ax.bar([f"{sizes[0]:,} articles", f"{sizes[1]:,} articles\n{r['big_size'][1]:,} comments"],
           [r["front_small"]["rps"], r["front_big"]["rps"]])
    ax.set_ylabel("requests/s (front page, cache off)")
    ax.set_title("Front page throughput by database size")
    fig.tight_layout()
    fig.savefig(out / "size.png", dpi=100)


def stop_all():
    for p in RUNNING:
        if p.poll() is None:
            p.kill()


if __name__ == "__main__":
    import atexit
    atexit.register(stop_all)
    main()
