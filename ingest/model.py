"""The data shapes that flow through the pipeline, one frozen dataclass per stage.

RawDocument → CleanText → Sentence → Mention → Entity → Fact (with Evidence) → Extraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

__all__ = [
    "RawDocument", "CleanText", "Sentence", "Mention", "Entity", "Amount", "PartialDate",
    "Evidence", "Fact", "Extraction", "ENTITY_TYPES", "RELATION_KINDS", "NARY_KINDS",
]

ENTITY_TYPES = ("Organization", "Person", "Product", "Facility", "Project")
RELATION_KINDS = ("investedIn", "buysFrom", "partnerOf", "founded", "acquired", "controls", "executiveOf",
                  "develops", "operates", "participatesIn", "leads")
NARY_KINDS = ("FundingRound", "Valuation", "FinancialMetric", "Contract")


@dataclass(frozen=True)
class RawDocument:
    """An article as read: its text exactly as decoded, and what is known about it."""

    text: str
    source: str | None = None          # URL or file path
    published: date | None = None
    lang: str | None = None            # "zh-Hans", "zh-Hant", "en", or None for auto
    title: str | None = None
    author: str | None = None
    path: str | None = None            # file it came from, if any
    body_start: int = 0                # where the article body starts in ``text`` (after front matter)


@dataclass(frozen=True)
class CleanText:
    """Clean text plus, for each of its characters, the offset of the raw character it came from.

    ``simplified`` is ``text`` in simplified Chinese, of the same length, used for matching only.
    """

    text: str
    offsets: tuple[int, ...]
    simplified: str
    raw_length: int
    author: str | None = None

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean-text span ``[start, end)`` back to the raw text."""
        if start >= end or not self.offsets:
            pos = self.offsets[start] if start < len(self.offsets) else self.raw_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Sentence:
    """A sentence of the clean text, ``[start, end)`` in clean offsets."""

    index: int
    start: int
    end: int
    text: str          # clean text
    norm: str          # simplified text, same length


@dataclass(frozen=True)
class Mention:
    """A name found in the text, resolved to an entity key (``nvidia``, ``name-valor-equity-partners``)."""

    start: int
    end: int
    surface: str
    key: str
    type: str
    how: str = "table"   # table, latin, suffix, title, product


@dataclass(frozen=True)
class Entity:
    """A resolved entity: its IRI slug, type, preferred label and every other name."""

    key: str
    type: str
    label: str
    names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    label_lang: str = "en"
    maker: str | None = None           # for products: the key of the organisation that makes it


@dataclass(frozen=True)
class Amount:
    """Money in whole units of an ISO 4217 currency, with how exactly the text states it."""

    value: Decimal
    currency: str | None
    bound: str = "exact"     # exact, approx, atLeast, atMost
    high: Decimal | None = None


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the text allows: year, year-month, or year-month-day."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        """``2026``, ``2026-01`` or ``2026-01-06``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence as it stands in the raw article, its raw offsets, and the rules used."""

    sentence: str
    start: int
    end: int
    extractor: str


@dataclass(frozen=True)
class Fact:
    """One fact. ``kind`` is a relation (``investedIn``...) or an n-ary class (``FundingRound``...).

    Relations use ``subject`` and ``object``; n-ary facts use ``roles`` (``company``, ``investor``, ``buyer``...)
    and ``values`` (``roundName``, ``metric``, ``capacity``, ``subject``...).
    """

    kind: str
    evidence: Evidence
    subject: str | None = None
    object: str | None = None
    roles: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    amount: Amount | None = None
    date: PartialDate | None = None
    status: str | None = None
    reported_by: str | None = None

    def role(self, name: str) -> tuple[str, ...]:
        """Entity keys filling ``name``."""
        return tuple(k for r, k in self.roles if r == name)

    def value(self, name: str) -> str | None:
        """First value named ``name``."""
        return next((v for n, v in self.values if n == name), None)


@dataclass(frozen=True)
class Extraction:
    """What one article yields: its metadata, the clean text, the entities it names and the facts it states."""

    document: RawDocument
    clean: CleanText
    content_hash: str
    lang: str
    entities: tuple[Entity, ...] = ()
    facts: tuple[Fact, ...] = ()
    sentences: int = 0
    extractor: str = ""
    warnings: tuple[str, ...] = field(default=())
