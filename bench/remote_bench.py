"""The remote store beside the embedded one: write throughput and query latency, printed, never asserted.

Extracts ``n`` generated articles once (``bench.generate``), then, for the embedded on-disk ``Store``, for an
Oxigraph server reached over HTTP (``RemoteStore``; started here with ``oxigraph serve`` unless ``--url`` names
one) and, with ``--virtuoso``, for a throwaway Virtuoso (``virtuoso-t`` started as ``tests/graph/test_virtuoso.py``
starts it; writes through ``/sparql-auth`` with Digest, the union kept in a named graph), measures:

1. writing every article graph (``put_article``: one update request per article on the server, each keeping the
   union beside it): articles/s, quads/s;
2. the re-ingest check (``article_extractor`` per article): lookups/s;
3. latency, median of repeated runs: a packaged query with a binding, a COUNT over the union, the three SELECTs
   of the networkx view (``build_view``), and an N-Quads export.

``python -m bench.remote_bench -n 300 [--url http://127.0.0.1:7878] [--virtuoso] [--json out.json]``
"""

from __future__ import annotations

import argparse
import io
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from bench.generate import generate
from bench.report import Report, fmt_seconds

__all__ = ["extract_all", "oxigraph_server", "measure", "main"]


def extract_all(n: int, seed: int = 0) -> list[tuple[str, str, list[ox.Quad]]]:
    """``(graph, extractor, quads)`` for ``n`` generated articles, extracted once."""
    from dealgraph.graph.rdf import to_quads
    from dealgraph.ingest.pipeline import extract
    from dealgraph.ingest.read import read_bytes

    out = []
    for name, text in generate(n, seed):
        ex = extract(read_bytes(text.encode("utf-8"), name=name, suffix=".md"))
        graph, quads = to_quads(ex)
        out.append((graph, ex.extractor, quads))
    return out


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port (the ``oxigraph`` PyPI package); yields its URL."""
    beside = Path(sys.executable).with_name("oxigraph")
    cmd = str(beside) if beside.exists() else shutil.which("oxigraph")
    if cmd is None:
        raise SystemExit("the `oxigraph` command is missing: pip install oxigraph, or pass --url")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([cmd, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(url, proc)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    req = urllib.request.Request(f"{url}/query", data=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(req, timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"oxigraph serve at {url} did not answer")


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(store, articles: list[tuple[str, str, list[ox.Quad]]], runs: int) -> dict[str, float]:
    """Seconds for each operation on ``store`` (writes and lookups in total, queries as a median)."""
    from dealgraph.graph.queries import named_query
    from dealgraph.graph.view import build_view

    t = time.perf_counter()
    for graph, _, quads in articles:
        store.put_article(graph, quads)
    write = time.perf_counter() - t
    t = time.perf_counter()
    for graph, _, _ in articles:
        store.article_extractor(graph)
    lookup = time.perf_counter() - t
    nvidia = ox.NamedNode("https://w3id.org/dealgraph/id/nvidia")
    money = named_query("money-into")
    return {"write": write, "lookup": lookup,
            "query": _median(lambda: list(store.query(money, {"entity": nvidia})), runs),
            "count": _median(lambda: list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")), runs),
            "view": _median(lambda: build_view(store), max(3, runs // 4)),
            "export": _median(lambda: store.dump(io.BytesIO(), ox.RdfFormat.N_QUADS), max(3, runs // 4))}


def _report(rep: Report, name: str, t: dict[str, float], n: int, quads: int, base: dict[str, float] | None) -> None:
    ratio = (lambda k: f"time {t[k] / base[k]:.2f}× embedded") if base else (lambda k: "")  # noqa: E731
    rep.add(f"{name}: put_article, articles/s", f"{n / t['write']:,.0f}", ratio("write"),
            f"{quads / t['write']:,.0f} quads/s")
    rep.add(f"{name}: re-ingest check, lookups/s", f"{n / t['lookup']:,.0f}", ratio("lookup"))
    rep.add(f"{name}: money-into NVIDIA (binding)", fmt_seconds(t["query"]), ratio("query"))
    rep.add(f"{name}: COUNT(*) over the union", fmt_seconds(t["count"]), ratio("count"))
    rep.add(f"{name}: build_view (3 SELECTs)", fmt_seconds(t["view"]), ratio("view"))
    rep.add(f"{name}: N-Quads export", fmt_seconds(t["export"]), ratio("export"))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print it."""
    from dealgraph.graph.remote import RemoteStore
    from dealgraph.graph.store import Store

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=300, help="articles")
    ap.add_argument("--runs", type=int, default=20, help="repetitions per latency figure")
    ap.add_argument("--url", help="an existing (empty) Oxigraph-style server instead of starting one")
    ap.add_argument("--virtuoso", action="store_true", help="also a throwaway Virtuoso (needs virtuoso-t: "
                    "apt-get install virtuoso-opensource)")
    ap.add_argument("--json", help="append the figures to this JSON file")
    args = ap.parse_args(argv)
    rep = Report("remote store")
    t = time.perf_counter()
    articles = extract_all(args.n)
    quads = sum(len(q) for _, _, q in articles)
    print(f"extracted {args.n} articles ({quads} quads) in {fmt_seconds(time.perf_counter() - t)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(Path(tmp) / "embedded") as s:
            local = measure(s, articles, args.runs)
        _report(rep, "embedded", local, args.n, quads, None)
        with (oxigraph_server(Path(tmp) / "server") if not args.url else _given(args.url)) as url:
            with RemoteStore.from_url(url) as s:
                remote = measure(s, articles, args.runs)
        _report(rep, "oxigraph serve", remote, args.n, quads, local)
        if args.virtuoso:
            from tests.graph.test_virtuoso import virtuoso_server

            with virtuoso_server(Path(tmp) / "virtuoso", max_rows=10_000_000) as v:
                with RemoteStore.from_url(v.url, env=v.env) as s:
                    virt = measure(s, articles, args.runs)
            _report(rep, "virtuoso-t", virt, args.n, quads, local)
    rep.save(args.json)
    return 0


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    raise SystemExit(main())
