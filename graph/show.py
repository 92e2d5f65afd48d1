"""``dealgraph show``: one entity with its names, investors, investments, partners, control, and its valuation and
funding timeline, oldest first, one row per source (conflicting figures stay side by side)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pyoxigraph as ox

from dealgraph.graph.related import controlled_by

__all__ = ["entity_report"]

_TIMELINE = """PREFIX dg: <https://w3id.org/dealgraph#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?e ?kind ?metric ?round ?amount ?currency ?bound ?date ?status ?reporter ?evidence ?g ?src WHERE {
  ?f dg:company ?e ; a ?k ; dg:evidence ?evidence ; prov:wasDerivedFrom ?g .
  FILTER(?k IN (dg:Valuation, dg:FundingRound, dg:FinancialMetric)) BIND(STRAFTER(STR(?k), "#") AS ?kind)
  OPTIONAL { ?f dg:metric ?metric } OPTIONAL { ?f dg:roundName ?round } OPTIONAL { ?f dg:amount ?amount }
  OPTIONAL { ?f dg:currency ?currency } OPTIONAL { ?f dg:bound ?bound } OPTIONAL { ?f dg:date ?date }
  OPTIONAL { ?f dg:status ?status } OPTIONAL { ?f dg:reportedBy ?r . ?r <http://www.w3.org/2000/01/rdf-schema#label> ?reporter }
  OPTIONAL { ?g dct:source ?src }
} ORDER BY ?date ?kind ?g"""


def _relations(view: nx.MultiDiGraph, iri: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}

    def row(other: str, d: dict) -> dict[str, Any]:
        return {"entity": view.nodes[other].get("label") or other, "iri": other, "amount": d.get("amount"),
                "currency": d.get("currency"), "date": d.get("date"), "status": d.get("status"),
                "sources": d.get("urls") or d.get("sources"), "evidence": d.get("evidence")}

    names = {"investedIn": ("investments", "investors"), "buysFrom": ("suppliers", "customers"),
             "partnerOf": ("partners", "partners"), "controls": ("controls", "controlled_by"),
             "founded": ("founded", "founders"), "acquired": ("acquired", "acquired_by"),
             "executiveOf": ("executive_of", "executives"), "develops": ("develops", "developed_by"),
             "operates": ("operates", "operated_by"), "participatesIn": ("participates_in", "participants"),
             "leads": ("leads", "led_by")}
    for _, v, k, d in view.out_edges(iri, keys=True, data=True):
        out.setdefault(names.get(k, (k, k))[0], []).append(row(v, d))
    for u, _, k, d in view.in_edges(iri, keys=True, data=True):
        out.setdefault(names.get(k, (k, k))[1], []).append(row(u, d))
    return out


def entity_report(store, view: nx.MultiDiGraph, iri: str) -> dict[str, Any]:
    """The entity as a dict (the JSON of ``show --format json``)."""
    d = view.nodes[iri]
    timeline = []
    for r in store.query(_TIMELINE, {"e": ox.NamedNode(iri)}):
        timeline.append({k: (None if r[k] is None else r[k].value) for k in
                         ("kind", "metric", "round", "amount", "currency", "bound", "date", "status", "reporter",
                          "evidence", "g", "src")})
    controlled = sorted(view.nodes[n].get("label") or n for n in controlled_by(view, iri))
    return {"iri": iri, "label": d.get("label"), "type": d.get("type"), "names": d.get("names"),
            "relations": _relations(view, iri), "controls_transitively": controlled, "timeline": timeline}
