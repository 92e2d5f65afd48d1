"""The ranked cycle search against brute force: the cut search must return exactly the strongest cycles."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from dealgraph.graph.cycles import _STATUS_WEIGHT, find_cycles

STATUSES = ("completed", "announced", "planned", None)


def _random_money_graph(seed: int, n: int = 40, m: int = 260) -> nx.DiGraph:
    """Hubby random graph, legs with every status, 1-3 sources, some amounts missing, some edges with two legs."""
    rng = random.Random(seed)
    g = nx.DiGraph()
    weights = [1 / (i + 1) ** 0.8 for i in range(n)]
    while g.number_of_edges() < m:
        u, v = rng.choices(range(n), weights=weights, k=2)
        if u == v or g.has_edge(u, v):
            continue
        legs = []
        for pred in rng.sample(["investedIn", "buysFrom"], k=rng.choice((1, 1, 1, 2))):
            legs.append((pred, {"amount": rng.choice((None, 1e8, 5e8, 1e9, 2e9)), "currency": "USD",
                                "status": rng.choice(STATUSES), "date": f"202{rng.randrange(3, 7)}-0{rng.randrange(1, 10)}",
                                "sources": [f"doc{k}" for k in range(rng.choice((1, 1, 2, 3)))], "evidence": ["e"]}))
        g.add_edge(f"n{u:02d}", f"n{v:02d}", legs=legs)
    return g


def _months(d: str) -> int:
    return int(d[:4]) * 12 + int(d[5:7])


def _brute_force(g: nx.DiGraph, length: int, committed: bool, window: int | None) -> list[tuple[float, float]]:
    """(score, money) of every cycle by the documented rule, strongest first: networkx enumerates, we score."""
    out = []
    for cyc in nx.simple_cycles(g, length_bound=length):
        best = []
        for u, v in zip(cyc, cyc[1:] + cyc[:1], strict=True):
            legs = [d for _, d in g[u][v]["legs"] if not (committed and d["status"] == "planned")]
            if not legs:
                break
            best.append(max(legs, key=lambda d: (_STATUS_WEIGHT.get(d["status"], 1.5), len(d["sources"]),
                                                 d["amount"] or 0)))
        else:
            if window is not None:
                ms = [_months(d["date"]) for d in best]
                if max(ms) - min(ms) > window:
                    continue
            score = sum(_STATUS_WEIGHT.get(d["status"], 1.5) * (1 + 0.5 * (len(d["sources"]) - 1))
                        for d in best) / len(best)
            amounts = [d["amount"] for d in best]
            out.append((round(score, 9), min(amounts) if all(amounts) else 0.0))
    return sorted(out, reverse=True)


@pytest.mark.parametrize("seed, length, top, committed, window", [
    (1, 4, 10, False, None),
    (2, 4, 25, False, None),
    (3, 3, 5, False, None),
    (4, 4, 10, True, None),
    (5, 4, 10, False, 6),
    (6, 2, 3, False, None),
    (7, 4, 1, False, None),
    (8, 4, 500, False, None),          # more than there are: every cycle
])
def test_top_cycles_are_exactly_the_strongest(seed, length, top, committed, window):
    g = _random_money_graph(seed)
    want = _brute_force(g, length, committed, window)
    res = find_cycles(g, max_length=length, top=top, committed_only=committed, window_months=window)
    assert res.complete
    got = [(round(c.score, 3), c.money or 0.0) for c in res.cycles]
    assert got == [(round(s, 3), m) for s, m in want[:top]]
    for c in res.cycles:                                     # real cycles, legs in money-flow order
        assert all(g.has_edge(leg.source, leg.target) for leg in c.legs)
        assert [leg.source for leg in c.legs] == list(c.nodes)
        assert len(set(c.nodes)) == len(c.nodes) <= length


def test_the_search_is_cut_and_the_order_does_not_depend_on_input_order():
    g = _random_money_graph(11, n=60, m=500)
    every = find_cycles(g, max_length=4)
    top = find_cycles(g, max_length=4, top=20)
    assert top.examined < every.examined / 3                  # the bound prunes most walks
    shuffled = nx.DiGraph()
    edges = list(g.edges(data=True))
    random.Random(0).shuffle(edges)
    shuffled.add_edges_from(edges)
    again = find_cycles(shuffled, max_length=4, top=20)
    assert [c.nodes for c in again.cycles] == [c.nodes for c in top.cycles]
    assert [c.nodes for c in every.cycles[:20]] == [c.nodes for c in top.cycles]


def test_without_top_every_cycle_is_listed():
    g = _random_money_graph(12)
    assert len(find_cycles(g, max_length=3).cycles) == len(_brute_force(g, 3, False, None))


@pytest.mark.parametrize("seed", range(20, 40))
def test_top_cycles_on_many_small_graphs(seed):
    """Many small graphs with few distinct weights: ties at the bar are common, and must be broken by money."""
    g = _random_money_graph(seed, n=25, m=140)
    want = _brute_force(g, 4, False, None)
    for top in (3, 12, 40):
        got = [(round(c.score, 3), c.money or 0.0) for c in find_cycles(g, max_length=4, top=top).cycles]
        assert got == [(round(s, 3), m) for s, m in want[:top]]
