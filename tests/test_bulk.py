"""Bulk ingest of a folder: workers extract, one writer; a fresh store is written by Oxigraph's bulk loader."""

from __future__ import annotations

import errno

import pyoxigraph as ox
import pytest

import dealgraph.bulk as bulk
from dealgraph.errors import StoreError
from dealgraph.graph.store import Store
from tests.test_faults import PUBLISHED, write_folder


def _ingest(store_path, files, workers=1):
    with Store.open(store_path) as st:
        return list(bulk.ingest_files(st, [str(f) for f in files], published=PUBLISHED, workers=workers))


def _quads(store_path) -> set:
    with Store.open(store_path, read_only=True) as st:
        return {(q.subject, q.predicate, q.object, q.graph_name) for q in st.quads()} | {
            (q.subject, q.predicate, q.object, "default")
            for q in st.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())}


@pytest.fixture
def folder(tmp_path):
    files = write_folder(tmp_path / "in", 51, 40)
    copy = tmp_path / "in" / "zz-copy.md"                   # the same article twice: stored once
    copy.write_bytes(files[3].read_bytes())
    return sorted(files + [copy])


def test_a_fresh_store_is_bulk_loaded_with_the_same_quads_as_one_by_one(tmp_path, folder, monkeypatch):
    batches = []
    real = Store.load_new_articles
    monkeypatch.setattr(Store, "load_new_articles", lambda self, arts: batches.append(len(arts)) or real(self, arts))
    monkeypatch.setattr(bulk, "BULK_BATCH_QUADS", 500)    # several batches
    loaded = _ingest(tmp_path / "bulk", folder, workers=2)
    assert len(batches) > 2 and sum(batches) == 40
    monkeypatch.setattr(bulk, "BULK_MIN_ARTICLES", 10**9)
    one_by_one = _ingest(tmp_path / "single", folder)
    assert [(o.name, o.status, o.graph, o.facts) for o in loaded] == \
           [(o.name, o.status, o.graph, o.facts) for o in one_by_one]           # same outcomes, same order
    assert sorted(o.status for o in loaded) == ["added"] * 40 + ["unchanged"]
    assert _quads(tmp_path / "bulk") == _quads(tmp_path / "single")
    with Store.open(tmp_path / "bulk", read_only=True) as st:
        assert all(st.article_extractor(o.graph) for o in loaded)
    again = _ingest(tmp_path / "bulk", folder)
    assert {o.status for o in again} == {"unchanged"}


def test_an_existing_store_is_written_article_by_article(tmp_path, folder, monkeypatch):
    _ingest(tmp_path / "s", folder[:1])
    monkeypatch.setattr(Store, "load_new_articles", lambda *a: pytest.fail("bulk loader on a store with articles"))
    assert sum(o.status == "added" for o in _ingest(tmp_path / "s", folder)) == 39


class _FullAfter:
    """A pyoxigraph store whose bulk loads fail as on a full disk after ``n`` of them."""

    def __init__(self, inner: ox.Store, n: int) -> None:
        self._inner, self._left = inner, n

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if name != "bulk_load":
            return attr

        def load(*a, **k):
            self._left -= 1
            if self._left < 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            return attr(*a, **k)
        return load


def test_a_full_disk_during_a_bulk_load_stores_none_of_the_batch_and_the_next_ingest_completes(
        tmp_path, folder, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_BATCH_QUADS", 500)
    reported = []
    with Store.open(tmp_path / "s") as st:
        st._s = _FullAfter(st._s, 2)
        with pytest.raises(StoreError, match="none of them counts as stored"):
            for o in bulk.ingest_files(st, [str(f) for f in folder], published=PUBLISHED, workers=1):
                reported.append(o)
    added = {o.graph for o in reported if o.status == "added"}
    assert 0 < len(added) < 40
    with Store.open(tmp_path / "s", read_only=True) as st:
        marked = {g.value for g in st.oxigraph.named_graphs() if st.article_extractor(g.value)}
    assert marked == added                       # what was reported is stored; nothing else counts as stored
    rest = _ingest(tmp_path / "s", folder)
    assert sum(o.status == "added" for o in rest) == 40 - len(added)
    monkeypatch.setattr(bulk, "BULK_MIN_ARTICLES", 10**9)
    _ingest(tmp_path / "ref", folder)
    assert _quads(tmp_path / "s") == _quads(tmp_path / "ref")
