"""Circular deals: directed cycles in the money-flow graph, strongest first, bounded in length, count and time.

Every walk starts from a node and only visits nodes ranked after it (hubs rank first), so each cycle is found
once, from its biggest hub. ``simple_cycles_bounded`` lists every cycle (strongly connected components first: a
cycle never leaves one). ``find_cycles`` ranks them, and with ``top`` it is a branch-and-bound search: legs are
tried heaviest first and a walk is cut as soon as no completion could beat the weakest of the best found so far,
which keeps the 100 strongest cycles of length 4 in a 100k-edge hub-heavy graph to a few thousand scored. Capped
by ``max_cycles`` and ``time_limit``; the result says when it stopped early.

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


def _leg_key(d: dict) -> tuple[float, int, float]:
    """How strong one leg is: its status weight, its number of sources, its amount."""
    return _STATUS_WEIGHT.get(d.get("status"), 1.5), len(d.get("sources", ())), d.get("amount") or 0.0


def _kept(legs, committed_only: bool) -> list:
    return [(p, d) for p, d in legs if not (committed_only and d.get("status") == "planned")]


def _best_leg(g: nx.DiGraph, u: str, v: str, committed_only: bool) -> Leg | None:
    legs = _kept(g[u][v]["legs"], committed_only)
    if not legs:
        return None
    pred, d = max(legs, key=lambda pd: _leg_key(pd[1]))
    return Leg(u, v, pred, d.get("amount"), d.get("currency"), d.get("date"), d.get("status"),
               tuple(d.get("sources", ())), tuple(d.get("evidence", ())))


def _months(date: str | None) -> int | None:
    if not date or len(date) < 4:
        return None
    return int(date[:4]) * 12 + (int(date[5:7]) if len(date) >= 7 else 6)


def _best_key(legs, committed_only: bool) -> tuple[float, int, float] | None:
    """``_leg_key`` of an edge's strongest leg, None when no leg counts."""
    return max((_leg_key(d) for _, d in _kept(legs, committed_only)), default=None)


# A ranked cycle: (score, money, tie-break, nodes); larger is stronger. The tie-break prefers cycles through
# bigger hubs (lower ranks), so the order never depends on the order of the search.
_Item = tuple[float, float, tuple[int, ...], tuple[str, ...]]


class _TopK:
    """The ``k`` strongest cycles so far (a min-heap) and the bar a new one must clear."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.heap: list[_Item] = []
        self.held: set[tuple[str, ...]] = set()

    def full(self) -> bool:
        return len(self.heap) >= self.k

    def offer(self, item: _Item) -> None:
        if item[3] in self.held or (self.full() and item <= self.heap[0]):
            return
        self.held.add(item[3])
        if self.full():
            self.held.discard(heapq.heappushpop(self.heap, item)[3])
        else:
            heapq.heappush(self.heap, item)


class _Walk:
    """Depth-bounded walks from each start node over its weighted successors (heaviest first), cut as soon as no
    completion can reach the bar: with path sum ``S`` after ``p`` legs, a cycle of ``L`` legs scores at most
    ``(S + (L - p - 1) * W + w_in) / L`` (``W`` the heaviest leg, ``w_in`` the heaviest leg back into the start)."""

    def __init__(self, g: nx.DiGraph, committed_only: bool, length_bound: int, deadline: float,
                 max_cycles: int) -> None:
        self.length_bound, self.deadline, self.max_cycles = length_bound, deadline, max_cycles
        succ: dict[str, list[tuple[float, float, str]]] = {}
        degree: dict[str, int] = {}
        for u, nbrs in g.adjacency():
            out = []
            for v, data in nbrs.items():
                key = _best_key(data["legs"], committed_only)
                if key is None:
                    continue
                out.append((-key[0] * (1 + 0.5 * (key[1] - 1)), -key[2], v))
                degree[v] = degree.get(v, 0) + 1
            if out:
                out.sort()                       # heaviest first, then most money (negated: a plain sort)
                succ[u] = out
                degree[u] = degree.get(u, 0) + len(out)
        self.order = sorted(degree, key=lambda n: (-degree[n], str(n)))
        rank = self.rank = {n: i for i, n in enumerate(self.order)}
        self.succ = succ
        pred: dict[str, list[tuple[int, str, float, float]]] = {}
        for u, out in succ.items():
            ru = -rank[u]
            for w, m, v in out:
                lst = pred.get(v)
                if lst is None:
                    pred[v] = [(ru, u, -w, -m)]
                else:
                    lst.append((ru, u, -w, -m))
        for lst in pred.values():
            lst.sort()                           # latest-ranked first: the legs back into a start are a prefix
        self.pred = pred
        self.w_in_max = {v: max(t[2] for t in lst) for v, lst in pred.items()}
        self.w_max = max(self.w_in_max.values(), default=0.0)
        self.examined = 0
        self.stopped = False
        self._needs_memo: dict[tuple[float, float], list[float]] = {}

    def _needs(self, bar: float, w_in: float) -> list[float]:
        """``needs[p]``: the least path sum after ``p`` legs from which a cycle can still reach ``bar``."""
        key = (bar, w_in)
        got = self._needs_memo.get(key)
        if got is None:
            top = self.length_bound
            got = self._needs_memo[key] = [
                min(bar * n - (n - p - 1) * self.w_max - w_in for n in range(max(p + 1, 2), top + 1))
                for p in range(top)]
        return got

    def _hopeless(self, s: str, bar: float) -> bool:
        """No cycle through ``s`` can reach ``bar``: its heaviest leg out and in, every other leg the heaviest."""
        first, last = -self.succ[s][0][0], self.w_in_max[s]
        return all(first + last + (n - 2) * self.w_max < bar * n - 1e-9 for n in range(2, self.length_bound + 1))

    def run(self, best: _TopK, floor: float, keep) -> None:
        """Offer every cycle scoring at least ``max(floor, the k-th best)`` to ``best`` (``keep`` filters)."""
        eps = 1e-9
        rank, succ, bound = self.rank, self.succ, self.length_bound
        steps = 0
        for s in self.order:
            if s not in succ or s not in self.pred:
                continue
            bar, tie = floor, False
            if best.full() and best.heap[0][0] >= floor:
                bar, tie = best.heap[0][0], True
            if self._hopeless(s, bar):
                continue
            rs = rank[s]
            back = {}
            for neg_rank, u, w, m in self.pred[s]:
                if -neg_rank <= rs:
                    break
                back[u] = (w, m)
            if not back:
                continue
            w_in = max(w for w, _ in back.values())
            needs = self._needs(bar, w_in)
            path, on_path = [s], {s}
            stack = [(iter(succ[s]), 0.0, float("inf"))]
            while stack:
                steps += 1
                if steps & 1023 == 0 and time.monotonic() > self.deadline:
                    self.stopped = True
                    return
                it, total, money = stack[-1]
                need = needs[len(path)]
                for w, m, y in it:
                    t = total - w                      # legs are stored negated (see __init__)
                    if t < need - eps:
                        break                          # heaviest first: no later leg does better
                    if rank[y] <= rs or y in on_path:
                        continue
                    m2 = -m if -m < money else money
                    if tie and t <= need + eps and m2 < best.heap[0][1]:
                        continue                      # at best ties the bar, with less money going round
                    closing = back.get(y)
                    if closing is not None:
                        self.examined += 1
                        if self.examined > self.max_cycles:
                            self.stopped = True
                            return
                        nodes = (*path, y)
                        score = (t + closing[0]) / len(nodes)
                        if score >= bar - eps and keep(nodes):
                            least = min(m2, closing[1])
                            before = best.heap[0] if best.full() else None
                            best.offer((score, least, tuple(-rank[n] for n in nodes), nodes))
                            if best.full() and best.heap[0] is not before and best.heap[0][0] >= floor:
                                bar, tie = best.heap[0][0], True
                                needs = self._needs(bar, w_in)
                                need = needs[len(path)]
                    if len(path) + 1 < bound:
                        path.append(y)
                        on_path.add(y)
                        stack.append((iter(succ.get(y, ())), t, m2))
                        break
                else:
                    stack.pop()
                    on_path.discard(path.pop())


def find_cycles(g: nx.DiGraph, *, max_length: int = 4, top: int | None = None, committed_only: bool = False,
                window_months: int | None = None, max_cycles: int = 1_000_000, time_limit: float = 10.0) -> CycleSearch:
    """Rank the circular deals of the money-flow graph ``g`` (see ``graph.view.money_flow``): evidence strength
    (the mean weight of the legs: status and number of sources) first, then the money that goes round (the
    smallest leg), then cycles through bigger hubs.

    With ``top``, the search is exact and cut: walks stop as soon as no completion could enter the ``top`` found
    so far (raising a floor in steps first, so that the bar is high from the start); ``examined`` counts the
    cycles scored. Without it, every cycle up to ``max_length`` is listed (up to ``max_cycles``)."""
    t0 = time.monotonic()
    if top is not None and top <= 0:
        return CycleSearch((), True, 0, 0.0)
    walk = _Walk(g, committed_only, max_length, t0 + time_limit, max_cycles)

    leg_memo: dict[tuple[str, str], Leg | None] = {}

    def leg(u: str, v: str) -> Leg | None:
        got = leg_memo.get((u, v), leg_memo)
        if got is leg_memo:
            got = leg_memo[(u, v)] = _best_leg(g, u, v, committed_only)
        return got  # type: ignore[return-value]

    def legs_of(nodes: tuple[str, ...]) -> tuple[Leg, ...]:
        return tuple(leg(u, v) for u, v in zip(nodes, nodes[1:] + nodes[:1], strict=True))  # type: ignore[misc]

    def keep(nodes: tuple[str, ...]) -> bool:
        if window_months is None:
            return True
        ms = [m for m in (_months(leg.date) for leg in legs_of(nodes)) if m is not None]
        return not ms or max(ms) - min(ms) <= window_months

    best = _TopK(top if top is not None else max_cycles)
    floors = [-1.0] if top is None else [walk.w_max * f for f in (1.0, 0.75, 0.5)] + [-1.0]
    for floor in floors:
        walk.run(best, floor, keep)
        if walk.stopped or (best.full() and best.heap[0][0] >= floor):
            break
    complete = not walk.stopped
    cycles = []
    for score, money, _, nodes in sorted(best.heap, reverse=True):
        cycles.append(Cycle(nodes, legs_of(nodes), round(score, 3), money or None))
    n = walk.examined
    note = "" if complete else (f"stopped early after {n} cycles / {time.monotonic() - t0:.1f} s; "
                                "raise the limits or ask for fewer (--top)")
    return CycleSearch(tuple(cycles), complete, n, round(time.monotonic() - t0, 3), note)
