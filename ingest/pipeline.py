"""The pipeline: the one place that knows the order of the stages.

read → clean (offset map) → sentences → mentions → context (discourse) → rules → facts with evidence.

>>> from dealgraph.ingest.model import RawDocument
>>> ex = extract(RawDocument("英伟达向OpenAI投资1000亿美元。"))
>>> [(f.kind, f.subject, f.object) for f in ex.facts if f.kind == "investedIn"]
[('investedIn', 'nvidia', 'openai')]
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date

from dealgraph.errors import InputError
from dealgraph.ingest.clean import clean
from dealgraph.ingest.context import Discourse, SentenceContext, build_context
from dealgraph.ingest.gazetteer import Gazetteer, default_gazetteer
from dealgraph.ingest.mentions import find_mentions, short_forms
from dealgraph.ingest.model import CleanText, Entity, Evidence, Extraction, Fact, Mention, RawDocument
from dealgraph.ingest.rules import EXTRACTOR, RuleState, apply_rules, finish
from dealgraph.ingest.sentences import split_sentences

__all__ = ["extract", "detect_language", "EXTRACTOR"]

log = logging.getLogger(__name__)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def detect_language(text: str, simplified: str) -> str:
    """``zh-Hant``, ``zh-Hans`` or ``en`` from the share of Han characters and how many t2s changes."""
    han = len(_HAN.findall(text[:5000]))
    if han < 20 and han < len(text[:5000]) * 0.05:
        return "en"
    changed = sum(1 for a, b in zip(text[:5000], simplified[:5000], strict=False) if a != b)
    return "zh-Hant" if changed > han * 0.03 else "zh-Hans"


def extract(doc: RawDocument, *, gazetteer: Gazetteer | None = None, published: date | None = None) -> Extraction:
    """Read every fact of one article; raises ``InputError`` when there is no article text."""
    gaz = gazetteer or default_gazetteer()
    ct = clean(doc.text, doc.body_start)
    if len(_HAN.findall(ct.text)) + len(re.findall(r"[A-Za-z]{2,}", ct.text)) < 3:
        raise InputError("no article text: only boilerplate, markup or symbols")
    pub = published or doc.published
    lang = doc.lang if doc.lang in ("zh-Hans", "zh-Hant", "en") else detect_language(ct.text, ct.simplified)
    disc = Discourse()
    state = RuleState(disc=disc, evidence=lambda ctx: _evidence(doc.text, ct, ctx))
    mentions: list[Mention] = []
    facts: list[Fact] = []
    sentences = split_sentences(ct)
    short: dict[str, tuple[str, str]] = {}
    for s in sentences:                 # rules read each sentence in the discourse state the earlier ones left
        ms = find_mentions(s, gaz, short)
        short |= short_forms(s, ms)
        mentions.extend(ms)
        facts.extend(apply_rules(build_context(s, ms, gaz, disc, pub), state))
    facts = _dedupe(finish(facts, state))
    return Extraction(document=doc, clean=ct, content_hash=hashlib.sha256(ct.text.encode("utf-8")).hexdigest(),
                      lang=lang, entities=_entities(mentions, facts, gaz), facts=tuple(facts),
                      sentences=len(sentences), extractor=EXTRACTOR)


def _evidence(raw: str, ct: CleanText, ctx: SentenceContext) -> Evidence:
    s, e = ct.raw_span(ctx.sentence.start, ctx.sentence.end)
    return Evidence(sentence=raw[s:e], start=s, end=e, extractor=EXTRACTOR)


def _entities(mentions: list[Mention], facts: list[Fact], gaz: Gazetteer) -> tuple[Entity, ...]:
    """One ``Entity`` per key named in the article: table data plus every surface form seen."""
    seen: dict[str, tuple[str, set[str]]] = {}
    for m in mentions:
        typ, names = seen.setdefault(m.key, (m.type, set()))
        names.add(m.surface.strip())
    used = {k for f in facts for k in (f.subject, f.object, *(k for _, k in f.roles), f.reported_by) if k}
    out = []
    for key in sorted(set(seen) | used):
        typ, names = seen.get(key, ("Organization", set()))
        if key in gaz.entities:
            e = gaz.entities[key]
            out.append(Entity(key, e.type, e.label, tuple(sorted(set(e.names) | names - {e.label})), e.tags))
        elif names:
            label = max(names, key=len)
            lang = "en" if re.fullmatch(r"[\x00-\x7f]+", label) else "zh"
            out.append(Entity(key, typ, label, tuple(sorted(names - {label})), (), lang))
    return tuple(out)


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """Drop repeats: a relation stated twice keeps its first sentence; n-ary facts with equal content merge."""
    facts = _merge_rounds(facts)
    out: list[Fact] = []
    seen: set[tuple] = set()
    for f in facts:
        if f.kind == "Valuation":        # a round's post-money valuation and the same figure read again
            key = (f.kind, f.roles, f.amount and f.amount.value, f.date)
        elif f.kind in ("FundingRound", "FinancialMetric", "Contract"):
            key = (f.kind, f.roles, f.values, f.amount and f.amount.value, f.date)
        else:
            key = (f.kind, f.subject, f.object) if f.kind != "partnerOf" else \
                (f.kind, *sorted((f.subject or "", f.object or "")))
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def _merge_rounds(facts: list[Fact]) -> list[Fact]:
    """One round stated twice in an article (headline and body) is one round: same company and amount, or same
    company and round name. Investors are united; the earlier date wins (the headline falls back to the day of
    publication)."""
    from dataclasses import replace

    out: list[Fact] = []
    index: dict[tuple, int] = {}
    for f in facts:
        if f.kind != "FundingRound" or not f.role("company"):
            out.append(f)
            continue
        keys = [("amount", f.role("company"), f.amount.value)] if f.amount else []
        if f.value("roundName"):
            keys.append(("name", f.role("company"), f.value("roundName")))
        hit = next((index[k] for k in keys if k in index), None)
        if hit is None:
            for k in keys:
                index[k] = len(out)
            out.append(f)
            continue
        old = out[hit]
        roles = old.roles + tuple(r for r in f.roles if r not in old.roles)
        values = old.values + tuple(v for v in f.values if v[0] not in {n for n, _ in old.values})
        dates = [d for d in (old.date, f.date) if d is not None]
        date = min(dates, key=lambda d: d.iso()) if dates else None
        out[hit] = replace(old, roles=roles, values=values, date=date, amount=old.amount or f.amount)
    return out
