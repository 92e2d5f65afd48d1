"""Soak test: a long ingest in one process, then many clients against ``dealgraph serve``.

1. Ingest ``N`` generated articles (``bench.generate``) through one open store, as ``dealgraph ingest`` does,
   sampling the process's resident memory every ``sample_every`` articles; report the samples and the slope
   (KB per article, least squares after the first sample, which carries the start-up: jieba, the entity table).
2. Start ``dealgraph serve`` on a free loopback port over that store and run ``threads`` clients, each on its own
   keep-alive connection, sending SPARQL queries for ``seconds``; every answer is parsed and checked against the
   row count (or value) the store gives in-process. Report latency p50/p95/p99, requests served, errors,
   incomplete answers, and the server's memory before and after.

    python -m bench.soak [-n 10000] [--seconds 20] [--threads 50] [--store DIR] [--json OUT]

``run()`` is the same with arguments; ``tests/test_robustness.py::test_soak_short`` runs it small.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

__all__ = ["run", "ingest_phase", "serve_phase", "QUERIES"]

_DG = "PREFIX dg: <https://w3id.org/dealgraph#> "
#: (name, query, how to read the expected answer: "rows" or "value"). Cheap queries with answers of bounded size,
#: so that 50 clients measure the server's concurrency rather than one expensive query: on 10,000 articles,
#: listing every funding round is 48,000 rows, and "the 20 largest rounds" sorts them all (2.3 s alone); a mix
#: with those saturates the server (p50 15-18 s, clients timing out, the server at 450-600 MB).
QUERIES: tuple[tuple[str, str, str], ...] = (
    ("nvidia-investments", _DG + "SELECT ?c WHERE { <https://w3id.org/dealgraph/id/nvidia> dg:investedIn ?c }",
     "rows"),
    ("openai-investors", _DG + "SELECT ?i WHERE { ?i dg:investedIn <https://w3id.org/dealgraph/id/openai> }", "rows"),
    ("articles", _DG + "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a dg:Article } }", "value"),
    ("openai-names", "SELECT ?l WHERE { <https://w3id.org/dealgraph/id/openai> "
                     "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel> ?l }",
     "rows"),
    ("xai-partners", _DG + "SELECT DISTINCT ?p WHERE { <https://w3id.org/dealgraph/id/xai> dg:partnerOf|^dg:partnerOf ?p }",
     "rows"),
)


def rss_kb(pid: int | None = None) -> int:
    """Resident set size of ``pid`` (default: this process) in KB, from /proc."""
    with open(f"/proc/{pid or 'self'}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0  # pragma: no cover


def _slope(samples: list[tuple[int, int]]) -> float:
    """Least-squares slope (KB per article) of RSS over article count."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [x for x, _ in samples], [y for _, y in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def ingest_phase(store: Path, n_articles: int, *, sample_every: int = 1000, seed: int = 0,
                 articles_dir: Path | None = None, progress: bool = False) -> dict:
    """Write ``n_articles`` generated articles and ingest them through one open store; memory per article."""
    from bench.generate import write_corpus
    from dealgraph.api import KnowledgeGraph
    from dealgraph.graph.store import Store

    folder = articles_dir or Path(tempfile.mkdtemp(prefix="soak-articles-"))
    try:
        paths = write_corpus(folder, n_articles, seed)
        kg = KnowledgeGraph.open(store)
        st = Store.open(store)
        samples: list[tuple[int, int]] = [(0, rss_kb())]
        statuses: dict[str, int] = {}
        t0 = time.monotonic()
        try:
            for i, p in enumerate(paths, 1):
                r = kg.ingest_file(str(p), store=st)
                statuses[r.status] = statuses.get(r.status, 0) + 1
                if i % sample_every == 0 or i == len(paths):
                    samples.append((i, rss_kb()))
                    if progress:
                        print(f"  {i:6d} articles  {time.monotonic() - t0:7.1f} s  RSS {samples[-1][1] / 1024:7.1f} MB",
                              file=sys.stderr, flush=True)
            stored = st.graph_count()
            triples = st.triple_count()
        finally:
            st.close()
        seconds = time.monotonic() - t0
    finally:
        if articles_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    steady = samples[1:]                                   # after the first articles have loaded everything
    return {"articles": n_articles, "articles_stored": stored, "statuses": statuses, "triples": triples,
            "seconds": round(seconds, 1), "ms_per_article": round(1000 * seconds / max(1, n_articles), 1),
            "rss_samples_kb": samples, "rss_slope_kb_per_article": round(_slope(steady), 2),
            "rss_growth_mb": round((steady[-1][1] - steady[0][1]) / 1024, 1) if len(steady) > 1 else 0.0}


def _expected(store: Path) -> dict[str, tuple[str, int]]:
    from dealgraph.graph.store import Store

    out = {}
    with Store.open(store, read_only=True) as s:
        for name, q, kind in QUERIES:
            rows = list(s.query(q))
            out[name] = (kind, len(rows) if kind == "rows" else int(rows[0][0].value))
    return out


def _start_server(store: Path) -> tuple[subprocess.Popen, int]:
    p = subprocess.Popen([sys.executable, "-m", "dealgraph.cli", "serve", "--store", str(store), "--port", "0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line or "")
        if m:
            threading.Thread(target=lambda: p.stderr.read(), daemon=True).start()   # keep draining it
            return p, int(m.group(1))
        if not line and p.poll() is not None:
            break
    p.kill()
    raise RuntimeError("dealgraph serve did not start")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def serve_phase(store: Path, *, seconds: float = 20.0, threads: int = 50) -> dict:
    """``threads`` clients querying ``dealgraph serve`` for ``seconds``; every answer checked."""
    expected = _expected(store)
    server, port = _start_server(store)
    server_rss_start = rss_kb(server.pid)
    latencies: list[float] = []
    errors: list[str] = []
    incomplete: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)
    stop_at = [0.0]

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        i = k
        start.wait()
        while time.monotonic() < stop_at[0]:
            name, q, kind = QUERIES[i % len(QUERIES)]
            i += 1
            t0 = time.perf_counter()
            if conn.sock is None:                # (re)connect on its own, so that its failures are told apart
                try:
                    conn.connect()
                except OSError as e:
                    with lock:
                        errors.append(f"{name}: connect: {type(e).__name__}: {e}")
                    conn.close()
                    continue
            try:
                conn.request("GET", "/sparql?" + urlencode({"query": q}),
                             headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                body = resp.read()
                dt = time.perf_counter() - t0
                if resp.status != 200:
                    with lock:
                        errors.append(f"{name}: HTTP {resp.status} {body[:120]!r}")
                    continue
                bindings = json.loads(body)["results"]["bindings"]
                got = len(bindings) if kind == "rows" else int(bindings[0][next(iter(bindings[0]))]["value"])
                if got != expected[name][1]:
                    with lock:
                        incomplete.append(f"{name}: {got} != {expected[name][1]}")
                mine.append(dt)
            except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError) as e:
                with lock:
                    errors.append(f"{name}: {type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(threads)]
    for t in pool:
        t.start()
    stop_at[0] = time.monotonic() + seconds
    t0 = time.monotonic()
    start.wait()
    for t in pool:
        t.join(seconds + 120)
    wall = time.monotonic() - t0
    server_rss_end = rss_kb(server.pid) if server.poll() is None else 0
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    ms = [x * 1000 for x in latencies]
    return {"threads": threads, "seconds": round(wall, 1), "requests": len(latencies), "errors": len(errors),
            "incomplete": len(incomplete), "requests_per_second": round(len(latencies) / wall, 1),
            "latency_ms": {"p50": round(_percentile(ms, 50), 1), "p95": round(_percentile(ms, 95), 1),
                           "p99": round(_percentile(ms, 99), 1), "max": round(max(ms, default=0.0), 1)},
            "expected": {k: v[1] for k, v in expected.items()},
            "server_rss_mb": {"start": round(server_rss_start / 1024, 1), "end": round(server_rss_end / 1024, 1)},
            "error_kinds": _kinds(errors), "first_errors": errors[:5], "first_incomplete": incomplete[:5]}


def _kinds(errors: list[str]) -> dict[str, int]:
    """Errors by kind: ``HTTP 503: the server is busy``, ``TimeoutError``, ..., with counts."""
    out: dict[str, int] = {}
    for e in errors:
        detail = e.split(": ", 1)[1]
        kind = (re.sub(r"\s+", " ", detail)[:60] if detail.startswith("HTTP")
                else ": ".join(detail.split(": ")[:2]) if detail.startswith("connect") else detail.split(":")[0])
        kind = re.sub(r"line \d+, column \d+", "line L, column C", kind)
        out[kind] = out.get(kind, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def run(store: Path, *, n_articles: int = 10_000, sample_every: int = 1000, seconds: float = 20.0,
        threads: int = 50, seed: int = 0, progress: bool = False) -> dict:
    """Both phases on a fresh store at ``store``."""
    store = Path(store)
    if store.exists():
        raise FileExistsError(f"{store} exists; the soak test wants a fresh store")
    return {"ingest": ingest_phase(store, n_articles, sample_every=sample_every, seed=seed, progress=progress),
            "serve": serve_phase(store, seconds=seconds, threads=threads)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000, help="articles to ingest (default 10000)")
    ap.add_argument("--sample-every", type=int, default=1000, help="articles between memory samples")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long the clients query (default 20)")
    ap.add_argument("--threads", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--store", help="store folder to create (default: a temporary one, removed after)")
    ap.add_argument("--json", help="also write the report here")
    args = ap.parse_args(argv)
    tmp = None if args.store else tempfile.mkdtemp(prefix="soak-")
    store = Path(args.store) if args.store else Path(tmp) / "store"
    try:
        report = run(store, n_articles=args.n, sample_every=args.sample_every, seconds=args.seconds,
                     threads=args.threads, seed=args.seed, progress=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    ok = report["serve"]["errors"] == 0 and report["serve"]["incomplete"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
