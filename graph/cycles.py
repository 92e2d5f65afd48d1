"""Circular deals: directed cycles in the money-flow graph, strongest first, bounded in length, count and time.

Strongly connected components first (a cycle never leaves one); in each, a depth-bounded search from every node
that only visits nodes ranked after it, so each cycle is found once. Capped by ``max_cycles`` and ``time_limit``;
the result says when it stopped early.

>>> import networkx as nx
>>> g = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
>>> sorted(sorted(c) for c in simple_cycles_bounded(g, 3))
[['a', 'b'], ['a', 'b', 'c']]
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["simple_cycles_bounded", "Leg", "Cycle", "CycleSearch", "find_cycles"]

_STATUS_WEIGHT = {"completed": 3.0, "announced": 2.0, "planned": 1.0, None: 1.5}


@dataclass(frozen=True)
class Leg:
    """One leg of a cycle: who pays whom, how, how much, and the evidence."""

    source: str
    target: str
    predicate: str
    amount: float | None
    currency: str | None
    date: str | None
    status: str | None
    sources: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Cycle:
    """A circular deal: nodes in money-flow order, its legs, its evidence score and the smallest leg's amount."""

    nodes: tuple[str, ...]
    legs: tuple[Leg, ...]
    score: float
    money: float | None


@dataclass(frozen=True)
class CycleSearch:
    """The cycles found, and whether the search stopped at its cap or time limit."""

    cycles: tuple[Cycle, ...]
    complete: bool
    examined: int
    seconds: float
    note: str = field(default="")


def simple_cycles_bounded(g: nx.DiGraph, length_bound: int, *, deadline: float | None = None) -> Iterator[list]:
    """Every simple cycle of length 2..``length_bound``, each once, starting from its lowest-ranked node.

    Hubs rank first: a cycle through a hub is found from the hub, and the hub is then out of every later
    search, which keeps the work near the number of cycles on hub-heavy graphs. The last step is a set lookup.
    """
    for comp in nx.strongly_connected_components(g):
        if len(comp) < 2:
            continue
        ranked = sorted(comp, key=lambda n: (-(g.in_degree(n) + g.out_degree(n)), str(n)))
        order = {n: i for i, n in enumerate(ranked)}
        succ = {n: [v for v in g.successors(n) if v in order] for n in comp}
        steps = 0
        for s in ranked:
            rank = order[s]
            into_s = {u for u in g.predecessors(s) if u in order}
            stack: list[tuple[str, Iterator]] = [(s, iter(succ[s]))]
            path, on_path = [s], {s}
            while stack:
                steps += 1
                if deadline is not None and steps & 1023 == 0 and time.monotonic() > deadline:
                    return
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    on_path.discard(path.pop())
                    continue
                if order[nxt] <= rank or nxt in on_path:
                    continue
                if nxt in into_s:
                    yield [*path, nxt]
                if len(path) + 1 < length_bound:
                    path.append(nxt)
                    on_path.add(nxt)
                    stack.append((nxt, iter(succ[nxt])))


def _best_leg(g: nx.DiGraph, u: str, v: str, committed_only: bool) -> Leg | None:
    legs = []
    for pred, d in g[u][v]["legs"]:
        if committed_only and d.get("status") == "planned":
            continue
        legs.append(Leg(u, v, pred, d.get("amount"), d.get("currency"), d.get("date"), d.get("status"),
                        tuple(d.get("sources", ())), tuple(d.get("evidence", ()))))
    if not legs:
        return None
    return max(legs, key=lambda leg: (_STATUS_WEIGHT.get(leg.status, 1.5), len(leg.sources), leg.amount or 0))


def _months(date: str | None) -> int | None:
    if not date or len(date) < 4:
        return None
    return int(date[:4]) * 12 + (int(date[5:7]) if len(date) >= 7 else 6)


def _leg_table(g: nx.DiGraph, committed_only: bool) -> dict[tuple[str, str], tuple[Leg, float]]:
    """The best leg of every edge and its weight, computed once: a cycle's score is then a few lookups."""
    out = {}
    for u, v in g.edges:
        leg = _best_leg(g, u, v, committed_only)
        if leg is not None:
            out[(u, v)] = (leg, _STATUS_WEIGHT.get(leg.status, 1.5) * (1 + 0.5 * (len(leg.sources) - 1)))
    return out


def find_cycles(g: nx.DiGraph, *, max_length: int = 4, top: int | None = None, committed_only: bool = False,
                window_months: int | None = None, max_cycles: int = 1_000_000, time_limit: float = 10.0) -> CycleSearch:
    """Rank the circular deals of the money-flow graph ``g`` (see ``graph.view.money_flow``): evidence strength
    (status and number of sources of each leg) first, then the money that goes round (the smallest leg)."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    table = _leg_table(g, committed_only)
    heap: list[tuple[float, float, int, tuple[str, ...]]] = []
    n = 0
    complete = True
    for nodes in simple_cycles_bounded(g, max_length, deadline=deadline):
        n += 1
        if n > max_cycles:
            n, complete = max_cycles, False
            break
        pairs = [table.get(e) for e in zip(nodes, nodes[1:] + nodes[:1], strict=True)]
        if any(p is None for p in pairs):
            continue
        score = sum(w for _, w in pairs) / len(pairs)
        amounts = [leg.amount for leg, _ in pairs if leg.amount]
        money = min(amounts) if len(amounts) == len(pairs) else 0.0
        item = (score, money, -n, tuple(nodes))
        if top is not None and len(heap) >= top and item <= heap[0]:
            continue
        if window_months is not None:
            ms = [m for m in (_months(leg.date) for leg, _ in pairs) if m is not None]
            if ms and max(ms) - min(ms) > window_months:
                continue
        if top is None or len(heap) < top:
            heapq.heappush(heap, item)
        else:
            heapq.heappushpop(heap, item)
    if time.monotonic() > deadline:
        complete = False
    cycles = []
    for score, money, _, nodes in sorted(heap, reverse=True):
        legs = tuple(table[e][0] for e in zip(nodes, nodes[1:] + nodes[:1], strict=True))
        cycles.append(Cycle(nodes, legs, round(score, 3), money or None))
    note = "" if complete else f"stopped early after {n} cycles / {time.monotonic() - t0:.1f} s; raise the limits"
    return CycleSearch(tuple(cycles), complete, n, round(time.monotonic() - t0, 3), note)
