"""The HTML page without a browser: written, offline, escaped, focused, path-safe and fast at 2,000 nodes."""

from __future__ import annotations

import base64
import doctest
import hashlib
import json
import random
import re
import time
from pathlib import Path

import networkx as nx
import pytest

from dealgraph.errors import EntityNotFound
from dealgraph.graph import viz
from dealgraph.graph.viz import aggregate_leaves, build_page, find_entity, render_html, to_notebook

ID = "https://w3id.org/dealgraph/id/"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_NAME = "</script><script>alert(2)</script>"
HOSTILE_EVIDENCE = "<script>alert(3)</script> & \u2028 </SCRIPT >"


def _org(g: nx.MultiDiGraph, slug: str, label: str, names: list[str], valuation: float | None = None,
         kind: str = "Organization") -> str:
    g.add_node(ID + slug, label=label, type=kind, names=[label, *names], valuation=valuation,
               valuation_currency="USD" if valuation else None)
    return ID + slug


def _deal(g: nx.MultiDiGraph, u: str, v: str, pred: str, amount: float | None = None, date: str | None = None,
          evidence: str | None = None, status: str | None = None, currency: str = "USD") -> None:
    g.add_edge(ID + u, ID + v, key=pred, amount=amount, currency=currency if amount else None, date=date,
               status=status, sources=[f"https://news.example.com/{u}-{v}"], evidence=[evidence] if evidence else [])


def sample_view() -> nx.MultiDiGraph:
    """NVIDIA ⇄ xAI and NVIDIA ⇄ OpenAI, OpenAI → Oracle → NVIDIA, Musk's companies, Chinese names, a hostile one."""
    g = nx.MultiDiGraph()
    _org(g, "nvidia", "NVIDIA", ["英伟达", "輝達", "Nvidia Corporation"], 4.5e12)
    _org(g, "xai", "xAI", ["X.AI Corp", "埃隆·马斯克的xAI"], 2.0e11)
    _org(g, "openai", "OpenAI", ["开放人工智能"], 5.0e11)
    _org(g, "oracle", "Oracle", ["甲骨文"], 6.0e11)
    _org(g, "tesla", "Tesla", ["特斯拉"], 1.0e12)
    _org(g, "spacex", "SpaceX", ["太空探索技术公司"], 4.0e11)
    _org(g, "alibaba", "阿里巴巴", ["Alibaba Group", "阿里"], 3.0e11)
    _org(g, "moonshot", "月之暗面", ["Moonshot AI"], 3.3e9)
    _org(g, "hostile", HOSTILE, [HOSTILE_NAME], 1e9)
    _org(g, "musk", "Elon Musk", ["埃隆·马斯克", "馬斯克"], kind="Person")
    _org(g, "grok", "Grok", ["格罗克"], kind="Product")
    _org(g, "colossus", "Colossus", ["孟菲斯超算"], kind="Facility")
    _org(g, "stargate", "Stargate", ["星际之门"], kind="Project")
    _org(g, "reuters", "Reuters", ["路透社"])  # named in an article, in no relation
    _deal(g, "nvidia", "xai", "investedIn", 2e9, "2024-12", "NVIDIA invested $2 billion in xAI.", "completed")
    _deal(g, "xai", "nvidia", "buysFrom", 1.8e10, "2025-03", "xAI bought 100,000 GPUs from NVIDIA for Colossus.")
    _deal(g, "nvidia", "openai", "investedIn", 1e11, "2025-09", "英伟达计划向OpenAI投资1000亿美元。", "planned")
    _deal(g, "openai", "nvidia", "buysFrom", None, "2025-09", "OpenAI will deploy NVIDIA systems.")
    _deal(g, "openai", "oracle", "buysFrom", 3e11, "2025-07", "OpenAI signed a $300 billion deal with Oracle.")
    _deal(g, "oracle", "nvidia", "buysFrom", 4e10, "2025", "Oracle buys $40 billion of NVIDIA chips.")
    _deal(g, "openai", "oracle", "partnerOf", evidence="OpenAI and Oracle are partners.")
    _deal(g, "oracle", "openai", "partnerOf", evidence="Oracle 与 OpenAI 合作。")
    _deal(g, "spacex", "xai", "investedIn", 2e9, "2025-07-12", "SpaceX向xAI投资20亿美元。")
    _deal(g, "alibaba", "moonshot", "investedIn", 8e8, "2024-02", "阿里巴巴领投月之暗面8亿美元。")
    _deal(g, "hostile", "xai", "investedIn", 5e8, "2025-01", HOSTILE_EVIDENCE)
    _deal(g, "xai", "hostile", "buysFrom", 1e8, None, "xAI buys from " + HOSTILE)
    for company in ("xai", "tesla", "spacex"):
        _deal(g, "musk", company, "controls", evidence=f"Musk controls {company}.")
    _deal(g, "musk", "xai", "founded")
    _deal(g, "musk", "tesla", "executiveOf")
    _deal(g, "xai", "grok", "develops")
    _deal(g, "xai", "colossus", "operates")
    _deal(g, "openai", "stargate", "leads")
    _deal(g, "oracle", "stargate", "participatesIn")
    g.edges[ID + "hostile", ID + "xai", "investedIn"]["sources"] = ["javascript:alert(4)", HOSTILE]
    return g


def _cycle(g: nx.MultiDiGraph, slugs: list[str], preds: list[str]) -> dict:
    nodes = [ID + s for s in slugs]
    edges = []
    for i, pred in enumerate(preds):
        u, v = nodes[i], nodes[(i + 1) % len(nodes)]
        attrs = g.edges[u, v, pred]
        edges.append({"from": g.nodes[u]["label"], "to": g.nodes[v]["label"], "predicate": pred,
                      "amount": attrs["amount"], "currency": attrs["currency"], "sources": attrs["sources"],
                      "evidence": attrs["evidence"]})
    return {"entities": [g.nodes[n]["label"] for n in nodes], "edges": edges, "nodes": nodes}


def sample_cycles(g: nx.MultiDiGraph) -> list[dict]:
    return [_cycle(g, ["nvidia", "xai"], ["investedIn", "buysFrom"]),
            _cycle(g, ["nvidia", "openai"], ["investedIn", "buysFrom"]),
            _cycle(g, ["openai", "oracle", "nvidia"], ["buysFrom", "buysFrom", "investedIn"]),
            _cycle(g, ["hostile", "xai"], ["investedIn", "buysFrom"])]


def generated_view(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A scale-free money graph of ``n`` entities with every predicate, amounts, dates and a few 2-cycles."""
    rng = random.Random(seed)
    base = nx.scale_free_graph(n, seed=seed)
    g = nx.MultiDiGraph()
    types = ["Organization"] * 6 + ["Person", "Product", "Facility", "Project"]
    for i in base.nodes:
        _org(g, f"e{i}", f"Entity {i}", [f"实体{i}"], rng.choice([None, 10 ** rng.uniform(7, 12)]),
             kind=rng.choice(types))
    preds = list(viz.PREDICATE_STYLES)
    for u, v in set(base.edges()):
        if u != v:
            _deal(g, f"e{u}", f"e{v}", rng.choice(preds), rng.choice([None, 10 ** rng.uniform(6, 11)]),
                  f"20{rng.randint(18, 25)}-0{rng.randint(1, 9)}", f"Entity {u} and Entity {v} did a deal.")
    return g


def _data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="dg-data">(.*?)</script>', page, re.S)
    assert block, "the data block is missing"
    return json.loads(block.group(1))


@pytest.fixture
def page(tmp_path: Path) -> str:
    g = sample_view()
    out = render_html(g, sample_cycles(g), tmp_path / "out" / "graph.html", title="AI deals <b>&</b>")
    return out.read_text(encoding="utf-8")


def test_writes_one_self_contained_file(tmp_path: Path) -> None:
    g = sample_view()
    out = render_html(g, sample_cycles(g), tmp_path / "sub" / "graph.html")
    assert out == (tmp_path / "sub" / "graph.html").resolve() and out.is_file()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "vis-network" in text and "dealgraph page script" in text
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"], "no side files, no temp file left"


def test_page_is_offline(page: str) -> None:
    assert not re.search(r"<script[^>]*\ssrc\s*=", page, re.I), "every script is inline"
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"\s(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-eval" not in csp


def test_csp_allows_exactly_the_page_scripts(page: str) -> None:
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    for code in scripts:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]


def test_hostile_names_are_escaped(page: str) -> None:
    for raw in ("<img src=x onerror", "</script><script>alert", "<script>alert(3)", "<b>&</b>", "\u2028"):
        assert raw not in page
    assert page.lower().count("</script") == 3, "only our own three script blocks end"
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert "<title>AI deals &lt;b&gt;&amp;&lt;/b&gt;</title>" in page
    data = _data(page)
    labels = {n["label"] for n in data["nodes"]}
    assert HOSTILE in labels, "the hostile name survives as text"
    script = page.split("dealgraph page script", 1)[1]
    assert not re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|eval\(", script)


def test_hostile_title_cannot_escape_its_tags(tmp_path: Path) -> None:
    g = sample_view()
    text = build_page(g, [], title='</title><script>alert(5)</script>"')
    assert "<script>alert(5)" not in text and "&lt;/title&gt;&lt;script&gt;alert(5)" in text


def test_cycles_listed_and_highlighted(page: str) -> None:
    data = _data(page)
    assert len(data["cycles"]) == 4
    paths = [c["entities"] for c in data["cycles"]]
    assert ["NVIDIA", "xAI"] in paths and ["OpenAI", "Oracle", "NVIDIA"] in paths and [HOSTILE, "xAI"] in paths
    by_id = {n["id"]: n for n in data["nodes"]}
    for cycle in data["cycles"]:
        assert len(cycle["edges"]) == len(cycle["nodes"])
        for eid in cycle["edges"]:
            edge = data["edges"][eid]
            assert edge["cycle"] and edge["predicate"] in ("investedIn", "buysFrom")
        assert all(by_id[n]["cycle"] for n in cycle["nodes"])
    assert not any(e.get("cycle") for e in data["edges"] if e["predicate"] == "controls")


def test_data_keeps_names_facts_and_evidence(page: str) -> None:
    data = _data(page)
    nvidia = next(n for n in data["nodes"] if n["label"] == "NVIDIA")
    assert {"英伟达", "輝達"} <= set(nvidia["names"]) and nvidia["valuation"] == "USD 4.5T"
    assert nvidia["size"] > next(n for n in data["nodes"] if n["label"] == "月之暗面")["size"]
    deal = next(e for e in data["edges"] if e["predicate"] == "buysFrom" and e["amount"] == "USD 300B")
    assert deal["evidence"] == ["OpenAI signed a $300 billion deal with Oracle."] and deal["width"] > 5
    assert sum(e["predicate"] == "partnerOf" for e in data["edges"]) == 1, "a symmetric pair is one edge"
    assert {p["name"] for p in data["predicates"]} >= set(viz.PREDICATE_STYLES)
    assert data["meta"]["dates"] == ["2024-02-01", "2025-12-31"], "year-only 2025 runs to its end"
    xai = next(n for n in data["nodes"] if n["label"] == "xAI")
    pair = [e for e in data["edges"] if {e["from"], e["to"]} == {nvidia["id"], xai["id"]}]
    assert len(pair) == 2 and all(e["curve"] for e in pair), "the two directions bend apart"
    assert not next(e for e in data["edges"] if e["predicate"] == "develops").get("curve")


def test_find_entity_any_name_any_script() -> None:
    g = sample_view()
    assert find_entity(g, "英伟达") == ID + "nvidia" == find_entity(g, "nvidia corp")
    assert find_entity(g, "moonshot") == ID + "moonshot" and find_entity(g, "馬斯克") == ID + "musk"
    assert find_entity(g, "nobody at all") is None


def test_focus_and_depth_prune(tmp_path: Path) -> None:
    g = sample_view()
    one = _data(build_page(g, sample_cycles(g), focus="孟菲斯超算", depth=1))
    assert {n["label"] for n in one["nodes"]} == {"Colossus", "xAI"} and one["cycles"] == []
    two = _data(build_page(g, sample_cycles(g), focus="輝達", depth=1))
    assert {n["label"] for n in two["nodes"]} == {"NVIDIA", "xAI", "OpenAI", "Oracle"}
    assert [c["entities"] for c in two["cycles"]] == [["NVIDIA", "xAI"], ["NVIDIA", "OpenAI"],
                                                       ["OpenAI", "Oracle", "NVIDIA"]]
    assert two["meta"]["focus"] == "輝達" and two["meta"]["depth"] == 1
    component = _data(build_page(g, [], focus="Colossus", depth=9))
    assert len(component["nodes"]) == g.number_of_nodes() - 3, "all but 阿里巴巴 → 月之暗面 and Reuters"
    with pytest.raises(EntityNotFound):
        build_page(g, [], focus="no such company")


def test_base_dir_refuses_escapes(tmp_path: Path) -> None:
    g = sample_view()
    base = tmp_path / "exports"
    base.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (base / "link").symlink_to(outside, target_is_directory=True)
    (base / "file-link.html").symlink_to(outside / "x.html")
    for bad in ("../evil.html", "a/../../evil.html", "link/evil.html", "file-link.html", str(outside / "x.html"),
                ".", ""):
        with pytest.raises(ValueError, match="not a file inside the output directory"):
            render_html(g, [], bad, base_dir=base)
    assert list(outside.iterdir()) == []
    ok = render_html(g, [], "deep/graph.html", base_dir=base)
    assert ok == (base / "deep" / "graph.html").resolve() and ok.is_file()
    assert render_html(g, [], base / "top.html", base_dir=base).is_file()


def test_two_thousand_nodes_render_fast(tmp_path: Path) -> None:
    g = generated_view(2000)
    start = time.perf_counter()
    out = render_html(g, [], tmp_path / "big.html")
    elapsed = time.perf_counter() - start
    data = _data(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 2000 and not data["meta"]["physics"]
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert elapsed < 10, f"2,000 nodes took {elapsed:.1f} s"


def test_small_graphs_use_physics_with_few_iterations() -> None:
    data = _data(build_page(generated_view(200), []))
    assert data["meta"]["physics"] and data["meta"]["iterations"] <= 200
    assert all("x" in n for n in data["nodes"]), "seeded positions make the page settle fast"


def test_without_numpy_the_browser_lays_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*args: object, **kw: object) -> None:
        raise ImportError("numpy")

    monkeypatch.setattr(viz, "_python_layout", missing)
    data = _data(build_page(generated_view(400), []))
    assert data["meta"]["physics"] and "x" not in data["nodes"][0]


def test_leaves_aggregate_past_the_limit() -> None:
    g = sample_view()
    for i in range(30):
        _org(g, f"startup{i}", f"Startup {i}", [f"初创{i}"])
        _deal(g, "nvidia", f"startup{i}", "investedIn", 1e7, "2024-01")
    for i in range(2):
        _org(g, f"fab{i}", f"Fab {i}", [], kind="Facility")
        _deal(g, "oracle", f"fab{i}", "operates")
    data = _data(build_page(g, sample_cycles(g), aggregate_limit=20))
    groups = [n for n in data["nodes"] if n.get("group")]
    assert [(n["type"], n["group"]) for n in groups] == [("Organization", 30)]
    assert "初创7" in groups[0]["names"] and len(data["cycles"]) == 4
    edge = next(e for e in data["edges"] if e["to"] == groups[0]["id"])
    assert edge["count"] == 30 and edge["amount"] == "USD 300M"
    assert {n["label"] for n in data["nodes"]} >= {"Fab 0", "Fab 1", "NVIDIA"}, "small groups stay"
    assert data["meta"]["entities"] == g.number_of_nodes() > len(data["nodes"])
    assert aggregate_leaves(g, keep={ID + f"startup{i}" for i in range(30)}).number_of_nodes() == g.number_of_nodes()


def test_to_notebook_is_a_sandboxed_escaped_iframe(monkeypatch: pytest.MonkeyPatch) -> None:
    g = sample_view()
    shown = to_notebook(g, sample_cycles(g), title="deals")
    frame = shown if isinstance(shown, str) else shown.data
    assert frame.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in frame
    srcdoc = frame.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert "<" not in srcdoc and '"' not in srcdoc and "&lt;script&gt;" in srcdoc


def test_empty_graph_renders(tmp_path: Path) -> None:
    data = _data(render_html(nx.MultiDiGraph(), [], tmp_path / "empty.html").read_text(encoding="utf-8"))
    assert data["nodes"] == [] and data["edges"] == [] and data["meta"]["dates"] is None


def test_odd_values_do_not_break_the_page() -> None:
    g = nx.MultiDiGraph()
    g.add_node("a", label=None, type="Spaceship", names="single string", valuation=float("nan"))
    g.add_node("b", label="B" * 5000, type=None, names=None, valuation="12")
    g.add_edge("a", "b", key="mergedWith", amount=float("inf"), currency=None, sources=None, evidence="one")
    data = _data(build_page(g, [{"entities": ["x"], "edges": [], "nodes": ["zzz"]}]))
    assert [n["type"] for n in data["nodes"]] == ["Other", "Other"] and len(data["nodes"][1]["label"]) <= 200
    assert data["edges"][0]["amount"] == "" and data["edges"][0]["evidence"] == ["one"] and data["cycles"] == []


def test_view_shapes_from_build_view() -> None:
    """``build_view`` gives names as a sorted list or set, ``urls`` beside ``sources``, and ``valuation_date``."""
    g = nx.MultiDiGraph()
    g.add_node("a", label="A", type="Organization", names={"甲", "A", "阿"}, valuation=5e9, valuation_currency="USD",
               valuation_date="2025-03")
    g.add_node("b", label="B", type="Organization", names=["B"], valuation=None)
    g.add_edge("a", "b", key="investedIn", amount=1e9, currency="USD", sources=["doc/1", "doc/2"],
               urls=["https://example.com/story", None], evidence=["A invested in B."])
    data = _data(build_page(g, []))
    assert data["nodes"][0]["names"] == ["甲", "阿"] and data["nodes"][0]["valuation"] == "USD 5B (2025-03)"
    assert data["edges"][0]["sources"] == ["https://example.com/story", "doc/2"]


def test_many_cycles_are_capped_strongest_first() -> None:
    g = sample_view()
    cycles = sample_cycles(g) * 100
    data = _data(build_page(g, cycles))
    assert len(data["cycles"]) == viz._MAX_CYCLES and data["meta"]["cyclesFound"] == 400
    assert data["cycles"][0]["entities"] == ["NVIDIA", "xAI"]


def test_module_doctests() -> None:
    result = doctest.testmod(viz, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
