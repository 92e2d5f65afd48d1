"""Funding rounds and their investors: ``Anthropic完成130亿美元F轮融资，由ICONIQ领投，富达跟投``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.amounts import AmountMatch
from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact, Mention
from dealgraph.ingest.rules.common import (
    _GOT_ZH,
    _INVESTORS_WORD,
    _MONEY_FROM,
    _PAREN,
    RuleState,
    _clause_bounds,
    _coordinated_before,
    _date_near,
    _first_after,
    _listed_after,
    _pub,
    _pure_investor,
    _rel,
    _reporter,
    _status,
)

__all__ = ["rule_funding_round", "rule_round_investors", "rule_investor_roles"]


_ROUND = re.compile(r"(?P<zh>(?:Pre-?)?[A-H]\+{0,2}|天使|种子|战略)\s*轮|\b(?:Series|series)\s+(?P<en>[A-H]\+?)\b|"
                    r"\b(?P<seed>seed|pre-seed|angel) round\b")
_RAISE = re.compile(r"融资|募资|募集|筹集|筹资|\braised?\b|\braising\b|\bfunding round\b|\bnew funding\b|"
                    r"\bin an? (?:new |fresh |funding )?round\b|\bround (?:was )?(?:co-)?led by\b|"
                    r"\bround of funding\b|\binvestment round\b|\bfundraise\b|\bfunding\b|\b(?:Series [A-H]\+?|seed) round\b|"
                    r"\blead(?:s|ing)? (?:an? )?investment\b")
_LEAD = re.compile(r"领投|牵头|\bled by\b|\bleads?\b|\bled\b|\bco-led\b|\bleading\b")
_STRATEGIC = re.compile(r"战略投资|\bstrategic\b")
_VALUATION_WORD = re.compile(r"估值|valuation|valued at|post-money|投后")
_VALUES_AT = re.compile(r"\bvalu(?:es|ing|ed)\s+(?:[^\s,.;]+\s+){0,4}?at\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|"
                        r"more than\s+|over\s+|some\s+)?$")   # "a round that values Anthropic at $183 billion"


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
        if (_ROUND.search(text) or _LEAD.search(text) or re.search(r"新一轮|参投|跟投", text)) and \
                _UNDISCLOSED_DONE.search(text):
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
    roles = _round_roles(ctx, ckey, kw)
    for i, inv, comp in st.investments:      # "A invested … in B. B raised … in its latest round": A is in it
        if comp == ckey and ctx.sentence.index - i <= 2 and all(k != inv for _, k in roles):
            roles.append(("strategicInvestor" if not _pure_investor(ctx, inv) else "investor", inv))
    values = [("roundName", n)] if (n := _round_name(text)) else []
    val = next((a for a in money if a is not amount and (_VALUATION_WORD.search(
        text[a.end:a.end + 16] + text[max(0, a.start - 8):a.start]) or _VALUES_AT.search(text[max(0, a.start - 60):a.start]))),
        None)
    if val:
        values.append(("valuation", str(val.amount.value)))
        yield Fact("Valuation", st.evidence(ctx), roles=(("company", ckey),), amount=val.amount,
                   date=_date_near(ctx) or _pub(ctx), values=(("basis", "post-money"),), reported_by=_reporter(ctx))
    yield from _round(ctx, st, kw, roles, values, amount.amount)


_FROM_ZH = re.compile(r"(?:从|向)\s*$")
_FROM_ZH_VERB = re.compile(r"\s*(?:处|那里)?(?:共|合计)?(?:募集|筹集|筹得|融资|获得|拿到)")


def _from_mentions(ctx: SentenceContext) -> list[Mention]:
    """The names money was raised from: ``raised $6 billion from Fidelity and Sequoia``, ``从阿里巴巴和腾讯募集``."""
    m = _MONEY_FROM.search(ctx.text)
    if m is not None:
        return _listed_after(ctx, m.end())
    for o in ctx.orgs():
        if _FROM_ZH.search(ctx.text[max(0, o.start - 2):o.start]):
            run = _listed_after(ctx, o.start)
            if run and _FROM_ZH_VERB.match(ctx.text[run[-1].end:]):
                return run
    return []


def _raised_from(ctx: SentenceContext, ckey: str) -> list[tuple[str, str]]:
    """The investors named after ``from`` / ``从`` (see ``_from_mentions``)."""
    return [("strategicInvestor" if _STRATEGIC.search(ctx.text[max(0, o.start - 12):o.end + 12]) else "investor", o.key)
            for o in _from_mentions(ctx) if o.key != ckey and o.how != "reference"]


def _round_roles(ctx: SentenceContext, ckey: str, kw: re.Match[str]) -> list[tuple[str, str]]:
    """The company, its lead investors, then the other investors the sentence names."""
    roles = [("company", ckey)] + [("leadInvestor", m.key) for m in _lead_investors(ctx, ckey)]
    took_part = _took_part(ctx, kw.start())
    if took_part is not None and took_part[1].key == ckey and all(k != took_part[0].key for _, k in roles):
        roles.append(("investor", took_part[0].key))
    roles += [(r, k) for r, k in _same_sentence_investors(ctx, ckey, kw) if (r, k) not in roles
              and ("leadInvestor", k) not in roles]
    return roles + [(r, k) for r, k in _raised_from(ctx, ckey) if all(k != kk for _, kk in roles)]


def _round(ctx: SentenceContext, st: RuleState, kw: re.Match[str], roles: list[tuple[str, str]],
           values: list[tuple[str, str]], amount) -> Iterator[Fact]:
    """The round fact, remembered as the last round of the discourse, and each investor's edge."""
    ckey = roles[0][1]
    fact = Fact("FundingRound", st.evidence(ctx), roles=tuple(roles), values=tuple(values), amount=amount,
                date=_date_near(ctx, kw.start()) or _pub(ctx), status=_status(ctx.text, "announced"),
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
    values = [("roundName", n)] if (n := _round_name(ctx.text)) else []
    yield from _round(ctx, st, kw, _round_roles(ctx, ckey, kw), values, None)


_LEAD_INVESTMENT = re.compile(r"\blead(?:s|ing)?\s+(?:an?\s+|the\s+)?(?:[$€£][\d.]+\s*\w*\s+)?investment|"
                              r"\bled\s+(?:an?\s+|the\s+)?investment")
_TOTAL = re.compile(r"累计|共投资|总共|合计|共计|一共|\bto date\b|\baltogether\b|\bin total\b(?!.*\bround\b)|\btotal of\b(?!.*\bround\b)")


def _round_amount(ctx: SentenceContext, money: list[AmountMatch], kw: re.Match[str]) -> AmountMatch | None:
    """The amount raised: right before the keyword (``50亿美元股权融资``), else the first after it, else the first."""
    money = [a for a in money if not _VALUATION_WORD.search(ctx.text[max(0, a.start - 8):a.start])
             and not _VALUES_AT.search(ctx.text[max(0, a.start - 60):a.start])
             and not re.search(r"(?:融资|轮)时的?\s*$", ctx.text[max(0, a.start - 6):a.start])
             and not re.match(r"[\s-]*(?:[A-Za-z]+[\s-]+)?(?:valuation|估值)|\s*的?\s*(?:投后|投前)?估值",
                              ctx.text[a.end:a.end + 20])]
    if not money:
        return None
    just_before = [a for a in money if a.end <= kw.start() and kw.start() - a.end <= 8]
    return just_before[-1] if just_before else (_first_after(money, kw.start()) or money[0])


#: Between the investors' cue and a name: the name belongs to another clause ("from investors to build Colossus
#: with Nvidia chips").
_NEW_CLAUSE = re.compile(r"\b(?:to|for|with|using|which|that|who|whose)\b|[。；;]")


def _same_sentence_investors(ctx: SentenceContext, company: str, kw: re.Match[str]) -> list[tuple[str, str]]:
    """``……轮，由A领投，B、C和D跟投``; ``led by A; B and C were among the other backers``."""
    out = []
    text = ctx.text
    cue = re.search(r"跟投|参投|参与|(?:投资方|投资者|投资人|出资方)(?:包括|有|为|是)|\bbackers\b|\binvestors\b|\bparticipat\w+|\bjoined by\b|\balongside\b|"
                    r"\bincluding\b|\bincluded\b|\bwith participation from\b", text[kw.start():])
    if not cue:
        return out
    cpos = kw.start() + cue.start()
    clause_start, _ = _clause_bounds(ctx, cpos)
    for m in ctx.orgs():
        if m.key == company or m.how == "reference" or _LEAD.search(text[m.end:m.end + 8]):
            continue
        if re.search(r"(?:由|led by|co-led by)\s*(?:\S+\s+){0,4}$", text[max(0, m.start - 40):m.start]):
            continue
        follows = m.start >= cpos and m.start - cpos <= 60 and not _NEW_CLAUSE.search(
            text[kw.start() + cue.end():m.start])
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
    took_part = _took_part(ctx, pos)
    if took_part is not None:
        return took_part[1]
    givers = {id(m) for m in _from_mentions(ctx)}
    for m in orgs:      # "SoftBank will lead a $40 billion funding round for OpenAI": the company follows "for"
        if m.start > pos and re.fullmatch(r"[\w -]{0,20}?\b(?:round|funding|financing)\s+(?:for|in|into)\s+",
                                          ctx.text[pos:m.start]):
            return m
    before = [m for m in orgs if m.start < pos and id(m) not in givers and not _LEAD.search(ctx.text[m.end:m.end + 6])
              and not re.match(r"\s*(?:will|would|is set to|is to|plans to|agreed to|is expected to|to)\s+(?:co-)?lead\b",
                               ctx.text[m.end:])
              and not re.search(r"(?:由|led by|co-led by)\s*(?:\S+\s+){0,4}$", ctx.text[max(0, m.start - 40):m.start])]
    if before:
        return before[-1] if re.search(r"\braised?\b|融资|筹集|募集", ctx.text[before[-1].end:pos + 8]) else before[0]
    after = [m for m in orgs if m.start >= pos and not re.match(   # "完成A1轮融资，阿里、腾讯、小米等参投": investors
        r"[^。；;，,]{0,30}?(?:等)?(?:参投|跟投|领投|参与投资|共同投资|出资)|\s*(?:led|co-led|joined|participated)\b",
        ctx.text[m.end:]) and id(m) not in givers and not re.search(   # "a round led by Thrive": an investor
        r"(?:由|\bled by|\bbacked by|\bfrom|\bincluding|\bincluded|\bwith)\s*(?:\S+\s+){0,3}$",
        ctx.text[max(0, m.start - 40):m.start])]
    if after:
        return after[0]
    return st.disc.topic if all(m.key != st.disc.topic for m in orgs) else None   # the topic named as investor here


_TOOK_PART = re.compile(r"\s*(?:also\s+|has\s+|had\s+)?(?:participated|participates|took part|takes part|joined|invested|"
                        r"co-invested)\s+(?:(?:about\s+|roughly\s+|some\s+)?[$€£]?[\d.,]+\s*(?:billion|million|bn|m)?\s+"
                        r"(?:euros\s+|dollars\s+)?)?in\s+(?:the\s+)?$|\s*(?:也|还|亦)?(?:参与|参投|跟投|投资)了?(?:此次|这次)?\s*$")


def _took_part(ctx: SentenceContext, pos: int) -> tuple[Mention, Mention] | None:
    """``Nvidia participated in xAI's $6 billion Series C``, ``高瓴参与了MiniMax的新一轮融资``: (investor, company),
    the company named with its round just before the keyword at ``pos``."""
    orgs = ctx.orgs()
    for i, m in enumerate(orgs):
        if m.end > pos or i == 0:
            continue
        if not re.fullmatch(r"(?:['’]s\s+|\s*的?\s*)[^,，.。;；]{0,40}", ctx.text[m.end:pos]) or \
                any(m.end <= o.start < pos for o in orgs):
            continue
        inv = orgs[i - 1]
        if inv.key != m.key and inv.how != "reference" and _TOOK_PART.fullmatch(ctx.text[inv.end:m.start]):
            return inv, m
    return None


def _lead_investors(ctx: SentenceContext, company: str) -> list[Mention]:
    out = []
    for m in ctx.orgs():
        if m.key == company:
            continue
        after, before = _PAREN.sub("", ctx.text[m.end:m.end + 64])[:24], ctx.text[max(0, m.start - 40):m.start]
        if re.match(r"\s*(?:共同|联合|一起)?(?:领投|牵头)|\s*(?:(?:is|was) set to lead|is to lead|led|leads|will lead|"
                    r"co-led|co-lead)\b|\s*(?:co-)?leading\s+(?:the|this)\s+(?:round|investment|financing|raise)\b|"
                    r"\s*,\s*which\s+(?:also\s+)?(?:co-)?led\s+(?:the|this)\s+(?:round|investment|financing)\b", after):
            out.extend(o for o in _coordinated_before(ctx.orgs(), m, ctx.text) if o.key != company)
        elif re.search(r"(?:由|led by|co-led by)\s*(?:(?:the|a|an|[a-z-]+|[A-Z][a-z]+ian|[A-Z][a-z]+ese)\s+){0,4}$",
                       before) or re.search(r"(?:由|led by|co-led by)\s*$", before):
            # "co-led by A and B", "由A、B、C共同领投": every name listed after the cue
            run = [m, *_listed_after(ctx, m.end, strict=True)]
            if "由" in before[-12:] and not re.match(r"[^，,。；;、]{0,8}?(?:共同|联合|一起)?(?:领投|牵头)",
                                                     _PAREN.sub("", ctx.text[run[-1].end:])):
                run = [m]               # "由A、B投资": the list is led only when 领投 closes it
            out.extend(o for o in run if o.key != company)
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
