"""The query guard: which SPARQL the store may run, decided before Oxigraph ever sees the text.

Every query that reaches the store from outside (the ``serve`` endpoint, ``dealgraph query``) goes through
:func:`check_query` first. It refuses what would make the store reach out of the machine or out of its data:

* ``SERVICE`` anywhere (nested, in subqueries, in updates): Oxigraph would call the named endpoint over HTTP;
* a dataset clause (``FROM``, ``FROM NAMED``, ``USING``): queries already run over the union of all article
  graphs, and a query may not name outside data for the store to fetch;
* updates (``INSERT``, ``DELETE``, ``LOAD``, ``DROP`` ...) unless the caller allows them, and ``LOAD`` always;
* anything that is not SPARQL 1.1.

The decision is made on rdflib's SPARQL parse tree, so ``"SERVICE"`` inside a string literal is fine and
``SeRvIcE`` is caught, together with a small lexer that follows the SPARQL grammar's terminals (strings, IRIs,
comments): a ``SERVICE``, ``FROM``, ``LOAD`` or ``USING`` keyword seen by either is refused. The lexer looks at
``SERVICE`` first, before parsing, because rdflib's parser rescans the whole text for every SERVICE it meets (and
recurses without end on nested ones).

Where rdflib's tokeniser and Oxigraph's differ, text could be a string or a comment for one and code for the other;
both known places are closed: ``\\u`` escapes that stand for ASCII characters are refused (rdflib expands them
everywhere before parsing, Oxigraph only inside strings, so ``"a\\u0022 ... "`` would hide a SERVICE from rdflib),
and a lone carriage return ends a comment for the guard as it does for Oxigraph.

>>> check_query('SELECT ?s WHERE { ?s ?p "SERVICE" }')
'SELECT'
>>> check_query('SELECT * WHERE { SeRvIcE <http://example.org/sparql> { ?s ?p ?o } }')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
dealgraph.errors.QueryError: SERVICE <http://example.org/sparql> is refused: ...
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dealgraph.errors import QueryError

__all__ = ["check_query", "warm_up", "UpdateNotAllowed", "QUERY_FORMS", "MAX_QUERY_CHARS"]

log = logging.getLogger(__name__)

#: The forms :func:`check_query` returns; ``"UPDATE"`` only when updates are allowed.
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "UPDATE")

#: Longer queries are refused: the parser's time grows with the text, and no hand-written query is this long.
MAX_QUERY_CHARS = 200_000

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}

_UPDATE_OPS = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
    "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT ... WHERE",
}

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# The SPARQL grammar's terminals that hide text from the parser: comments (to \r or \n), the four string forms,
# IRIs. What is left are words; a word that is exactly a keyword is that keyword. Dots split words (``?o.SERVICE``
# is a variable, a dot and SERVICE), hyphens and colons do not (``ex:cloud-service`` is one name).
_LEX = re.compile(
    r"""(?P<comment>\#[^\r\n]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  | '''(?:[^'\\]|\\.|'(?!''))*'''
                  | "(?:[^"\\\r\n]|\\.)*"
                  | '(?:[^'\\\r\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<word>(?:[\w:?$%-]|\\.)+)
      | (?P<other>.)""",
    re.X | re.S,
)


class UpdateNotAllowed(QueryError):
    """The text is a SPARQL update and the caller does not allow updates."""


class _FairLock:
    """A first-come, first-served lock: under 50 concurrent clients a plain lock let some threads wait for a
    minute while others went round again."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0
        self._serving = 0

    def __enter__(self) -> None:
        with self._cond:
            ticket = self._next
            self._next += 1
            while ticket != self._serving:
                self._cond.wait()

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._serving += 1
            self._cond.notify_all()


_PARSER_LOCK = _FairLock()


def check_query(sparql: str, *, allow_update: bool = False) -> str:
    """The query form of ``sparql`` (``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"``, ``"DESCRIBE"``, or ``"UPDATE"``).

    Raises :class:`~dealgraph.errors.QueryError` when the text is not SPARQL 1.1, uses ``SERVICE``, has a dataset
    clause or ``LOAD``, and :class:`UpdateNotAllowed` (a ``QueryError``) for any update when ``allow_update`` is
    false.
    """
    form = _packaged_forms().get(sparql) if isinstance(sparql, str) else None
    if form is not None:    # our own graph/queries/*.rq, checked in full by the tests: no parser to load
        return form
    return _checked(sparql, allow_update)


@functools.cache
def _packaged_forms() -> dict[str, str]:
    """The text of each packaged query (``graph/queries/*.rq``) and its form, from the lexer's first form keyword.
    ``dealgraph query --name`` then starts in a tenth of the time: rdflib's parser takes 0.3 s to import."""
    from dealgraph.graph.queries import named_query, names

    out = {}
    try:
        for name in names():
            text = named_query(name)
            form = next((t.upper() for kind, t in _tokens(text) if kind == "word" and t.upper() in _FORMS.values()),
                        None)
            if form is not None:
                out[text] = form
    except (OSError, ModuleNotFoundError, UnicodeDecodeError):
        return {}
    return out


def _checked(sparql: str, allow_update: bool) -> str:
    """The full check of :func:`check_query` (every query that is not one of the packaged ones)."""
    text = _prepared(sparql)
    tokens = _tokens(sparql)
    words = {t.upper() for kind, t in tokens if kind == "word"}
    if "SERVICE" in words:  # refused before parsing: rdflib's parser rescans the whole text for every SERVICE
        raise QueryError(_service_message(_service_target(tokens)))
    with _PARSER_LOCK:      # pyparsing grammars keep parse state: one thread at a time (rdflib #1282)
        tree, form = _parse(text, has_comments=any(kind == "comment" for kind, _ in tokens))
    comps = {c.name: c for c in _walk(tree)}
    if form == "UPDATE":
        _check_update(tree, comps, allow_update)
    if "ServiceGraphPattern" in comps:
        raise QueryError(_service_message(_term(dict.get(comps["ServiceGraphPattern"], "term"))))
    _refuse_dataset(comps, words)
    if form == "UPDATE" and ("LOAD" in words or "USING" in words):
        raise QueryError("LOAD and USING are refused: updates may not make the store fetch or name outside data")
    return form


# ---------------------------------------------------------------------------------------------- before parsing
def _prepared(sparql: object) -> str:
    """The text the parser sees: checked for type, size and escapes; lone CRs turned into newlines."""
    if not isinstance(sparql, str):
        raise QueryError(f"a SPARQL query must be text, not {type(sparql).__name__}")
    if not sparql.strip():
        raise QueryError("empty query: write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(sparql):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    for m in _ESCAPE.finditer(sparql):
        code = int(m.group(1) or m.group(2), 16)
        if code < 0x80 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"the escape {m.group(0)} at character {m.start()} is refused: \\u escapes may only "
                             "stand for non-ASCII characters; write the character itself (inside a string, "
                             'escape a quote as \\" or \\\')')
    return sparql.replace("\r", "\n")  # same length, same positions; a CR ends a comment, as in Oxigraph


def _tokens(sparql: str) -> list[tuple[str, str]]:
    """The words, IRIs and comments outside strings, in order (the lexer's view, independent of rdflib)."""
    return [(m.lastgroup, m.group()) for m in _LEX.finditer(sparql)  # type: ignore[misc]
            if m.lastgroup in ("word", "iri", "comment")]


def _service_target(tokens: list[tuple[str, str]]) -> str | None:
    """What the first SERVICE keyword names (``<iri>``, ``?var``, ``prefix:name``), as written."""
    code = [t for kind, t in tokens if kind != "comment"]
    upper = [t.upper() for t in code]
    i = upper.index("SERVICE") + 1
    if i < len(upper) and upper[i] == "SILENT":
        i += 1
    return code[i] if i < len(code) else None


# ---------------------------------------------------------------------------------------------- parsing
@dataclass(frozen=True)
class _Grammar:
    """rdflib's SPARQL grammar: the query and update units, and the update grammar used to locate errors."""

    query: Any
    update: Any
    strict_update: Any


_fast: _Grammar | None = None  # set by warm_up()


def warm_up() -> bool:
    """Builds the parser now, and a private copy of it without its comment skipper, which checks comment-free
    queries two to three times faster (9 ms instead of 20 for a query with a FILTER). Costs about 0.2 s once, so
    long-running servers call it at start and one-shot commands do not. True when the faster copy is in use."""
    global _fast
    with _PARSER_LOCK:
        _fast = _fast_grammar()
    return _fast is not _plain_grammar()


def _strict(prologue: Any, update1: Any) -> Any:
    import pyparsing as pp

    more = pp.ZeroOrMore(pp.Suppress(";") + prologue + update1) + pp.Optional(pp.Suppress(";") + prologue)
    return prologue + update1 + more


@functools.cache
def _plain_grammar() -> _Grammar:
    """rdflib's grammar as it is (importing it takes a third of a second, so it happens on first use)."""
    from rdflib.plugins.sparql import parser as p

    return _Grammar(p.Query, p.UpdateUnit, _strict(p.Prologue, p.Update1))


@functools.cache
def _fast_grammar() -> _Grammar:
    """A copy of rdflib's grammar without the comment skipper that every element otherwise tries at every
    position; rdflib's own when the copy cannot be made or parses the samples differently."""
    import pyparsing as pp
    from rdflib.plugins.sparql import parser as p

    plain = _plain_grammar()
    try:
        sentinel = pp.core.Opt._Opt__optionalNotMatched  # compared by identity: must stay the same object
        memo: dict[int, Any] = {id(sentinel): sentinel}
        copied = [copy.deepcopy(e, memo) for e in (p.Query, p.UpdateUnit, p.Prologue, p.Update1)]
        for root in copied:
            _drop_ignorables(root)
        fast = _Grammar(copied[0], copied[1], _strict(copied[2], copied[3]))
        for sample, unit in ((_SAMPLE_QUERY, "query"), (_SAMPLE_UPDATE, "update")):
            mine, theirs = (getattr(g, unit).parse_string(sample, parse_all=True) for g in (fast, plain))
            if repr(mine) != repr(theirs):
                raise ValueError(f"the copied grammar parses a sample {unit} differently")
    except (RecursionError, ValueError, TypeError, AttributeError, pp.ParseBaseException) as e:
        log.info("checking queries with rdflib's SPARQL grammar as it is (%s)", e)
        return plain
    return fast


_SAMPLE_QUERY = ("PREFIX dg: <https://w3id.org/dealgraph#> SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a dg:investedIn ?b ; "
                 "<http://www.w3.org/2000/01/rdf-schema#label> 'x'@en . OPTIONAL { ?b ^dg:controls/dg:p* ?c } "
                 "FILTER(?n > 1 && !BOUND(?c)) } GROUP BY ?a ORDER BY DESC(?n) LIMIT 5")
_SAMPLE_UPDATE = ("PREFIX e: <http://e/> INSERT { ?s e:p 1 } WHERE { OPTIONAL { ?s e:q ?o } } ; "
                  "DROP SILENT GRAPH <http://g>")


def _drop_ignorables(root: Any) -> None:
    """Removes the comment skipper from every element of a (copied) pyparsing grammar."""
    stack, seen = [root], set()
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        element.ignoreExprs = []
        stack.extend(getattr(element, "exprs", None) or ())
        if getattr(element, "expr", None) is not None:
            stack.append(element.expr)


def _parse(text: str, has_comments: bool) -> tuple[Any, str]:
    """The parse tree and the form: tries the text as a query, then as an update; reports the error that got
    furthest. Once warmed up, text without comments goes to the faster copy of the grammar (a comment the lexer
    missed would then be a syntax error, never skipped code); text with comments to rdflib's grammar as it is."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    grammar = _plain_grammar() if has_comments or _fast is None else _fast
    text = expandUnicodeEscapes(text)  # as rdflib's parseQuery does; only non-ASCII escapes are left
    try:
        tree = grammar.query.parse_string(text, parse_all=True)
        return tree, _FORMS[tree[1].name]
    except RecursionError:
        raise QueryError("query is nested too deeply to check; simplify it") from None
    except Exception as e:  # pyparsing and rdflib raise several kinds
        query_err = e
    try:
        tree = grammar.update.parse_string(text, parse_all=True)[0]
    except RecursionError:
        raise QueryError("update is nested too deeply to check; simplify it") from None
    except Exception:
        best = max((query_err, _update_error(grammar, text)), key=lambda x: getattr(x, "loc", -1))
        raise QueryError(_syntax_message(text, best)) from None
    if not dict.get(tree, "request"):
        raise QueryError("no query: the text holds only comments or PREFIX / BASE declarations")
    return tree, "UPDATE"


def _update_error(grammar: _Grammar, text: str) -> Exception:
    """Where the text fails as an update (rdflib's own update parser reports every error at character 0)."""
    try:
        grammar.strict_update.parse_string(text, parse_all=True)
    except RecursionError:
        return QueryError("nested too deeply")
    except Exception as e:  # a ParseException, with .loc and .msg
        return e
    return QueryError("not an update")


def _syntax_message(text: str, err: Exception) -> str:
    """'SPARQL syntax error at line L, column C: ...' with the line and a caret under the place."""
    loc = getattr(err, "loc", None)
    if not isinstance(loc, int):
        return f"not valid SPARQL 1.1: {err}"
    line_no = text.count("\n", 0, loc) + 1
    start = text.rfind("\n", 0, loc) + 1
    end = text.find("\n", loc)
    line = text[start:end if end >= 0 else len(text)]
    col = loc - start
    msg = getattr(err, "msg", str(err))
    return (f"not valid SPARQL 1.1: syntax error at line {line_no}, column {col + 1}: {msg}\n"
            f"  {line}\n  {' ' * col}^")


def _walk(tree: Any) -> Iterator[Any]:
    """Every rdflib ``CompValue`` node of the parse tree, however deep (subqueries, nested groups, expressions)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults):
            stack.extend(node)
            stack.extend(v for _, v in node.items())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


# ---------------------------------------------------------------------------------------------- refusals
def _check_update(tree: Any, comps: dict[str, Any], allow_update: bool) -> None:
    ops = [_UPDATE_OPS.get(r.name, r.name) for r in dict.get(tree, "request")]
    if not allow_update:
        raise UpdateNotAllowed(f"this is a SPARQL update ({', '.join(dict.fromkeys(ops))}); updates are not allowed "
                               "here. Ask with SELECT, ASK, CONSTRUCT or DESCRIBE; change the store with "
                               "`dealgraph ingest` / `dealgraph remove`")
    if "Load" in comps:
        iri = _term(dict.get(comps["Load"], "iri"))
        raise QueryError(f"LOAD {iri} is refused: updates may not make the store fetch anything; download the "
                         "file and `dealgraph ingest` it")
    if "UsingClause" in comps:
        raise QueryError("USING / USING NAMED is refused: an update may not name outside data; use GRAPH <iri> "
                         "inside the WHERE clause to pick an article graph")


def _service_message(target: str | None) -> str:
    where = f"SERVICE {target}" if target else "SERVICE"
    return (f"{where} is refused: queries here answer from this store only and never call other endpoints; "
            "remove the SERVICE block and query the remote endpoint yourself")


def _refuse_dataset(comps: dict[str, Any], words: set[str]) -> None:
    node = comps.get("DatasetClause")
    if node is None and "FROM" not in words:
        return
    if node is not None and dict.get(node, "named") is not None:
        clause = f"FROM NAMED {_term(dict.get(node, 'named'))}"
    elif node is not None:
        clause = f"FROM {_term(dict.get(node, 'default'))}"
    else:
        clause = "FROM"
    raise QueryError(f"{clause} is refused: queries may not make the store fetch anything or name outside data. "
                     "Every query already runs over the union of all article graphs; remove the FROM clause, "
                     "and use GRAPH <article IRI> { ... } to look inside one article")


def _term(term: object) -> str:
    """An IRI or variable as written: ``<iri>``, ``?var`` or ``prefix:name``."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, CompValue) and term.name == "pname":
        return f"{dict.get(term, 'prefix') or ''}:{dict.get(term, 'localname') or ''}"
    return str(term)
