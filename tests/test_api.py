"""The Python facade: a read-only handle kept between questions, renewed when the store changes."""

from __future__ import annotations

import gc

import pytest

from dealgraph.api import KnowledgeGraph
from dealgraph.graph import answers
from dealgraph.graph.queries import named_query, results_to_rows


@pytest.fixture(autouse=True)
def nothing_kept(monkeypatch):
    monkeypatch.setattr(answers, "ENABLED", False)      # every answer computed: the handle is what is tested


def _articles(kg: KnowledgeGraph) -> int:
    return len(results_to_rows(kg.sparql(named_query("articles")))[1])


def test_the_reader_is_kept_and_renewed_when_another_process_writes(tmp_path):
    path = tmp_path / "store"
    writer = KnowledgeGraph.open(path)
    writer.ingest_text("英伟达向xAI投资20亿美元。", published="2026-01-07")
    reader = KnowledgeGraph.open(path)
    assert _articles(reader) == 1
    first = reader._reader
    assert first is not None and _articles(reader) == 1 and reader._reader is first     # kept
    writer.ingest_text("Microsoft invested $1 billion in OpenAI in 2019.", published="2026-02-01")
    assert _articles(reader) == 2                                    # renewed after the change
    assert reader._reader is not first
    assert reader.show("OpenAI")["relations"]["investors"]


def test_closing_removes_the_snapshot(tmp_path):
    path = tmp_path / "store"
    with KnowledgeGraph.open(path) as kg:
        kg.ingest_text("英伟达向xAI投资20亿美元。", published="2026-01-07")
        assert _articles(kg) == 1
        assert any((path / ".readers").iterdir())
    assert not any((path / ".readers").iterdir())
    assert _articles(kg) == 1                                        # still usable after close
    del kg
    gc.collect()
    assert not any((path / ".readers").iterdir())                   # and released when collected
