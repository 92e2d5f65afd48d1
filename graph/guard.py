"""The query guard: which SPARQL the store may run, decided on the parse tree before Oxigraph ever sees the text.

Every query that reaches the store from outside (the ``serve`` endpoint, ``dealgraph query``) goes through
:func:`check_query` first. It refuses what would make the store reach out of the machine or out of its data:

* ``SERVICE`` anywhere (nested, in subqueries, in updates): Oxigraph would call the named endpoint over HTTP;
* a dataset clause (``FROM``, ``FROM NAMED``, ``USING``): queries already run over the union of all article
  graphs, and a query may not name outside data for the store to fetch;
* updates (``INSERT``, ``DELETE``, ``LOAD``, ``DROP`` ...) unless the caller allows them, and ``LOAD`` always;
* anything that is not SPARQL 1.1.

The decision is made on rdflib's SPARQL parse tree, so ``"SERVICE"`` inside a string literal is fine and
``SeRvIcE`` is caught. Two places where rdflib's tokeniser and Oxigraph's differ would let text be a string or a
comment for one and code for the other, so they are closed first: ``\\u`` escapes that stand for ASCII characters
are refused (rdflib expands them everywhere, Oxigraph only inside strings), and a lone carriage return ends a
comment for the guard as it does for Oxigraph. As a last net, a small lexer that follows the SPARQL grammar's
tokens (strings, IRIs, comments) must agree that no ``SERVICE`` / ``FROM`` / ``LOAD`` / ``USING`` keyword is left.

>>> check_query('SELECT ?s WHERE { ?s ?p "SERVICE" }')
'SELECT'
>>> check_query('SELECT * WHERE { SeRvIcE <http://example.org/sparql> { ?s ?p ?o } }')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
dealgraph.errors.QueryError: SERVICE <http://example.org/sparql> is refused: ...
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from dealgraph.errors import QueryError

__all__ = ["check_query", "UpdateNotAllowed", "QUERY_FORMS", "MAX_QUERY_CHARS"]

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
      | (?P<word>[\w:?$%\\-]+)
      | (?P<other>.)""",
    re.X | re.S,
)

_PARSE_LOCK = threading.Lock()  # pyparsing is not documented as thread-safe; parsing takes milliseconds


class UpdateNotAllowed(QueryError):
    """The text is a SPARQL update and the caller does not allow updates."""


def check_query(sparql: str, *, allow_update: bool = False) -> str:
    """The query form of ``sparql`` (``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"``, ``"DESCRIBE"``, or ``"UPDATE"``).

    Raises :class:`~dealgraph.errors.QueryError` when the text is not SPARQL 1.1, uses ``SERVICE``, has a dataset
    clause or ``LOAD``, and :class:`UpdateNotAllowed` (a ``QueryError``) for any update when ``allow_update`` is
    false.
    """
    text = _prepared(sparql)
    tree, form = _parse(text)
    comps = {c.name: c for c in _walk(tree)}
    words = _bare_words(sparql)
    if form == "UPDATE":
        _check_update(tree, comps, allow_update)
    _refuse_service(comps, words)
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


def _bare_words(sparql: str) -> set[str]:
    """Upper-cased words outside strings, IRIs and comments (the lexer's view, independent of rdflib)."""
    out = set()
    for m in _LEX.finditer(sparql):
        w = m.group("word")
        if w is not None:
            out.add(w.upper())
    return out


# ---------------------------------------------------------------------------------------------- parsing
@functools.cache
def _parsers() -> tuple[Any, Any]:
    """rdflib's parser, imported on first use (it takes a third of a second to build the grammar)."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    return parseQuery, parseUpdate


def _parse(text: str) -> tuple[Any, str]:
    """The parse tree and the form: tries the text as a query, then as an update; reports the error that got
    furthest."""
    parse_query, parse_update = _parsers()
    with _PARSE_LOCK:
        try:
            tree = parse_query(text)
            return tree, _FORMS[tree[1].name]
        except RecursionError:
            raise QueryError("query is nested too deeply to check; simplify it") from None
        except Exception as e:  # pyparsing and rdflib raise several kinds
            query_err = e
        try:
            tree = parse_update(text)
        except RecursionError:
            raise QueryError("update is nested too deeply to check; simplify it") from None
        except Exception:
            best = max((query_err, _update_error(text)), key=lambda x: getattr(x, "loc", -1))
            raise QueryError(_syntax_message(text, best)) from None
    if not dict.get(tree, "request"):
        raise QueryError("no query: the text holds only comments or PREFIX / BASE declarations")
    return tree, "UPDATE"


@functools.cache
def _strict_update() -> Any:
    """rdflib's update grammar without its optional tail, so that errors point into the failing operation."""
    import pyparsing as pp
    from rdflib.plugins.sparql import parser as p

    more = pp.ZeroOrMore(pp.Suppress(";") + p.Prologue + p.Update1) + pp.Optional(pp.Suppress(";") + p.Prologue)
    return p.Prologue + p.Update1 + more


def _update_error(text: str) -> Exception:
    """Where the text fails as an update (rdflib's own update parser reports every error at character 0)."""
    try:
        _strict_update().parse_string(text, parse_all=True)
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


def _refuse_service(comps: dict[str, Any], words: set[str]) -> None:
    node = comps.get("ServiceGraphPattern")
    if node is None and "SERVICE" not in words:
        return
    where = f"SERVICE {_term(dict.get(node, 'term'))}" if node is not None else "SERVICE"
    raise QueryError(f"{where} is refused: this endpoint answers from its own store only and never calls other "
                     "endpoints; remove the SERVICE block and query the remote endpoint yourself")


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
