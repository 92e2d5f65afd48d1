"""``show`` on a cold store reads one entity from the indexes; it must say exactly what the whole view says."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dealgraph.api import KnowledgeGraph
from dealgraph.graph import answers
from dealgraph.graph.show import entity_report
from dealgraph.graph.store import Store
from dealgraph.graph.view import build_view, local_view
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def computed_every_time(monkeypatch):
    """No kept ``show`` reports here: each side must compute its own answer."""
    monkeypatch.setattr(answers, "SLOW", float("inf"))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "store"
    kg = KnowledgeGraph.open(path)
    for article in sorted(FIXTURES.glob("*.md")):
        kg.ingest_file(article)
    return path


def test_every_entity_reads_the_same_from_the_indexes(store_dir):
    with Store.open(store_dir, read_only=True) as s:
        view = build_view(s)
        graph = ox.DefaultGraph() if s._merged() else None
        assert view.number_of_nodes() > 50
        for iri in view.nodes:
            assert entity_report(s, local_view(s.oxigraph, iri, graph), iri) == entity_report(s, view, iri), iri


@pytest.mark.parametrize("name", ["Nvidia", "輝達", "OpenAI"])
def test_cold_show_equals_warm_show(store_dir, name):
    cold = KnowledgeGraph.open(store_dir).show(name)
    warm = KnowledgeGraph.open(store_dir)
    warm.view()
    assert cold == warm.show(name)
    assert cold["relations"]


def test_cold_entity_lookup_equals_the_view(store_dir):
    view = build_view(Store.open(store_dir, read_only=True))
    warm = KnowledgeGraph.open(store_dir)
    warm.view()
    labels = sorted({d["label"] for _, d in view.nodes(data=True) if d.get("label")})
    assert len(labels) > 50
    for label in labels:
        cold = KnowledgeGraph.open(store_dir)
        assert cold.entity(label) == warm.entity(label), label
        assert cold._view is None, label          # found without loading the whole view
