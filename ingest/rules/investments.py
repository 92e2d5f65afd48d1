"""Investments of one party in another: ``腾讯向月之暗面投资3亿美元``, ``Microsoft owns roughly 27% of OpenAI``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact, Mention
from dealgraph.ingest.rules.common import (
    _GOT_ZH,
    _MONEY_FROM,
    _SHARE_EN,
    RuleState,
    _coordinated_before,
    _date_near,
    _listed_after,
    _pub,
    _pure_investor,
    _rel,
    _reporter,
    _status,
)

__all__ = ["rule_invested_in"]


_INVEST_ZH = re.compile(r"(?:向|对)(?P<obj>[^，,。]{0,20}?)(?:进行)?(?:投资|注资|出资)|(?:投资|入股|注资|增持|参股|押注)了?|"
                        r"领投了?(?=[^，,。；;]{0,12}(?:融资|轮))")
_INVEST_EN = re.compile(r"\b(?:invest(?:s|ed|ing)?|investment|stake|backs|backed|backing|shareholder|"
                        r"biggest investor|main investor|largest investor|injected|led|leads|co-led)\b")


_SHARE_ZH = re.compile(r"持有(?P<obj>[^，,。]{1,16}?)(?:约|近|超过|逾)?(?P<pct>\d+(?:\.\d+)?%|[一二三四五六七八九]成)|"
                       r"持股(?P<obj2>[^，,。]{1,16}?)(?P<pct2>\d+(?:\.\d+)?%)")
_IN_WHICH_EN = re.compile(r"\bin which\s+(?P<inv>[^,.;]{1,40}?)\s+(?:holds?|owns?|has|took|takes)\s+(?:an?\s+)?"
                          r"(?:\d+(?:\.\d+)?\s?%\s+|minority\s+|majority\s+)?stake")
_SUBSCRIBE_ZH = re.compile(r"(?:认购|买入|购入|收购|增持)(?P<obj>[^，,。；;]{1,16}?)(?:的)?(?:\d+(?:\.\d+)?%的?)?(?:普通股|新股|"
                           r"新发行的?股票|股份|股票|股权|优先股|可转换债券|可转债)")
_SHARES_EN = re.compile(r"\b(?:buy|buys|bought|buying|purchase[sd]?|purchasing|acquire[sd]?|acquiring|subscribe[sd]? (?:to|for))"
                        r"\s+(?:(?:about |roughly |some |around )?[$€£][\d.,]+\s*(?:billion|million|bn|m)?\s+(?:worth\s+)?"
                        r"of\s+)?(?:new\s+)?(?P<obj>[^.;,]{1,40}?)(?:['’]s?)?\s+(?:common\s+|new\s+|preferred\s+|ordinary\s+)?"
                        r"(?:shares|stock)\b")
_PUT_INTO = re.compile(r"\b(?:put|puts|putting|pour|pours|poured|pouring|pump|pumps|pumped|inject|injects|sink|sinks|sank)"
                       r"\s+(?:up to\s+|about\s+|another\s+|a further\s+|as much as\s+|roughly\s+|more than\s+|over\s+|nearly\s+|"
                       r"almost\s+|at least\s+|some\s+|an additional\s+)?[$€£]?[\d.,]+\s*"
                       r"(?:billion|million|bn|m)?\s+(?:dollars\s+|euros\s+|more\s+)?into\s+$")
_WARRANT = re.compile(r"\b(?:issued|issues|issue|granted|grants|grant|gave|gives|give)\s+(?P<h>[^,.;]{1,30}?)\s+(?:a\s+)?"
                      r"(?:warrants?|options?|the right)\s+(?:for|to buy|to acquire|on)\b|"
                      r"向(?P<h2>[^，,。；;]{1,20}?)(?:发行|授予)(?:了)?[^，,。；;]{0,12}?(?:认股权证|期权)")


def rule_invested_in(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``A向B投资``, ``A入股B``, ``A will invest $N in B``, ``investments from A, B and C``, ``B获得A的投资``."""
    orgs = ctx.orgs()
    text = ctx.text
    status = _status(text)
    for kw in list(_INVEST_ZH.finditer(text)) + list(_INVEST_EN.finditer(text)):
        if re.search(r"投资者|投资人|投资方|投资局|投资公司|投资机构|investment (?:company|firm|bank|arm|group)",
                     text[kw.start():kw.end() + 4]) or (re.match(r"investors?\b", text[kw.start():kw.end() + 4])
                                                        and not re.search(r"(?:biggest|main|largest|lead)\s*$", text[:kw.start()])):
            continue
        before = [m for m in orgs if m.end <= kw.start()]
        after = [m for m in orgs if m.start >= kw.end()]
        if kw.re is _INVEST_ZH and kw["obj"] is not None:
            obj = [m for m in orgs if kw.start("obj") <= m.start < kw.end("obj")]
            subj = _investor_subject(before, text, kw.start())
            if subj and obj:
                for who in _coordinated_before(orgs, subj, text):
                    for o in [obj[-1], *_listed_after(ctx, obj[-1].end, strict=True)]:
                        yield from _invest(who, o, ctx, st, kw.end(), status)
            continue
        if kw.group() in ("led", "leads", "co-led"):
            if not re.match(r"[^.;]{0,30}\b(?:round|investment|funding|financing)\b", text[kw.end():]):
                continue
        if kw.re is _INVEST_EN and re.search(r"investments? from|backed by|invested by|led by|\bfrom\b",
                                              text[kw.start():kw.end() + 6]):
            src = next((m for m in after if re.fullmatch(r"\s*(?:from|by)\s+", text[kw.end():m.start])), None)
            into = next((m for m in after if src and m.start > src.end and re.fullmatch(
                r"\s+(?:in|into)\s+", text[src.end:m.start])), None)
            if src and into:            # "the investment from Nvidia in Intel": Nvidia invests in Intel
                yield from _invest(src, into, ctx, st, kw.end(), status)
                continue
            target = before[-1] if before else st.disc.topic
            for m in after:
                if target is not None:
                    yield from _invest(m, target, ctx, st, kw.end(), status)
            continue
        if before and after:
            subj = _investor_subject(before, text, kw.start())
            obj = _invest_object(after, text, kw.end())
            if subj and obj:
                lead = kw.group() in ("led", "leads", "co-led")     # "A led the $300 million round in B"
                for who in _coordinated_before(orgs, subj, text):
                    for o in [obj, *_listed_after(ctx, obj.end, strict=True)]:
                        yield from _invest(who, o, ctx, st, kw.end(), status, lead=lead)
    yield from _invest_passive(ctx, st, orgs, status)


_TOOK_PART_IN = re.compile(r"(?:参与|参投|跟投)了?(?P<c>[^，,。；;]{1,20}?)(?:的)?[^，,。；;]{0,14}?(?:融资|募资|轮)|"
                           r"\b(?:participated|participates|took part|takes part)\s+in\s+(?P<c2>[^,.;]{1,30}?)['’]s\s+"
                           r"[^,.;]{0,40}?\b(?:round|funding|financing|fundraising|raise)\b")
_INVESTOR_IN = re.compile(r"\b(?:is|was|are|were|became|become|remains|remain|has been|have been)\s+(?:also\s+|both\s+|already\s+)?"
                          r"(?:an?\s+|the\s+|one of the\s+|among the\s+)?(?:[\w-]+\s+){0,2}?(?:investors?|shareholders?|backers?)"
                          r"\s+(?:in|of)\s+")
_IN_ROUND_ZH = re.compile(r"在(?P<c>[^，,。；;]{1,20}?)(?:的)?[^，,。；;]{0,14}?(?:融资|轮)中(?:出资|投资|投入|认购)")


def _invest_passive(ctx: SentenceContext, st: RuleState, orgs: list[Mention], status: str | None) -> Iterator[Fact]:
    """``B获得A的5亿美元投资``, ``A owns 7% of B``, ``持有B约10%的股份``, ``B received $350 million from A``,
    ``A在B那轮融资中出资5亿美元``."""
    text = ctx.text
    for m in _IN_ROUND_ZH.finditer(text):
        comp = [o for o in orgs if m.start("c") <= o.start < m.end("c")]
        inv = [o for o in orgs if o.end <= m.start()]
        if comp and inv:
            yield from _invest(inv[-1], comp[0], ctx, st, m.end(), status or "completed")
    for m in _TOOK_PART_IN.finditer(text):      # "高瓴参与了MiniMax的融资", "Nvidia participated in xAI's round"
        g = "c" if m["c"] is not None else "c2"
        comp = [o for o in orgs if m.start(g) <= o.start < m.end(g)]
        inv = [o for o in orgs if o.end <= m.start() and re.fullmatch(r"\s*(?:also|has|had|也|还|亦)?\s*",
                                                                      text[o.end:m.start()])]
        if len(comp) == 1 and inv and inv[-1].how != "reference":
            for who in _coordinated_before(orgs, inv[-1], text):
                yield from _invest(who, comp[0], ctx, st, m.end(), status or "completed")
    for m in _GOT_ZH.finditer(text):
        invs = [o for o in orgs if m.start("inv") <= o.start < m.end("inv")]
        comp = [o for o in orgs if o.end <= m.start()]
        if invs and comp:
            for inv in invs:
                yield from _invest(inv, comp[-1], ctx, st, m.start(), status or "completed")
    for m in _SHARE_EN.finditer(text):
        subj = [o for o in orgs if o.end <= m.start() and not re.search(r"[.;]", text[o.end:m.start()])]
        obj = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 30]
        if subj and obj:
            yield from _invest(subj[-1], obj[0], ctx, st, m.start(), status)
    for m in _SHARE_ZH.finditer(text):
        span = (m.start("obj"), m.end("obj")) if m["obj"] else (m.start("obj2"), m.end("obj2"))
        subj = [o for o in orgs if o.end <= m.start()]
        obj = [o for o in orgs if span[0] <= o.start < span[1]]
        if subj and obj:
            yield from _invest(subj[-1], obj[-1], ctx, st, m.start(), status)
            if _share(m["pct"] or m["pct2"]) > 50 and subj[-1].key != obj[-1].key:   # a majority: control
                yield from (f for f in [_rel("controls", subj[-1], obj[-1], ctx, st)] if f)
    for m in list(_SUBSCRIBE_ZH.finditer(text)) + list(_SHARES_EN.finditer(text)):   # "认购英特尔普通股"
        obj = [o for o in orgs if m.start("obj") <= o.start < m.end("obj")]
        subj = _investor_subject([o for o in orgs if o.end <= m.start() and o not in obj], text, m.start())
        if subj and obj and subj.key != obj[-1].key:
            yield from _invest(subj, obj[-1], ctx, st, m.start(), status)
    for o in orgs:                              # "Microsoft will put up to $5 billion into Anthropic"
        if _PUT_INTO.search(text[max(0, o.start - 70):o.start]):
            subj = _investor_subject([b for b in orgs if b.end <= o.start - 10], text, o.start)
            if subj and subj.key != o.key:
                yield from _invest(subj, o, ctx, st, o.start - 30, status)
    for m in _WARRANT.finditer(text):           # "AMD issued OpenAI a warrant for 160 million AMD shares"
        issuer = [o for o in orgs if o.end <= m.start()]
        holder = [o for o in orgs if m.start("h") <= o.start < m.end("h")]
        if issuer and holder and issuer[-1].key != holder[0].key:
            yield from _invest(holder[0], issuer[-1], ctx, st, m.start(), status or "planned")
    for m in _INVESTOR_IN.finditer(text):       # "Amazon is an investor in Anthropic", "A and B are backers of C"
        comp = [o for o in orgs if o.start == m.end()]
        inv = [o for o in orgs if o.end <= m.start() and not re.search(r"[,;.]", text[o.end:m.start()])]
        if comp and inv and inv[-1].how != "reference":
            for who in _coordinated_before(orgs, inv[-1], text):
                yield from _invest(who, comp[0], ctx, st, m.start(), status or "completed")
    for m in _IN_WHICH_EN.finditer(text):
        inv = [o for o in orgs if m.start("inv") <= o.start < m.end("inv")]
        comp = [o for o in orgs if o.end <= m.start()]
        if inv and comp:
            yield from _invest(inv[0], comp[-1], ctx, st, m.start(), status or "completed")
    for m in _MONEY_FROM.finditer(text):
        if not re.search(r"shares?|stock|stake|investment|funding|equity|capital", text):
            continue
        comp = [o for o in orgs if o.end <= m.start()]
        invs = [o for o in orgs if o.start >= m.end()]
        if comp and invs:
            for inv in [invs[0], *_listed_after(ctx, invs[0].end, strict=True)]:
                yield from _invest(inv, comp[-1], ctx, st, m.start(), status or "completed")


def _share(pct: str | None) -> float:
    """``51%`` → 51.0, ``九成`` → 90.0; 0 when there is none."""
    if not pct:
        return 0.0
    if pct.endswith("成"):
        return 10.0 * "一二三四五六七八九".index(pct[0]) + 10.0
    return float(pct.rstrip("%"))


def _investor_subject(before: list[Mention], text: str, pos: int) -> Mention | None:
    for m in reversed(before):
        gap = text[m.end:pos]
        if len(gap) <= (40 if re.search(r"[\u4e00-\u9fff]", gap) else 90) and not re.search(r"[。；;]", gap):
            return m
    return None


def _invest_object(after: list[Mention], text: str, pos: int) -> Mention | None:
    for m in after:
        gap = text[pos:m.start]
        if len(gap) <= 100 and (re.search(r"\b(?:in|into)\b", gap) or (len(gap) <= 4 and not re.search(r"[、，,]", gap)) or
                               re.search(r"(?:入股|投资|注资)\s*$", text[:m.start])):
            return m
    return None


_NEGATED = re.compile(r"\b(?:no|not|never|neither|nor|none)\b|n['’]t\b|未|没有|沒有|并未|並未|从未|從未|不再|无意|無意")


def _invest(s: Mention | str, o: Mention | str, ctx: SentenceContext, st: RuleState, pos: int,
            status: str | None, lead: bool = False) -> Iterator[Fact]:
    if _NEGATED.search(ctx.text[max(0, pos - 30):pos]):
        return                              # "Meta itself holds no stake in CoreWeave"
    money = [a for a in ctx.money() if pos - 12 <= a.start <= pos + 40
             and not re.search(r"(?:worth|valued at|valuation of|估值)\s*(?:about|around|roughly|约|为)?\s*$",
                               ctx.text[max(0, a.start - 24):a.start])]
    amount = money[0].amount if money else None
    f = _rel("investedIn", s, o, ctx, st, status=status, amount=amount, date=_date_near(ctx))
    if f is None:
        return
    st.investments.append((ctx.sentence.index, f.subject or "", f.object or ""))
    yield f
    rnd = st.last_round
    if amount is not None and not (rnd and st.last_round_at == ctx.sentence.index and rnd.role("company") == (f.object,)):
        # an investment of a stated amount is a financing of the company, even when no round is named
        role = "leadInvestor" if lead else "investor" if _pure_investor(ctx, f.subject or "") else "strategicInvestor"
        yield Fact("FundingRound", f.evidence, roles=(("company", f.object or ""), (role, f.subject or "")),
                   amount=amount, date=f.date or _pub(ctx), status=status or "announced", reported_by=_reporter(ctx))
