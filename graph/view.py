"""Stage 8, the networkx view: one function builds a ``MultiDiGraph`` of entities and relations from the store.

Node = entity IRI with ``label``, ``type``, ``names``, ``valuation``; edge key = relation name; edge data =
``amount``, ``currency``, ``date``, ``status``, ``sources`` (article graphs) and ``evidence`` (sentences).
"""

from __future__ import annotations

from decimal import Decimal

import networkx as nx

from dealgraph.ontology.namespace import DG

__all__ = ["build_view", "MONEY_FLOW", "money_flow"]

MONEY_FLOW = ("investedIn", "buysFrom")
_P = f"PREFIX dg: <{DG._NS}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> " \
     "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " \
     "PREFIX dct: <http://purl.org/dc/terms/> "
_EDGES = _P + """SELECT ?s ?p ?o ?g ?ev ?amount ?cur ?date ?status ?src WHERE { GRAPH ?g {
  ?st a dg:RelationStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dg:evidence ?ev .
  OPTIONAL { ?st dg:amount ?amount } OPTIONAL { ?st dg:currency ?cur } OPTIONAL { ?st dg:date ?date }
  OPTIONAL { ?st dg:status ?status } OPTIONAL { ?g dct:source ?src } } }"""
_NODES = _P + """SELECT ?e ?type ?label ?alt WHERE { GRAPH ?g {
  ?e a ?type ; rdfs:label ?label . OPTIONAL { ?e skos:altLabel ?alt }
  FILTER(?type IN (dg:Organization, dg:Person, dg:Product, dg:Facility, dg:Project)) } }"""
_VALUATIONS = _P + """SELECT ?c ?amount ?cur ?date WHERE { ?v a dg:Valuation ; dg:company ?c ; dg:amount ?amount .
  OPTIONAL { ?v dg:currency ?cur } OPTIONAL { ?v dg:date ?date } }"""


def _val(t: object) -> str | None:
    return None if t is None else t.value  # type: ignore[attr-defined]


def build_view(store) -> nx.MultiDiGraph:
    """The whole graph as networkx, from three SELECTs over a ``Store`` (embedded or remote)."""
    g = nx.MultiDiGraph()
    for r in store.query(_NODES):
        e = r["e"].value
        d = g.nodes[e] if e in g else None
        if d is None:
            g.add_node(e, label=None, type=r["type"].value.rsplit("#", 1)[-1], names=set(), valuation=None,
                       valuation_currency=None, valuation_date=None)
            d = g.nodes[e]
        lab = r["label"]
        if d["label"] is None or getattr(lab, "language", None) == "en":
            d["label"] = lab.value
        d["names"].add(lab.value)
        if r["alt"] is not None:
            d["names"].add(r["alt"].value)
    for r in store.query(_EDGES):
        s, o, p = r["s"].value, r["o"].value, r["p"].value.rsplit("#", 1)[-1]
        for n in (s, o):
            if n not in g:
                g.add_node(n, label=n.rsplit("/", 1)[-1], type="Organization", names=set(), valuation=None,
                           valuation_currency=None, valuation_date=None)
        data = g.get_edge_data(s, o, key=p)
        if data is None:
            g.add_edge(s, o, key=p, amount=None, currency=None, date=None, status=None, sources=[], evidence=[],
                       urls=[])
            data = g.get_edge_data(s, o, key=p)
        _merge_edge(data, r)
    for r in store.query(_VALUATIONS):
        c = r["c"].value
        if c in g:
            d = g.nodes[c]
            date = _val(r["date"]) or ""
            if d["valuation"] is None or date >= (d["valuation_date"] or ""):
                d["valuation"], d["valuation_currency"], d["valuation_date"] = \
                    float(Decimal(r["amount"].value)), _val(r["cur"]), date
    for _, d in g.nodes(data=True):
        d["names"] = sorted(d["names"])
    for _, _, d in g.edges(data=True):       # deterministic whatever order the store answers in
        pairs = sorted(zip(d["sources"], d["urls"], strict=True), key=lambda x: x[0])
        d["sources"], d["urls"] = [a for a, _ in pairs], [b for _, b in pairs]
        d["evidence"] = sorted(d["evidence"])
    return g


def _merge_edge(data: dict, r) -> None:
    g = r["g"].value
    if g not in data["sources"]:
        data["sources"].append(g)
        data["urls"].append(_val(r["src"]))
    ev = r["ev"].value
    if ev not in data["evidence"]:
        data["evidence"].append(ev)
    if r["amount"] is not None:
        amt = float(Decimal(r["amount"].value))
        if data["amount"] is None or amt > data["amount"]:
            data["amount"], data["currency"] = amt, _val(r["cur"])
    if r["date"] is not None and (data["date"] is None or r["date"].value > data["date"]):
        data["date"] = r["date"].value
    rank = {"completed": 3, "announced": 2, "planned": 1}
    st = _val(r["status"])
    if st and rank.get(st, 0) > rank.get(data["status"] or "", 0):
        data["status"] = st


def money_flow(view: nx.MultiDiGraph) -> nx.DiGraph:
    """The money-flow ``DiGraph``: an edge u → v when u invests in or buys from v (legs kept in ``legs``)."""
    d = nx.DiGraph()
    for u, v, k, data in view.edges(keys=True, data=True):
        if k not in MONEY_FLOW or u == v:
            continue
        if not d.has_edge(u, v):
            d.add_edge(u, v, legs=[])
        d[u][v]["legs"].append((k, data))
    return d
