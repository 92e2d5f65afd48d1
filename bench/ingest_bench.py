"""Extraction and ingest throughput on a generated corpus, in one process, with every dictionary loaded first.

Measures, over the same ``n`` articles (``bench.generate``, about 2,000 characters each):

1. the share of each stage (read, clean, sentences, mentions, context, rules, RDF quads, store write), timed
   by running the stage functions in the order ``ingest/pipeline.py::extract`` calls them (checked to give the
   same facts as ``extract`` on the first 30 articles), then ``graph.rdf.to_quads`` and the store write into a
   fresh on-disk store as a folder ingest does it (the bulk loader, ``Store.load_new_articles``, a batch of
   about 450 articles at a time);
2. extraction throughput (read → facts, the stages of ``extract``): articles/s and characters/s;
3. ingest through ``KnowledgeGraph.ingest_file`` into an on-disk ``Store`` (what ``dealgraph ingest`` does), and
   re-ingesting unchanged articles;
4. the references: jieba's ``posseg`` over the same texts converted to simplified first, and plain ``jieba.cut``;
5. bulk ingest of the folder as ``dealgraph ingest -j N`` does it (``dealgraph.bulk.ingest_files``: extraction in
   worker processes, one writer) with 1 and 2 workers into fresh on-disk stores, and the speed-up; with
   ``--bulk-large 10000`` the same on a second, larger corpus.

``python -m bench.ingest_bench -n 1000 [--bulk-large 10000] [--json out.json] [--profile 200]``
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import re
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from bench.generate import write_corpus
from bench.report import Report, fmt_seconds
from dealgraph.bulk import BULK_BATCH_QUADS

__all__ = ["STAGES", "staged_ingest", "main"]

STAGES = ("read", "clean", "sentences", "mentions", "context", "rules", "rdf", "store")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Batch:
    """Articles waiting for the bulk loader (graph IRI, N-Quads bytes), and how many quads they hold."""

    articles: list[tuple[str, bytes]] = field(default_factory=list)
    quads: int = 0


def staged_ingest(path: Path, gaz, store, times: dict[str, float], pending: _Batch | None = None):
    """One article through the stages of ``pipeline.extract`` (same calls, same order), then RDF and the store.

    Adds each stage's seconds to ``times``; returns the ``Extraction``. With ``pending`` (a fresh store, as
    ``dealgraph ingest FOLDER`` fills one), the article goes as N-Quads bytes into ``pending`` and the store is
    written a batch at a time by the bulk loader (``bulk._bulk_load``); otherwise one transaction per article.
    """
    from dealgraph.errors import InputError
    from dealgraph.graph.rdf import to_quads
    from dealgraph.ingest.clean import clean
    from dealgraph.ingest.context import Discourse, build_context
    from dealgraph.ingest.mentions import find_mentions
    from dealgraph.ingest.model import Extraction
    from dealgraph.ingest.pipeline import _dedupe, _entities, _evidence, detect_language
    from dealgraph.ingest.read import read_path
    from dealgraph.ingest.rules import EXTRACTOR, RuleState, apply_rules, finish
    from dealgraph.ingest.sentences import split_sentences

    t0 = time.perf_counter()
    doc = read_path(path)
    t1 = time.perf_counter()
    ct = clean(doc.text, doc.body_start)
    if len(_HAN.findall(ct.text)) + len(re.findall(r"[A-Za-z]{2,}", ct.text)) < 3:
        raise InputError("no article text: only boilerplate, markup or symbols")
    pub = doc.published
    lang = doc.lang if doc.lang in ("zh-Hans", "zh-Hant", "en") else detect_language(ct.text, ct.simplified)
    t2 = time.perf_counter()
    disc = Discourse()
    state = RuleState(disc=disc, evidence=lambda ctx: _evidence(doc.text, ct, ctx))
    mentions, facts = [], []
    sentences = split_sentences(ct)
    t3 = time.perf_counter()
    t_mentions = t_context = t_rules = 0.0
    for s in sentences:
        ta = time.perf_counter()
        ms = find_mentions(s, gaz)
        tb = time.perf_counter()
        mentions.extend(ms)
        ctx = build_context(s, ms, gaz, disc, pub)
        tc = time.perf_counter()
        facts.extend(apply_rules(ctx, state))
        t_mentions += tb - ta
        t_context += tc - tb
        t_rules += time.perf_counter() - tc
    t4 = time.perf_counter()
    facts = _dedupe(finish(facts, state))
    ex = Extraction(document=doc, clean=ct, content_hash=hashlib.sha256(ct.text.encode("utf-8")).hexdigest(),
                    lang=lang, entities=_entities(mentions, facts, gaz), facts=tuple(facts),
                    sentences=len(sentences), extractor=EXTRACTOR)
    t5 = time.perf_counter()
    graph, quads = to_quads(ex)
    if pending is not None:                     # what a bulk worker sends: the graph as N-Quads bytes
        out = io.BytesIO()
        ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
        pending.articles.append((graph, out.getvalue()))
        pending.quads += len(quads)
    t6 = time.perf_counter()
    if pending is None:
        if store.article_extractor(graph) != ex.extractor:
            store.put_article(graph, quads)
    elif pending.quads >= BULK_BATCH_QUADS:
        store.load_new_articles(pending.articles)
        pending.articles.clear()
        pending.quads = 0
    t7 = time.perf_counter()
    spans = (t1 - t0, t2 - t1, t3 - t2, t_mentions, t_context, t_rules + t5 - t4, t6 - t5, t7 - t6)
    for stage, sec in zip(STAGES, spans, strict=True):
        times[stage] += sec
    return ex


def _warm_up(paths: Sequence[Path]) -> None:
    """Load the entity table, jieba's dictionary and tags, opencc and the store library before any timing."""
    import jieba
    import jieba.posseg

    from dealgraph.graph.store import Store
    from dealgraph.ingest.clean import to_simplified
    from dealgraph.ingest.pipeline import extract
    from dealgraph.ingest.read import read_path
    from dealgraph.ingest.segment import cache_dir

    jieba.setLogLevel(60)
    jieba.dt.tmp_dir = str(cache_dir())
    for p in paths[:3]:
        doc = read_path(p)
        extract(doc)
        simp = to_simplified(doc.text)
        jieba.lcut(simp)
        jieba.posseg.lcut(simp)
    Store.open(None).close()


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_stages(paths: Sequence[Path], store_dir: Path) -> tuple[dict[str, float], int, int]:
    """Per-stage seconds over ``paths`` writing into a fresh on-disk store the way a folder ingest fills one (the
    bulk loader, a batch at a time); also the quads and facts written."""
    from dealgraph.graph.store import Store
    from dealgraph.ingest.gazetteer import default_gazetteer

    times: dict[str, float] = defaultdict(float)
    gaz = default_gazetteer()
    facts = 0
    pending = _Batch()
    with Store.open(store_dir) as st:
        for p in paths:
            facts += len(staged_ingest(p, gaz, st, times, pending).facts)
        t0 = time.perf_counter()
        if pending.articles:
            st.load_new_articles(pending.articles)
        times["store"] += time.perf_counter() - t0
        quads = st.triple_count()
    return dict(times), quads, facts


def check_staged(paths: Sequence[Path]) -> str:
    """``""`` when the staged copy gives exactly the facts of ``pipeline.extract`` on the first 30 articles, else
    what differs (the pipeline changed: update ``staged_ingest``)."""
    from dealgraph.graph.store import Store
    from dealgraph.ingest.gazetteer import default_gazetteer
    from dealgraph.ingest.pipeline import extract
    from dealgraph.ingest.read import read_path

    times: dict[str, float] = defaultdict(float)
    st = Store.open(None)
    for p in paths[:30]:
        try:
            if staged_ingest(p, default_gazetteer(), st, times).facts != extract(read_path(p)).facts:
                return f"different facts for {p.name}"
        except Exception as e:  # noqa: BLE001  (any failure means the copy no longer matches the pipeline)
            return f"{type(e).__name__}: {e}"
    return ""


def bench_extract(paths: Sequence[Path]) -> tuple[float, int]:
    """Seconds for ``extract(read_path(p))`` over ``paths``, and the facts found (used when the staged copy fails)."""
    from dealgraph.ingest.pipeline import extract
    from dealgraph.ingest.read import read_path

    facts = 0
    t = time.perf_counter()
    for p in paths:
        facts += len(extract(read_path(p)).facts)
    return time.perf_counter() - t, facts


def bench_store_ingest(paths: Sequence[Path], store_dir: Path, again: int) -> tuple[float, float, dict[str, int]]:
    """Seconds to ingest ``paths`` through ``KnowledgeGraph.ingest_file`` into an on-disk store (one open store,
    as ``dealgraph ingest`` does), seconds to re-ingest the first ``again`` of them, and the statuses."""
    from dealgraph import KnowledgeGraph
    from dealgraph.graph.store import Store

    kg = KnowledgeGraph(store_dir)
    status: dict[str, int] = defaultdict(int)
    with Store.open(store_dir) as st:
        t = time.perf_counter()
        for p in paths:
            status[kg.ingest_file(p, store=st).status] += 1
        first = time.perf_counter() - t
        t = time.perf_counter()
        for p in paths[:again]:
            status["re-" + kg.ingest_file(p, store=st).status] += 1
        second = time.perf_counter() - t
    return first, second, dict(status)


def bench_bulk(paths: Sequence[Path], store_dir: Path, workers: int) -> tuple[float, dict[str, int]]:
    """Seconds for ``ingest_files`` over ``paths`` with ``workers`` processes into a fresh store (pool start-up and
    every worker's dictionary loading included, as a user sees it), and the statuses."""
    from dealgraph.bulk import ingest_files
    from dealgraph.graph.store import Store

    status: dict[str, int] = defaultdict(int)
    with Store.open(store_dir) as st:
        t = time.perf_counter()
        for out in ingest_files(st, [str(p) for p in paths], workers=workers):
            status[out.status] += 1
        seconds = time.perf_counter() - t
    return seconds, dict(status)


def bench_jieba(texts: Sequence[str]) -> tuple[float, float]:
    """Seconds for ``jieba.posseg.lcut`` and ``jieba.lcut`` over ``texts`` (already simplified)."""
    import jieba
    import jieba.posseg

    t_pos = _timed(lambda: [jieba.posseg.lcut(t) for t in texts])
    t_cut = _timed(lambda: [jieba.lcut(t) for t in texts])
    return t_pos, t_cut


def profile_extract(paths: Sequence[Path], top: int = 25) -> str:
    """cProfile of ``extract`` over ``paths``: the ``top`` functions by own time, then by cumulative time."""
    from dealgraph.ingest.pipeline import extract
    from dealgraph.ingest.read import read_path

    prof = cProfile.Profile()
    prof.enable()
    for p in paths:
        extract(read_path(p))
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _rate(n: float, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s" if seconds > 0 else "n/a"


def _report_bulk(rep: Report, paths: Sequence[Path], work: Path, label: str) -> None:
    """Articles/s with 1 and 2 worker processes, and the speed-up (target >= 1.7 on 2 cores)."""
    import os

    n = len(paths)
    load = os.getloadavg()[0]
    times = {}
    for workers in (1, 2):
        seconds, status = bench_bulk(paths, work / f"bulk-{label}-{workers}", workers)
        shutil.rmtree(work / f"bulk-{label}-{workers}", ignore_errors=True)
        times[workers] = seconds
        rep.add(f"bulk ingest {label}, {workers} worker{'s' if workers > 1 else ''}: articles/s", _rate(n, seconds),
                note=f"{fmt_seconds(seconds)} in all; " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())))
    speedup = times[1] / times[2]
    busy = os.getloadavg()[0]
    rep.add(f"bulk ingest {label}: speed-up with 2 workers", f"{speedup:.2f}x",
            ratio=f"target >= 1.7: {'met' if speedup >= 1.7 else 'MISSED'}",
            note=f"{os.cpu_count()} cores; load average {load:.1f} before, {busy:.1f} after (other jobs share the cores)")


def run(n: int, seed: int, again: int, json_path: str | None, profile: int, large: int = 0) -> Report:
    """Generate the corpus, run every measurement, print and return the figures."""
    rep = Report("ingest")
    work = Path(tempfile.mkdtemp(prefix="dealgraph-bench-"))
    try:
        paths = write_corpus(work / "corpus", n, seed)
        texts = [p.read_text(encoding="utf-8") for p in paths]
        chars = sum(len(t) for t in texts)
        print(f"ingest: {n} articles, {chars:,} characters ({chars / n:.0f} per article), seed {seed}", flush=True)
        _warm_up(paths)
        t_extract = _report_stages(rep, paths, work, chars)
        _report_store(rep, paths, work, again)
        _report_jieba(rep, texts, t_extract)
        _report_bulk(rep, paths, work, f"{n:,} articles")
        if large:
            big = write_corpus(work / "corpus-large", large, seed + 1)
            _report_bulk(rep, big, work, f"{large:,} articles")
            shutil.rmtree(work / "corpus-large", ignore_errors=True)
        if profile:
            print(profile_extract(paths[:profile]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rep.save(json_path)
    return rep


def _report_stages(rep: Report, paths: Sequence[Path], work: Path, chars: int) -> float:
    """Stage shares, extraction throughput and staged write rate; returns the extraction seconds."""
    n = len(paths)
    problem = check_staged(paths)
    rep.add("staged copy gives the same facts as extract()", "NO" if problem else "yes", note=problem)
    if problem:                 # no stage shares: time the pipeline's own extract() instead
        t_extract, facts = bench_extract(paths)
    else:
        times, quads, facts = bench_stages(paths, work / "staged-store")
        total = sum(times.values())
        for stage in STAGES:
            rep.add(f"stage share: {stage}", f"{100 * times[stage] / total:.1f}%",
                    note=f"{fmt_seconds(times[stage] / n)} per article")
        t_extract = sum(times[s] for s in STAGES[:6])
    rep.add("extraction (read→facts): articles/s", _rate(n, t_extract), note=f"{fmt_seconds(t_extract / n)} per article")
    rep.add("extraction (read→facts): characters/s", _rate(chars, t_extract), note=f"{facts / n:.1f} facts per article")
    if not problem:
        rep.add("staged read→on-disk store: articles/s", _rate(n, total), note=f"{quads / n:.0f} quads per article")
    return t_extract


def _report_store(rep: Report, paths: Sequence[Path], work: Path, again: int) -> None:
    first, second, status = bench_store_ingest(paths, work / "store", again)
    rep.add("ingest_file into on-disk Store: articles/s", _rate(len(paths), first),
            note=", ".join(f"{k} {v}" for k, v in sorted(status.items())))
    if again:
        rep.add("re-ingest unchanged articles: articles/s", _rate(again, second),
                ratio=f"{(second / again) / (first / len(paths)):.2f}x the time of a first ingest")


def _report_jieba(rep: Report, texts: Sequence[str], t_extract: float) -> None:
    from dealgraph.ingest.clean import to_simplified

    simp = [to_simplified(t) for t in texts]
    t_pos, t_cut = bench_jieba(simp)
    n = len(texts)
    rep.add("jieba.posseg (simplified): articles/s", _rate(n, t_pos),
            ratio=f"extraction takes {t_extract / t_pos:.2f}x posseg time")
    rep.add("jieba.cut (simplified): articles/s", _rate(n, t_cut),
            ratio=f"extraction takes {t_extract / t_cut:.1f}x cut time")


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="articles (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--again", type=int, default=200, help="articles to re-ingest unchanged (default 200)")
    ap.add_argument("--json", help="append the figures to this JSON file")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also profile extract() on N articles")
    ap.add_argument("--bulk-large", type=int, default=0, metavar="N",
                    help="also bulk-ingest a second corpus of N articles with 1 and 2 workers")
    args = ap.parse_args(argv)
    run(args.n, args.seed, min(args.again, args.n), args.json, args.profile, args.bulk_large)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
