"""A dealgraph store on a SPARQL 1.1 server: ``--store http(s)://…`` instead of the embedded Oxigraph folder.

:class:`RemoteStore` offers the methods the rest of dealgraph calls on :class:`~dealgraph.graph.store.Store`, and
its ``query`` returns the same pyoxigraph result types (answers are fetched as SPARQL results JSON or N-Triples and
parsed with pyoxigraph), so the networkx view, exports, ``show``, ``circular`` and the CLI work unchanged.

Why it is written on ``urllib`` and not on rdflib's ``SPARQLUpdateStore``: that store asks real endpoints for
``default-graph-uri=urn:x-rdflib:default`` (0 rows), sends ``CREATE GRAPH`` again for a graph it already made
(HTTP 500), ignores its timeout (a stalled socket hangs forever), turns HTTP errors into tuples or vague
exceptions, knows only Basic auth, and binds values with a ``VALUES`` block appended after the whole query (wrong
as soon as the query groups or aggregates). Here:

* **Endpoints.** ``http://host:port`` is an Oxigraph-style server: queries to ``/query``, updates to ``/update``,
  the Graph Store Protocol at ``/store``; a URL ending in ``/sparql`` or ``/query`` is the query endpoint itself
  and the others sit beside it. ``DEALGRAPH_QUERY_URL``, ``DEALGRAPH_UPDATE_URL`` and ``DEALGRAPH_GSP_URL``
  override them (``DEALGRAPH_GSP_URL=none`` writes through SPARQL Update instead), e.g. Fuseki
  ``http://h:3030/ds/sparql`` with ``DEALGRAPH_GSP_URL=http://h:3030/ds/data``; Virtuoso
  ``DEALGRAPH_UPDATE_URL=http://h:8890/sparql-auth``, ``DEALGRAPH_GSP_URL=http://h:8890/sparql-graph-crud-auth``,
  ``DEALGRAPH_AUTH=digest``. ``DEALGRAPH_USER``/``DEALGRAPH_PASSWORD`` (or ``user:password@`` in the URL) log in;
  ``DEALGRAPH_TIMEOUT`` (seconds, default 30) bounds every call: connecting, each read, and the whole answer.
  Virtuoso also needs ``[SPARQL] MaxQueryCostEstimationTime = 0`` (its estimate refuses dealgraph's CSV export).
* **Writes.** One article is one named graph, written with one Graph Store Protocol ``PUT ?graph=<iri>``
  (idempotent, and atomic per article on real servers) and removed with ``DELETE``; ``CREATE GRAPH`` is never
  sent. Where the store keeps the union itself (below), or without GSP: one update request ``DROP SILENT GRAPH
  …; INSERT DATA { GRAPH … }`` in pieces of :data:`UPDATE_CHUNK` triples (Virtuoso refuses big ones).
* **The union of article graphs.** Article graphs are the named graphs holding a ``dg:Article`` (what dealgraph
  writes), so other data on a shared server is not counted, dumped or removed. Queries must see the set union of
  the article graphs as their default graph, as in the embedded store. An Oxigraph server (recognised by its
  ``Server`` header) keeps it in its default graph, updated in the same request as each article. Virtuoso has no
  default graph of its own (its default graph is every graph on the server, system graphs too, a triple repeated
  once per graph that holds it), so the union is kept in the named graph :data:`UNION_GRAPH`, passed as
  ``default-graph-uri``, with the article graphs as ``named-graph-uri`` when the query says ``GRAPH``
  (``DEALGRAPH_UNION=union-graph``); past :data:`MAX_DATASET_GRAPHS` of them, ``GRAPH ?g`` sees every graph on
  the server, the union graph too (Virtuoso takes no graph group in ``FROM NAMED``). Other
  servers get the article graphs listed as ``default-graph-uri`` and ``named-graph-uri`` (``graphs``: an RDF
  merge; some servers repeat triples) up to :data:`MAX_DATASET_GRAPHS`; beyond that, the server's own default
  graph is used, which must then be the union (Fuseki needs ``tdb2:unionDefaultGraph true``).
  ``DEALGRAPH_UNION=param|union-graph|graphs|server`` chooses explicitly; every writer must use the same.
* **Queries** are sent as form-encoded POSTs (Virtuoso 7 never answers a direct ``application/sparql-query``
  POST). **Bindings** become ``VALUES ?var { term }`` placed first inside the query's outermost ``WHERE`` group
  (``BIND(term AS ?var)`` on Virtuoso, which gets ``VALUES`` before a property path wrong), each term written by
  pyoxigraph (which escapes quotes, backslashes and newlines, and refuses an IRI with ``>`` or a space); the
  user's text is never pasted anywhere and never re-parsed by anything but the server.
* **Answers** are read in full and parsed in full before any row is handed out, so a body cut short (Oxigraph
  answers a timed-out query with HTTP 200 and a truncated body) is an error, not a silently shorter result. So
  is a partial answer Virtuoso sends with HTTP 200: rows cut at its ``ResultSetMaxRows`` (it says so for SELECT;
  for CONSTRUCT and GSP reads, an answer as long as that limit, asked once, counts as cut) or a query stopped at
  its time limit (it is given dealgraph's timeout, so it stops working when nobody waits any more). Virtuoso
  lower-cases language tags; they come back in RFC 5646 case (``zh-Hans``), as dealgraph wrote them.
* **Errors** are :class:`~dealgraph.errors.StoreError` (or ``QueryError`` when the server rejects the SPARQL) with
  one clear line: a refused connection says ``no SPARQL server at URL; start one or check --store``.
* **No other host** is contacted: proxies from the environment are not used and redirects are refused.

>>> inject_bindings("SELECT ?n WHERE { ?e <urn:name> ?n }", {"e": ox.NamedNode("urn:x")})
'SELECT ?n WHERE { VALUES ?e { <urn:x> } ?e <urn:name> ?n }'
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from dealgraph.errors import QueryError, StoreError
from dealgraph.graph.store import ArticleInfo
from dealgraph.ontology.namespace import DG

__all__ = ["RemoteStore", "RemoteConfig", "RemoteTriples", "inject_bindings", "query_form", "uses_graph", "is_remote",
           "MAX_DATASET_GRAPHS", "DEFAULT_TIMEOUT", "UNION_GRAPH", "UPDATE_CHUNK"]

log = logging.getLogger(__name__)

#: Seconds allowed for each HTTP call unless ``DEALGRAPH_TIMEOUT`` says otherwise.
DEFAULT_TIMEOUT = 30.0
#: Most article graphs passed as ``default-graph-uri``; beyond, the server's own default graph is used.
MAX_DATASET_GRAPHS = 256
#: The named graph kept as the set union of the article graphs where the server has no default graph of its own
#: to keep it in (``DEALGRAPH_UNION=union-graph``, Virtuoso's choice): queries get it as ``default-graph-uri``.
UNION_GRAPH = "https://w3id.org/dealgraph/union"
#: Triples per ``INSERT DATA`` operation; a request holds as many operations as needed. Virtuoso's parser runs
#: out of memory near 5,000 triples in one operation, and without ``sql:big-data-const`` refuses 1,500 ("generated
#: SQL text has exceeded 10000 lines").
UPDATE_CHUNK = 500

_DCT = "http://purl.org/dc/terms/"
_UNION_MODES = ("auto", "param", "union-graph", "graphs", "server")
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8"
_GRAPH_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.N_QUADS)
_RESULT_FORMATS = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV)
_NO_GRAPH = "urn:x-dealgraph:no-article-graphs"
_JSON_RESULTS = "application/sparql-results+json"
_SERVER_KIND: dict[str, str] = {}          # query URL -> the ``Server`` header it answered with (per process)
_ROW_LIMIT: dict[str, int | None] = {}     # query URL -> Virtuoso's ResultSetMaxRows, None if unknown or unlimited


def is_remote(location: object) -> bool:
    """Whether a ``--store`` value names a SPARQL server (``http(s)://``; ``Path`` squeezes ``//`` to ``/``)."""
    return location is not None and re.match(r"(?i)https?:/", str(location)) is not None


# ---------------------------------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class RemoteConfig:
    """Where and how to reach the server: endpoints, login, timeout and how to get the union default graph."""

    url: str
    query_url: str
    update_url: str
    gsp_url: str | None
    auth: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    union: str = "auto"

    @classmethod
    def from_url(cls, url: str | Path, env: Mapping[str, str] | None = None) -> RemoteConfig:
        """The configuration for ``--store url``, with the ``DEALGRAPH_*`` variables of ``env`` applied."""
        env = os.environ if env is None else env
        clean, user, password = _split_credentials(_fix_scheme(str(url)))
        query, update, gsp = _derive_endpoints(clean)
        gsp_env = env.get("DEALGRAPH_GSP_URL")
        return cls(url=clean, query_url=_check_url(env.get("DEALGRAPH_QUERY_URL") or query),
                   update_url=_check_url(env.get("DEALGRAPH_UPDATE_URL") or update),
                   gsp_url=_gsp_setting(gsp_env, gsp), auth=_auth_setting(env.get("DEALGRAPH_AUTH"), bool(user or env.get("DEALGRAPH_USER"))),
                   user=env.get("DEALGRAPH_USER") or user, password=env.get("DEALGRAPH_PASSWORD") or password,
                   timeout=_timeout_setting(env.get("DEALGRAPH_TIMEOUT")),
                   union=_union_setting(env.get("DEALGRAPH_UNION")))


def _fix_scheme(url: str) -> str:
    return re.sub(r"(?i)^(https?):/(?!/)", r"\1://", url.strip())


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{parts.port}" if parts.port else ""
    clean = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return clean, urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{url!r} is not an http(s) URL of a SPARQL server; check --store and DEALGRAPH_*_URL")
    return url


def _derive_endpoints(url: str) -> tuple[str, str, str]:
    parts = urllib.parse.urlsplit(_check_url(url))
    path = parts.path.rstrip("/")
    tail = path.rsplit("/", 1)[-1]
    base = path[: -len(tail) - 1] if tail in ("sparql", "query") else path
    at = lambda p: urllib.parse.urlunsplit(parts._replace(path=p, query="", fragment=""))  # noqa: E731
    return at(path if tail in ("sparql", "query") else f"{base}/query"), at(f"{base}/update"), at(f"{base}/store")


def _gsp_setting(value: str | None, derived: str) -> str | None:
    if value is None or value == "":
        return derived
    return None if value.lower() in ("none", "off", "-") else _check_url(value)


def _auth_setting(value: str | None, has_user: bool) -> str | None:
    v = (value or "").strip().lower()
    if v == "":
        return "basic" if has_user else None
    if v == "none":
        return None
    if v not in ("basic", "digest"):
        raise StoreError(f"DEALGRAPH_AUTH={value!r}: use basic, digest or none")
    return v


def _timeout_setting(value: str | None) -> float:
    if not value:
        return DEFAULT_TIMEOUT
    try:
        t = float(value)
    except ValueError:
        t = -1.0
    if not t > 0:
        raise StoreError(f"DEALGRAPH_TIMEOUT={value!r}: give a number of seconds above 0")
    return t


def _union_setting(value: str | None) -> str:
    v = (value or "auto").strip().lower()
    if v not in _UNION_MODES:
        raise StoreError(f"DEALGRAPH_UNION={value!r}: use one of {', '.join(_UNION_MODES)}")
    return v


# ---------------------------------------------------------------------------------------------------- HTTP
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuses every redirect: requests go to the configured server and nowhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        raise StoreError(f"{req.full_url} redirects (HTTP {code}) to {newurl}; "
                         "give the final address in --store or DEALGRAPH_*_URL")


@dataclass
class _Answer:
    status: int
    content_type: str
    server: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    def complete(self, url: str) -> _Answer:
        """This answer, unless the server says it holds only part of the result (Virtuoso answers HTTP 200 with
        the first ``ResultSetMaxRows`` rows, or with what it had when its time limit struck)."""
        limit = self.headers.get("x-sparql-maxrows")
        if limit:
            raise StoreError(f"{url}: the server cut the answer at {limit} rows (Virtuoso's [SPARQL] "
                             "ResultSetMaxRows); ask for less or raise that limit")
        if (self.headers.get("x-sql-state") or "").strip() == "S1TAT":
            raise StoreError(f"{url}: the server stopped the query at its time limit and sent partial results "
                             "(Virtuoso's [SPARQL] MaxQueryExecutionTime); ask for less or raise that limit")
        return self


class _Http:
    """urllib with a timeout on everything, no proxies, no redirects, optional Basic or Digest login."""

    def __init__(self, cfg: RemoteConfig) -> None:
        self.cfg = cfg
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({}), _NoRedirect()]
        self._basic: str | None = None
        if cfg.auth and not cfg.user:
            raise StoreError(f"DEALGRAPH_AUTH={cfg.auth} needs DEALGRAPH_USER and DEALGRAPH_PASSWORD")
        if cfg.auth == "digest":
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            urls = [u for u in (cfg.query_url, cfg.update_url, cfg.gsp_url) if u]
            mgr.add_password(None, urls, cfg.user or "", cfg.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(mgr))
        elif cfg.auth == "basic":
            token = base64.b64encode(f"{cfg.user}:{cfg.password or ''}".encode()).decode("ascii")
            self._basic = f"Basic {token}"
        self._opener = urllib.request.build_opener(*handlers)
        # Virtuoso echoes every default-graph-uri and named-graph-uri as a header line; http.client stops at 100.
        http.client._MAXHEADERS = max(getattr(http.client, "_MAXHEADERS", 100), 2 * MAX_DATASET_GRAPHS + 100)

    def call(self, method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None,
             what: str) -> _Answer:
        """One request; the whole answer read within the timeout; every failure a ``StoreError`` naming ``what``."""
        req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        if self._basic:
            req.add_header("Authorization", self._basic)
        deadline = time.monotonic() + self.cfg.timeout
        try:
            with self._opener.open(req, timeout=self.cfg.timeout) as resp:
                data = _read_until(resp, deadline, self.cfg.timeout, url)
                return _Answer(resp.status, resp.headers.get("Content-Type", ""), resp.headers.get("Server", ""),
                               data, {k.lower(): v for k, v in resp.headers.items() if k.lower().startswith("x-")})
        except urllib.error.HTTPError as e:
            raise _http_error(e, url, what) from None
        except urllib.error.URLError as e:
            raise _network_error(e.reason, url, self.cfg.timeout) from None
        except (OSError, http.client.HTTPException) as e:
            raise _network_error(e, url, self.cfg.timeout) from None

    def close(self) -> None:
        self._opener = None  # type: ignore[assignment]


def _read_until(resp: http.client.HTTPResponse, deadline: float, timeout: float, url: str) -> bytes:
    chunks = []
    while True:
        if time.monotonic() > deadline:
            raise StoreError(f"{url}: the answer took longer than {timeout:g} s; raise DEALGRAPH_TIMEOUT "
                             "or ask for less")
        chunk = resp.read(1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _network_error(reason: object, url: str, timeout: float) -> StoreError:
    if isinstance(reason, StoreError):
        return reason
    if isinstance(reason, ConnectionRefusedError):
        return StoreError(f"no SPARQL server at {url}; start one or check --store")
    if isinstance(reason, TimeoutError | socket.timeout):
        return StoreError(f"{url}: no answer within {timeout:g} s; check the server or raise DEALGRAPH_TIMEOUT")
    if isinstance(reason, socket.gaierror):
        return StoreError(f"{url}: unknown host; check --store")
    if isinstance(reason, ssl.SSLError):
        return StoreError(f"{url}: TLS failed ({reason}); check the server's certificate")
    return StoreError(f"{url}: connection failed ({reason}); check that the SPARQL server is up")


def _http_error(e: urllib.error.HTTPError, url: str, what: str) -> Exception:
    try:
        text = e.read(2000).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException):
        text = ""
    detail = f": {text.splitlines()[0][:300]}" if text else ""
    if e.code in (401, 403):
        return StoreError(f"{url}: {what} refused (HTTP {e.code}); set DEALGRAPH_USER, DEALGRAPH_PASSWORD "
                          "and DEALGRAPH_AUTH=basic|digest, or use an endpoint that allows it")
    if e.code == 404:
        return StoreError(f"{url}: no such endpoint (HTTP 404) for {what}; check --store or DEALGRAPH_*_URL")
    if e.code == 400 and what == "query":
        return QueryError(f"SPARQL rejected by the server{detail}")
    if "estimated execution time" in text:        # Virtuoso's MaxQueryCostEstimationTime, often far off
        return StoreError(f"{url}: {what} refused on the server's cost estimate{detail}; set [SPARQL] "
                          "MaxQueryCostEstimationTime = 0 (or higher) in virtuoso.ini")
    if "SR171" in text:                           # Virtuoso's MaxQueryExecutionTime (the request is rolled back)
        return StoreError(f"{url}: {what} ran out of time on the server{detail}; raise [SPARQL] "
                          "MaxQueryExecutionTime in virtuoso.ini or ask for less")
    return StoreError(f"{url}: {what} failed (HTTP {e.code}){detail}")


# ---------------------------------------------------------------------------------------------------- SPARQL text
_TOKENS = re.compile(r"""
    (?P<skip> \#[^\n\r]*                                   # comment
      | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*"      # strings
      | <[^<>"{}|^`\\\x00-\x20]*>                          # IRIs
      | [?$][^\s{}()<>,;.'"\#=!&|+*/\[\]]*                 # variables
    )
    | (?P<brace>[{}]) | (?P<paren>[()])
    | (?P<word>[^\s{}()<>,;'"\#=!&|+*/\[\]]+)
    | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass
class _Group:
    open: int          # index of "{"
    close: int         # index of the matching "}" (-1 if unclosed)
    after_where: int   # index where the WHERE keyword before it starts, or -1
    first_word: str    # the first keyword inside it (upper case), to spot a bare sub-SELECT


def _scan(sparql: str) -> tuple[str | None, list[_Group]]:
    """The query form and the top-level ``{…}`` groups, read with SPARQL's terminals (strings, IRIs, comments)."""
    form: str | None = None
    groups: list[_Group] = []
    depth = parens = 0
    where_at = -1
    for m in _TOKENS.finditer(sparql):
        kind, text = m.lastgroup, m.group()
        if (kind == "other" and text.isspace()) or (kind == "skip" and text.startswith("#")):
            continue
        top = depth == 0 and parens == 0
        if depth == 1 and groups and groups[-1].first_word == "":
            groups[-1].first_word = text.upper()
        if kind == "word" and top and form is None and text.upper() in _FORMS:
            form = text.upper()
        if kind == "brace" and text == "{":
            if top:
                groups.append(_Group(m.start(), -1, where_at, ""))
            depth += 1
        elif kind == "brace":
            depth -= 1
            if depth == 0 and groups and groups[-1].close == -1:
                groups[-1].close = m.start()
        elif kind == "paren" and depth == 0:
            parens += 1 if text == "(" else -1
        where_at = m.start() if kind == "word" and top and text.upper() == "WHERE" else -1
    return form, groups


def uses_graph(sparql: str) -> bool:
    """Whether the query says ``GRAPH`` anywhere (outside strings, IRIs and comments), so needs named graphs.

    >>> uses_graph("SELECT * { GRAPH ?g { ?s ?p 'GRAPH' } }"), uses_graph("SELECT * { ?graph <urn:GRAPH> ?o }")
    (True, False)
    """
    return any(m.lastgroup == "word" and m.group().upper() == "GRAPH" for m in _TOKENS.finditer(sparql))


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``SELECT`` when the text does not say)."""
    return _scan(sparql)[0] or "SELECT"


def _values_block(bindings: Mapping[str, Any], bind: bool = False) -> str:
    parts = []
    for name, term in bindings.items():
        try:
            var = ox.Variable(str(name).lstrip("?$"))
        except ValueError:
            raise QueryError(f"binding {name!r}: not a SPARQL variable name") from None
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(f"binding {name!r}: give an IRI (NamedNode) or a Literal, not {type(term).__name__}")
        parts.append(f"BIND({term} AS {var})" if bind else f"VALUES {var} {{ {term} }}")
    return " ".join(parts)


def inject_bindings(sparql: str, bindings: Mapping[str, Any] | None, *, bind: bool = False) -> str:
    """``sparql`` with each binding as ``VALUES ?var { term }`` (or, with ``bind``, ``BIND(term AS ?var)``: the
    same solutions, for Virtuoso) first inside the outermost WHERE group.

    >>> inject_bindings("SELECT ?c WHERE { ?e <urn:p>+ ?c }", {"e": ox.NamedNode("urn:x")}, bind=True)
    'SELECT ?c WHERE { BIND(<urn:x> AS ?e) ?e <urn:p>+ ?c }'
    """
    if not bindings:
        return sparql
    block = _values_block(bindings, bind)
    form, groups = _scan(sparql)
    where = _where_group(form, groups)
    if where is None or where.close < 0:
        raise QueryError("bindings need a query with a WHERE { … } clause")
    if form == "CONSTRUCT" and where is groups[0] and where.after_where >= 0:   # CONSTRUCT WHERE { T }
        inner = sparql[where.open + 1: where.close]
        return (f"{sparql[:where.after_where]}{{{inner}}} WHERE {{ {block}{inner}}}"
                f"{sparql[where.close + 1:]}")
    if where.first_word == "SELECT":                                           # { SELECT … } alone in the group
        return f"{sparql[:where.open + 1]} {block} {{{sparql[where.open + 1: where.close]}}} {sparql[where.close:]}"
    return f"{sparql[:where.open + 1]} {block}{sparql[where.open + 1:]}"


def _where_group(form: str | None, groups: list[_Group]) -> _Group | None:
    for g in groups:
        if g.after_where >= 0:
            return g
    if not groups:
        return None
    if form == "CONSTRUCT":
        return groups[1] if len(groups) > 1 else None
    return groups[0]


# ---------------------------------------------------------------------------------------------------- results
class RemoteTriples:
    """A CONSTRUCT or DESCRIBE answer: the ``pyoxigraph.Triple`` objects, iterable and serialisable like
    ``pyoxigraph.QueryTriples``."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self._triples = list(triples)

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(self, output: IO[bytes] | str | Path | None = None,
                  format: ox.RdfFormat | None = None) -> bytes | None:  # noqa: A002 (pyoxigraph's name)
        """Write the triples (N-Triples unless ``format`` says otherwise), as ``QueryTriples.serialize`` does."""
        return ox.serialize(self._triples, output, format or ox.RdfFormat.N_TRIPLES)


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _parse_graph(ans: _Answer, url: str) -> list[ox.Triple]:
    fmt = ox.RdfFormat.from_media_type(_media(ans.content_type)) if ans.content_type else ox.RdfFormat.N_TRIPLES
    if fmt not in _GRAPH_FORMATS:
        raise StoreError(f"{url}: answered with {ans.content_type or 'no content type'}, not N-Triples or Turtle")
    try:
        return [q.triple for q in ox.parse(ans.body, fmt)]
    except (SyntaxError, ValueError) as e:
        raise StoreError(f"{url}: the answer is not valid {fmt.name} (cut short by a server timeout?): {e}") from None


def _parse_results(ans: _Answer, url: str) -> ox.QuerySolutions | ox.QueryBoolean:
    ctype = _media(ans.content_type)
    fmt = ox.QueryResultsFormat.from_media_type(ctype) if ctype else None
    if fmt not in _RESULT_FORMATS:
        raise StoreError(f"{url}: answered with {ans.content_type or 'no content type'}, not SPARQL results")
    try:                                   # parse the whole body once, so a truncated answer fails here
        first = ox.parse_query_results(ans.body, fmt)
        if isinstance(first, ox.QuerySolutions):
            for _ in first:
                pass
        return ox.parse_query_results(ans.body, fmt)
    except (SyntaxError, ValueError) as e:
        raise StoreError(f"{url}: the answer is not valid SPARQL results (cut short by a server timeout?): "
                         f"{e}") from None


# ---------------------------------------------------------------------------------------------------- the store
_P = f"PREFIX dg: <{DG._NS}> PREFIX dct: <{_DCT}> "
_NOT_UNION = f"FILTER(?g != <{UNION_GRAPH}>)"
_ARTICLES = _P + """SELECT ?g ?src ?date ?title ?ex WHERE { GRAPH ?g { ?a a dg:Article .
  OPTIONAL { ?a dct:source ?src } OPTIONAL { ?a dct:date ?date } OPTIONAL { ?a dct:title ?title }
  OPTIONAL { ?a dg:extractor ?ex } } """ + _NOT_UNION + " } ORDER BY ?date ?g"
_GRAPHS = _P + f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a a dg:Article }} {_NOT_UNION} }} ORDER BY ?g"
_GRAPH_COUNT = _P + f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?a a dg:Article }} {_NOT_UNION} }}"
_TRIPLE_COUNT = _P + ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a dg:Article } "
                      f"{_NOT_UNION} }} }} GRAPH ?g {{ ?s ?p ?o }} }}")
_MAX_ROWS = "SELECT (bif:virtuoso_ini_item_value('SPARQL', 'ResultSetMaxRows') AS ?m) WHERE {}"


class RemoteStore:
    """A dealgraph store on a SPARQL 1.1 server (query + update + Graph Store Protocol); see the module notes."""

    path: Path | None = None

    def __init__(self, cfg: RemoteConfig, *, read_only: bool = False) -> None:
        self.cfg = cfg
        self.url = cfg.url
        self.read_only = read_only
        self._http: _Http | None = _Http(cfg)
        self._graphs: list[str] | None = None
        self._warned = False

    # ------------------------------------------------------------------ opening
    @classmethod
    def from_url(cls, url: str | Path, *, read_only: bool = False,
                 env: Mapping[str, str] | None = None) -> RemoteStore:
        """Connect to the server at ``url`` (checked with one small query; a refused connection fails here)."""
        store = cls(RemoteConfig.from_url(url, env), read_only=read_only)
        store._server_kind()
        return store

    def close(self) -> None:
        """Forget the connection settings; nothing is held open between calls."""
        if self._http is not None:
            self._http.close()
        self._http = None

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        """Not available: the data lives on the server."""
        raise StoreError(f"{self.url} is a remote SPARQL server; it has no embedded Oxigraph store")

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, read_only={self.read_only})"

    # ------------------------------------------------------------------ articles
    def has_article(self, graph: str) -> bool:
        """Whether the article graph ``graph`` holds anything on the server."""
        return bool(self._run(f"ASK {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}", union=False))

    def article_extractor(self, graph: str) -> str | None:
        """The extractor version that wrote ``graph``, or None when it is not stored."""
        g = _iri(graph)
        rows = self._select(f"SELECT ?ex WHERE {{ GRAPH {g} {{ {g} <{DG.extractor}> ?ex }} }} LIMIT 1")
        return rows[0]["ex"].value if rows and rows[0]["ex"] is not None else None

    def put_article(self, graph: str, quads: Iterable[ox.Quad] | bytes) -> None:
        """Write one article graph, replacing any earlier version: one GSP ``PUT`` or one update request.
        ``quads`` may be the graph as N-Quads bytes, as for the embedded store."""
        self._writable()
        g = _iri(graph)
        if isinstance(quads, bytes):
            quads = ox.parse(quads, format=ox.RdfFormat.N_QUADS)
        triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
        merged = self._merged()
        if merged is None and self.cfg.gsp_url:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            self._call("PUT", self._gsp(graph), body=body, headers={"Content-Type": "text/turtle; charset=utf-8"},
                       what=f"writing {graph}")
        else:
            lines = _lines(triples)
            if len(lines) > UPDATE_CHUNK and any(isinstance(t, ox.BlankNode) for tr in triples
                                                 for t in (tr.subject, tr.object)):
                raise StoreError(f"{graph}: more than {UPDATE_CHUNK} triples with blank nodes cannot be written "
                                 "through SPARQL Update in pieces; give the blank nodes IRIs")
            ops = [] if merged is None else [self._drop_orphans(g, merged)]
            ops += [f"DROP SILENT GRAPH {g}", *_data_ops("INSERT", lines, g)]
            if merged is not None:   # the union stays a set, as in the embedded store, in the same request
                ops.append(f"INSERT {{ {_in(merged)} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
            self._update(*ops, what=f"writing {graph}")
        self._graphs = None

    def remove_article(self, graph: str) -> int:
        """Drop an article graph; returns how many triples went (0 if it was not stored)."""
        self._writable()
        g = _iri(graph)
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
        n = int(rows[0]["n"].value) if rows else 0
        if n == 0:
            return 0
        merged = self._merged()
        if merged is not None:
            self._update(self._drop_orphans(g, merged), f"DROP SILENT GRAPH {g}", what=f"removing {graph}")
        elif self.cfg.gsp_url:
            self._call("DELETE", self._gsp(graph), what=f"removing {graph}")
        else:
            self._update(f"DROP SILENT GRAPH {g}", what=f"removing {graph}")
        self._graphs = None
        return n

    def _merged(self) -> str | None:
        """Where this store keeps the set union of the article graphs: ``""`` for the server's default graph (an
        Oxigraph server, whose ``union-default-graph`` would repeat a triple once per article that states it),
        ``<UNION_GRAPH>`` (Virtuoso, whose default graph is every graph on the server, system graphs included,
        with repeats); None when queries name the article graphs instead."""
        mode = self._union_mode()
        if mode == "param":
            return ""
        return _iri(UNION_GRAPH) if mode == "union-graph" else None

    @staticmethod
    def _drop_orphans(g: str, merged: str) -> str:
        """The update removing from the union the triples of ``g`` that no other article graph states (run on the
        server: nothing is fetched, so no row limit can cut it)."""
        return (f"DELETE {{ {_in(merged)} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER NOT EXISTS "
                f"{{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g} && ?h != <{UNION_GRAPH}>) }} }}")

    def articles(self) -> list[ArticleInfo]:
        """Every stored article, oldest publication first."""
        return [ArticleInfo(r["g"].value, _v(r["src"]), _v(r["date"]), _v(r["title"]), _v(r["ex"]))
                for r in self._select(_ARTICLES)]

    def find_articles(self, ref: str) -> list[str]:
        """Graph IRIs of stored articles named by ``ref``: a graph IRI, a content hash, a source URL or file."""
        refs = {ref}
        p = Path(ref)
        if p.exists():
            refs.add(p.resolve().as_uri())
        return [a.graph for a in self.articles()
                if a.graph in refs or a.graph.rsplit("/", 1)[-1] in refs or a.source in refs]

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
              ) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        """Run SPARQL over the union of all article graphs; ``bindings`` go in as ``VALUES`` (never as text), or
        as ``BIND`` on Virtuoso, which fails on ``VALUES`` before a property path (an error, or the binding
        ignored: every chain of control for every entity)."""
        return self._run(inject_bindings(sparql, bindings, bind=self._virtuoso()), union=self._merged() != "")

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every article graph, one graph fetched at a time."""
        for g in self._article_graphs(fresh=True):
            node = ox.NamedNode(g)
            for t in self._graph_triples(g):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def triple_count(self) -> int:
        """Number of quads in the article graphs."""
        rows = self._select(_TRIPLE_COUNT)
        return int(rows[0]["n"].value) if rows else 0

    def graph_count(self) -> int:
        """Number of article graphs."""
        rows = self._select(_GRAPH_COUNT)
        return int(rows[0]["n"].value) if rows else 0

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat) -> None:
        """Serialise every article graph (``fmt`` must hold datasets: N-Quads, TriG)."""
        if not fmt.supports_datasets:
            raise StoreError(f"{fmt.name} cannot hold named graphs; dump as N-Quads or TriG")
        ox.serialize(self.quads(), output, fmt)

    # ------------------------------------------------------------------ plumbing
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("store opened read-only")

    def _call(self, method: str, url: str, *, body: bytes | None = None,
              headers: Mapping[str, str] | None = None, what: str) -> _Answer:
        if self._http is None:
            raise StoreError(f"{self.url}: the store is closed")
        return self._http.call(method, url, body=body, headers=headers, what=what).complete(url)

    def _gsp(self, graph: str) -> str:
        sep = "&" if "?" in (self.cfg.gsp_url or "") else "?"
        return f"{self.cfg.gsp_url}{sep}{urllib.parse.urlencode({'graph': graph})}"

    def _update(self, *ops: str, what: str) -> None:
        """One update request of the operations ``ops`` (a server runs one request as one transaction). Virtuoso
        is told to take ``INSERT DATA`` constants as data: it otherwise compiles each triple into SQL, taking
        seconds for a few hundred triples and refusing a thousand."""
        text = " ;\n".join(ops)
        if self._virtuoso():
            text = "DEFINE sql:big-data-const 1\n" + text
        self._call("POST", self.cfg.update_url, body=text.encode("utf-8"),
                   headers={"Content-Type": "application/sparql-update; charset=utf-8"}, what=what)

    def _server_kind(self) -> str:
        """The query endpoint's ``Server`` header (asked once per process with ``ASK {}``)."""
        kind = _SERVER_KIND.get(self.cfg.query_url)
        if kind is None:
            ans = self._post_query("ASK {}", {}, accept=_RESULTS_ACCEPT)
            _parse_results(ans, self.cfg.query_url)
            kind = _SERVER_KIND[self.cfg.query_url] = ans.server
        return kind

    def _virtuoso(self) -> bool:
        """Whether the query endpoint answered as OpenLink Virtuoso (its ``Server`` header)."""
        return self._server_kind().lower().startswith("virtuoso")

    def _union_mode(self) -> str:
        """How queries see the union of the article graphs (``DEALGRAPH_UNION``, else from the server's name)."""
        if self.cfg.union != "auto":
            return self.cfg.union
        kind = self._server_kind().lower()
        if kind.startswith("oxigraph"):
            return "param"
        return "union-graph" if kind.startswith("virtuoso") else "graphs"

    def _dataset(self, union: bool, sparql: str = "") -> dict[str, list[str]]:
        """The protocol's dataset parameters that make ``sparql`` see the union as its default graph and the
        article graphs as its named graphs (these only when it says ``GRAPH``: Virtuoso answers each one with a
        header line and takes ever longer, 0.4 s for 1,000)."""
        mode = self._union_mode() if union else "server"
        if mode == "param":
            return {"union-default-graph": []}
        if mode == "union-graph" and not uses_graph(sparql):
            return {"default-graph-uri": [UNION_GRAPH]}
        if mode in ("graphs", "union-graph"):
            graphs = self._article_graphs() or [_NO_GRAPH]       # no articles: an empty dataset, not the server's
            default = [UNION_GRAPH] if mode == "union-graph" else graphs
            if len(graphs) <= MAX_DATASET_GRAPHS:
                return {"default-graph-uri": default, "named-graph-uri": graphs}
            if not self._warned:
                self._warned = True
                log.warning("%s: %d article graphs, more than %d: %s (see DEALGRAPH_UNION)", self.url, len(graphs),
                            MAX_DATASET_GRAPHS, "GRAPH ?g sees every graph on the server" if mode == "union-graph"
                            else "querying the server's default graph, which must be the union of all graphs")
            if mode == "union-graph":
                return {"default-graph-uri": default}
        return {}

    def _post_query(self, sparql: str, dataset: dict[str, list[str]], *, accept: str) -> _Answer:
        """One query as a form-encoded POST: the one form every SPARQL 1.1 server takes (Virtuoso 7 never
        answers a direct ``application/sparql-query`` POST). Virtuoso is given the timeout too, so it stops
        working on a query nobody waits for any more (and flags the partial answer: ``_Answer.complete``)."""
        url = self.cfg.query_url
        if "union-default-graph" in dataset:
            url += ("&" if "?" in url else "?") + "union-default-graph"
            dataset = {}
        pairs = [("query", sparql)] + [(k, g) for k, gs in dataset.items() for g in gs]
        if _SERVER_KIND.get(self.cfg.query_url, "").lower().startswith("virtuoso"):
            pairs.append(("timeout", str(int(self.cfg.timeout * 1000))))  # it stops there, sends partial rows
        return self._call("POST", url, body=urllib.parse.urlencode(pairs).encode("ascii"), what="query",
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def _run(self, sparql: str, *, union: bool) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        graph_form = query_form(sparql) in _GRAPH_FORMS
        ans = self._post_query(sparql, self._dataset(union, sparql),
                               accept=_GRAPH_ACCEPT if graph_form else _RESULTS_ACCEPT)
        if graph_form:
            return RemoteTriples(self._all_rows(self._graph(ans, self.cfg.query_url), self.cfg.query_url))
        if self._virtuoso() and b'"xml:lang"' in ans.body and _media(ans.content_type) == _JSON_RESULTS:
            ans.body = _results_language_case(ans.body)
        return _parse_results(ans, self.cfg.query_url)

    def _graph(self, ans: _Answer, url: str) -> list[ox.Triple]:
        """The triples of a graph answer, language tags in their usual case when Virtuoso lower-cased them."""
        triples = _parse_graph(ans, url)
        return [_triple_language_case(t) for t in triples] if self._virtuoso() else triples

    def _all_rows(self, triples: list[ox.Triple], url: str) -> list[ox.Triple]:
        """``triples``, unless there are as many as the server's row limit: Virtuoso cuts a CONSTRUCT or Graph
        Store answer at ``ResultSetMaxRows`` without saying so (it says so for SELECT: see ``_Answer.complete``)."""
        limit = self._row_limit()
        if limit is not None and len(triples) >= limit:
            raise StoreError(f"{url}: {len(triples)} triples, as many as the server's ResultSetMaxRows, so the answer "
                             "is probably cut; raise [SPARQL] ResultSetMaxRows in virtuoso.ini or ask for less")
        return triples

    def _row_limit(self) -> int | None:
        """Virtuoso's ``ResultSetMaxRows`` (asked once per process); None for other servers or when not told."""
        url = self.cfg.query_url
        if url not in _ROW_LIMIT:
            limit = None
            if self._virtuoso():
                try:
                    rows = self._select(_MAX_ROWS)
                    limit = int(rows[0]["m"].value) if rows and rows[0]["m"] is not None else None
                except (StoreError, QueryError, ValueError) as e:
                    log.debug("%s: ResultSetMaxRows unknown: %s", url, e)
                limit = limit if limit and limit > 0 else None
            _ROW_LIMIT[url] = limit
        return _ROW_LIMIT[url]

    def _select(self, sparql: str) -> list[Any]:
        res = self._run(sparql, union=False)
        return list(res) if isinstance(res, ox.QuerySolutions) else []

    def _article_graphs(self, fresh: bool = False) -> list[str]:
        if self._graphs is None or fresh:
            self._graphs = [r["g"].value for r in self._select(_GRAPHS)]
        return self._graphs

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        if self.cfg.gsp_url:
            ans = self._call("GET", self._gsp(graph), headers={"Accept": _GRAPH_ACCEPT}, what=f"reading {graph}")
            return self._all_rows(self._graph(ans, self.cfg.gsp_url), self.cfg.gsp_url)
        g = _iri(graph)
        return list(self._run(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}", union=False))


def _iri(value: str) -> str:
    """``<value>`` written by pyoxigraph, which refuses anything that is not an IRI."""
    try:
        return str(ox.NamedNode(value))
    except ValueError as e:
        raise StoreError(f"{value!r} is not an IRI: {e}") from None


def _v(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


def _lines(triples: Iterable[ox.Triple]) -> list[str]:
    """One N-Triples line per triple (newlines inside literals are escaped by the serialiser)."""
    text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return [line for line in text.split("\n") if line.strip()]


def _data_ops(verb: str, lines: list[str], graph: str) -> list[str]:
    """``INSERT DATA``/``DELETE DATA`` operations putting ``lines`` in ``graph`` (``<iri>``, or ``""`` for the default
    graph), at most :data:`UPDATE_CHUNK` triples each."""
    return [f"{verb} DATA {{ {_in(graph, chr(10).join(lines[i:i + UPDATE_CHUNK]))} }}"
            for i in range(0, len(lines), UPDATE_CHUNK)]


def _in(graph: str, pattern: str = "?s ?p ?o") -> str:
    """``pattern`` inside ``GRAPH graph { … }``, or bare for the default graph (``graph == ""``)."""
    return f"GRAPH {graph} {{\n{pattern}\n}}" if graph else pattern


def language_case(tag: str) -> str:
    """A language tag in the case RFC 5646 recommends (``zh-hant-tw`` → ``zh-Hant-TW``), the case dealgraph writes;
    Virtuoso lower-cases every tag (allowed: tags are case-insensitive), and this gives them back as written.

    >>> language_case("zh-hans"), language_case("EN-us"), language_case("de-ch-x-phonebk")
    ('zh-Hans', 'en-US', 'de-CH-x-phonebk')
    """
    first, *rest = tag.split("-")
    out = [first.lower()]
    singleton = len(first) == 1                  # after x-, u-, …: extensions and private use, lower case
    for part in rest:
        singleton = singleton or len(part) == 1
        if not singleton and len(part) == 4 and part.isalpha():
            part = part.title()
        elif not singleton and len(part) == 2 and part.isalpha():
            part = part.upper()
        else:
            part = part.lower()
        out.append(part)
    return "-".join(out)


def _triple_language_case(t: ox.Triple) -> ox.Triple:
    o = t.object
    if isinstance(o, ox.Literal) and o.language and o.language != (tag := language_case(o.language)):
        return ox.Triple(t.subject, t.predicate, ox.Literal(o.value, language=tag))
    return t


def _results_language_case(body: bytes) -> bytes:
    """A SPARQL results JSON document with each ``xml:lang`` in its usual case (see :func:`language_case`)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body                              # left for the parser to report
    for row in (data.get("results") or {}).get("bindings") or []:
        for term in row.values():
            if isinstance(term, dict) and isinstance(term.get("xml:lang"), str):
                term["xml:lang"] = language_case(term["xml:lang"])
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
