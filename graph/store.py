"""The embedded store: Oxigraph (pyoxigraph) on disk, one named graph per article, written atomically.

Reads open the store read-only (many readers at once, beside a writer); writes take the store's lock, and a
second writer gets ``StoreBusyError`` at once instead of waiting or corrupting anything.

>>> s = Store.open(None)                       # in memory
>>> s.triple_count()
0
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dealgraph.errors import QueryError, StoreBusyError, StoreError

#: The vocabulary's namespace (``ontology.namespace.DG``, written out: importing rdflib for it costs 0.15 s).
_DG = "https://w3id.org/dealgraph#"

__all__ = ["Store", "ArticleInfo", "default_store_location"]

log = logging.getLogger(__name__)

_DCT = "http://purl.org/dc/terms/"


def default_store_location() -> str:
    """``$DEALGRAPH_STORE``, else ``./dealgraph-data``."""
    return os.environ.get("DEALGRAPH_STORE") or "dealgraph-data"


@dataclass(frozen=True)
class ArticleInfo:
    """One stored article: its graph IRI, source, date, title, extractor version and triple count."""

    graph: str
    source: str | None
    date: str | None
    title: str | None
    extractor: str | None


class Store:
    """A dealgraph store over a ``pyoxigraph.Store`` (on disk, or in memory when ``path`` is None)."""

    def __init__(self, ox_store: ox.Store, path: Path | None, read_only: bool) -> None:
        self._s = ox_store
        self.path = path
        self.read_only = read_only

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path | None, *, read_only: bool = False) -> Store:
        """Open (creating when writable) the store at ``path``; ``None`` is a fresh in-memory store."""
        if path is None:
            return cls(ox.Store(), None, False)
        if str(path).lower().startswith(("http:/", "https:/")):   # a SPARQL server (Path squeezes "//" to "/")
            from dealgraph.graph.remote import RemoteStore

            return RemoteStore.from_url(path, read_only=read_only)  # type: ignore[return-value]
        p = Path(path)
        if p.exists() and not p.is_dir():
            raise StoreError(f"{p}: is a file, not a store folder; choose another --store")
        try:
            if read_only:
                if not (p / "CURRENT").exists():
                    return cls(ox.Store(), p, True)          # no store yet: an empty one answers every query
                ox_store, snapshot = _open_read_only(p)
                st = cls(ox_store, p, True)
                st._snapshot = snapshot
                return st
            p.mkdir(parents=True, exist_ok=True)
            st = cls(ox.Store(str(p)), p, False)
            st._ensure_merged()
            return st
        except OSError as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreBusyError(f"store is busy: another dealgraph process is writing to {p}; "
                                     "wait for it to finish, or use another --store") from None
            if "Permission denied" in msg or "Read-only" in msg:
                raise StoreError(f"{p}: cannot write to the store (permission denied or read-only disk)") from None
            raise StoreError(f"{p}: cannot open the store: {msg}") from None

    _snapshot: Path | None = None       # a read-only store's private hard-linked copy (see ``_snapshot``)

    def close(self) -> None:
        """Flush and release the store (its lock goes with it)."""
        if self._snapshot is not None:
            self._s = None  # type: ignore[assignment]
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None
        if not self.read_only and self.path is not None:
            try:
                self._s.flush()
            except OSError as e:  # pragma: no cover
                log.warning("flush failed: %s", e)
            if self._dirty:
                from dealgraph.graph import viewcache

                viewcache.mark_clean(self.path)
        self._s = None  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``."""
        return self._s

    # ------------------------------------------------------------------ articles
    def has_article(self, graph: str) -> bool:
        """Whether the article graph ``graph`` is stored."""
        return self._s.contains_named_graph(ox.NamedNode(graph))

    def article_extractor(self, graph: str) -> str | None:
        """The extractor version that wrote ``graph``, or None when it is not stored."""
        g = ox.NamedNode(graph)
        for q in self._s.quads_for_pattern(g, ox.NamedNode(_DG + "extractor"), None, g):
            return q.object.value
        return None

    def put_article(self, graph: str, quads: Iterable[ox.Quad] | bytes) -> None:
        """Write one article graph atomically, replacing any earlier version of it: all in, or nothing.

        The same triples also go into the default graph, which is the set union of all article graphs: queries
        run there (set semantics, one row per fact however many articles state it, and joins without the cost of
        a union over many graphs). Triples only the old version stated leave it in the same transaction.
        ``quads`` may also be the article graph as N-Quads bytes (what bulk ingest's workers send)."""
        self._writable()
        self._mark()
        g = ox.NamedNode(graph)
        try:
            if not self._s.contains_named_graph(g):
                n = self._load_new(g, quads)
                self._s.add_graph(g)
            else:
                if isinstance(quads, bytes):
                    quads = ox.parse(quads, format=ox.RdfFormat.N_QUADS)
                triples = list(dict.fromkeys((q.subject, q.predicate, q.object) for q in quads))
                keep = set(triples)
                gone = [t for t in self._triples_of(g) if t not in keep and not self._elsewhere(t, g)]
                body = " .\n".join(f"{s} {p} {o}" for s, p, o in triples)
                delete = " .\n".join(f"{s} {p} {o}" for s, p, o in gone)
                self._s.update(f"DROP SILENT GRAPH {g} ;\n" + (f"DELETE DATA {{ {delete} . }} ;\n" if gone else "")
                               + f"INSERT DATA {{ GRAPH {g} {{\n{body} .\n}}\n{body} .\n}}")
                n = len(triples)
        except OSError as e:
            raise StoreError(f"writing {graph} failed, the store is unchanged: {_os_reason(e)}") from None
        self._merged_known = True
        self._written(n)

    def _load_new(self, g: ox.NamedNode, quads: Iterable[ox.Quad] | bytes) -> int:
        """A new article graph and its copy in the merged default graph, in one transaction. N-Quads bytes of the
        graph alone are loaded as text (no Python object per quad); anything else is written as quads. Returns
        the quads written to the article graph."""
        if isinstance(quads, bytes):
            lines = _graph_lines(g.value, quads)
            if lines is not None:
                tail = f" {g} .\n"
                self._s.load("".join(line + line.replace(tail, " .\n") for line in lines).encode("utf-8"),
                             format=ox.RdfFormat.N_QUADS)
                return len(lines)
            quads = ox.parse(quads, format=ox.RdfFormat.N_QUADS)
        triples = list(dict.fromkeys((q.subject, q.predicate, q.object) for q in quads))
        dg = ox.DefaultGraph()
        self._s.extend([ox.Quad(s, p, o, g) for s, p, o in triples] + [ox.Quad(s, p, o, dg) for s, p, o in triples])
        return len(triples)

    def load_new_articles(self, articles: Sequence[tuple[str, bytes]]) -> None:
        """Write article graphs none of which is stored yet (each as N-Quads bytes) with Oxigraph's bulk loader,
        which writes table files directly: 2-3 times faster than a transaction per article (``put_article``),
        for a fresh store's first ingest.

        The bulk loader is not transactional, so an article counts as stored only once its extractor mark is
        written, after its batch, in one transaction: after a crash or a full disk an article without its mark is
        not stored (``article_extractor`` is None) and the next ingest writes it again, whole (``put_article``
        replaces whatever part of it was loaded)."""
        self._writable()
        self._mark()
        body: list[str] = []
        marks: list[str] = []
        odd: list[tuple[str, bytes]] = []
        for graph, data in articles:
            lines = _graph_lines(graph, data)
            if lines is None:
                odd.append((graph, data))            # blank nodes, or quads outside the graph: the usual way
                continue
            tail, head = f" <{graph}> .\n", f"<{graph}> <{_DG}extractor> "
            for line in lines:
                (marks if line.startswith(head) else body).append(line)
                body.append(line.replace(tail, " .\n"))      # the merged default graph's copy
        try:
            if body:
                self._s.bulk_load("".join(body).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            self._s.load("".join(marks).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        except OSError as e:
            raise StoreError(f"bulk-loading {len(articles)} articles failed ({_os_reason(e)}); none of them counts "
                             "as stored: ingest them again") from None
        self._merged_known = True
        for graph, data in odd:
            self.put_article(graph, data)

    def _triples_of(self, g: ox.NamedNode) -> list[tuple]:
        return [(q.subject, q.predicate, q.object) for q in self._s.quads_for_pattern(None, None, None, g)]

    def _elsewhere(self, t: tuple, g: ox.NamedNode) -> bool:
        """Whether another article graph states triple ``t`` too (then it stays in the merged default graph)."""
        return any(q.graph_name != g and not isinstance(q.graph_name, ox.DefaultGraph)
                   for q in self._s.quads_for_pattern(t[0], t[1], t[2], None))

    def _ensure_merged(self) -> None:
        """A store written before the merged default graph existed gets it, once, when opened for writing."""
        if self.read_only or next(iter(self._s.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            return
        if next(iter(self._s.named_graphs()), None) is None:
            return
        self._s.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in self.quads()])

    #: Quads written between two flushes of RocksDB's memory tables to disk (about 50 articles).
    FLUSH_EVERY_QUADS = 20_000
    _unflushed = 0

    _dirty = False

    def _mark(self) -> None:
        """First write of this session: mark the store's view cache stale (see ``graph.viewcache``)."""
        if not self._dirty and self.path is not None:
            from dealgraph.graph import viewcache

            viewcache.mark_dirty(self.path)
            self._dirty = True

    def _written(self, n: int) -> None:
        """Count quads written and flush past ``FLUSH_EVERY_QUADS``. Without it a long ingest's memory grows by
        about 0.4 MB per article and never levels off (1.4 GB after 3,750 articles, with the write-ahead log as
        large on disk); with it the process stays flat (``bench/soak.py``). The article is already committed to
        the write-ahead log, so a failed flush is only reported."""
        self._unflushed += n
        if self.path is None or self._unflushed < self.FLUSH_EVERY_QUADS:
            return
        self._unflushed = 0
        try:
            self._s.flush()
        except OSError as e:
            log.warning("flushing the store to disk failed (%s); the written articles are kept in its log",
                        _os_reason(e))

    def remove_article(self, graph: str) -> int:
        """Drop an article graph; returns how many triples went (0 if it was not stored)."""
        self._writable()
        g = ox.NamedNode(graph)
        if not self._s.contains_named_graph(g):
            return 0
        self._mark()
        old = self._triples_of(g)
        n = len(old)
        gone = [t for t in old if not self._elsewhere(t, g)]
        try:
            if gone:
                delete = " .\n".join(f"{s} {p} {o}" for s, p, o in gone)
                self._s.update(f"DROP GRAPH {g} ;\nDELETE DATA {{ {delete} . }}")
            else:
                self._s.remove_graph(g)
        except OSError as e:
            raise StoreError(f"removing {graph} failed, the store is unchanged: {_os_reason(e)}") from None
        self._written(n)
        return n

    def articles(self) -> list[ArticleInfo]:
        """Every stored article, oldest publication first."""
        q = f"""PREFIX dg: <{_DG}> PREFIX dct: <{_DCT}>
        SELECT ?g ?src ?date ?title ?ex WHERE {{ GRAPH ?g {{ ?a a dg:Article .
          OPTIONAL {{ ?a dct:source ?src }} OPTIONAL {{ ?a dct:date ?date }} OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ ?a dg:extractor ?ex }} }} }} ORDER BY ?date ?g"""
        out = []
        for r in self._s.query(q):
            out.append(ArticleInfo(r["g"].value, _v(r["src"]), _v(r["date"]), _v(r["title"]), _v(r["ex"])))
        return out

    def find_articles(self, ref: str) -> list[str]:
        """Graph IRIs of stored articles named by ``ref``: a graph IRI, a content hash, a source URL or file."""
        refs = {ref}
        p = Path(ref)
        if p.exists():
            refs.add(p.resolve().as_uri())
        hits = []
        for a in self.articles():
            if a.graph in refs or a.graph.rsplit("/", 1)[-1] in refs or a.source in refs:
                hits.append(a.graph)
        return hits

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run SPARQL over the union of all article graphs; ``bindings`` substitute variables (never text)."""
        if bindings:                 # a VALUES block built from terms: any variable, and faster than substitutions
            from dealgraph.graph.remote import inject_bindings

            sparql = inject_bindings(sparql, bindings)
        try:
            return self._s.query(sparql, use_default_graph_as_union=not self._merged())
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from None
        except OSError as e:
            raise StoreError(f"query failed: {e}") from None
        except RuntimeError as e:
            raise QueryError(f"query failed: {e}") from None

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL update (``serve`` with updates allowed), then rebuild the merged default graph from the
        article graphs, all in one transaction."""
        self._writable()
        self._mark()
        try:
            self._s.update(f"{sparql_update} ;\nCLEAR SILENT DEFAULT ;\n"
                           "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        except SyntaxError as e:
            raise QueryError(f"SPARQL update syntax error: {e}") from None
        except OSError as e:
            raise StoreError(f"update failed, the store is unchanged: {_os_reason(e)}") from None
        self._merged_known = True

    def _merged(self) -> bool:
        """Whether the default graph holds the union (always, but for a store from before it existed, read-only)."""
        if getattr(self, "_merged_known", None) is None:
            self._merged_known = next(iter(self._s.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                                      None) is not None or next(iter(self._s.named_graphs()), None) is None
        return self._merged_known

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every article graph (the merged default graph is not repeated)."""
        return (q for q in self._s.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))

    def triple_count(self) -> int:
        """Number of quads in the article graphs."""
        return sum(1 for _ in self.quads())

    def graph_count(self) -> int:
        """Number of article graphs."""
        return sum(1 for _ in self._s.named_graphs())

    def dump(self, output, fmt: ox.RdfFormat) -> None:
        """Serialise every article graph, one named graph each (``fmt`` must hold datasets: N-Quads, TriG)."""
        ox.serialize(self.quads(), output, fmt)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("store opened read-only")


#: Tries of a read-only open that meets a file the writer's compaction just deleted (see ``_open_read_only``).
READ_ONLY_OPEN_TRIES = 8
_READERS = ".readers"


def _graph_lines(graph: str, data: bytes) -> list[str] | None:
    """The lines of N-Quads ``data`` when every one is a quad in ``graph`` without blank nodes (which a load
    would relabel), each ending in `` <graph> .``; else None."""
    tail = f" {ox.NamedNode(graph)} .\n"
    text = data.decode("utf-8")
    text += "" if not text or text.endswith("\n") else "\n"
    if "_:" in text or text.count(tail) != text.count("\n"):
        return None
    return text.splitlines(keepends=True)


def _open_read_only(p: Path) -> tuple[ox.Store, Path | None]:
    """A read-only store at ``p`` that a live writer cannot pull files from under; and its snapshot folder.

    RocksDB's read-only open beside a writer is undefined behaviour (pyoxigraph says so), and it shows: the
    writer's flushes and compactions delete table files the reader has listed but not opened yet, and then the
    open fails ("No such file or directory", "Corruption: ... may be corrupted"), a read fails, or a query spins
    in Oxigraph's iterator without end, allocating gigabytes (measured beside a writer flushing every 20,000
    quads: one open in six failed, and one query in a few hundred never returned). So the reader opens a private
    snapshot instead (:func:`_snapshot`): hard links to the table files, which the writer's deletions then cannot
    take away. Where no snapshot can be made (a store folder it may not write), the store itself is opened,
    with the open retried as above; still failing after the tries, it is a ``StoreError``, not a traceback."""
    delay = 0.02
    for attempt in range(READ_ONLY_OPEN_TRIES):
        snap = _snapshot(p)
        try:
            return ox.Store.read_only(str(snap or p)), snap
        except (OSError, RuntimeError) as e:
            if snap is not None:
                shutil.rmtree(snap, ignore_errors=True)
            msg = str(e)
            if "No such file" not in msg and "Corruption" not in msg:
                if isinstance(e, OSError):
                    raise
                raise StoreError(f"{p}: cannot open the store: {msg.splitlines()[0]}") from None
            if attempt == READ_ONLY_OPEN_TRIES - 1:
                raise StoreError(f"{p}: cannot open the store while another process keeps rewriting its files "
                                 f"({msg.splitlines()[0][:160]}); try again when the ingest is done") from None
            log.info("read-only open raced the writer (%s); trying again", msg[:80])
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    raise AssertionError("unreachable")  # pragma: no cover


def _snapshot(p: Path, patience: float = 15.0) -> Path | None:
    """A consistent private copy of the store at ``p`` for a read-only open, in ``p/.readers/``; None if none
    can be made.

    Table files (``.sst``, never rewritten) are hard-linked, so they outlive the writer's deletion of them; the
    manifest, ``CURRENT``, options and write-ahead logs (which the writer appends to) are copied. The copy is
    consistent when the manifest did not change while it was made: flushes and compactions (the only things that
    delete files or retire logs) all append to it. Otherwise it is made again."""
    root = p / _READERS
    try:
        root.mkdir(exist_ok=True)
        _sweep_snapshots(root)
        d = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}@{_host()}-", dir=root))
    except OSError:
        return None
    delay = 0.005
    deadline = time.monotonic() + patience      # a busy writer changes the manifest often: keep trying a while
    while time.monotonic() < deadline:
        try:
            current = (p / "CURRENT").read_bytes()
            manifest = p / current.decode("ascii").strip()
            size = manifest.stat().st_size
            for f in d.iterdir():
                f.unlink()
            shutil.copyfile(manifest, d / manifest.name)
            (d / "CURRENT").write_bytes(current)
            for f in os.listdir(p):
                src, dst = p / f, d / f
                try:
                    if f.endswith((".sst", ".blob")):
                        os.link(src, dst)
                    elif f.endswith(".log") or f.startswith("OPTIONS-") or f == "IDENTITY":
                        shutil.copyfile(src, dst)
                except FileNotFoundError:       # gone meanwhile: the manifest check below decides
                    continue
            if ((p / "CURRENT").read_bytes() == current and manifest.stat().st_size == size
                    and (d / manifest.name).stat().st_size == size):
                return d
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError):
            break                               # cannot link (another file system, no permission): no snapshot
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
    shutil.rmtree(d, ignore_errors=True)
    return None


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:64] or "host"


def _sweep_snapshots(root: Path) -> None:
    """Remove the snapshots of readers that are gone (killed before they could clean up). Only this machine's
    (``pid@host-``): a process id means nothing on another host or container sharing the folder."""
    for d in root.iterdir():
        pid, _, host = d.name.split("-", 1)[0].partition("@")
        if not pid.isdigit() or int(pid) == os.getpid() or host != _host():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def _os_reason(e: OSError) -> str:
    """An OSError as one line: ``No space left on device`` rather than a RocksDB dump."""
    if e.errno == errno.ENOSPC or "No space left" in str(e):
        return "no space left on the disk; free some space and run the command again"
    if e.strerror:
        return e.strerror
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _v(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]
