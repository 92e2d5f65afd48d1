"""Stage 7, RDF: one article's ``Extraction`` to the quads of its named graph (pyoxigraph terms, no blank nodes).

Node IRIs are derived from content (entity keys; fact hashes), so re-ingesting an article writes the same
triples. Relation triples are materialised for plain SPARQL and networkx, and each is reified once as a
``dg:RelationStatement`` carrying its evidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pyoxigraph as ox

from dealgraph.ingest.model import RELATION_KINDS, Entity, Extraction, Fact
from dealgraph.ontology.namespace import DG, DOC, FACT, ID

__all__ = ["article_graph_iri", "entity_iri", "to_quads"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"

_TYPE = ox.NamedNode(_RDF + "type")
_LABEL = ox.NamedNode(_RDFS + "label")
_ALT = ox.NamedNode(_SKOS + "altLabel")
_DERIVED = ox.NamedNode(_PROV + "wasDerivedFrom")


def _n(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def article_graph_iri(content_hash: str) -> str:
    """``https://w3id.org/dealgraph/doc/{hash}`` for an article's named graph."""
    return f"{DOC}{content_hash[:32]}"


def entity_iri(key: str) -> ox.NamedNode:
    """``https://w3id.org/dealgraph/id/{key}``."""
    return ox.NamedNode(f"{ID}{key}")


def _lit(value: str, dtype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(_XSD + dtype)) if dtype else ox.Literal(value)


def _date_lit(iso: str) -> ox.Literal:
    dtype = {4: "gYear", 7: "gYearMonth"}.get(len(iso), "date")
    return _lit(iso, dtype)


def _lang_of(name: str) -> str:
    if all(ord(c) < 0x3000 for c in name):
        return "en"
    from dealgraph.ingest.clean import to_simplified

    return "zh-Hans" if to_simplified(name) == name else "zh-Hant"


def _entity_quads(e: Entity) -> Iterator[tuple]:
    s = entity_iri(e.key)
    yield s, _TYPE, _n(getattr(DG, e.type))
    yield s, _LABEL, _lit(e.label, lang=e.label_lang if e.label_lang != "zh" else _lang_of(e.label))
    for name in e.names:
        if name != e.label:
            yield s, _ALT, _lit(name, lang=_lang_of(name))
    for t in e.tags:
        yield s, _n(DG.tag), _lit(t)


def _fact_iri(graph: str, f: Fact) -> ox.NamedNode:
    key = repr((graph, f.kind, f.subject, f.object, f.roles, f.values, f.amount, f.date, f.status,
                f.evidence.start))
    return ox.NamedNode(f"{FACT}{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}")


def _fact_quads(graph: str, article: ox.NamedNode, f: Fact) -> Iterator[tuple]:
    node = _fact_iri(graph, f)
    if f.kind in RELATION_KINDS:
        s, p, o = entity_iri(f.subject or ""), _n(getattr(DG, f.kind)), entity_iri(f.object or "")
        yield s, p, o
        yield node, _TYPE, _n(DG.RelationStatement)
        yield node, ox.NamedNode(_RDF + "subject"), s
        yield node, ox.NamedNode(_RDF + "predicate"), p
        yield node, ox.NamedNode(_RDF + "object"), o
    else:
        yield node, _TYPE, _n(getattr(DG, f.kind))
        for role, key in f.roles:
            yield node, _n(getattr(DG, role)), entity_iri(key)
        for name, value in f.values:
            if name in ("roundName", "metric", "capacity", "subject", "role"):
                yield node, _n(getattr(DG, name)), _lit(value)
    if f.amount is not None:
        yield node, _n(DG.amount), _lit(str(f.amount.value), "decimal")
        if f.amount.currency:
            yield node, _n(DG.currency), _lit(f.amount.currency)
        yield node, _n(DG.bound), _lit(f.amount.bound)
    if f.date is not None:
        yield node, _n(DG.date), _date_lit(f.date.iso())
    if f.status:
        yield node, _n(DG.status), _lit(f.status)
    if f.reported_by:
        yield node, _n(DG.reportedBy), entity_iri(f.reported_by)
    yield node, _DERIVED, article
    yield node, _n(DG.evidence), _lit(f.evidence.sentence)
    yield node, _n(DG.startOffset), _lit(str(f.evidence.start), "integer")
    yield node, _n(DG.endOffset), _lit(str(f.evidence.end), "integer")
    yield node, _n(DG.extractor), _lit(f.evidence.extractor)


def _article_quads(ex: Extraction, article: ox.NamedNode) -> Iterator[tuple]:
    d = ex.document
    yield article, _TYPE, _n(DG.Article)
    yield article, _n(DG.contentHash), _lit(ex.content_hash)
    yield article, _n(DG.extractor), _lit(ex.extractor)
    yield article, ox.NamedNode(_DCT + "language"), _lit(ex.lang)
    if d.source:
        yield article, ox.NamedNode(_DCT + "source"), _lit(d.source, "anyURI")
    if d.published:
        yield article, ox.NamedNode(_DCT + "date"), _lit(d.published.isoformat(), "date")
    if d.title:
        yield article, ox.NamedNode(_DCT + "title"), _lit(d.title)
    author = d.author or ex.clean.author
    if author:
        yield article, _n(DG.author), _lit(author)


def to_quads(ex: Extraction) -> tuple[str, list[ox.Quad]]:
    """The article graph IRI and every quad of it."""
    graph = article_graph_iri(ex.content_hash)
    g = ox.NamedNode(graph)
    article = g                       # the article node is the graph's own IRI
    triples: dict[tuple, None] = {}
    for t in _article_quads(ex, article):
        triples[t] = None
    for e in ex.entities:
        for t in _entity_quads(e):
            triples[t] = None
    for f in ex.facts:
        for t in _fact_quads(graph, article, f):
            triples[t] = None
    return graph, [ox.Quad(s, p, o, g) for s, p, o in triples]
