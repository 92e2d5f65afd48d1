"""``dealgraph serve``: a W3C SPARQL 1.1 Protocol endpoint at ``/sparql`` over the store, and a query page at ``/``.

Standard library HTTP (``ThreadingHTTPServer``) and pyoxigraph; no web framework. What it promises:

* GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=``) and POST ``application/sparql-query``;
  updates (POST ``update=`` or ``application/sparql-update``) only when the server was made with ``allow_update``,
  otherwise 403.
* Content negotiation on ``Accept`` (``format=`` / ``output=`` as the fallback): SELECT and ASK as SPARQL JSON
  (default), XML, CSV or TSV; CONSTRUCT and DESCRIBE as Turtle (default), N-Triples, JSON-LD or RDF/XML.
* Every query passes :func:`dealgraph.graph.guard.check_query` first: SERVICE, FROM, LOAD and non-SPARQL are
  answered 400 with a plain-text reason, before the store sees the text. The check runs inside the time limit.
* Each query runs in a worker thread and its whole serialised result is built in memory before a byte is sent;
  past ``timeout`` the answer is 503 "query timed out after N s", never a truncated 200. The worker is told to
  stop at its next write (Oxigraph cannot be interrupted inside one evaluation step, such as a sort); at most
  ``max_concurrent`` queries run at once, so runaway ones cannot pile up.
* GET ``/sparql`` without a query: the SPARQL 1.1 Service Description (Turtle), or the query page for browsers.
* Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from dealgraph.errors import QueryError, StoreError
from dealgraph.graph.guard import UpdateNotAllowed, check_query, warm_up
from dealgraph.graph.store import Store

__all__ = ["make_server", "serve_forever", "SparqlServer", "ResultFormat", "RESULT_FORMATS", "GRAPH_FORMATS",
           "negotiate"]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20          # a POSTed query or form; queries over 200,000 characters are refused anyway
MAX_RESULT_BYTES = 256 << 20      # a serialised result larger than this is refused (503) instead of held in memory

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PREFIXES = {
    "dg": "https://w3id.org/dealgraph#", "id": "https://w3id.org/dealgraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
}
_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")


# ---------------------------------------------------------------------------------------------- formats
@dataclass(frozen=True)
class ResultFormat:
    """One answer format: the Content-Type sent, the media types and ``format=`` names that select it."""

    content_type: str
    names: tuple[str, ...]
    ox_format: ox.QueryResultsFormat | ox.RdfFormat
    sd_iri: str

    def matches(self, name: str) -> bool:
        return name.lower() in self.names


RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("application/sparql-results+json",
                 ("application/sparql-results+json", "application/json", "json", "srj"),
                 ox.QueryResultsFormat.JSON, _FORMATS + "SPARQL_Results_JSON"),
    ResultFormat("application/sparql-results+xml",
                 ("application/sparql-results+xml", "application/xml", "text/xml", "xml", "srx"),
                 ox.QueryResultsFormat.XML, _FORMATS + "SPARQL_Results_XML"),
    ResultFormat("text/csv; charset=utf-8", ("text/csv", "csv"), ox.QueryResultsFormat.CSV,
                 _FORMATS + "SPARQL_Results_CSV"),
    ResultFormat("text/tab-separated-values; charset=utf-8", ("text/tab-separated-values", "tsv"),
                 ox.QueryResultsFormat.TSV, _FORMATS + "SPARQL_Results_TSV"),
)

GRAPH_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("text/turtle; charset=utf-8", ("text/turtle", "application/turtle", "application/x-turtle",
                                                "turtle", "ttl"), ox.RdfFormat.TURTLE, _FORMATS + "Turtle"),
    ResultFormat("application/n-triples", ("application/n-triples", "text/plain", "ntriples", "n-triples", "nt"),
                 ox.RdfFormat.N_TRIPLES, _FORMATS + "N-Triples"),
    ResultFormat("application/ld+json", ("application/ld+json", "application/x-json+ld", "json-ld", "jsonld",
                                         "json"), ox.RdfFormat.JSON_LD, _FORMATS + "JSON-LD"),
    ResultFormat("application/rdf+xml", ("application/rdf+xml", "application/xml", "text/xml", "rdf+xml",
                                         "rdfxml", "rdf", "xml"), ox.RdfFormat.RDF_XML, _FORMATS + "RDF_XML"),
)


def _accept_ranges(accept: str | None) -> list[str]:
    """The media ranges of an Accept header, best first (by q, then as written); q=0 ranges dropped."""
    ranked = []
    for i, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [r for _, _, r in sorted(ranked)]


def negotiate(accept: str | None, format_names: Sequence[str], formats: Sequence[ResultFormat]) -> ResultFormat:
    """The format to answer in: the best one the Accept header names, else the first ``format=`` value that names
    one, else the default (the first of ``formats``). Wildcards and unknown types fall through to the default."""
    for media in _accept_ranges(accept):
        for fmt in formats:
            if fmt.matches(media):
                return fmt
    for name in format_names:
        for fmt in formats:
            if fmt.matches(name.strip()):
                return fmt
    return formats[0]


def _accepts_html(accept: str | None) -> bool:
    return "text/html" in _accept_ranges(accept) or "application/xhtml+xml" in _accept_ranges(accept)


# ---------------------------------------------------------------------------------------------- running queries
@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer: status, Content-Type, body."""

    status: int
    content_type: str
    body: bytes | bytearray

    @classmethod
    def text(cls, status: int, message: str) -> Answer:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


class _Cancelled(Exception):
    pass


class _Sink(io.RawIOBase):
    """Where a worker serialises to: grows up to ``limit`` bytes; every write fails once ``cancel`` is called."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.buf = bytearray()
        self.limit = limit
        self.too_large = False
        self._cancelled = threading.Event()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:  # type: ignore[override]
        if self._cancelled.is_set():
            raise _Cancelled("cancelled")
        n = len(b)
        if len(self.buf) + n > self.limit:
            self.too_large = True
            raise _Cancelled("result too large")
        self.buf += b
        return n

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


def _detached(e: BaseException) -> BaseException:
    """``e`` without traceback or chained exceptions: pyoxigraph results must be dropped in their own thread."""
    e.__traceback__ = None
    e.__context__ = e.__cause__ = None
    return e


class _Job:
    """One query or update in its worker thread."""

    def __init__(self, work: Callable[[_Sink], None], limit: int) -> None:
        self.sink = _Sink(limit)
        self.work = work
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self, release: Callable[[], None]) -> None:
        try:
            self.work(self.sink)
        except BaseException as e:  # handed to the request thread, without the frames that hold Oxigraph objects
            expected = (QueryError, SyntaxError, StoreError, _Cancelled, _BadRequest)
            if not isinstance(e, expected) and not self.sink.cancelled:
                log.exception("a SPARQL worker failed")
            self.error = _detached(e)
        finally:
            self.done.set()
            release()


class _Runner:
    """Runs jobs in daemon threads, at most ``max_concurrent`` at once, each answered within ``timeout`` seconds."""

    def __init__(self, timeout: float, max_concurrent: int, max_bytes: int) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def run(self, work: Callable[[_Sink], None], what: str) -> tuple[_Job | None, Answer | None]:
        """The finished job, or the 503 answer when no slot freed up or the job outlived the timeout."""
        deadline = time.monotonic() + self.timeout
        if not self._slots.acquire(timeout=self.timeout):
            return None, Answer.text(503, f"{what} timed out after {self.timeout:g} s: the server is busy with "
                                          "other queries; try again later")
        job = _Job(work, self.max_bytes)
        threading.Thread(target=job.run, args=(self._slots.release,), name="sparql-worker", daemon=True).start()
        if not job.done.wait(max(0.0, deadline - time.monotonic())):
            job.sink.cancel()
            log.warning("%s timed out after %g s; cancelled", what, self.timeout)
            hint = ("; it keeps running and may still be applied" if what == "update"
                    else "; add a LIMIT, or make the pattern more selective")
            return None, Answer.text(503, f"{what} timed out after {self.timeout:g} s{hint}")
        return job, None


# ---------------------------------------------------------------------------------------------- the server
class SparqlServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` answering the SPARQL 1.1 Protocol over a :class:`Store`; call ``serve_forever()``."""

    daemon_threads = True
    request_queue_size = 128    # socketserver's 5 made the kernel drop connects from 50 clients (ListenOverflows)

    def __init__(self, store: Store, host: str, port: int, *, timeout: float, allow_update: bool,
                 max_concurrent: int, max_result_bytes: int) -> None:
        host = host.strip("[]")
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.store = store
        self.query_timeout = timeout
        self.allow_update = allow_update
        self.runner = _Runner(timeout, max_concurrent, max_result_bytes)
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        """The endpoint's URL, e.g. ``http://127.0.0.1:7878/sparql``."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/sparql"


def make_server(store: Store, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                allow_update: bool = False, *, max_concurrent: int = 4,
                max_result_bytes: int = MAX_RESULT_BYTES) -> SparqlServer:
    """A bound, not yet serving, SPARQL endpoint over ``store`` (``port=0`` picks a free one); run it with
    ``server.serve_forever()`` and stop it with ``server.shutdown(); server.server_close()``."""
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    warm_up()  # builds the query parser now, not on the first request
    server = SparqlServer(store, host, port, timeout=timeout, allow_update=allow_update,
                          max_concurrent=max_concurrent, max_result_bytes=max_result_bytes)
    if not _is_loopback(host):
        log.warning("serving on %s: anyone who can reach this address can query the store", host)
    return server


def serve_forever(store: Store, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                  allow_update: bool = False, *, ready: Callable[[SparqlServer], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C); ``ready`` is called with the server once it listens."""
    with make_server(store, host, port, timeout, allow_update) as server:
        log.info("SPARQL endpoint at %s (query page at %s)", server.url, server.url.rsplit("/", 1)[0] + "/")
        if ready is not None:
            ready(server)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            log.info("stopped")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class _Request:
    """What a protocol request asks: the text, whether it came as a query or an update, the format names."""

    text: str
    kind: str                  # "query" or "update"
    format_names: tuple[str, ...]


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "dealgraph-sparql"
    timeout = 60  # seconds a client may take to send its request
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart on keep-alive connections

    # -------------------------------------------------------------- verbs
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch(self._post)

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _dispatch(self, handle: Callable[[str, dict[str, list[str]]], Answer]) -> None:
        started = time.perf_counter()
        url = urlsplit(self.path)
        try:
            params = _parse_form(url.query)
            answer = handle(url.path, params)
        except _BadRequest as e:
            answer = Answer.text(e.status, str(e))
        except Exception:
            log.exception("internal error answering %s", self.requestline)
            answer = Answer.text(500, "internal server error; see the server log")
        self._send(answer)
        log.debug("%s %s -> %d in %.1f ms", self.command, url.path, answer.status,
                  (time.perf_counter() - started) * 1000)

    def _get(self, path: str, params: dict[str, list[str]]) -> Answer:
        accept = self.headers.get("Accept")
        if path in ("/", "/index.html"):
            return Answer(200, "text/html; charset=utf-8", _PAGE)
        if path != "/sparql":
            return Answer.text(404, f"no such page: {path}; the SPARQL endpoint is /sparql")
        if "update" in params:
            raise _BadRequest(400, "updates must be POSTed (update= form field or application/sparql-update)")
        if "query" not in params:
            if _accepts_html(accept):
                return Answer(200, "text/html; charset=utf-8", _PAGE)
            return self._service_description(params)
        return self._run(_request(params, "query"), accept)

    def _post(self, path: str, params: dict[str, list[str]]) -> Answer:
        if path != "/sparql":
            self.close_connection = True
            return Answer.text(404 if path not in ("/", "/index.html") else 405,
                               f"POST queries to /sparql, not {path}")
        body = self._body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            form = _parse_form(_utf8(body))
            for k, v in params.items():                 # URL parameters (format=) count as well
                form.setdefault(k, v)
            if "query" in form and "update" in form:
                raise _BadRequest(400, "send either query= or update=, not both")
            return self._run(_request(form, "update" if "update" in form else "query"), self.headers.get("Accept"))
        if ctype in ("application/sparql-query", "application/sparql-update"):
            kind = "query" if ctype.endswith("query") else "update"
            _refuse_dataset_params(params)
            fmt = tuple(params.get("format", []) + params.get("output", []))
            return self._run(_Request(_utf8(body), kind, fmt), self.headers.get("Accept"))
        raise _BadRequest(415, "POST a query as application/x-www-form-urlencoded (query=...), "
                               "application/sparql-query or application/sparql-update")

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise _BadRequest(411, "send the request body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            raise _BadRequest(413, f"request body must be at most {MAX_BODY_BYTES:,} bytes")
        return self.rfile.read(length)

    # -------------------------------------------------------------- answering
    def _run(self, req: _Request, accept: str | None) -> Answer:
        """Checks and runs one query or update in a worker, within the time limit (the check counts too)."""
        srv = self.server
        if req.kind == "update":
            refusal = self._update_refusal()
            if refusal is not None:
                return refusal
        chosen: list[ResultFormat] = []

        def work(sink: _Sink) -> None:
            form = check_query(req.text, allow_update=srv.allow_update)
            if req.kind == "query" and form == "UPDATE":
                raise _BadRequest(400, "this is an update: POST it as update= or as application/sparql-update")
            if req.kind == "update" and form != "UPDATE":
                raise _BadRequest(400, f"this is a {form} query, not an update: send it as query=")
            if form == "UPDATE":
                srv.store.update(req.text)
                return
            fmt = negotiate(accept, req.format_names, GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE")
                            else RESULT_FORMATS)
            chosen.append(fmt)
            result = srv.store.query(req.text)
            try:
                if fmt.ox_format == ox.RdfFormat.TURTLE:
                    ox.serialize(result, sink, format=fmt.ox_format, prefixes=_PREFIXES)
                else:
                    result.serialize(sink, format=fmt.ox_format)
            finally:
                del result  # dropped here, in the thread that made it (pyoxigraph results are thread-bound)

        job, failed = srv.runner.run(work, req.kind)
        if failed is not None:
            return failed
        assert job is not None
        if job.error is not None:
            return _error_answer(job, req.kind)
        if not chosen:
            return Answer(204, "text/plain; charset=utf-8", b"")
        return Answer(200, chosen[0].content_type, job.sink.buf)

    def _update_refusal(self) -> Answer | None:
        srv = self.server
        if not srv.allow_update:
            return Answer.text(403, "updates are not allowed on this endpoint: it answers SELECT, ASK, CONSTRUCT "
                                    "and DESCRIBE queries; change the store with `dealgraph ingest` / `remove`")
        if not self._same_origin():
            return Answer.text(403, "cross-origin updates are refused: send updates from the command line or "
                                    "from this server's own page")
        if srv.store.read_only:
            return Answer.text(403, "the store is open read-only; restart the server on a writable store")
        return None

    def _same_origin(self) -> bool:
        """A browser's update must come from a page of this server, named by a loopback host (no DNS rebinding)."""
        host = self.headers.get("Host") or ""
        origin = self.headers.get("Origin")
        hostname = urlsplit(f"http://{host}").hostname or ""
        if not _is_loopback(hostname) and hostname != self.server.server_address[0]:
            return False
        return origin is None or origin == f"http://{host}"

    def _service_description(self, params: dict[str, list[str]]) -> Answer:
        fmt = negotiate(self.headers.get("Accept"), params.get("format", []), GRAPH_FORMATS)
        body = ox.serialize(_sd_triples(self._endpoint(), self.server.allow_update), format=fmt.ox_format,
                            prefixes={"sd": _SD, "formats": _FORMATS})
        return Answer(200, fmt.content_type, body)

    def _endpoint(self) -> str:
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?", host):
            return self.server.url
        return f"http://{host}/sparql"

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if answer.content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", _CSP)
            self.send_header("Referrer-Policy", "no-referrer")
        else:
            self.send_header("Vary", "Accept")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and answer.status not in (204, 304):
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        log.info("%s %s", self.address_string(), format % args)


def _parse_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=64, errors="strict")
    except (ValueError, UnicodeDecodeError) as e:
        raise _BadRequest(400, f"malformed parameters: {e}") from None


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _BadRequest(400, f"the request body is not UTF-8 (byte {e.start})") from None


def _refuse_dataset_params(params: dict[str, list[str]]) -> None:
    for name in _DATASET_PARAMS:
        if name in params:
            raise _BadRequest(400, f"{name} is refused: queries run over the union of all article graphs and may "
                                   "not name outside data; use GRAPH <article IRI> { ... } inside the query")


def _request(params: dict[str, list[str]], kind: str) -> _Request:
    _refuse_dataset_params(params)
    values = params.get(kind, [])
    if len(values) != 1:
        raise _BadRequest(400, f"give exactly one {kind}= parameter (got {len(values)})")
    return _Request(values[0], kind, tuple(params.get("format", []) + params.get("output", [])))


def _error_answer(job: _Job, what: str) -> Answer:
    err = job.error
    if isinstance(err, _BadRequest):
        return Answer.text(err.status, str(err))
    if isinstance(err, UpdateNotAllowed):
        return Answer.text(403, str(err))
    if job.sink.too_large:
        return Answer.text(503, f"the result is larger than {_size(job.sink.limit)}; add a LIMIT or select fewer "
                                "variables")
    if isinstance(err, QueryError):
        return Answer.text(400, str(err))
    if isinstance(err, SyntaxError):
        return Answer.text(400, f"SPARQL syntax error: {err}")
    if isinstance(err, StoreError):
        log.error("%s failed: %s", what, err)
        return Answer.text(500, str(err))
    return Answer.text(500, f"{what} failed: {type(err).__name__}: {err}")


def _size(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n:,} bytes"


def _sd_triples(endpoint: str, allow_update: bool) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint."""
    svc, dataset, graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")

    def t(s: ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(p), o)

    out = [t(svc, _RDF_TYPE, ox.NamedNode(_SD + "Service")),
           t(svc, _SD + "endpoint", ox.NamedNode(endpoint)),
           t(svc, _SD + "supportedLanguage", ox.NamedNode(_SD + "SPARQL11Query")),
           t(svc, _SD + "feature", ox.NamedNode(_SD + "UnionDefaultGraph")),
           t(svc, _SD + "defaultDataset", dataset),
           t(dataset, _RDF_TYPE, ox.NamedNode(_SD + "Dataset")),
           t(dataset, _SD + "defaultGraph", graph),
           t(graph, _RDF_TYPE, ox.NamedNode(_SD + "Graph"))]
    if allow_update:
        out.append(t(svc, _SD + "supportedLanguage", ox.NamedNode(_SD + "SPARQL11Update")))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        out.append(t(svc, _SD + "resultFormat", ox.NamedNode(fmt.sd_iri)))
    return out


# ---------------------------------------------------------------------------------------------- the query page
_STYLE = """
body{font:15px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.3em;margin:0 0 .6em}
textarea{width:100%;box-sizing:border-box;height:14em;font:13px/1.4 ui-monospace,monospace;padding:.5em}
.bar{margin:.5em 0;display:flex;gap:.6em;align-items:center}
button{font-size:1em;padding:.3em 1.2em}
#status{color:#555}
#status.error{color:#b00020;white-space:pre-wrap;font-family:ui-monospace,monospace}
table{border-collapse:collapse;font-size:13px;margin-top:.6em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td .x{color:#888;font-size:.9em;margin-left:.3em}
pre{background:#f7f7f7;padding:.6em;overflow:auto;font-size:13px}
"""

_SCRIPT = """
(function () {
  "use strict";
  var q = document.getElementById("q"), out = document.getElementById("out"),
      status = document.getElementById("status"), run = document.getElementById("run"),
      csv = document.getElementById("csv");
  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }
  function say(text, isError) { status.textContent = text; status.className = isError ? "error" : ""; }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) { e.textContent = text; }
    return e; }
  function cell(b) {
    var td = el("td");
    if (!b) { return td; }
    td.appendChild(document.createTextNode(b.type === "bnode" ? "_:" + b.value : b.value));
    var extra = b["xml:lang"] ? "@" + b["xml:lang"] : (b.datatype ? "^^" + b.datatype.replace(
      "http://www.w3.org/2001/XMLSchema#", "xsd:") : "");
    if (extra) { var s = el("span", extra); s.className = "x"; td.appendChild(s); }
    return td;
  }
  function table(data) {
    if (typeof data.boolean === "boolean") { out.appendChild(el("p", "ASK: " + data.boolean)); return "answer"; }
    var vars = data.head.vars || [], rows = data.results.bindings, t = el("table"), tr = el("tr");
    vars.forEach(function (v) { tr.appendChild(el("th", v)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      vars.forEach(function (v) { row.appendChild(cell(r[v])); });
      t.appendChild(row);
    });
    out.appendChild(t);
    return rows.length + (rows.length === 1 ? " row" : " rows");
  }
  function go() {
    var started = Date.now();
    clear(out); say("running\\u2026", false); run.disabled = true;
    fetch("/sparql", {method: "POST", body: q.value, headers: {"Content-Type": "application/sparql-query",
      "Accept": "application/sparql-results+json, text/turtle;q=0.9"}})
      .then(function (resp) {
        return resp.text().then(function (body) {
          var ms = (Date.now() - started) + " ms";
          if (!resp.ok) { say("HTTP " + resp.status + ": " + body, true); return; }
          if ((resp.headers.get("Content-Type") || "").indexOf("json") >= 0) {
            say(table(JSON.parse(body)) + " in " + ms, false);
          } else {
            out.appendChild(el("pre", body)); say("graph in " + ms, false);
          }
        });
      })
      .catch(function (e) { say("request failed: " + e, true); })
      .then(function () { run.disabled = false; });
  }
  var shared = new URLSearchParams(window.location.search).get("query");
  if (shared) { q.value = shared; go(); }
  run.addEventListener("click", go);
  q.addEventListener("keydown", function (e) { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { go(); } });
  csv.addEventListener("click", function () {
    window.location.href = "/sparql?format=csv&query=" + encodeURIComponent(q.value);
  });
}());
"""

_EXAMPLE = """PREFIX dg: <https://w3id.org/dealgraph#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?investor ?company WHERE {
  ?i dg:investedIn ?c .
  ?i rdfs:label ?investor .
  ?c rdfs:label ?company .
} LIMIT 100
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


_CSP = (f"default-src 'none'; script-src {_csp_hash(_SCRIPT)}; style-src {_csp_hash(_STYLE)}; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>dealgraph SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body>
<h1>dealgraph SPARQL</h1>
<p>Queries run over the union of all article graphs. Ctrl+Enter runs; <code>/?query=...</code> links run on
opening. Endpoint: <code>/sparql</code>.</p>
<textarea id="q" spellcheck="false" aria-label="SPARQL query">{html.escape(_EXAMPLE)}</textarea>
<div class="bar"><button id="run" type="button">Run</button>
<button id="csv" type="button">Download CSV</button><span id="status" role="status"></span></div>
<div id="out"></div>
<script>{_SCRIPT}</script>
</body></html>
""".encode()
