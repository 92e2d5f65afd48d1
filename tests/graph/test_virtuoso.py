"""``--store http://…`` against OpenLink Virtuoso (Debian's ``virtuoso-opensource``), checked answer for answer
against the embedded store, as ``test_remote.py`` does against ``oxigraph serve``.

Optional: every test here is marked ``virtuoso`` and skipped when ``virtuoso-t`` is not installed (or not the
binary ``DEALGRAPH_VIRTUOSO`` names). To run them::

    DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource
    .venv/bin/pytest -m virtuoso tests/graph/test_virtuoso.py       # about 1.5 minutes on 2 cores

``DEALGRAPH_TEST_VIRTUOSO=1 bash tests/run.sh`` installs the package too (as root), and ``-m "not virtuoso"``
leaves these tests out where Virtuoso is installed. The module fixture starts one throwaway
``virtuoso-t`` (never the system service) in a temporary folder with its own ``virtuoso.ini``: SQL and HTTP ports
on free 127.0.0.1 ports, a fresh database whose ``dba`` password is ``dba``, the Debian defaults for the SPARQL
limits (``ResultSetMaxRows`` 10000, ``MaxQueryExecutionTime`` 60) except ``MaxQueryCostEstimationTime = 0``, which
dealgraph needs (the README says why). Queries go to ``/sparql``, updates to ``/sparql-auth`` and the Graph Store
Protocol to ``/sparql-graph-crud-auth``, both logged in as ``dba`` with HTTP Digest, as the README's "Running on
a shared triple store" shows. Answers are compared with an embedded store holding the same articles: exactly
where SPARQL fixes the result, as sets where it leaves the order to the engine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from dealgraph.api import KnowledgeGraph
from dealgraph.errors import StoreError
from dealgraph.graph.queries import named_query, names, results_to_rows
from dealgraph.graph.remote import MAX_DATASET_GRAPHS, UNION_GRAPH, UPDATE_CHUNK, RemoteStore, _Answer
from dealgraph.graph.store import Store
from tests.conftest import FIXTURES, SEED, run_cli
from tests.graph.test_remote import (
    DG,
    HOSTILE,
    PREFIXES,
    QUERIES,
    RDF_TYPE,
    RDFS_LABEL,
    ZH_ARTICLE,
    _distinct,
    _free_port,
    _quad_set,
    _rows,
    _same_order,
)

pytestmark = [pytest.mark.virtuoso, pytest.mark.server]

#: The server binary: Debian's, unless ``DEALGRAPH_VIRTUOSO`` names another (a path or a name on ``PATH``).
VIRTUOSO = os.environ.get("DEALGRAPH_VIRTUOSO") or "virtuoso-t"

_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
CaseMode           = 2
DirsAllowed        = {dir}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
ThreadsPerQuery    = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {dir}
ServerThreads        = 10
MaxClientConnections = 10
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running throwaway Virtuoso: its SPARQL endpoints and the settings dealgraph needs to use them."""

    base: str
    folder: Path

    @property
    def url(self) -> str:
        """The ``--store`` value: the public, read-only query endpoint."""
        return f"{self.base}/sparql"

    @property
    def env(self) -> dict[str, str]:
        """``DEALGRAPH_*`` settings: updates and the Graph Store Protocol through the Digest-protected endpoints."""
        return {"DEALGRAPH_UPDATE_URL": f"{self.base}/sparql-auth",
                "DEALGRAPH_GSP_URL": f"{self.base}/sparql-graph-crud-auth",
                "DEALGRAPH_AUTH": "digest", "DEALGRAPH_USER": "dba", "DEALGRAPH_PASSWORD": "dba"}


def _answers(base: str) -> bool:
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode("ascii")
    req = urllib.request.Request(f"{base}/sparql", data=body, method="POST",
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _die_with_parent() -> None:
    """Linux: the kernel stops the server when the test run that started it dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@contextmanager
def virtuoso_server(folder: Path, *, wait: float = 120.0, max_rows: int = 10_000) -> Iterator[Virtuoso]:
    """``virtuoso-t`` in the foreground with a fresh database in ``folder`` on free loopback ports; stopped after.
    ``max_rows`` is its ``ResultSetMaxRows`` (Debian's 10,000 by default; the benchmark needs more).

    Raises ``RuntimeError`` when the binary is missing, the server exits or does not answer within ``wait`` s.
    """
    cmd = shutil.which(VIRTUOSO)
    if cmd is None:
        raise RuntimeError(f"`{VIRTUOSO}` is missing: apt-get install virtuoso-opensource")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(dir=folder, sql_port=_free_port(), http_port=(port := _free_port()), max_rows=max_rows),
                   encoding="utf-8")
    base = f"http://127.0.0.1:{port}"
    log = (folder / "virtuoso-t.out").open("wb")
    proc = subprocess.Popen([cmd, "-f", "-c", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + wait
        while not _answers(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (folder / "virtuoso-t.out").read_text(errors="replace")[-800:]
                raise RuntimeError(f"virtuoso-t did not come up at {base}: {tail}")
            time.sleep(0.2)
        yield Virtuoso(base, folder)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)      # a clean shutdown; the database is thrown away anyway
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso for the module (it takes seconds to start); skipped when it is not installed."""
    if shutil.which(VIRTUOSO) is None:
        pytest.skip(f"`{VIRTUOSO}` is not installed (optional: apt-get install virtuoso-opensource, "
                    "or DEALGRAPH_TEST_VIRTUOSO=1 bash tests/run.sh)")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as v:
        yield v


# ---------------------------------------------------------------------------------------------------- state
def _admin_update(v: Virtuoso, text: str) -> None:
    """An update as ``dba`` through ``/sparql-auth`` (Digest), bypassing dealgraph: to reset the server."""
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, v.base, "dba", "dba")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPDigestAuthHandler(mgr))
    req = urllib.request.Request(f"{v.base}/sparql-auth", data=text.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-update"})
    with opener.open(req, timeout=60) as r:
        r.read()


def _wipe(v: Virtuoso) -> None:
    """Drop every article graph and the union graph; the server's own graphs stay."""
    with RemoteStore.from_url(v.url, env=v.env) as s:
        graphs = [a.graph for a in s.articles()]
    _admin_update(v, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in [*graphs, UNION_GRAPH]))


@dataclass
class _Filled:
    """The server and an embedded store holding the same articles (filled once, again after a test wiped)."""

    remote: KnowledgeGraph | None = None
    local: KnowledgeGraph | None = None
    generation: int = 0
    filled_at: int = -1


_STATE = _Filled()


@pytest.fixture(scope="module", autouse=True)
def virtuoso_env(virtuoso: Virtuoso) -> Iterator[None]:
    """Every test talks to the throwaway server with its ``DEALGRAPH_*`` settings."""
    with pytest.MonkeyPatch.context() as mp:
        for k, val in virtuoso.env.items():
            mp.setenv(k, val)
        mp.delenv("DEALGRAPH_UNION", raising=False)
        mp.delenv("DEALGRAPH_TIMEOUT", raising=False)
        yield


@pytest.fixture
def fresh(virtuoso: Virtuoso) -> Virtuoso:
    """An empty server (no article graphs, no union graph) for a test that changes what is stored."""
    _wipe(virtuoso)
    _STATE.generation += 1
    return virtuoso


def _article_paths() -> list[Path]:
    paths = sorted(FIXTURES.glob("*.md"))
    if SEED.exists():
        paths += sorted(p for p in SEED.parents[1].glob("*/*") if p.suffix in (".md", ".txt"))
    return paths


@pytest.fixture
def pair(virtuoso: Virtuoso, tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, KnowledgeGraph]:
    """Virtuoso and an embedded store, each holding the fixture articles and ../shared's corpus."""
    if _STATE.filled_at != _STATE.generation:
        _wipe(virtuoso)
        remote = KnowledgeGraph.open(virtuoso.url)
        local = KnowledgeGraph.open(tmp_path_factory.mktemp("embedded") / "store")
        for p in _article_paths():
            assert remote.ingest_file(p).status == local.ingest_file(p).status == "added", p
        _STATE.remote, _STATE.local, _STATE.filled_at = remote, local, _STATE.generation
    assert _STATE.remote is not None and _STATE.local is not None
    return _STATE.remote, _STATE.local


# ---------------------------------------------------------------------------------------------------- same as embedded
def test_ingest_reingest_and_export_match_the_embedded_store(pair, virtuoso):
    remote, local = pair
    with Store.open(virtuoso.url, read_only=True) as rs, Store.open(local.path, read_only=True) as ls:
        n = rs.triple_count()
        assert n == ls.triple_count() > 0
        assert rs.graph_count() == ls.graph_count() == len(_article_paths())
        assert rs.articles() == ls.articles()
    assert {remote.ingest_file(p).status for p in _article_paths()} == {"unchanged"}
    with Store.open(virtuoso.url, read_only=True) as rs:
        assert rs.triple_count() == n
    quads = _quad_set(remote.export("nquads"))
    assert len(quads) == n and quads == _quad_set(local.export("nquads"))
    assert not any(isinstance(t, rdflib.BNode) for q in quads for t in q)
    r_ds, l_ds = rdflib.Dataset(), rdflib.Dataset()
    r_ds.parse(data=remote.export("trig"), format="trig")
    l_ds.parse(data=local.export("trig"), format="trig")
    for g in {q[3] for q in quads}:
        assert isomorphic(r_ds.graph(g), l_ds.graph(g)), g
    for fmt in ("turtle", "jsonld", "graphml"):          # byte for byte: language tags keep their case
        assert remote.export(fmt) == local.export(fmt), fmt
    r_csv, l_csv = remote.export("csv").splitlines(), local.export("csv").splitlines()
    assert r_csv[0] == l_csv[0] and sorted(r_csv) == sorted(l_csv)       # facts of one sentence: any order


def _unordered(result) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and rows as a sorted multiset, each ``GROUP_CONCAT`` list sorted: SPARQL leaves the order of rows
    with equal ``ORDER BY`` keys, of language-tagged labels and of concatenated values to the engine."""
    head, rows = results_to_rows(result)
    return head, sorted(tuple(", ".join(sorted(v.split(", "))) for v in r) for r in rows)


def _ordered_by(result, key: str) -> list[str]:
    """The values of ``key`` in the order the rows came: what an ``ORDER BY`` on a number or a date fixes."""
    head, rows = results_to_rows(result)
    return [r[head.index(key)] for r in rows]


def _canon(value: object) -> object:
    """``value`` with every list sorted: ``show``, ``related`` and ``overlap`` list facts in the order rows came."""
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canon(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def test_queries_match_row_for_row(pair):
    remote, local = pair
    for q in QUERIES:                                   # COUNT(*) too: the union is a set, as in the embedded store
        assert _rows(remote.sparql(q)) == _rows(local.sparql(q)), q
    for name in names():
        r, e = remote.sparql(named_query(name)), local.sparql(named_query(name))
        assert _unordered(r) == _unordered(e), name
    for name, key in [("largest-rounds", "amount"), ("contracts", "amount"), ("articles", "date"),
                      ("co-investors", "shared"), ("investor-overlap", "companies")]:
        assert _ordered_by(remote.sparql(named_query(name)), key) == \
            _ordered_by(local.sparql(named_query(name)), key), name
    for name in ("investors-of", "money-into", "partners-of", "valuation-history", "funding-history", "evidence-for",
                 "controllers-of", "companies-controlled-by", "metrics-of"):
        for who in ("NVIDIA", "OpenAI", "xAI", "Microsoft"):
            iri = local.entity(who).iri
            assert _unordered(remote.sparql(named_query(name), {"entity": iri})) == \
                _unordered(local.sparql(named_query(name), {"entity": iri})), (name, who)
    nvidia = ox.NamedNode(local.entity("英伟达").iri)
    for q in [PREFIXES + "SELECT ?e (COUNT(?o) AS ?n) WHERE { ?e ?p ?o } GROUP BY ?e",
              PREFIXES + "SELECT ?e ?b WHERE { ?e dg:investedIn ?b OPTIONAL { ?b dg:buysFrom ?e } }",
              PREFIXES + "SELECT ?l WHERE { ?e rdfs:label ?l FILTER(lang(?l) != '') }",
              PREFIXES + "CONSTRUCT WHERE { ?e dg:investedIn ?b }"]:
        assert _unordered(remote.sparql(q, {"e": nvidia})) == _unordered(local.sparql(q, {"e": nvidia})), q


def test_circular_show_related_and_overlap_match(pair):
    remote, local = pair
    cycles = remote.circular_deals()
    assert cycles and _same_order(cycles) == _same_order(local.circular_deals())
    assert _same_order(remote.circular_deals(committed_only=True)) == \
        _same_order(local.circular_deals(committed_only=True))
    for who in ("英伟达", "OpenAI", "馬斯克"):
        assert _canon(remote.show(who)) == _canon(local.show(who)), who
        assert _canon(remote.related(who)) == _canon(local.related(who)), who
    assert _canon(remote.overlap()) == _canon(local.overlap())


def test_remove_drops_only_what_the_article_alone_said(pair, virtuoso):
    remote, local = pair
    path = _article_paths()[0]
    gone = remote.remove(str(path))
    assert gone == local.remove(str(path)) and len(gone) == 1
    assert remote.remove(str(path)) == []
    with Store.open(virtuoso.url, read_only=True) as rs, Store.open(local.path, read_only=True) as ls:
        assert not rs.has_article(gone[0]) and rs.graph_count() == ls.graph_count()
        assert rs.triple_count() == ls.triple_count()
    assert _quad_set(remote.export("nquads")) == _quad_set(local.export("nquads"))
    for q in QUERIES:
        assert _rows(remote.sparql(q)) == _rows(local.sparql(q)), q
    assert remote.ingest_file(path).status == local.ingest_file(path).status == "added"
    assert _rows(remote.sparql(QUERIES[3])) == _rows(local.sparql(QUERIES[3]))


# ---------------------------------------------------------------------------------------------------- literals
XSD = "http://www.w3.org/2001/XMLSchema#"
EVIDENCE = "就在兩週前，輝達才宣布計劃向OpenAI投資最多1000億美元，而OpenAI也將用這筆錢大舉採購輝達系統。"
VALUES = [ox.Literal("英伟达", language="zh-Hans"), ox.Literal("輝達", language="zh-Hant"),
          ox.Literal("輝達", language="zh-Hant-TW"), ox.Literal("Nvidia", language="en"),
          ox.Literal("20000000000", datatype=ox.NamedNode(XSD + "decimal")),
          ox.Literal("1500000000000", datatype=ox.NamedNode(XSD + "decimal")),
          ox.Literal("597", datatype=ox.NamedNode(XSD + "integer")),
          ox.Literal("2025-09-24", datatype=ox.NamedNode(XSD + "date")),
          ox.Literal("2025-08", datatype=ox.NamedNode(XSD + "gYearMonth")),
          ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")),
          ox.Literal("https://example.org/a?b=c&d", datatype=ox.NamedNode(XSD + "anyURI")),
          ox.Literal(EVIDENCE), ox.Literal(EVIDENCE * 150),          # long literals: 7,000 characters and more
          *map(ox.Literal, HOSTILE)]


def _literal_quads(graph: str) -> list[ox.Quad]:
    g = ox.NamedNode(graph)
    quads = [ox.Quad(ox.NamedNode(f"https://w3id.org/dealgraph/id/v{i}"), RDFS_LABEL, v, g)
             for i, v in enumerate(VALUES)]
    return [*quads, ox.Quad(g, RDF_TYPE, ox.NamedNode(DG + "Article"), g)]


def test_typed_language_tagged_and_long_literals_round_trip(fresh, tmp_path):
    g = "https://w3id.org/dealgraph/doc/literals"
    q = PREFIXES + "SELECT ?e ?name WHERE { ?e rdfs:label ?name }"
    with Store.open(fresh.url) as rs, Store.open(tmp_path / "embedded") as ls:
        for s in (rs, ls):
            s.put_article(g, _literal_quads(g))
        assert sorted(map(str, rs.quads())) == sorted(map(str, ls.quads()))
        assert _rows(rs.query(q + " ORDER BY ?e")) == _rows(ls.query(q + " ORDER BY ?e"))
        for i, v in enumerate(VALUES):
            for s in (rs, ls):
                rows = [r["e"].value for r in s.query(q, {"name": v})]
                assert rows == [f"https://w3id.org/dealgraph/id/v{i}"], (str(v)[:80], s)
            if v.datatype.value == XSD + "string" or v.language:       # Virtuoso echoes a bound number in its
                assert [r["name"] for r in rs.query(q, {"name": v})] == [v]    # own type: strings only here
        assert rs.remove_article(g) == len(VALUES) + 1
        assert rs.triple_count() == 0
        assert list(rs.query("SELECT * WHERE { ?s ?p ?o }")) == []     # the union graph is empty again


# ---------------------------------------------------------------------------------------------------- limits
def _many(graph: str, n: int) -> list[ox.Quad]:
    g = ox.NamedNode(graph)
    return [ox.Quad(g, RDF_TYPE, ox.NamedNode(DG + "Article"), g),
            *(ox.Quad(ox.NamedNode(f"https://w3id.org/dealgraph/id/m{i}"), RDFS_LABEL,
                      ox.Literal(f"名字 {i}", language="zh-Hans"), g) for i in range(n))]


def test_big_articles_are_written_in_pieces_and_cut_answers_are_errors(fresh):
    small, big = "https://w3id.org/dealgraph/doc/small", "https://w3id.org/dealgraph/doc/big"
    n = 3 * UPDATE_CHUNK + 7                     # INSERT DATA in four operations of one request
    with Store.open(fresh.url) as rs:
        rs.put_article(small, _many(small, n))
        assert sorted(map(str, rs.quads())) == sorted(map(str, _many(small, n)))
        assert list(rs.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0]["n"].value == str(n + 1)
        rs.put_article(big, _many(big, 10_500))  # above Virtuoso's ResultSetMaxRows (10,000 here)
        assert rs.triple_count() == n + 1 + 10_501
        with pytest.raises(StoreError, match="ResultSetMaxRows"):        # GSP GET: cut without a word
            list(rs.quads())
        with pytest.raises(StoreError, match="ResultSetMaxRows"):        # CONSTRUCT: cut without a word
            rs.query("CONSTRUCT WHERE { ?s ?p ?o }")
        with pytest.raises(StoreError, match="cut the answer at 10000 rows"):   # SELECT: X-SPARQL-MaxRows
            rs.query("SELECT * WHERE { ?s ?p ?o }")
        assert rs.remove_article(big) == 10_501
        assert len(rs.query("CONSTRUCT WHERE { ?s ?p ?o }")) == n + 1


def test_many_article_graphs(fresh, caplog):
    """Virtuoso echoes each named graph of the dataset as a header line (more than the 100 http.client reads by
    default); past MAX_DATASET_GRAPHS, GRAPH ?g sees every graph on the server, with a warning."""
    per_graph = PREFIXES + "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    graphs = [f"https://w3id.org/dealgraph/doc/many{i:03d}" for i in range(MAX_DATASET_GRAPHS + 4)]
    with Store.open(fresh.url) as rs:
        for i, g in enumerate(graphs):
            rs.put_article(g, _many(g, 1 + i % 3))
            if i == 120:
                got = {r["g"].value: int(r["n"].value) for r in rs.query(per_graph)}
                assert got == {h: 2 + j % 3 for j, h in enumerate(graphs[:121])}
        assert rs.graph_count() == len(graphs)
        assert list(rs.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0]["n"].value == str(len(graphs) + 3)
        got = {r["g"].value: int(r["n"].value) for r in rs.query(per_graph)}
        assert {g: got.get(g) for g in graphs} == {g: 2 + j % 3 for j, g in enumerate(graphs)}
        assert UNION_GRAPH in got and "GRAPH ?g sees every graph on the server" in caplog.text


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_slow_query_ends_at_the_timeout_with_one_clear_line(pair, monkeypatch):
    monkeypatch.setenv("DEALGRAPH_TIMEOUT", "2")
    remote, _ = pair
    t0 = time.monotonic()
    with pytest.raises(StoreError, match=r"time limit|no answer within 2 s|longer than 2 s"):
        remote.sparql(HEAVY)                     # Virtuoso is given the 2 s too; whichever side gives up first
    assert time.monotonic() - t0 < 10
    t0 = time.monotonic()
    assert bool(remote.sparql(PREFIXES + "ASK { ?a dg:investedIn ?b }"))
    assert time.monotonic() - t0 < 2


def test_a_partial_answer_is_an_error(virtuoso):
    """Virtuoso answers HTTP 200 with what it had when its time limit struck, and says so only in a header."""
    body = urllib.parse.urlencode({"query": HEAVY, "timeout": "300"}).encode("ascii")
    req = urllib.request.Request(virtuoso.url, data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        ans = _Answer(r.status, r.headers["Content-Type"], r.headers["Server"], r.read(),
                      {k.lower(): v for k, v in r.headers.items()})
    assert ans.status == 200 and "results" in json.loads(ans.body)       # a well-formed answer, and a wrong one
    with pytest.raises(StoreError, match="stopped the query at its time limit and sent partial results"):
        ans.complete(virtuoso.url)


def test_wrong_password_is_one_clear_line(virtuoso, tmp_path):
    env = {**virtuoso.env, "DEALGRAPH_PASSWORD": "wrong"}
    with RemoteStore.from_url(virtuoso.url, env=env) as s:                # reading needs no login
        with pytest.raises(StoreError, match=r"/sparql-auth: writing .* refused \(HTTP 401\); set DEALGRAPH_USER"):
            s.put_article("https://w3id.org/dealgraph/doc/x", _many("https://w3id.org/dealgraph/doc/x", 1))
    (tmp_path / "a.md").write_text(ZH_ARTICLE, encoding="utf-8")
    r = run_cli("ingest", str(tmp_path / "a.md"), "--store", virtuoso.url, env=env)
    err = r.stderr.decode()
    assert r.returncode != 0 and "HTTP 401" in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------------- other paths
@pytest.mark.parametrize("env", [{"DEALGRAPH_UNION": "graphs"}, {"DEALGRAPH_UNION": "graphs", "DEALGRAPH_GSP_URL": "none"}],
                         ids=["gsp-put-and-default-graph-uri", "sparql-update-and-default-graph-uri"])
def test_the_other_write_and_union_paths_give_the_same_answers(fresh, env, monkeypatch, tmp_path):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    paths = _article_paths()[:6]
    remote, local = KnowledgeGraph.open(fresh.url), KnowledgeGraph.open(tmp_path / "embedded")
    for p in paths:
        assert remote.ingest_file(p).status == local.ingest_file(p).status == "added"
    for q in [q for q in QUERIES if "COUNT" not in q]:   # several default graphs repeat a triple several
        assert _distinct(remote.sparql(q)) == _distinct(local.sparql(q)), q   # articles state: distinct rows
    assert _same_order(remote.circular_deals()) == _same_order(local.circular_deals())
    assert _quad_set(remote.export("nquads")) == _quad_set(local.export("nquads"))
    assert len(remote.remove(str(paths[0]))) == 1
    assert [remote.ingest_file(p).status for p in paths[:2]] == ["added", "unchanged"]


def test_cli_works_unchanged_against_virtuoso(fresh, tmp_path):
    paths = [str(p) for p in _article_paths()[:4]]
    local = str(tmp_path / "embedded")
    out = {}
    for store in (fresh.url, local):
        ingest = run_cli("ingest", *paths, "--store", store)
        again = run_cli("ingest", *paths, "--store", store)
        assert ingest.returncode == again.returncode == 0, ingest.stderr
        assert b"4 added or updated" in ingest.stdout and b"4 unchanged" in again.stdout
        res = [run_cli("query", QUERIES[1], "--format", "json", "--store", store),
               run_cli("query", "--name", "investors-of", "--param", "entity=OpenAI", "--store", store),
               run_cli("circular", "--format", "json", "--store", store),
               run_cli("export", "--format", "nquads", "--store", store),
               run_cli("remove", paths[0], "--store", store),
               run_cli("query", QUERIES[3], "--format", "csv", "--store", store)]
        assert all(r.returncode == 0 for r in res), [r.stderr for r in res]
        out[store] = [r.stdout for r in res]
    r, e = out[fresh.url], out[local]
    assert json.loads(r[0]) == json.loads(e[0]) and sorted(r[1].splitlines()) == sorted(e[1].splitlines())
    assert _same_order(json.loads(r[2])) == _same_order(json.loads(e[2])) and json.loads(r[2])
    assert _quad_set(r[3]) == _quad_set(e[3])
    assert r[4:] == e[4:] and r[5].splitlines()[1] != b"0"
