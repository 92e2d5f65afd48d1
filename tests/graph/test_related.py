"""Control chains, related-party flows, investor overlap and cycle search on small graphs built by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from dealgraph.graph.cycles import find_cycles, simple_cycles_bounded
from dealgraph.graph.related import co_investors, controlled_by, controllers, investor_overlap, related_flows
from dealgraph.graph.view import money_flow


def _view() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for n in ["musk", "xai", "spacex", "tesla", "x", "nvidia", "valor", "fund", "lab2"]:
        g.add_node(n, label=n.upper(), type="Organization", names=[n], valuation=None)
    for child in ["xai", "spacex", "tesla"]:
        g.add_edge("musk", child, key="controls", sources=["a"], evidence=["s"])
    g.add_edge("xai", "x", key="acquired", sources=["a"], evidence=["s"])
    leg = {"amount": 2e9, "currency": "USD", "status": "completed", "date": "2025-07", "sources": ["a"],
           "evidence": ["SpaceX puts money in xAI"]}
    g.add_edge("spacex", "xai", key="investedIn", **leg)
    g.add_edge("valor", "xai", key="investedIn", **leg)
    g.add_edge("valor", "tesla", key="investedIn", **leg)
    g.add_edge("fund", "lab2", key="investedIn", **leg)
    g.add_edge("nvidia", "xai", key="investedIn", **leg)
    g.add_edge("xai", "nvidia", key="buysFrom", **(leg | {"status": "planned", "date": "2026-03"}))
    return g


def test_control_is_transitive():
    g = _view()
    assert controlled_by(g, "musk") == {"xai", "spacex", "tesla", "x"}
    assert controllers(g, "x") == {"xai", "musk"}


def test_related_flows():
    group, flows = related_flows(_view(), "xai")
    assert group == {"musk", "xai", "spacex", "tesla", "x"}
    reasons = {(f.payer, f.payee): f.reason for f in flows}
    assert reasons[("spacex", "xai")] == "common control"
    assert reasons[("valor", "xai")] == "investor tied to the group"     # backs two group members
    assert ("nvidia", "xai") not in reasons and ("fund", "lab2") not in reasons


def test_overlap_and_pairs():
    g = _view()
    assert investor_overlap(g) == [("valor", ["tesla", "xai"])]
    pairs = {(a, b): cs for a, b, cs in co_investors(g)}
    assert pairs[("nvidia", "spacex")] == ["xai"]


@pytest.mark.parametrize("committed, window, expect", [(False, None, 1), (True, None, 0), (False, 3, 0),
                                                       (False, 12, 1)])
def test_cycle_filters(committed, window, expect):
    res = find_cycles(money_flow(_view()), committed_only=committed, window_months=window)
    assert len(res.cycles) == expect


def test_cycles_each_found_once_and_bounded():
    g = nx.complete_graph(6, create_using=nx.DiGraph)
    for length in (2, 3, 4):
        got = list(simple_cycles_bounded(g, length))
        want = list(nx.simple_cycles(g, length_bound=length))
        assert len(got) == len(want)
        assert {frozenset(c) for c in got} == {frozenset(c) for c in want}


def test_cycle_search_stops_early_on_adversarial_graph():
    g = nx.complete_graph(12, create_using=nx.DiGraph)
    for u, v in g.edges:
        g[u][v]["legs"] = [("investedIn", {"amount": 1.0, "sources": ["a"], "evidence": ["e"]})]
    res = find_cycles(g, max_length=8, max_cycles=1000, time_limit=5)
    assert not res.complete and "stopped early" in res.note
    assert len(res.cycles) == 1000


def test_top_keeps_strongest():
    g = _view()
    g.add_edge("nvidia", "lab2", key="investedIn", amount=5e9, status="completed", sources=["a", "b"], evidence=["e"])
    g.add_edge("lab2", "nvidia", key="buysFrom", amount=1e9, status="completed", sources=["a", "b"], evidence=["e"])
    res = find_cycles(money_flow(g), top=1)
    assert set(res.cycles[0].nodes) == {"nvidia", "lab2"}
