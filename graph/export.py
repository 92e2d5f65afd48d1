"""Exports: the graph as Turtle, TriG, N-Quads, JSON-LD (RDF), GraphML (the networkx view) or CSV (one row a fact).

TriG and N-Quads keep one named graph per article; Turtle and JSON-LD hold the union.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import networkx as nx
import pyoxigraph as ox

from dealgraph.errors import DealgraphError

__all__ = ["FORMATS", "export_bytes"]

FORMATS = ("turtle", "trig", "nquads", "jsonld", "graphml", "csv")
_PREFIXES = {"dg": "https://w3id.org/dealgraph#", "id": "https://w3id.org/dealgraph/id/",
             "fact": "https://w3id.org/dealgraph/fact/", "doc": "https://w3id.org/dealgraph/doc/",
             "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "skos": "http://www.w3.org/2004/02/skos/core#",
             "prov": "http://www.w3.org/ns/prov#", "dct": "http://purl.org/dc/terms/",
             "xsd": "http://www.w3.org/2001/XMLSchema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
_CSV_Q = """PREFIX dg: <https://w3id.org/dealgraph#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?fact ?kind ?subject ?predicate ?object ?amount ?currency ?bound ?date ?status ?evidence ?start ?end ?article
WHERE { ?f prov:wasDerivedFrom ?article ; a ?k ; dg:evidence ?evidence .
  BIND(STRAFTER(STR(?k), "#") AS ?kind) BIND(STRAFTER(STR(?f), "/fact/") AS ?fact)
  OPTIONAL { ?f rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s rdfs:label ?subject . ?o rdfs:label ?object .
             BIND(STRAFTER(STR(?p), "#") AS ?predicate) }
  OPTIONAL { ?f dg:company ?c . ?c rdfs:label ?subject }
  OPTIONAL { ?f dg:buyer ?b . ?b rdfs:label ?subject . ?f dg:seller ?se . ?se rdfs:label ?object }
  OPTIONAL { ?f dg:amount ?amount } OPTIONAL { ?f dg:currency ?currency } OPTIONAL { ?f dg:bound ?bound }
  OPTIONAL { ?f dg:date ?date } OPTIONAL { ?f dg:status ?status }
  OPTIONAL { ?f dg:startOffset ?start } OPTIONAL { ?f dg:endOffset ?end }
} ORDER BY ?article ?start ?kind"""


def export_bytes(store, fmt: str, *, view_fn: Callable[[], nx.MultiDiGraph] | None = None) -> bytes:
    """The serialised graph in ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise DealgraphError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = io.BytesIO()
    if fmt in ("trig", "nquads"):
        store.dump(out, ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS)
        return out.getvalue()
    if fmt in ("turtle", "jsonld"):
        triples = sorted(set(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")), key=str)  # deterministic
        ox.serialize(triples, out, ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD,
                     prefixes=_PREFIXES if fmt == "turtle" else None)
        return out.getvalue()
    if fmt == "graphml":
        view = view_fn() if view_fn else None
        g = nx.MultiDiGraph()
        for n, d in (sorted(view.nodes(data=True), key=lambda x: x[0]) if view is not None else []):
            g.add_node(n, label=d.get("label") or "", type=d.get("type") or "", names=" | ".join(d.get("names", [])),
                       valuation=d.get("valuation") or 0.0)
        for u, v, k, d in (sorted(view.edges(keys=True, data=True), key=lambda x: x[:3]) if view is not None else []):
            g.add_edge(u, v, key=k, predicate=k, amount=d.get("amount") or 0.0, currency=d.get("currency") or "",
                       date=d.get("date") or "", status=d.get("status") or "", sources=" ".join(d["sources"]),
                       evidence=" || ".join(d["evidence"]))
        nx.write_graphml(g, out)
        return out.getvalue()
    text = io.StringIO()
    w = csv.writer(text)
    res = store.query(_CSV_Q)
    cols = [v.value for v in res.variables]
    w.writerow(cols)
    for sol in res:
        w.writerow(["" if sol[c] is None else sol[c].value for c in cols])
    return text.getvalue().encode("utf-8")
