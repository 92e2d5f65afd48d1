"""Control chains, related-party flows and investor overlap, computed on the networkx view.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_edge("musk", "xai", key="controls"); g.add_edge("musk", "x", key="controls")
'controls'
'controls'
>>> sorted(controlled_by(g, "musk"))
['x', 'xai']
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from dealgraph.graph.view import CONTROL_KINDS, MONEY_FLOW

__all__ = ["controlled_by", "controllers", "Flow", "related_flows", "investor_overlap", "co_investors"]


def _closure(view: nx.MultiDiGraph, node: str, *, down: bool) -> set[str]:
    """Nodes reachable from ``node`` over control edges, following them (``down``) or against them."""
    seen: set[str] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        edges = view.out_edges(n, keys=True) if down else view.in_edges(n, keys=True)
        for u, v, k in edges:
            other = v if down else u
            if k in CONTROL_KINDS and other not in seen and other != node:
                seen.add(other)
                todo.append(other)
    return seen


def controlled_by(view: nx.MultiDiGraph, node: str) -> set[str]:
    """Everything ``node`` controls, directly or down a chain of control."""
    return _closure(view, node, down=True)


def controllers(view: nx.MultiDiGraph, node: str) -> set[str]:
    """Everyone who controls ``node``, directly or up a chain of control."""
    return _closure(view, node, down=False)


@dataclass(frozen=True)
class Flow:
    """A money flow between related parties, why they are related, and its evidence."""

    payer: str
    payee: str
    predicate: str
    reason: str
    amount: float | None
    currency: str | None
    status: str | None
    sources: tuple[str, ...]
    evidence: tuple[str, ...]


def related_flows(view: nx.MultiDiGraph, node: str) -> tuple[set[str], list[Flow]]:
    """The control group of ``node`` (its controllers and all they control) and the money flows that are
    related-party: between two members of the group, or into the group from an investor tied to it (one that
    also backs another member, or that a controller runs or partners with)."""
    roots = controllers(view, node) or {node}
    group = set(roots)
    for r in roots:
        group |= controlled_by(view, r)
    group.add(node)
    flows: list[Flow] = []
    backers: dict[str, set[str]] = defaultdict(set)
    for u, v, k in view.edges(keys=True):
        if k in MONEY_FLOW and v in group and u not in group:
            backers[u].add(v)
    linked = {v for r in roots for _, v, k in view.out_edges(r, keys=True) if k not in MONEY_FLOW} | \
             {u for r in roots for u, _, k in view.in_edges(r, keys=True) if k in ("partnerOf", "executiveOf")}
    for u, v, k, d in view.edges(keys=True, data=True):
        if k not in MONEY_FLOW:
            continue
        if u in group and v in group and u != v:
            reason = "common control"
        elif v in group and u not in group and (len(backers[u]) >= 2 or u in linked):
            reason = "investor tied to the group" if len(backers[u]) >= 2 else "tied to the controller"
        else:
            continue
        flows.append(Flow(u, v, k, reason, d.get("amount"), d.get("currency"), d.get("status"),
                          tuple(d.get("sources", ())), tuple(d.get("evidence", ()))))
    return group, flows


def investor_overlap(view: nx.MultiDiGraph, *, min_companies: int = 2) -> list[tuple[str, list[str]]]:
    """Investors that back at least ``min_companies`` companies, most first."""
    backs: dict[str, set[str]] = defaultdict(set)
    for u, v, k in view.edges(keys=True):
        if k == "investedIn":
            backs[u].add(v)
    rows = [(i, sorted(cs)) for i, cs in backs.items() if len(cs) >= min_companies]
    return sorted(rows, key=lambda r: (-len(r[1]), r[0]))


def co_investors(view: nx.MultiDiGraph) -> list[tuple[str, str, list[str]]]:
    """Pairs of investors that backed the same companies, with those companies, most shared first."""
    investors: dict[str, set[str]] = defaultdict(set)
    for u, v, k in view.edges(keys=True):
        if k == "investedIn":
            investors[v].add(u)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for company, invs in investors.items():
        for a, b in combinations(sorted(invs), 2):
            pairs[(a, b)].add(company)
    return sorted(((a, b, sorted(cs)) for (a, b), cs in pairs.items()), key=lambda r: (-len(r[2]), r[0], r[1]))
