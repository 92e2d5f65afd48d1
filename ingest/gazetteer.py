"""The curated entity table (``ontology/entities.tsv``) as a lookup: any alias, in any script, to one entity.

Lines are ``id  type  label  aliases(|-separated)  tags(,-separated)  maker`` (maker: for products, the key of
the organisation that makes them). Aliases are matched on simplified text;
Latin aliases of four or more characters ignore case, shorter ones (``MGX``, ``UBS``) must match exactly.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dealgraph.errors import DealgraphError
from dealgraph.ingest.clean import fold, to_simplified
from dealgraph.ingest.model import ENTITY_TYPES, Entity

__all__ = ["Gazetteer", "load_gazetteer", "default_gazetteer", "TableError"]

log = logging.getLogger(__name__)
_LATIN = re.compile(r"[A-Za-z]")


class TableError(DealgraphError):
    """The entity table has a malformed line."""


@dataclass
class Gazetteer:
    """Entities by key, and alias indexes for scanning text (``exact``/``folded``) and resolving names (``by_fold``)."""

    entities: dict[str, Entity] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)        # simplified surface → key
    nocase: dict[str, str] = field(default_factory=dict)       # casefolded simplified surface → key
    by_fold: dict[str, str] = field(default_factory=dict)      # fold(name) → key
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)   # first char (casefolded) → lengths

    def add(self, entity: Entity) -> None:
        """Index ``entity`` under its label and every alias; a name already taken keeps its first owner."""
        self.entities[entity.key] = entity
        for name in (entity.label, *entity.names):
            s = to_simplified(name.strip())
            if not s:
                continue
            f = fold(s)
            if f and f not in self.by_fold:
                self.by_fold[f] = entity.key
            if _LATIN.search(s) and len(s) >= 4 and not s.isupper():
                self.nocase.setdefault(s.casefold(), entity.key)
            else:
                self.exact.setdefault(s, entity.key)
            first = s[0].casefold()
            self.lengths[first] = tuple(sorted(set(self.lengths.get(first, ())) | {len(s)}, reverse=True))

    def lookup(self, name: str) -> str | None:
        """The key of the entity called ``name`` (folded: case, script, spaces, punctuation), or None.

        >>> g = Gazetteer(); g.add(Entity("nvidia", "Organization", "NVIDIA", ("英偉達",)))
        >>> g.lookup("英伟达"), g.lookup("Nvidia"), g.lookup("AMD")
        ('nvidia', 'nvidia', None)
        """
        return self.by_fold.get(fold(name))

    def match_at(self, text: str, i: int) -> tuple[str, int] | None:
        """Longest alias starting at ``text[i]``: ``(key, length)`` or None."""
        for n in self.lengths.get(text[i].casefold(), ()):
            s = text[i:i + n]
            if len(s) < n:
                continue
            key = self.exact.get(s) or self.nocase.get(s.casefold())
            if key:
                return key, n
        return None


def load_gazetteer(path: str | Path) -> Gazetteer:
    """Read an entity table; a malformed line raises ``TableError`` naming the file and line."""
    g = Gazetteer()
    with open(path, encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if no == 1 or not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 3 or cols[1] not in ENTITY_TYPES or not cols[0] or not cols[2]:
                raise TableError(f"invalid entity table entry in {path} at line {no}: {line[:80]!r}")
            aliases = tuple(a for a in (cols[3].split("|") if len(cols) > 3 else []) if a.strip())
            tags = tuple(t.strip() for t in (cols[4].split(",") if len(cols) > 4 else []) if t.strip())
            maker = cols[5].strip() if len(cols) > 5 and cols[5].strip() else None
            g.add(Entity(key=cols[0], type=cols[1], label=cols[2], names=aliases, tags=tags, maker=maker))
    return g


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged table, loaded once per process, from a pickle in the cache folder while the table is
    unchanged (building the indexes folds every alias through OpenCC: about ten times slower)."""
    import pickle

    from dealgraph.ingest.segment import cache_dir
    from dealgraph.ontology import entity_table_path

    path = entity_table_path()
    if not path.exists():          # pragma: no cover
        log.warning("entity table %s missing: only names found by patterns will be recognised", path)
        return Gazetteer()
    st = path.stat()
    cached = cache_dir() / f"gazetteer-{st.st_size}-{st.st_mtime_ns}.pickle"
    try:
        with open(cached, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    gaz = load_gazetteer(path)
    try:
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
    except OSError as e:           # a read-only cache folder: load from the table every time
        log.debug("cannot cache the entity table: %s", e)
    return gaz
