"""``bench/scale_bench.py`` in small: the generated store looks like an ingested one, and dealgraph, pyoxigraph
alone and rdflib give the same number of rows for every task the benchmark times."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:           # ``bench`` is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import scale_bench as sb  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")   # rdflib's own, thousands of them


@pytest.fixture(autouse=True)
def answers_setting_restored(monkeypatch):
    """The benchmark's set-ups switch ``graph.answers`` on or off for their (forked) process; run in this one,
    they must not leave it switched for the other tests."""
    from dealgraph.graph import answers

    monkeypatch.setattr(answers, "ENABLED", answers.ENABLED)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    """A store of about 6,000 triples, its view, and the same quads in rdflib."""
    work = tmp_path_factory.mktemp("scale")
    mp = pytest.MonkeyPatch()
    mp.setenv("DEALGRAPH_CACHE", str(work / "cache"))
    from dealgraph.api import KnowledgeGraph

    path = work / "store"
    stats = sb.build_store(path, 6_000, seed=3)
    view = KnowledgeGraph.open(path).view()
    ds, _ = sb.load_rdflib(path)
    yield path, stats, view, ds
    mp.undo()


def _rows(setup: sb.Setup) -> int:
    fn, close = setup()
    try:
        return fn()
    finally:
        close()


def test_store_is_shaped_like_an_ingested_one(tiny) -> None:
    """One named graph per article, the merged default graph beside them, every fact with its evidence."""
    from dealgraph.graph.store import Store

    path, stats, view, _ = tiny
    assert stats.quads >= 6_000 and stats.articles > 10 and stats.companies > 50
    with Store.open(path, read_only=True) as st:
        assert st.graph_count() == stats.articles and st.triple_count() == stats.quads
        n_facts = len(list(st.query("PREFIX prov: <http://www.w3.org/ns/prov#> "
                                    "SELECT DISTINCT ?f WHERE { ?f prov:wasDerivedFrom ?a }")))
        no_evidence = list(st.query("PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dg: <https://w3id.org/dealgraph#> "
                                    "SELECT ?f WHERE { ?f prov:wasDerivedFrom ?a FILTER NOT EXISTS { ?f dg:evidence ?e } }"))
    assert n_facts == stats.facts and not no_evidence
    assert 0 < stats.merged < stats.quads          # entities named in several articles are stated once there
    assert view.number_of_edges() > 0


def test_generator_is_deterministic() -> None:
    """The same seed gives the same quads; another seed other ones."""
    def quads(seed: int) -> list:
        return [q for _, _, qs in sb.extractions(2_000, seed) for q in qs]

    assert quads(7) == quads(7)
    assert quads(7) != quads(8)


def test_engines_agree_on_every_task(tiny) -> None:
    """Row counts of dealgraph, pyoxigraph alone and rdflib for show (hub and typical), every named query with
    its bindings, and circular against networkx; and the answers are not all empty."""
    path, _, view, ds = tiny
    subjects = sb.pick_subjects(view)
    assert subjects[0].iri != subjects[1].iri
    tasks = [sb.Task("show", "show", s) for s in subjects] + sb.query_tasks(subjects)
    counts = {}
    for task in tasks:
        got = {"dealgraph": _rows(sb.dealgraph_setup(path, task)), "pyoxigraph": _rows(sb.oxigraph_setup(path, task)),
               "rdflib": _rows(sb.rdflib_setup(ds, task))}
        assert len(set(got.values())) == 1, (task.title, got)
        counts[task.title] = got["dealgraph"]
    assert all(counts[f"show {s.label} ({s.role})"] > 0 for s in subjects)
    assert sum(1 for n in counts.values() if n) >= len(counts) // 2, counts
    circular = sb.Task("circular", "circular")
    assert _rows(sb.dealgraph_setup(path, circular)) == _rows(sb.networkx_setup(view))


def test_a_slow_task_is_stopped_at_its_cap() -> None:
    """A task past its cap is killed and reported as ``> cap``; a quick one gives its rows and a median."""
    def slow() -> tuple:
        return (lambda: time.sleep(30) or 1), (lambda: None)

    def quick() -> tuple:
        return (lambda: 3), (lambda: None)

    t0 = time.monotonic()
    stopped = sb.in_child(slow, cap=0.5, repeat=3, budget=1.0)
    assert not stopped.done and stopped.value() == "> 0.5 s" and time.monotonic() - t0 < 10
    done = sb.in_child(quick, cap=5.0, repeat=3, budget=1.0)
    assert done.done and done.rows == 3 and done.runs == 3


def test_a_row_mismatch_is_loud() -> None:
    """Engines that finished with different counts are named in a ``ROW MISMATCH``; a stopped one is left out."""
    same, ok = sb.rows_check({"dealgraph": sb.Timing(0.1, 5, 3, 1.0), "rdflib": sb.Timing(0.2, 5, 3, 1.0)})
    assert ok and same == "5 rows"
    diff, ok = sb.rows_check({"dealgraph": sb.Timing(0.1, 5, 3, 1.0), "rdflib": sb.Timing(0.2, 4, 3, 1.0),
                              "pyoxigraph": sb.Timing(None, None, 0, 1.0)})
    assert not ok and diff.startswith("ROW MISMATCH") and "rdflib 4" in diff


def test_values_binding_for_the_floor() -> None:
    """The floor binds values the way a pyoxigraph user would: a VALUES block first in the WHERE group."""
    text = sb.with_values("SELECT ?x WHERE { ?x ?p ?entity }", {"entity": "<https://w3id.org/dealgraph/id/x>"})
    assert text.startswith("SELECT ?x WHERE { VALUES ?entity { <https://w3id.org/dealgraph/id/x> }")
