"""``--store http://…``: dealgraph against a real SPARQL 1.1 server (the ``oxigraph`` PyPI package's ``oxigraph
serve``), checked answer for answer against the embedded store holding the same two articles; plus the binding
rewrite, configuration and failure messages, some against a tiny fake server that misbehaves on purpose."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from dealgraph.api import KnowledgeGraph
from dealgraph.errors import QueryError, StoreError
from dealgraph.graph.queries import named_query, results_to_rows
from dealgraph.graph.remote import RemoteConfig, RemoteStore, inject_bindings, is_remote, query_form
from dealgraph.graph.store import Store
from tests.conftest import run_cli

DG = "https://w3id.org/dealgraph#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = f"PREFIX dg: <{DG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "

# Two short articles written for these tests: NVIDIA puts money into Mistral AI, Mistral AI buys NVIDIA GPUs.
ZH_ARTICLE = """# 英伟达加码押注法国大模型公司

2026年3月2日，英伟达宣布向Mistral AI投资15亿美元，成为其最新一轮融资的战略投资者。
Mistral AI同日表示，将向英伟达采购价值20亿美元的GPU，用于在巴黎附近建设新的训练集群。
分析人士指出，这笔交易让资金在两家公司之间来回流动。
"""
EN_ARTICLE = """# Mistral AI signs chip deal with Nvidia

PARIS, March 5, 2026 — Mistral AI will buy $2 billion of Nvidia GPUs for a new training cluster near Paris, the
company said on Thursday. Nvidia invested $1.5 billion in Mistral AI earlier this month.
Critics say the arrangement sends money in a circle between the chipmaker and its customer.
"""

QUERIES = [
    PREFIXES + "SELECT ?a ?how ?b WHERE { ?a ?how ?b FILTER(?how IN (dg:investedIn, dg:buysFrom)) } ORDER BY ?a ?b ?how",
    PREFIXES + "SELECT ?e ?name WHERE { ?e rdfs:label ?name } ORDER BY ?e ?name",
    PREFIXES + "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    PREFIXES + "ASK { ?a dg:investedIn ?b . ?b dg:buysFrom ?a }",
    PREFIXES + "ASK { ?a dg:acquired ?b }",
    PREFIXES + "CONSTRUCT { ?a dg:paid ?b } WHERE { ?a dg:investedIn|dg:buysFrom ?b }",
]


# ---------------------------------------------------------------------------------------------------- helpers
def _oxigraph_command() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    req = urllib.request.Request(f"{url}/query", data=b"ASK {}", method="POST",
                                 headers={"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def oxigraph_server(location: Path, *extra: str) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port; yields its URL and kills it afterwards."""
    cmd = _oxigraph_command()
    if cmd is None:
        pytest.skip("the `oxigraph` command is missing: pip install oxigraph (it ships `oxigraph serve`)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([cmd, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not _answers(url):
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {proc.stderr.read().decode(errors='replace')[:500]}")
            if time.monotonic() > deadline:
                pytest.fail("oxigraph serve did not answer within 20 s")
            time.sleep(0.05)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stderr.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with oxigraph_server(tmp_path / "oxigraph") as url:
        yield url


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    paths = [folder / "mistral-zh.md", folder / "mistral-en.md"]
    for p, text in zip(paths, (ZH_ARTICLE, EN_ARTICLE), strict=True):
        p.write_text(text, encoding="utf-8")
    return paths


def _fill(kg: KnowledgeGraph, articles: list[Path]) -> list[str]:
    return [kg.ingest_file(p, published=d).status for p, d in zip(articles, ("2026-03-02", "2026-03-05"), strict=True)]


@pytest.fixture
def pair(server: str, articles: list[Path], tmp_path: Path) -> tuple[KnowledgeGraph, KnowledgeGraph]:
    """The remote graph and an embedded one, each holding the two articles."""
    remote, local = KnowledgeGraph.open(server), KnowledgeGraph.open(tmp_path / "embedded")
    assert _fill(remote, articles) == ["added", "added"]
    assert _fill(local, articles) == ["added", "added"]
    return remote, local


def _distinct(result) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and the distinct rows, sorted: set semantics."""
    head, rows = _rows(result)
    return head, sorted({tuple(r) for r in rows})


def _rows(result) -> tuple[list[str], list[list[str]]]:
    head, rows = results_to_rows(result)
    return head, (sorted(rows) if head == ["subject", "predicate", "object"] else rows)


def _quad_set(data: bytes) -> set[tuple]:
    ds = rdflib.Dataset()
    ds.parse(data=data, format="nquads")
    return {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in ds.quads((None, None, None, None)) if g is not None}


def _same_order(cycles: list[dict]) -> list[dict]:
    """Cycles with each edge's sources and evidence sorted: the view lists them in the order the rows came."""
    return [{**c, "edges": [{**e, "sources": sorted(e["sources"]), "evidence": sorted(e["evidence"])}
                            for e in c["edges"]]} for c in cycles]


def _store(path) -> Store:
    return Store.open(path, read_only=True)


# ---------------------------------------------------------------------------------------------------- same as embedded
@pytest.mark.server
def test_ingest_export_and_reingest_match_the_embedded_store(pair, articles, server):
    remote, local = pair
    with _store(server) as rs, _store(local.path) as ls:
        n = rs.triple_count()
        assert n == ls.triple_count() > 0
        assert rs.graph_count() == ls.graph_count() == 2
        assert rs.articles() == ls.articles()
    assert _fill(remote, articles) == ["unchanged", "unchanged"]
    with _store(server) as rs:
        assert rs.triple_count() == n
    nq_remote, nq_local = remote.export("nquads"), local.export("nquads")
    quads = _quad_set(nq_remote)
    assert len(quads) == n and quads == _quad_set(nq_local)
    assert not any(isinstance(t, rdflib.BNode) for q in quads for t in q)
    r_ds, l_ds = rdflib.Dataset(), rdflib.Dataset()
    r_ds.parse(data=remote.export("trig"), format="trig")
    l_ds.parse(data=local.export("trig"), format="trig")
    for g in {q[3] for q in quads}:
        assert isomorphic(r_ds.graph(g), l_ds.graph(g))
    for fmt in ("turtle", "csv", "graphml"):
        assert remote.export(fmt) == local.export(fmt), fmt


@pytest.mark.server
def test_queries_cycles_and_show_match(pair):
    remote, local = pair
    for q in QUERIES:
        assert _rows(remote.sparql(q)) == _rows(local.sparql(q)), q
    for name in ("investors-of", "money-into", "partners-of", "valuation-history"):
        for who in ("NVIDIA", "Mistral AI"):
            iri = local.entity(who).iri
            assert _rows(remote.sparql(named_query(name), {"entity": iri})) == \
                _rows(local.sparql(named_query(name), {"entity": iri})), (name, who)
    cycles = remote.circular_deals()
    assert cycles == local.circular_deals()
    assert [sorted(c["entities"]) for c in cycles] == [["Mistral AI", "NVIDIA"]]
    assert remote.show("輝達") == local.show("Nvidia")


@pytest.mark.server
def test_bindings_in_aggregates_and_subqueries_match(pair):
    remote, local = pair
    nvidia = ox.NamedNode(local.entity("英伟达").iri)
    for q in [PREFIXES + "SELECT ?e (COUNT(?o) AS ?n) WHERE { ?e ?p ?o } GROUP BY ?e",
              PREFIXES + "SELECT ?e ?n WHERE { { SELECT ?e (COUNT(*) AS ?n) WHERE { ?e ?p ?o } GROUP BY ?e } }",
              PREFIXES + "SELECT ?e ?b WHERE { ?e dg:investedIn ?b OPTIONAL { ?b dg:buysFrom ?e } }",
              PREFIXES + "ASK { ?e dg:investedIn ?b }",
              PREFIXES + "CONSTRUCT WHERE { ?e dg:investedIn ?b }"]:
        assert _rows(remote.sparql(q, {"e": nvidia})) == _rows(local.sparql(q, {"e": nvidia})), q


@pytest.mark.server
def test_remove_drops_the_article(pair, articles, server):
    remote, local = pair
    gone = remote.remove(str(articles[1]))
    assert gone == local.remove(str(articles[1])) and len(gone) == 1
    assert remote.remove(str(articles[1])) == []
    with _store(server) as rs, _store(local.path) as ls:
        assert not rs.has_article(gone[0]) and rs.graph_count() == 1
        assert rs.triple_count() == ls.triple_count()
    assert _quad_set(remote.export("nquads")) == _quad_set(local.export("nquads"))


# ---------------------------------------------------------------------------------------------------- hostile values
HOSTILE = ['say "hi"', "x\" } ; ?s ?p ?o . FILTER(true) #", "{ } }", "a > b <c>", "back\\slash\\\"", "two\nlines",
           "tab\tand\rreturn", "'''", '"""', "?e", "DROP ALL", "<http://example.org/x>", "\\u0022", "名字 \U0001F600"]


@pytest.mark.server
def test_hostile_binding_values_keep_their_meaning(server, tmp_path):
    g = "https://w3id.org/dealgraph/doc/hostile"
    quads = [ox.Quad(ox.NamedNode(f"https://w3id.org/dealgraph/id/h{i}"), RDFS_LABEL, ox.Literal(v), ox.NamedNode(g))
             for i, v in enumerate(HOSTILE)]
    quads.append(ox.Quad(ox.NamedNode(g), RDF_TYPE, ox.NamedNode(DG + "Article"), ox.NamedNode(g)))
    q = PREFIXES + "SELECT ?e ?name WHERE { ?e rdfs:label ?name }"
    with Store.open(server) as rs, Store.open(tmp_path / "embedded") as ls:
        for s in (rs, ls):
            s.put_article(g, quads)
        assert sorted(map(str, rs.quads())) == sorted(map(str, ls.quads()))
        for i, v in enumerate(HOSTILE):
            for s in (rs, ls):
                rows = [(r["e"].value, r["name"].value) for r in s.query(q, {"name": ox.Literal(v)})]
                assert rows == [(f"https://w3id.org/dealgraph/id/h{i}", v)], (v, s)
            assert list(rs.query(q, {"name": ox.Literal(v + " ")})) == []
        with pytest.raises(QueryError):
            rs.query(q, {"name } ?s ?p ?o {": ox.Literal("x")})
        with pytest.raises(QueryError):
            rs.query(q, {"name": "a plain str"})
        with pytest.raises(ValueError):
            ox.NamedNode("http://example.org/> } DROP ALL {")


def test_inject_bindings_places_values_inside_the_outer_where():
    e = {"e": ox.NamedNode("urn:x")}
    v = "VALUES ?e { <urn:x> }"
    assert inject_bindings("SELECT * { ?e ?p ?o }", e) == f"SELECT * {{ {v} ?e ?p ?o }}"
    assert inject_bindings("CONSTRUCT { ?e <urn:p> ?o } WHERE { ?e ?p ?o }", e) == \
        f"CONSTRUCT {{ ?e <urn:p> ?o }} WHERE {{ {v} ?e ?p ?o }}"
    assert inject_bindings("CONSTRUCT { ?e <urn:p> ?o } { ?e ?p ?o }", e) == \
        f"CONSTRUCT {{ ?e <urn:p> ?o }} {{ {v} ?e ?p ?o }}"
    text = 'SELECT (EXISTS { ?e ?p "WHERE {" } AS ?b) # WHERE {\nWHERE { ?e ?p "}" }'
    assert inject_bindings(text, e).endswith(f'WHERE {{ {v} ?e ?p "}}" }}')
    assert query_form("PREFIX s: <urn:SELECT> # ASK\n construct WHERE { ?s ?p ?o }") == "CONSTRUCT"
    with pytest.raises(QueryError):
        inject_bindings("DESCRIBE <urn:x>", e)


def test_inject_bindings_agrees_with_pyoxigraph_substitutions():
    s = ox.Store()
    n = lambda x: ox.NamedNode(f"urn:{x}")  # noqa: E731
    s.extend([ox.Quad(n("a"), n("p"), n("b"), n("g")), ox.Quad(n("c"), n("p"), n("d"), n("g")),
               ox.Quad(n("b"), n("q"), ox.Literal('x"}'), n("g"))])
    for q, val in [("SELECT ?x ?y WHERE { ?x ?p ?y }", n("a")),
                   ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?y } GROUP BY ?x", n("a")),
                   ("SELECT ?x ?y WHERE { ?z ?p ?y FILTER(?z = ?x) }", n("c")),
                   ("SELECT ?x ?y WHERE { ?z <urn:p> ?y OPTIONAL { ?y ?q ?x } }", ox.Literal('x"}')),
                   ("SELECT ?x ?y WHERE { SELECT ?x ?y WHERE { ?x ?p ?y } }", n("c")),
                   ("ASK { ?x ?p ?y }", n("zz")),
                   ("CONSTRUCT WHERE { ?x ?p ?y }", n("a"))]:
        want = s.query(q, use_default_graph_as_union=True, substitutions={ox.Variable("x"): val})
        got = s.query(inject_bindings(q, {"x": val}), use_default_graph_as_union=True)
        assert _rows(got) == _rows(want), q


# ---------------------------------------------------------------------------------------------------- modes
@pytest.mark.server
@pytest.mark.parametrize("env", [{"DEALGRAPH_UNION": "graphs"}, {"DEALGRAPH_GSP_URL": "none"}],
                         ids=["default-graph-uri", "sparql-update"])
def test_other_servers_paths_give_the_same_answers(pair, server, env, monkeypatch, tmp_path, articles):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    remote, local = pair
    for q in [q for q in QUERIES if "COUNT" not in q]:   # a server's own union may repeat a triple several
        assert _distinct(remote.sparql(q)) == _distinct(local.sparql(q)), q   # articles state: distinct rows
    assert _same_order(remote.circular_deals()) == _same_order(local.circular_deals())
    assert _quad_set(remote.export("nquads")) == _quad_set(local.export("nquads"))
    assert len(remote.remove(str(articles[0]))) == 1
    assert _fill(remote, articles) == ["added", "unchanged"]


@pytest.mark.server
def test_server_configured_with_a_union_default_graph(tmp_path, articles, monkeypatch):
    monkeypatch.setenv("DEALGRAPH_UNION", "server")
    local = KnowledgeGraph.open(tmp_path / "embedded")
    _fill(local, articles)
    with oxigraph_server(tmp_path / "ox", "--union-default-graph") as url:
        remote = KnowledgeGraph.open(url + "/sparql")
        _fill(remote, articles)
        for q in [q for q in QUERIES if "COUNT" not in q]:
            assert _distinct(remote.sparql(q)) == _distinct(local.sparql(q)), q


@pytest.mark.server
def test_read_only_refuses_writes(server):
    with Store.open(server, read_only=True) as s:
        with pytest.raises(StoreError, match="read-only"):
            s.put_article("https://w3id.org/dealgraph/doc/x", [])


# ---------------------------------------------------------------------------------------------------- failures
def test_refused_connection_is_one_clear_line():
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreError, match=r"no SPARQL server at http://127\.0\.0\.1:\d+/query; start one or check"):
        Store.open(url)
    r = run_cli("query", "SELECT * WHERE { ?s ?p ?o }", "--store", "http://127.0.0.1:1")
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert err.strip() == "dealgraph: no SPARQL server at http://127.0.0.1:1/query; start one or check --store"


def test_a_silent_server_times_out():
    with socket.socket() as listener:                  # accepts connections (backlog) and never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        t0 = time.monotonic()
        with pytest.raises(StoreError, match="no answer within 0.5 s"):
            RemoteStore.from_url(url, env={"DEALGRAPH_TIMEOUT": "0.5"})
        assert time.monotonic() - t0 < 5


class _Fake(http.server.BaseHTTPRequestHandler):
    """Answers every POST with what the test put in ``reply``; records what it was sent."""

    reply: tuple[int, dict[str, str], bytes] = (200, {}, b"")
    seen: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.path, dict(self.headers), body))
        code, headers, data = self.reply
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[Callable[..., str]]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    _Fake.seen = []

    def set_reply(code: int, body: bytes, ctype: str = "application/sparql-results+json", **headers: str) -> str:
        _Fake.reply = (code, {"Content-Type": ctype, **headers}, body)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield set_reply
    srv.shutdown()
    srv.server_close()


ASK_TRUE = b'{"head":{},"boolean":true}'


def test_truncated_and_odd_answers_are_errors(fake):
    url = fake(200, ASK_TRUE)
    s = RemoteStore.from_url(url, env={"DEALGRAPH_UNION": "server"})
    fake(200, b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"urn:a"}},')
    with pytest.raises(StoreError, match="cut short"):
        s.query("SELECT ?x WHERE { ?x ?p ?o }")
    fake(200, b"<html>hello</html>", "text/html")
    with pytest.raises(StoreError, match="not SPARQL results"):
        s.query("SELECT ?x WHERE { ?x ?p ?o }")
    fake(302, b"", Location="http://example.org/elsewhere")
    with pytest.raises(StoreError, match="redirects"):
        s.query("SELECT ?x WHERE { ?x ?p ?o }")
    fake(401, b"who are you")
    with pytest.raises(StoreError, match="DEALGRAPH_USER"):
        s.query("SELECT ?x WHERE { ?x ?p ?o }")
    fake(400, b"Parse error: line 1")
    with pytest.raises(QueryError, match="Parse error"):
        s.query("SELECT ?x WHERE { ?x ?p ?o }")


def test_other_servers_get_the_article_graphs_as_the_dataset(fake):
    url = fake(200, ASK_TRUE, Server="Virtuoso/07.20")
    s = RemoteStore.from_url(url + "/sparql", env={"DEALGRAPH_USER": "dba", "DEALGRAPH_PASSWORD": "pw"})
    fake(200, json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [
        {"g": {"type": "uri", "value": "https://w3id.org/dealgraph/doc/1"}}]}}).encode())
    list(s.query("SELECT * WHERE { ?s ?p ?o }", {"s": ox.Literal("x")}))
    path, headers, body = _Fake.seen[-1]
    assert path == "/sparql" and headers["Authorization"] == "Basic ZGJhOnB3"
    form = dict(x.split("=", 1) for x in body.decode().split("&"))
    assert form["default-graph-uri"] == form["named-graph-uri"] == "https%3A%2F%2Fw3id.org%2Fdealgraph%2Fdoc%2F1"
    assert "VALUES" in form["query"] and "union-default-graph" not in path


class _DigestFake(http.server.BaseHTTPRequestHandler):
    """Asks for HTTP Digest (as Virtuoso's ``/sparql-auth`` does) and answers ``ASK`` once the login is right."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth[7:])) if auth.startswith("Digest ") else {}
        h = lambda x: hashlib.md5(x.encode()).hexdigest()  # noqa: E731
        want = h(":".join([h("dba:realm:secret"), "n0nce", fields.get("nc", ""), fields.get("cnonce", ""), "auth",
                           h(f"POST:{fields.get('uri', '')}")]))
        if fields.get("response") != want:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="realm", nonce="n0nce", qop="auth", algorithm=MD5')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(ASK_TRUE)))
        self.end_headers()
        self.wfile.write(ASK_TRUE)

    def log_message(self, *args: object) -> None:
        pass


def test_digest_login():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DigestFake)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/sparql-auth"
    try:
        env = {"DEALGRAPH_AUTH": "digest", "DEALGRAPH_USER": "dba", "DEALGRAPH_UNION": "server"}
        s = RemoteStore.from_url(url, env={**env, "DEALGRAPH_PASSWORD": "secret"})
        assert bool(s.query("ASK { ?s ?p ?o }")) is True
        with pytest.raises(StoreError, match="HTTP 401"):
            RemoteStore.from_url(url, env={**env, "DEALGRAPH_PASSWORD": "wrong"}).query("ASK { ?s ?p ?o }")
    finally:
        srv.shutdown()
        srv.server_close()


def test_configuration_from_url_and_environment():
    c = RemoteConfig.from_url("http://h:7878", env={})
    assert (c.query_url, c.update_url, c.gsp_url, c.timeout) == \
        ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store", 30.0)
    c = RemoteConfig.from_url(Path("http://u:p%40ss@h:3030/ds/sparql/"), env={"DEALGRAPH_GSP_URL": "http://h:3030/ds/data",
                                                                              "DEALGRAPH_TIMEOUT": "5"})
    assert (c.url, c.query_url, c.update_url, c.gsp_url) == \
        ("http://h:3030/ds/sparql", "http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data")
    assert (c.auth, c.user, c.password, c.timeout) == ("basic", "u", "p@ss", 5.0)
    assert "p@ss" not in repr(c)
    assert RemoteConfig.from_url("http://h", env={"DEALGRAPH_GSP_URL": "none"}).gsp_url is None
    assert RemoteConfig.from_url("http://h", env={"DEALGRAPH_AUTH": "digest", "DEALGRAPH_USER": "d"}).auth == "digest"
    for bad in ({"DEALGRAPH_TIMEOUT": "0"}, {"DEALGRAPH_AUTH": "kerberos"}, {"DEALGRAPH_UNION": "maybe"},
                {"DEALGRAPH_QUERY_URL": "ftp://h/q"}):
        with pytest.raises(StoreError):
            RemoteConfig.from_url("http://h", env=bad)
    assert is_remote("https://x") and is_remote(Path("http://x")) and not is_remote("dealgraph-data")


# ---------------------------------------------------------------------------------------------------- CLI
@pytest.mark.server
def test_cli_works_unchanged_against_the_server(server, articles, tmp_path):
    local = str(tmp_path / "embedded")
    out = {}
    for store in (server, local):
        ingest = run_cli("ingest", *map(str, articles), "--published", "2026-03-05", "--store", store)
        again = run_cli("ingest", *map(str, articles), "--published", "2026-03-05", "--store", store)
        assert ingest.returncode == again.returncode == 0, ingest.stderr
        assert b"2 added or updated" in ingest.stdout and b"2 unchanged" in again.stdout
        res = [run_cli("query", QUERIES[0], "--format", "json", "--store", store),
               run_cli("circular", "--format", "json", "--store", store),
               run_cli("show", "英伟达", "--format", "json", "--store", store),
               run_cli("export", "--format", "nquads", "--store", store),
               run_cli("remove", str(articles[0]), "--store", store),
               run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv", "--store", store)]
        assert all(r.returncode == 0 for r in res), [r.stderr for r in res]
        out[store] = [r.stdout for r in res]
    r, e = out[server], out[local]
    assert json.loads(r[0]) == json.loads(e[0]) and json.loads(r[1]) == json.loads(e[1]) and json.loads(r[1])
    assert json.loads(r[2]) == json.loads(e[2])
    assert _quad_set(r[3]) == _quad_set(e[3])
    assert r[4:] == e[4:]
    assert io.BytesIO(r[5]).read().splitlines()[1] != b"0"
