"""The Python facade: ``KnowledgeGraph.open(path)`` (or in memory), ingest, SPARQL, entities, cycles, exports.

>>> kg = KnowledgeGraph.open(None)
>>> r = kg.ingest_text("英伟达向xAI投资20亿美元。xAI购买英伟达GPU。", published="2026-01-07")
>>> r.status, kg.entity("輝達") == kg.entity("Nvidia")
('added', True)
>>> [c["entities"] for c in kg.circular_deals()]
[['NVIDIA', 'xAI']]
"""

from __future__ import annotations

import errno
import io
import logging
import os
import stat
import tempfile
import weakref
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dealgraph.errors import DealgraphError, EntityNotFound, InputError, QueryError, StoreError
from dealgraph.graph.store import Store, default_store_location

__all__ = ["KnowledgeGraph", "IngestResult", "EntityRef", "output_path", "write_atomic"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    """What ingesting one article did: ``added``, ``updated`` (new extractor) or ``unchanged``."""

    name: str
    status: str
    graph: str
    facts: int
    entities: int
    lang: str


@dataclass(frozen=True)
class EntityRef:
    """An entity found by name: its IRI, preferred label, type and every name."""

    iri: str
    label: str
    type: str
    names: tuple[str, ...]


class KnowledgeGraph:
    """A dealgraph knowledge graph over the embedded store at ``path`` (``None``: in memory)."""

    def __init__(self, path: str | Path | None, store: Store | None = None) -> None:
        remote = path is not None and str(path).startswith(("http://", "https://"))
        self.path = None if path is None else (path if remote else Path(path))  # a URL stays a string
        self._mem = store if path is None else None
        self._view = None
        self._view_gen: object = None
        self._reader: Store | None = None         # a read-only store kept open while the store is unchanged
        self._reader_gen: str | None = None

    @classmethod
    def open(cls, path: str | Path | None = "") -> KnowledgeGraph:
        """Open the store at ``path`` (default ``$DEALGRAPH_STORE`` or ``./dealgraph-data``; None: in memory)."""
        if path == "":
            path = default_store_location()
        return cls(path, Store.open(None) if path is None else None)

    # ------------------------------------------------------------------ store access
    def _store(self, write: bool = False) -> Store:
        """The store to use now. Reading an on-disk store, the read-only handle is kept between calls while the
        store's generation token (``graph.viewcache``) is unchanged: opening one (a private snapshot, RocksDB's
        own start) costs 20-60 ms on a large store, so a Python user or a long-lived process pays it once per
        change, not once per question."""
        if self._mem is not None:
            return self._mem
        if write or not isinstance(self.path, Path):
            return Store.open(self.path, read_only=not write)
        from dealgraph.graph import viewcache

        tok = viewcache.token(self.path)
        if self._reader is not None and tok == self._reader_gen:
            return self._reader
        self.close()
        s = Store.open(self.path, read_only=True)
        if tok is not None and not tok.startswith("dirty"):
            self._reader, self._reader_gen = s, tok
            self._closer = weakref.finalize(self, s.close)
        return s

    def _done(self, s: Store) -> None:
        if s is not self._mem and s is not self._reader:
            s.close()

    def close(self) -> None:
        """Release the read-only handle kept open (its snapshot folder goes with it); done on garbage collection
        too. The ``KnowledgeGraph`` stays usable: the next question opens the store again."""
        if self._reader is not None:
            self._closer()
            self._reader, self._reader_gen = None, None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ingest
    def ingest_file(self, path: str | Path, *, published: str | date | None = None, source: str | None = None,
                    lang: str | None = None, store: Store | None = None) -> IngestResult:
        """Read one article file (``-`` for stdin) and store its facts."""
        from dealgraph.ingest.read import read_path

        doc = read_path(path)
        return self._ingest(doc, str(path), published, source, lang, store)

    def ingest_text(self, text: str, *, published: str | date | None = None, source: str | None = None,
                    lang: str | None = None, title: str | None = None) -> IngestResult:
        """Store the facts of an article given as text."""
        from dealgraph.ingest.read import read_bytes

        doc = read_bytes(text.encode("utf-8"), name=source or "<text>", suffix=".md")
        if title:
            doc = replace(doc, title=title)
        return self._ingest(doc, source or "<text>", published, source, lang, None)

    def _ingest(self, doc, name: str, published, source, lang, store: Store | None) -> IngestResult:
        import hashlib

        from dealgraph.graph.rdf import article_graph_iri
        from dealgraph.ingest.clean import clean
        from dealgraph.ingest.rules import EXTRACTOR

        s = store or self._store(write=True)
        try:
            graph = article_graph_iri(hashlib.sha256(clean(doc.text, doc.body_start).text.encode()).hexdigest())
            if s.article_extractor(graph) == EXTRACTOR:      # stored by these rules: nothing to extract again
                return IngestResult(name, "unchanged", graph, 0, 0, doc.lang or "")
            ex, graph, quads = prepare(doc, published=published, source=source, lang=lang)
            status = commit(s, graph, quads, ex.extractor)
        finally:
            if store is None:
                self._done(s)
        return IngestResult(name, status, graph, len(ex.facts), len(ex.entities), ex.lang)

    def remove(self, ref: str) -> list[str]:
        """Delete the articles named by ``ref`` (file, URL, graph IRI or hash); returns the graphs removed."""
        refs = [ref]
        if Path(ref).is_file():            # a file names the article by its content, wherever it was read from
            import hashlib

            from dealgraph.graph.rdf import article_graph_iri
            from dealgraph.ingest.clean import clean
            from dealgraph.ingest.read import read_path

            doc = read_path(ref)
            refs.append(article_graph_iri(hashlib.sha256(clean(doc.text, doc.body_start).text.encode()).hexdigest()))
        s = self._store(write=True)
        try:
            graphs = sorted({g for r in refs for g in s.find_articles(r)})
            for g in graphs:
                s.remove_article(g)
            return graphs
        finally:
            self._done(s)

    # ------------------------------------------------------------------ questions
    def sparql(self, query: str, bindings: dict[str, Any] | None = None):
        """Run SPARQL (SELECT/ASK/CONSTRUCT) over the union of article graphs; values go in as ``bindings``."""
        from dealgraph.graph.queries import run_query

        if self._mem is None and isinstance(self.path, Path):
            return self._answer(query, bindings)
        s = self._store()
        try:
            return run_query(s, query, bindings)
        finally:
            self._done(s)

    def _answer(self, query: str, bindings: dict[str, Any] | None):
        """A query on an on-disk store, through the answers kept while the store is unchanged (``graph.answers``):
        a slow report asked again from a new process is read back, without opening the store."""
        import time

        from dealgraph.graph import answers, viewcache
        from dealgraph.graph.queries import checked

        terms = checked(query, bindings)
        tok = viewcache.token(self.path)
        k = answers.key(query, terms)
        if (hit := answers.load(self.path, tok, k)) is not None:
            return hit
        started = time.perf_counter()
        s = self._store()
        try:
            result = s.query(query, terms)
            if not isinstance(result, ox.QuerySolutions):        # ASK and CONSTRUCT answers are not kept
                return result
            try:
                return answers.keep(self.path, tok, k, result, started)
            except RuntimeError as e:
                raise QueryError(f"query failed: {e}") from None
            except OSError as e:
                raise StoreError(f"query failed: {e}") from None
        finally:
            self._done(s)

    def view(self):
        """The networkx ``MultiDiGraph`` view, rebuilt only when the store changed."""
        from dealgraph.graph.view import build_view

        if isinstance(self.path, Path):          # on disk: the view cached beside the store, while it is current
            from dealgraph.graph import viewcache

            tok = viewcache.token(self.path)
            if self._view is not None and tok is not None and tok == self._view_gen and not tok.startswith("dirty"):
                return self._view
            cached = viewcache.load(self.path)
            if cached is not None:
                self._view, self._view_gen = cached, tok
                return cached
            s = self._store()
            try:
                self._view, self._view_gen = build_view(s), tok
            finally:
                self._done(s)
            viewcache.save(self.path, self._view, tok)
            return self._view
        s = self._store()
        try:
            gen = _generation(s, self.path)
            if self._view is None or gen != self._view_gen:
                self._view, self._view_gen = build_view(s), gen
            return self._view
        finally:
            self._done(s)

    def entity(self, name: str) -> EntityRef:
        """The entity called ``name`` in any language or script (``輝達`` and ``Nvidia`` give the same)."""
        from dealgraph.graph.view import name_index
        from dealgraph.ingest.clean import fold

        if self._view is None and self._mem is None and isinstance(self.path, Path):
            s = self._store()          # cold, on disk: an exact name is found in the indexes, without the view
            try:
                if s.oxigraph is not None and (iri := _iri_by_exact_name(s, name)) is not None:
                    from dealgraph.graph.view import node_attributes

                    d = node_attributes(s.oxigraph, iri, ox.DefaultGraph() if s._merged() else None)
                    if d is not None:
                        return EntityRef(iri, d["label"], d["type"], tuple(sorted(d["names"])))
            finally:
                self._done(s)
        view = self.view()
        best = None
        iri = name_index(view).get(fold(name))
        if iri is not None:
            d = view.nodes[iri]
            best = EntityRef(iri, d["label"], d["type"], tuple(sorted(d["names"])))
        if best is None:
            from dealgraph.ingest.gazetteer import default_gazetteer

            key = default_gazetteer().lookup(name)
            iri = f"https://w3id.org/dealgraph/id/{key}" if key else None
            if iri and iri in view:
                d = view.nodes[iri]
                best = EntityRef(iri, d["label"], d["type"], tuple(sorted(d["names"])))
        if best is None:
            raise EntityNotFound(f"no entity called {name!r} in the store; try another spelling or language")
        return best

    def circular_deals(self, *, max_length: int = 4, committed_only: bool = False, window_months: int | None = None,
                       top: int | None = None, time_limit: float = 10.0) -> list[dict[str, Any]]:
        """Circular deals as the contract's JSON objects, strongest first."""
        from dealgraph.graph.cycles import find_cycles
        from dealgraph.graph.view import money_flow

        view = self.view()
        res = find_cycles(money_flow(view), max_length=max_length, committed_only=committed_only,
                          window_months=window_months, top=top, time_limit=time_limit)
        if not res.complete:
            log.warning("circular: %s", res.note)
        return [_cycle_json(view, c) for c in res.cycles]

    def show(self, name: str) -> dict[str, Any]:
        """Everything known about one entity, each fact with its sources (see ``graph.show``)."""
        from dealgraph.graph.show import entity_report

        if self._mem is None and isinstance(self.path, Path):
            return self._show_on_disk(name)
        ref = self.entity(name)
        s = self._store()
        try:
            return entity_report(s, self.view(), ref.iri)
        finally:
            self._done(s)

    def _show_on_disk(self, name: str) -> dict[str, Any]:
        """``show`` on an on-disk store: the report kept for ``name`` while the store is unchanged (``graph.answers``),
        else, with no view loaded, only this entity read from the indexes (``graph.view.local_view``), else the view."""
        import time

        from dealgraph.graph import answers, viewcache
        from dealgraph.graph.show import entity_report

        started = time.perf_counter()
        tok = viewcache.token(self.path)
        if (kept := answers.load_report(self.path, tok, name)) is not None:
            return kept
        s = self._store()
        try:
            if self._view is not None:
                iri = self.entity(name).iri
            else:
                iri = _iri_by_exact_name(s, name) if s.oxigraph is not None else None
            report = None
            if iri is not None and self._view is None:
                from dealgraph.graph.view import local_view

                lv = local_view(s.oxigraph, iri, ox.DefaultGraph() if s._merged() else None)
                if iri in lv:
                    report = entity_report(s, lv, iri)
            if report is None:
                report = entity_report(s, self.view(), self.entity(name).iri)
        finally:
            self._done(s)
        answers.keep_report(self.path, tok, name, report, started)
        return report

    def related(self, name: str) -> dict[str, Any]:
        """The control group of an entity and its related-party money flows, with evidence."""
        from dealgraph.graph.related import related_flows

        view = self.view()
        ref = self.entity(name)
        group, flows = related_flows(view, ref.iri)
        label = lambda n: view.nodes[n].get("label") or n  # noqa: E731
        return {"entity": ref.label, "group": sorted(label(n) for n in group),
                "flows": [{"from": label(f.payer), "to": label(f.payee), "predicate": f.predicate, "reason": f.reason,
                           "amount": f.amount, "currency": f.currency, "status": f.status,
                           "sources": list(f.sources), "evidence": list(f.evidence)} for f in flows]}

    def overlap(self) -> dict[str, Any]:
        """Investors backing several companies, and co-investment pairs."""
        from dealgraph.graph.related import co_investors, investor_overlap

        view = self.view()
        label = lambda n: view.nodes[n].get("label") or n  # noqa: E731
        return {"investors": [{"investor": label(i), "companies": [label(c) for c in cs]}
                              for i, cs in investor_overlap(view)],
                "pairs": [{"a": label(a), "b": label(b), "companies": [label(c) for c in cs]}
                          for a, b, cs in co_investors(view)]}

    def export(self, fmt: str, path: str | Path | None = None, *, base_dir: str | Path | None = None) -> bytes:
        """Serialise the graph (turtle, trig, nquads, jsonld, graphml, csv); written atomically to ``path``.

        With ``base_dir``, ``path`` is taken inside it and refused when it leads out (see :func:`output_path`)."""
        from dealgraph.graph.export import export_bytes

        target = None if path is None else output_path(path, base_dir)
        s = self._store()
        try:
            data = export_bytes(s, fmt, view_fn=self.view)
        finally:
            self._done(s)
        if target is not None:
            try:
                write_atomic(target, data)
            except OSError as e:
                raise DealgraphError(f"cannot write {path}: {e.strerror or e}; nothing was written") from None
        return data

    def visualize(self, path: str | Path = "exports/graph.html", *, focus: str | None = None, depth: int = 2,
                  base_dir: str | Path | None = None) -> Path:
        """Write the interactive HTML page (works offline); ``base_dir`` confines ``path`` as for :meth:`export`."""
        from dealgraph.graph.viz import render_html

        target = output_path(path, base_dir)
        try:
            return render_html(self.view(), self.circular_deals(), target, focus=focus, depth=depth,
                               base_dir=None if base_dir is None else Path(base_dir))
        except ValueError as e:        # render_html's own check of base_dir (a symlink changed meanwhile)
            raise DealgraphError(str(e)) from None
        except OSError as e:
            raise DealgraphError(f"cannot write {path}: {e.strerror or e}; nothing was written") from None


def prepare(doc, *, published=None, source: str | None = None, lang: str | None = None):
    """Extract one read article: ``(extraction, graph IRI, quads)``. Pure: touches no store."""
    from dealgraph.graph.rdf import to_quads
    from dealgraph.ingest.pipeline import extract
    from dealgraph.ingest.read import parse_date

    pub = parse_date(published) if published else None
    if published and pub is None:
        raise InputError(f"--published {published!r}: not a date; use YYYY-MM-DD")
    doc = replace(doc, published=pub or doc.published, source=source or doc.source,
                  lang=lang if lang and lang != "auto" else doc.lang)
    ex = extract(doc)
    graph, quads = to_quads(ex)
    return ex, graph, quads


def commit(store: Store, graph: str, quads, extractor: str) -> str:
    """Write an article graph (quads, or N-Quads bytes) unless the same extractor already wrote it: ``added``,
    ``updated`` or ``unchanged``."""
    old = store.article_extractor(graph)
    if old == extractor:
        return "unchanged"
    store.put_article(graph, quads)
    return "updated" if old else "added"


def _iri_by_exact_name(s: Store, name: str) -> str | None:
    """The entity whose table key or whose label / other name is exactly ``name`` (index look-ups only); None
    sends the caller to the full, folded look-up through the view."""
    from dealgraph.graph.rdf import _lang_of, entity_iri
    from dealgraph.ingest.gazetteer import default_gazetteer

    st = s.oxigraph
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    key = default_gazetteer().lookup(name)
    if key:
        iri = entity_iri(key)
        if next(iter(st.quads_for_pattern(iri, rdf_type, None, None)), None) is not None:
            return iri.value
    for pred in ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel"):
        for lang in dict.fromkeys((_lang_of(name), "en", "zh-Hans", "zh-Hant")):
            for q in st.quads_for_pattern(None, ox.NamedNode(pred), ox.Literal(name, language=lang), None):
                return q.subject.value
    return None


def _generation(s: Store, path: Path | str | None) -> object:
    if isinstance(path, Path) and s.path is not None:
        try:
            return max((p.stat().st_mtime_ns for p in Path(path).iterdir()), default=0)
        except OSError:
            pass
    return (s.graph_count(), s.triple_count())


def _cycle_json(view, c) -> dict[str, Any]:
    label = lambda n: view.nodes[n].get("label") or n.rsplit("/", 1)[-1]  # noqa: E731
    edges = []
    for leg in c.legs:
        e: dict[str, Any] = {"from": label(leg.source), "to": label(leg.target), "predicate": leg.predicate}
        if leg.amount is not None:
            e["amount"] = int(leg.amount) if float(leg.amount).is_integer() else leg.amount
            e["currency"] = leg.currency
        e |= {"status": leg.status, "date": leg.date, "sources": list(leg.sources), "evidence": list(leg.evidence)}
        edges.append(e)
    return {"entities": [label(n) for n in c.nodes], "edges": edges, "nodes": list(c.nodes), "score": c.score,
            "money": c.money}


def output_path(path: str | Path, base_dir: str | Path | None = None) -> Path:
    """Where an export or page goes: ``path`` as given, or with ``base_dir`` taken inside that folder.

    With ``base_dir``, a path whose resolved location (through ``..``, an absolute path or a symlink, in the file
    name or any folder above it) lies outside ``base_dir`` is refused, so names that come from a script or a
    request cannot write elsewhere. An existing folder is never a valid output. Raises ``DealgraphError``.
    """
    target = Path(path).expanduser()
    if base_dir is not None:
        base = Path(base_dir).expanduser().resolve()
        resolved = (base / target).resolve()
        if resolved == base or not resolved.is_relative_to(base):
            raise DealgraphError(f"refusing to write {str(path)!r}: it leads to {resolved}, outside {base} "
                                 "(through '..', an absolute path or a symlink); choose a file inside it")
        target = resolved
    if target.is_dir():
        raise DealgraphError(f"{path}: is a folder; give a file name to write to")
    return target


def _umask() -> int:
    """The process umask, read without changing it where the system says it (setting it is not thread-safe)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)        # pragma: no cover (no /proc)
    os.umask(umask)
    return umask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: readers never see half a file.

    The file gets the permissions a plain write would give (those of the file it replaces, else 0o666 less the
    umask) and the rename is made durable by syncing the folder. A symlink at ``path`` is replaced, never
    followed. On any error the old file is left as it was and no temporary file remains.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.lstat().st_mode) if path.is_file() and not path.is_symlink() else None
    except OSError:
        mode = None
    if mode is None:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dfd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:         # pragma: no cover (a folder that cannot be opened: the rename is done anyway)
        return
    try:
        os.fsync(dfd)
    except OSError:         # pragma: no cover (some file systems cannot sync a folder)
        pass
    finally:
        os.close(dfd)


_ = io
