"""Extraction quality: the seed end to end, and a gate over articles written for the tests (floors only rise).

Scored with ../shared/tools/score.py against gold annotations in the same format as ../shared/gold.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from dealgraph.api import KnowledgeGraph
from tests.conftest import FIXTURES, SEED, SHARED, needs_shared

FLOORS = {"entities_recall": 0.88, "edges_precision": 0.68, "edges_recall": 0.32, "facts_recall": 0.28}


def _score_module():
    path = SHARED / "tools" / "score.py"
    if not path.exists():
        pytest.skip("../shared/tools/score.py not beside the checkout")
    spec = importlib.util.spec_from_file_location("dealgraph_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _score(article: Path, gold: dict, tmp_path: Path, published: str | None = None):
    S = _score_module()
    kg = KnowledgeGraph.open(None)
    kg.ingest_file(article, published=published)
    nq = tmp_path / (article.stem + ".nq")
    nq.write_bytes(kg.export("nquads"))
    return S.score(S.load(str(nq)), gold, kg.circular_deals())


@needs_shared
def test_seed_end_to_end(tmp_path):
    gold = json.loads((SHARED / "gold" / "000_97219df9cbb1e096.json").read_text(encoding="utf-8"))
    r = _score(SEED, gold, tmp_path, "2026-01-07")
    assert r["nary"]["round"]["found"] == 1
    assert r["nary"]["investor"]["found"] == 8
    assert r["entities"]["recall"] >= 0.9
    assert r["circular"]["recall"] == 1.0


def test_quality_gate_on_own_articles(tmp_path):
    tot = {"ent": [0, 0], "edge_p": [0, 0], "edge_r": [0, 0], "facts": [0, 0]}
    for gpath in sorted(FIXTURES.glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        r = _score(FIXTURES / gold["article"], gold, tmp_path)
        e, d, n = r["entities"], r["edges"], r["nary"]
        tot["ent"][0] += e["tp"]
        tot["ent"][1] += e["tp"] + e["fn"]
        tot["edge_p"][0] += d["tp"]
        tot["edge_p"][1] += d["tp"] + d["fp"]
        tot["edge_r"][0] += d["tp"]
        tot["edge_r"][1] += d["tp"] + d["fn"]
        found = sum(v["found"] for k, v in n.items() if isinstance(v, dict) and "found" in v)
        of = sum(v["of"] for k, v in n.items() if isinstance(v, dict) and "of" in v)
        tot["facts"][0] += found
        tot["facts"][1] += of
    got = {"entities_recall": tot["ent"][0] / tot["ent"][1], "edges_precision": tot["edge_p"][0] / tot["edge_p"][1],
           "edges_recall": tot["edge_r"][0] / tot["edge_r"][1], "facts_recall": tot["facts"][0] / tot["facts"][1]}
    print(json.dumps(got))
    for k, floor in FLOORS.items():
        assert got[k] >= floor, (k, got)
