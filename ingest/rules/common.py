"""What all families read alike: a fact's status (``计划`` → planned), date, subject, names in a list (``微软与英伟达``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dealgraph.ingest.amounts import AmountMatch
from dealgraph.ingest.context import NON_PARTY_TAGS, Discourse, SentenceContext, pure_investor
from dealgraph.ingest.model import Evidence, Fact, Mention, PartialDate

__all__ = ["RuleState"]


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


def _as_mention(key: str) -> Mention:
    return Mention(0, 0, key, key, "Organization", "reference")


def _pure_investor(ctx: SentenceContext, key: str) -> bool:
    return pure_investor(ctx.tags.get(key, ()))


# words two families read: investors named (rounds, partners), investments (rounds, purchases),
# acquisitions (control, purchases), founders' and executives' titles (control, people)
_INVESTORS_WORD = re.compile(r"投资者|投资方|投资人|参投|跟投|参与本轮|参与了本轮|参与投资|投资机构|出资方|股东包括|\binclud(?:e|es|ing)\b|\binvestors\b|\bbackers\b|\bparticipated\b|"
                             r"\bparticipation\b|\bjoined by\b")

# "raised $1.5 billion from A and B", "received $350 million from A": the money's givers follow ``from`` (the
# gap may hold an amount with a decimal point, never a sentence break)
_MONEY_FROM = re.compile(r"\b(?:rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|receiv(?:e|es|ed|ing)|got|gets|obtain(?:s|ed)?|"
                         r"dr[ae]w|draws|attract(?:s|ed)?|t[oa]ok|takes)\b(?:[^.;。；]|(?<=\d)\.(?=\d)){0,60}?\bfrom\s+")

_GOT_ZH = re.compile(r"(?:获得|获|拿下|接受)(?:了)?(?P<inv>[^，,。；;]{1,30}?)(?:的)?(?:战略)?(?:投资|注资|融资|入股)")
_SHARE_EN = re.compile(r"\b(?:owns?|owned|holds?|held|took|takes|acquired|bought|buys?|has)\s+(?:a\s+)?(?:roughly |about |"
                       r"around |nearly |an estimated |a |an )?(?:\d+(?:\.\d+)?\s?(?:%|per ?cent)|stake|minority stake|"
                       r"majority stake)(?:\s+stake)?\s+(?:of|in)\b")

_ACQ = re.compile(r"收购|并购|买下|\bacquired\b|\bacquisition of\b|"
                  r"\b(?:purchase|buyout) of\b(?=\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:maker|company|startup|start-up|firm|"
                  r"operator|developer|provider|designer|business|unit|arm|division)\b)|\btakeover of\b|\bacquires\b|\bto acquire\b|"
                  r"\bwill acquire\b|\bagreed (?:\w+ ){0,3}to buy\b|\bis buying\b|\bwill buy\b(?=[^.]{0,40}\b(?:operator|maker|"
                  r"startup|company|firm|rival|developer|provider)\b)")


# "founder and chief executive Josh Payne", "Josh Payne, Nscale's founder", "Nscale's co-founder and chief executive"
_TITLE_CHAIN = re.compile(r"\s+(?:and|&)\s+(?:(?:chief|group|managing|executive)\s+)?[A-Za-z]+(?:\s+officer)?\s+|"
                          r"(?:兼|及|和)(?:首席执行官|行政总裁|执行长|董事长|总裁|CEO)")
_APPOSITIVE = re.compile(r"\s*[,，]\s*(?:the\s+|its\s+)?[^\s,，.;]+(?:\s[^\s,，.;]+)?['’]s\s+"
                         r"(?:(?:co-?)?[a-z]+\s+(?:and|&)\s+|(?:co-)?)?")


_UNIT_ZH = re.compile(r"^\s*(?:是|为|系|作为)(?P<o>[^，,。；;]{1,16}?)(?:集团)?(?:旗下|的(?:全资|控股)?(?:子公司|附属公司|全资附属公司|"
                      r"控股子公司))")
_UNIT_EN = re.compile(r"^\s*(?:,\s*|\s+(?:is|was|became|remains)\s+(?:now\s+)?)(?:a\s+|the\s+)?(?:(?:wholly[- ]owned|majority[- ]owned)\s+)?"
                      r"(?:(?P<o>[^\s,.;]+(?:\s[^\s,.;]+)?)['’]s\s+(?:[\w-]+\s+){0,3}?(?:unit|arm|subsidiary|division)\b|"
                      r"(?:[\w-]+\s+){0,2}?(?:unit|arm|subsidiary|division)\s+of\s+(?P<o2>[^,.;]{1,30}))")
_PARENT_EN = re.compile(r"['’]s\s+(?:parent company|parent group|parent|owner|holding company)\s*,?\s+")


def _unit_pairs(ctx: SentenceContext) -> list[tuple[Mention, Mention]]:
    """(owner, unit) the sentence states: ``阿里云是阿里巴巴旗下的…``, ``海思是华为的全资子公司``, ``华为控股的海思``,
    ``AWS is Amazon's cloud unit``, ``AWS, Amazon's cloud arm,``, ``TikTok's parent company ByteDance``."""
    text = ctx.text
    orgs = ctx.orgs()
    out = []
    for sub in orgs:
        m = _UNIT_ZH.match(text[sub.end:]) or _UNIT_EN.match(text[sub.end:])
        if not m:
            continue
        g = "o" if m["o"] is not None else "o2"
        span = (sub.end + m.start(g), sub.end + m.end(g))
        owner = [o for o in orgs if span[0] <= o.start < span[1] and o.key != sub.key]
        if owner and (sub.how != "reference" or len(owner) == 1):
            out.append((owner[0], sub))
    for m in re.finditer(r"控股的", text):
        owner = [o for o in orgs if 0 <= m.start() - o.end <= 2]
        sub = [o for o in orgs if o.start == m.end()]
        if owner and sub:
            out.append((owner[-1], sub[0]))
    for m in _PARENT_EN.finditer(text):
        sub = [o for o in orgs if o.end == m.start()]
        owner = [o for o in orgs if o.start == m.end()]
        if sub and owner:
            out.append((owner[0], sub[0]))
    return out
