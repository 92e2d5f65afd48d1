"""Stage 4, mentions: names in a sentence, each resolved to an entity key.

Four sources, in order of trust: the entity table (any alias, any script); runs of capitalised Latin words
(``Valor Equity Partners``, ``Run:ai``), looked up in the table after dropping corporate suffixes, else new
entities typed by their suffix or context; Chinese organisation names by their suffixes (资本, 集团, 投资局)
with a left edge from jieba's segmentation; people by the title before their name (创始人, 行政總裁, CEO).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from dealgraph.ingest.clean import fold
from dealgraph.ingest.gazetteer import Gazetteer
from dealgraph.ingest.model import Mention, Sentence
from dealgraph.ingest.segment import segmenter

__all__ = ["find_mentions", "new_key", "ORG_SUFFIX_EN", "PERSON_TITLES_ZH"]

_CJK = "\u4e00-\u9fff"
# a Latin name: capitalised (or digit/lower-cased brand like xAI, a16z) words, joined by spaces, &, of, and, -
_PART = r"(?:[.:+\-][A-Za-z0-9]+|['’](?!s\b)[A-Za-z0-9]+)*"
_RUN = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z][A-Za-z0-9]*|[a-z]+[A-Z][A-Za-z0-9]*|[a-z]\d+[a-z]*)" + _PART +
                  r"(?:(?:\s?&\s?|\s+(?:of|and|for|de|la|du|von|van|der)\s+|\s|-)"
                  r"(?:[A-Z][A-Za-z0-9]*|\d+[A-Za-z]*|[IVX]+)" + _PART + ")*")
ORG_SUFFIX_EN = {"capital", "partners", "ventures", "group", "management", "company", "corp", "corporation", "inc",
                 "holdings", "holding", "fund", "funds", "investments", "investment", "bank", "technologies",
                 "technology", "labs", "lab", "systems", "securities", "authority", "associates", "advisors",
                 "equity", "global", "ai", "llc", "ltd", "limited", "plc", "sa", "ag", "nv", "gmbh", "co",
                 "industries", "networks", "semiconductor", "computing", "robotics", "energy", "cloud", "media",
                 "research", "foundation", "trust", "asset", "investors", "financial", "motors", "platforms"}
_CORP_TAIL = {"corp", "corporation", "inc", "co", "ltd", "limited", "plc", "llc", "sa", "ag", "nv", "gmbh",
              "group", "holdings", "holding", "company", "the"}
_PRODUCT_CUE_ZH = re.compile(r"^\s*(?:系列|大模型|模型|大语言模型|语言模型|芯片|GPU|平台|处理器|加速器|系统|服务器|超级计算机|集群)")
_PRODUCT_CUE_EN = re.compile(r"^\s*(?:model|models|chip|chips|GPUs?|platform|processor|accelerator|"
                             r"supercomputer|cluster|chatbot|assistant)\b", re.I)
_PERSON_CUE_EN = re.compile(r"(?:\b(?:CEO|chief|officer|founder|co-founder|chairman|chairwoman|chair|president|"
                            r"minister|analyst|director|executive|partner|adviser|advisor|head|investor|"
                            r"billionaire|Mr|Ms|Dr)\.?,?\s*)$", re.I)
# words that start a capitalised run without being a name
_NOT_NAME = {"the", "a", "an", "in", "on", "at", "as", "by", "for", "from", "with", "this", "that", "these", "those",
             "it", "its", "they", "their", "he", "she", "his", "her", "we", "our", "but", "and", "or", "if", "when",
             "while", "after", "before", "following", "according", "however", "meanwhile", "today", "accordingly",
             "japanese", "chinese", "american", "french", "dutch", "german", "british", "european", "us", "u.s",
             "saudi", "korean", "indian", "taiwanese", "israeli", "emirati", "canadian", "other", "over", "says",
             "said", "everything", "compute", "keeping", "monday", "tuesday", "wednesday", "thursday", "friday",
             "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december", "ceo", "cfo", "cto", "coo", "chief", "executive",
             "officer", "founder", "co-founder", "chairman", "president", "minister", "finance", "former", "analyst",
             "news", "reuters", "statement", "there", "here", "what", "which", "who", "why", "how", "all", "some",
             "many", "most", "more", "few", "each", "every", "both", "one", "two", "three", "ipo", "ai", "gpu",
             "gpus", "genai", "agi", "cpo", "ts", "gw", "mw", "kw", "tw", "q1", "q2", "q3", "q4", "h1", "h2", "fy",
             "esg", "pc", "pcs", "api", "apis", "llm", "llms", "asic", "cpu", "cpus", "tpu", "hbm", "ev", "evs",
             "asi", "agents", "capex", "arr", "roi", "saas", "paas", "iaas", "npu", "npus", "dpu", "fpga", "soc",
             "cagr", "eps", "ebitda", "yoy", "qoq", "mou", "loi", "jv", "m&a", "vc", "pe", "lp", "gp", "aum",
             "the company", "data", "center", "centers", "series", "round", "billion", "million", "trillion",
             "year", "week", "month", "day", "new", "s", "no", "yes", "ok", "i", "ii", "iii", "x", "ip", "it's",
             "mr", "ms", "dr", "st", "vs", "am", "pm", "gmt", "utc", "hk", "uk", "eu", "un", "usd", "eur", "cny",
             "hkd", "rmb", "amsterdam", "london", "paris", "beijing", "shanghai", "washington", "san", "new york",
             "hong", "kong", "sign", "share", "read", "image", "photo", "file", "feb", "mar", "apr", "jun",
             "jul", "aug", "sep", "sept", "oct", "nov", "dec", "europe", "asia", "america", "africa", "china",
             "france", "japan", "india", "germany", "britain", "taiwan", "korea", "israel", "canada", "silicon",
             "valley", "wall", "street", "first", "second", "third", "last", "next", "early", "late", "chairwoman",
             "director", "partner", "investor", "investors", "backers", "backer", "shareholder", "stake",
             "deal", "deals", "board", "team", "group", "company", "companies", "firm", "firms", "lab", "labs",
             "startup", "start-up", "giant", "maker", "chipmaker", "rival", "rivals", "peers", "market", "markets"}
_SUFFIX_ZH = re.compile(r"(?:科技有限公司|有限责任公司|股份有限公司|有限公司|投资公司|投资局|投资基金|产业基金|基金会|"
                        r"资本|资管|集团|基金|银行|证券|创投|控股|实验室|研究院|交易所|科技|半导体|"
                        r"通讯社|资产管理|人寿|保险|政府|国资委|商务部|管委会|高新区|财政部|发改委|大学)$")
_NAME_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg", "eng", "j", "x", "n", "ng"}
_PROPER_TAGS = {"nr", "nt", "nz", "nrt", "nrfg", "j", "x"}      # proper names, or words jieba does not know
_STOP_ZH = set("的和与及或、在是有被将把对向由从给跟同以于为中了着过也都就还又再而但并且其该这那此些个家等其中"
               "已正均仍亦更最很非不没未会能可要想让使令据称说表示")
PERSON_TITLES_ZH = ("联合创始人", "创始人", "创办人", "首席执行官", "执行长", "行政总裁", "首席财务官", "首席技术官",
                    "首席运营官", "董事长", "董事会主席", "总裁", "总经理", "合伙人", "主席", "CEO", "CFO", "CTO",
                    "COO", "掌门人", "负责人", "分析师", "部长", "财务总监", "技术总监", "运营总监")
_TITLE_ZH = re.compile(
    rf"(?:{'|'.join(PERSON_TITLES_ZH)})(?:兼[{_CJK}A-Z]{{1,6}}?)?[\s]?"
    rf"(?P<name>[{_CJK}]{{1,6}}·[{_CJK}]{{1,8}}|[{_CJK}]{{2,3}}?)"
    r"(?=表示|称|说|在|对|和|与|、|，|,|。|的|于|曾|也|则|已|将|透露|指出|认为|介绍|宣布|回应|坦言|提到|聊|分享|"
    r"给出|拿出|向|上任|接受|\s|\(|（|$)")
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
                "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
                "贠闫茹洪卿文殷包岳倪欧阳柳施辛甘樊聂温庞冉翟邢骆焦牛单鲁童葛")


def new_key(name: str) -> str:
    """The key (IRI slug) of an entity the table lacks: stable across articles for the same folded name.

    >>> new_key("Valor Equity Partners"), new_key("高瓴資本") == new_key("高瓴资本")
    ('valor-equity-partners', True)
    """
    f = fold(name)
    if re.fullmatch(r"[a-z0-9:+]+", f):
        slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKC", name).casefold()).strip("-")
        if len(slug) >= 2:
            return slug
    return "n-" + hashlib.sha1(f.encode("utf-8")).hexdigest()[:12]


_SHORTENED = re.compile(rf"^(?P<stem>[{_CJK}]{{2,4}}?)(?:人工智能|智能|科技|集团|控股|资本|创投|技术|公司|股份)$")


_DEFINED_ZH = re.compile(rf"(?:^|(?<=[由与和及、，,向对被获：:“\"]))(?![由与和及向对被获])(?P<name>[{_CJK}A-Za-z0-9]{{4,30}}?"
                         rf"(?:基金|资本|创投|投资|集团|公司|控股|科技|智能|银行|实验室|研究院|中心|委员会|国资委))"
                         rf"[（(](?:以下)?简称[“\"「]?(?P<short>[{_CJK}A-Za-z0-9]{{2,12}})[”\"」]?[）)]")


def short_forms(sent: Sentence, found: list[Mention]) -> dict[str, tuple[str, str]]:
    """Short names this sentence licenses for the rest of the article: ``百川智能`` → ``百川``, as journalists
    shorten a company's name once they have written it in full, and ``X（以下简称“Y”）`` → ``Y``."""
    out = {}
    for m in found:
        if m.how == "defined":
            out[sent.norm[m.start - sent.start:m.end - sent.start]] = (m.key, m.type)
    for m in found:
        if m.type != "Organization":
            continue
        m2 = _SHORTENED.match(sent.norm[m.start - sent.start:m.end - sent.start])
        if m2 and m2["stem"] not in _STOP_ZH:
            out[m2["stem"]] = (m.key, m.type)
    return out


def find_mentions(sent: Sentence, gaz: Gazetteer, short: dict[str, tuple[str, str]] | None = None) -> list[Mention]:
    """Every entity mention in ``sent`` (clean-text offsets), left to right, without overlaps; ``short``: short
    names an earlier sentence licensed (see ``short_forms``)."""
    text = sent.norm
    found: list[Mention] = []
    taken = bytearray(len(text))

    def add(s: int, e: int, key: str, typ: str, how: str) -> None:
        if any(taken[s:e]):
            return
        taken[s:e] = b"\x01" * (e - s)
        found.append(Mention(sent.start + s, sent.start + e, sent.text[s:e], key, typ, how))

    zh = bool(re.search(f"[{_CJK}]", text))
    for m in _DEFINED_ZH.finditer(text):         # "上海国投先导人工智能产业母基金（以下简称“先导基金”）": one name
        name = m["name"]
        key = gaz.lookup(name) or new_key(name)
        add(m.start("name"), m.end("name"), key, gaz.entities[key].type if key in gaz.entities else "Organization",
            "defined")
        add(m.start("short"), m.end("short"), key, gaz.entities[key].type if key in gaz.entities else "Organization",
            "defined")
    for s, e, key, typ, how in _latin_runs(text, gaz, zh):
        add(s, e, key, typ, how)
    i = 0
    while i < len(text):
        if taken[i] or (text[i].isascii() and text[i].isalnum() and i and text[i - 1].isascii()
                        and text[i - 1].isalnum()):
            i += 1
            continue
        hit = gaz.match_at(text, i)
        if hit and not _inside_word(text, i, i + hit[1]):
            key, n = hit
            add(i, i + n, key, gaz.entities[key].type, "table")
            i += n
        else:
            i += 1
    for m in [f for f in found if f.type == "Product"]:       # "昇腾950、960、970": the table's 960 and 970 too
        head = re.match(r"(.*?\D)(\d{2,4})$", text[m.start - sent.start:m.end - sent.start])
        pos = m.end - sent.start
        while head:
            nxt = re.match(r"\s*(?:、|,|，|/|和|及|与|\band\b)\s*(\d{2,4})(?![\d.%亿万])", text[pos:])
            if not nxt:
                break
            key = gaz.lookup(head.group(1) + nxt.group(1))
            if key is None:
                break
            add(pos + nxt.start(1), pos + nxt.end(1), key, gaz.entities[key].type, "table")
            pos += nxt.end()
    for stem, (key, typ) in (short or {}).items():
        for m in re.finditer(re.escape(stem), text):
            if not any(taken[m.start():m.end()]):
                add(m.start(), m.end(), key, typ, "short")
    if zh:
        for s, e, name in _coordinated_zh(text, found, taken):
            add(s, e, gaz.lookup(name) or new_key(name), "Organization", "coordinated")
        for m in _AFTER_DESCRIPTOR_ZH.finditer(text):    # "初创公司昆仑芯", "芯片厂商摩尔线程"
            s, e = m.span("name")
            toks = _words(m["name"])
            if not any(taken[s:e]) and len(toks) <= 2 and all(_tag(w) in _PROPER_TAGS and w not in _STOP_ZH
                                                               for w in toks):
                add(s, e, gaz.lookup(m["name"]) or new_key(m["name"]), "Organization", "descriptor")
        for s, e, name in _zh_orgs(text, taken):
            core = _without_place(name)
            add(s, e, gaz.lookup(name) or gaz.lookup(core) or new_key(core), "Organization", "suffix")
        for m in _TITLE_ZH.finditer(text):
            s, e = m.span("name")
            name = m["name"]
            if "·" in name or name[0] in _SURNAMES:
                key = gaz.lookup(name)
                add(s, e, key or new_key(name), gaz.entities[key].type if key else "Person", "title")
                for s2, e2 in _name_list_after(text, e):
                    k2 = gaz.lookup(text[s2:e2])
                    add(s2, e2, k2 or new_key(text[s2:e2]), "Person", "title")
        for m in _ROLE_AFTER_ZH.finditer(text):      # "由张鹏担任首席执行官", "刘德兵出任董事长"
            s, e = m.span("name")
            if m["name"][0] in _SURNAMES and not any(taken[s:e]):
                key = gaz.lookup(m["name"])
                add(s, e, key or new_key(m["name"]), "Person", "title")
    return sorted(found, key=lambda m: m.start)


_ROLE_AFTER_ZH = re.compile(rf"(?:^|(?<=[由，,、；;和与]))(?P<name>[{_CJK}]{{2,3}}?)(?:将|已|则|同时|目前)?"
                            rf"(?:担任|出任|接任|兼任|任)(?:[{_CJK}A-Za-z]{{0,12}}?的)?(?:{'|'.join(PERSON_TITLES_ZH)}|技术长|财务长)")


def _name_list_after(text: str, pos: int) -> list[tuple[int, int]]:
    """Names listed after a person found by title: ``周昕宇、吴育昕`` (surname first, two or three characters)."""
    out = []
    while True:
        m = re.match(rf"\s*(?:、|和|与|及)\s*(?P<n>[{_CJK}]{{2,3}}?)(?=、|和|与|及|同样|也|都|均|等|，|,|。|$|表示|称|说|的|曾|在)",
                     text[pos:])
        if not m or m["n"][0] not in _SURNAMES:
            return out
        out.append((pos + m.start("n"), pos + m.end("n")))
        pos += m.end("n")


def _inside_word(text: str, s: int, e: int) -> bool:
    """A Latin alias must not start or end inside a Latin word (``Meta`` in ``Metaverse``)."""
    def latin(c: str) -> bool:
        return c.isascii() and c.isalnum()
    return (latin(text[s]) and s > 0 and latin(text[s - 1])) or (latin(text[e - 1]) and e < len(text)
                                                                  and latin(text[e]))


def _latin_runs(text: str, gaz: Gazetteer, zh: bool):
    for m in _RUN.finditer(text):
        s, e = m.span()
        words = text[s:e].split()
        # drop sentence-initial and other non-name words at the front (The, According, Japanese, ...)
        while words and (re.sub(r"[.,]|['’]s$", "", words[0].casefold()) in _NOT_NAME
                         or re.search(r"-(?:based|owned|backed|listed|led)$", words[0])):
            s = text.index(words[0], s) + len(words[0])
            words = words[1:]
        while words and words[-1].casefold() in ("the", "and", "of", "for", "&"):
            words = words[:-1]
        if not words:
            continue
        s = text.index(words[0], s)
        e = s + len(" ".join(words)) if text[s:].startswith(" ".join(words)) else _end_of(text, s, words)
        yield from _resolve_run(text, s, e, gaz, zh)


def _end_of(text: str, s: int, words: list[str]) -> int:
    pos = s
    for w in words:
        pos = text.index(w, pos) + len(w)
    return pos


def _resolve_run(text: str, s: int, e: int, gaz: Gazetteer, zh: bool):
    """A Latin run: the longest table name inside it, else a new entity when it looks like a name."""
    run = text[s:e]
    words = run.split()
    # whole run, then without corporate tails ("Nvidia Corp." → Nvidia)
    for k in range(len(words), 0, -1):
        if k < len(words) and any(w.casefold().strip(".") not in _CORP_TAIL for w in words[k:]):
            break
        key = gaz.lookup(" ".join(words[:k]))
        if key:
            yield s, e, key, gaz.entities[key].type, "table"
            return
    # a table name at the start of a longer run ("OpenAI Chief Executive Officer" → OpenAI)
    for k in range(len(words) - 1, 0, -1):
        key = gaz.lookup(" ".join(words[:k]))
        if key and all(w.casefold().strip(".,") in ORG_SUFFIX_EN | {"&", "and", "of", "the"} for w in words[k:]):
            yield s, e, key, gaz.entities[key].type, "table"
            return
        if key:
            end = _end_of(text, s, words[:k])
            yield s, end, key, gaz.entities[key].type, "table"
            rest = words[k:]
            while rest and re.sub(r"[.,]|['’]s$", "", rest[0].casefold()) in _NOT_NAME:
                rest = rest[1:]
            if rest:
                yield from _resolve_run(text, text.index(rest[0], end), e, gaz, zh)
            return
    # a table name at the end of a longer run ("Chief Executive Officer Sam Altman" → Sam Altman)
    for k in range(1, len(words)):
        key = gaz.lookup(" ".join(words[k:]))
        if key:
            start = text.index(words[k], s)
            head = words[:k]
            while head and head[-1].casefold() in ("and", "&", "of", "the", "with"):
                head = head[:-1]
            if head and len(head) < k:           # "Nokia and Dell Technologies": the first name too
                yield from _resolve_run(text, s, _end_of(text, s, head), gaz, zh)
            yield start, e, key, gaz.entities[key].type, "table"
            return
    typ = _guess_type(text, s, e, words, zh)
    if typ is None and len(words) == 1 and re.match(r"\s*(?:,|and\b|&)|\s*$", text[e:e + 5]) \
            and _coordinated_with_name(text, s, e, gaz):
        typ = "Organization"
    if typ:
        yield s, e, new_key(run), typ, "latin"


def _coordinated_with_name(text: str, s: int, e: int, gaz: Gazetteer) -> bool:
    """A lone capitalised word in a list with names the table knows: ``Nvidia, Nokia and Dell Technologies``."""
    left = re.search(r"([A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*){0,3})\s*,\s*$", text[max(0, s - 40):s])
    right = re.match(r"\s*(?:,|and|&)\s*([A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*){0,3})", text[e:e + 50])
    return any(m and gaz.lookup(m.group(1)) for m in (left, right))


_TITLE_BEFORE = re.compile(r"(?:首席执行官|执行长|行政总裁|财务长|技术长|营运长|首席财务官|首席技术官|创始人|创办人|董事长|总裁|"
                           r"合伙人|总监|分析师|部长|主席|CEO|CFO|CTO|COO)\s*$")
_GIVEN = set("""aaron adam adrian aidan alan albert alex alexander alexandr alice amy andrew andy angela ann anna anthony
antonio arthur barbara ben benjamin bill bob brad bradley brian bruce bruno carl carlos catherine charles charlie chris
christian christine christophe christopher claire colin craig dan daniel daniela dario david dennis diana donald doug
douglas edward elizabeth ellen emily emma eric erik evan frank fred gary george gordon grace greg gregory hans harry
helen henry ian igor ilya isaac jack jacob james jan jane jason jay jean jeff jeffrey jennifer jensen jeremy jerry jessica
jim joe john jon jonathan jordan jose josh joshua julia julian justin karen kate katherine keith kelly ken kevin kim larry
laura lee leo linda lisa lucy luis marc marcus maria mark martin mary masayoshi matt matthew michael michelle mike mira
mustafa nancy nat nathan nick nicolas noam oliver omar pat patrick paul peter philip pierre rachel ralph ray reed richard
rob robert roger ron ryan safra sam samuel sarah satya scott sean sebastian sergey shane simon stephen steve steven sundar
susan thomas tim timothy todd tom tony victor vincent walter wei william yann""".split())


def _guess_type(text: str, s: int, e: int, words: list[str], zh: bool) -> str | None:
    low = [w.casefold().strip(".,") for w in words]
    after, before = text[e:e + 12], text[max(0, s - 40):s]
    if len(words) == 1 and re.match(r",\s+(?:(?:owned|controlled|backed|acquired|founded|run|operated) by|"
                                    r"(?:a|the|an)\s+(?:\w+\s+){0,2}(?:subsidiary|unit|division|startup|company|firm|"
                                    r"lab|maker|provider|operator)\b)", text[e:e + 60]):
        return "Organization"
    if all(w in _NOT_NAME for w in low) or (len(words) == 1 and len(words[0]) < 2) \
            or not re.search(r"[A-Za-z]{2}", " ".join(words)):
        return None
    if _TITLE_BEFORE.search(before) and 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words) \
            and low[-1] not in ORG_SUFFIX_EN:
        return "Person"
    if (_PRODUCT_CUE_ZH if zh else _PRODUCT_CUE_EN).match(after) or re.search(r"\d", words[-1]) and len(words) <= 3 \
            or low[-1] in ("gpu", "gpus", "chip", "chips", "tpu", "accelerator", "processor", "model"):
        return "Product"
    if 2 <= len(words) <= 3 and low[0] in _GIVEN and low[-1] not in ORG_SUFFIX_EN \
            and all(w[:1].isupper() for w in words):
        return "Person"
    if low[-1] in ORG_SUFFIX_EN or "&" in text[s:e]:
        return "Organization"
    if not zh and len(words) <= 3 and all(w[:1].isupper() for w in words) and re.search(
            r"\b(?:maker|makers|company|startup|start-up|firm|developer|designer|provider|operator|chipmaker|"
            r"subsidiary|rival|lab|giant|specialist|supplier)\s+$", before):
        return "Organization"          # "software maker VMware", "cloud provider Lambda"
    if not zh and 2 <= len(words) <= 4 and all(w[0].isupper() for w in words) and _PERSON_CUE_EN.search(before):
        return "Person"
    if zh:
        return "Organization" if len(words[0]) >= 2 else None
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        return "Organization"
    if len(words) == 1 and re.search(r"[a-z][A-Z]|^[A-Z]{2,5}$|\d", words[0]) and low[0] not in _NOT_NAME:
        return "Organization"          # camel-case brands (OpenAI-like), acronyms
    return None


_COORD_ZH = re.compile(rf"(?:与|和|同|跟|、)(?P<a>[{_CJK}]{{2,5}}?)(?=宣布|签署|签订|达成|合作|共同|联合|携手|将|已|就|在|等|的|成立|组建)|"
                       rf"(?P<b>[{_CJK}]{{2,5}})(?=与|和|同|跟)")


def _coordinated_zh(text: str, found: list[Mention], taken: bytearray):
    """A name the table lacks, joined by 与/和 to an organisation it knows: ``英伟达与诺基亚宣布合作``."""
    orgs = [m for m in found if m.type == "Organization"]
    for m in _COORD_ZH.finditer(text):
        g = "a" if m["a"] else "b"
        s, e = m.span(g)
        if any(taken[s:e]):
            continue
        if g == "a" and not any(o.end == m.start() for o in orgs):
            continue
        if g == "b" and not any(o.start == e + 1 for o in orgs):
            continue
        name = m[g]
        toks = _words(name)
        if len(toks) > 2 or any(_tag(w) not in _NAME_TAGS or w in _STOP_ZH for w in toks):
            continue
        if g == "b" and len(toks) == 1 and len(name) > 4:
            continue
        yield s, e, name


_AFTER_DESCRIPTOR_ZH = re.compile(rf"(?:初创公司|初创企业|创业公司|独角兽|厂商|制造商|供应商|服务商|运营商|巨头|公司|平台|机构|企业)"
                                  rf"(?P<name>[{_CJK}]{{2,4}}?)(?=[，,。、；;的和与及将已在于宣布表示称]|$)")


def _without_place(name: str) -> str:
    """``珠海华发集团`` → ``华发集团``: a leading place name does not make another organisation."""
    toks = _words(name)
    if len(toks) >= 3 and _tag(toks[0]) == "ns" and len(name) - len(toks[0]) >= 4:
        return name[len(toks[0]):]
    return name


def _tag(word: str) -> str:
    """jieba's part-of-speech tag for a dictionary word (``x`` when unknown): weak evidence of a name."""
    from dealgraph.ingest.segment import word_tags

    return word_tags().get(word, "x")


_SUFFIX_ANYWHERE = re.compile(_SUFFIX_ZH.pattern.rstrip("$"))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """jieba's words of a short string (a candidate name), cached: names repeat across sentences."""
    return tuple(w for w, _, _ in segmenter().tokenize(text))


def _zh_orgs(text: str, taken: bytearray):
    """Chinese organisation names ending in a suffix; the left edge follows jieba's words."""
    if not _SUFFIX_ANYWHERE.search(text):
        return
    tokens = list(segmenter().tokenize(text))
    for idx, (word, s, e) in enumerate(tokens):
        if not _SUFFIX_ZH.search(word) or taken[s:e].count(1) == e - s:
            continue
        start = s if len(word) > 2 and not _SUFFIX_ZH.fullmatch(word) else None
        j = idx - 1
        parts = 0
        while j >= 0 and parts < 3:
            w, ws, we = tokens[j]
            if not re.fullmatch(f"[{_CJK}]+", w) or w in _STOP_ZH or any(c in _STOP_ZH for c in w[:1]) \
                    or any(taken[ws:we]) or _tag(w) not in _NAME_TAGS:
                break
            start, parts, j = ws, parts + 1, j - 1
        if start is None or e - start < 3 or e - start > 14:
            continue
        if re.match(r"开支|支出|市场|运作|运营|充足|实力|结构|回报|密集|投入", text[e:e + 2]):
            continue                    # "资本开支", "资本市场": not a name ending in 资本
        if re.match(r"公司|机构|经理|从业|行业|领域|企业|板块|概念|股|巨头|厂商|大厂|[A-Za-z]", text[e:e + 2]) \
                or re.match(r"互联网|人民币|美元|港股|美股|A股|国内|海外|国际|全球|头部|地方|大型|知名|老牌", text[start:e]):
            continue                    # "互联网科技公司", "瑞士工业集团ABB": a kind of company, not its name
        yield start, e, text[start:e]
