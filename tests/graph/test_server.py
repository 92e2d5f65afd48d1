"""The SPARQL 1.1 Protocol endpoint: queried with SPARQLWrapper and plain HTTP over a server started on a free
loopback port, answers compared with ``Store.query``; refusals, time limit, update rules, the page."""

from __future__ import annotations

import base64
import csv
import hashlib
import inspect
import io
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from dealgraph.graph.server import GRAPH_FORMATS, RESULT_FORMATS, SparqlServer, make_server, negotiate
from dealgraph.graph.store import Store

pytestmark = pytest.mark.server

DG = "https://w3id.org/dealgraph#"
ID = "https://w3id.org/dealgraph/id/"
DOC = "https://w3id.org/dealgraph/doc/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
PREFIXES = (f"PREFIX dg: <{DG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")

FLOWS = PREFIXES + ("SELECT ?payer ?payee ?how WHERE { ?payer ?how ?payee FILTER(?how IN (dg:investedIn, dg:buysFrom)) }"
                    " ORDER BY ?payer ?payee")
LABELS = PREFIXES + "SELECT ?e ?name WHERE { ?e rdfs:label|skos:altLabel ?name } ORDER BY ?e ?name"
ROUND = PREFIXES + "SELECT ?r ?amount ?cur WHERE { ?r a dg:FundingRound ; dg:amount ?amount ; dg:currency ?cur }"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?a dg:paid ?b . ?a rdfs:label ?n } WHERE { ?a dg:investedIn|dg:buysFrom ?b ; rdfs:label ?n }"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _q(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(_n(s), _n(p), o, None)


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture
def store() -> Store:
    """Two article graphs; the money flows in both directions, one in each article (union default graph)."""
    s = Store.open(None)
    nvidia, openai, rnd = ID + "nvidia", ID + "openai", "https://w3id.org/dealgraph/fact/r1"
    s.put_article(DOC + "a", [
        _q(nvidia, RDF_TYPE, _n(DG + "Organization")),
        _q(nvidia, RDFS_LABEL, ox.Literal("NVIDIA", language="en")),
        _q(nvidia, SKOS_ALT, ox.Literal("英伟达", language="zh-Hans")),
        _q(nvidia, DG + "investedIn", _n(openai)),
        _q(rnd, RDF_TYPE, _n(DG + "FundingRound")),
        _q(rnd, DG + "company", _n(openai)),
        _q(rnd, DG + "investor", _n(nvidia)),
        _q(rnd, DG + "amount", ox.Literal("100000000000", datatype=_n(XSD_DECIMAL))),
        _q(rnd, DG + "currency", ox.Literal("USD")),
    ])
    s.put_article(DOC + "b", [
        _q(openai, RDF_TYPE, _n(DG + "Organization")),
        _q(openai, RDFS_LABEL, ox.Literal("OpenAI", language="en")),
        _q(openai, SKOS_ALT, ox.Literal('Open "AI", Inc.\tTab', language="en")),
        _q(openai, DG + "buysFrom", _n(nvidia)),
    ])
    return s


@pytest.fixture
def serve() -> Iterator[Callable[..., SparqlServer]]:
    """Starts servers on free loopback ports, each in its own thread; stops them after the test."""
    running: list[tuple[SparqlServer, threading.Thread]] = []

    def start(store: Store, **kwargs: Any) -> SparqlServer:
        server = make_server(store, port=0, **kwargs)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        running.append((server, thread))
        return server

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def endpoint(store: Store, serve: Callable[..., SparqlServer]) -> str:
    return serve(store).url


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener on loopback that records every connection made to it: (base URL, first bytes of each)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.05)
    hits: list[bytes] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    hits.append(b"(connected)")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", hits
    stop.set()
    thread.join(2)
    sock.close()


# ---------------------------------------------------------------------------------------------- helpers
def http(url: str, *, method: str = "GET", params: dict[str, str] | None = None, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def post_form(url: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    return http(url, method="POST", body=urllib.parse.urlencode(fields).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


def expected_rows(store: Store, query: str) -> list[dict[str, str]]:
    """What ``Store.query`` answers, as {variable: value} rows."""
    result = store.query(query)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def wrapper(url: str, query: str, fmt: str, how: str) -> SPARQLWrapper:
    sw = SPARQLWrapper(url)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if how == "GET":
        sw.setMethod(GET)
    else:
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED if how == "POST-form" else POSTDIRECTLY)
    return sw


def rows_from_xml(doc: Any) -> list[dict[str, str]]:
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            term = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            row[binding.getAttribute("name")] = "".join(t.data for t in term.childNodes if t.nodeType == t.TEXT_NODE)
        rows.append(row)
    return rows


HOW = ["GET", "POST-form", "POST-direct"]


# ---------------------------------------------------------------------------------------------- SELECT / ASK
@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("query", [FLOWS, LABELS, ROUND], ids=["flows", "labels", "round"])
def test_select_json(endpoint: str, store: Store, how: str, query: str) -> None:
    data = wrapper(endpoint, query, JSON, how).query().convert()
    rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    assert rows == expected_rows(store, query)
    assert rows


def test_union_of_article_graphs(endpoint: str, store: Store) -> None:
    data = wrapper(endpoint, FLOWS, JSON, "GET").query().convert()
    assert [(b["payer"]["value"], b["how"]["value"]) for b in data["results"]["bindings"]] == [
        (ID + "nvidia", DG + "investedIn"), (ID + "openai", DG + "buysFrom")]


@pytest.mark.parametrize("how", HOW)
def test_select_xml(endpoint: str, store: Store, how: str) -> None:
    doc = wrapper(endpoint, LABELS, XML, how).query().convert()
    assert rows_from_xml(doc) == expected_rows(store, LABELS)


@pytest.mark.parametrize("how", HOW)
def test_select_csv(endpoint: str, store: Store, how: str) -> None:
    body = wrapper(endpoint, LABELS, CSV, how).query().convert()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows == expected_rows(store, LABELS)


@pytest.mark.parametrize("how", HOW)
def test_select_tsv(endpoint: str, store: Store, how: str) -> None:
    body = wrapper(endpoint, LABELS, TSV, how).query().convert()
    assert body == store.query(LABELS).serialize(format=ox.QueryResultsFormat.TSV)
    assert len(body.decode().splitlines()) == 1 + len(expected_rows(store, LABELS))


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint: str, fmt: str) -> None:
    yes = wrapper(endpoint, PREFIXES + "ASK { ?a dg:investedIn ?b }", fmt, "GET").query().convert()
    no = wrapper(endpoint, PREFIXES + "ASK { ?a dg:acquired ?b }", fmt, "POST-direct").query().convert()
    if fmt == JSON:
        assert (yes["boolean"], no["boolean"]) == (True, False)
    else:
        assert [d.getElementsByTagName("boolean")[0].firstChild.data for d in (yes, no)] == ["true", "false"]


# ---------------------------------------------------------------------------------------------- CONSTRUCT / DESCRIBE
def triples(body: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(body, format=fmt)}


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(("fmt", "ox_fmt", "ctype"), [
    (TURTLE, ox.RdfFormat.TURTLE, "text/turtle"),
    (JSONLD, ox.RdfFormat.JSON_LD, "application/ld+json"),
])
def test_construct(endpoint: str, store: Store, how: str, fmt: str, ox_fmt: ox.RdfFormat, ctype: str) -> None:
    res = wrapper(endpoint, CONSTRUCT, fmt, how).query()
    assert res.response.info()["Content-Type"].startswith(ctype)
    got = triples(res.response.read(), ox_fmt)
    assert got == set(store.query(CONSTRUCT))
    assert len(got) == 4


@pytest.mark.parametrize(("accept", "ox_fmt", "ctype"), [
    ("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
    ("*/*", ox.RdfFormat.TURTLE, "text/turtle"),
])
def test_describe(endpoint: str, store: Store, accept: str, ox_fmt: ox.RdfFormat, ctype: str) -> None:
    query = f"DESCRIBE <{ID}openai>"
    status, headers, body = http(endpoint, params={"query": query}, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    assert triples(body, ox_fmt) == set(store.query(query))


def test_decimal_amount_keeps_its_datatype(endpoint: str) -> None:
    data = wrapper(endpoint, ROUND, JSON, "GET").query().convert()
    (b,) = data["results"]["bindings"]
    assert b["amount"] == {"type": "literal", "datatype": XSD_DECIMAL, "value": "100000000000"}


# ---------------------------------------------------------------------------------------------- negotiation
@pytest.mark.parametrize(("accept", "names", "formats", "expected"), [
    (None, [], RESULT_FORMATS, "application/sparql-results+json"),
    ("*/*", [], RESULT_FORMATS, "application/sparql-results+json"),
    ("*/*", ["csv"], RESULT_FORMATS, "text/csv"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", ["tsv"], RESULT_FORMATS, "text/tab-separated-values"),
    ("text/tab-separated-values", ["csv"], RESULT_FORMATS, "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml", [], RESULT_FORMATS, "application/sparql-results+xml"),
    ("text/csv;q=0, */*", [], RESULT_FORMATS, "application/sparql-results+json"),
    ("application/json", [], RESULT_FORMATS, "application/sparql-results+json"),
    ("application/xml", [], RESULT_FORMATS, "application/sparql-results+xml"),
    ("image/png", ["nonsense"], RESULT_FORMATS, "application/sparql-results+json"),
    (None, [], GRAPH_FORMATS, "text/turtle"),
    ("application/turtle,text/turtle", [], GRAPH_FORMATS, "text/turtle"),
    ("application/ld+json,application/x-json+ld", [], GRAPH_FORMATS, "application/ld+json"),
    ("application/xml", [], GRAPH_FORMATS, "application/rdf+xml"),
    (None, ["json"], GRAPH_FORMATS, "application/ld+json"),
    (None, ["nt"], GRAPH_FORMATS, "application/n-triples"),
])
def test_negotiate(accept: str | None, names: list[str], formats: tuple, expected: str) -> None:
    assert negotiate(accept, names, formats).content_type.split(";")[0] == expected


def test_format_parameter_is_the_fallback(endpoint: str) -> None:
    status, headers, body = http(endpoint, params={"query": LABELS, "format": "csv"}, headers={"Accept": "*/*"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.startswith(b"e,name\r\n")
    status, headers, _ = http(endpoint, params={"query": LABELS, "format": "csv"},
                              headers={"Accept": "application/sparql-results+xml"})
    assert headers["Content-Type"].startswith("application/sparql-results+xml")


def test_results_are_served_to_any_origin(endpoint: str) -> None:
    status, headers, _ = http(endpoint, params={"query": FLOWS})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(endpoint, method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


# ---------------------------------------------------------------------------------------------- refusals
def test_service_never_reaches_the_listener(store: Store, serve: Callable[..., SparqlServer],
                                            listener: tuple[str, list[bytes]]) -> None:
    base, hits = listener
    url = serve(store, allow_update=True).url
    ep = f"<{base}/sparql>"
    queries = [
        f"SELECT * WHERE {{ SERVICE {ep} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ sErViCe SILENT {ep} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {{ SELECT * WHERE {{ SERVICE {ep} {{ ?s ?q ?r }} }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE {ep} {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT WHERE {{ SERVICE {ep} {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ {{ ?s ?p "a\\u0022 , " }} UNION {{ SERVICE {ep} {{ ?a ?b ?c }} }} #" }}\n}}',
        f"SELECT * WHERE {{ ?s ?p ?o # comment\r SERVICE {ep} {{ ?a ?b ?c }} }}",
        f"SELECT * FROM <{base}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{base}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]
    for q in queries:
        for status, _, body in (http(url, params={"query": q}), post_form(url, {"query": q}),
                                http(url, method="POST", body=q.encode(),
                                     headers={"Content-Type": "application/sparql-query"})):
            assert status == 400, (q, body)
            assert b"refused" in body
    for update in (f"LOAD <{base}/data.ttl>", f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE {ep} {{ ?s ?p ?o }} }}"):
        status, _, body = post_form(url, {"update": update})
        assert status == 400 and b"refused" in body
    time.sleep(0.3)
    assert hits == []
    # the listener works: the same SERVICE query run on the raw Oxigraph store does call it
    with pytest.raises(Exception):  # noqa: B017 - whatever Oxigraph makes of the listener's silence
        list(store.oxigraph.query(f"SELECT * WHERE {{ SERVICE {ep} {{ ?s ?p ?o }} }}"))
    deadline = time.monotonic() + 2
    while not hits and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(hits) == 1 and b"sparql" in hits[0]


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT * WHERE { ?s ?p }", b"line 1, column"),
    ("SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }", b"FROM <http://example.org/x> is refused"),
    ("SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }", b"SERVICE <http://example.org/s> is refused"),
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?x", b"SPARQL"),  # rdflib accepts it, Oxigraph does not
])
def test_bad_queries_are_400_plain_text(endpoint: str, query: str, message: bytes) -> None:
    status, headers, body = http(endpoint, params={"query": query})
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert message in body


def test_updates_refused_by_default(endpoint: str, store: Store) -> None:
    insert = f"INSERT DATA {{ GRAPH <{DOC}x> {{ <{ID}x> <{DG}investedIn> <{ID}y> }} }}"
    for status, _, body in (post_form(endpoint, {"update": insert}),
                            http(endpoint, method="POST", body=insert.encode(),
                                 headers={"Content-Type": "application/sparql-update"}),
                            post_form(endpoint, {"query": insert}),
                            http(endpoint, params={"query": "DROP ALL"})):
        assert status == 403, body
        assert b"not allowed" in body
    status, _, _ = http(endpoint, params={"update": insert})
    assert status == 400
    assert store.graph_count() == 2


def test_updates_when_allowed(store: Store, serve: Callable[..., SparqlServer]) -> None:
    url = serve(store, allow_update=True).url
    insert = f"INSERT DATA {{ GRAPH <{DOC}x> {{ <{ID}x> <{DG}investedIn> <{ID}y> }} }}"
    assert post_form(url, {"update": insert}, headers={"Origin": "http://evil.example"})[0] == 403
    assert post_form(url, {"update": insert}, headers={"Host": "evil.example"})[0] == 403
    assert post_form(url, {"query": insert})[0] == 400          # an update sent as a query
    assert post_form(url, {"update": FLOWS})[0] == 400          # a query sent as an update
    assert store.graph_count() == 2
    status, _, body = post_form(url, {"update": insert})
    assert status == 204, body
    assert store.query(f"ASK {{ <{ID}x> <{DG}investedIn> <{ID}y> }}")
    status, _, body = http(url, method="POST", body=f"DROP GRAPH <{DOC}x>".encode(),
                           headers={"Content-Type": "application/sparql-update"})
    assert status == 204, body
    assert store.graph_count() == 2


@pytest.mark.parametrize(("method", "path", "params", "body", "ctype", "status"), [
    ("GET", "/nope", None, None, None, 404),
    ("POST", "/sparql", None, b"SELECT * WHERE { ?s ?p ?o }", "text/plain", 415),
    ("POST", "/sparql", None, b"query=ASK%7B%7D&update=CLEAR%20ALL", "application/x-www-form-urlencoded", 400),
    ("POST", "/sparql", None, b"query=ASK%7B%7D&query=ASK%7B%7D", "application/x-www-form-urlencoded", 400),
    ("POST", "/sparql", None, b"format=json", "application/x-www-form-urlencoded", 400),
    ("GET", "/sparql", {"query": "ASK {}", "default-graph-uri": "http://example.org/g"}, None, None, 400),
    ("GET", "/sparql", {"query": "ASK {}", "named-graph-uri": "http://example.org/g"}, None, None, 400),
    ("POST", "/sparql", None, b"\xff\xfe", "application/sparql-query", 400),
])
def test_protocol_errors(endpoint: str, method: str, path: str, params: dict | None, body: bytes | None,
                         ctype: str | None, status: int) -> None:
    url = endpoint.rsplit("/", 1)[0] + path
    got, headers, text = http(url, method=method, params=params, body=body,
                              headers={"Content-Type": ctype} if ctype else None)
    assert got == status, text
    assert headers["Content-Type"].startswith("text/plain")


# ---------------------------------------------------------------------------------------------- time and size limits
@pytest.fixture
def big_store() -> Store:
    s = Store.open(None)
    s.put_article(DOC + "big", [_q(f"{ID}e{i}", DG + "p", ox.Literal(str(i))) for i in range(3000)])
    return s


SLOW = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 9 million rows


@pytest.mark.parametrize("how", ["GET", "POST-form", "POST-direct"])
def test_slow_query_is_503_not_a_truncated_200(big_store: Store, serve: Callable[..., SparqlServer],
                                               how: str) -> None:
    url = serve(big_store, timeout=0.2).url
    started = time.monotonic()
    if how == "GET":
        status, headers, body = http(url, params={"query": SLOW})
    elif how == "POST-form":
        status, headers, body = post_form(url, {"query": SLOW})
    else:
        status, headers, body = http(url, method="POST", body=SLOW.encode(),
                                     headers={"Content-Type": "application/sparql-query"})
    assert status == 503
    assert headers["Content-Type"].startswith("text/plain")
    assert b"query timed out after 0.2 s" in body
    assert time.monotonic() - started < 3
    # the cancelled query stops, and the server answers the next one at once
    status, _, body = http(url, params={"query": "ASK { ?s ?p ?o }"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_slow_query_through_sparqlwrapper_raises(big_store: Store, serve: Callable[..., SparqlServer]) -> None:
    url = serve(big_store, timeout=0.2).url
    with pytest.raises(urllib.error.HTTPError) as e:
        wrapper(url, SLOW, CSV, "GET").query().convert()
    assert e.value.code == 503


def test_result_too_large_is_503(store: Store, serve: Callable[..., SparqlServer]) -> None:
    url = serve(store, max_result_bytes=100).url
    status, _, body = http(url, params={"query": LABELS})
    assert status == 503 and b"larger than 100 bytes" in body


def test_concurrent_queries(endpoint: str, store: Store) -> None:
    expected = store.query(LABELS).serialize(format=ox.QueryResultsFormat.JSON)
    answers: list[tuple[int, bytes]] = []

    def ask() -> None:
        status, _, body = http(endpoint, params={"query": LABELS})
        answers.append((status, body))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert answers == [(200, expected)] * 12


# ---------------------------------------------------------------------------------------------- binding, page, SD
def test_binds_loopback_by_default(store: Store, serve: Callable[..., SparqlServer]) -> None:
    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"
    server = serve(store)
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_service_description(endpoint: str) -> None:
    status, headers, body = http(endpoint, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    got = triples(body, ox.RdfFormat.TURTLE)
    endpoints = [t.object.value for t in got if t.predicate.value == sd + "endpoint"]
    assert endpoints == [endpoint]
    formats = {t.object.value.rsplit("/", 1)[1] for t in got if t.predicate.value == sd + "resultFormat"}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle"} <= formats
    languages = {t.object.value for t in got if t.predicate.value == sd + "supportedLanguage"}
    assert languages == {sd + "SPARQL11Query"}


@pytest.mark.parametrize(("path", "accept"), [("/", None), ("/sparql", "text/html,application/xhtml+xml,*/*;q=0.8")])
def test_query_page(endpoint: str, path: str, accept: str | None) -> None:
    status, headers, body = http(endpoint.rsplit("/", 1)[0] + path, headers={"Accept": accept} if accept else None)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "<textarea" in page and 'id="run"' in page
    assert "innerHTML" not in page and "outerHTML" not in page and "document.write" not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)=", page)  # nothing fetched from anywhere
    assert "textContent" in page and "createTextNode" in page
    script = re.search(r"<script>(.*)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = headers["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in csp and "default-src 'none'" in csp and "connect-src 'self'" in csp


def test_keep_alive_and_latency(endpoint: str) -> None:
    import http.client

    host, port = urllib.parse.urlsplit(endpoint).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    path = "/sparql?" + urllib.parse.urlencode({"query": LABELS})
    times = []
    for _ in range(10):
        started = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read()
        times.append(time.perf_counter() - started)
    conn.close()
    assert sorted(times)[5] < 0.2  # no 40 ms delayed-ACK stalls, no per-request start-up cost


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="needs headless Chromium")
def test_query_page_in_a_browser(store: Store, serve: Callable[..., SparqlServer]) -> None:
    """The page runs a /?query= link, builds the table from text nodes: a label holding markup stays text."""
    store.put_article(DOC + "c", [_q(ID + "evil", RDFS_LABEL, ox.Literal("<img src=x onerror=alert(1)>"))])
    base = serve(store).url.rsplit("/", 1)[0]
    url = base + "/?" + urllib.parse.urlencode({"query": LABELS})
    out = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                          "--dump-dom", url], capture_output=True, text=True, timeout=120)
    dom = out.stdout
    table = dom[dom.index('<div id="out">'):dom.index("<script>")]
    assert f"{len(expected_rows(store, LABELS))} rows in" in dom
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in table
    assert "<img" not in table
    assert "<td>英伟达<span" in table
