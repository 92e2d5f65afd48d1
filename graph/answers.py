"""Slow answers (SELECT results, ``show`` reports) kept on disk while the store is unchanged: asked again, from
any process, a report that took seconds on a million triples is read back in milliseconds.

Each answer is kept under the store's generation token (``graph.viewcache``): a writer marks the token ``dirty``
at its first write and renews it when it closes, so a kept answer goes stale the moment the store changes and is
never read again; nothing is kept under a dirty token, nor when the token moved while the query ran. SELECT
results are kept as W3C SPARQL results TSV (terms in N-Triples syntax: nothing is lost, and pyoxigraph reads it
back a third faster than JSON), ``show`` reports as JSON; neither is ever unpickled. The files live in the
user's own cache folder (a store may be shared or read-only). Only answers that took ``SLOW`` seconds or more
are kept.

>>> key("SELECT * WHERE { ?s ?p ?o }", {}) == key("SELECT * WHERE { ?s ?p ?o }", None)
True
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

__all__ = ["SLOW", "MAX_BYTES", "key", "load", "save", "keep", "load_report", "keep_report"]

log = logging.getLogger(__name__)

#: Answers faster than this are not worth a file.
SLOW = 0.05
#: Larger answers are not kept (the cache folder should stay small).
MAX_BYTES = 64 * 1024 * 1024
#: Answers kept per store generation; the oldest go first.
MAX_FILES = 256
#: Bumped when the shape of a kept answer changes, so an older one is never read.
FORMAT = 1
#: ``DEALGRAPH_KEEP_ANSWERS=0`` turns the keeping off (every question computed afresh; the benchmark's "first").
ENABLED = os.environ.get("DEALGRAPH_KEEP_ANSWERS", "1") != "0"


def key(query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None) -> str:
    """A digest of the query text and its bound values, each in N-Triples form (so an IRI, a plain literal and a
    tagged literal with the same text differ), and of the version that computed the answer."""
    from dealgraph import __version__

    h = hashlib.sha256(f"{__version__}\0{FORMAT}\0{query}".encode())
    for k, v in sorted((bindings or {}).items()):
        h.update(b"\0" + k.encode("utf-8") + b"\0" + str(v).encode("utf-8"))
    return h.hexdigest()[:40]


def _folder(store_dir: Path) -> Path:
    from dealgraph.ingest.segment import cache_dir

    return cache_dir() / f"answers-{hashlib.sha256(str(Path(store_dir).resolve()).encode()).hexdigest()[:32]}"


def _clean(token: str | None) -> bool:
    return token is not None and not token.startswith("dirty")


def _read(store_dir: Path, token: str | None, name: str) -> bytes | None:
    if not ENABLED or not _clean(token):
        return None
    try:
        return (_folder(store_dir) / token / name).read_bytes()
    except OSError:
        return None


def load(store_dir: Path, token: str | None, k: str):
    """The kept answer to query ``k`` under ``token`` (``QuerySolutions``), or None."""
    data = _read(store_dir, token, f"{k}.tsv")
    if data is None:
        return None
    try:
        return ox.parse_query_results(data, ox.QueryResultsFormat.TSV)
    except (SyntaxError, ValueError, OSError) as e:     # a damaged file is only a miss
        log.debug("kept answer %s unreadable: %s", k, e)
        return None


#: A store whose answers folder has not changed for this long loses it (the store may be long gone).
UNUSED_DAYS = 30


def _forget_unused(cache: Path) -> None:
    old = time.time() - UNUSED_DAYS * 86400
    for folder in cache.glob("answers-*"):
        try:
            if folder.stat().st_mtime < old:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def save(store_dir: Path, token: str | None, name: str, data: bytes) -> bool:
    """Keep ``data`` in file ``name`` if ``token`` is clean and still the store's; stale generations' answers are
    removed. Written atomically; a full or read-only disk only skips the keeping."""
    from dealgraph.graph.viewcache import token as current

    if not ENABLED or not _clean(token) or current(store_dir) != token or len(data) > MAX_BYTES:
        return False
    root = _folder(store_dir)
    folder = root / token
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in root.iterdir():
            if old.name != token:
                shutil.rmtree(old, ignore_errors=True)
        _forget_unused(root.parent)
        kept = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[: max(0, len(kept) - MAX_FILES + 1)]:
            old.unlink(missing_ok=True)
        tmp = folder / f".{name}.{os.getpid()}"
        tmp.write_bytes(data)
        os.replace(tmp, folder / name)
    except OSError as e:
        log.debug("cannot keep the answer: %s", e)
        return False
    return True


def keep(store_dir: Path, token: str | None, k: str, result, started: float):
    """Evaluate ``result`` (pyoxigraph evaluates lazily, while it is read) into results TSV, keep it when the
    query took ``SLOW`` seconds or more since ``started`` (a ``time.perf_counter()``), and return an equal
    result read back from the bytes."""
    out = io.BytesIO()
    result.serialize(out, ox.QueryResultsFormat.TSV)
    data = out.getvalue()
    if time.perf_counter() - started >= SLOW:
        save(store_dir, token, f"{k}.tsv", data)
    return ox.parse_query_results(data, ox.QueryResultsFormat.TSV)


def _report_name(name: str) -> str:
    return f"show-{key('show', {'name': ox.Literal(name)})}.json"


def load_report(store_dir: Path, token: str | None, name: str) -> dict | None:
    """The ``show`` report kept for the entity called ``name`` (as the user spelt it) under ``token``, or None."""
    data = _read(store_dir, token, _report_name(name))
    try:
        report = None if data is None else json.loads(data)
    except ValueError:
        return None
    return report if isinstance(report, dict) and "iri" in report else None


def keep_report(store_dir: Path, token: str | None, name: str, report: dict, started: float) -> None:
    """Keep the ``show`` report for ``name`` (plain JSON values only) when it took ``SLOW`` seconds or more since
    ``started``."""
    if time.perf_counter() - started >= SLOW:
        save(store_dir, token, _report_name(name), json.dumps(report, ensure_ascii=False).encode())
