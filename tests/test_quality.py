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

FLOORS = {"entities_recall": 0.95, "edges_precision": 0.90, "edges_recall": 0.86, "facts_recall": 0.80}
HELDOUT_FLOORS = {"entities_recall": 0.95, "edges_precision": 0.90, "edges_recall": 0.71, "facts_recall": 0.68,
                  "circular_recall": 0.75}
CORPUS_FLOORS = {"entities_recall": 0.97, "edges_precision": 0.95, "edges_recall": 0.96, "facts_recall": 0.93,
                 "circular_recall": 1.0}


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


def _gate(pairs, tmp_path: Path) -> dict[str, float]:
    tot = {k: [0, 0] for k in ("ent", "edge_p", "edge_r", "facts", "circ")}
    for article, gold in pairs:
        r = _score(article, gold, tmp_path, gold.get("published") if article.suffix == ".txt" else None)
        e, d, n, c = r["entities"], r["edges"], r["nary"], r["circular"]
        for key, tp, total in (("ent", e["tp"], e["tp"] + e["fn"]), ("edge_p", d["tp"], d["tp"] + d["fp"]),
                               ("edge_r", d["tp"], d["tp"] + d["fn"]), ("circ", c["tp"], c["tp"] + c["fn"])):
            tot[key][0] += tp
            tot[key][1] += total
        tot["facts"][0] += sum(v["found"] for v in n.values() if isinstance(v, dict) and "found" in v)
        tot["facts"][1] += sum(v["of"] for v in n.values() if isinstance(v, dict) and "of" in v)
    ratio = lambda k: tot[k][0] / tot[k][1] if tot[k][1] else 1.0  # noqa: E731
    return {"entities_recall": ratio("ent"), "edges_precision": ratio("edge_p"), "edges_recall": ratio("edge_r"),
            "facts_recall": ratio("facts"), "circular_recall": ratio("circ")}


def _folder(folder: Path) -> list[tuple[Path, dict]]:
    pairs = []
    for gpath in sorted(folder.glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        pairs.append((folder / gold["article"], gold))
    return pairs


@pytest.mark.parametrize("folder, floors", [(FIXTURES, FLOORS), (FIXTURES.parent / "heldout", HELDOUT_FLOORS)],
                         ids=["articles", "heldout"])
def test_quality_gate_on_own_articles(folder, floors, tmp_path):
    """Articles written for the tests in two batches (``articles``, then ``heldout``, annotated by someone who
    had not seen the rules). Rules were fixed for patterns their misses showed, each tested on other sentences
    in ``tests/ingest/test_rules.py``; the second batch's first score was edges P 0.77 R 0.43, facts R 0.48."""
    got = _gate(_folder(folder), tmp_path)
    print(json.dumps(got))
    for k, floor in floors.items():
        assert got[k] >= floor, (k, got)


@needs_shared
def test_quality_gate_on_shared_corpus(tmp_path):
    """The shared corpus and its gold files: floors that only rise."""
    pairs = []
    for gpath in sorted((SHARED / "gold").glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        found = sorted((SHARED / "corpus").rglob(gold["article"]))
        if found:
            pairs.append((found[0], gold))
    got = _gate(pairs, tmp_path)
    print(json.dumps(got))
    for k, floor in CORPUS_FLOORS.items():
        assert got[k] >= floor, (k, got)
