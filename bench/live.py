#!/usr/bin/env python3
"""Breaking-news benchmarks: reads while a live story moves, and live entries
fanned out to thousands of open pages.

Run through `bench/live` (which builds the release binary and raises the
file-descriptor limit). Everything it makes lives in a temporary folder and
temporary PostgreSQL databases, removed at the end. Only 127.0.0.1 is loaded,
every load is bounded, and every connection is closed at the end.

1. Reads while the story moves: a 2,000-article site read by wrk over 60
   paths (the front page, the live story, other stories, sections) at 64
   connections, once quiet and once with an entry posted every 0.5 s; and how
   long after its acknowledgement each entry is on the public page.
2. Fan-out: READERS open event streams on one node (SQLite), an entry is
   posted, and the time until each stream has it; the node's memory. Then two
   nodes on PostgreSQL with READERS streams each, the entry posted through one.

Environment: BIN, DURATION, RUNS, SMOKE, OUT as for bench/perf.py, and
READERS (streams per node, default 10,000).
"""

import asyncio
import json
import os
import pathlib
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import perf  # noqa: E402  (the shared harness: Server, wrk, fetch, dateline, ...)
from perf import ROOT, SMOKE, DURATION, RUNS, log, fetch, dateline, Server, wrk  # noqa: E402

READERS = int(os.environ.get("READERS", "50" if SMOKE else "10000"))
# Every reader holds a connection: the nodes take them all (their own limits
# apply, as the deployment docs say to raise them).
perf.BASE_ENV["DATELINE_SERVER__MAX_CONNECTIONS"] = str(max(4096, READERS + 2048))
perf.BASE_ENV["DATELINE_SERVER__MAX_STREAMS"] = str(max(1000, READERS + 1000))
ARTICLES = 30 if SMOKE else 2000
OUT = pathlib.Path(os.environ.get("OUT", ROOT / "docs" / "PERFORMANCE.md"))


def api(site, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    status, raw, _ = fetch(site.url + "/api/v1" + path, data=data, method=method,
                           headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    assert status < 300, f"{method} {path}: {status} {raw[:200]!r}"
    return json.loads(raw) if raw else None


def make_site(work):
    data = work / "site"
    data.mkdir()
    dateline(data, "generate", "--articles", str(ARTICLES), "--comments", "0")
    dateline(data, "user", "add", "--email", "ed@example.org", "--name", "Ed Live", "--role", "editor")
    token = dateline(data, "token", "create", "--email", "ed@example.org").strip()
    return data, token


def go_live(site, token):
    """Switches the newest story to live coverage with a first few entries; returns (id, path)."""
    story = api(site, token, "GET", "/articles?status=published&limit=1")["articles"][0]
    api(site, token, "PUT", f"/articles/{story['id']}/live", {"state": "live"})
    for i in range(5):
        api(site, token, "POST", f"/articles/{story['id']}/entries", {"body": f"Opening update {i}."})
    return story["id"], urllib.parse.urlsplit(story["url"]).path


def sixty_paths(site, token, live_path):
    stories = api(site, token, "GET", "/articles?status=published&limit=100")["articles"]
    paths = ["/", live_path]
    sections = sorted({f"/section/{urllib.parse.quote(a['section'].lower())}/" for a in stories if a.get("section")})
    paths += sections[:8]
    paths += [urllib.parse.urlsplit(a["url"]).path for a in stories if urllib.parse.urlsplit(a["url"]).path != live_path]
    paths = paths[:60]
    for p in paths:
        status = fetch(site.url + p)[0]
        assert status == 200, f"{p}: {status}"
    return paths


def reads(site, paths_file, token=None, story=None, live_path=None):
    """One wrk run over the 60 paths; with `token`, an entry is posted every
    0.5 s meanwhile, and the time each takes to reach the public page measured."""
    visible = []
    stop = threading.Event()

    def poster():
        n = 0
        while not stop.is_set():
            n += 1
            marker = f"Update {n} at {time.time():.3f}"
            t0 = time.perf_counter()
            api(site, token, "POST", f"/articles/{story}/entries", {"body": marker})
            acked = time.perf_counter()
            while marker.encode() not in fetch(site.url + live_path)[1]:
                if time.perf_counter() - acked > 5:
                    raise AssertionError("an entry never reached the page")
                time.sleep(0.005)
            visible.append((time.perf_counter() - acked) * 1000)
            stop.wait(max(0.0, 0.5 - (time.perf_counter() - t0)))

    t = threading.Thread(target=poster, daemon=True) if token else None
    if t:
        t.start()
    try:
        r = wrk(site.url, 64, script=ROOT / "bench" / "lua" / "paths.lua", env={"PATHS": str(paths_file)})
    finally:
        stop.set()
        if t:
            t.join()
    r["visible_ms"] = visible
    return r


def moving_reads(work):
    data, token = make_site(work)
    site = Server(data)
    try:
        story, live_path = go_live(site, token)
        paths = sixty_paths(site, token, live_path)
        paths_file = work / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        reads(site, paths_file)  # warm every page
        quiet, moving = [], []
        for _ in range(RUNS):
            log("reads, quiet")
            quiet.append(reads(site, paths_file))
            log("reads, an entry every 0.5 s")
            moving.append(reads(site, paths_file, token, story, live_path))
        vis = [v for m in moving for v in m["visible_ms"]]
        return {
            "paths": len(paths),
            "quiet_rps": statistics.median(r["rps"] for r in quiet),
            "quiet_p99": statistics.median(r["p99"] for r in quiet),
            "moving_rps": statistics.median(r["rps"] for r in moving),
            "moving_p99": statistics.median(r["p99"] for r in moving),
            "entries": len(vis),
            "visible_median_ms": statistics.median(vis),
            "visible_max_ms": max(vis),
            "errors": sum(r["non2xx"] for r in quiet + moving),
        }
    finally:
        site.stop()


async def follow(port, path, opened, heard, marker, done):
    """One reader: opens the stream, waits for `marker`, records when it came."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        opened.append(False)
        return
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = await reader.read(4096)
            if not chunk:
                break
            buf += chunk
        ok = buf.startswith(b"HTTP/1.1 200")
        opened.append(ok)
        if ok:
            await marker_set(marker)
            while marker[0] not in buf:
                chunk = await asyncio.wait_for(reader.read(65536), timeout=30)
                if not chunk:
                    break
                buf += chunk
            if marker[0] in buf:
                heard.append(time.perf_counter())
        await done.wait()
    except (OSError, asyncio.TimeoutError):
        pass
    finally:
        writer.close()


async def marker_set(marker):
    while marker[0] is None:
        await asyncio.sleep(0.01)


async def readers_main(port, path, n, conn):
    """A process of `n` readers on one node, driven through `conn`: it says
    how many streams opened, is told the marker, and says when each heard it."""
    opened, heard, marker, done = [], [], [None], asyncio.Event()
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(follow(port, path, opened, heard, marker, done)))
        if i % 500 == 499:
            await asyncio.sleep(0.05)
    deadline = time.perf_counter() + 120
    while len(opened) < n and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    conn.send(("opened", sum(opened), len(opened) - sum(opened)))
    marker[0] = await asyncio.to_thread(conn.recv)
    deadline = time.perf_counter() + 10
    while len(heard) < sum(opened) and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    conn.send(("heard", heard))
    await asyncio.to_thread(conn.recv)
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)


def readers_process(port, path, n, conn):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(readers_main(port, path, n, conn))


def fan_out(nodes, story, post_to, token, readers):
    """Opens `readers` streams on each node (one reader process per node, each
    with its own descriptors), posts one entry through `post_to`, and
    measures when each stream had it."""
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    procs = []
    for node in nodes:
        parent, child = ctx.Pipe()
        p = ctx.Process(target=readers_process, args=(node.port, f"/live/{story}/events", readers, child))
        p.start()
        procs.append((p, parent))
    opened = refused = 0
    for _, conn in procs:
        _, ok, bad = conn.recv()
        opened, refused = opened + ok, refused + bad
    time.sleep(0.5)
    rss_before = [n.rss_kb() / 1024 for n in nodes]
    text = f"Fan-out check {time.time():.6f}"
    for _, conn in procs:
        conn.send(text.encode())
    sent = time.perf_counter()
    api(post_to, token, "POST", f"/articles/{story}/entries", {"body": text})
    heard = []
    for _, conn in procs:
        heard += conn.recv()[1]
    rss_after = [n.rss_kb() / 1024 for n in nodes]
    for p, conn in procs:
        conn.send("close")
        p.join(60)
    lat = sorted(h - sent for h in heard)
    pct = lambda q: lat[int(q * opened) - 1] * 1000 if opened and len(lat) >= q * opened else float("inf")
    return {"streams": opened, "refused": refused, "heard": len(lat), "p50_ms": pct(0.5), "p99_ms": pct(0.99),
            "max_ms": lat[-1] * 1000 if lat else float("inf"),
            "rss_mb": max(max(rss_before), max(rss_after)), "hwm_mb": max(x.hwm_kb() / 1024 for x in nodes)}


def fan_site(work):
    data = work / "fan"
    data.mkdir()
    dateline(data, "generate", "--articles", "50", "--comments", "0")
    dateline(data, "user", "add", "--email", "ed@example.org", "--name", "Ed Live", "--role", "editor")
    token = dateline(data, "token", "create", "--email", "ed@example.org").strip()
    return data, token


def allocator(arenas):
    """glibc's malloc as it comes, or with MALLOC_ARENA_MAX=2 as the README advises."""
    if arenas:
        perf.BASE_ENV["MALLOC_ARENA_MAX"] = "2"
    else:
        perf.BASE_ENV.pop("MALLOC_ARENA_MAX", None)


def fan_out_one(data, token, arenas):
    allocator(arenas)
    site = Server(data)
    try:
        story = api(site, token, "GET", "/articles?status=published&limit=1")["articles"][0]["id"]
        if not arenas:
            api(site, token, "PUT", f"/articles/{story}/live", {"state": "live"})
        log(f"fan-out: {READERS:,} streams on one node" + (" (MALLOC_ARENA_MAX=2)" if arenas else ""))
        return fan_out([site], story, site, token, READERS)
    finally:
        site.stop()


def fan_out_two(data, token, arenas):
    if not perf.pg_available():
        log("PostgreSQL not reachable: the two-node fan-out is NOT measured")
        return None
    allocator(arenas)
    db = f"dateline_live_{os.getpid()}"
    perf.psql(perf.PG_ADMIN, f"CREATE DATABASE {db}")
    url = perf.PG_ADMIN.rsplit("/", 1)[0] + "/" + db
    nodes = []
    try:
        # The one-node site, copied with its token.
        dateline(data, "migrate-db", "--to", url)
        nodes = [Server(data, db_url=url), Server(data, db_url=url)]
        story = api(nodes[0], token, "GET", "/articles?status=published&limit=1")["articles"][0]["id"]
        log(f"fan-out: {READERS:,} streams on each of two nodes on PostgreSQL"
            + (" (MALLOC_ARENA_MAX=2)" if arenas else ""))
        return fan_out(nodes, story, nodes[0], token, READERS)
    finally:
        for n in nodes:
            n.stop()
        perf.psql(perf.PG_ADMIN, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def write_report(r):
    m = r["moving"]
    ok = lambda b: "yes" if b else "**no**"
    rows = [
        (f"Reads over {m['paths']} paths, 64 connections, quiet", f"{m['quiet_rps']:,.0f} req/s, p99 {m['quiet_p99']:.1f} ms", "", ""),
        ("The same with an entry every 0.5 s", f"{m['moving_rps']:,.0f} req/s (×{m['moving_rps'] / m['quiet_rps']:.2f}), "
         f"p99 {m['moving_p99']:.1f} ms (×{m['moving_p99'] / m['quiet_p99']:.2f})", "≥ 0.8× throughput, p99 ≤ 2×",
         ok(m['moving_rps'] >= 0.8 * m['quiet_rps'] and m['moving_p99'] <= 2 * m['quiet_p99'])),
        (f"Entry on the public page after its acknowledgement ({m['entries']} entries)",
         f"median {m['visible_median_ms']:.0f} ms, worst {m['visible_max_ms']:.0f} ms", "median ≤ 1 s, worst ≤ 2 s",
         ok(m['visible_median_ms'] <= 1000 and m['visible_max_ms'] <= 2000)),
    ]
    for tag, how in (("", "glibc malloc as it comes"), ("_arenas", "MALLOC_ARENA_MAX=2, as the README advises")):
        one, two = r["fan_one" + tag], r["fan_two" + tag]
        rows.append((f"Fan-out, one node (SQLite), {how}: {one['streams']:,} open streams",
                     f"99% had the entry {one['p99_ms']:.0f} ms after the post (median {one['p50_ms']:.0f} ms); "
                     f"node RSS {one['rss_mb']:.0f} MB", "99% within 1 s, RSS < 300 MB",
                     ok(one['p99_ms'] <= 1000 and one['rss_mb'] < 300 and one['refused'] == 0)))
        if two:
            rows.append((f"Fan-out, two nodes (PostgreSQL), {how}: {two['streams']:,} open streams in all",
                         f"99% had the entry {two['p99_ms']:.0f} ms after the post through one node (median "
                         f"{two['p50_ms']:.0f} ms); RSS per node ≤ {two['rss_mb']:.0f} MB",
                         "99% within 1 s, RSS < 300 MB",
                         ok(two['p99_ms'] <= 1000 and two['rss_mb'] < 300 and two['refused'] == 0)))
        else:
            rows.append(("Fan-out, two nodes (PostgreSQL)", "NOT measured: no PostgreSQL", "", ""))
    table = ["| Measure | Result | Target | Met |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    note = (f"Measured {time.strftime('%Y-%m-%d')} on {r['machine']}; wrk runs of {DURATION} s, the median of {RUNS}; "
            f"the fan-out readers are Python asyncio processes (one per node) on the same machine.")
    block = "\n".join(table) + "\n\n" + note + "\n"
    if SMOKE:
        block = "Smoke run: figures are meaningless.\n\n" + block
    begin, end = "<!-- live:begin -->", "<!-- live:end -->"
    text = OUT.read_text() if OUT.exists() else ""
    if begin in text:
        text = text[: text.index(begin) + len(begin)] + "\n" + block + text[text.index(end):]
    else:
        text += f"\n{begin}\n{block}{end}\n"
    OUT.write_text(text)


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = {"machine": perf.machine()}
    with tempfile.TemporaryDirectory(prefix="dateline-live-") as tmp:
        work = pathlib.Path(tmp)
        log(f"reads while the story moves: {ARTICLES:,} articles")
        results["moving"] = moving_reads(work)
        log(json.dumps(results["moving"]))
        data, token = fan_site(work)
        for arenas in (False, True):
            tag = "_arenas" if arenas else ""
            results["fan_one" + tag] = fan_out_one(data, token, arenas)
            log(json.dumps(results["fan_one" + tag]))
            results["fan_two" + tag] = fan_out_two(data, token, arenas)
            log(json.dumps(results["fan_two" + tag]))
    (ROOT / "target").mkdir(exist_ok=True)
    (ROOT / "target" / "bench-live.json").write_text(json.dumps(results, indent=1))
    write_report(results)


if __name__ == "__main__":
    import atexit
    atexit.register(perf.stop_all)
    main()
