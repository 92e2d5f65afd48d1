"""Stage 5, context: a sentence with its mentions, amounts, dates and resolved references, ready for the rules.

Discourse references become mentions of what they name: 该公司 / "the company" / "It" → the organisation the
text is about; 双方 / 两家公司 / "the two" → the last pair; 它们 / "they" → the last group; 其 → the last person or
organisation; "we" in a quoted statement → the organisation speaking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from dealgraph.ingest.amounts import AmountMatch, CapacityMatch, find_amounts, find_capacities
from dealgraph.ingest.dates import DateMatch, find_dates
from dealgraph.ingest.gazetteer import Gazetteer
from dealgraph.ingest.model import Mention, PartialDate, Sentence

__all__ = ["SentenceContext", "Discourse", "build_context", "NON_PARTY_TAGS", "pure_investor"]

NON_PARTY_TAGS = {"media", "research", "exchange"}


def pure_investor(tags: tuple[str, ...] | set[str]) -> bool:
    """Whether the table knows an organisation only as an investor (a fund, not an operating company)."""
    t = set(tags)
    return bool(t & {"investor", "sovereign", "bank"}) and not t & {"chip", "cloud", "lab", "bigtech", "hardware"}
_THE_COMPANY = re.compile(r"该公司|这家公司|該公司|這家公司|该企业|该初创公司|该集团|這家集團|这家集团|該集團|"
                          r"(?:^|(?<=[，,。；;：:]))集团(?=财务|首席|董事|总裁|创始人|创办人|行政|旗下|副总裁|主席|发言人)|"
                          r"(?:^|(?<=[，,。；;：:]))公司(?=\d|今年|去年|在|已|于|宣布|表示|计划|正在|将|也|的|估值|累计|目前|还|近|刚|此前|随后|成立|正式|发布|推出|披露|称|预计|并|同时|先后)|"
                          r"\b[Tt]he (?:[A-Z][\w-]+ )?(?:[a-z-]+ ){0,2}(?:company|firm|startup|start-up|group|maker|"
                          r"chipmaker|lab|giant|developer|provider|operator)\b|^It\b|(?<=[.,;] )it\b|"
                          r"(?<!\bthat )(?<!\bwhich )\bit(?= (?:has|had|will|would|also|now|then|later|recently|signed|"
                          r"agreed|said|says|plans|planned|expects|raised|bought|sold|struck|inked|announced|reported|"
                          r"invested|acquired|paid|pays|spent|committed)\b)")
_THE_TWO = re.compile(r"双方|雙方|两家公司|兩家公司|二者|两者|兩者|\b[Tt]he two(?: companies| firms| sides)?\b|"
                      r"\b[Bb]oth companies\b|\b[Tt]he (?:partnership|alliance|tie-up)\b(?! (?:with|between)\b)|"
                      r"(?:这项|此项|该项|這項|此次|这次|這次)合作")
_THEY = re.compile(r"(?:^|(?<=[，,：:“\"]))\s*(?:它们|它們|他们|他們|[Tt]hey\b)|这些公司|這些公司|上述公司|这几家公司|"
                   r"這幾家公司|\b[Tt]hese (?:companies|firms|start-?ups|labs)\b")
_QI = re.compile(r"其(?=创办|創辦|创立|收购|收購|旗下|合作|持股|股份)|与其|與其")
_WE = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s)\b|我们|我們")
_SAYS = re.compile(r"(?:[Ss]ays|[Ss]aid|statement|表示|称|稱|宣布|透露)")


@dataclass
class Discourse:
    """What the article has been about so far: its topic organisation, the last pair, group, person, speaker."""

    topic: str | None = None
    last_org: str | None = None
    pair: tuple[str, str] | None = None
    group: tuple[str, ...] = ()
    person: str | None = None
    speaker: str | None = None
    funded: str | None = None          # company of the last funding event
    project: str | None = None         # the last project named
    project_age: int = 99              # sentences since it was named (0: this one)
    person_org: dict[str, str] = field(default_factory=dict)   # person → the organisation they run
    descriptors: dict[str, set[str]] = field(default_factory=dict)   # key → words written before its name
    subject: str | None = None         # first organisation of the last sentence (references included)
    last_date: PartialDate | None = None
    recent: list[set[str]] = field(default_factory=list)   # organisations of the last few sentences
    counts: dict[str, int] = field(default_factory=dict)
    named: dict[str, int] = field(default_factory=dict)   # every organisation named so far, investors too


@dataclass(frozen=True)
class SentenceContext:
    """Everything the rules read about one sentence; positions are relative to the sentence."""

    sentence: Sentence
    text: str                       # simplified text of the sentence
    mentions: tuple[Mention, ...]   # sentence-relative offsets
    amounts: tuple[AmountMatch, ...]
    capacities: tuple[CapacityMatch, ...]
    dates: tuple[DateMatch, ...]
    published: date | None
    tags: dict[str, tuple[str, ...]]
    previous_date: PartialDate | None = None    # the last date an earlier sentence stated

    def orgs(self, *, parties: bool = True) -> list[Mention]:
        """Organisation mentions (``parties``: without outlets, research firms and others cited as sources)."""
        if parties:
            return list(self._parties)
        return [m for m in self.mentions if m.type == "Organization"]

    @cached_property
    def _parties(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.type == "Organization" and not self.is_source(m))

    def is_source(self, m: Mention) -> bool:
        """Whether ``m`` is only cited: an outlet or research firm, or a name after 据 / according to."""
        if NON_PARTY_TAGS & set(self.tags.get(m.key, ())):
            return True
        return bool(re.search(r"(?:据|根据|according to|\bper)\s*$", self.text[max(0, m.start - 14):m.start]))

    def of_type(self, typ: str) -> list[Mention]:
        return [m for m in self.mentions if m.type == typ]

    def money(self) -> list[AmountMatch]:
        """Amounts that are new figures (not conversions into another currency)."""
        return [a for a in self.amounts if not a.conversion]


def build_context(sent: Sentence, mentions: list[Mention], gaz: Gazetteer, disc: Discourse,
                  published: date | None) -> SentenceContext:
    """Sentence-relative mentions plus discourse references, then update ``disc`` with what this sentence says."""
    rel = [Mention(m.start - sent.start, m.end - sent.start, m.surface, m.key, m.type, m.how) for m in mentions]
    rel += _references(sent.norm, rel, disc)
    rel.sort(key=lambda m: (m.start, m.end))
    tags = {m.key: gaz.entities[m.key].tags if m.key in gaz.entities else () for m in rel}
    ctx = SentenceContext(sent, sent.norm, tuple(rel), tuple(find_amounts(sent.norm)),
                          tuple(find_capacities(sent.norm)), tuple(find_dates(sent.norm, published)), published, tags,
                          disc.last_date)
    _update(disc, ctx)
    return ctx


def _references(text: str, found: list[Mention], disc: Discourse) -> list[Mention]:
    out: list[Mention] = []
    taken = [(m.start, m.end) for m in found]

    def add(m: re.Match[str], key: str | None, typ: str = "Organization") -> None:
        if key and not any(a < m.end() and m.start() < b for a, b in taken):
            out.append(Mention(m.start(), m.end(), m.group(), key, typ, "reference"))

    for m in _THE_COMPANY.finditer(text):
        first = [f for f in found if f.type == "Organization" and f.start < m.start()]
        recent_topic = disc.topic if disc.topic and any(disc.topic in r for r in disc.recent) else None
        if m.group() == "集团" or m.group() in ("该集团", "這家集團", "这家集团", "該集團") and not first:
            add(m, _a_group(disc) or disc.topic or disc.last_org)   # "集团财务总监", "该集团宣布": the group
        elif first and not m.group()[:1].isascii():
            add(m, first[0].key)               # 该公司 after a name in the same sentence: that name
        elif m.group() in ("It", "it"):
            add(m, disc.subject or recent_topic or disc.last_org)
        else:
            add(m, _same_sentence_kind(m.group(), first) or _by_description(m.group(), disc) or recent_topic
                or disc.last_org)
    for m in _THE_TWO.finditer(text):
        inside = list(dict.fromkeys(f.key for f in found if f.type == "Organization" and f.end <= m.start()))
        pair = (inside[0], inside[1]) if len(inside) >= 2 else disc.pair
        if pair:
            add(m, pair[0])
            out.append(Mention(m.start(), m.end(), m.group(), pair[1], "Organization", "reference"))
    for m in _THEY.finditer(text):
        group = disc.group or disc.pair or ()
        if not re.fullmatch(r"它们|它們|他们|他們|[Tt]hey", m.group().strip()):   # "这些公司" after a list: that list
            listed = _coordinated(text, [f for f in found if f.type == "Organization" and f.end <= m.start()])
            group = tuple(listed) if len(listed) >= 2 else group
        for k in group:
            if not any(a < m.end() and m.start() < b for a, b in taken):
                out.append(Mention(m.start(), m.end(), m.group(), k, "Organization", "reference"))
    for m in _QI.finditer(text):
        if re.match(r"其(创办|創辦|创立|收购|收購|旗下)", m.group() + text[m.end():m.end() + 2]):
            add(m, disc.person, "Person")
        else:
            prior = [f for f in found if f.end <= m.start() and f.type == "Organization"]
            add(m, prior[-1].key if prior else disc.last_org)
    if disc.speaker and not any(f.type == "Organization" and f.key == disc.speaker for f in found):
        for m in _WE.finditer(text):
            if not any(f.type == "Organization" and f.start < m.start() for f in found):
                add(m, disc.speaker)
    return out


def _a_group(disc: Discourse) -> str | None:
    """The most mentioned organisation so far that the table calls a group (``软银集团``, ``阿里巴巴集团``)."""
    from dealgraph.ingest.clean import to_simplified
    from dealgraph.ingest.gazetteer import default_gazetteer

    table = default_gazetteer().entities
    for key in sorted(disc.named, key=lambda k: -disc.named[k]):
        e = table.get(key)
        if e is not None and any(to_simplified(n).endswith("集团") for n in (e.label, *e.names)):
            return key
    return None


_KIND_TAGS = {"startup": {"lab"}, "start-up": {"lab"}, "lab": {"lab"}, "chipmaker": {"chip"},
              "provider": {"cloud", "datacenter"}, "operator": {"cloud", "datacenter"}}


def _same_sentence_kind(phrase: str, before: list[Mention]) -> str | None:
    """``Nvidia will invest in OpenAI as the start-up deploys ...``: the nearest organisation of this sentence that
    is that kind of company (by its tags; a name the table does not know may be a start-up)."""
    from dealgraph.ingest.gazetteer import default_gazetteer

    want = _KIND_TAGS.get(phrase.split()[-1].casefold())
    if not want:
        return None
    table = default_gazetteer().entities
    for m in reversed(before):
        e = table.get(m.key)
        if (set(e.tags) & want) if e is not None else want == {"lab"}:
            return m.key
    return None


def _coordinated(text: str, orgs: list[Mention]) -> list[str]:
    """The first run of names joined by 与 / 和 / 、 / and: ``英伟达与思科`` → [nvidia, cisco]."""
    run: list[Mention] = []
    for m in orgs:
        if run and re.fullmatch(r"\s*(?:与|和|同|跟|及|、|\band\b|,)\s*", text[run[-1].end:m.start]):
            run.append(m)
        elif len(run) >= 2:
            break
        else:
            run = [m]
    return list(dict.fromkeys(m.key for m in run)) if len(run) >= 2 else []


_DESCR = re.compile(r"((?:[A-Z][a-z]+|[a-z][a-z-]+)(?:\s+(?:[A-Z][a-z]+|[a-z][a-z-]+)){0,3})\s+$")
_DESCR_STOP = {"the", "a", "an", "and", "of", "in", "on", "for", "to", "by", "with", "from", "at", "as", "is", "was",
               "has", "have", "said", "says", "will", "that", "which", "its", "their", "biggest", "largest", "main"}


def _by_description(phrase: str, disc: Discourse) -> str | None:
    """``the Dutch company`` → the organisation earlier called ``Dutch chip equipment maker ASML``."""
    words = [w.casefold() for w in phrase.split()[1:]]
    best, score = None, 0
    for key, descr in disc.descriptors.items():
        hit = sum(2 if w[:1].isupper() or w in descr and not w.islower() else 1 for w in phrase.split()[1:]
                  if w.casefold() in descr)
        if hit > score:
            best, score = key, hit
    return best if score and any(w in d for d in disc.descriptors.values() for w in words[:-1]) else None


def _update(disc: Discourse, ctx: SentenceContext) -> None:
    for m in ctx.orgs():
        if m.how == "reference":
            continue
        d = _DESCR.search(ctx.text[max(0, m.start - 60):m.start])
        if d:
            words = {w.casefold() for w in d.group(1).split()} - _DESCR_STOP
            if words:
                disc.descriptors[m.key] = disc.descriptors.get(m.key, set()) | words
    subj = [m for m in ctx.orgs() if not ctx.is_source(m)]
    if subj:
        disc.subject = subj[0].key
    orgs = [m for m in ctx.orgs() if m.how != "reference"]
    for m in orgs:
        disc.named[m.key] = disc.named.get(m.key, 0) + 1
    orgs = [m for m in orgs if not pure_investor(ctx.tags.get(m.key, ()))] or orgs
    for m in orgs:
        disc.counts[m.key] = disc.counts.get(m.key, 0) + 1
    if disc.counts:
        disc.topic = max(disc.counts, key=lambda k: disc.counts[k])
    if orgs:
        disc.last_org = orgs[0].key
    keys = list(dict.fromkeys(m.key for m in orgs))
    if len(keys) >= 2:
        chain = _coordinated(ctx.text, orgs)
        disc.pair = (chain[0], chain[1]) if len(chain) >= 2 else (keys[0], keys[1])
        disc.group = tuple(chain) if len(chain) >= 2 else tuple(keys)
    if ctx.dates:
        disc.last_date = ctx.dates[-1].date
    projects = [m for m in ctx.mentions if m.type == "Project"]
    disc.project_age += 1
    if projects:
        disc.project, disc.project_age = projects[-1].key, 0
    disc.recent = (disc.recent + [{m.key for m in orgs}])[-3:]
    persons = [m for m in ctx.mentions if m.type == "Person"]
    if persons:
        disc.person = persons[-1].key
    says = _SAYS.search(ctx.text)
    if says and orgs:
        before = [m for m in orgs if m.start < says.start() + 12]
        disc.speaker = (before or orgs)[-1].key
