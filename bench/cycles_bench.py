"""Cycle search and view building on generated hub-heavy money-flow graphs.

For each graph size (10k and 100k edges, about 5.8 edges per node, hubs like NVIDIA and Microsoft):

* ``find_cycles(g, max_length=4, top=100, time_limit=...)``: seconds, cycles examined, complete or not;
* every cycle of length <= 3 streamed from ``simple_cycles_bounded``: count and seconds;
* the same with ``networkx.simple_cycles(g, length_bound=3)`` in a forked process stopped at a hard cap;
* a baseline written here: 2- and 3-cycles from adjacency-set intersections (same cycles, checked by count).

Then ``build_view`` over an on-disk ``Store`` holding N relation statements (one named graph per article, quads
from ``graph.rdf.to_quads``), against rdflib's ``rdflib_to_networkx_multidigraph`` over the same quads loaded
into an rdflib ``Dataset``.

``python -m bench.cycles_bench [--quick] [--json out.json] [--profile]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing as mp
import pstats
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import networkx as nx

from bench.generate import DOC_NS, ID_NS, random_money_graph
from bench.report import Report, fmt_seconds

__all__ = ["cycles_upto3_sets", "time_networkx", "statements_store", "main"]

EDGES_PER_NODE = 5.8


@dataclass(frozen=True)
class Timing:
    """How long a search ran, what it counted, and whether it ran to the end."""

    seconds: float
    count: int
    complete: bool

    def value(self, cap: float | None = None) -> str:
        """``1.25 s`` or ``> 30 s`` when it was stopped."""
        if self.complete:
            return fmt_seconds(self.seconds)
        return f"> {cap:g} s" if cap else f"> {fmt_seconds(self.seconds)}"


# ----------------------------------------------------------------------------- cycle searches


def cycles_upto3_sets(g: nx.DiGraph) -> Iterator[list]:
    """Every 2- and 3-cycle once, from its lowest-ranked node (rank = ``str`` order, as ``simple_cycles_bounded``).

    The third node of u → v → w → u comes from ``succ(v) & pred(u)``, a set intersection, so a hub's thousands of
    successors are never walked one by one.
    """
    rank = {n: i for i, n in enumerate(sorted(g, key=str))}
    succ = {n: set(g.succ[n]) for n in g}
    pred = {n: set(g.pred[n]) for n in g}
    for u in sorted(g, key=str):
        ru = rank[u]
        for v in succ[u]:
            if rank[v] <= ru:
                continue
            if u in succ[v]:
                yield [u, v]
            for w in succ[v] & pred[u]:
                if rank[w] > ru:
                    yield [u, v, w]


def time_iter(it: Iterator, cap: float) -> Timing:
    """Drain ``it`` (stopping after ``cap`` seconds): count and seconds."""
    t0 = time.perf_counter()
    n = 0
    for _ in it:
        n += 1
        if not n & 0x3FF and time.perf_counter() - t0 > cap:
            return Timing(time.perf_counter() - t0, n, False)
    return Timing(time.perf_counter() - t0, n, True)


def time_bounded(g: nx.DiGraph, length: int, cap: float) -> Timing:
    """``simple_cycles_bounded(g, length)`` drained, with its own deadline at ``cap`` seconds."""
    from dealgraph.graph.cycles import simple_cycles_bounded

    t0 = time.perf_counter()
    n = sum(1 for _ in simple_cycles_bounded(g, length, deadline=time.monotonic() + cap))
    sec = time.perf_counter() - t0
    return Timing(sec, n, sec < cap)


def _nx_child(g: nx.DiGraph, length: int, count, seconds, done) -> None:
    t0 = time.perf_counter()
    n = 0
    for _ in nx.simple_cycles(g, length_bound=length):
        n += 1
        if not n & 0x3F:
            count.value = n
    count.value = n
    seconds.value = time.perf_counter() - t0
    done.value = 1


def time_networkx(g: nx.DiGraph, length: int, cap: float) -> Timing:
    """``networkx.simple_cycles(g, length_bound=length)`` in a forked process, killed after ``cap`` seconds."""
    ctx = mp.get_context("fork")
    count, seconds, done = ctx.Value("q", 0), ctx.Value("d", 0.0), ctx.Value("b", 0)
    proc = ctx.Process(target=_nx_child, args=(g, length, count, seconds, done), daemon=True)
    t0 = time.perf_counter()
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.terminate()
        proc.join()
    if done.value:
        return Timing(seconds.value, count.value, True)
    return Timing(time.perf_counter() - t0, count.value, False)


def time_find_cycles(g: nx.DiGraph, time_limit: float):
    """``find_cycles(g, max_length=4, top=100, time_limit=...)`` and its wall time."""
    from dealgraph.graph.cycles import find_cycles

    t0 = time.perf_counter()
    res = find_cycles(g, max_length=4, top=100, time_limit=time_limit)
    return res, time.perf_counter() - t0


def profile_bounded(g: nx.DiGraph, length: int, seconds: float, top: int = 12) -> str:
    """cProfile of ``simple_cycles_bounded`` for ``seconds``: where the time of the hub walk goes."""
    from dealgraph.graph.cycles import simple_cycles_bounded

    prof = cProfile.Profile()
    prof.enable()
    n = sum(1 for _ in simple_cycles_bounded(g, length, deadline=time.monotonic() + seconds))
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return f"{n} cycles in the profiled {seconds:g} s\n" + out.getvalue()


def bench_graph(rep: Report, n_edges: int, caps: dict[str, float], seed: int, profile: bool) -> None:
    """Every cycle measurement on one generated graph of ``n_edges`` edges."""
    t0 = time.perf_counter()
    g = random_money_graph(int(n_edges / EDGES_PER_NODE), n_edges, hubs=True, seed=seed)
    top = sorted((d for _, d in g.degree()), reverse=True)[:3]
    print(f"graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges, top degrees {top} "
          f"(generated in {fmt_seconds(time.perf_counter() - t0)})", flush=True)
    res, wall = time_find_cycles(g, caps["find"])
    target = " (target < 2 s: " + ("met" if wall < 2 and res.complete else "MISSED") + ")" if n_edges >= 100_000 else ""
    nx4 = time_networkx(g, 4, caps["networkx"])
    rep.add(f"{_k(n_edges)}: find_cycles(max_length=4, top=100)", fmt_seconds(wall),
            ratio=_ratio(nx4, Timing(wall, len(res.cycles), res.complete), "faster than networkx (<=4, unranked)"),
            note=f"{'complete (exact top 100)' if res.complete else 'INCOMPLETE'}, {res.examined:,} cycles scored, "
                 f"time_limit {caps['find']:g} s{target}")
    rep.add(f"{_k(n_edges)}: networkx.simple_cycles(length_bound=4)", nx4.value(caps["networkx"]),
            note=f"{nx4.count:,} cycles" + ("" if nx4.complete else " when stopped") + "; ranking them not included")
    sets = time_iter(cycles_upto3_sets(g), caps["bounded"])
    bounded = time_bounded(g, 3, caps["bounded"])
    rep.add(f"{_k(n_edges)}: simple_cycles_bounded(<=3), all", bounded.value(caps["bounded"]),
            ratio=_ratio(bounded, sets, "sets baseline"), note=f"{bounded.count:,} cycles")
    rep.add(f"{_k(n_edges)}: sets baseline (<=3), all", sets.value(caps["bounded"]),
            note=f"{sets.count:,} cycles" + ("" if not (sets.complete and bounded.complete) else
                                              f", same count: {'yes' if sets.count == bounded.count else 'NO'}"))
    nxt = time_networkx(g, 3, caps["networkx"])
    rep.add(f"{_k(n_edges)}: networkx.simple_cycles(length_bound=3)", nxt.value(caps["networkx"]),
            ratio=_ratio(nxt, bounded, "simple_cycles_bounded"),
            note=f"{nxt.count:,} cycles" + ("" if nxt.complete else " when stopped"))
    if profile:
        print(profile_bounded(g, 3, min(10.0, caps["bounded"])))


def _k(n_edges: int) -> str:
    return f"{n_edges // 1000}k edges"


def _ratio(a: Timing, b: Timing, name: str) -> str:
    """``a`` against ``b``, as a factor; ``>`` when ``a`` was stopped, ``<`` when ``b`` was."""
    if not b.complete and not a.complete:
        return f"both stopped; {a.count:,} vs {b.count:,} cycles"
    sign = ">" if not a.complete else ("<" if not b.complete else "")
    return f"{sign}{a.seconds / max(b.seconds, 1e-9):.1f}x {name}"


# ----------------------------------------------------------------------------- build_view vs rdflib


def _extractions(g: nx.DiGraph, limit: int):
    """One ``Extraction`` per source article of ``g``'s legs, each leg restated once per source (``limit`` in all)."""
    from dealgraph.ingest.model import Amount, CleanText, Entity, Evidence, Extraction, Fact, PartialDate, RawDocument

    by_doc: dict[str, list] = defaultdict(list)
    made = 0
    for u, v, data in g.edges(data=True):
        for pred, d in data["legs"]:
            for i, src in enumerate(d["sources"]):
                by_doc[src].append((u, v, pred, d, d["evidence"][i % len(d["evidence"])]))
                made += 1
        if made >= limit:
            break
    empty = CleanText(text="", offsets=(), simplified="", raw_length=0)
    for src, items in by_doc.items():
        facts, keys = [], set()
        for j, (u, v, pred, d, ev) in enumerate(items):
            s, o = u[len(ID_NS):], v[len(ID_NS):]
            keys |= {(s, g.nodes[u]["label"]), (o, g.nodes[v]["label"])}
            amount = Amount(Decimal(int(d["amount"])), d["currency"]) if d["amount"] else None
            when = PartialDate(*(int(x) for x in d["date"].split("-"))) if d["date"] else None
            facts.append(Fact(pred, Evidence(ev, 100 * j, 100 * j + len(ev), "rules.v1"), subject=s, object=o,
                              amount=amount, date=when, status=d["status"]))
        ents = tuple(Entity(k, "Organization", label) for k, label in sorted(keys))
        doc = RawDocument(text="", source=f"https://example.org/news/{src[-12:]}", published=date(2026, 1, 1))
        yield Extraction(document=doc, clean=empty, content_hash=src[len(DOC_NS):] + "0" * 32, lang="en",
                         entities=ents, facts=tuple(facts), extractor="rules.v1")


def statements_store(path: Path, n_statements: int, seed: int) -> tuple[int, int, int, int, float]:
    """Fill an on-disk store at ``path`` with about ``n_statements`` relation statements.

    Returns statements, articles, quads, the money-flow edges they make, and the seconds the writes took.
    """
    from dealgraph.graph.rdf import to_quads
    from dealgraph.graph.store import Store

    n_edges = max(10, int(n_statements / 1.5))
    g = random_money_graph(max(20, int(n_edges / EDGES_PER_NODE)), n_edges, hubs=True, seed=seed + 1)
    statements = articles = 0
    pairs: set[tuple[str, str]] = set()
    t0 = time.perf_counter()
    with Store.open(path) as st:
        for ex in _extractions(g, n_statements):
            graph, quads = to_quads(ex)
            st.put_article(graph, quads)
            statements += len(ex.facts)
            articles += 1
            pairs |= {(f.subject, f.object) for f in ex.facts}
        seconds = time.perf_counter() - t0
        quads_n = st.triple_count()
    return statements, articles, quads_n, len(pairs), seconds


def time_build_view(path: Path, repeat: int) -> tuple[float, nx.MultiDiGraph]:
    """Best of ``repeat`` runs of ``build_view`` on the read-only store at ``path``."""
    from dealgraph.graph.store import Store
    from dealgraph.graph.view import build_view

    best, view = float("inf"), None
    with Store.open(path, read_only=True) as st:
        for _ in range(repeat):
            t0 = time.perf_counter()
            view = build_view(st)
            best = min(best, time.perf_counter() - t0)
    return best, view


class _Triples:
    """The union of a ``Dataset``'s graphs as (s, p, o) — what ``rdflib_to_networkx_*`` iterate over."""

    def __init__(self, ds) -> None:
        self.ds = ds

    def __iter__(self):
        return iter(self.ds.triples((None, None, None)))


def time_rdflib(path: Path, repeat: int) -> tuple[float, float, int]:
    """Seconds to load the store's N-Quads into an rdflib ``Dataset``, best seconds for
    ``rdflib_to_networkx_multidigraph`` over its union, and the edges it made."""
    import pyoxigraph as ox
    from rdflib import Dataset
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from dealgraph.graph.store import Store

    buf = io.BytesIO()
    with Store.open(path, read_only=True) as st:
        st.dump(buf, ox.RdfFormat.N_QUADS)
    ds = Dataset(default_union=True)
    t0 = time.perf_counter()
    ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    load = time.perf_counter() - t0
    best, edges = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        mdg = rdflib_to_networkx_multidigraph(_Triples(ds))
        best = min(best, time.perf_counter() - t0)
        edges = mdg.number_of_edges()
    return load, best, edges


def bench_view(rep: Report, n_statements: int, seed: int, repeat: int, work: Path) -> None:
    """``build_view`` against rdflib over the same quads."""
    from dealgraph.graph.view import money_flow

    path = work / "view-store"
    stmts, articles, quads, pairs, fill = statements_store(path, n_statements, seed)
    print(f"store: {stmts:,} relation statements in {articles:,} article graphs, {quads:,} quads "
          f"(written in {fmt_seconds(fill)}, {articles / fill:,.0f} articles/s)", flush=True)
    t_view, view = time_build_view(path, repeat)
    load, t_rdf, rdf_edges = time_rdflib(path, repeat)
    mf = money_flow(view)
    label = f"view, {stmts:,} statements"
    speed = f"{t_rdf / t_view:.1f}x faster" if t_rdf >= t_view else f"{t_view / t_rdf:.1f}x slower"
    rep.add(f"{label}: build_view", fmt_seconds(t_view), ratio=f"{speed} than rdflib",
            note=f"{view.number_of_nodes():,} nodes, {view.number_of_edges():,} edges, "
                 f"{mf.number_of_edges():,} money-flow edges (expected {pairs:,})")
    rep.add(f"{label}: rdflib_to_networkx_multidigraph", fmt_seconds(t_rdf),
            note=f"{rdf_edges:,} edges; loading the Dataset took {fmt_seconds(load)}")


# ----------------------------------------------------------------------------- main


def run(quick: bool, seed: int, json_path: str | None, profile: bool) -> Report:
    """Every measurement, in the quick or the full form."""
    rep = Report("cycles")
    sizes = (10_000,) if quick else (10_000, 100_000)
    caps = {"find": 3.0 if quick else 10.0, "bounded": 10.0 if quick else 60.0,
            "networkx": 5.0 if quick else 30.0}
    for n_edges in sizes:
        bench_graph(rep, n_edges, caps, seed, profile)
    work = Path(tempfile.mkdtemp(prefix="dealgraph-bench-"))
    try:
        bench_view(rep, 1_000 if quick else 20_000, seed, 2 if quick else 1, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rep.save(json_path)
    return rep


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10k-edge graph only, short caps, small store")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="append the figures to this JSON file")
    ap.add_argument("--profile", action="store_true", help="also profile simple_cycles_bounded")
    args = ap.parse_args(argv)
    run(args.quick, args.seed, args.json, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
