"""Times /search through HTTP and writes the figures into docs/PERFORMANCE.md.

    search_latency.py URL BACKEND ARTICLES    # prints one JSON line per query kind
    search_latency.py --report RESULTS.jsonl docs/PERFORMANCE.md
"""
import json
import os
import statistics
import sys
import time
import urllib.parse
import urllib.request

# Words `dateline generate` uses (NEWS_WORDS in src/cli/generate.rs).
QUERIES = {
    "one word": ["harbour", "budget", "museum", "storm", "ferry"],
    "three words": ["council harbour budget", "ferry strike river", "school housing vote", "storm rail bridge"],
    "phrase": ['"harbour budget"', '"ferry strike"', '"energy report"', '"council vote"'],
}
WARMUP, ROUNDS = 10, 40


def timed(base, q):
    url = f"{base}/search?{urllib.parse.urlencode({'q': q})}"
    start = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - start) * 1000


def measure(base, backend, articles):
    for kind, queries in QUERIES.items():
        for q in queries[:2]:
            for _ in range(WARMUP):
                timed(base, q)
        samples = sorted(timed(base, q) for _ in range(ROUNDS) for q in queries)
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(json.dumps({"backend": backend, "articles": int(articles), "kind": kind, "n": len(samples),
                          "p50": round(statistics.median(samples), 2), "p95": round(p95, 2)}))


def report(results, doc):
    rows = [json.loads(line) for line in open(results)]
    cpu = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30
    lines = ["<!-- search:begin -->", "",
             f"Measured by `bench/search` on {cpu} cores and {mem} GB, {rows[0]['articles']:,} generated articles, "
             "release build, one client in a loop over HTTP on 127.0.0.1 (the whole request: parsing, the query, "
             "loading the page of results, snippets, rendering).", "",
             "| backend | query | requests | p50 ms | p95 ms |", "|---|---|---:|---:|---:|"]
    lines += [f"| {r['backend']} | {r['kind']} | {r['n']} | {r['p50']} | {r['p95']} |" for r in rows]
    lines += ["", "<!-- search:end -->"]
    block = "\n".join(lines)
    text = open(doc).read() if os.path.exists(doc) else "# Performance\n"
    if "<!-- search:begin -->" in text:
        head, rest = text.split("<!-- search:begin -->", 1)
        text = head + block + rest.split("<!-- search:end -->", 1)[1]
    else:
        text = text.rstrip() + "\n\n## Search\n\n" + block + "\n"
    open(doc, "w").write(text)
    print(block)


if __name__ == "__main__":
    if sys.argv[1] == "--report":
        report(sys.argv[2], sys.argv[3])
    else:
        measure(*sys.argv[1:4])
