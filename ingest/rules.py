"""Stage 6, facts: rules that read relations and n-ary facts out of one sentence context at a time.

Each rule is a small function ``(ctx, state) -> iterable of Fact``; ``RULES`` lists them in order and the
extractor name ``rules.v1`` goes into the provenance of every fact. Keywords cover simplified Chinese (the
context text is simplified), and English; traditional text reaches the rules already folded to simplified.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dealgraph.ingest.amounts import AmountMatch
from dealgraph.ingest.context import NON_PARTY_TAGS, Discourse, SentenceContext, pure_investor
from dealgraph.ingest.model import Evidence, Fact, Mention, PartialDate

__all__ = ["EXTRACTOR", "RULES", "RuleState", "apply_rules", "finish"]

EXTRACTOR = "rules.v1"

_PLANNED = re.compile(r"计划|拟|将|预计|可能|有望|考虑|打算|意向|或将|准备|会否|是否|能否|\bwhether\b|\bplans? to\b|\bplanned\b|\bwill\b|\bwould\b|"
                      r"\bexpected to\b|\bintends? to\b|letter of intent|\bset to\b|\bcould\b|\bmay\b|\beyeing\b|"
                      r"\bin talks\b|\bconsidering\b|\bpotential\b|\bproposed\b")
_DONE = re.compile(r"完成|已经|已|获得|获|\braised\b|\bhas invested\b|\binvested\b|\bclosed\b|\bcompleted\b|\bacquired\b")
_CHIP_WORDS = re.compile(r"GPU|芯片|算力|服务器|加速器|处理器|\bchips?\b|\bGPUs?\b|\bprocessors?\b|\baccelerators?\b|"
                         r"\bsystems\b|\bservers?\b|\bsupercomputers?\b")


@dataclass
class RuleState:
    """What rules carry from sentence to sentence: the article's discourse and the last round and contract."""

    disc: Discourse
    evidence: Callable[[SentenceContext], Evidence]
    last_round: Fact | None = None
    last_round_at: int = -10
    last_contract: Fact | None = None
    last_contract_at: int = -10
    extra: list[Fact] = field(default_factory=list)
    investments: list[tuple[int, str, str]] = field(default_factory=list)   # (sentence, investor, company)


# ----------------------------------------------------------------------------- helpers

def _status(text: str, default: str | None = None) -> str | None:
    if _PLANNED.search(text):
        return "planned"
    if _DONE.search(text):
        return "completed"
    return default


def _rel(kind: str, s: Mention | str, o: Mention | str, ctx: SentenceContext, st: RuleState, **kw) -> Fact | None:
    sk = s if isinstance(s, str) else s.key
    ok = o if isinstance(o, str) else o.key
    if sk == ok:
        return None
    return Fact(kind=kind, subject=sk, object=ok, evidence=st.evidence(ctx), **kw)


def _date_near(ctx: SentenceContext, pos: int | None = None) -> PartialDate | None:
    """The date a fact at ``pos`` happened: nearest before it, skipping dates of founding (``于2023年创立``)."""
    dates = [d for d in ctx.dates if not re.match(r"\s*(?:创立|创办|成立|founded|\bwhen\b)", ctx.text[d.end:d.end + 8])]
    if not dates:
        return ctx.previous_date if _ANAPHOR.search(ctx.text) else None
    if pos is None:
        return dates[0].date
    before = [d for d in dates if d.start <= pos]
    if before:
        return before[-1].date
    a, b = _clause_bounds(ctx, pos)        # a date after the figure counts inside its own clause, or when it
    after = [d for d in dates if a <= d.start < b]   # dates the report itself ("told Reuters in August")
    if not after:
        after = [d for d in dates if d.start > pos and re.search(
            r"\b(?:told|said|says|reported|according to)\b|报道|称|表示|透露", ctx.text[_clause_bounds(ctx, d.start)[0]:d.start])]
    return after[0].date if after else None


_ANAPHOR = re.compile(r"该宗交易|该交易|这笔交易|此次交易|该笔交易|这宗交易|此交易|该轮|这轮|\b[Tt]he (?:deal|transaction|acquisition|"
                      r"merger|round)\b")


def _pub(ctx: SentenceContext) -> PartialDate | None:
    p = ctx.published
    return PartialDate(p.year, p.month, p.day) if p else None


def _first_after(items: Iterable[AmountMatch], pos: int) -> AmountMatch | None:
    return next((a for a in items if a.start >= pos), None)


def _reporter(ctx: SentenceContext) -> str | None:
    for m in ctx.mentions:
        if (NON_PARTY_TAGS | {"bank"}) & set(ctx.tags.get(m.key, ())):
            around = ctx.text[max(0, m.start - 3):m.end + 8]
            if re.search(r"据|據|根据|称|稱|报道|報導|测算|估计|显示|report|according|told|said|says|estimate", around,
                         re.I):
                return m.key
    return None


def _clause_bounds(ctx: SentenceContext, pos: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r"[,，;；:：]", ctx.text[:pos])]
    end = re.search(r"[,，;；]", ctx.text[pos:])
    return (starts[-1] if starts else 0), (pos + end.start() if end else len(ctx.text))


def _subject(ctx: SentenceContext, pos: int, st: RuleState) -> Mention | str | None:
    """The organisation a figure at ``pos`` is about: nearest before it in its clause, else the sentence's first."""
    a, _ = _clause_bounds(ctx, pos)
    orgs = ctx.orgs()
    inside = [m for m in orgs if a <= m.start < pos]
    if inside:
        return inside[-1]
    before = [m for m in orgs if m.start < pos]
    if before:
        return before[0]
    return st.disc.topic


# ----------------------------------------------------------------------------- funding rounds

_ROUND = re.compile(r"(?P<zh>(?:Pre-?)?[A-H]\+{0,2}|天使|种子|战略)\s*轮|\b(?:Series|series)\s+(?P<en>[A-H]\+?)\b|"
                    r"\b(?P<seed>seed|pre-seed|angel) round\b")
_RAISE = re.compile(r"融资|募资|募集|筹集|筹资|\braised?\b|\braising\b|\bfunding round\b|\bnew funding\b|"
                    r"\bround of funding\b|\binvestment round\b|\bfundraise\b|\bfunding\b|\b(?:Series [A-H]\+?|seed) round\b|"
                    r"\blead(?:s|ing)? (?:an? )?investment\b")
_INVESTORS_WORD = re.compile(r"投资者|投资方|投资人|参投|跟投|参与本轮|参与了本轮|参与投资|投资机构|出资方|股东包括|\binclud(?:e|es|ing)\b|\binvestors\b|\bbackers\b|\bparticipated\b|"
                             r"\bparticipation\b|\bjoined by\b")
_LEAD = re.compile(r"领投|牵头|\bled by\b|\bleads?\b|\bled\b|\bco-led\b|\bleading\b")
_STRATEGIC = re.compile(r"战略投资|\bstrategic\b")
_VALUATION_WORD = re.compile(r"估值|valuation|valued at|post-money|投后")


def _round_name(text: str) -> str | None:
    m = _ROUND.search(text)
    if not m:
        return None
    if m["zh"]:
        z = m["zh"]
        return {"天使": "Angel", "种子": "Seed", "战略": "Strategic"}.get(z, f"Series {z}".replace("Series Pre", "Pre-"))
    if m["en"]:
        return f"Series {m['en']}"
    return m["seed"].capitalize()


def rule_funding_round(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """A company raising money: ``xAI完成E轮融资，共筹集200亿美元``; ``Mistral raised 1.7 billion euros``;
    ``月之暗面获得腾讯5亿美元的战略投资``; investors named in the same sentence join the round."""
    text = ctx.text
    kw = _RAISE.search(text) or _ROUND.search(text) or _GOT_ZH.search(text)
    money = ctx.money()
    if not kw:
        return
    if not money:                        # "完成B轮融资，金额未披露": a named round, its amount not given
        if (_ROUND.search(text) or _LEAD.search(text)) and _UNDISCLOSED_DONE.search(text):
            yield from _round_without_amount(ctx, st, kw)
        return
    if _TOTAL.search(text):              # "30家机构共投资MiniMax 15亿美元": a total, not one round
        company = _round_company(ctx, kw.start(), st)
        st.disc.funded = company if isinstance(company, str) else (company.key if company else st.disc.funded)
        return
    if re.search(r"债务融资|债券|贷款|\bdebt\b|\bloan\b|\bbonds?\b", text) or \
            re.search(r"IPO|上市|\bpublic offering\b|\blisting\b", text[max(0, kw.start() - 4):kw.end() + 4]):
        return
    money = [a for a in money if not re.match(r"\s*(?:的)?(?:融资目标|目标|target)", text[a.end:a.end + 8])]
    if not money:
        return
    amount = _round_amount(ctx, money, kw)
    if amount is None:
        return
    company = _round_company(ctx, kw.start(), st)
    if company is None:
        return
    ckey = company if isinstance(company, str) else company.key
    roles: list[tuple[str, str]] = [("company", ckey)]
    roles += [("leadInvestor", m.key) for m in _lead_investors(ctx, ckey)]
    roles += [(r, k) for r, k in _same_sentence_investors(ctx, ckey, kw) if (r, k) not in roles
              and ("leadInvestor", k) not in roles]
    for i, inv, comp in st.investments:      # "A invested … in B. B raised … in its latest round": A is in it
        if comp == ckey and ctx.sentence.index - i <= 2 and all(k != inv for _, k in roles):
            roles.append(("strategicInvestor" if not _pure_investor(ctx, inv) else "investor", inv))
    values = [("roundName", n)] if (n := _round_name(text)) else []
    val = next((a for a in money if a is not amount and _VALUATION_WORD.search(
        text[a.end:a.end + 16] + text[max(0, a.start - 8):a.start])), None)
    if val:
        values.append(("valuation", str(val.amount.value)))
        yield Fact("Valuation", st.evidence(ctx), roles=(("company", ckey),), amount=val.amount,
                   date=_date_near(ctx) or _pub(ctx), values=(("basis", "post-money"),), reported_by=_reporter(ctx))
    fact = Fact("FundingRound", st.evidence(ctx), roles=tuple(roles), values=tuple(values), amount=amount.amount,
                date=_date_near(ctx, kw.start()) or _pub(ctx), status=_status(text, "announced"),
                reported_by=_reporter(ctx))
    st.last_round, st.last_round_at = fact, ctx.sentence.index
    st.disc.funded = ckey
    yield fact
    for _r, k in roles[1:]:
        if (f := _rel("investedIn", k, ckey, ctx, st, status=fact.status)) is not None:
            yield f


_UNDISCLOSED_DONE = re.compile(r"完成|宣布|获得|获|\bclosed\b|\bcompleted\b|\braised\b|\bannounced\b|\bsecured\b")


def _round_without_amount(ctx: SentenceContext, st: RuleState, kw: re.Match[str]) -> Iterator[Fact]:
    """A named round whose amount the text does not give (``数亿美元``, ``undisclosed``): the round and its
    investors, no amount."""
    company = _round_company(ctx, kw.start(), st)
    if company is None:
        return
    ckey = company if isinstance(company, str) else company.key
    roles = [("company", ckey)] + [("leadInvestor", m.key) for m in _lead_investors(ctx, ckey)]
    roles += [(r, k) for r, k in _same_sentence_investors(ctx, ckey, kw) if (r, k) not in roles
              and ("leadInvestor", k) not in roles]
    values = [("roundName", n)] if (n := _round_name(ctx.text)) else []
    fact = Fact("FundingRound", st.evidence(ctx), roles=tuple(roles), values=tuple(values),
                date=_date_near(ctx, kw.start()) or _pub(ctx), status=_status(ctx.text, "announced"),
                reported_by=_reporter(ctx))
    st.last_round, st.last_round_at = fact, ctx.sentence.index
    st.disc.funded = ckey
    yield fact
    for _r, k in roles[1:]:
        if (f := _rel("investedIn", k, ckey, ctx, st, status=fact.status)) is not None:
            yield f


_LEAD_INVESTMENT = re.compile(r"\blead(?:s|ing)?\s+(?:an?\s+|the\s+)?(?:[$€£][\d.]+\s*\w*\s+)?investment|"
                              r"\bled\s+(?:an?\s+|the\s+)?investment")
_TOTAL = re.compile(r"累计|共投资|总共|合计|共计|一共|\bto date\b|\baltogether\b|\bin total\b(?!.*\bround\b)|\btotal of\b(?!.*\bround\b)")


def _round_amount(ctx: SentenceContext, money: list[AmountMatch], kw: re.Match[str]) -> AmountMatch | None:
    """The amount raised: right before the keyword (``50亿美元股权融资``), else the first after it, else the first."""
    money = [a for a in money if not _VALUATION_WORD.search(ctx.text[max(0, a.start - 8):a.start])
             and not re.search(r"(?:融资|轮)时的?\s*$", ctx.text[max(0, a.start - 6):a.start])
             and not re.match(r"[\s-]*(?:[A-Za-z]+[\s-]+)?(?:valuation|估值)|\s*的?\s*(?:投后|投前)?估值",
                              ctx.text[a.end:a.end + 20])]
    if not money:
        return None
    just_before = [a for a in money if a.end <= kw.start() and kw.start() - a.end <= 8]
    return just_before[-1] if just_before else (_first_after(money, kw.start()) or money[0])


def _same_sentence_investors(ctx: SentenceContext, company: str, kw: re.Match[str]) -> list[tuple[str, str]]:
    """``……轮，由A领投，B、C和D跟投``; ``led by A; B and C were among the other backers``."""
    out = []
    text = ctx.text
    cue = re.search(r"跟投|参投|参与|\bbackers\b|\binvestors\b|\bparticipat\w+|\bjoined by\b|\balongside\b|"
                    r"\bincluding\b|\bwith participation from\b", text[kw.start():])
    if not cue:
        return out
    cpos = kw.start() + cue.start()
    clause_start, _ = _clause_bounds(ctx, cpos)
    for m in ctx.orgs():
        if m.key == company or m.how == "reference" or _LEAD.search(text[m.end:m.end + 8]):
            continue
        if re.search(r"(?:由|led by|co-led by)\s*(?:\S+\s+){0,4}$", text[max(0, m.start - 40):m.start]):
            continue
        follows = m.start >= cpos and m.start - cpos <= 60
        precedes = clause_start <= m.start < cpos
        if follows or precedes:
            role = "strategicInvestor" if _STRATEGIC.search(text[max(0, m.start - 12):m.end + 12]) else "investor"
            out.append((role, m.key))
    return out


def _round_company(ctx: SentenceContext, pos: int, st: RuleState) -> Mention | str | None:
    orgs = ctx.orgs()
    lead = _LEAD_INVESTMENT.search(ctx.text)
    for m in orgs:      # "SoftBank is set to lead investment of $40 billion in OpenAI": the company follows "in"
        if lead and m.start > lead.end() and re.search(r"\b(?:in|into)\s+(?:\S+\s+){0,8}$", ctx.text[:m.start]):
            return m
    before = [m for m in orgs if m.start < pos and not _LEAD.search(ctx.text[m.end:m.end + 6])
              and not re.search(r"(?:由|led by|co-led by)\s*(?:\S+\s+){0,4}$", ctx.text[max(0, m.start - 40):m.start])]
    if before:
        return before[-1] if re.search(r"\braised?\b|融资|筹集|募集", ctx.text[before[-1].end:pos + 8]) else before[0]
    after = [m for m in orgs if m.start >= pos and not re.match(   # "完成A1轮融资，阿里、腾讯、小米等参投": investors
        r"[^。；;，,]{0,30}?(?:等)?(?:参投|跟投|领投|参与投资|共同投资|出资)|\s*(?:led|co-led|joined|participated)\b",
        ctx.text[m.end:])]
    return after[0] if after else st.disc.topic


def _lead_investors(ctx: SentenceContext, company: str) -> list[Mention]:
    out = []
    for m in ctx.orgs():
        if m.key == company:
            continue
        after, before = _PAREN.sub("", ctx.text[m.end:m.end + 64])[:24], ctx.text[max(0, m.start - 40):m.start]
        if re.match(r"\s*(?:共同|联合|一起)?(?:领投|牵头)|\s*(?:(?:is|was) set to lead|is to lead|led|leads|will lead|"
                    r"co-led|co-lead)\b", after) or \
                re.search(r"(?:由|led by|co-led by)\s*(?:(?:the|a|an|[a-z-]+|[A-Z][a-z]+ian|[A-Z][a-z]+ese)\s+){0,4}$",
                          before) or re.search(r"(?:由|led by|co-led by)\s*$", before):
            out.extend(o for o in _coordinated_before(ctx.orgs(), m, ctx.text) if o.key != company)
    return list({m.key: m for m in out}.values())


def rule_round_investors(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """Investors listed after a round: ``参与本轮的投资者有A、B和C``; ``A和B是本轮的战略投资者``."""
    rnd = st.last_round
    if rnd is None or ctx.sentence.index - st.last_round_at > 4 or ctx.sentence.index == st.last_round_at:
        return
    if not (_INVESTORS_WORD.search(ctx.text) or re.search(r"本轮|本輪|this round|the round", ctx.text)):
        return
    company = rnd.role("company")[0]
    strategic = bool(_STRATEGIC.search(ctx.text))
    found = [m for m in ctx.orgs() if m.key != company and m.how != "reference"]
    if not found:
        return
    roles = list(rnd.roles)
    for m in found:
        role = "strategicInvestor" if strategic else ("leadInvestor" if _LEAD.search(
            ctx.text[m.end:m.end + 8]) else "investor")
        if (role, m.key) not in roles:
            roles.append((role, m.key))
        if (f := _rel("investedIn", m, company, ctx, st, status=rnd.status)) is not None:
            yield f
    st.extra.append(rnd)
    new = Fact(rnd.kind, rnd.evidence, roles=tuple(roles), values=rnd.values, amount=rnd.amount, date=rnd.date,
               status=rnd.status, reported_by=rnd.reported_by)
    st.last_round = new
    yield new


# ----------------------------------------------------------------------------- investments

_INVEST_ZH = re.compile(r"(?:向|对)(?P<obj>[^，,。]{0,20}?)(?:进行)?(?:投资|注资|出资)|(?:投资|入股|注资|增持|参股|押注)了?|"
                        r"领投了?(?=[^，,。；;]{0,12}(?:融资|轮))")
_INVEST_EN = re.compile(r"\b(?:invest(?:s|ed|ing)?|investment|stake|backs|backed|backing|shareholder|"
                        r"biggest investor|main investor|largest investor|injected|led|leads|co-led)\b")
_GOT_ZH = re.compile(r"(?:获得|获|拿下|接受)(?:了)?(?P<inv>[^，,。；;]{1,30}?)(?:的)?(?:战略)?(?:投资|注资|融资|入股)")
_SHARE_EN = re.compile(r"\b(?:owns?|owned|holds?|held|took|takes|acquired|bought|buys?|has)\s+(?:a\s+)?(?:roughly |about |"
                       r"around |nearly |an estimated |a |an )?(?:\d+(?:\.\d+)?\s?(?:%|per ?cent)|stake|minority stake|"
                       r"majority stake)(?:\s+stake)?\s+(?:of|in)\b")
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
                       r"\s+(?:up to\s+|about\s+|another\s+|a further\s+|as much as\s+|roughly\s+)?[$€£]?[\d.,]+\s*"
                       r"(?:billion|million|bn|m)?\s+(?:dollars\s+|euros\s+|more\s+)?into\s+$")
_WARRANT = re.compile(r"\b(?:issued|issues|issue|granted|grants|grant|gave|gives|give)\s+(?P<h>[^,.;]{1,30}?)\s+(?:a\s+)?"
                      r"(?:warrants?|options?|the right)\s+(?:for|to buy|to acquire|on)\b|"
                      r"向(?P<h2>[^，,。；;]{1,20}?)(?:发行|授予)(?:了)?[^，,。；;]{0,12}?(?:认股权证|期权)")
_RECEIVED_EN = re.compile(r"\b(?:received|receives|secured|secures|got|raised|raises)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}?\bfrom\b")


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
            target = before[-1] if before else st.disc.topic
            for m in after:
                if target is not None:
                    yield from _invest(m, target, ctx, st, kw.end(), status)
            continue
        if before and after:
            subj = _investor_subject(before, text, kw.start())
            obj = _invest_object(after, text, kw.end())
            if subj and obj:
                for who in _coordinated_before(orgs, subj, text):
                    for o in [obj, *_listed_after(ctx, obj.end, strict=True)]:
                        yield from _invest(who, o, ctx, st, kw.end(), status)
    yield from _invest_passive(ctx, st, orgs, status)


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
    for m in _IN_WHICH_EN.finditer(text):
        inv = [o for o in orgs if m.start("inv") <= o.start < m.end("inv")]
        comp = [o for o in orgs if o.end <= m.start()]
        if inv and comp:
            yield from _invest(inv[0], comp[-1], ctx, st, m.start(), status or "completed")
    for m in _RECEIVED_EN.finditer(text):
        if not re.search(r"shares?|stock|stake|investment|funding|equity|capital", text):
            continue
        comp = [o for o in orgs if o.end <= m.start()]
        invs = [o for o in orgs if o.start >= m.end()]
        if comp and invs:
            for inv in [invs[0], *_listed_after(ctx, invs[0].end, strict=True)]:
                yield from _invest(inv, comp[-1], ctx, st, m.start(), status or "completed")


_PAREN = re.compile(r"[（(][^（()）]{0,40}[）)]")
_JOIN = re.compile(r"\s*(?:与|和|同|及|以及|、|,|，|\band\b|&)\s*")


def _coordinated_before(orgs: list[Mention], last: Mention, text: str) -> list[Mention]:
    """``微软与英伟达`` / ``Microsoft and Nvidia`` ending at ``last``: every name of the run, first to last
    (aliases in brackets skipped: ``富达（Fidelity）与光速创投``)."""
    run = [last]
    for m in reversed([o for o in orgs if o.end <= last.start]):
        gap = text[m.end:run[0].start]
        if re.fullmatch(r"\s*[（(]\s*", gap):            # an alias in brackets: the same name
            continue
        if not _JOIN.fullmatch(re.sub(r"^\s*[）)]", "", _PAREN.sub("", gap))):
            break
        run.insert(0, m)
    return list({m.key: m for m in run}.values())


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
            status: str | None) -> Iterator[Fact]:
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
        role = "investor" if _pure_investor(ctx, f.subject or "") else "strategicInvestor"
        yield Fact("FundingRound", f.evidence, roles=(("company", f.object or ""), (role, f.subject or "")),
                   amount=amount, date=f.date or _pub(ctx), status=status or "announced", reported_by=_reporter(ctx))


_ROLE_ZH = re.compile(r"是(?P<c>[^，,。；;]{0,12}?)(?:的)?(?:第一个|第一家|最早的|最大的|第二大|第三大|主要|重要|早期|唯一的)?"
                      r"(?:外部)?(?:财务|战略)?(?:投资人|投资方|投资者|股东|出资方|领投方)|投了最多|参与了最多|领投了(?:第一|首)轮|"
                      r"(?:是|为)(?:第一|首)轮(?:的)?领投方")
_ROLE_EN = re.compile(r"\b(?:other |existing |early |major )?(?:backers|investors|shareholders) (?:are|include|included|were)\b|"
                      r"\b(?:is|was|became|remains) (?:also )?one of (?P<its>its|their) (?:largest |biggest |main |major |key |"
                      r"early )?(?:outside |external )?(?:investors|backers|shareholders)\b|"
                      r"\b(?:is|was|became) (?:the |an? )?(?:first|earliest|largest|biggest|main|major|lead|early) "
                      r"(?:outside |external )?(?:investor|backer|shareholder)\b")


def rule_investor_roles(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """Investor roles of the company being funded: ``高瓴是第一轮领投方``, ``阿里投了最多的钱``,
    ``Other backers are A, B and C``, ``X is the largest outside investor``."""
    text = ctx.text
    m = _ROLE_ZH.search(text) or _ROLE_EN.search(text)
    if not m:
        return
    named = [o for o in ctx.orgs() if m.re is _ROLE_ZH and m.groupdict().get("c") and
             m.start("c") <= o.start < m.end("c")]
    if m.re is _ROLE_EN and m["its"]:           # "Nvidia is also one of its largest shareholders": the subject before
        own = [o for o in ctx.orgs() if o.end <= m.start()]
        named = [o for o in own if o.key != own[-1].key][:1] if len(own) >= 2 else named
    company = named[0].key if named else st.disc.funded
    if company is None:
        return
    investors = [o for o in ctx.orgs() if o.key != company and o.how != "reference"
                 and (o.start < m.start() if m.re is _ROLE_ZH or m.group().startswith(("is", "was", "became"))
                      else o.start >= m.end())]
    for o in investors:
        yield from (f for f in [_rel("investedIn", o, company, ctx, st, status="completed")] if f)
        if re.search(r"领投", m.group()) and re.search(r"第一轮|首轮|第一个", text):
            yield Fact("FundingRound", st.evidence(ctx), roles=(("company", company), ("leadInvestor", o.key)),
                       values=(("roundName", "first round"),), status="completed")


# ----------------------------------------------------------------------------- valuations and metrics

_VAL = re.compile(r"估值|市场估值|作价|\bvaluation\b|\bvalued at\b|\b(?:is|was|now|be) worth\b")
_METRICS: list[tuple[str, re.Pattern[str]]] = [
    ("annualizedRevenue", re.compile(r"年化营收|年化收入|年化经常性收入|annuali[sz]ed revenue|annual recurring revenue|"
                                     r"\bARR\b|revenue run[- ]rate|年化")),
    ("totalFunding", re.compile(r"累计融资|累计融资额|总融资|融资总额|共投资|累计获得|total funding|raised a total|"
                                r"in total funding|raised more than .* to date")),
    ("contractBacklog", re.compile(r"未来合同总额|未履约|剩余履约义务|合同总额|backlog|remaining performance obligations|"
                                   r"\bRPO\b")),
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
        company = _valued(ctx, kw, amount, st)
        if company is None:
            continue
        ckey = company if isinstance(company, str) else company.key
        yield Fact("Valuation", st.evidence(ctx), roles=(("company", ckey),), amount=amount.amount,
                   date=_date_near(ctx, kw.start()) or _pub(ctx), reported_by=_reporter(ctx),
                   status="planned" if _PLANNED.search(ctx.text[max(0, kw.start() - 20):kw.start()]) else None)
    yield from _valued_companies(ctx, st)


def _valued(ctx: SentenceContext, kw: re.Match[str], amount: AmountMatch, st: RuleState) -> Mention | str | None:
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


# ----------------------------------------------------------------------------- purchases and contracts

_BUY = re.compile(r"采购|购买|买入|订购|租用|算力合同|云计算合同|云服务合同|合同|协议|订单|拥有|部署|配备|使用|"
                  r"\bbuy(?:s|ing)?\b|\bbought\b|\bpurchase[sd]?\b|\bordered\b|\bcontract\b|\bdeal\b|\bagreement\b|"
                  r"\busing\b|\buse\b|\bowns?\b|\brent(?:s|ing)?\b|\bcustomer\b|\bclient\b|\bcommitment\b")
_SUPPLY_ZH = re.compile(r"为(?P<cust>[^，,。]{1,20}?)(?:建设|部署|提供|供应|打造)")


def _pure_investor(ctx: SentenceContext, key: str) -> bool:
    return pure_investor(ctx.tags.get(key, ()))


def _seller_score(ctx: SentenceContext, m: Mention) -> int:
    tags = set(ctx.tags.get(m.key, ()))
    return 2 * bool(tags & {"chip", "cloud", "hardware"}) - bool(tags & {"lab", "investor"})


_RELY_ON = re.compile(r"\b(?:relies|rely|relied|relying|depends|depend|depended|depending|leans|lean)\s+(?:heavily\s+|mainly\s+|"
                      r"largely\s+)?on\s+")
_DEPLOY_EN = re.compile(r"\b(?:deploy|deploys|deployed|deploying|use|uses|using|run|runs|running)\s+(?:at least\s+|up to\s+|"
                        r"about\s+|some\s+)?(?:[\d.,]+\s*(?:gigawatts?|GW|megawatts?|MW|million|billion)?\s+(?:of\s+)?)?"
                        r"(?=\S+(?:['’]s)?\s+(?:systems|chips|GPUs|processors|accelerators|servers|hardware)\b)")
_FROM_EN = re.compile(r"\b(?:buy|buys|bought|buying|purchase|purchases|purchased|purchasing|rent|rents|rented|renting|"
                      r"lease|leases|leased|source|sources|sourced|order|orders|ordered)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}?\bfrom\b")
_ORDER_WITH = re.compile(r"\b(?:placed|places|place|signed|signs|sign|expanded|expands|struck|strikes|inked|inks)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}?"
                         r"\b(?:order|orders|contract|contracts|deal|agreement|commitment)\s+with\b")
_PAY_EN = re.compile(r"\b(?:pay|pays|paid|paying)\s+")
_DEAL_WITH = re.compile(r"\b(?:agreement|agreements|deal|deals|contract|contracts|order|orders|commitment|commitments)\s+"
                        r"with\s+")
_SPEND_ON = re.compile(r"\bspend(?:s|ing)?\b(?:[^.;]|(?<=\d)\.(?=\d)){0,40}?\b(?:on|buying|to buy|purchasing|for)\b")
_SUPPLIER = re.compile(r"是(?P<cust>[^，,。]{1,16}?)的(?:[^，,。]{0,10}?)(?:供应商|供货商|提供商|服务商|代工厂|代工商|制造商)|"
                       r"\b(?:is|was|as|became|remains)\s+(?P<cust2>[^.;]{1,30}?)['’]s\s+(?:\w+\s+){0,3}?(?:supplier|provider|vendor)\b")
_CUSTOMER = re.compile(r"是(?P<sup>[^，,。]{1,16}?)的(?:[^，,。]{0,8}?)(?:客户|买家)|"
                       r"\b(?:is|was|as|became|remains)\s+(?P<sup2>[^.;]{1,30}?)['’]s\s+(?:\w+\s+){0,3}?(?:customer|client)\b|"
                       r"\baccount(?:s|ed)? for\s+\d+(?:\.\d+)?\s?%\s+of\s+(?P<sup3>[^.;]{1,30}?)['’]s\s+(?:revenue|sales)|"
                       r"占(?P<sup4>[^，,。]{1,16}?)(?:收入|营收|销售额)的")
_CUSTOMER_OF_SUBJ = re.compile(r"\bas an? (?:major |key |big |large |anchor |important )?(?:customer|client)\b")


def _in_span(orgs: list[Mention], a: int, b: int) -> list[Mention]:
    return [o for o in orgs if a <= o.start < b]


_BUY_ZH = re.compile(r"(?:采购|购买|订购|买入|购入|租用|拥有|部署|使用|采用)了?")


def _explicit_purchases(ctx: SentenceContext, orgs: list[Mention]) -> Iterator[tuple[Mention, Mention]]:
    """(buyer, seller) of every explicit construction in the sentence, in the order of the patterns."""
    text = ctx.text
    products = ctx.of_type("Product")
    for m in _BUY_ZH.finditer(text):
        buyers = [o for o in orgs if o.end <= m.start() and not re.search(r"[，,。；;、]", text[o.end:m.start()])]
        sellers = [o for o in orgs if m.end() <= o.start <= m.end() + 12
                   and not re.search(r"[，,。；;、]", text[m.end():o.start])]
        if not buyers:
            buyers = [o for o in orgs if o.end <= m.start()][:1]
        if buyers and sellers and buyers[-1].key != sellers[0].key:
            tail = text[sellers[0].end:sellers[0].end + 14]
            if _CHIP_WORDS.search(tail) or re.search(r"云|服务|算力|系统|产品", tail) or \
                    any(0 <= p.start - sellers[0].end <= 3 for p in products):
                yield buyers[-1], sellers[0]
    before_of = lambda pos: [o for o in orgs if o.end <= pos and not re.search(r"[;。；]", text[o.end:pos])]  # noqa: E731
    for m in _BUY_FROM_ZH.finditer(text):       # "百川将向阿里巴巴采购云计算资源"
        sellers = _in_span(orgs, m.start("s"), m.end("s"))
        buyers = [o for o in before_of(m.start()) if not sellers or o.key != sellers[-1].key]
        if sellers and buyers:
            yield buyers[-1], sellers[-1]
    for m in _FROM_EN.finditer(text):
        sellers = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 6]
        buyers = before_of(m.start())
        if sellers and buyers:
            yield buyers[-1], sellers[0]
    for m in _ORDER_WITH.finditer(text):
        sellers = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 6]
        buyers = before_of(m.start())
        if sellers and buyers:
            b, s = buyers[-1], sellers[0]
            yield (b, s) if _seller_score(ctx, s) >= _seller_score(ctx, b) else (s, b)
    for m in _RELY_ON.finditer(text):           # "CoreWeave relies on Nvidia for its chips"
        sellers = [o for o in orgs if o.start == m.end()]
        buyers = before_of(m.start())
        if sellers and buyers and _CHIP_WORDS.search(text[sellers[0].end:sellers[0].end + 30]) or \
                sellers and buyers and re.match(r"\s+for\s+(?:its\s+|their\s+)?(?:compute|computing|cloud|capacity)",
                                                text[sellers[0].end:]):
            yield buyers[-1], sellers[0]
    for m in _DEPLOY_EN.finditer(text):       # "as the start-up deploys 10 gigawatts of Nvidia systems"
        sellers = [o for o in orgs if o.start == m.end() and _seller_score(ctx, o) > 0]
        buyers = before_of(m.start())
        if sellers and buyers and buyers[-1].key != sellers[0].key:
            yield buyers[-1], sellers[0]
    for m in _PAY_EN.finditer(text):
        sellers = [o for o in orgs if o.start == m.end() or (o.start > m.end() and re.fullmatch(r"\s*to\s*",
                                                                                             text[m.end():o.start]))]
        buyers = before_of(m.start())
        if sellers and buyers and _seller_score(ctx, sellers[0]) > 0:
            yield buyers[-1], sellers[0]
    for m in _SPEND_ON.finditer(text):
        sellers = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 20]
        buyers = before_of(m.start())
        if sellers and buyers and (_CHIP_WORDS.search(text[m.end():m.end() + 40]) or _seller_score(ctx, sellers[0]) > 0
                                   and sellers[0].key != buyers[-1].key):
            yield buyers[-1], sellers[0]
    for m in _SUPPLIER.finditer(text):
        g = "cust" if m["cust"] is not None else "cust2"
        cust = _in_span(orgs, m.start(g), m.end(g))
        sup = before_of(m.start())
        if cust and sup:
            yield cust[-1], sup[-1]
    for m in _CUSTOMER.finditer(text):
        g = next(x for x in ("sup", "sup2", "sup3", "sup4") if m[x] is not None)
        sup = _in_span(orgs, m.start(g), m.end(g))
        cust = before_of(m.start())
        if cust and sup:
            yield cust[-1], sup[-1]
    m = _CUSTOMER_OF_SUBJ.search(text)
    if m:
        cands = before_of(m.start())
        subj = [o for o in orgs if _seller_score(ctx, o) > 0]
        if cands and subj and cands[-1].key != subj[0].key:
            yield cands[-1], subj[0]
    m = _SUPPLY_ZH.search(text)
    if m:
        cust = _in_span(orgs, m.start("cust"), m.end("cust"))
        prov = [o for o in orgs if o.end <= m.start()]
        if cust and prov:
            yield cust[0], prov[-1]
    found = _product_purchase(ctx, orgs)
    if found:
        yield found


_BUY_FROM_ZH = re.compile(r"(?:向|从|自)(?P<s>[^，,。；;]{1,20}?)(?:处)?(?:采购|购买|购入|订购|租用|租赁|买入|进口)")
_BUY_ANY = re.compile(r"采购|购买|订购|买入|购入|租用|\bbuy(?:s|ing)?\b|\bbought\b|\bpurchas\w*|\border(?:s|ed)?\b|"
                      r"\brent(?:s|ed|ing)?\b|\blease[sd]?\b|\bspend\w*\b")


def _product_purchase(ctx: SentenceContext, orgs: list[Mention]) -> tuple[Mention, Mention] | None:
    """``OpenAI pledged to buy $250 billion of Azure services``, ``采购H100芯片``: the product's maker is paid."""
    from dealgraph.ingest.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    for m in _BUY_ANY.finditer(ctx.text):
        prods = [p for p in ctx.of_type("Product") if 0 <= p.start - m.end() <= 40
                 and not re.search(r"[。；;]", ctx.text[m.end():p.start])]
        buyers = [o for o in orgs if o.end <= m.start() and not re.search(r"[。；;]", ctx.text[o.end:m.start()])]
        if not prods or not buyers:
            continue
        e = gaz.entities.get(prods[0].key)
        if e and e.maker and e.maker != buyers[-1].key:
            return buyers[-1], _as_mention(e.maker)
    return None


def _deals_with(ctx: SentenceContext, orgs: list[Mention], st: RuleState) -> list[tuple[Mention, Mention]]:
    """``OpenAI is committed to ... a $300 billion agreement with Oracle and chip deals with Nvidia and Broadcom``."""
    text = ctx.text
    subject = orgs[0] if orgs else None
    out = []
    for m in _DEAL_WITH.finditer(text):
        first = next((o for o in orgs if o.start == m.end()), None)
        if first is None or subject is None or subject.key == first.key or subject.start > m.start():
            continue
        for o in [first, *_listed_after(ctx, first.end, strict=True)]:
            if o.key == subject.key:
                continue
            mine, theirs = _seller_score(ctx, subject), _seller_score(ctx, o)
            if theirs > 0 and theirs >= mine:
                out.append((subject, o))
            elif mine > 0 and mine > theirs:        # "Nebius widened its deal with Microsoft": the cloud sells
                out.append((o, subject))
    return out


def rule_purchase(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """Who pays whom for compute: ``OpenAI与甲骨文签署算力采购合同``, ``为OpenAI部署……配备英伟达芯片``,
    ``拥有一百万枚英伟达H100 GPU``, ``buys chips from Nvidia``, ``微软是OpenAI的云服务供应商``."""
    text = ctx.text
    orgs = [m for m in ctx.orgs() if not _pure_investor(ctx, m.key)]
    if re.search(r"\b(?:purchase|buyout) of\b", text) and _ACQ.search(text):
        return                              # buying a company, not its products (rule_founded_acquired)
    pairs = list(dict.fromkeys((b, s) for b, s in _explicit_purchases(ctx, ctx.orgs())   # funds buy too, when said
                               if b.key != s.key and not _pure_investor(ctx, s.key)))
    pair = pairs[0] if pairs else None
    if pair is None:
        deals = _deals_with(ctx, orgs, st)
        for buyer, seller in deals:
            yield from (f for f in [_rel("buysFrom", buyer, seller, ctx, st, status=_status(text))] if f)
        if len(deals) == 1:
            yield from _contract(ctx, st, *deals[0], near=deals[0][1].start)
        if deals:
            return
        if not _BUY.search(text) or len({m.key for m in orgs}) < 2:
            return
        invests = re.search(r"投资|入股|注资|持股|股份|股权|\binvest|\bstake\b|\bshares?\b|\bown(?:s|ed)?\b|\bholding\b",
                            text) or _SHARE_EN.search(text)
        if invests:
            return                          # investment wording: a purchase here must be said explicitly
        compute = bool(_CHIP_WORDS.search(text) or re.search(r"云|数据中心|compute|cloud|data cent|capacity", text))
        deal = bool(ctx.money() and re.search(r"合同|协议|订单|contract|agreement|deal|order", text))
        ranked = sorted(orgs, key=lambda m: -_seller_score(ctx, m))
        if not (compute or deal) or not ranked or _seller_score(ctx, ranked[0]) <= 0:
            return
        seller = ranked[0]
        if re.search(r"\b(?:will )?(?:supply|supplies|supplied|provide|provides|sell|sells)\b|供应|提供|出售", text):
            return                          # the subject sells here; who buys is not said
        if sum(1 for m in orgs if _seller_score(ctx, m) > 0) >= 3:
            return                          # "与英伟达、超微、甲骨文等签下的协议": no single supplier to name
        others = [m for m in orgs if m.key != seller.key and _seller_score(ctx, m) < _seller_score(ctx, seller)]
        if not others:
            return
        pair = (others[0], seller)
        pairs = [pair]
    seen = set()
    for buyer, seller in pairs:
        if buyer.key == seller.key or (buyer.key, seller.key) in seen:
            continue
        seen.add((buyer.key, seller.key))
        yield from (f for f in [_rel("buysFrom", buyer, seller, ctx, st, status=_status(text))] if f)
        yield from _contract(ctx, st, buyer, seller, near=seller.start if len(pairs) > 1 or _DEAL_WITH.search(text)
                             else None)


_TOTAL_TO = re.compile(r"\b(?:taking|bringing|lifting|raising|pushing)\s+(?:the\s+|its\s+|their\s+)?(?:total|overall|"
                       r"combined|cumulative)\b[^.;]{0,70}?\bto\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|some\s+)?$|"
                       r"(?:总额|总值|总金额|合同总额|累计金额)(?:增|提高|提升|扩大)?至(?:约|近)?$")


def _contract(ctx: SentenceContext, st: RuleState, buyer: Mention, seller: Mention,
              near: int | None = None) -> Iterator[Fact]:
    text = ctx.text
    money = ctx.money()
    caps = ctx.capacities
    if not (money or caps or re.search(r"合同|协议|contract|agreement|deal|意向书|letter of intent", text)):
        return
    subject = "GPUs" if re.search(r"GPU|芯片|chip|processor", text) else ("cloud compute" if re.search(
        r"算力|云|compute|cloud|capacity", text) else None)
    values = [("capacity", caps[0].text)] if caps else []
    if subject:
        values.append(("subject", subject))
    amount = next((a for a in money if not re.search(r"每年|平均|per year|a year|annual", text[max(0, a.start - 8):a.start])
                   and not re.search(r"stock|shares|股", text[a.end:a.end + 12])
                   and not re.search(r"\binvest\w*\s+(?:up to\s+|about\s+|as much as\s+)?$|(?:投资|注资|入股)(?:最多|约)?$",
                                     text[max(0, a.start - 25):a.start])), None)
    if near is not None and money:          # several deals in one sentence: the amount nearest this seller
        amount = min(money, key=lambda a: abs(a.start - near))
    total = next((a for a in money if _TOTAL_TO.search(text[max(0, a.start - 90):a.start])), None)
    if total is not None:               # "expanded by $6.5 billion, taking the total to $22.4 billion"
        amount = total
    fact = Fact("Contract", st.evidence(ctx), roles=(("buyer", buyer.key), ("seller", seller.key)),
                amount=amount.amount if amount else None, values=tuple(values), date=_date_near(ctx),
                status=_status(text), reported_by=_reporter(ctx))
    st.last_contract, st.last_contract_at = fact, ctx.sentence.index
    yield fact


def rule_contract_capacity(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``这笔合同……需要至少4.5吉瓦(GW)的电力``: capacity for the contract just named."""
    c = st.last_contract
    if c is None or ctx.sentence.index - st.last_contract_at != 1 or not ctx.capacities or c.value("capacity"):
        return
    if not re.search(r"这笔|该合同|合同|协议|the deal|the contract|the agreement", ctx.text):
        return
    st.extra.append(c)
    new = Fact(c.kind, c.evidence, roles=c.roles, values=c.values + (("capacity", ctx.capacities[0].text),),
               amount=c.amount, date=c.date, status=c.status, reported_by=c.reported_by)
    st.last_contract = new
    yield new


# ----------------------------------------------------------------------------- partners, control, people, products

_PARTNER = re.compile(r"合作伙伴|合作|联合开发|共同开发|共建|携手|联手|结盟|战略协议|"
                      r"\bpartner(?:s|ed|ing)?\s+(?:with|to|on|in)\b|\bpartnership\b|\b(?:key|strategic|technology) partners?\b|"
                      r"\bjointly\b|\bcollaborat\w+|\bteam(?:s|ed)? up\b|\bstrategic deal\b|\balliance\b")


def rule_partner(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``A与B合作``, ``A和B是C的合作伙伴``, ``双方共建``, ``A will partner with B``; a list of three or more
    partners of a project named just before becomes ``participatesIn``."""
    kw = _PARTNER.search(ctx.text)
    if not kw:
        return
    text = ctx.text
    orgs = ctx.orgs()
    if re.search(r"重要合作伙伴|合作伙伴等|其他合作伙伴", text) and _INVESTORS_WORD.search(text):
        return
    of = re.search(r"是(?P<o>.{1,12}?)的(?:[\u4e00-\u9fff]{0,4})?合作伙伴|(?:partner|partners) (?:of|to) ", text)
    done = False
    if of:
        target = [m for m in orgs if m.start >= of.start() and m.end <= of.end() + 12]
        if target:
            for m in orgs:
                if m.start < of.start() and m.key != target[0].key:
                    yield from (f for f in [_rel("partnerOf", m, target[0], ctx, st)] if f)
            done = True
    pairs, participants = _partner_pairs(ctx, orgs, kw, st)
    if done:
        pairs = [(a, b) for a, b in pairs if a.how == "reference"]
    for a, b in pairs:
        yield from (f for f in [_rel("partnerOf", a, b, ctx, st)] if f)
    for m in participants:
        yield from (f for f in [_rel("participatesIn", m, st.disc.project or "", ctx, st)] if f)


_CONJ = r"\s*(?:与|和|同|跟|及|、|,|，|\band\b|\bwith\b)\s*"


def _partner_pairs(ctx: SentenceContext, orgs: list[Mention], kw: re.Match[str],
                   st: RuleState) -> tuple[list[tuple[Mention, Mention]], list[Mention]]:
    """Partner pairs the sentence states, and the members of a longer list of a project's partners."""
    text = ctx.text
    spots: dict[int, list[Mention]] = {}
    for m in orgs:
        if m.how == "reference":
            spots.setdefault(m.start, []).append(m)
    for group in spots.values():                  # 双方 / the two / 它们: the pair or group it stands for
        if 2 <= len(group) <= 3:
            return [(a, b) for i, a in enumerate(group) for b in group[i + 1:]], []
    chain: list[Mention] = []                     # A、B与C: coordinated names
    for m in orgs:
        if chain and re.fullmatch(_CONJ, text[chain[-1].end:m.start]):
            chain.append(m)
        elif not chain or m.start < kw.start():
            chain = [m]
    if len(chain) >= 3:
        return [], (chain if st.disc.project and st.disc.project_age <= 1 and re.search(r"合作伙伴|partners?", text)
                    else [])
    if len(chain) == 2 and chain[1].start < kw.end() + 40:
        return [(chain[0], chain[1])], []
    subject = orgs[0] if orgs else None
    if subject is None:
        return [], []
    qi = re.search(r"与其|同其|和其|with it\b|with its\b", text)
    if qi:
        prior = [o for o in orgs if o.end <= qi.start() and o.key != subject.key]
        return ([(subject, prior[-1])] if prior else []), []
    withm = re.search(r"(?:与|和|同|跟|\bwith\b)\s*", text[:kw.end() + 30])
    if withm:
        after = [o for o in orgs if o.start >= withm.end() and o.start - withm.end() <= 24 and o.key != subject.key]
        if after:
            return [(subject, after[0])], []
        if st.disc.topic and subject.key != st.disc.topic and subject.start >= withm.end():
            return [(_as_mention(st.disc.topic), subject)], []
    return [], []


def _as_mention(key: str) -> Mention:
    return Mention(0, 0, key, key, "Organization", "reference")


_CONTROL = re.compile(r"旗下|控股|控制|母公司|子公司|国有|国资|\bowned by\b|\bsubsidiary\b|\bparent\b|\bunit of\b|"
                      r"[\w-]+-owned\b|\bcontrols?\b|\bcontrolled by\b")
_FOUND = re.compile(r"联合创始人|共同创办人|创始人|创办人|创立|创办|创建|成立|\bfounded\b|\bfounder\b|\bco-founder\b|\bco-founded\b")
_ACQ = re.compile(r"收购|并购|买下|\bacquired\b|\bacquisition of\b|"
                  r"\b(?:purchase|buyout) of\b(?=\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:maker|company|startup|start-up|firm|"
                  r"operator|developer|provider|designer|business|unit|arm|division)\b)|\btakeover of\b|\bacquires\b|\bto acquire\b|"
                  r"\bwill acquire\b|\bagreed (?:\w+ ){0,3}to buy\b|\bis buying\b|\bwill buy\b(?=[^.]{0,40}\b(?:operator|maker|"
                  r"startup|company|firm|rival|developer|provider)\b)")


def rule_control(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``A旗下的B``, ``Alphabet's Google``, ``其创办或收购的A、B和C``, ``B, owned by A``."""
    text = ctx.text
    owners = [m for m in ctx.mentions if m.type in ("Person", "Organization")]
    for kw in _CONTROL.finditer(text):
        before = [m for m in owners if m.end <= kw.start() and kw.start() - m.end <= 4]
        after = [m for m in ctx.mentions if m.type in ("Organization", "Product", "Facility") and m.start >= kw.end()
                 and m.start - kw.end() <= 16 and not re.search(r"[、，,。；;]", ctx.text[kw.end():m.start])]
        if kw.group() in ("旗下",) and before and after:
            yield from (f for f in [_rel("controls", before[-1], after[0], ctx, st)] if f)
        elif re.match(r"owned by|controlled by|subsidiary|unit of", kw.group()) and after:
            subs = [m for m in ctx.orgs() if m.end <= kw.start()]
            if subs:
                yield from (f for f in [_rel("controls", after[0], subs[-1], ctx, st)] if f)
    for m in re.finditer(r"(?P<o>[A-Z][\w.]*)-(?:owned|controlled)\s+(?P<s>[A-Z][\w.-]*)|"
                         r"(?P<s2>[A-Z][\w.-]*)\s+(?:parent|owner)\s+(?P<o2>[A-Z][\w.-]*)", ctx.sentence.text):
        o_pos, s_pos = (m.start("o"), m.start("s")) if m["o"] else (m.start("o2"), m.start("s2"))
        owner = next((x for x in ctx.orgs() if x.start == o_pos), None)
        owned = next((x for x in ctx.mentions if x.start == s_pos and x.type in ("Organization", "Product")), None)
        if owner and owned:
            yield from (f for f in [_rel("controls", owner, owned, ctx, st)] if f)
    # "Alphabet's Google", "SoftBank's Arm": a company's company is its unit, unless a deal noun follows
    for m in re.finditer(r"(?P<o>[\w.-]+)['’]s (?P<s>[\w.-]+)(?P<next> \w+)?", ctx.sentence.text):
        a = [x for x in ctx.orgs() if x.start == m.start("o")]
        b = [x for x in ctx.orgs() if x.start == m.start("s") and x.end >= m.end("s")]
        if a and b and not re.match(r" (?:deal|deals|partnership|investment|investments|stake|shares|contract|"
                                    r"agreement|chips?|GPUs?|cloud|services?|models?|valuation|rival|and|or)$",
                                    m["next"] or ""):
            yield from (f for f in [_rel("controls", a[0], b[0], ctx, st)] if f)
    # "(其)创办或收购的A、B和C" / "马斯克收购的X": a person's companies
    for kw in re.finditer(r"(?:创办|创立)或收购的|收购的|创办的|创立的", text):
        who = [m for m in ctx.mentions if m.type in ("Person", "Organization") and m.end <= kw.start()
               and kw.start() - m.end <= 12]
        if not who:
            continue
        listed = _listed_after(ctx, kw.end())
        for o in listed:
            if "收购" in kw.group() and "或" not in kw.group():
                yield from (f for f in [_rel("acquired", who[-1], o, ctx, st)] if f)
            if who[-1].type == "Person" or "收购" in kw.group():
                yield from (f for f in [_rel("controls", who[-1], o, ctx, st)] if f)
            if "或" not in kw.group() and ("创" in kw.group()):
                yield from (f for f in [_rel("founded", who[-1], o, ctx, st)] if f)


def _listed_after(ctx: SentenceContext, pos: int, *, strict: bool = False) -> list[Mention]:
    """Organisations listed right after ``pos``: ``的xAI、特斯拉、SpaceX和X等公司`` (a short descriptor allowed).

    ``strict``: only the ones coordinated with what ends at ``pos`` (``和百川智能``, ``, Nokia and Dell``).
    """
    out: list[Mention] = []
    cur = pos
    for m in ctx.orgs():
        if m.start < pos:
            continue
        gap = ctx.text[cur:m.start]
        if (not out and not strict and len(gap) <= 8 and not re.search(r"[，,。]", gap)) or ((out or strict) and re.fullmatch(
                r"\s*(?:、|和|与|及|以及|,|，|and|, and|as well as)\s*", gap)):
            out.append(m)
            cur = m.end
        elif out:
            break
    return out


def rule_founded_acquired(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``马斯克于2023年创立的xAI``, ``甲骨文创始人Larry Ellison``, ``founded by A``, ``A acquired B``."""
    text = ctx.text
    people = [m for m in ctx.mentions if m.type == "Person"]
    orgs = ctx.orgs()
    for kw in _FOUND.finditer(text):
        if re.search(r"创始人|创办人|founder|co-founder", kw.group()):
            person = next((p for p in people if 0 <= p.start - kw.end() <= 8 or 0 <= p.start - kw.end() <= 40 and
                           _TITLE_CHAIN.fullmatch(text[kw.end():p.start])), None) or \
                next((p for p in reversed(people) if 0 <= kw.start() - p.end <= 3 or 0 <= kw.start() - p.end <= 40
                      and _APPOSITIVE.fullmatch(text[p.end:kw.start()])), None)
            org = next((o for o in reversed(orgs) if 0 <= kw.start() - o.end <= 4 or re.fullmatch(
                r"['’]s\s+(?:co-)?", text[o.end:kw.start()])), None) or \
                next((o for o in orgs if re.match(r"\s*(?:of|at)\s*$", text[kw.end():o.start])), None)
            if person and org:
                yield from (f for f in [_rel("founded", person, org, ctx, st)] if f)
                if re.search(r"兼\S{0,4}(?:董事长|CEO|首席执行官|总裁)|and (?:CEO|chief executive|chairman)", text):
                    yield from (f for f in [_rel("executiveOf", person, org, ctx, st)] if f)
            continue
        if kw.group() in ("founded", "co-founded"):
            by = re.match(r"\s+(?:in \d{4} )?by\s+", text[kw.end():])
            org = next((o for o in reversed(orgs) if o.end <= kw.start()), None)
            if by and org:
                start = kw.end() + by.end()
                direct = [m for m in ctx.mentions if m.type in ("Person", "Organization") and m.start == start]
                colon = re.match(r"[^.;:]{0,40}:", text[start:])
                founders = direct or ([p for p in people if p.start > start + colon.end() - 1] if colon else [])
                for who in founders:
                    yield from (f for f in [_rel("founded", who, org, ctx, st)] if f)
                continue
            withm = re.match(r"\s+(?:the company |it )?(?:in \d{4} )?with\s+", text[kw.end():])
            if withm:
                founder = next((p for p in reversed(people) if p.end <= kw.start()), None)
                org = next((o for o in orgs if re.match(r"\s+", text[kw.end():o.start]) or o.how == "reference"
                            and o.start >= kw.end()), None) or (st.disc.topic and _as_mention(st.disc.topic))
                others = [p for p in people if p.start > kw.end() + withm.end() - 1]
                for who in ([founder] if founder else []) + others:
                    if org is not None:
                        yield from (f for f in [_rel("founded", who, org, ctx, st)] if f)
                continue
        by = re.search(r"由(?P<who>[^，,。；;]{1,40}?)(?:于[^，,。；;]{1,12}?)?(?:共同|联合|一起)?$", text[:kw.start()])
        if by and kw.group() in ("创立", "创办", "创建", "成立"):      # "智谱由唐杰等人共同创立": every person named
            founders = [p for p in people if by.start("who") <= p.start < by.end("who")]
            owner = next((o for o in reversed(orgs) if o.end <= by.start() and not re.search(
                r"[，,。；;]", text[o.end:by.start()])), None)
            if founders and owner:
                for who in founders:
                    yield from (f for f in [_rel("founded", who, owner, ctx, st)] if f)
                continue
        who = next((m for m in reversed(ctx.mentions) if m.type in ("Person",) and 0 <= kw.start() - m.end <= 10),
                   None)
        org = next((o for o in orgs if 0 <= o.start - kw.end() <= 10), None)
        if who and org and re.search(r"的|\bin\b|\s", text[kw.end():org.start] or "的"):
            yield from (f for f in [_rel("founded", who, org, ctx, st)] if f)
    for kw in _ACQ.finditer(text):
        if re.search(r"创办|创立", text[max(0, kw.start() - 4):kw.start()]):
            continue
        agents = [m for m in ctx.mentions if m.type in ("Person", "Organization") and m.end <= kw.start()
                  and not ctx.is_source(m)]
        adjacent = [m for m in agents if kw.start() - m.end <= 3 and not re.search(r"[,，]", text[m.end:kw.start()])]
        who = adjacent[-1] if adjacent else (agents[0] if agents else None)
        if who is not None and who.type == "Person" and not adjacent and st.disc.person_org.get(who.key):
            who = _as_mention(st.disc.person_org[who.key])     # "CEO X agreed to buy Y": the company buys
        obj = [o for o in orgs if 0 <= o.start - kw.end() <= 30 and not re.search(r"[，,。；;]", text[kw.end():o.start])
               and not (kw.group().isascii() and _CHIP_WORDS.search(text[kw.end():o.start])
                        and not re.search(r"\b(?:maker|company|firm|startup|designer|provider)\s*$", text[kw.end():o.start]))]
        if who and obj:
            yield from (f for f in [_rel("acquired", who, obj[0], ctx, st, status=_status(text, "completed"))] if f)
            if who.type == "Person":
                yield from (f for f in [_rel("controls", who, obj[0], ctx, st)] if f)


# "founder and chief executive Josh Payne", "Josh Payne, Nscale's founder", "Nscale's co-founder and chief executive"
_TITLE_CHAIN = re.compile(r"\s+(?:and|&)\s+(?:(?:chief|group|managing|executive)\s+)?[A-Za-z]+(?:\s+officer)?\s+|"
                          r"(?:兼|及|和)(?:首席执行官|行政总裁|执行长|董事长|总裁|CEO)")
_APPOSITIVE = re.compile(r"\s*[,，]\s*(?:the\s+|its\s+)?[^\s,，.;]+(?:\s[^\s,，.;]+)?['’]s\s+"
                         r"(?:(?:co-?)?[a-z]+\s+(?:and|&)\s+|(?:co-)?)?")
_POSSESSIVE_CHAIN = re.compile(r"['’]s\s+(?:(?:co-?)?founders?|chair|chairman|chairwoman|president)\s+(?:and|&)\s+")

_TITLE = re.compile(r"联合创始人|创始人|首席执行官|执行长|行政总裁|首席财务官|首席技术官|首席运营官|技术长|财务长|营运长|财务总监|技术总监|董事长|董事会主席|总裁|"
                    r"总经理|合伙人|主席|董事|\bCEO\b|\bCFO\b|\bCTO\b|\bCOO\b|\b[Cc]hief [Ee]xecutive(?: [Oo]fficer)?\b|"
                    r"\b[Cc]hief [A-Za-z]+ [Oo]fficer\b|\b(?:finance|technology|operating) chief\b|\b[Cc]hairman\b|"
                    r"\b[Cc]hairwoman\b|\b[Pp]resident\b|\b[Mm]anaging [Pp]artner\b|\b[Gg]eneral [Pp]artner\b|"
                    r"\b[Pp]artner\b|\b[Hh]ead\b|\bboss\b|\bled by\b|\bhelm\b")


def rule_executive(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``英伟达行政总裁黄仁勋``, ``OpenAI Chief Executive Officer Sam Altman``, ``Sam Altman, CEO of OpenAI``."""
    people = [m for m in ctx.mentions if m.type == "Person"]
    if not people:
        return
    orgs = ctx.orgs()
    text = ctx.text
    for kw in _TITLE.finditer(text):
        if re.search(r"analyst|分析师|minister|部长", text[max(0, kw.start() - 12):kw.end()], re.I):
            continue
        person = next((p for p in people if 0 <= p.start - kw.end() <= 12 and not re.search(r"[,，.;]", text[
            kw.end():p.start]) or re.fullmatch(r"\s*,\s*", text[kw.end():p.start]) and re.match(r"\s*,", text[p.end:])),
                      None)
        if person is None:
            person = next((p for p in reversed(people) if 0 <= kw.start() - p.end <= 30 and re.fullmatch(
                r"(?:将|已|则|同时|目前)?(?:担任|出任|兼任|接任|任)[^，,。；;]{0,24}?", text[p.end:kw.start()])), None)
        if person is None:
            person = next((p for p in reversed(people) if 0 <= kw.start() - p.end <= 24 and re.fullmatch(
                r"\s*(?:,\s*)?(?:the\s+|its\s+|a\s+|former\s+|co-)?(?:[a-z-]+\s+){0,2}|\s*(?:[,，]\s*)?(?:\S+['’]s\s+)",
                text[p.end:kw.start()]) or 0 <= kw.start() - p.end <= 48 and _APPOSITIVE.fullmatch(
                text[p.end:kw.start()])), None)
        serving = re.search(r"(?:担任|出任|兼任|接任)[^，,。；;]{0,24}$", text[:kw.start()])
        if person is None and serving:
            person = next((p for p in reversed(people) if p.end <= serving.start()), None)
        if person is None:
            continue
        org = next((o for o in reversed(orgs) if 0 <= kw.start() - o.end <= 14
                    and not re.search(r"[,，。;]|\bsaid\b", text[o.end:kw.start()])
                    or 0 <= kw.start() - o.end <= 40 and _POSSESSIVE_CHAIN.fullmatch(text[o.end:kw.start()])), None)
        if org is None:
            of = re.match(r"\s*(?:of|at)\s+", text[kw.end():])
            org = next((o for o in orgs if of and o.start == kw.end() + of.end()), None)
        if org is None:
            org = next((o for o in orgs if 0 <= o.start - person.end <= 8 and re.search(r"of|at|,", text[
                person.end:o.start])), None)
        chain = [o for o in orgs if o.end <= kw.start() and re.match(   # "阿里巴巴集团首席执行官、阿里云董事长兼首席执行官吴泳铭"
            rf"\s*(?:集团|公司)?(?:{_TITLE.pattern})(?:兼(?:{_TITLE.pattern}))?\s*[、，,]\s*", text[o.end:])
            and re.fullmatch(r"[^。；;]*", text[o.end:kw.start()])]
        if chain and person.start > kw.start():
            for o in chain:
                yield from (f for f in [_rel("executiveOf", person, o, ctx, st)] if f)
        serve = re.search(r"(?:担任|出任|兼任|接任)(?P<o>[^，,。；;]{1,24}?)的?$", text[:kw.start()])
        if serve:                                   # "同时担任特斯拉及SpaceX的行政总裁": every company named
            named = [o for o in orgs if serve.start("o") <= o.start < serve.end("o")]
            for o in named:
                yield from (f for f in [_rel("executiveOf", person, o, ctx, st)] if f)
                st.disc.person_org[person.key] = o.key
            if named:
                continue
        if org is None and re.search(r"^\s*(?:It|The company|The Dutch company|The firm|该公司)\b", text) \
                and st.disc.last_org:
            org = _as_mention(st.disc.last_org)
        if org is None and re.search(r"\b[Ii]ts\s+(?:[a-z-]+\s+)?$", text[:kw.start()]):     # "its chief executive"
            mine = [o for o in orgs if o.end <= kw.start()]
            org = mine[-1] if mine else (st.disc.subject and _as_mention(st.disc.subject))
        if org is None and kw.group()[:1].isupper() and re.fullmatch(r"\s*(?:Its\s+|Former\s+)?", text[:kw.start()]) \
                and (st.disc.subject or st.disc.topic):       # "Chief executive X said ...": the company in focus
            org = _as_mention(st.disc.subject or st.disc.topic)
        if org is None and (re.search(r"\bthrough\b|\bvia\b|\bis\b|担任|出任|由", text[max(0, kw.start() - 30):kw.start()])
                            or re.match(r"[\u4e00-\u9fff]", text[kw.start()])):
            cand = [o for o in orgs if o.start < kw.start()]
            org = cand[0] if cand else (st.disc.last_org and _as_mention(st.disc.last_org))
        if org is not None:
            st.disc.person_org[person.key] = org.key
            yield from (f for f in [_rel("executiveOf", person, org, ctx, st)] if f)


def rule_develops(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """Who makes a product: ``英伟达Vera Rubin平台``, ``OpenAI's ChatGPT``, ``DeepSeek-R1``, else the article's lab."""
    from dealgraph.ingest.gazetteer import default_gazetteer

    orgs = ctx.orgs()
    for p in ctx.of_type("Product"):
        maker = next((o for o in reversed(orgs) if 0 <= p.start - o.end <= 3 and re.fullmatch(
            r"\s*(?:的|'s|’s)?\s*", ctx.text[o.end:p.start]) or 0 <= p.start - o.end <= 40 and re.fullmatch(
            r"['’]s\s+(?:[A-Za-z][\w-]*\s+){1,3}|(?:的|新一代|最新|旗下)[^，,。；;\s]{0,8}?", ctx.text[o.end:p.start])),
                     None)
        if maker is None:
            verb = re.search(r"(?P<o>)(?:推出|发布|开发|研发|打造|训练|launched|released|unveiled|developed|built|"
                             r"introduced)", ctx.text)
            if verb:
                maker = next((o for o in reversed(orgs) if o.end <= verb.start()), None)
        if maker is None and re.match(r"\s*(?:maker|developer|creator|owner)\b|\s*(?:的)?(?:开发商|开发者|母公司)",
                                      ctx.text[p.end:p.end + 12]) and st.disc.topic:
            maker = _as_mention(st.disc.topic)             # "the ChatGPT maker" is the company the text is about
        if maker is None:
            prefix = [o for o in orgs if p.surface.startswith(o.surface)]
            maker = prefix[0] if prefix else None
        if maker is None and st.disc.topic and any(re.match(r"\s*[\u4e00-\u9fff]{0,3}(?:系列|大模型|模型|model|chatbot)",
                                                             ctx.text[q.end:q.end + 8]) for q in ctx.of_type("Product")) \
                and "lab" in _tags_of(st, ctx, st.disc.topic):
            maker = st.disc.topic
        if maker is None:
            continue
        known = default_gazetteer().entities.get(p.key)
        if known and known.maker and known.maker != (maker if isinstance(maker, str) else maker.key):
            maker = _as_mention(known.maker)     # the text says someone makes it; the table knows who
        yield from (f for f in [_rel("develops", maker, p, ctx, st)] if f)


def _tags_of(st: RuleState, ctx: SentenceContext, key: str) -> tuple[str, ...]:
    from dealgraph.ingest.gazetteer import default_gazetteer

    e = default_gazetteer().entities.get(key)
    return e.tags if e else ("lab",)


_RUNS = re.compile(r"运营|营运|管理|经营|\bruns?\b|\boperat(?:es|ed|ing)\b|\bmanages?\b")


def rule_operates(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """A data centre or cluster and the organisation the sentence is about: ``xAI……Colossus II``; a project
    someone runs: ``Nscale also runs Stargate Norway``."""
    for j in ctx.of_type("Project"):
        verb = [m for m in _RUNS.finditer(ctx.text) if m.end() <= j.start and j.start - m.end() <= 12]
        if verb:
            op = [o for o in ctx.orgs() if o.end <= verb[-1].start()]
            if op:
                yield from (x for x in [_rel("operates", op[-1], j, ctx, st)] if x)
    for f in ctx.of_type("Facility"):
        orgs = [o for o in ctx.orgs() if o.start < f.start] or ctx.orgs()
        op = orgs[0] if orgs else st.disc.topic
        if op is not None:
            yield from (x for x in [_rel("operates", op, f, ctx, st)] if x)


_JV = re.compile(r"合资(?:成立|设立|组建)|共同(?:成立|设立|出资)|\bjoint venture\b|\bjointly (?:set up|formed|created)\b")
_FUNDERS = re.compile(r"(?:出资方|股东|投资方|投资者|funders|shareholders|equity partners|investors)(?:还)?"
                      r"(?:包括|有|为|是|\binclude\b|\bare\b)")
_LEADERS = re.compile(r"(?:是|为)(?:项目的?)?(?:主导方|牵头方|领导者)|\b(?:are|is) leading\b|\bwill lead\b")


def rule_project(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``该公司主导的星际之门``: leads; ``A参与/加入J``: participatesIn; ``A、B与C合资成立J``: each invests in J;
    ``J的股权出资方包括A、B``; ``A与B是主导方`` (of the project just named)."""
    text = ctx.text
    projects = ctx.of_type("Project")
    proj = projects[0].key if projects else (st.disc.project if st.disc.project_age <= 1 else None)
    jv, funders, leaders = _JV.search(text), _FUNDERS.search(text), _LEADERS.search(text)
    if proj and (jv or funders or leaders):
        m = jv or funders or leaders
        members = [o for o in ctx.orgs() if (o.end <= m.start() if (jv or leaders) else o.start >= m.end())
                   and o.how != "reference" or (o.how == "reference" and leaders)]
        for o in members:
            if jv or funders:
                yield from (f for f in [_rel("investedIn", o, proj, ctx, st, status=_status(text))] if f)
            yield from (f for f in [_rel("leads" if leaders else "participatesIn", o, proj, ctx, st)] if f)
        if members:
            return
    for j in projects:
        before = ctx.text[max(0, j.start - 8):j.start]
        orgs = [o for o in ctx.orgs() if o.end <= j.start]
        lead = re.search(r"主导|牵头|领导|\bled by\b|\bleads?\b|\bspearhead", before + ctx.text[j.end:j.end + 12])
        if lead and orgs:
            yield from (f for f in [_rel("leads", orgs[-1], j, ctx, st)] if f)
        elif re.search(r"参与|加入|合作|\bjoin|\bpartners? in\b|\bpart of\b|股东|investor", ctx.text):
            for o in ctx.orgs():
                yield from (f for f in [_rel("participatesIn", o, j, ctx, st)] if f)


RULES: list[Callable[[SentenceContext, RuleState], Iterable[Fact]]] = [
    rule_funding_round, rule_round_investors, rule_invested_in, rule_investor_roles, rule_valuation, rule_metric,
    rule_purchase, rule_contract_capacity, rule_partner, rule_control, rule_executive, rule_founded_acquired,
    rule_develops, rule_operates, rule_project,
]


def apply_rules(ctx: SentenceContext, st: RuleState) -> list[Fact]:
    """Every fact the rules read from one sentence, in the discourse state the sentences before it left."""
    facts: list[Fact] = []
    for rule in RULES:
        facts.extend(rule(ctx, st))
    return facts


def finish(facts: list[Fact], st: RuleState) -> list[Fact]:
    """Drop the earlier versions of rounds and contracts that later sentences completed."""
    replaced = {id(f) for f in st.extra}
    return [f for f in facts if id(f) not in replaced]
