"""Slow answers kept while the store is unchanged: read back equal, never used once the store changed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dealgraph.api import KnowledgeGraph
from dealgraph.errors import QueryError
from dealgraph.graph import answers, viewcache
from dealgraph.graph.queries import named_query, results_to_rows

FIRST = "英伟达向xAI投资20亿美元。xAI购买英伟达GPU。"
SECOND = "Microsoft invested $1 billion in OpenAI in 2019. OpenAI buys cloud capacity from Microsoft."
TRICKY = """SELECT ?s ?o ?none WHERE {
  VALUES (?s ?o) { (<http://example.org/é?a=b&c> "tab\\there, new\\nline, \\"quoted\\", back\\\\slash")
                   (<http://example.org/x> "中文"@zh-Hans) (<http://example.org/y> 3.50) (<http://example.org/z> "") }
  OPTIONAL { ?s <http://example.org/never> ?none } }"""


@pytest.fixture
def kg(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(answers, "SLOW", 0.0)          # every answer counts as slow
    monkeypatch.setattr(answers, "ENABLED", True)      # whatever DEALGRAPH_KEEP_ANSWERS says
    kg = KnowledgeGraph.open(tmp_path / "store")
    kg.ingest_text(FIRST, published="2026-01-07")
    return kg


def _rows(result) -> list[tuple]:
    return [tuple(sol) for sol in result]


def _kept(tmp_path, ext: str = "tsv") -> list:
    return sorted((tmp_path / "cache").glob(f"dealgraph/answers-*/*/*.{ext}"))


def test_an_answer_is_kept_and_read_back_equal(kg, tmp_path):
    live = _rows(kg.sparql(TRICKY))
    assert len(_kept(tmp_path)) == 1
    again = _rows(KnowledgeGraph.open(tmp_path / "store").sparql(TRICKY))
    assert again == live
    assert [str(t) for t in live[0] if t is not None][1].startswith('"tab\\there')


@pytest.mark.parametrize("name", ["articles", "investor-overlap", "contracts", "co-investors", "largest-rounds"])
def test_packaged_reports_read_back_equal(kg, tmp_path, name):
    kg.ingest_text(SECOND, published="2026-02-01")
    first = results_to_rows(kg.sparql(named_query(name)))
    assert any(p.name == answers.key(named_query(name), {}) + ".tsv" for p in _kept(tmp_path))
    assert results_to_rows(KnowledgeGraph.open(tmp_path / "store").sparql(named_query(name))) == first


def test_a_change_to_the_store_makes_every_answer_stale(kg, tmp_path):
    q = named_query("articles")
    assert len(results_to_rows(kg.sparql(q))[1]) == 1
    kg.ingest_text(SECOND, published="2026-02-01")
    assert len(results_to_rows(kg.sparql(q))[1]) == 2
    assert len({p.parent for p in _kept(tmp_path)}) == 1         # the stale generation's folder is gone
    kg.remove(results_to_rows(kg.sparql(q))[1][0][0])
    assert len(results_to_rows(kg.sparql(q))[1]) == 1


def test_nothing_is_kept_while_a_writer_is_at_work(kg, tmp_path):
    viewcache.mark_dirty(tmp_path / "store")
    assert _rows(kg.sparql(TRICKY))
    assert _kept(tmp_path) == []


def test_bindings_are_part_of_the_key(kg):
    q = named_query("investors-of")
    got = {who: results_to_rows(kg.sparql(q, {"entity": kg.entity(who).iri}))[1] for who in ("xAI", "NVIDIA")}
    assert got["xAI"] and got["xAI"] != got["NVIDIA"]
    assert answers.key(q, {"entity": ox.NamedNode("http://a")}) != answers.key(q, {"entity": ox.Literal("http://a")})


def test_a_damaged_answer_is_only_a_miss(kg, tmp_path):
    live = _rows(kg.sparql(TRICKY))
    for p in _kept(tmp_path):
        p.write_bytes(b"\x00\xff not results")
    assert _rows(kg.sparql(TRICKY)) == live


def test_fast_answers_are_not_kept(kg, tmp_path, monkeypatch):
    monkeypatch.setattr(answers, "SLOW", 60.0)
    assert _rows(kg.sparql(TRICKY))
    assert _kept(tmp_path) == []


def test_refused_queries_stay_refused_and_ask_is_answered(kg):
    with pytest.raises(QueryError):
        kg.sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert bool(kg.sparql("ASK { ?s ?p ?o }")) is True


def test_a_show_report_is_kept_per_name_and_goes_stale(kg, tmp_path):
    live = kg.show("xAI")
    assert any(p.name.startswith("show-") for p in _kept(tmp_path, "json"))
    again = KnowledgeGraph.open(tmp_path / "store").show("xAI")
    assert again == live and again["relations"]
    kg.ingest_text("Fidelity invested $6 billion in xAI in December 2024.", published="2026-03-01")
    after = KnowledgeGraph.open(tmp_path / "store").show("xAI")
    assert len(after["relations"]["investors"]) == len(live["relations"]["investors"]) + 1


def test_a_damaged_report_is_only_a_miss(kg, tmp_path):
    live = kg.show("NVIDIA")
    for p in _kept(tmp_path, "json"):
        p.write_text('{"not": "a report"')
    assert KnowledgeGraph.open(tmp_path / "store").show("NVIDIA") == live


def test_keeping_can_be_turned_off(kg, tmp_path, monkeypatch):
    live = _rows(kg.sparql(TRICKY))
    kept = _kept(tmp_path)
    assert kept
    kept[0].write_bytes(b"?s\t?o\t?none\n<http://example.org/forged>\t\"kept\"\t\n")
    assert _rows(kg.sparql(TRICKY)) != live                 # the kept file is what a hit returns
    monkeypatch.setattr(answers, "ENABLED", False)
    assert _rows(kg.sparql(TRICKY)) == live
    kg.show("xAI")
    assert _kept(tmp_path, "json") == []
