"""Executives of companies: ``AMD行政总裁苏姿丰``, ``Jensen Huang, the chief executive of Nvidia``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact
from dealgraph.ingest.rules.common import (
    _APPOSITIVE,
    RuleState,
    _as_mention,
    _listed_after,
    _rel,
)

__all__ = ["rule_executive"]


_POSSESSIVE_CHAIN = re.compile(r"['’]s\s+(?:(?:co-?)?founders?|chair|chairman|chairwoman|president)\s+(?:and|&)\s+")


_TITLE = re.compile(r"联合创始人|创始人|首席执行官|执行长|行政总裁|首席财务官|首席技术官|首席运营官|技术长|财务长|营运长|财务总监|技术总监|董事长|董事会主席|总裁|"
                    r"总经理|合伙人|主席|董事|(?<![A-Za-z])(?:CEO|CFO|CTO|COO)(?![A-Za-z])|\b[Cc]hief [Ee]xecutive(?: [Oo]fficer)?\b|"
                    r"\b[Cc]hief [A-Za-z]+ [Oo]fficer\b|\b(?:finance|technology|operating) chief\b|\b[Cc]hairman\b|"
                    r"\b[Cc]hairwoman\b|\b[Pp]resident\b|\b[Mm]anaging [Pp]artner\b|\b[Gg]eneral [Pp]artner\b|"
                    r"\b[Pp]artner\b|\b[Hh]ead\b|\bboss\b|\bled by\b|\bhelm\b")
# a title after a company, then a list separator: "阿里巴巴集团首席执行官、"
_TITLE_LISTED = re.compile(rf"\s*(?:集团|公司)?(?:{_TITLE.pattern})(?:兼(?:{_TITLE.pattern}))?\s*[、，,]\s*")


_WHO_RUNS = re.compile(r"\s*,\s*who\s+(?:also\s+|now\s+|currently\s+)?(?:(?:runs|leads|heads)|"
                       r"(?P<own>owns|controls))\s+")


def rule_executive(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``英伟达行政总裁黄仁勋``, ``OpenAI Chief Executive Officer Sam Altman``, ``Sam Altman, CEO of OpenAI``."""
    people = [m for m in ctx.mentions if m.type == "Person"]
    if not people:
        return
    orgs = ctx.orgs()
    text = ctx.text
    for p in people:                    # "Sam Altman, who runs OpenAI", "Elon Musk, who owns xAI and X"
        m = _WHO_RUNS.match(text[p.end:])
        if not m:
            continue
        named = [o for o in orgs if o.start == p.end + m.end() and o.how != "reference"]
        if named:
            kind = "controls" if m["own"] else "executiveOf"
            for o in [named[0], *_listed_after(ctx, named[0].end, strict=True)]:
                yield from (f for f in [_rel(kind, p, o, ctx, st)] if f)
                if kind == "executiveOf":
                    st.disc.person_org.setdefault(p.key, o.key)
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
        chain = [o for o in orgs if o.end <= kw.start() and _TITLE_LISTED.match(text[o.end:])   # "阿里巴巴集团首席执行官、
                 and re.fullmatch(r"[^。；;]*", text[o.end:kw.start()])]                        # 阿里云董事长兼首席执行官吴泳铭"
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
            mine = [o for o in orgs if o.end <= kw.start() and o.how != "reference"][:1]   # the clause subject
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
