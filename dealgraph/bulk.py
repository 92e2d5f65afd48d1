"""Bulk ingest: extraction in worker processes, one writer to the store, results in input order.

Workers read and extract (the expensive part) and hand back N-Quads bytes; the parent alone writes, so the
store keeps its single-writer lock and every article is still all in or not at all.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from dealgraph.errors import DealgraphError

__all__ = ["Outcome", "extract_file", "ingest_files", "default_workers"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One article's result: ``status`` added / updated / unchanged / failed, and what it held."""

    name: str
    status: str
    graph: str = ""
    facts: int = 0
    entities: int = 0
    lang: str = ""
    error: str = ""


@dataclass(frozen=True)
class _Prepared:
    name: str
    graph: str
    nquads: bytes
    extractor: str
    facts: int
    entities: int
    lang: str
    error: str = ""


def default_workers(n_files: int) -> int:
    """One process per core for folders of some size; in-process for a handful of files."""
    return 1 if n_files < 16 else max(1, min(os.cpu_count() or 1, 8))


def extract_file(args: tuple[str, str | None, str | None, str | None]) -> _Prepared:
    """Read and extract one file; errors come back as values (a worker must not die on one bad article)."""
    path, published, source, lang = args
    from dealgraph.api import prepare
    from dealgraph.ingest.read import read_path

    try:
        ex, graph, quads = prepare(read_path(path), published=published, source=source, lang=lang)
    except DealgraphError as e:
        msg = str(e)
        return _Prepared(path, "", b"", "", 0, 0, "", msg if msg.startswith(path) else f"{path}: {msg}")
    except Exception as e:  # noqa: BLE001  (one article's bug must not stop the others)
        return _Prepared(path, "", b"", "", 0, 0, "", f"{path}: internal error while reading this article "
                                                      f"({type(e).__name__}: {e}); please report it")
    out = io.BytesIO()
    ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    return _Prepared(path, graph, out.getvalue(), ex.extractor, len(ex.facts), len(ex.entities), ex.lang)


def _die_with_parent() -> None:
    """Linux: the kernel ends this worker when the ingest that started it dies, even by SIGKILL."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):      # another system: workers still end with the pool in every other case
        pass


def _warm() -> None:
    """Worker start: die with the parent; load the entity table and jieba's dictionary once per process."""
    _die_with_parent()
    from dealgraph.ingest.gazetteer import default_gazetteer
    from dealgraph.ingest.segment import segmenter

    default_gazetteer()
    segmenter()


def _already_stored(store, files: Sequence[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Split off the files whose article this extractor already stored: reading and cleaning them is cheap,
    extracting them again is not."""
    import hashlib

    from dealgraph.graph.rdf import article_graph_iri
    from dealgraph.ingest.clean import clean
    from dealgraph.ingest.read import read_path
    from dealgraph.ingest.rules import EXTRACTOR

    known, todo = [], []
    if store.graph_count() == 0:              # a fresh store: nothing to look up
        return known, list(files)
    for f in files:
        graph = None
        if f != "-":
            try:
                doc = read_path(f)
                graph = article_graph_iri(hashlib.sha256(clean(doc.text, doc.body_start).text.encode()).hexdigest())
            except DealgraphError:
                graph = None
        if graph and store.article_extractor(graph) == EXTRACTOR:
            known.append((f, graph))
        else:
            todo.append(f)
    return known, todo


def ingest_files(store, files: Sequence[str], *, published: str | None = None, source: str | None = None,
                 lang: str | None = None, workers: int | None = None) -> Iterator[Outcome]:
    """Ingest ``files`` into ``store`` (stdin ``-`` is read in-process); yields one ``Outcome`` per file."""
    from dealgraph.api import commit

    n = workers if workers is not None else default_workers(len(files))
    known, todo = _already_stored(store, files)
    jobs = [(f, published, source, lang) for f in todo]
    if n <= 1 or any(f == "-" for f in files):
        results: Iterator[_Prepared] = map(extract_file, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=n, initializer=_warm)
        results = pool.map(extract_file, jobs, chunksize=max(1, min(32, len(jobs) // (n * 4) or 1)))
    try:
        for f, graph in known:
            yield Outcome(f, "unchanged", graph)
        if _fresh(store, len(jobs)):
            yield from _bulk_load(store, results)
            return
        for p in results:
            if p.error:
                yield Outcome(p.name, "failed", error=p.error)
                continue
            status = commit(store, p.graph, p.nquads, p.extractor)      # N-Quads bytes: no Python object per quad
            yield Outcome(p.name, status, p.graph, p.facts, p.entities, p.lang)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


#: A fresh store is bulk-loaded when at least this many articles come in one ingest.
BULK_MIN_ARTICLES = 20
#: Article-graph quads per bulk-loaded batch (about 450 articles; with the merged copies well under the 1M quads
#: Oxigraph's bulk loader ingests in one atomic step). Outcomes are reported a batch at a time. Fewer, larger
#: batches leave the store less to compact: 10,000 articles with 2 workers 26/s at 50,000, 30/s at 250,000.
BULK_BATCH_QUADS = 200_000


def _fresh(store, n_jobs: int) -> bool:
    """Whether this ingest fills an empty embedded store: then the bulk loader writes it (``Store.load_new_articles``)."""
    from dealgraph.graph.store import Store

    return (isinstance(store, Store) and store.path is not None and n_jobs >= BULK_MIN_ARTICLES
            and store.graph_count() == 0)


def _bulk_load(store, results: Iterator[_Prepared]) -> Iterator[Outcome]:
    """Fresh store: articles written in batches by the bulk loader, outcomes in input order after each batch. The
    same article twice (same content) is written once; the second is ``unchanged``."""
    batch: list[tuple[_Prepared, bool]] = []          # (article, a copy of one already written)
    seen: set[str] = set()

    def write() -> Iterator[Outcome]:
        store.load_new_articles([(p.graph, p.nquads) for p, copy in batch if not p.error and not copy])
        for p, copy in batch:
            if p.error:
                yield Outcome(p.name, "failed", error=p.error)
            else:
                yield Outcome(p.name, "unchanged" if copy else "added", p.graph, p.facts, p.entities, p.lang)
        batch.clear()

    quads = 0
    for p in results:
        copy = not p.error and p.graph in seen
        if not p.error and not copy:
            seen.add(p.graph)
            quads += p.nquads.count(b"\n")
        batch.append((p, copy))
        if quads >= BULK_BATCH_QUADS:
            yield from write()
            quads = 0
    yield from write()
