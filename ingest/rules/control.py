"""Ownership, founders and acquisitions: ``谷歌旗下的DeepMind``, ``DeepSeek was founded by Liang Wenfeng``, ``百度收购了昆仑芯``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact
from dealgraph.ingest.rules.common import (
    _ACQ,
    _APPOSITIVE,
    _CHIP_WORDS,
    _PAREN,
    _TITLE_CHAIN,
    RuleState,
    _as_mention,
    _listed_after,
    _rel,
    _status,
    _unit_pairs,
)

__all__ = ["rule_control", "rule_founded_acquired"]


_CONTROL = re.compile(r"旗下|控股|控制|母公司|子公司|国有|国资|\bowned by\b|\bsubsidiary\b|\bparent\b|\bunit of\b|"
                      r"[\w-]+-owned\b|\bcontrols?\b|\bcontrolled by\b")
_FOUND = re.compile(r"联合创始人|共同创办人|创始人|创办人|创立|创办|创建|成立|\bfounded\b|\bfounder\b|\bco-founder\b|\bco-founded\b")


def rule_control(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``A旗下的B``, ``Alphabet's Google``, ``其创办或收购的A、B和C``, ``B, owned by A``."""
    text = ctx.text
    owners = [m for m in ctx.mentions if m.type in ("Person", "Organization")]
    for kw in _CONTROL.finditer(text):
        before = [m for m in owners if m.end <= kw.start() and kw.start() - m.end <= 4]
        after = [m for m in ctx.mentions if m.type in ("Organization", "Product", "Facility") and m.start >= kw.end()
                 and m.start - kw.end() <= 16 and not re.search(r"[、，,。；;]", ctx.text[kw.end():m.start])]
        if kw.group() in ("旗下",) and before and after:   # a company's product is developed, a site operated
            kind = {"Facility": "operates"}.get(after[0].type, "controls")
            if after[0].type == "Product" and set(ctx.tags.get(after[0].key, ())) & {"model", "gpu", "chip", "hardware"}:
                kind = "develops"          # a model or a chip is made; a platform (Starlink) is a business held
            yield from (f for f in [_rel(kind, before[-1], after[0], ctx, st)] if f)
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
    yield from _units(ctx, st)
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


#: Between a company and "founded by": nothing but its description ("DeepSeek, the Hangzhou lab (co-)founded by").
_FOUNDED_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:which|that)\s+)?(?:(?:is|was|were|has been|had been)\s+)?"
                          r"(?:(?:a|an|the)\s+[^,.;]{0,50}?\s*)?(?:,\s*)?(?:(?:which|that)\s+)?"
                          r"(?:(?:is|was|has been|had been)\s+)?(?:(?:originally|jointly|also|first)\s+)?")
def _unnamed_before(ctx, pos: int) -> bool:
    """A description at ``pos`` set after a name the table does not know (``io, the startup``)."""
    m = re.search(r"[\w.-]+\s*,\s*$", ctx.text[:pos])
    return bool(m) and not any(o.end == m.start() + len(m.group().split(",")[0].rstrip()) for o in ctx.mentions)


_PERSON_APPOSITIVE = re.compile(r"\s*,\s*(?:the|a|an|its|their)\s[^,.;:]{1,50},\s*(?:who\s+)?(?:also\s+|later\s+|then\s+)?")


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
            if org is not None and (not _FOUNDED_GAP.fullmatch(_PAREN.sub("", re.sub(r"^\s*[)）]", "", text[
                    org.end:kw.start()]))) or org.how == "reference" and _unnamed_before(ctx, org.start)):
                org = None                  # "OpenAI acquired io, the startup founded by …": io was founded
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
        who = next((m for m in reversed(ctx.mentions) if m.type in ("Person",) and (0 <= kw.start() - m.end <= 10 or
                    _PERSON_APPOSITIVE.fullmatch(text[m.end:kw.start()]))), None)   # "X, the former Y CTO, founded Z"
        org = next((o for o in orgs if 0 <= o.start - kw.end() <= 10), None)
        if who and org and re.search(r"的|了|\bin\b|\s", text[kw.end():org.start] or "的"):
            yield from (f for f in [_rel("founded", who, org, ctx, st)] if f)
    yield from _acquired_other_forms(ctx, st)
    for kw in _ACQ.finditer(text):
        if re.search(r"创办|创立", text[max(0, kw.start() - 4):kw.start()]):
            continue
        if re.match(r"\s+by\b", text[kw.end():]) or re.search(r"被[^，,。；;]{1,20}$|对[^，,。；;]{1,20}的$|\b(?:been|be|was|"
                                                             r"were|is|are|being)\s+$", text[:kw.start()]):
            continue                # passive and 对X的收购: _acquired_other_forms
        agents = [m for m in ctx.mentions if m.type in ("Person", "Organization") and m.end <= kw.start()
                  and not ctx.is_source(m)]
        adjacent = [m for m in agents if kw.start() - m.end <= 3 and not re.search(r"[,，]", text[m.end:kw.start()])]
        who = adjacent[-1] if adjacent else (agents[0] if agents else None)
        if who is not None and who.type == "Person" and not adjacent and st.disc.person_org.get(who.key):
            who = _as_mention(st.disc.person_org[who.key])     # "CEO X agreed to buy Y": the company buys
        obj = [o for o in orgs if 0 <= o.start - kw.end() <= 30 and not re.search(r"[，,。；;]", text[kw.end():o.start])
               and not (kw.group().isascii() and _CHIP_WORDS.search(text[kw.end():o.start])
                        and not re.search(r"\b(?:maker|company|firm|startup|designer|provider)\s*$", text[kw.end():o.start]))
               and not re.search(r"\b(?:capacity|compute|computing|services|power|whatever|shares|stock|stake)\b",
                                 text[kw.end():o.start])
               and not (kw.group().isascii() and (re.search(r"\d|\bof\b", text[kw.end():o.start]) or  # "6 gigawatts of"
                                                  _CHIP_WORDS.match(text[o.end:o.end + 16].lstrip())))   # "AMD chips"
               and (o.how != "reference" or o.start - kw.end() <= 2)]
        if who and obj:
            yield from (f for f in [_rel("acquired", who, obj[0], ctx, st, status=_status(text, "completed"))] if f)
            if who.type == "Person":
                yield from (f for f in [_rel("controls", who, obj[0], ctx, st)] if f)


_PASSIVE_EN = re.compile(r"\b(?:be|been|was|were|is|are|being)\s+(?:\w+\s+)?(?:acquired|bought|purchased|taken over)\s+by\s+")
_PASSIVE_ZH = re.compile(r"被(?P<by>[^，,。；;]{1,20}?)(?:以[^，,。；;]{1,16}?)?(?:收购|并购|买下)")
_OF_ZH = re.compile(r"对(?P<o>[^，,。；;]{1,20}?)的(?:全面|全资)?(?:收购|并购)")
_BUY_COMPANY = re.compile(r"\b(?:bought|buys|buying|to buy|snapped up|snaps up|snap up|snapping up|took over|takes over|"
                          r"to take over|taking over)\s+(?:(?:the\s+)?(?:rival|startup|start-up|chipmaker|company|firm)\s+)?")
_AFTER_COMPANY = re.compile(r"\s*(?:[(（][^)）]{1,30}[)）])?\s*(?:for\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|"
                            r"some\s+|more than\s+|over\s+|up to\s+)?[$€£\d]|in\s+(?:a|an|the)\s+(?:\$[\d.]+\s*\w+\s+)?"
                            r"(?:deal|transaction|all-stock|all-cash|cash)|[,.;]|$)")


def _acquired_other_forms(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``Run:ai was acquired by Nvidia``, ``Run:ai被英伟达收购``, ``完成对ZT Systems的收购``, ``SoftBank bought Ampere
    Computing for $6.5 billion`` (a company bought for a price, or in a deal; not ``bought Nvidia chips``)."""
    text = ctx.text
    orgs = ctx.orgs()
    status = _status(text, "completed")
    for m in _PASSIVE_EN.finditer(text):
        buyer = next((o for o in orgs if o.start == m.end()), None)
        owned = [o for o in orgs if o.end <= m.start() and re.fullmatch(
            r"\s*(?:,\s*)?(?:which\s+|that\s+)?(?:has\s+|had\s+|have\s+|will\s+|would\s+|could\s+|agreed to\s+|"
            r"is set to\s+|is expected to\s+|is to\s+)?", text[o.end:m.start()])]
        if buyer and owned:
            yield from (f for f in [_rel("acquired", buyer, owned[-1], ctx, st, status=status)] if f)
    for m in _PASSIVE_ZH.finditer(text):
        buyer = [o for o in orgs if m.start("by") <= o.start < m.end("by")]
        owned = [o for o in orgs if o.end <= m.start() and not re.search(r"[，,。；;]", text[o.end:m.start()])]
        if buyer and owned:
            yield from (f for f in [_rel("acquired", buyer[0], owned[-1], ctx, st, status=status)] if f)
    for m in _OF_ZH.finditer(text):
        owned = [o for o in orgs if m.start("o") <= o.start < m.end("o")]
        buyer = [o for o in orgs if o.end <= m.start() and not re.search(r"[，,。；;]", text[o.end:m.start()])]
        if buyer and owned:
            yield from (f for f in [_rel("acquired", buyer[-1], owned[0], ctx, st, status=status)] if f)
    for m in _BUY_COMPANY.finditer(text):
        owned = next((o for o in orgs if o.start == m.end() and o.how != "reference"
                      and _AFTER_COMPANY.match(text[o.end:])), None)
        buyer = [o for o in orgs if o.end <= m.start() and not re.search(r"[,;.]", text[o.end:m.start()])
                 and not ctx.is_source(o)]
        if owned and buyer:
            how = "planned" if m.group().startswith("to ") else status
            yield from (f for f in [_rel("acquired", buyer[-1], owned, ctx, st, status=how)] if f)



def _units(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``阿里云是阿里巴巴旗下的云计算公司``, ``海思是华为的全资子公司``, ``华为控股的海思``, ``AWS is Amazon's cloud unit``,
    ``TikTok's parent company ByteDance``."""
    for owner, sub in _unit_pairs(ctx):
        yield from (f for f in [_rel("controls", owner, sub, ctx, st)] if f)
