"""The interactive HTML page: one self-contained, offline file drawn with vis-network.

Why a page of our own rather than pyvis's template: pyvis's default and ``local`` pages load vis-network from a
CDN (and draw nothing offline), and its heading, node selector and HTML titles run markup taken from the data,
while every name here comes from untrusted articles. So this module inlines the vis-network build that ships
inside the pyvis package and a small script of ours (``viz_assets/``), and hands the graph to the page as JSON in
a ``<script type="application/json">`` block, escaped so no name can close it. The page script puts every label,
tooltip and panel line on the page with ``textContent`` (never ``innerHTML``), and a Content-Security-Policy
allows only our two inline scripts (by hash) and no network at all, so an injected ``onerror=`` or ``<script>``
would not run even if markup ever slipped through.

Layout: up to ``physics_limit`` nodes, vis-network's physics refines a seeded layout with few stabilisation
iterations and then stops; above it the layout is computed here (numpy Fruchterman-Reingold) and drawn with
physics off. Past ``aggregate_limit`` nodes, leaves of the same type hanging off one hub become one group node.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("id/a", label="A", type="Organization")
>>> g.add_node("id/b", label="<b onclick=x>", type="Organization")
>>> g.add_edge("id/a", "id/b", key="investedIn", amount=2e9, currency="USD")
'investedIn'
>>> page = build_page(g, [])
>>> "<b onclick" in page, "\\\\u003cb onclick=x\\\\u003e" in page
(False, True)
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import html
import json
import logging
import math
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from dealgraph.errors import EntityNotFound

__all__ = [
    "render_html",
    "build_page",
    "to_notebook",
    "find_entity",
    "focus_subgraph",
    "aggregate_leaves",
    "format_amount",
    "TYPE_STYLES",
    "PREDICATE_STYLES",
]

log = logging.getLogger(__name__)

#: Node colour, vis-network shape and legend text per entity type.
TYPE_STYLES: dict[str, dict[str, str]] = {
    "Organization": {"color": "#4e79a7", "shape": "dot", "label": "Organization"},
    "Person": {"color": "#f28e2b", "shape": "diamond", "label": "Person"},
    "Product": {"color": "#59a14f", "shape": "square", "label": "Product"},
    "Facility": {"color": "#b07aa1", "shape": "triangle", "label": "Facility"},
    "Project": {"color": "#e8b61c", "shape": "star", "label": "Project"},
    "Other": {"color": "#9d9591", "shape": "dot", "label": "Other"},
}

#: Edge colour, dash pattern, arrow and legend text per predicate; ``money`` marks the money-flow relations.
PREDICATE_STYLES: dict[str, dict[str, Any]] = {
    "investedIn": {"color": "#2e9e44", "dashes": False, "arrows": "to", "label": "invested in", "money": True},
    "buysFrom": {"color": "#1f77b4", "dashes": False, "arrows": "to", "label": "buys from", "money": True},
    "partnerOf": {"color": "#8f8f8f", "dashes": [6, 4], "arrows": "", "label": "partner of"},
    "founded": {"color": "#8c564b", "dashes": [2, 4], "arrows": "to", "label": "founded"},
    "acquired": {"color": "#6a3d9a", "dashes": False, "arrows": "to", "label": "acquired"},
    "controls": {"color": "#ff7f0e", "dashes": False, "arrows": "to", "label": "controls"},
    "executiveOf": {"color": "#a6a62a", "dashes": [2, 4], "arrows": "to", "label": "executive of"},
    "develops": {"color": "#17a2b8", "dashes": False, "arrows": "to", "label": "develops"},
    "operates": {"color": "#7f7f7f", "dashes": [8, 3, 2, 3], "arrows": "to", "label": "operates"},
    "participatesIn": {"color": "#e377c2", "dashes": [6, 4], "arrows": "to", "label": "participates in"},
    "leads": {"color": "#c2308f", "dashes": False, "arrows": "to", "label": "leads"},
}
_OTHER_PREDICATE = {"color": "#b0b0b0", "dashes": [4, 4], "arrows": "to", "label": "related to"}
_CYCLE_COLOR = "#d62728"

#: Rough USD rates, only to size nodes and edges (the page always shows the original currency).
_USD_RATE = {"USD": 1.0, "CNY": 0.14, "RMB": 0.14, "HKD": 0.128, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067}

_MAX_NAMES, _MAX_TEXT, _MAX_EVIDENCE, _MAX_SOURCES = 40, 400, 5, 10
_MAX_CYCLES = 200  # listed and highlighted, strongest first (the order the caller gives)
_LARGE_LAYOUT = 500  # nodes; below this networkx's dense spring_layout is fast enough
_ASSETS = "viz_assets"
_VIS_JS = "lib/vis-9.1.2/vis-network.min.js"
_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?")


@dataclass(frozen=True)
class _Layout:
    """Node positions (``None``: let the browser place them) and whether physics runs in the page."""

    positions: dict[Any, tuple[float, float]] | None
    physics: bool
    iterations: int


# ----------------------------------------------------------------------------------------------- public API


def render_html(
    view: nx.MultiDiGraph,
    cycles: list[dict],
    path: str | Path,
    *,
    title: str = "dealgraph",
    focus: str | None = None,
    depth: int = 2,
    physics_limit: int = 300,
    aggregate_limit: int = 2000,
    base_dir: Path | None = None,
) -> Path:
    """Write the page for ``view`` and its circular deals to ``path``; return the file's resolved path.

    With ``base_dir``, a relative ``path`` is taken inside it, and a path whose resolved location (through ``..``
    or symlinks) lies outside it is refused with ``ValueError``. ``focus`` (any name of an entity, any script)
    draws only the entities within ``depth`` hops of it, edge direction ignored; an unknown name raises
    ``dealgraph.errors.EntityNotFound``.
    """
    target = _safe_output_path(path, base_dir)
    page = build_page(view, cycles, title=title, focus=focus, depth=depth, physics_limit=physics_limit,
                      aggregate_limit=aggregate_limit)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("wrote %s (%d KB)", target, len(page.encode()) // 1024)
    return target


def build_page(
    view: nx.MultiDiGraph,
    cycles: list[dict],
    *,
    title: str = "dealgraph",
    focus: str | None = None,
    depth: int = 2,
    physics_limit: int = 300,
    aggregate_limit: int = 2000,
) -> str:
    """The page as a string (see ``render_html``)."""
    graph, focus_key = view, None
    if focus:
        focus_key = find_entity(view, focus)
        if focus_key is None:
            raise EntityNotFound(f"no entity named {focus!r} in the graph; try `dealgraph show` with another name")
        graph = focus_subgraph(view, focus_key, depth)
    kept_cycles = _cycles_within(cycles, graph)
    listed_cycles = kept_cycles[:_MAX_CYCLES]
    total_nodes = graph.number_of_nodes()
    if total_nodes > aggregate_limit:
        keep = {n for c in kept_cycles for n in c["nodes"]} | ({focus_key} if focus_key else set())
        graph = aggregate_leaves(graph, keep=keep)
    layout = _layout(graph, physics_limit)
    meta = {"title": str(title), "focus": focus if focus else None, "depth": depth if focus else None,
            "entities": total_nodes, "drawn": graph.number_of_nodes(), "physics": layout.physics,
            "iterations": layout.iterations, "cyclesFound": len(kept_cycles)}
    payload = _payload(graph, listed_cycles, layout, meta)
    return _assemble(payload, str(title))


def to_notebook(view: nx.MultiDiGraph, cycles: list[dict], *, height: int = 720, **kw: Any) -> Any:
    """The page in a sandboxed ``<iframe srcdoc>``: an ``IPython.display.HTML`` when IPython is there, else a str.

    The iframe runs scripts but gets no access to the notebook's origin (``sandbox="allow-scripts"``).
    """
    page = build_page(view, cycles, **kw)
    frame = (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
             f'style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
             f'title="{html.escape(str(kw.get("title", "dealgraph")), quote=True)}"></iframe>')
    try:
        from IPython.display import HTML
    except ImportError:
        return frame
    with warnings.catch_warnings():  # IPython suggests IFrame, which cannot carry srcdoc
        warnings.simplefilter("ignore", UserWarning)
        return HTML(frame)


# ----------------------------------------------------------------------------------------------- focus


def _casefold(text: Any) -> str:
    return str(text).casefold().strip()


def _names_of(key: Any, attrs: Mapping[str, Any]) -> list[str]:
    """Every name of a node: its label, its names, and its IRI's last segment."""
    names = [str(attrs.get("label") or "")] + [str(n) for n in attrs.get("names") or ()]
    names.append(str(key).rstrip("/").rsplit("/", 1)[-1])
    return [n for n in names if n]


def find_entity(view: nx.MultiDiGraph, name: str) -> Any | None:
    """The node with ``name`` (exact first, then substring; case-insensitive, any script), best connected wins.

    >>> g = nx.MultiDiGraph(); g.add_node("x/nvidia", label="NVIDIA", names=["英伟达", "輝達"])
    >>> find_entity(g, "輝達"), find_entity(g, "nvid"), find_entity(g, "AMD")
    ('x/nvidia', 'x/nvidia', None)
    """
    wanted = _casefold(name)
    if not wanted:
        return None
    exact, partial = [], []
    for key, attrs in view.nodes(data=True):
        names = [_casefold(n) for n in _names_of(key, attrs)] + [_casefold(key)]
        if wanted in names:
            exact.append(key)
        elif any(wanted in n for n in names):
            partial.append(key)
    found = exact or partial
    return max(found, key=lambda k: (view.degree(k), str(k))) if found else None


def focus_subgraph(view: nx.MultiDiGraph, center: Any, depth: int) -> nx.MultiDiGraph:
    """The entities within ``depth`` hops of ``center`` (edge direction ignored), with all edges among them."""
    nodes = nx.single_source_shortest_path_length(view.to_undirected(as_view=True), center, cutoff=max(0, depth))
    return view.subgraph(nodes).copy()


def _cycles_within(cycles: Iterable[dict], graph: nx.MultiDiGraph) -> list[dict]:
    """The cycles whose every node is drawn, each with ``nodes`` (node keys; rebuilt from labels if absent)."""
    by_label: dict[str, list[Any]] = defaultdict(list)
    for key, attrs in graph.nodes(data=True):
        by_label[str(attrs.get("label"))].append(key)
    kept = []
    for cycle in cycles or ():
        nodes = list(cycle.get("nodes") or ())
        if not nodes:
            found = [by_label.get(str(label), []) for label in cycle.get("entities") or ()]
            nodes = [f[0] for f in found if len(f) == 1] if all(len(f) == 1 for f in found) else []
        if nodes and all(n in graph for n in nodes):
            kept.append({**cycle, "nodes": nodes})
    return kept


# ----------------------------------------------------------------------------------------------- aggregation


def _leaf_hub(graph: nx.MultiDiGraph, node: Any) -> Any | None:
    neighbours = set(graph.successors(node)) | set(graph.predecessors(node))
    neighbours.discard(node)
    return next(iter(neighbours)) if len(neighbours) == 1 else None


def aggregate_leaves(graph: nx.MultiDiGraph, *, keep: set | frozenset = frozenset(),
                     min_group: int = 3) -> nx.MultiDiGraph:
    """Replace each set of ``min_group`` or more same-type leaves of one hub by a single group node.

    A group node keeps every member's names (so search finds them), lists its members, and has one edge per
    predicate and direction, with the member edges' count, summed amount (one currency only), sources and evidence.
    """
    groups: dict[tuple[Any, str], list[Any]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        hub = None if node in keep else _leaf_hub(graph, node)
        if hub is not None and _leaf_hub(graph, hub) is None:
            groups[(hub, str(attrs.get("type") or "Other"))].append(node)
    out = graph.copy()
    for (hub, kind), members in groups.items():
        if len(members) >= min_group:
            _merge_group(out, hub, kind, sorted(members, key=str))
    return out


def _merge_group(out: nx.MultiDiGraph, hub: Any, kind: str, members: list[Any]) -> None:
    group = f"group:{hub}:{kind}"
    labels = [str(out.nodes[m].get("label") or m) for m in members]
    names = [n for m in members for n in _names_of(m, out.nodes[m])]
    out.add_node(group, label=f"{kind} ×{len(members)}", type=kind, names=names, members=labels,
                 valuation=None, group=len(members))
    edges: dict[tuple[bool, str], list[dict]] = defaultdict(list)
    for m in members:
        for _, _, pred, attrs in out.out_edges(m, keys=True, data=True):
            edges[(True, pred)].append(attrs)
        for _, _, pred, attrs in out.in_edges(m, keys=True, data=True):
            edges[(False, pred)].append(attrs)
    out.remove_nodes_from(members)
    for (outgoing, pred), attrs_list in edges.items():
        u, v = (group, hub) if outgoing else (hub, group)
        out.add_edge(u, v, key=pred, **_merged_edge_attrs(attrs_list))


def _merged_edge_attrs(attrs_list: list[dict]) -> dict[str, Any]:
    currencies = {a.get("currency") for a in attrs_list if a.get("amount") is not None}
    amounts = [a["amount"] for a in attrs_list if _finite(a.get("amount")) is not None]
    dates = sorted(str(a["date"]) for a in attrs_list if a.get("date"))
    return {
        "amount": sum(amounts) if amounts and len(currencies) == 1 else None,
        "currency": next(iter(currencies)) if len(currencies) == 1 else None,
        "date": dates[-1] if dates else None,
        "status": None,
        "sources": list(dict.fromkeys(s for a in attrs_list for s in _sources(a)))[:_MAX_SOURCES],
        "evidence": [e for a in attrs_list for e in a.get("evidence") or ()][:_MAX_EVIDENCE],
        "count": len(attrs_list),
    }


# ----------------------------------------------------------------------------------------------- layout


def _layout(graph: nx.MultiDiGraph, physics_limit: int) -> _Layout:
    """Seeded physics up to ``physics_limit`` nodes, a layout computed here above it."""
    n = graph.number_of_nodes()
    physics = n <= physics_limit
    # O(n^2) a step: past 3,000 nodes take fewer steps (10 at 10k nodes) so the page still comes in seconds
    iterations = 150 if physics else max(10, min(30, int(30 * (3000 / max(n, 1)) ** 2)))
    try:
        positions = _python_layout(graph, iterations=60 if physics else iterations)
    except ImportError:  # numpy (and scipy past 500 nodes) missing: the browser lays it out alone
        log.warning("numpy/scipy not installed: the page computes its own layout, slowly past a few hundred nodes")
        return _Layout(None, True, 200 if physics else 100)
    spacing = 90.0 if physics else 45.0
    return _Layout(_scale(positions, spacing), physics, iterations)


def _python_layout(graph: nx.MultiDiGraph, *, iterations: int) -> dict[Any, tuple[float, float]]:
    simple = nx.Graph(graph.to_undirected(as_view=True))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    if simple.number_of_nodes() < _LARGE_LAYOUT:
        return {k: (float(x), float(y)) for k, (x, y) in nx.spring_layout(simple, iterations=iterations,
                                                                          seed=7).items()}
    return _fruchterman_reingold(simple, iterations=iterations)


def _fruchterman_reingold(graph: nx.Graph, *, iterations: int, seed: int = 7) -> dict[Any, tuple[float, float]]:
    """Fruchterman-Reingold in numpy, points as complex numbers (``d/|d|^2 == 1/conj(d)``), rows in chunks.

    networkx's ``spring_layout`` takes ~11 s for 2,000 nodes here (its sparse path loops in Python); this ~1.5 s.
    """
    import numpy as np

    nodes = list(graph)
    n, index = len(nodes), {k: i for i, k in enumerate(nodes)}
    src = np.array([index[u] for u, v in graph.edges()], dtype=np.int64)
    dst = np.array([index[v] for u, v in graph.edges()], dtype=np.int64)
    rng = np.random.default_rng(seed)
    z = (rng.random(n) + 1j * rng.random(n)).astype(np.complex64)
    k = 1.0 / math.sqrt(n)
    temp, cooling = 0.1, 0.1 / (iterations + 1)
    for _ in range(iterations):
        disp = _repulsion(z, k * k)
        d = z[src] - z[dst]
        pull = d * (np.abs(d) / k)
        disp -= np.bincount(src, weights=pull.real, minlength=n) + 1j * np.bincount(src, weights=pull.imag, minlength=n)
        disp += np.bincount(dst, weights=pull.real, minlength=n) + 1j * np.bincount(dst, weights=pull.imag, minlength=n)
        length = np.maximum(np.abs(disp), 1e-9)
        z += (disp * (np.minimum(length, temp) / length)).astype(np.complex64)
        temp -= cooling
    return {key: (float(z[i].real), float(z[i].imag)) for i, key in enumerate(nodes)}


def _repulsion(z: Any, k2: float) -> Any:
    import numpy as np

    n = len(z)
    chunk = max(64, (1 << 24) // max(n, 1))  # rows a step: at most ~128 MB of complex64 pairs
    out = np.empty(n, dtype=np.complex128)
    for start in range(0, n, chunk):
        d = np.conj(z[start:start + chunk, None] - z[None, :])
        rows = np.arange(d.shape[0])
        d[rows, rows + start] = np.inf
        with np.errstate(divide="ignore", invalid="ignore"):
            np.reciprocal(d, out=d)
        d[~np.isfinite(d)] = 0
        out[start:start + chunk] = d.sum(axis=1)
    return out * k2


def _scale(positions: dict[Any, tuple[float, float]], spacing: float) -> dict[Any, tuple[float, float]]:
    """Centre on 0 and stretch so the drawing spans ``spacing * sqrt(n)`` pixels."""
    if not positions:
        return {}
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    factor = spacing * math.sqrt(len(positions)) / extent
    return {k: (round((x - cx) * factor, 1), round((y - cy) * factor, 1)) for k, (x, y) in positions.items()}


# ----------------------------------------------------------------------------------------------- formatting


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def format_amount(amount: Any, currency: str | None) -> str:
    """A short money string.

    >>> format_amount(1.5e12, "USD"), format_amount(5e8, "CNY"), format_amount(None, "USD"), format_amount(950, None)
    ('USD 1.5T', 'CNY 500M', '', '950')
    """
    number = _finite(amount)
    if number is None:
        return ""
    prefix = f"{currency} " if currency else ""
    for divisor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= divisor:
            return f"{prefix}{number / divisor:.3g}{suffix}"
    return f"{prefix}{number:.0f}"


def _dated(text: str, date: Any) -> str:
    return f"{text} ({_text(date, 40)})" if text and date else text


def _usd(amount: Any, currency: str | None) -> float | None:
    number = _finite(amount)
    if number is None or number <= 0:
        return None
    return number * _USD_RATE.get(str(currency or "USD").upper(), 1.0)


def _node_size(valuation: Any, currency: str | None) -> float:
    """10 px without a valuation; 16 at 1 B, 40 at 1 T USD (log scale)."""
    usd = _usd(valuation, currency)
    return 10.0 if usd is None else round(min(48.0, max(10.0, 8 + 8 * (math.log10(usd) - 8))), 1)


def _edge_width(amount: Any, currency: str | None) -> float:
    """1 px without an amount; 3.4 at 1 B, 7 at 1 T USD (log scale)."""
    usd = _usd(amount, currency)
    return 1.0 if usd is None else round(min(10.0, max(1.0, 1 + 1.2 * (math.log10(usd) - 7))), 1)


def _text(value: Any, limit: int = _MAX_TEXT) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _texts(values: Any, count: int, limit: int = _MAX_TEXT) -> list[str]:
    if isinstance(values, str):
        values = [values]
    elif isinstance(values, (set, frozenset)):
        values = sorted(values, key=str)
    return [_text(v, limit) for v in list(values or ())[:count]]


def _sources(attrs: Mapping[str, Any]) -> list[str]:
    """The article URLs where known (the view's ``urls``, parallel to ``sources``), else the article IRIs."""
    iris = _texts(attrs.get("sources"), _MAX_SOURCES, 500)
    urls = attrs.get("urls") or []
    urls = list(urls) if isinstance(urls, (list, tuple)) else []
    shown = [_text(urls[i], 500) if i < len(urls) and urls[i] else iri for i, iri in enumerate(iris)]
    return list(dict.fromkeys(shown))


# ----------------------------------------------------------------------------------------------- payload


def _payload(graph: nx.MultiDiGraph, cycles: list[dict], layout: _Layout, meta: dict) -> dict[str, Any]:
    ids = {key: i for i, key in enumerate(graph.nodes)}
    edges, edge_index = _edge_records(graph, ids)
    cycle_records = [_cycle_record(c, ids, edge_index, graph) for c in cycles]
    for record in cycle_records:
        for e in record["edges"]:
            edges[e]["cycle"] = True
    nodes = _node_records(graph, ids, layout.positions, {n for c in cycle_records for n in c["nodes"]})
    return {
        "meta": {**meta, "dates": _date_range(e["date"] for e in edges)},
        "types": TYPE_STYLES,
        "predicates": _predicate_legend(edges),
        "cycleColor": _CYCLE_COLOR,
        "nodes": nodes,
        "edges": edges,
        "cycles": cycle_records,
    }


def _date_range(dates: Iterable[str | None]) -> list[str] | None:
    """The first and last day the dates cover (``2025`` ends on 2025-12-31), or None.

    >>> _date_range(["2025", "2024-02", None, "garbled", "2025-02-10"])
    ['2024-02-01', '2025-12-31']
    """
    starts, ends = [], []
    for date in dates:
        match = _DATE.match(str(date or ""))
        if not match:
            continue
        year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
        starts.append(f"{year:04d}-{month or 1:02d}-{day or 1:02d}")
        last_month = month or 12
        last_day = day or calendar.monthrange(year, last_month)[1]
        ends.append(f"{year:04d}-{last_month:02d}-{last_day:02d}")
    return [min(starts), max(ends)] if starts else None


def _node_records(graph: nx.MultiDiGraph, ids: dict[Any, int], positions: dict | None,
                  cycle_nodes: set[int]) -> list[dict[str, Any]]:
    records = []
    for key, attrs in graph.nodes(data=True):
        kind = str(attrs.get("type") or "Other")
        label = _text(attrs.get("label") or str(key).rsplit("/", 1)[-1], 200)
        valuation = _finite(attrs.get("valuation"))
        names_cap = _MAX_NAMES * 50 if attrs.get("group") else _MAX_NAMES  # a group keeps its members' names
        record = {
            "id": ids[key], "iri": _text(key, 300), "label": label,
            "type": kind if kind in TYPE_STYLES else "Other",
            "names": [n for n in dict.fromkeys(_texts(attrs.get("names"), names_cap, 200)) if n != label],
            "valuation": _dated(format_amount(valuation, attrs.get("valuation_currency")), attrs.get("valuation_date")),
            "size": _node_size(valuation, attrs.get("valuation_currency")),
        }
        if attrs.get("group"):
            record.update(group=int(attrs["group"]), members=_texts(attrs.get("members"), 60, 200))
        if ids[key] in cycle_nodes:
            record["cycle"] = True
        if positions and key in positions:
            record["x"], record["y"] = positions[key]
        records.append(record)
    return records


def _edge_records(graph: nx.MultiDiGraph, ids: dict[Any, int]) -> tuple[list[dict], dict[tuple, int]]:
    """One record per edge (a symmetric ``partnerOf`` pair once), and an index (u, v, predicate) -> record id."""
    records: list[dict[str, Any]] = []
    index: dict[tuple, int] = {}
    for u, v, pred, attrs in graph.edges(keys=True, data=True):
        pred = str(pred)
        twin = index.get((v, u, pred)) if pred == "partnerOf" else None
        if twin is not None:
            _merge_evidence(records[twin], attrs)
            index[(u, v, pred)] = twin
            continue
        index[(u, v, pred)] = len(records)
        records.append(_edge_record(len(records), ids[u], ids[v], pred, attrs))
    _curve_parallel(records)
    return records, index


def _edge_record(eid: int, u: int, v: int, pred: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    amount = _finite(attrs.get("amount"))
    record = {
        "id": eid, "from": u, "to": v, "predicate": pred,
        "amount": format_amount(amount, attrs.get("currency")),
        "width": _edge_width(amount, attrs.get("currency")),
        "date": _text(attrs.get("date"), 40) or None,
        "status": _text(attrs.get("status"), 40) or None,
        "sources": _sources(attrs),
        "evidence": _texts(attrs.get("evidence"), _MAX_EVIDENCE),
    }
    if attrs.get("count"):
        record["count"] = int(attrs["count"])
    return record


def _merge_evidence(record: dict[str, Any], attrs: Mapping[str, Any]) -> None:
    record["sources"] = list(dict.fromkeys(record["sources"] + _sources(attrs)))
    record["sources"] = record["sources"][:_MAX_SOURCES]
    record["evidence"] = list(dict.fromkeys(record["evidence"] + _texts(attrs.get("evidence"), _MAX_EVIDENCE)))
    record["evidence"] = record["evidence"][:_MAX_EVIDENCE]


def _curve_parallel(records: list[dict[str, Any]]) -> None:
    """Bend edges that share a pair of nodes so each stays visible (the rest are drawn straight)."""
    pairs: dict[frozenset, list[dict]] = defaultdict(list)
    for record in records:
        pairs[frozenset((record["from"], record["to"]))].append(record)
    for group in pairs.values():
        if len(group) < 2:
            continue
        per_direction: dict[tuple[int, int], int] = defaultdict(int)
        for record in group:
            rank = per_direction[(record["from"], record["to"])]
            per_direction[(record["from"], record["to"])] += 1
            record["curve"] = round(0.15 + 0.15 * rank, 2)


def _cycle_record(cycle: dict, ids: dict[Any, int], edge_index: dict[tuple, int],
                  graph: nx.MultiDiGraph) -> dict[str, Any]:
    keys = list(cycle["nodes"])
    steps = list(cycle.get("edges") or ())
    edge_ids = []
    for i, u in enumerate(keys):
        v = keys[(i + 1) % len(keys)]
        pred = str(steps[i].get("predicate")) if i < len(steps) and isinstance(steps[i], Mapping) else None
        found = edge_index.get((u, v, pred)) if pred else None
        if found is None:  # the step's predicate is not drawn: take any money-flow edge u -> v
            found = next((edge_index[(u, v, p)] for p in ("investedIn", "buysFrom") if (u, v, p) in edge_index), None)
        if found is not None:
            edge_ids.append(found)
    labels = [_text(graph.nodes[k].get("label") or k, 200) for k in keys]
    return {"nodes": [ids[k] for k in keys], "edges": edge_ids, "entities": labels}


def _predicate_legend(edges: list[dict]) -> list[dict[str, Any]]:
    """Every known predicate (present ones first), then any unknown one found in the data."""
    counts: dict[str, int] = defaultdict(int)
    for e in edges:
        counts[e["predicate"]] += 1
    names = list(PREDICATE_STYLES) + sorted(p for p in counts if p not in PREDICATE_STYLES)
    legend = [{"name": p, "count": counts.get(p, 0), **PREDICATE_STYLES.get(p, {**_OTHER_PREDICATE, "label": p})}
              for p in names]
    return sorted(legend, key=lambda item: item["count"] == 0)


# ----------------------------------------------------------------------------------------------- assembly


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its ``<script>`` block or break a JS parser: ``< > &`` and U+2028/9 escaped.

    >>> _json_for_script({"a": "</script><!--\\u2028"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _inline_js(code: str) -> str:
    """Script text safe inside ``<script>``: no ``</script`` or ``<!--`` can end or confuse the block."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _static_parts() -> tuple[str, str, str, str]:
    """(template, css, vis-network js, our js), read once from the package data."""
    assets = resources.files("dealgraph.graph").joinpath(_ASSETS)
    vis = resources.files("pyvis").joinpath(_VIS_JS).read_text(encoding="utf-8")
    return (assets.joinpath("page.html").read_text(encoding="utf-8"),
            assets.joinpath("viz.css").read_text(encoding="utf-8"),
            _inline_js(vis), _inline_js(assets.joinpath("viz.js").read_text(encoding="utf-8")))


def _assemble(payload: dict[str, Any], title: str) -> str:
    template, css, vis_js, app_js = _static_parts()
    csp = ("default-src 'none'; img-src data: blob:; font-src data:; style-src 'unsafe-inline'; "
           f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; connect-src 'none'; "
           "base-uri 'none'; form-action 'none'; object-src 'none'")
    values = {"CSP": csp, "TITLE": html.escape(title, quote=True), "CSS": css,
              "VIS_JS": vis_js, "APP_JS": app_js, "DATA": _json_for_script(payload)}
    return re.sub(r"@@(CSP|TITLE|CSS|VIS_JS|APP_JS|DATA)@@", lambda m: values[m.group(1)], template)


# ----------------------------------------------------------------------------------------------- output path


def _safe_output_path(path: str | Path, base_dir: Path | str | None) -> Path:
    """``path`` resolved; with ``base_dir``, relative to it and refused (``ValueError``) when it leads outside."""
    target = Path(path).expanduser()
    if base_dir is None:
        return target.resolve()
    base = Path(base_dir).expanduser().resolve()
    resolved = (target if target.is_absolute() else base / target).resolve()
    if resolved == base or not resolved.is_relative_to(base):
        raise ValueError(f"refusing to write {str(path)!r}: it resolves to {resolved}, which is not a file inside "
                         f"the output directory {base} (a '..', an absolute path or a symlink leads out of it)")
    return resolved
