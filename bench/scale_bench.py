"""Queries at scale: ``show``, the named SPARQL queries and ``circular`` on a generated store of about 1M triples,
each beside the same question in rdflib's in-memory ``Dataset`` (the baseline) and in pyoxigraph called directly
(the floor).

The store is made the way a real one is: ``ingest.model`` extractions (entities with their names, facts with
evidence) for generated articles about some 20,000 companies (the entity table's organisations first, then
made-up ones), turned into quads by ``graph.rdf.to_quads`` and written one article at a time with
``api.commit`` (a named graph per article plus the merged default graph ``graph.store`` keeps). Deterministic
for a given seed.

Every figure is the median of several runs after a warm-up, each engine's runs in a forked child process stopped
at a time cap (reported as ``> N s``). The three engines must agree on the number of result rows; a mismatch is
printed as ``ROW MISMATCH`` and makes the exit status 1.

``python -m bench.scale_bench [--quick] [--triples N] [--seed 0] [--json out.json] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import json
import math
import multiprocessing as mp
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.generate import Named, load_entities
from bench.report import Report, fmt_seconds

__all__ = ["Cast", "make_cast", "extractions", "build_store", "SHOW_QUERIES", "run", "main"]

FULL_TRIPLES = 1_000_000
QUICK_TRIPLES = 50_000
COMPANIES_PER_TRIPLE = 0.02          # about 20,000 companies in 1M triples
TARGETS = {"show": 0.100, "query": 0.200, "circular": 2.0}
GENERATOR = 2                        # bumped when the generated articles change: a kept store is then rebuilt

# ----------------------------------------------------------------------------------------------- the cast

_EN_A = ("Nova", "Quanta", "Helix", "Vector", "Lumen", "Arbor", "Cobalt", "Delta", "Ember", "Fathom", "Granite",
         "Halo", "Iris", "Juniper", "Kestrel", "Lattice", "Meridian", "Nimbus", "Orbit", "Pylon", "Quill", "Radiant",
         "Sable", "Tessera", "Umbra", "Vertex", "Willow", "Xenon", "Yarrow", "Zephyr", "Aster", "Beacon", "Cinder",
         "Drift", "Echo", "Flux", "Gale", "Harbor", "Indigo", "Jade")
_EN_B = ("Mind", "Scale", "Forge", "Logic", "Neural", "Signal", "Shift", "Stack", "Spark", "Path", "Loop", "Grid",
         "Wave", "Core", "Field", "Bridge", "Stream", "Frame", "Pulse", "Light", "Works", "Sense", "Layer", "Byte",
         "Hive")
_EN_STARTUP = ("AI", "Labs", "Robotics", "Intelligence", "Systems", "Dynamics", "Technologies", "Health", "Bio")
_EN_INVESTOR = ("Capital", "Ventures", "Partners", "Investments", "Fund", "Growth")
_EN_SUPPLIER = ("Cloud", "Semiconductor", "Compute", "Data Centers", "Networks", "Silicon")
_ZH_A = "星云量子螺旋矢量光辉乔木钴德尔塔余烬深度花岗光环鸢尾杜松隼晶格子午云雨轨道塔羽光明黑貂镶嵌影顶点柳氙蓍草西风"
_ZH_B = "智算擎思脉数元图光波核桥流帧芯层源"
_ZH_STARTUP = ("科技", "智能", "机器人", "人工智能", "生物")
_ZH_INVESTOR = ("资本", "创投", "投资")
_ZH_SUPPLIER = ("云计算", "半导体", "算力", "数据中心")
_FIRST = ("Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Harper", "Li", "Wei",
          "Ming", "Hui", "Jun", "Yan", "Chen", "Priya", "Arjun", "Sofia", "Lucas", "Mei", "Hana", "Omar", "Elena")
_LAST = ("Zhang", "Wang", "Liu", "Chen", "Huang", "Lin", "Smith", "Garcia", "Kim", "Patel", "Nguyen", "Okafor",
         "Schmidt", "Rossi", "Tanaka", "Silva", "Cohen", "Ivanova", "Larsen", "Moreau", "Novak", "Walsh", "Reyes")
_ZH_SURNAME = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


@dataclass(frozen=True)
class Ent:
    """One entity of the cast: what ``ingest.model.Entity`` needs, and its name in each script."""

    key: str
    type: str
    label: str
    hans: str
    hant: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def surface(self, lang: str) -> str:
        """How an article in ``lang`` names it."""
        return {"en": self.label, "zh-Hans": self.hans, "zh-Hant": self.hant}[lang]


@dataclass
class Pool:
    """Entities of one part, better-known ones first, drawn with weight ``1 / (rank + 4)``."""

    items: list[Ent]
    cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        total, self.cum = 0.0, []
        for i in range(len(self.items)):
            total += 1.0 / (i + 4)
            self.cum.append(total)

    def draw(self, rng: random.Random, k: int = 1) -> list[Ent]:
        """``k`` distinct entities (fewer when the pool is smaller)."""
        out: list[Ent] = []
        while len(out) < min(k, len(self.items)):
            e = rng.choices(self.items, cum_weights=self.cum)[0]
            if e not in out:
                out.append(e)
        return out


@dataclass
class Cast:
    """Everyone the generated articles talk about, by the part they play."""

    startups: Pool
    labs: Pool          # the table's model labs: hub deals (suppliers invest in them, they buy from suppliers)
    investors: Pool
    suppliers: Pool     # chips, cloud, data centres: who startups buy from
    acquirers: Pool
    media: Pool
    people: Pool
    next_startup: int = 0

    def main_company(self, rng: random.Random) -> Ent:
        """The company an event is about: most often the next one in turn (so every company shows up), else a
        well-known one (so some have long histories)."""
        if rng.random() < 0.7:
            e = self.startups.items[self.next_startup % len(self.startups.items)]
            self.next_startup += 1
            return e
        return self.startups.draw(rng)[0]

    def companies(self) -> int:
        """Distinct organisations in the cast."""
        pools = (self.startups, self.labs, self.investors, self.suppliers, self.acquirers, self.media)
        return len({e.key for p in pools for e in p.items if e.type == "Organization"})


def _table_ent(n: Named) -> Ent:
    hans = n.hans[0] if n.hans else n.label
    hant = n.hant[0] if n.hant else hans
    aliases = tuple(sorted({*n.en, *n.hans, *n.hant} - {n.label}))
    return Ent(n.key, n.type, n.label, hans, hant, aliases, tuple(sorted(n.tags)))


def _slug(s: str) -> str:
    return "name-" + "-".join("".join(c.lower() if c.isalnum() else " " for c in s).split())


def _unique(label: str, seen: set[str]) -> str | None:
    """``label``, or it numbered, so that no two entities share a name under ``fold`` (the look-up ``show``
    uses: case, spaces and punctuation ignored); None when both are taken."""
    from dealgraph.ingest.clean import fold

    for candidate in (label, f"{label} {len(seen) % 997}"):
        if fold(candidate) not in seen:
            seen.add(fold(candidate))
            return candidate
    return None


def _made_up(rng: random.Random, n: int, en_tail: Sequence[str], zh_tail: Sequence[str], seen: set[str],
             s2t: Callable[[str], str]) -> list[Ent]:
    """``n`` invented organisations with an English label and simplified and traditional Chinese names."""
    out: list[Ent] = []
    while len(out) < n:
        a, b, i = rng.choice(_EN_A), rng.choice(_EN_B), rng.randrange(len(en_tail))
        label = _unique(f"{a}{b} {en_tail[i]}" if rng.random() < 0.7 else f"{a} {b} {en_tail[i]}", seen)
        if label is None:
            continue
        hans = rng.choice(_ZH_A) + rng.choice(_ZH_A) + rng.choice(_ZH_B) + zh_tail[i % len(zh_tail)]
        out.append(Ent(_slug(label), "Organization", label, hans, s2t(hans)))
    return out


def _people(rng: random.Random, n: int, seen: set[str], s2t: Callable[[str], str]) -> list[Ent]:
    """``n`` invented people, Latin and Chinese names."""
    out: list[Ent] = []
    while len(out) < n:
        label = _unique(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", seen)
        if label is None:
            continue
        hans = rng.choice(_ZH_SURNAME) + rng.choice(_ZH_GIVEN) + rng.choice(_ZH_GIVEN)
        out.append(Ent(_slug(label), "Person", label, hans, s2t(hans)))
    return out


def make_cast(n_companies: int, seed: int = 0) -> Cast:
    """The table's organisations and people first (real names in three scripts), then invented ones up to
    ``n_companies`` organisations: 8% investors, 2% suppliers, the rest startups."""
    import opencc

    s2t = opencc.OpenCC("s2t").convert
    rng = random.Random(f"dealgraph-scale-cast:{seed}")
    table = [_table_ent(n) for n in load_entities() if n.type in ("Organization", "Person")]

    def tagged(*tags: str, avoid: tuple[str, ...] = ()) -> list[Ent]:
        return [e for e in table if e.type == "Organization" and set(e.tags) & set(tags) and not set(e.tags) & set(avoid)]

    from dealgraph.ingest.clean import fold

    orgs = [e for e in table if e.type == "Organization"]
    seen = {fold(n) for e in table for n in (e.label, *e.aliases)}
    n_syn = max(0, n_companies - len(orgs))
    investors = tagged("investor", "sovereign", "bank", avoid=("media", "research"))
    suppliers = tagged("chip", "cloud", "datacenter", "hardware")
    labs = tagged("lab", avoid=("bigtech",))
    syn_inv = _made_up(rng, n_syn * 8 // 100, _EN_INVESTOR, _ZH_INVESTOR, seen, s2t)
    syn_sup = _made_up(rng, n_syn * 2 // 100, _EN_SUPPLIER, _ZH_SUPPLIER, seen, s2t)
    syn_start = _made_up(rng, n_syn - len(syn_inv) - len(syn_sup), _EN_STARTUP, _ZH_STARTUP, seen, s2t)
    people = [e for e in table if e.type == "Person"] + _people(rng, max(50, n_companies // 4), seen, s2t)
    return Cast(startups=Pool(labs + syn_start), labs=Pool(labs), investors=Pool(investors + syn_inv),
                suppliers=Pool(suppliers + syn_sup), acquirers=Pool(tagged("bigtech") + suppliers),
                media=Pool(tagged("media")), people=Pool(people))


# ----------------------------------------------------------------------------------------------- articles

_LANGS = ("zh-Hans", "zh-Hant", "en")
_ROUNDS = ("Seed", "Angel", "Pre-A", "Series A", "Series B", "Series C", "Series D", "Series E", "B+", "C+")
_METRICS = ("annualizedRevenue", "revenue", "totalFunding", "loss", "capex", "contractBacklog")
_SUBJECTS = ("GPUs", "cloud compute", "AI servers", "data center capacity", "networking")
_STATUSES = ("completed", "announced", "planned")
_BOUNDS = ("exact", "approx", "atLeast", "atMost")


@dataclass
class _Story:
    """One article being written: its language, date, the facts so far, and who it names."""

    rng: random.Random
    lang: str
    published: date
    cast: Cast
    facts: list = field(default_factory=list)
    named: dict[str, Ent] = field(default_factory=dict)
    offset: int = 0

    def name(self, e: Ent) -> str:
        self.named[e.key] = e
        return e.surface(self.lang)

    def evidence(self, text: str):
        from dealgraph.ingest.model import Evidence
        from dealgraph.ingest.rules import EXTRACTOR

        ev = Evidence(text, self.offset, self.offset + len(text), EXTRACTOR)
        self.offset += len(text) + self.rng.randint(20, 400)
        return ev

    def amount(self, lo: float, hi: float):
        from dealgraph.ingest.model import Amount

        r = self.rng
        value = int(float(f"{math.exp(r.uniform(math.log(lo), math.log(hi))):.2g}"))
        cur = r.choices(("USD", "CNY", "EUR", "HKD"), weights=(80, 12, 5, 3))[0]
        return Amount(Decimal(value), cur, r.choices(_BOUNDS, weights=(60, 25, 10, 5))[0])

    def when(self):
        from dealgraph.ingest.model import PartialDate

        d = self.published - timedelta(days=self.rng.randrange(0, 900))
        kind = self.rng.choices((0, 1, 2), weights=(10, 50, 40))[0]
        return PartialDate(d.year, None if kind == 0 else d.month, d.day if kind == 2 else None)

    def status(self) -> str:
        return self.rng.choices(_STATUSES, weights=(55, 25, 20))[0]

    def say(self, en: str, zh: str) -> str:
        """The sentence in the article's language (traditional Chinese by the same template, other names)."""
        return en if self.lang == "en" else zh


def _fact(kind: str, ev, **kw: Any):
    from dealgraph.ingest.model import Fact

    return Fact(kind, ev, **kw)


def _round(st: _Story) -> None:
    """A funding round: the round node, an ``investedIn`` per investor, often a valuation from the same sentence."""
    r, c = st.rng, st.cast.main_company(st.rng)
    lead, *others = st.cast.investors.draw(r, r.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0])
    strategic = st.cast.suppliers.draw(r)[0] if r.random() < 0.2 else None
    amt, when, status = st.amount(2e6, 5e9), st.when(), st.status()
    name = r.choice(_ROUNDS) if r.random() < 0.6 else None
    names = ", ".join(st.name(o) for o in others + ([strategic] if strategic else []))
    ev = st.evidence(st.say(f"{st.name(c)} raised {amt.value} {amt.currency} in a {name or 'new'} round led by "
                            f"{st.name(lead)}" + (f", joined by {names}." if names else "."),
                            f"{st.name(c)}完成{amt.value}{amt.currency}{name or '新一'}轮融资，由{st.name(lead)}领投"
                            + (f"，{names}跟投。" if names else "。")))
    roles = [("company", c.key), ("leadInvestor", lead.key)] + [("investor", o.key) for o in others]
    roles += [("strategicInvestor", strategic.key)] if strategic else []
    media = st.cast.media.draw(r)[0] if r.random() < 0.2 else None
    if media:
        st.name(media)
    st.facts.append(_fact("FundingRound", ev, roles=tuple(roles), values=(("roundName", name),) if name else (),
                          amount=amt, date=when, status=status, reported_by=media.key if media else None))
    for i, inv in enumerate([lead, *others] + ([strategic] if strategic else [])):
        st.facts.append(_fact("investedIn", ev, subject=inv.key, object=c.key, status=status,
                              amount=amt if i == 0 and not others else None, date=when))
    if r.random() < 0.5:
        st.facts.append(_fact("Valuation", ev, roles=(("company", c.key),), amount=st.amount(2e7, 8e10), date=when,
                              reported_by=media.key if media else None))


def _contract(st: _Story, buyer: Ent | None = None, seller: Ent | None = None) -> None:
    """A purchase: the contract node and the ``buysFrom`` it makes."""
    r = st.rng
    c = buyer or st.cast.main_company(r)
    s = seller or st.cast.suppliers.draw(r)[0]
    amt = st.amount(1e6, 3e10) if r.random() < 0.8 else None
    subject = r.choice(_SUBJECTS) if r.random() < 0.6 else None
    cap = f"{r.choice((0.2, 0.5, 1, 1.5, 2, 4.5))} GW" if r.random() < 0.3 else None
    ev = st.evidence(st.say(f"{st.name(c)} agreed to buy {subject or 'services'} from {st.name(s)}"
                            + (f" for about {amt.value} {amt.currency}." if amt else "."),
                            f"{st.name(c)}将向{st.name(s)}采购{subject or '服务'}" + (f"，金额约{amt.value}{amt.currency}。"
                                                                                if amt else "。")))
    when, status = st.when(), st.status()
    values = tuple(x for x in (("subject", subject), ("capacity", cap)) if x[1])
    st.facts.append(_fact("Contract", ev, roles=(("buyer", c.key), ("seller", s.key)), values=values, amount=amt,
                          date=when, status=status))
    st.facts.append(_fact("buysFrom", ev, subject=c.key, object=s.key, amount=amt, date=when, status=status))


def _hub_deal(st: _Story) -> None:
    """A supplier invests in a model lab that buys from it: the circular deals the project is about."""
    r = st.rng
    lab, sup = st.cast.labs.draw(r)[0], st.cast.suppliers.draw(r)[0]
    amt, when, status = st.amount(1e8, 1e11), st.when(), st.status()
    ev = st.evidence(st.say(f"{st.name(sup)} will invest up to {amt.value} {amt.currency} in {st.name(lab)}.",
                            f"{st.name(sup)}拟向{st.name(lab)}投资最多{amt.value}{amt.currency}。"))
    st.facts.append(_fact("investedIn", ev, subject=sup.key, object=lab.key, amount=amt, date=when, status=status))
    st.facts.append(_fact("FundingRound", ev, roles=(("company", lab.key), ("strategicInvestor", sup.key)),
                          amount=amt, date=when, status=status))
    _contract(st, lab, sup if r.random() < 0.7 else None)


def _partner(st: _Story) -> None:
    r = st.rng
    a, b = st.cast.main_company(r), st.cast.startups.draw(r)[0]
    if a == b:
        return
    ev = st.evidence(st.say(f"{st.name(a)} and {st.name(b)} announced a partnership.",
                            f"{st.name(a)}与{st.name(b)}宣布达成战略合作。"))
    st.facts.append(_fact("partnerOf", ev, subject=a.key, object=b.key, date=st.when()))


def _metric(st: _Story) -> None:
    r = st.rng
    c, metric = st.cast.main_company(r), r.choice(_METRICS)
    amt = st.amount(1e6, 2e10)
    media = st.cast.media.draw(r)[0] if r.random() < 0.3 else None
    ev = st.evidence(st.say(f"{st.name(c)} reported {metric} of {amt.value} {amt.currency}.",
                            f"{st.name(c)}的{metric}达到{amt.value}{amt.currency}。"))
    if media:
        st.name(media)
    st.facts.append(_fact("FinancialMetric", ev, roles=(("company", c.key),), values=(("metric", metric),),
                          amount=amt, date=st.when(), reported_by=media.key if media else None))


def _valuation(st: _Story) -> None:
    r = st.rng
    c, amt = st.cast.main_company(r), st.amount(2e7, 8e10)
    media = st.cast.media.draw(r)[0] if r.random() < 0.4 else None
    ev = st.evidence(st.say(f"{st.name(c)} is now valued at {amt.value} {amt.currency}.",
                            f"{st.name(c)}估值已达{amt.value}{amt.currency}。"))
    if media:
        st.name(media)
    st.facts.append(_fact("Valuation", ev, roles=(("company", c.key),), amount=amt, date=st.when(),
                          reported_by=media.key if media else None))


def _people_event(st: _Story) -> None:
    r = st.rng
    c, p = st.cast.main_company(r), st.cast.people.draw(r)[0]
    ev = st.evidence(st.say(f"{st.name(p)}, who founded {st.name(c)}, is its chief executive.",
                            f"{st.name(c)}创始人兼首席执行官{st.name(p)}表示。"))
    st.facts.append(_fact("executiveOf", ev, subject=p.key, object=c.key))
    if r.random() < 0.6:
        st.facts.append(_fact("founded", ev, subject=p.key, object=c.key))


def _acquire(st: _Story) -> None:
    r = st.rng
    c, a = st.cast.main_company(r), st.cast.acquirers.draw(r)[0]
    amt = st.amount(1e7, 5e10) if r.random() < 0.7 else None
    ev = st.evidence(st.say(f"{st.name(a)} acquired {st.name(c)}.", f"{st.name(a)}收购了{st.name(c)}。"))
    st.facts.append(_fact("acquired", ev, subject=a.key, object=c.key, amount=amt, date=st.when(),
                          status=st.status()))


def _control(st: _Story) -> None:
    r = st.rng
    c = st.cast.main_company(r)
    parent = (st.cast.acquirers if r.random() < 0.5 else st.cast.investors).draw(r)[0]
    ev = st.evidence(st.say(f"{st.name(c)} is controlled by {st.name(parent)}.", f"{st.name(parent)}旗下的{st.name(c)}。"))
    st.facts.append(_fact("controls", ev, subject=parent.key, object=c.key))


_EVENTS: tuple[tuple[Callable[[_Story], None], int], ...] = (
    (_round, 28), (_contract, 22), (_valuation, 10), (_partner, 9), (_people_event, 9), (_metric, 8),
    (_hub_deal, 3), (_acquire, 4), (_control, 4))


def _entity(e: Ent):
    from dealgraph.ingest.model import Entity

    names = tuple(sorted({e.hans, e.hant, *e.aliases} - {e.label}))
    return Entity(e.key, e.type, e.label, names, e.tags, "en")


def _article(i: int, seed: int, cast: Cast):
    """The ``Extraction`` of generated article ``i``: 3 to 9 events, each a sentence stating one to six facts."""
    from dealgraph.ingest.model import CleanText, Extraction, RawDocument
    from dealgraph.ingest.rules import EXTRACTOR

    rng = random.Random(f"dealgraph-scale:{seed}:{i}")
    lang = rng.choices(_LANGS, weights=(4, 3, 3))[0]
    published = date(2023, 1, 1) + timedelta(days=rng.randrange(4 * 365))
    st = _Story(rng, lang, published, cast)
    events, weights = zip(*_EVENTS, strict=True)
    for ev in rng.choices(events, weights=weights, k=rng.randint(3, 9)):
        ev(st)
    digest = hashlib.sha256(f"scale-article:{seed}:{i}".encode()).hexdigest()
    doc = RawDocument(text="", source=f"https://example.org/dealgraph/scale/{seed}/{i:06d}", published=published,
                      lang=lang, title=f"Generated article {i}")
    clean = CleanText(text="", offsets=(), simplified="", raw_length=st.offset)
    return Extraction(document=doc, clean=clean, content_hash=digest, lang=lang,
                      entities=tuple(_entity(e) for e in st.named.values()), facts=tuple(st.facts),
                      sentences=len(st.facts), extractor=EXTRACTOR)


def extractions(target_triples: int, seed: int = 0) -> Iterator[tuple[Any, str, list]]:
    """``(extraction, graph IRI, quads)`` of generated articles until their graphs hold ``target_triples``."""
    from dealgraph.graph.rdf import to_quads

    cast = make_cast(max(100, int(target_triples * COMPANIES_PER_TRIPLE)), seed)
    total, i = 0, 0
    while total < target_triples:
        ex = _article(i, seed, cast)
        graph, quads = to_quads(ex)
        total += len(quads)
        i += 1
        yield ex, graph, quads


# ----------------------------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class StoreStats:
    """What was written: articles, quads in the article graphs, triples in the merged default graph, and time."""

    articles: int
    quads: int
    merged: int
    entities: int
    companies: int
    facts: int
    seconds: float


def build_store(path: Path, target_triples: int, seed: int = 0) -> StoreStats:
    """Write the generated articles into an on-disk store at ``path``, one ``api.commit`` per article (the write
    path of ``dealgraph ingest``)."""
    import pyoxigraph as ox

    from dealgraph.api import commit
    from dealgraph.graph.store import Store

    articles = quads = facts = 0
    ents: dict[str, str] = {}
    gen_seconds = 0.0
    t0 = time.perf_counter()
    with Store.open(path) as st:
        it = extractions(target_triples, seed)
        while True:
            g0 = time.perf_counter()
            item = next(it, None)
            gen_seconds += time.perf_counter() - g0
            if item is None:
                break
            ex, graph, qs = item
            commit(st, graph, qs, ex.extractor)
            articles, quads, facts = articles + 1, quads + len(qs), facts + len(ex.facts)
            ents.update((e.key, e.type) for e in ex.entities)
        merged = sum(1 for _ in st.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    seconds = time.perf_counter() - t0 - gen_seconds
    companies = sum(1 for t in ents.values() if t == "Organization")
    return StoreStats(articles, quads, merged, len(ents), companies, facts, seconds)


def cached_store(folder: Path, target_triples: int, seed: int) -> tuple[Path, StoreStats, bool]:
    """The store for ``(target_triples, seed)`` in ``folder``, built unless a complete one is already there
    (``--keep``); its stats, and whether it was reused."""
    path = folder / f"store-{target_triples}-{seed}-g{GENERATOR}"
    done = path / ".scale-bench-complete"
    try:
        return path, StoreStats(**json.loads(done.read_text(encoding="utf-8"))), True
    except (OSError, ValueError, TypeError):
        pass
    shutil.rmtree(path, ignore_errors=True)
    stats = build_store(path, target_triples, seed)
    done.write_text(json.dumps(asdict(stats)), encoding="utf-8")
    return path, stats, False


# ----------------------------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    """One task on one engine: the median seconds of the timed runs (None when stopped at ``cap`` or failed),
    the rows of its answer, and how many runs the median is of."""

    seconds: float | None
    rows: int | None
    runs: int
    cap: float
    error: str = ""

    @property
    def done(self) -> bool:
        """Whether it ran to the end."""
        return self.seconds is not None

    def value(self) -> str:
        """``12.3 ms``, ``> 30 s`` when stopped, or the error."""
        if self.seconds is not None:
            return fmt_seconds(self.seconds)
        return f"error: {self.error}" if self.error else f"> {self.cap:g} s"


#: A task's answer is counted in rows; the first run is the warm-up, and one slower than this is the figure.
SLOW_RUN = 2.0
Setup = Callable[[], tuple[Callable[[], int], Callable[[], None]]]


def _child(setup: Setup, conn, repeat: int, budget: float) -> None:
    """In the forked child: set up, warm up (reported at once), then time up to ``repeat`` runs within ``budget``."""
    try:
        fn, close = setup()
        conn.send(("ready",))
        t0 = time.perf_counter()
        rows = fn()
        warm = time.perf_counter() - t0
        conn.send(("warm", warm, rows))
        times: list[float] = []
        if warm < SLOW_RUN:
            start = time.perf_counter()
            while len(times) < repeat and (not times or time.perf_counter() - start < budget):
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
        conn.send(("done", statistics.median(times) if times else warm, rows, max(1, len(times))))
        close()
    except Exception as e:  # noqa: BLE001  (reported as the task's result)
        conn.send(("error", f"{type(e).__name__}: {str(e)[:200]}"))
    finally:
        conn.close()


def _receive(conn, proc, timeout: float):
    """The child's next message, or None when it sent none within ``timeout`` seconds (or died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.poll(min(0.2, max(0.0, deadline - time.monotonic()))):
            try:
                return conn.recv()
            except EOFError:
                return None
        if not proc.is_alive() and not conn.poll():
            return None
    return None


def in_child(setup: Setup, cap: float, repeat: int, budget: float = 10.0, setup_cap: float = 120.0) -> Timing:
    """Run a task in a forked process: ``setup`` (not timed), a warm-up run that must end within ``cap`` seconds,
    then the timed runs. A child past its cap is killed and the task reported as ``> cap``."""
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    gc.collect()
    gc.freeze()                    # the child's garbage collector then leaves the parent's pages alone
    proc = ctx.Process(target=_child, args=(setup, send, repeat, budget), daemon=True)
    proc.start()
    send.close()
    try:
        msg = _receive(recv, proc, setup_cap)
        if msg and msg[0] == "ready":
            msg = _receive(recv, proc, cap)
        if msg and msg[0] == "warm":
            warm_rows = msg[2]
            msg = _receive(recv, proc, budget * 2 + SLOW_RUN * (repeat + 1) + 10) or ("done", msg[1], warm_rows, 1)
        if msg is None or msg[0] in ("ready", "warm"):
            return Timing(None, None, 0, cap)
        if msg[0] == "error":
            return Timing(None, None, 0, cap, msg[1])
        return Timing(msg[1], msg[2], msg[3], cap)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
        gc.unfreeze()


# ----------------------------------------------------------------------------------------------- tasks

_P = """PREFIX dg: <https://w3id.org/dealgraph#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dct: <http://purl.org/dc/terms/>
"""

#: ``show`` as plain SPARQL, for the baselines: the entity by its label, its names, every relation statement in
#: either direction with its figures and sources, its timeline, and what it controls down a chain.
SHOW_QUERIES = {
    "lookup": _P + "SELECT DISTINCT ?entity WHERE { { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name } }",
    "names": _P + "SELECT ?type ?label ?alt WHERE { ?entity a ?type ; rdfs:label ?label . "
                  "OPTIONAL { ?entity skos:altLabel ?alt } }",
    "relations": _P + """SELECT ?dir ?p ?other ?otherLabel ?amount ?currency ?date ?status ?evidence ?g ?src WHERE {
  { ?st rdf:subject ?entity ; rdf:object ?other . BIND("out" AS ?dir) }
  UNION { ?st rdf:object ?entity ; rdf:subject ?other . BIND("in" AS ?dir) }
  ?st a dg:RelationStatement ; rdf:predicate ?p ; dg:evidence ?evidence ; prov:wasDerivedFrom ?g .
  OPTIONAL { ?other rdfs:label ?otherLabel } OPTIONAL { ?st dg:amount ?amount } OPTIONAL { ?st dg:currency ?currency }
  OPTIONAL { ?st dg:date ?date } OPTIONAL { ?st dg:status ?status } OPTIONAL { ?g dct:source ?src } }""",
    "timeline": _P + """SELECT ?kind ?metric ?round ?amount ?currency ?bound ?date ?status ?reporter ?evidence ?g ?src
WHERE { ?f dg:company ?entity ; a ?k ; dg:evidence ?evidence ; prov:wasDerivedFrom ?g .
  FILTER(?k IN (dg:Valuation, dg:FundingRound, dg:FinancialMetric)) BIND(STRAFTER(STR(?k), "#") AS ?kind)
  OPTIONAL { ?f dg:metric ?metric } OPTIONAL { ?f dg:roundName ?round } OPTIONAL { ?f dg:amount ?amount }
  OPTIONAL { ?f dg:currency ?currency } OPTIONAL { ?f dg:bound ?bound } OPTIONAL { ?f dg:date ?date }
  OPTIONAL { ?f dg:status ?status } OPTIONAL { ?f dg:reportedBy ?r . ?r rdfs:label ?reporter }
  OPTIONAL { ?g dct:source ?src } } ORDER BY ?date ?kind ?g""",
    "controls": _P + "SELECT DISTINCT ?c WHERE { ?entity (dg:controls|dg:acquired)+ ?c FILTER(?c != ?entity) }",
}


@dataclass(frozen=True)
class Subject:
    """An entity the per-entity tasks ask about: its IRI, its preferred label (the name ``show`` is given) and
    why it was chosen (``hub``: most relations; ``typical``: the median organisation)."""

    role: str
    iri: str
    label: str


@dataclass(frozen=True)
class Task:
    """One question: ``show`` of an entity, a named query (with ``entity`` bound when it takes one), or
    ``circular``."""

    kind: str
    name: str
    subject: Subject | None = None

    @property
    def title(self) -> str:
        """How the task is named in the report."""
        if self.kind == "show":
            return f"show {self.subject.label} ({self.subject.role})" if self.subject else "show"
        return self.name + (f" ({self.subject.role})" if self.subject else "")


def query_tasks(subjects: Sequence[Subject]) -> list[Task]:
    """Every named query, those that take ``?entity`` once per subject."""
    from dealgraph.graph.queries import named_query, names

    out = []
    for n in names():
        if "?entity" in named_query(n):
            out += [Task("query", n, s) for s in subjects]
        else:
            out.append(Task("query", n))
    return out


def pick_subjects(view) -> list[Subject]:
    """From the networkx view: the hub (the organisation with most relations into it: investors, customers,
    partners) and a typical company (the median number of relations among those that raised money)."""
    orgs = [n for n, d in view.nodes(data=True) if d.get("type") == "Organization"]
    hub = max(orgs, key=lambda n: (view.in_degree(n), n))
    raised = sorted((view.degree(n), n) for n in orgs if any(k == "investedIn" for _, _, k in view.in_edges(n, keys=True)))
    typical = raised[len(raised) // 2][1]
    return [Subject("hub", hub, view.nodes[hub]["label"]), Subject("typical", typical, view.nodes[typical]["label"])]


# ----------------------------------------------------------------------------------------------- engines

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """``text`` with ``VALUES ?k { term }`` first in its WHERE group: how a pyoxigraph user binds values."""
    if not bindings:
        return text
    m = _WHERE.search(text)
    if m is None:
        raise ValueError("no WHERE group to bind values in")
    block = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in bindings.items())
    return f"{text[:m.end()]} {block} {text[m.end():]}"


def _show_rows(report: dict) -> int:
    """Rows of a ``show`` answer, counted the way the baselines can count them: one per related entity and
    relation and direction, one per timeline row, one per entity controlled."""
    return (sum(len(v) for v in report["relations"].values()) + len(report["timeline"])
            + len(report["controls_transitively"]))


def _sparql_show_rows(select: Callable[[str, dict[str, Any]], list[tuple]], name_term: Any) -> int:
    """``show`` through SHOW_QUERIES on any engine; ``select(text, bindings)`` returns rows as tuples."""
    found = select(SHOW_QUERIES["lookup"], {"name": name_term})
    if not found:
        raise LookupError("entity not found by its label")
    b = {"entity": found[0][0]}
    select(SHOW_QUERIES["names"], b)
    relations = {(r[0], r[1], r[2]) for r in select(SHOW_QUERIES["relations"], b)}
    return len(relations) + len(select(SHOW_QUERIES["timeline"], b)) + len(select(SHOW_QUERIES["controls"], b))


def dealgraph_setup(path: Path, task: Task, mode: str = "first") -> Setup:
    """The code path of the ``dealgraph`` command in a fresh ``KnowledgeGraph`` per run, as each command is (the
    view cache on disk). ``mode``: ``first``, nothing kept (``graph.answers`` off: the first time a question is
    asked after the store changed); ``again``, a new command asking what an earlier one asked (its answer
    kept); ``warm``, one ``KnowledgeGraph`` kept with its view, as a Python user or the server has, nothing kept."""

    def setup():
        from dealgraph.api import KnowledgeGraph
        from dealgraph.graph import answers
        from dealgraph.graph.queries import named_query, results_to_rows

        answers.ENABLED = mode == "again"
        if task.kind == "query":
            text = named_query(task.name)
            bindings = {"entity": task.subject.iri} if task.subject else None
            ask = lambda: len(results_to_rows(KnowledgeGraph.open(path).sparql(text, bindings))[1])  # noqa: E731
            if mode == "again":
                ask()                  # asked once before (untimed, however long it takes): now it is kept
            return ask, lambda: None
        kept = KnowledgeGraph.open(path)
        kept.view()
        kg = (lambda: kept) if mode == "warm" else (lambda: KnowledgeGraph.open(path))
        if task.kind == "show":
            show = lambda: _show_rows(kg().show(task.subject.label))  # noqa: E731
            if mode == "again":
                show()
            return show, lambda: None
        return (lambda: len(kg().circular_deals())), lambda: None

    return setup


def oxigraph_setup(path: Path, task: Task) -> Setup:
    """pyoxigraph alone on the same store folder (read-only), values in a ``VALUES`` block: the floor. (Its
    ``substitutions`` argument is no floor: it filters after evaluating, 20 s for ``investors-of`` at 50k.)"""

    def setup():
        import pyoxigraph as ox

        s = ox.Store.read_only(str(path))

        def select(text: str, bindings: dict[str, Any]) -> list[tuple]:
            return [tuple(sol) for sol in s.query(with_values(text, bindings))]

        if task.kind == "show":
            name = ox.Literal(task.subject.label, language="en")
            return (lambda: _sparql_show_rows(select, name)), lambda: None
        from dealgraph.graph.queries import named_query

        text = named_query(task.name)
        b = {"entity": ox.NamedNode(task.subject.iri)} if task.subject else {}
        return (lambda: len(select(text, b))), lambda: None

    return setup


def rdflib_setup(ds, task: Task) -> Setup:
    """rdflib's in-memory ``Dataset`` (default graph = union of the article graphs), values as ``initBindings``."""

    def setup():
        from rdflib import Literal, URIRef

        def select(text: str, bindings: dict[str, Any]) -> list[tuple]:
            return [tuple(r) for r in ds.query(text, initBindings=bindings)]

        if task.kind == "show":
            return (lambda: _sparql_show_rows(select, Literal(task.subject.label, lang="en"))), lambda: None
        from dealgraph.graph.queries import named_query

        text = named_query(task.name)
        b = {"entity": URIRef(task.subject.iri)} if task.subject else {}
        return (lambda: len(select(text, b))), lambda: None

    return setup


def networkx_setup(view) -> Setup:
    """``networkx.simple_cycles(length_bound=4)`` over the same money-flow graph ``circular`` searches."""

    def setup():
        import networkx as nx

        from dealgraph.graph.view import money_flow

        mf = money_flow(view)
        return (lambda: sum(1 for _ in nx.simple_cycles(mf, length_bound=4))), lambda: None

    return setup


def load_rdflib(path: Path):
    """The store's article graphs as N-Quads, parsed into an rdflib ``Dataset``; and the seconds it took."""
    import pyoxigraph as ox
    from rdflib import Dataset

    from dealgraph.graph.store import Store

    buf = io.BytesIO()
    with Store.open(path, read_only=True) as st:
        st.dump(buf, ox.RdfFormat.N_QUADS)
    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    return ds, time.perf_counter() - t0


# ----------------------------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Caps:
    """Seconds a task may take on each engine before it is stopped, timed runs per task, and their budget."""

    dealgraph: float
    rdflib: float
    networkx: float
    repeat: int
    budget: float


def _floor_ratio(dg: Timing, floor: Timing | None) -> str:
    if floor is None or not dg.done or not floor.done:
        return ""
    return f"{dg.seconds / max(floor.seconds, 1e-9):.1f}x the floor"


def _speedup(dg: Timing, base: Timing | None, name: str) -> str:
    """How many times faster than the baseline (``>`` when the baseline was stopped at its cap)."""
    if base is None or not dg.done:
        return ""
    if not base.done:
        return f">{base.cap / max(dg.seconds, 1e-9):,.0f}x faster than {name}" if not base.error else ""
    x = base.seconds / max(dg.seconds, 1e-9)
    return f"{x:,.1f}x faster than {name}" if x >= 1 else f"{1 / x:.1f}x slower than {name}"


def rows_check(named: dict[str, Timing | None]) -> tuple[str, bool]:
    """``123 rows`` when every engine that finished gave the same count, else a loud mismatch."""
    got = {k: t.rows for k, t in named.items() if t is not None and t.done}
    if len(set(got.values())) <= 1:
        return (f"{next(iter(got.values())):,} rows" if got else "no engine finished"), True
    return "ROW MISMATCH " + ", ".join(f"{k} {v:,}" for k, v in got.items()), False


def _target(kind: str, t: Timing) -> str:
    limit = TARGETS[kind]
    ok = t.done and t.seconds < limit
    return f"target < {fmt_seconds(limit)}: {'PASS' if ok else 'FAIL'}"


def measure_task(task: Task, path: Path, ds, view, caps: Caps) -> dict[str, Timing | None]:
    """Every engine on one task: dealgraph (command path, and with the view kept for show and circular), the
    pyoxigraph floor, and the rdflib or networkx baseline."""
    out: dict[str, Timing | None] = {
        "dealgraph": in_child(dealgraph_setup(path, task), caps.dealgraph, caps.repeat, caps.budget)}
    if task.kind == "circular":
        out["warm"] = in_child(dealgraph_setup(path, task, "warm"), caps.dealgraph, caps.repeat, caps.budget)
        out["networkx"] = in_child(networkx_setup(view), caps.networkx, caps.repeat, caps.budget)
        return out
    out["again"] = in_child(dealgraph_setup(path, task, "again"), caps.dealgraph, caps.repeat, caps.budget)
    if task.kind == "show":
        out["warm"] = in_child(dealgraph_setup(path, task, "warm"), caps.dealgraph, caps.repeat, caps.budget)
    out["pyoxigraph"] = in_child(oxigraph_setup(path, task), caps.dealgraph, caps.repeat, caps.budget)
    out["rdflib"] = in_child(rdflib_setup(ds, task), caps.rdflib, caps.repeat, caps.budget) if ds is not None else None
    return out


def report_task(rep: Report, task: Task, t: dict[str, Timing | None]) -> bool:
    """The task's rows in the report; False when the engines disagree on the answer."""
    dg = t["dealgraph"]
    counted = {k: v for k, v in t.items() if k != "warm" and not (task.kind == "circular" and v and not v.done)}
    rows, same = rows_check(counted)
    base_name = "networkx" if task.kind == "circular" else "rdflib"
    base = t.get(base_name)
    ratio = ", ".join(x for x in (_floor_ratio(dg, t.get("pyoxigraph")), _speedup(dg, base, base_name)) if x)
    others = "; ".join(f"{k} {v.value()}" for k, v in t.items()
                       if k not in ("dealgraph", "warm", "again") and v is not None)
    rep.add(task.title, dg.value(), ratio, f"{_target(task.kind, dg)}; first asked since the store changed; "
                                           f"{others}; {rows}")
    for mode, title, what in (("again", "asked again", "a new command, the answer kept since it was first asked"),
                              ("warm", "view in memory", "a KnowledgeGraph kept open (Python API, server)")):
        w = t.get(mode)
        if w is not None:
            rep.add(f"{task.title}, {title}", w.value(),
                    ", ".join(x for x in (_floor_ratio(w, t.get("pyoxigraph")), _speedup(w, base, base_name)) if x),
                    f"{_target(task.kind, w)}; {what}")
    if not same:
        print(f"!!! {task.title}: {rows}", file=sys.stderr, flush=True)
    return same


def one_offs(rep: Report, path: Path, stats: StoreStats, reused: bool):
    """The store (written now or reused), building the view once, loading it from the cache, opening the store;
    returns the view."""
    from dealgraph.api import KnowledgeGraph
    from dealgraph.graph import viewcache
    from dealgraph.graph.store import Store
    from dealgraph.graph.view import build_view

    rep.add("write the store (api.commit per article)", fmt_seconds(stats.seconds),
            f"{stats.quads / stats.seconds:,.0f} quads/s, {stats.articles / stats.seconds:,.0f} articles/s",
            f"{stats.articles:,} articles, {stats.quads:,} quads in article graphs + {stats.merged:,} merged, "
            f"{stats.companies:,} companies, {stats.entities:,} entities, {stats.facts:,} facts"
            + ("; written by an earlier run (--keep)" if reused else ""))
    t0 = time.perf_counter()
    with Store.open(path, read_only=True) as st:
        opened = time.perf_counter() - t0
        t0 = time.perf_counter()
        view = build_view(st)
        built = time.perf_counter() - t0
    KnowledgeGraph.open(path).view()                       # writes the view cache the commands then use
    t0 = time.perf_counter()
    cached = viewcache.load(path)
    loaded = time.perf_counter() - t0
    rep.add("open the store read-only (once per command)", fmt_seconds(opened))
    rep.add("build the networkx view (one-off)", fmt_seconds(built), "",
            f"{view.number_of_nodes():,} nodes, {view.number_of_edges():,} edges; cached until the store changes")
    rep.add("load the cached view (each show / circular)", fmt_seconds(loaded) if cached is not None else "not cached")
    return view


def run(triples: int, seed: int, caps: Caps, json_path: str | None, keep: str | None, rdflib: bool = True) -> bool:
    """Build (or reuse) the store, measure every task on every engine, print and save the report; returns False
    when some engines disagreed on an answer."""
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dealgraph-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["DEALGRAPH_CACHE"] = str(work / "cache")      # the view cache of this run, not the user's
    rep = Report(f"scale {_size(triples)}")
    try:
        t0 = time.perf_counter()
        path, stats, reused = cached_store(work, triples, seed)
        print(f"store {path} ready in {fmt_seconds(time.perf_counter() - t0)}", flush=True)
        view = one_offs(rep, path, stats, reused)
        ds = None
        if rdflib:
            ds, load = load_rdflib(path)
            rep.add("rdflib: parse the N-Quads into a Dataset", fmt_seconds(load), "", "once, before its queries")
        subjects = pick_subjects(view)
        tasks = [Task("show", "show", s) for s in subjects] + query_tasks(subjects) + [Task("circular", "circular")]
        ok = True
        for task in tasks:
            ok &= report_task(rep, task, measure_task(task, path, ds, view, caps))
        rep.save(json_path)
        return ok
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def _size(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n // 1000}k"


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_TRIPLES:,} triples, short caps")
    ap.add_argument("--triples", type=int, help=f"store size (default {FULL_TRIPLES:,}, --quick {QUICK_TRIPLES:,})")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="append the figures to this JSON file")
    ap.add_argument("--keep", help="keep the generated store in this folder and reuse it next time")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline")
    args = ap.parse_args(argv)
    triples = args.triples or (QUICK_TRIPLES if args.quick else FULL_TRIPLES)
    caps = Caps(dealgraph=30.0, rdflib=10.0, networkx=10.0, repeat=5, budget=5.0) if args.quick else \
        Caps(dealgraph=60.0, rdflib=30.0, networkx=30.0, repeat=7, budget=10.0)
    ok = run(triples, args.seed, caps, args.json, args.keep, rdflib=not args.no_rdflib)
    if not ok:
        print("scale_bench: the engines disagreed on some answers (ROW MISMATCH above)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
