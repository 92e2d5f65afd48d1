"""Products, facilities and projects: ``OpenAI's ChatGPT``, ``Nscale also runs Stargate Norway``, ``该公司主导的星际之门``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact
from dealgraph.ingest.rules.common import (
    RuleState,
    _as_mention,
    _rel,
    _status,
)

__all__ = ["rule_develops", "rule_operates", "rule_project"]


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
            verb = re.search(r"(?P<o>)(?:推出|发布|公布|开发|研发|打造|训练|launched|released|unveiled|developed|built|"
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
