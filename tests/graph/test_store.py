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


_N = ox.NamedNode
_TRICKY = [ox.Literal('tab\there, new\nline, "quoted", back\\slash, ünïcode 中文'), ox.Literal("中文", language="zh-Hans"),
           ox.Literal("3.50", datatype=_N("http://www.w3.org/2001/XMLSchema#decimal")), ox.Literal(""),
           ox.Literal("x <https://e.org/g> .\nnot a graph"), _N("https://e.org/é?a=b&c#frag")]


def _article(g: str, blank: bool = False) -> list[ox.Quad]:
    subject = ox.BlankNode("b1") if blank else _N("https://e.org/s")
    quads = [ox.Quad(subject, _N(f"https://e.org/p{i}"), o, _N(g)) for i, o in enumerate(_TRICKY)]
    return quads + quads[:2]                       # duplicates are written once


def _as_nquads(quads: list[ox.Quad]) -> bytes:
    import io

    out = io.BytesIO()
    ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    return out.getvalue()


@pytest.mark.parametrize("form", ["quads", "nquads", "blank"])
def test_every_write_path_stores_the_same_quads(tmp_path, form):
    g = "https://w3id.org/dealgraph/doc/t1"
    quads = _article(g, blank=form == "blank")
    with Store.open(tmp_path / "s") as s:
        s.put_article(g, _as_nquads(quads) if form == "nquads" else quads)
        got = {(q.subject, q.predicate, q.object, q.graph_name) for q in s.quads()}
        named = {(q.subject, q.predicate, q.object) for q in s.oxigraph.quads_for_pattern(None, None, None, _N(g))}
        merged = {(q.subject, q.predicate, q.object)
                  for q in s.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    ref = ox.Store()                               # what extend() stores (Oxigraph keeps 3.50 as 3.5)
    ref.extend(quads)
    want = {(q.subject, q.predicate, q.object) for q in ref}
    if form == "blank":                            # a blank node keeps its identity across both copies
        assert named == merged and len(named) == len(_TRICKY)
        assert len({t[0] for t in named}) == 1 and isinstance(next(iter(named))[0], ox.BlankNode)
    else:
        assert named == want and merged == want
    assert {t[3] for t in got} == {_N(g)}
