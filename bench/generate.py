"""Synthetic AI-industry news and money-flow graphs for the benchmarks, deterministic for a given seed.

``generate(n, seed)`` writes ``n`` articles of about 2,000 characters in simplified Chinese, traditional Chinese
(Taiwan and Hong Kong usage) and English, as Markdown with YAML front matter (``title``, ``date``, ``lang``,
``url``). Sentences come from the templates below (funding rounds, investments, chip and cloud purchases,
partnerships, valuations, revenue, executives, acquisitions, and plenty of commentary without any fact), filled
with real names from ``ontology/entities.tsv`` (Chinese aliases in Chinese text) and invented amounts and dates.
Page furniture (bylines, image lines, copyright notices) is sprinkled in for the cleaner.

``random_money_graph(n_nodes, n_edges)`` builds a hub-heavy money-flow ``DiGraph`` shaped exactly like
``dealgraph.graph.view.money_flow`` output: nodes are entity IRIs, each edge carries
``legs=[(predicate, {amount, currency, date, status, sources, evidence, urls})]``.

CLI: ``python -m bench.generate OUT_DIR -n 1000 --seed 0``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import networkx as nx

__all__ = ["generate", "write_corpus", "random_money_graph", "load_entities", "ID_NS", "DOC_NS", "LANGS"]

LANGS = ("zh-Hans", "zh-Hant", "en")
ID_NS = "https://w3id.org/dealgraph/id/"
DOC_NS = "https://w3id.org/dealgraph/doc/"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIRST_DAY, _LAST_DAY = date(2023, 1, 1), date(2026, 12, 31)

# ----------------------------------------------------------------------------- templates (zh-Hans)

_FACT_HANS = (
    "{co}宣布完成{amt}{round}轮融资，由{inv}领投，{inv2}、{inv3}等机构跟投，投后估值达到{val}。",
    "{date}，{co}获得{inv}领投的{amt}新一轮融资，老股东{inv2}继续追加投资。",
    "据{media}报道，{co}正与{inv}等投资方洽谈一笔约{amt}的融资，估值可能升至{val}。",
    "{inv}将向{co}投资{amt}，换取后者的少数股权。",
    "{big}此前已累计向{co}注资{amt}，是其最大的外部股东。",
    "{chip}也参与了这轮融资，这已是它今年第{k}次投资大模型公司。",
    "{co}计划在未来{yrs}年内向{chip}采购价值约{big_amt}的GPU，用于训练下一代模型。",
    "{co}与{cloud}签署了一份为期{yrs}年、总额约{big_amt}的云计算合同。",
    "{cloud}将为{co}部署{n}万块{gpu}，对应约{gw}吉瓦的电力容量。",
    "{co}与{peer}宣布达成战略合作，双方将联合开发面向企业客户的智能体产品。",
    "{big}与{co}携手在{city}建设一座{gw}吉瓦的数据中心，首期工程预计{year2}年投入使用。",
    "按照最新一轮交易，{co}的估值已达{val}，较{date}几乎翻了一番。",
    "{co}今年的年化收入预计将突破{rev}，付费企业客户超过{n}万家。",
    "{co}首席执行官{p}表示，算力依旧是公司眼下最大的瓶颈。",
    "{p}于{year}年创立{co}，此前曾在{big}负责大模型研发工作。",
    "{big}以{amt}收购了{peer}，交易预计于{date}完成。",
    "{co}还向{chip}订购了一批{gpu}服务器，总价约{amt}。",
    "{inv}旗下基金也通过老股转让入股了{co}。",
)
_FILLER_HANS = (
    "分析人士指出，大模型公司的融资节奏正在明显加快，单笔交易的规模也在不断刷新纪录。",
    "业内普遍认为，训练下一代模型所需的算力每年都在成倍增长。",
    "{co}没有回应置评请求。",
    "截至发稿，{chip}股价盘中上涨{pct}%，总市值再创新高。",
    "不过，也有投资者担心，资金在少数几家公司之间循环流动，可能放大行业泡沫。",
    "从供应链角度看，先进封装和高带宽内存依然是产能最紧张的两个环节。",
    "一位接近交易的人士透露，相关谈判持续了大约{k}个月。",
    "市场研究机构预计，到{year2}年全球人工智能基础设施支出将超过{big_amt}。",
    "此前，{co}曾多次公开表示并不急于上市。",
    "相比之下，{peer}在融资上的步伐要谨慎得多。",
    "电力供应正在成为数据中心选址时的首要考量，部分项目甚至配套建设了燃气电站。",
    "{p}在社交媒体上写道：“我们才刚刚开始。”",
    "对于外界关于估值过高的质疑，{co}方面回应称，收入增长会给出答案。",
    "有券商分析师测算，每一吉瓦数据中心的建设成本在400亿至500亿美元之间。",
    "过去一年里，{co}的员工人数从不到{k}百人增加到了数千人。",
    "这笔交易仍需获得监管部门的批准。",
    "与传统软件公司不同，大模型企业的毛利率受推理成本影响很大。",
    "{co}的旗舰模型在多项编程基准测试中排名靠前。",
    "在资本市场上，围绕人工智能的叙事仍在推动科技股整体走强。",
    "有接近{inv}的人士表示，这笔投资属于其长期布局的一部分。",
    "值得注意的是，{chip}近年来频繁以投资者身份出现在下游客户的股东名单中。",
    "一些开发者抱怨，高峰时段的接口调用依然经常受到限速。",
    "外界也在关注，{co}能否在激烈的价格战中守住利润。",
    "按照规划，新的集群将于{year2}年底前全部上线。",
)
_TITLE_HANS = (
    "{co}完成{amt}融资，估值升至{val}",
    "{chip}与{co}的算力大单背后：钱从哪里来，又流向哪里",
    "{cloud}再签大单，{co}承诺采购{big_amt}云算力",
    "{inv}领投，{co}估值突破{val}",
)
_TOP_HANS = ("文｜{reporter}", "![配图](https://example.org/img/{n}.jpg)", "图片来源：视觉中国")
_END_HANS = ("责任编辑：{reporter}", "版权所有，未经授权不得转载。", "（本文不构成投资建议）")

# ----------------------------------------------------------------------------- templates (zh-Hant, TW/HK usage)

_FACT_HANT = (
    "{co}宣布完成{amt}{round}輪募資，由{inv}領投，{inv2}與{inv3}跟投，投後估值來到{val}。",
    "{date}，{co}取得由{inv}領投的{amt}新一輪融資，既有股東{inv2}也加碼投資。",
    "根據{media}報導，{co}正與{inv}等投資人洽談約{amt}的融資，估值可能上看{val}。",
    "{inv}將向{co}投資{amt}，取得少數股權。",
    "{big}至今已累計向{co}注資{amt}，是其最大的外部股東。",
    "{chip}也參與這輪投資，這已是它今年第{k}度押注大型語言模型公司。",
    "{co}計劃在未來{yrs}年內向{chip}採購價值約{big_amt}的GPU，用來訓練新一代模型。",
    "{co}與{cloud}簽訂一份為期{yrs}年、總額約{big_amt}的雲端運算合約。",
    "{cloud}將為{co}部署{n}萬顆{gpu}，對應約{gw}吉瓦（GW）的電力容量。",
    "{co}與{peer}宣布結盟，雙方將攜手開發鎖定企業客戶的AI代理產品。",
    "{big}與{co}聯手在{city}興建一座{gw}吉瓦的資料中心，第一期預計{year2}年啟用。",
    "依照最新一輪交易，{co}估值已達{val}，比{date}幾乎翻倍。",
    "{co}今年的年化營收可望突破{rev}，付費企業客戶超過{n}萬家。",
    "{co}執行長{p}表示，運算資源仍是公司目前最大的瓶頸。",
    "{co}行政總裁{p}在記者會上指出，公司會繼續擴充算力。",
    "{p}在{year}年創辦{co}，先前曾在{big}主導大型模型研發。",
    "{big}以{amt}收購{peer}，交易預計在{date}完成。",
    "{co}也向{chip}訂購一批{gpu}伺服器，總價約{amt}。",
)
_FILLER_HANT = (
    "分析師指出，大型語言模型公司的募資節奏明顯加快，單筆交易規模也不斷刷新紀錄。",
    "業界普遍認為，訓練下一代模型所需的運算量每年都以倍數成長。",
    "{co}並未回應媒體的置評請求。",
    "截至發稿，{chip}股價盤中上漲{pct}%，市值再創新高。",
    "不過也有投資人擔心，資金在少數幾家公司之間來回流動，恐怕會放大產業泡沫。",
    "從供應鏈來看，先進封裝與高頻寬記憶體仍是產能最吃緊的兩個環節。",
    "一位知情人士透露，相關談判前後大約花了{k}個月。",
    "市調機構預估，到{year2}年全球AI基礎設施支出將超過{big_amt}。",
    "{co}過去曾多次公開表示，並不急著上市。",
    "相較之下，{peer}在募資上顯得保守許多。",
    "電力供應已成為資料中心選址的首要考量，部分案場甚至自建燃氣電廠。",
    "{p}在社群平台上寫道：「我們才剛起步。」",
    "面對估值過高的質疑，{co}回應稱，營收成長會說明一切。",
    "有券商分析師估算，每一吉瓦資料中心的建置成本介於400億至500億美元。",
    "過去一年，{co}的員工人數從不到{k}百人擴增到數千人。",
    "這筆交易仍須取得主管機關核准。",
    "和傳統軟體公司不同，大型模型企業的毛利率深受推論成本影響。",
    "{co}的旗艦模型在多項程式設計基準測試中名列前茅。",
    "在資本市場上，AI題材仍持續推升科技股走勢。",
    "接近{inv}的人士表示，這筆投資屬於長期布局的一環。",
    "值得留意的是，{chip}近年頻頻以投資人身分出現在下游客戶的股東名單上。",
    "部分開發者抱怨，尖峰時段的API呼叫仍常被限流。",
    "外界也關注{co}能否在激烈的價格戰中守住獲利。",
    "依照規劃，新的運算叢集將在{year2}年底前全數上線。",
)
_TITLE_HANT = (
    "{co}完成{amt}募資，估值升至{val}",
    "{chip}與{co}的算力大單背後：錢從哪裡來、又流向哪裡",
    "{cloud}再拿下大單 {co}承諾採購{big_amt}雲端算力",
    "{inv}領投 {co}估值衝破{val}",
)
_TOP_HANT = ("文｜{reporter}", "![示意圖](https://example.org/img/{n}.jpg)", "圖片來源：路透")
_END_HANT = ("責任編輯：{reporter}", "版權所有，未經授權請勿轉載。", "（本文不構成投資建議）")

# ----------------------------------------------------------------------------- templates (English)

_FACT_EN = (
    "{co} said it had closed a {amt} Series {round} round led by {inv}, with {inv2} and {inv3} also taking part, "
    "valuing the company at {val}.",
    "In {date}, {co} raised {amt} in a round led by {inv}; existing backer {inv2} put in more money.",
    "{media} reported that {co} is in talks with {inv} and others to raise about {amt} at a valuation of up to {val}.",
    "{inv} will invest {amt} in {co} in exchange for a minority stake.",
    "{big} has invested {amt} in {co} so far and is its largest outside shareholder.",
    "{chip} also joined the round, its {ordinal} bet on a model developer this year.",
    "{co} plans to buy roughly {big_amt} worth of GPUs from {chip} over the next {yrs} years to train its next models.",
    "{co} signed a {yrs}-year cloud computing contract with {cloud} worth about {big_amt}.",
    "{cloud} will deploy {n}0,000 {gpu} chips for {co}, drawing about {gw} gigawatts of power.",
    "{co} and {peer} announced a strategic partnership to jointly build AI agents for business customers.",
    "{big} is partnering with {co} on a {gw}-gigawatt data center campus in {city}, with the first phase due in "
    "{year2}.",
    "The latest deal values {co} at {val}, almost double its valuation in {date}.",
    "{co} expects annualized revenue to top {rev} this year, with more than {n},000 paying business customers.",
    "{co} chief executive {p} said computing power remains the company's biggest constraint.",
    "{p} founded {co} in {year} after leading large-model research at {big}.",
    "{big} acquired {peer} for {amt}; the deal is expected to close in {date}.",
    "{co} has also ordered {gpu} servers from {chip} for about {amt}.",
)
_FILLER_EN = (
    "Analysts say funding rounds for model developers are arriving faster and getting larger with each deal.",
    "Most people in the industry expect the compute needed to train frontier models to keep multiplying every year.",
    "{co} did not respond to a request for comment.",
    "Shares of {chip} rose {pct}% in afternoon trading, taking its market value to another record.",
    "Some investors worry that money circulating among a handful of companies could be inflating a bubble.",
    "On the supply side, advanced packaging and high-bandwidth memory remain the tightest bottlenecks.",
    "A person familiar with the matter said the talks had lasted about {k} months.",
    "Market researchers expect global spending on AI infrastructure to exceed {big_amt} by {year2}.",
    "{co} has said several times that it is in no hurry to go public.",
    "{peer}, by contrast, has been far more cautious about raising money.",
    "Access to power has become the first question in choosing a data center site, and some projects now come "
    "with their own gas turbines.",
    "\u201cWe are just getting started,\u201d {p} wrote on social media.",
    "Asked about concerns that its valuation is stretched, {co} said revenue growth would speak for itself.",
    "One brokerage estimates that each gigawatt of data center capacity costs $40 billion to $50 billion to build.",
    "Headcount at {co} has grown from fewer than {k}00 people to several thousand over the past year.",
    "The transaction is still subject to regulatory approval.",
    "Unlike traditional software makers, model developers see their gross margins swing with inference costs.",
    "The flagship model from {co} ranks near the top of several coding benchmarks.",
    "The AI story continues to lift technology stocks across the market.",
    "People close to {inv} described the investment as part of a long-term strategy.",
    "{chip} has increasingly shown up as a shareholder in its own customers.",
    "Developers still complain that API calls are often rate-limited at peak hours.",
    "Observers are also watching whether {co} can defend its margins in a fierce price war.",
    "The new cluster is scheduled to be fully online by the end of {year2}.",
)
_TITLE_EN = (
    "{co} raises {amt} at a {val} valuation",
    "Inside the {chip}-{co} compute deal: where the money comes from and where it goes",
    "{cloud} lands {big_amt} cloud deal with {co}",
    "{inv} leads {co} round as valuation tops {val}",
)
_TOP_EN = ("By {reporter}", "![Data center](https://example.org/img/{n}.jpg)", "Advertisement")
_END_EN = ("Share this article", "All rights reserved.", "Reporting by {reporter}; editing by {reporter2}")


@dataclass(frozen=True)
class _Style:
    """Everything language-specific: templates, page furniture and how numbers, dates and places are written."""

    facts: tuple[str, ...]
    fillers: tuple[str, ...]
    titles: tuple[str, ...]
    top: tuple[str, ...]
    end: tuple[str, ...]
    cities: tuple[str, ...]
    sentence_join: str
    money: Callable[[float, random.Random], str]
    when: Callable[[date, random.Random], str]


def _zh_money(big: str, small: str, currencies: Sequence[tuple[str, str, float]]) -> Callable[..., str]:
    """A formatter for Chinese amounts: ``20亿美元``, ``3000万美元``, ``人民币1.2万亿元`` (units ``big``/``small``)."""
    def fmt(usd: float, rng: random.Random) -> str:
        pre, suf, rate = rng.choices(currencies, weights=[8] + [1] * (len(currencies) - 1))[0]
        v = _sig(usd * rate)
        if v >= 1e12:
            num = f"{v / 1e12:g}{small}{big}"
        else:
            num = f"{v / 1e8:g}{big}" if v >= 1e8 else f"{v / 1e4:g}{small}"
        return f"{pre}{num}{suf}"
    return fmt


def _en_money(usd: float, rng: random.Random) -> str:
    sym, rate = rng.choices((("$", 1.0), ("\u20ac", 0.92), ("\u00a3", 0.79)), weights=(10, 1, 1))[0]
    v = _sig(usd * rate)
    return f"{sym}{v / 1e9:g} billion" if v >= 1e9 else f"{sym}{v / 1e6:g} million"


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def _zh_when(d: date, rng: random.Random) -> str:
    return rng.choice((f"{d.year}年{d.month}月", f"{d.year}年{d.month}月{d.day}日", f"{d.month}月{d.day}日"))


def _en_when(d: date, rng: random.Random) -> str:
    return f"{_MONTHS_EN[d.month - 1]} {d.year}" if rng.random() < 0.7 else f"late {_MONTHS_EN[d.month - 1]} {d.year}"


_STYLES = {
    "zh-Hans": _Style(_FACT_HANS, _FILLER_HANS, _TITLE_HANS, _TOP_HANS, _END_HANS,
                      ("得克萨斯州阿比林", "亚利桑那州", "阿布扎比", "俄亥俄州", "威斯康星州", "挪威"), "",
                      _zh_money("亿", "万", (("", "美元", 1.0), ("人民币", "元", 7.1), ("", "欧元", 0.92))), _zh_when),
    "zh-Hant": _Style(_FACT_HANT, _FILLER_HANT, _TITLE_HANT, _TOP_HANT, _END_HANT,
                      ("德州阿比林", "亞利桑那州", "阿布達比", "俄亥俄州", "威斯康辛州", "挪威"), "",
                      _zh_money("億", "萬", (("", "美元", 1.0), ("新台幣", "元", 31.0), ("港幣", "元", 7.8))),
                      _zh_when),
    "en": _Style(_FACT_EN, _FILLER_EN, _TITLE_EN, _TOP_EN, _END_EN,
                 ("Abilene, Texas", "Arizona", "Abu Dhabi", "Ohio", "Wisconsin", "Norway"), " ", _en_money, _en_when),
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = ("晓明", "佳怡", "子涵", "浩然", "思远", "雨桐", "文博", "欣然", "志强", "一鸣", "嘉琪", "宇航")
_FIRST_EN = ("Anna", "Ben", "Chloe", "David", "Elena", "Frank", "Grace", "Hiro", "Isabel", "James", "Kiran", "Laura")
_LAST_EN = ("Adams", "Brennan", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Khan")
_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def _sig(v: float, digits: int = 2) -> float:
    """``v`` rounded to ``digits`` significant digits."""
    if v <= 0:
        return 0.0
    return round(v, digits - 1 - int(math.floor(math.log10(v))))


# ----------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Named:
    """An entity of the table with the names it may go by in each language."""

    key: str
    type: str
    label: str
    tags: frozenset[str]
    en: tuple[str, ...]
    hans: tuple[str, ...]
    hant: tuple[str, ...]

    def names(self, lang: str) -> tuple[str, ...]:
        """Names to use in ``lang``: Chinese aliases in Chinese text when the table has them, else Latin names."""
        pick = {"en": self.en, "zh-Hans": self.hans, "zh-Hant": self.hant}[lang]
        return pick or self.en


@lru_cache(maxsize=4)
def load_entities(path: str | None = None) -> tuple[Named, ...]:
    """The entity table (``id type label aliases tags``) with aliases sorted into English, simplified, traditional."""
    if path is None:
        from dealgraph.ontology import entity_table_path

        path = str(entity_table_path())
    import opencc

    t2s, s2t = opencc.OpenCC("t2s").convert, opencc.OpenCC("s2t").convert
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 3 or line.startswith("#"):
            continue
        aliases = [a.strip() for a in (cols[3].split("|") if len(cols) > 3 else []) if a.strip()]
        tags = frozenset(t.strip() for t in (cols[4].split(",") if len(cols) > 4 else []) if t.strip())
        zh = [a for a in aliases if _CJK.search(a)]
        latin = [cols[2]] + [a for a in aliases if a.isascii() and len(a) > 2]
        hans = tuple(a for a in zh if t2s(a) == a)
        hant = tuple(a for a in zh if t2s(a) != a or s2t(a) == a)
        out.append(Named(cols[0], cols[1], cols[2], tags, tuple(latin), hans, hant))
    return tuple(out)


@dataclass(frozen=True)
class _Pools:
    """Entities by the part they play in a story, each list in table order (well-known names first)."""

    labs: tuple[Named, ...]
    investors: tuple[Named, ...]
    chips: tuple[Named, ...]
    clouds: tuple[Named, ...]
    bigtech: tuple[Named, ...]
    media: tuple[Named, ...]
    people: tuple[Named, ...]
    gpus: tuple[Named, ...]


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    ents = load_entities()

    def pick(typ: str, want: set[str], avoid: frozenset[str] = frozenset()) -> tuple[Named, ...]:
        return tuple(e for e in ents if e.type == typ and e.tags & want and not e.tags & avoid)

    return _Pools(
        labs=pick("Organization", {"lab"}, frozenset({"bigtech"})),
        investors=pick("Organization", {"investor", "sovereign", "bank"}, frozenset({"media", "research"})),
        chips=pick("Organization", {"chip"}),
        clouds=pick("Organization", {"cloud"}),
        bigtech=pick("Organization", {"bigtech"}),
        media=pick("Organization", {"media"}),
        people=pick("Person", {"person-exec", "person-founder"}),
        gpus=pick("Product", {"gpu"}),
    )


def _ranked(rng: random.Random, pool: Sequence[Named], k: int = 1) -> list[Named]:
    """``k`` distinct entities, earlier (better-known) ones more often: weight 1 / (rank + 4)."""
    out: list[Named] = []
    weights = [1.0 / (i + 4) for i in range(len(pool))]
    while len(out) < min(k, len(pool)):
        e = rng.choices(pool, weights=weights)[0]
        if e not in out:
            out.append(e)
    return out


# ----------------------------------------------------------------------------- articles


@dataclass
class _Article:
    """The cast and dates of one article, and how each entity is named in it (fixed for the article)."""

    rng: random.Random
    lang: str
    published: date
    roles: dict[str, list[Named]]
    surface: dict[str, str] = field(default_factory=dict)

    @property
    def style(self) -> _Style:
        return _STYLES[self.lang]

    def name(self, e: Named) -> str:
        if e.key not in self.surface:
            names = e.names(self.lang)
            self.surface[e.key] = names[0] if self.rng.random() < 0.6 else self.rng.choice(names)
        return self.surface[e.key]

    def past(self) -> date:
        return self.published - timedelta(days=self.rng.randrange(20, 700))

    def slot(self, name: str, sentence: dict[str, str]) -> str:
        """The text for ``{name}``; entity slots of one sentence are distinct (``inv``, ``inv2``, ``inv3``)."""
        if name in sentence:
            return sentence[name]
        r = self.rng
        role = name[:-1] if name[-1].isdigit() and name[:-1] in self.roles else name
        if role in self.roles:
            used = {v for v in sentence.values()}
            choices = [e for e in self.roles[role] if self.name(e) not in used] or self.roles[role]
            value = self.name(r.choice(choices[:3]) if role != "co" else choices[0])
        else:
            value = self._value(role)
        sentence[name] = value
        return value

    def _value(self, role: str) -> str:
        r, st, year = self.rng, self.style, self.published.year
        amounts = {"amt": (5e7, 2e10), "big_amt": (1e10, 5e11), "val": (2e10, 8e11), "rev": (1e8, 3e10)}
        if role in amounts:
            lo, hi = amounts[role]
            return st.money(math.exp(r.uniform(math.log(lo), math.log(hi))), r)
        simple: dict[str, Callable[[], str]] = {
            "round": lambda: r.choice("ABCDEF"), "k": lambda: str(r.randint(2, 9)),
            "ordinal": lambda: r.choice(_ORDINALS), "yrs": lambda: str(r.randint(3, 10)),
            "n": lambda: str(r.randint(2, 60)), "gw": lambda: f"{r.choice((0.5, 1, 1.2, 1.5, 2, 3, 4.5, 5)):g}",
            "pct": lambda: f"{r.uniform(0.8, 12):.1f}", "year": lambda: str(r.randint(2015, max(2016, year - 1))),
            "year2": lambda: str(year + r.randint(1, 4)), "date": lambda: st.when(self.past(), r),
            "city": lambda: r.choice(st.cities), "reporter": self._reporter, "reporter2": self._reporter,
        }
        return simple[role]()

    def _reporter(self) -> str:
        r = self.rng
        if self.lang == "en":
            return f"{r.choice(_FIRST_EN)} {r.choice(_LAST_EN)}"
        return r.choice(_SURNAMES) + r.choice(_GIVEN)


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(art: _Article, template: str) -> str:
    sentence: dict[str, str] = {}
    return _SLOT.sub(lambda m: art.slot(m.group(1), sentence), template)


def _cast(rng: random.Random) -> dict[str, list[Named]]:
    p = _pools()
    labs = _ranked(rng, p.labs, 2)
    return {"co": labs[:1], "peer": labs[1:], "inv": _ranked(rng, p.investors, 4), "chip": _ranked(rng, p.chips, 2),
            "cloud": _ranked(rng, p.clouds, 2), "big": _ranked(rng, p.bigtech, 2), "media": _ranked(rng, p.media, 2),
            "p": _ranked(rng, p.people, 3), "gpu": _ranked(rng, p.gpus, 2)}


def _deck(rng: random.Random, items: Sequence[str]):
    """Templates in shuffled rounds: no template comes back before all the others have been used."""
    while True:
        order = list(items)
        rng.shuffle(order)
        yield from order


def _body(art: _Article, target: int) -> list[str]:
    """Paragraphs of 2-5 sentences, about 40% stating a fact, until ``target`` characters."""
    r, st = art.rng, art.style
    facts, fillers = _deck(r, st.facts), _deck(r, st.fillers)
    paras: list[str] = []
    size = 0
    while size < target:
        n = r.randint(2, 5)
        sents = [_fill(art, next(facts) if (i == 0 and not paras) or r.random() < 0.4 else next(fillers))
                 for i in range(n)]
        para = st.sentence_join.join(sents)
        paras.append(para)
        size += len(para) + 2
    return paras


def _article(i: int, seed: int) -> tuple[str, str]:
    rng = random.Random(f"dealgraph-bench:{seed}:{i}")
    lang = rng.choices(LANGS, weights=(4, 3, 3))[0]
    published = _FIRST_DAY + timedelta(days=rng.randrange((_LAST_DAY - _FIRST_DAY).days))
    art = _Article(rng, lang, published, _cast(rng))
    st = art.style
    title = _fill(art, rng.choice(st.titles))
    name = f"{i:05d}-{lang}"
    lines = [f"# {title}", ""]
    if rng.random() < 0.5:
        lines += [_fill(art, rng.choice(st.top)), ""]
    target = rng.randint(1600, 1900)
    for para in _body(art, target):
        lines += [para, ""]
    if rng.random() < 0.5:
        lines += [_fill(art, rng.choice(st.end)), ""]
    front = (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {published.isoformat()}\nlang: {lang}\n"
             f"url: https://example.org/dealgraph/synthetic/{seed}/{name}\n---\n\n")
    return f"{name}.md", front + "\n".join(lines)


def generate(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` articles ``(file name, Markdown text)``; article ``i`` depends only on ``(i, seed)``."""
    return [_article(i, seed) for i in range(n)]


def write_corpus(folder: str | Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``generate(n, seed)`` into ``folder`` (created); returns the file paths in order."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(n, seed):
        p = out / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


# ----------------------------------------------------------------------------- money-flow graphs

HUB_KEYS = ("nvidia", "microsoft", "openai", "oracle", "amazon", "google", "softbank", "amd", "coreweave",
            "meta-platforms", "xai", "anthropic")
_SELLER_TAGS = {"chip", "cloud", "hardware", "datacenter"}
_STATUSES = (("completed", 40), ("announced", 25), ("planned", 20), (None, 15))


def _node_keys(n_nodes: int) -> tuple[list[str], dict[str, str], set[str]]:
    """Node keys (hubs first, then the table's organisations, then made-up ones), labels, and the sellers."""
    orgs = [e for e in load_entities() if e.type == "Organization"]
    by_key = {e.key: e for e in orgs}
    keys = [k for k in HUB_KEYS if k in by_key] + [e.key for e in orgs if e.key not in HUB_KEYS]
    keys = keys[:n_nodes] + [f"synthetic-org-{i:06d}" for i in range(max(0, n_nodes - len(keys)))]
    labels = {k: by_key[k].label if k in by_key else f"Org {k[-6:]}" for k in keys}
    sellers = {k for k in keys if k in by_key and by_key[k].tags & _SELLER_TAGS}
    return keys, labels, sellers


def _weights(n_nodes: int, hubs: bool) -> list[float]:
    """Endpoint weights: with ``hubs``, up to 12 hubs take ~20% of all edge ends (Zipf among them), else Zipf 0.6."""
    tail = [1.0 / (i + 10) ** 0.6 for i in range(n_nodes)]
    if not hubs:
        return tail
    n_hubs = min(len(HUB_KEYS), max(3, n_nodes // 100), n_nodes)
    rest = sum(tail[n_hubs:])
    hub_raw = [1.0 / (i + 1) for i in range(n_hubs)]
    scale = 0.2 / 0.8 * rest / sum(hub_raw)
    return [w * scale for w in hub_raw] + tail[n_hubs:]


def _doc_iri(seed: int, j: int) -> str:
    return DOC_NS + hashlib.sha256(f"bench-doc:{seed}:{j}".encode()).hexdigest()[:32]


def _leg(rng: random.Random, u: str, v: str, pred: str, labels: dict[str, str], docs: int, seed: int) -> dict:
    """Edge data as ``graph.view.build_view`` makes it: best amount, latest date, strongest status, sources."""
    amount = float(int(_sig(math.exp(rng.uniform(math.log(1e7), math.log(1e11)))))) if rng.random() < 0.85 else None
    d = date(2022, 1, 1) + timedelta(days=rng.randrange(1800))
    when = rng.choices((d.isoformat()[:7], d.isoformat(), str(d.year), None), weights=(60, 25, 10, 5))[0]
    n_src = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
    sources = sorted({_doc_iri(seed, rng.randrange(docs)) for _ in range(n_src)})
    verb = "invested in" if pred == "investedIn" else "bought chips and cloud capacity from"
    money = f", a deal worth ${amount / 1e6:g} million" if amount else ""
    evidence = [f"{labels[u]} {verb} {labels[v]}{money} (report {k + 1})." for k in range(len(sources))]
    return {"amount": amount, "currency": rng.choices(("USD", "CNY", "EUR"), weights=(90, 6, 4))[0] if amount else None,
            "date": when, "status": rng.choices([s for s, _ in _STATUSES], weights=[w for _, w in _STATUSES])[0],
            "sources": sources, "evidence": evidence,
            "urls": [f"https://example.org/news/{s[-12:]}" if rng.random() < 0.8 else None for s in sources]}


def random_money_graph(n_nodes: int, n_edges: int, hubs: bool = True, seed: int = 0) -> nx.DiGraph:
    """A money-flow ``DiGraph`` with ``n_nodes`` entity IRIs and ``n_edges`` edges (no self-loops).

    Edge ``u → v``: u invests in or buys from v. Buyers of chips and cloud (edges into a seller) mostly carry a
    ``buysFrom`` leg, the rest ``investedIn``; one edge in ten carries both. Sources are drawn from a pool of
    ``n_edges / 4`` article graph IRIs, so an article states several relations and some relations several articles.
    """
    if n_nodes < 2 or n_edges > n_nodes * (n_nodes - 1) // 2:
        raise ValueError(f"{n_edges} edges do not fit {n_nodes} nodes; use fewer edges or more nodes")
    rng = random.Random(f"dealgraph-money:{seed}")
    keys, labels, sellers = _node_keys(n_nodes)
    cum = list(itertools.accumulate(_weights(n_nodes, hubs)))
    g = nx.DiGraph()
    g.add_nodes_from((ID_NS + k for k in keys), label=None)
    for k in keys:
        g.nodes[ID_NS + k]["label"] = labels[k]
    docs = max(1, n_edges // 4)
    made = 0
    while made < n_edges:
        ends = rng.choices(range(n_nodes), cum_weights=cum, k=2 * (n_edges - made) + 16)
        for a, b in zip(ends[::2], ends[1::2], strict=False):
            u, v = ID_NS + keys[a], ID_NS + keys[b]
            if a == b or g.has_edge(u, v):
                continue
            buy = keys[b] in sellers or (keys[b].startswith("synthetic-") and rng.random() < 0.4)
            first = "buysFrom" if buy and rng.random() < 0.8 else "investedIn"
            preds = [first] + ([{"buysFrom": "investedIn", "investedIn": "buysFrom"}[first]] if rng.random() < 0.1
                               else [])
            g.add_edge(u, v, legs=[(p, _leg(rng, keys[a], keys[b], p, labels, docs, seed)) for p in preds])
            made += 1
            if made >= n_edges:
                break
    return g


# ----------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.generate OUT_DIR [-n 1000] [--seed 0]``: write a synthetic corpus."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder to write the articles into (created)")
    ap.add_argument("-n", type=int, default=1000, help="number of articles (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = write_corpus(args.out, args.n, args.seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    print(f"wrote {len(paths)} articles, {chars:,} characters ({chars / max(1, len(paths)):.0f} per article) "
          f"to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
