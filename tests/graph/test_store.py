"""The embedded store: atomic article writes, idempotent re-ingest, a clear busy error, removal."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dealgraph.api import KnowledgeGraph
from dealgraph.errors import StoreBusyError, StoreError
from dealgraph.graph.store import Store

ARTICLE = "英伟达向xAI投资20亿美元。xAI购买英伟达GPU。软银旗下的Arm与OpenAI合作。"


def test_reingest_changes_nothing(store_dir):
    kg = KnowledgeGraph.open(store_dir)
    first = kg.ingest_text(ARTICLE, published="2026-01-07")
    with Store.open(store_dir, read_only=True) as s:
        n = s.triple_count()
    second = kg.ingest_text(ARTICLE, published="2026-01-07")
    with Store.open(store_dir, read_only=True) as s:
        assert s.triple_count() == n
        assert not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in s.quads())
    assert (first.status, second.status) == ("added", "unchanged")


def test_second_writer_is_busy(store_dir):
    holder = Store.open(store_dir)
    try:
        with pytest.raises(StoreBusyError, match="store is busy"):
            Store.open(store_dir)
        Store.open(store_dir, read_only=True).close()     # readers still get in
    finally:
        holder.close()


def test_failed_write_leaves_store_unchanged(store_dir):
    s = Store.open(store_dir)
    g = "https://w3id.org/dealgraph/doc/x"
    good = [ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("1"), ox.NamedNode(g))]
    s.put_article(g, good)

    def broken():
        yield good[0]
        raise OSError("disk full")

    with pytest.raises((StoreError, OSError)):
        s.put_article(g + "2", broken())
    assert not s.has_article(g + "2")
    assert s.triple_count() == 1
    s.close()


def test_replace_is_whole(store_dir):
    s = Store.open(store_dir)
    g = "https://w3id.org/dealgraph/doc/y"
    q = lambda o: ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal(o), ox.NamedNode(g))  # noqa: E731
    s.put_article(g, [q("old"), q("old2")])
    s.put_article(g, [q("new")])
    assert [x.object.value for x in s.quads()] == ["new"]
    s.close()


def test_remove_article_drops_only_its_facts(store_dir):
    kg = KnowledgeGraph.open(store_dir)
    a = kg.ingest_text("英伟达向xAI投资20亿美元。", published="2026-01-07", source="https://example.org/a")
    kg.ingest_text("微软向OpenAI投资100亿美元。", published="2026-01-07", source="https://example.org/b")
    assert kg.remove("https://example.org/a") == [a.graph]
    rows = list(kg.sparql("SELECT ?s WHERE { ?s <https://w3id.org/dealgraph#investedIn> ?o }"))
    assert [r["s"].value.rsplit("/", 1)[-1] for r in rows] == ["microsoft"]


def test_store_path_that_is_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store.open(f)


def test_union_has_set_semantics_and_removal_keeps_shared_triples(store_dir):
    kg = KnowledgeGraph.open(store_dir)
    kg.ingest_text("英伟达向xAI投资20亿美元。", published="2026-01-07", source="https://example.org/a")
    kg.ingest_text("Nvidia will invest $2 billion in xAI, the company said.", published="2026-01-08",
                   source="https://example.org/b")
    label = ("SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/dealgraph/id/nvidia> "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    edge = ("ASK { <https://w3id.org/dealgraph/id/nvidia> <https://w3id.org/dealgraph#investedIn> "
            "<https://w3id.org/dealgraph/id/xai> }")
    assert int(next(iter(kg.sparql(label)))["n"].value) == 1          # stated twice, seen once
    kg.remove("https://example.org/a")
    assert int(next(iter(kg.sparql(label)))["n"].value) == 1          # still stated by the other article
    assert bool(kg.sparql(edge))
    kg.remove("https://example.org/b")
    assert int(next(iter(kg.sparql(label)))["n"].value) == 0          # nobody states it any more
    assert not bool(kg.sparql(edge))


def test_store_namespace_constant_is_the_vocabulary():
    """The store spells the namespace out (no rdflib import on the query path); it must stay the ontology's."""
    from dealgraph.graph import store as store_module
    from dealgraph.ontology.namespace import DG

    assert store_module._DG == str(DG._NS)
