"""A cache of the networkx view of an on-disk store (in the user's cache folder), so ``circular``, ``show`` and ``viz`` in a new process
need not rebuild it (building reads every relation from disk; loading the pickle is far faster).

The store keeps a token file: a writer marks it ``dirty`` at its first write and gives it a fresh value when it
closes. A view is cached only under a clean token and used only while the token is unchanged.
"""

from __future__ import annotations

import logging
import os
import pickle
import uuid
from pathlib import Path

import networkx as nx

__all__ = ["token", "mark_dirty", "mark_clean", "load", "save"]

log = logging.getLogger(__name__)
_TOKEN = "dealgraph-generation"


def token(store_dir: Path) -> str | None:
    """The store's current token, or None when unknown (no file yet)."""
    try:
        return (store_dir / _TOKEN).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def _write(store_dir: Path, value: str) -> None:
    tmp = store_dir / f".{_TOKEN}.{os.getpid()}"
    try:
        tmp.write_text(value, encoding="ascii")
        os.replace(tmp, store_dir / _TOKEN)
    except OSError as e:          # a read-only disk: the cache is only an optimisation
        log.debug("cannot write %s: %s", _TOKEN, e)


def mark_dirty(store_dir: Path) -> None:
    """A writer is changing the store: no view may be cached or trusted until it closes."""
    _write(store_dir, f"dirty-{uuid.uuid4().hex}")


def mark_clean(store_dir: Path) -> None:
    """The writer closed: a new generation, which invalidates every cached view."""
    _write(store_dir, uuid.uuid4().hex)


def _cache_file(store_dir: Path) -> Path:
    """The pickle lives in the user's own cache folder, never in the store folder: a store may be shared or come
    from elsewhere, and unpickling a file someone else could write would run their code."""
    import hashlib

    from dealgraph.ingest.segment import cache_dir

    key = hashlib.sha256(str(Path(store_dir).resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / f"view-{key}.pickle"


def load(store_dir: Path) -> nx.MultiDiGraph | None:
    """The cached view, when it was made under the current clean token."""
    t = token(store_dir)
    if t is None or t.startswith("dirty"):
        return None
    try:
        with open(_cache_file(store_dir), "rb") as fh:
            cached_token, view = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return view if cached_token == t else None


def save(store_dir: Path, view: nx.MultiDiGraph, made_under: str | None) -> None:
    """Cache ``view`` if the token it was built under is clean and still current."""
    if made_under is None or made_under.startswith("dirty") or token(store_dir) != made_under:
        return
    target = _cache_file(store_dir)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            pickle.dump((made_under, view), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError as e:
        log.debug("cannot cache the view: %s", e)
        tmp.unlink(missing_ok=True)
