"""Partnerships: ``英伟达与诺基亚宣布合作开发6G网络设备``, ``A will partner with B``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact, Mention
from dealgraph.ingest.rules.common import (
    _INVESTORS_WORD,
    RuleState,
    _as_mention,
    _rel,
)

__all__ = ["rule_partner"]


_PARTNER = re.compile(r"合作伙伴|合作|联合开发|共同开发|共建|携手|联手|结盟|战略协议|"
                      r"\bpartner(?:s|ed|ing)?\s+(?:with|to|on|in)\b|\bpartnership\b|\b(?:key|strategic|technology) partners?\b|"
                      r"\b(?:are|were|have been|had been|became|become|remain)\s+(?:long-?time\s+|close\s+|strategic\s+|key\s+)?partners\b|"
                      r"\bjointly\b|\bcollaborat\w+|\bteam(?:s|ed|ing)? up\b|\bjoin(?:s|ed|ing)? forces\b|\bstrategic deal\b|\balliance\b")


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
    of = re.search(r"(?:是|成为)(?P<o>[^，,。；;]{1,12}?)的[^，,。；;]{0,16}?合作伙伴|(?:partner|partners) (?:of|to) ", text)
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
    withm = re.search(r"(?:与|和|同|跟|联手|携手|\bwith\b)\s*", text[:kw.end() + 30])   # "腾讯联手华为推出"
    if withm:
        after = [o for o in orgs if o.start >= withm.end() and o.start - withm.end() <= 24 and o.key != subject.key]
        if after:
            return [(subject, after[0])], []
        if st.disc.topic and subject.key != st.disc.topic and subject.start >= withm.end():
            return [(_as_mention(st.disc.topic), subject)], []
    return [], []
