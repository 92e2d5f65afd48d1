"""Stage 8, the networkx view: one function builds a ``MultiDiGraph`` of entities and relations from the store.

Node = entity IRI with ``label``, ``type``, ``names``, ``valuation``; edge key = relation name; edge data =
``amount``, ``currency``, ``date``, ``status``, ``sources`` (article graphs) and ``evidence`` (sentences).
"""

from __future__ import annotations

import weakref
from decimal import Decimal

import networkx as nx
import pyoxigraph as ox

from dealgraph.ontology.namespace import DG

__all__ = ["name_index", "local_view", "node_attributes", "CONTROL_KINDS", "build_view", "MONEY_FLOW", "money_flow"]

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
    """The whole graph as networkx: straight from the quad indexes of an embedded store, else (a remote store)
    from three SELECTs."""
    from dealgraph.graph.store import Store

    if isinstance(store, Store) and store.oxigraph is not None:
        return _finish(_build_from_quads(store.oxigraph, ox.DefaultGraph() if store._merged() else None))
    return _finish(_build_from_sparql(store))


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_CLASSES = ("Organization", "Person", "Product", "Facility", "Project")


class _Row(dict):
    """A SELECT-solution look-alike over a dict, so both builders share ``_merge_edge``."""

    def __getitem__(self, k):
        return self.get(k)


def _by_predicate(ox_store, iri: str, graph=None) -> dict:
    """subject → object for one predicate, from the predicate index (one value per subject)."""
    return {q.subject: q.object for q in ox_store.quads_for_pattern(None, ox.NamedNode(iri), None, graph)}


#: What the view reads of each ``dg:RelationStatement``: row key → predicate IRI.
_STATEMENT_PROPS = {"s": _RDF + "subject", "p": _RDF + "predicate", "o": _RDF + "object", "ev": f"{DG._NS}evidence",
                    "amount": f"{DG._NS}amount", "cur": f"{DG._NS}currency", "date": f"{DG._NS}date",
                    "status": f"{DG._NS}status", "g": "http://www.w3.org/ns/prov#wasDerivedFrom"}


def _build_from_quads(ox_store, graph=None) -> nx.MultiDiGraph:
    """``graph``: the merged default graph when the store has one (each triple once), else every graph."""
    g = nx.MultiDiGraph()
    rdf_type = ox.NamedNode(_RDF + "type")
    for cls in _CLASSES:
        for q in ox_store.quads_for_pattern(None, rdf_type, ox.NamedNode(f"{DG._NS}{cls}"), graph):
            if q.subject.value not in g:
                g.add_node(q.subject.value, label=None, type=cls, names=set(), valuation=None,
                           valuation_currency=None, valuation_date=None)
    for pred, is_label in (("http://www.w3.org/2000/01/rdf-schema#label", True),
                           ("http://www.w3.org/2004/02/skos/core#altLabel", False)):
        for q in ox_store.quads_for_pattern(None, ox.NamedNode(pred), None, graph):
            d = g.nodes.get(q.subject.value)
            if d is None:
                continue
            d["names"].add(q.object.value)
            if is_label and (d["label"] is None or getattr(q.object, "language", None) == "en"):
                d["label"] = q.object.value
    props = {k: _by_predicate(ox_store, iri, graph) for k, iri in _STATEMENT_PROPS.items()}
    sources = _by_predicate(ox_store, "http://purl.org/dc/terms/source", graph)
    for q in ox_store.quads_for_pattern(None, rdf_type, ox.NamedNode(f"{DG._NS}RelationStatement"), graph):
        st = q.subject
        row = _Row({k: v.get(st) for k, v in props.items()})
        if row["s"] is None or row["o"] is None or row["p"] is None or row["ev"] is None:
            continue
        row["g"] = row["g"] or q.graph_name
        row["src"] = sources.get(row["g"])
        _add_edge(g, row)
    for q in ox_store.quads_for_pattern(None, rdf_type, ox.NamedNode(f"{DG._NS}Valuation"), graph):
        v = q.subject
        c = _by_subject(ox_store, v, f"{DG._NS}company")
        if c is None or props["amount"].get(v) is None:
            continue
        _valuation(g, c.value, props["amount"][v], props["cur"].get(v), props["date"].get(v))
    return g


def _by_subject(ox_store, subject, iri: str):
    for q in ox_store.quads_for_pattern(subject, ox.NamedNode(iri), None, None):
        return q.object
    return None


def _add_edge(g: nx.MultiDiGraph, r) -> None:
    s, o, p = r["s"].value, r["o"].value, r["p"].value.rsplit("#", 1)[-1]
    for n in (s, o):
        if n not in g:
            g.add_node(n, label=n.rsplit("/", 1)[-1], type="Organization", names=set(), valuation=None,
                       valuation_currency=None, valuation_date=None)
    data = g.get_edge_data(s, o, key=p)
    if data is None:
        g.add_edge(s, o, key=p, amount=None, currency=None, date=None, status=None, sources=[], evidence=[], urls=[])
        data = g.get_edge_data(s, o, key=p)
    _merge_edge(data, r)


def _valuation(g: nx.MultiDiGraph, c: str, amount, cur, date) -> None:
    if c not in g:
        return
    d = g.nodes[c]
    when = _val(date) or ""
    if d["valuation"] is None or when >= (d["valuation_date"] or ""):
        d["valuation"], d["valuation_currency"], d["valuation_date"] = float(Decimal(amount.value)), _val(cur), when


def _build_from_sparql(store) -> nx.MultiDiGraph:
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
        _add_edge(g, r)
    for r in store.query(_VALUATIONS):
        _valuation(g, r["c"].value, r["amount"], r["cur"], r["date"])
    return g


def _finish(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    for _, d in g.nodes(data=True):
        d["label"] = d["label"] or (sorted(d["names"])[0] if d["names"] else None)
        d["names"] = sorted(d["names"])
    for _, _, d in g.edges(data=True):       # deterministic whatever order the store answers in
        pairs = sorted(zip(d["sources"], d["urls"], strict=True), key=lambda x: x[0])
        d["sources"], d["urls"] = [a for a, _ in pairs], [b for _, b in pairs]
        d["evidence"] = sorted(d["evidence"])
    name_index(g)                            # built with the view, cached with it
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


_FLOWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def money_flow(view: nx.MultiDiGraph) -> nx.DiGraph:
    """The money-flow ``DiGraph``: an edge u → v when u invests in or buys from v (legs kept in ``legs``).
    Made once per view object (callers must not change it)."""
    got = _FLOWS.get(view)
    if got is not None:
        return got
    legs: dict[tuple, list] = {}
    for u, nbrs in view.adjacency():
        for v, keyed in nbrs.items():
            if u == v:
                continue
            for k, data in keyed.items():
                if k in MONEY_FLOW:
                    legs.setdefault((u, v), []).append((k, data))
    d = nx.DiGraph()
    d.add_edges_from((u, v, {"legs": ls}) for (u, v), ls in legs.items())
    _FLOWS[view] = d
    return d


def name_index(view: nx.MultiDiGraph) -> dict[str, str]:
    """Folded name → entity IRI for every name of every node (the first node wins a shared name), built once per
    view and kept in ``view.graph``: looking a name up is then one dict access, not a scan of 20,000 nodes."""
    idx = view.graph.get("name_index")
    if idx is None:
        from dealgraph.ingest.clean import fold

        idx = {}
        for n, d in view.nodes(data=True):
            for x in (*d.get("names", ()), d.get("label") or ""):
                if x:
                    idx.setdefault(fold(x), n)
        view.graph["name_index"] = idx
    return idx


#: The relations that make one entity control another (``related.controlled_by`` follows them too).
CONTROL_KINDS = ("controls", "acquired")


def node_attributes(ox_store, iri: str, graph=None) -> dict | None:
    """The view's attributes of one entity (label, type, names) from the indexes; None when it is no entity."""
    nn = ox.NamedNode
    typ = next((q.object.value.rsplit("#", 1)[-1] for q in ox_store.quads_for_pattern(nn(iri), nn(_RDF + "type"), None,
                                                                                        graph)
                if q.object.value.rsplit("#", 1)[-1] in _CLASSES), None)
    if typ is None:
        return None
    d = {"label": None, "type": typ, "names": set(), "valuation": None, "valuation_currency": None,
         "valuation_date": None}
    for pred, is_label in (("http://www.w3.org/2000/01/rdf-schema#label", True),
                           ("http://www.w3.org/2004/02/skos/core#altLabel", False)):
        for q in ox_store.quads_for_pattern(nn(iri), nn(pred), None, graph):
            d["names"].add(q.object.value)
            if is_label and (d["label"] is None or getattr(q.object, "language", None) == "en"):
                d["label"] = q.object.value
    return d


def local_view(ox_store, iri: str, graph=None) -> nx.MultiDiGraph:
    """The part of ``build_view`` that ``show`` reads for one entity, straight from the quad indexes: its
    relations both ways and every chain of control below it. A few index look-ups instead of loading the whole
    view (2 s at a million triples): ``show`` on a cold store answers in tens of milliseconds."""
    nn = ox.NamedNode
    preds = {k: nn(iri_) for k, iri_ in _STATEMENT_PROPS.items()}
    source = nn("http://purl.org/dc/terms/source")

    def one(subject, pred):
        got = None
        for q in ox_store.quads_for_pattern(subject, pred, None, graph):
            got = q.object
        return got

    by_iri = {v: k for k, v in _STATEMENT_PROPS.items()}

    def statement(st) -> dict:
        """Every property of one statement node in one index scan (the last value wins, as in ``one``)."""
        row = dict.fromkeys(preds)
        for q in ox_store.quads_for_pattern(st, None, None, graph):
            k = by_iri.get(q.predicate.value)
            if k is not None:
                row[k] = q.object
        return row

    def statements(node: str, role: str) -> list:
        return [q.subject for q in ox_store.quads_for_pattern(None, preds[role], nn(node), graph)]

    g = nx.MultiDiGraph()
    rows, seen, todo, done, sources = [], set(), [iri], set(), {}
    while todo:                                   # the entity, then down every chain of control
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for st in statements(node, "s") + (statements(node, "o") if node == iri else []):
            if st in seen:
                continue
            seen.add(st)
            row = _Row(statement(st))
            if row["s"] is None or row["o"] is None or row["p"] is None or row["ev"] is None or row["g"] is None:
                continue
            if node != iri and row["p"].value.rsplit("#", 1)[-1] not in CONTROL_KINDS:
                continue                          # below the entity only the chains of control matter
            if row["g"] not in sources:
                sources[row["g"]] = one(row["g"], source)
            row["src"] = sources[row["g"]]
            rows.append(row)
            if row["s"].value == node and row["p"].value.rsplit("#", 1)[-1] in CONTROL_KINDS:
                todo.append(row["o"].value)
    for n in {iri} | {r[k].value for r in rows for k in ("s", "o")}:
        d = node_attributes(ox_store, n, graph)
        if d is not None:
            g.add_node(n, **d)
    for r in rows:
        _add_edge(g, r)
    return _finish(g)
