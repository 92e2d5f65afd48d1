"""Valuations and financial figures: ``Anthropic估值约为1830亿美元``, ``OpenAI's annualized revenue reached $13 billion``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.amounts import AmountMatch
from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact, Mention
from dealgraph.ingest.rules.common import (
    _PLANNED,
    RuleState,
    _date_near,
    _first_after,
    _pub,
    _reporter,
    _subject,
)

__all__ = ["rule_valuation", "rule_metric"]


_VAL = re.compile(r"估值|市场估值|作价|\bvaluation\b|\bvalued at\b|\b(?:is|was|now|be) worth\b|"
                  r"\bvalu(?:es|ing|ed)\s+(?P<who>(?:[^\s,.;]+\s+){1,4}?)at\b")
_METRICS: list[tuple[str, re.Pattern[str]]] = [
    ("annualizedRevenue", re.compile(r"年化营收|年化收入|年化经常性收入|annuali[sz]ed revenue|annual recurring revenue|"
                                     r"(?<![A-Za-z])ARR(?![A-Za-z])|revenue run[- ]rate|\brun[- ]rate (?:revenue|sales)\b|年化")),
    ("totalFunding", re.compile(r"累计融资|累计融资额|总融资|融资总额|共投资|累计获得|total funding|raised a total|"
                                r"in total funding|raised more than .* to date")),
    ("contractBacklog", re.compile(r"未来合同总额|未履约|剩余履约义务|合同总额|backlog|remaining performance obligations|"
                                   r"(?<![A-Za-z])RPO(?![A-Za-z])")),
    ("marketCap", re.compile(r"市值|market cap(?:itali[sz]ation)?|market value")),
    ("capex", re.compile(r"资本支出|资本开支|capex|capital expenditure|capital spending")),
    ("loss", re.compile(r"亏损|净亏|\bnet loss\b|\blost\b|\bloss of\b")),
    ("ipoProceeds", re.compile(r"IPO.{0,6}(?:筹集|募资|募集)|(?:筹集|募资|募集).{0,6}IPO|通过IPO|IPO (?:to )?raise")),
    ("netWorth", re.compile(r"个人财富|身家|资产总额|净资产|\bnet worth\b|\bfortune\b")),
    ("plannedInvestment", re.compile(r"规划了|计划投资|拟投资|投资计划|(?:将|计划|拟|准备)[^，,。；;]{0,10}?投入|"
                                     r"\bplans to (?:invest|spend)\b|\bplanned investment\b|\bpledged\b|"
                                     r"\bcommitted to (?:invest|spend)\b|\b(?:is|are|was) committed to "
                                     r"(?=(?:roughly |about |some |more than |over )?[$€£][\d.,]+\s*(?:trillion|billion|bn|tn)?\s+of\s+(?:infrastructure|computing|compute|"
                                     r"data[- ]cent(?:er|re)|capital)\s+(?:spending|investment|commitments))")),
    ("revenue", re.compile(r"营收|营业收入|收入|\brevenue\b|\bsales\b")),
]


def rule_valuation(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``Anthropic估值约3500亿美元``, ``估值约1600亿美元的Databricks``, ``a valuation of around $500 billion``."""
    money = ctx.money()
    for kw in _VAL.finditer(ctx.text):
        amount = _first_after(money, kw.end())
        if amount is None or amount.start - kw.end() > 30:
            amount = next((a for a in reversed(money) if a.end <= kw.start() and kw.start() - a.end <= 14
                           and not re.search(r"[，,；;]", ctx.text[a.end:kw.start()])), None)
        if amount is None or re.search(r"融资目标|目标|target", ctx.text[max(0, amount.start - 12):amount.start]):
            continue
        if kw["who"] and re.search(r"\b(?:stake|stakes|shares|holding|holdings|deal|stock)\b", kw["who"]):
            continue                     # "values its stake at"
        if re.search(r"\b(?:stake|deal|transaction|acquisition|purchase)\b[^.;,]{0,24}$|"
                     r"(?:所持股份|所持股权|交易|收购)[^，,。；;]{0,4}$", ctx.text[max(0, kw.start() - 30):kw.start()]) \
                and not (kw["who"] and any(kw.start("who") <= o.start < kw.end("who") for o in ctx.orgs())):
            continue                     # "its stake is valued at $130 billion", "a deal valued at": not the company
        company = _valued(ctx, kw, amount, st)
        if company is None:
            continue
        ckey = company if isinstance(company, str) else company.key
        yield Fact("Valuation", st.evidence(ctx), roles=(("company", ckey),), amount=amount.amount,
                   date=_date_near(ctx, kw.start()) or _pub(ctx), reported_by=_reporter(ctx),
                   status="planned" if _PLANNED.search(ctx.text[max(0, kw.start() - 20):kw.start()]) else None)
    yield from _valued_companies(ctx, st)


def _valued(ctx: SentenceContext, kw: re.Match[str], amount: AmountMatch, st: RuleState) -> Mention | str | None:
    if kw["who"]:                      # "the deal values xAI at", "valuing the company at"
        named = [o for o in ctx.orgs() if kw.start("who") <= o.start < kw.end("who")]
        if named:
            return named[0]
    after = ctx.text[amount.end:amount.end + 12]
    m = re.match(r"\s*的\s*(?:[\u4e00-\u9fff]{0,6})", after)
    if m:
        nxt = [o for o in ctx.orgs() if amount.end <= o.start <= amount.end + m.end() + 1]
        if nxt:
            return nxt[0]
    gives = re.search(r"\bgives?\s*$", ctx.text[:kw.start()])
    if gives:
        after_g = [o for o in ctx.orgs() if o.start >= gives.end()]
        if after_g:
            return after_g[0]
    return _subject(ctx, kw.start(), st)


def _valued_companies(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``高达1.5万亿美元的SpaceX`` among valuations: an amount right before ``的`` + company."""
    if not _VAL.search(ctx.text):
        return
    for a in ctx.money():
        m = re.match(r"\s*的\s*", ctx.text[a.end:])
        if not m or _VAL.search(ctx.text[max(0, a.start - 8):a.start]):
            continue
        nxt = [o for o in ctx.orgs() if o.start == a.end + m.end()]
        if nxt:
            yield Fact("Valuation", st.evidence(ctx), roles=(("company", nxt[0].key),), amount=a.amount,
                       date=_pub(ctx), reported_by=_reporter(ctx))


def rule_metric(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """Revenue, funding totals, market cap, backlog, capex, losses, IPO proceeds, net worth, planned investment."""
    money = ctx.money()
    if not money:
        return
    used: set[int] = set()
    for name, pat in _METRICS:
        for kw in pat.finditer(ctx.text):
            if any(kw.start() <= u < kw.end() for u in used):
                continue
            amount = _metric_amount(ctx, money, kw)
            if amount is None or id(amount) in used:
                continue
            company = _metric_company(ctx, name, kw.start(), st)
            if company is None:
                continue
            used.update(range(kw.start(), kw.end()))
            used.add(id(amount))
            ckey = company if isinstance(company, str) else company.key
            yield Fact("FinancialMetric", st.evidence(ctx), roles=(("company", ckey),), amount=amount.amount,
                       values=(("metric", name),), date=_date_near(ctx, amount.start) or _pub(ctx),
                       reported_by=_reporter(ctx))
            for later in _series(ctx, money, amount, used):   # "年初约10亿美元，到8月已超过50亿美元"
                used.add(id(later))
                yield Fact("FinancialMetric", st.evidence(ctx), roles=(("company", ckey),), amount=later.amount,
                           values=(("metric", name),), date=_date_near(ctx, later.start) or _pub(ctx),
                           reported_by=_reporter(ctx))


def _series(ctx: SentenceContext, money: list[AmountMatch], first: AmountMatch, used: set[int]) -> list[AmountMatch]:
    """Further values of the same figure at other dates in the same sentence: each clause after the first that
    has its own date and amount and no other figure's keyword."""
    out = []
    for a in money:
        if a.start <= first.end or id(a) in used:
            continue
        between = ctx.text[first.end:a.start]
        if any(p.search(between) for _, p in _METRICS) or _VAL.search(between) or not re.search(r"[，,；;]", between):
            break
        if any(first.end <= d.start < a.start for d in ctx.dates):
            out.append(a)
    return out


def _metric_amount(ctx: SentenceContext, money: list[AmountMatch], kw: re.Match[str]) -> AmountMatch | None:
    after = [a for a in money if a.start >= kw.end() and a.start - kw.end() <= 30]
    if len(after) > 1 and any(after[0].end <= d.start < after[1].start for d in ctx.dates):
        return after[0]                       # a series over time: the first value here, the rest in _series
    if after:
        reach = [a for a in after if re.search(r"达|至|为|到|\bto\b|\bat\b|\breached\b", ctx.text[kw.end():a.start])]
        if len(after) > 1 and reach:
            return reach[-1] if re.search(r"达|至|reached", ctx.text[kw.end():reach[-1].start]) else reach[0]
        return after[0]
    before = [a for a in money if a.end <= kw.start() and kw.start() - a.end <= 12]
    return before[-1] if before else None


def _metric_company(ctx: SentenceContext, name: str, pos: int, st: RuleState) -> Mention | str | None:
    if name == "netWorth":
        people = [m for m in ctx.mentions if m.type == "Person" and m.start < pos]
        return people[-1] if people else None
    if name == "plannedInvestment":
        proj = [m for m in ctx.mentions if m.type == "Project" and m.start < pos + 40]
        if proj:
            return proj[-1]
        if re.search(r"\bin\b", ctx.text[pos:pos + 60]) and [o for o in ctx.orgs() if o.start > pos]:
            return None            # "plans to invest $N in B" is an investment, read by rule_invested_in
    if name == "totalFunding":
        after = [m for m in ctx.orgs() if m.start > pos and m.start - pos <= 4]
        if after:
            return after[0]
    return _subject(ctx, pos, st)
