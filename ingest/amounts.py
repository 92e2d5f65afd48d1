"""Money and capacity in any notation to decimals: 200億美元, 1.5萬億, 1,000億, 1兆, 数百亿, $40 billion, €1.7bn.

Amounts need a currency (stated, or carried over from the amount before in the same sentence, as in
"5000億美元投資（首期1000億）"); bare counts such as 400万个GPU are not money.

>>> [(str(m.amount.value), m.amount.currency, m.amount.bound) for m in find_amounts("估值约3500亿美元")]
[('350000000000', 'USD', 'approx')]
>>> [(str(m.amount.value), m.amount.currency) for m in find_amounts("invested 1.3 billion euros ($1.5 billion)")]
[('1300000000', 'EUR'), ('1500000000', 'USD')]
>>> [m.text for m in find_capacities("至少100億瓦算力和4.5吉瓦(GW)电力")]
['10 GW', '4.5 GW']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from dealgraph.ingest.model import Amount

__all__ = ["AmountMatch", "CapacityMatch", "find_amounts", "find_capacities", "parse_number", "zh_numeral"]

_DIGITS = "零〇一二两兩三四五六七八九"
_ZH_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2, "兩": 2}
_ZH_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_ZH_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}

_NUM = r"(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?"
_ZH_NUM = rf"[{_DIGITS}十百千]+"
_ZH_UNIT = r"(?:万亿|萬億|千亿|千億|百亿|百億|十亿|十億|亿|億|千万|千萬|百万|百萬|万|萬|兆)"
_ZH_CUR = (r"(?P<cur>美元|美金|元人民币|元人民幣|人民币|人民幣|港元|港币|港幣|欧元|歐元|日元|日圓|英镑|英鎊|新台币|新台幣|"
           r"台币|台幣|元)")
_EN_SCALE = r"(?P<scale>trillion|billion|million|thousand|tn|bn|mn|m|b|k)\b"
_EN_PRE = r"(?P<pre>US\$|HK\$|NT\$|A\$|C\$|S\$|\$|€|£|¥|RMB\s?|USD\s?|EUR\s?|CNY\s?|HKD\s?)"
_EN_POST = r"(?:[\s-]+(?P<post>euros?|dollars?|yuan|renminbi|pounds?|yen|Hong Kong dollars|US dollars))?"

_BOUND_BEFORE = [
    ("approx", r"(?:约合|约为|约|大约|大約|約合|約為|約|近|接近|将近|將近|左右|近乎|about|around|roughly|nearly|almost|"
               r"approximately|some|an estimated|close to)\s*"),
    ("atLeast", r"(?:超过|超過|超|逾|多于|多於|至少|不少于|不少於|more than|over|at least|upwards of|in excess of)\s*"),
    ("atMost", r"(?:最多|至多|不超过|不超過|最高|up to|as much as|as many as|no more than)\s*"),
]
_BOUND_AFTER = [("atLeast", r"^\s*(?:以上|多)"), ("approx", r"^\s*(?:左右|上下)")]

_ZH_MONEY = re.compile(
    rf"(?P<num>{_NUM}|{_ZH_NUM}|数|數|几|幾)(?:\s*(?P<unit>{_ZH_UNIT}))?\s*(?:多)?{_ZH_CUR}")
_ZH_BARE = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{_ZH_UNIT})(?![\w个個家枚台块塊名户戶人倍次年])")
_EN_MONEY = re.compile(rf"{_EN_PRE}\s?(?P<num>{_NUM})(?:\s*[-–]?\s*{_EN_SCALE})?|"
                       rf"(?<![\w.])(?P<num2>{_NUM})[\s-]*(?P<scale2>trillion|billion|million|bn|mn)[\s-]*"
                       rf"(?P<post2>euros?|dollars?|yuan|renminbi|pounds?|yen)\b", re.I)
_CUR = {"美元": "USD", "美金": "USD", "元人民币": "CNY", "元人民幣": "CNY", "人民币": "CNY", "人民幣": "CNY",
        "港元": "HKD", "港币": "HKD", "港幣": "HKD", "欧元": "EUR", "歐元": "EUR", "日元": "JPY", "日圓": "JPY",
        "英镑": "GBP", "英鎊": "GBP", "新台币": "TWD", "新台幣": "TWD", "台币": "TWD", "台幣": "TWD", "元": "CNY",
        "us$": "USD", "$": "USD", "hk$": "HKD", "nt$": "TWD", "a$": "AUD", "c$": "CAD", "s$": "SGD", "€": "EUR",
        "£": "GBP", "¥": "CNY", "rmb": "CNY", "usd": "USD", "eur": "EUR", "cny": "CNY", "hkd": "HKD",
        "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "us dollars": "USD", "yuan": "CNY",
        "renminbi": "CNY", "pound": "GBP", "pounds": "GBP", "yen": "JPY", "hong kong dollars": "HKD"}
_SCALE = {"trillion": 10**12, "tn": 10**12, "billion": 10**9, "bn": 10**9, "b": 10**9, "million": 10**6,
          "mn": 10**6, "m": 10**6, "thousand": 10**3, "k": 10**3}


@dataclass(frozen=True)
class AmountMatch:
    """An amount found in a sentence: span ``[start, end)`` (bound words included) and its value."""

    start: int
    end: int
    amount: Amount
    conversion: bool = False      # "(约7800亿港元)": the same money in another currency, not a new figure


@dataclass(frozen=True)
class CapacityMatch:
    """A power capacity found in a sentence, normalised to a string such as ``"4.5 GW"``."""

    start: int
    end: int
    watts: Decimal
    text: str


def parse_number(s: str) -> Decimal | None:
    """``1,000`` → 1000, ``1.5`` → 1.5, ``两千三百`` → 2300; None when it is not a number."""
    s = s.replace(",", "").replace("，", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        v = zh_numeral(s)
        return None if v is None else Decimal(v)


def zh_numeral(s: str) -> int | None:
    """Chinese numerals: ``一百万`` → 1000000, ``两千三百亿`` → 230000000000, ``十`` → 10."""
    if not s or any(c not in _ZH_DIGIT and c not in _ZH_SMALL and c not in _ZH_BIG for c in s):
        return None
    total, section, digit = 0, 0, None
    for c in s:
        if c in _ZH_DIGIT:
            digit = _ZH_DIGIT[c]
        elif c in _ZH_SMALL:
            section += (1 if digit is None else digit) * _ZH_SMALL[c]
            digit = None
        else:
            section += digit or 0
            total = (total + section) * _ZH_BIG[c] if _ZH_BIG[c] > 10**4 or total == 0 else \
                total + section * _ZH_BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def _unit_value(unit: str | None) -> int:
    if not unit:
        return 1
    v = 1
    for c in unit:
        v *= _ZH_BIG.get(c) or _ZH_SMALL.get(c, 1)
    return v


def _bound(text: str, start: int, end: int) -> tuple[str, int, int]:
    before = text[max(0, start - 16):start]
    for name, pat in _BOUND_BEFORE:
        m = re.search(rf"(?:{pat})$", before, re.I)
        if m:
            return name, start - (len(before) - m.start()), end
    after = text[end:end + 3]
    for name, pat in _BOUND_AFTER:
        m = re.match(pat, after)
        if m:
            return name, start, end + m.end()
    return "exact", start, end


def find_amounts(text: str) -> list[AmountMatch]:
    """Every money amount in ``text`` (simplified or traditional Chinese, or English), in order."""
    found: list[AmountMatch] = []
    taken: list[tuple[int, int]] = []
    for m in _ZH_MONEY.finditer(text):
        num = m["num"]
        high = None
        if num in ("数", "數", "几", "幾"):
            if not m["unit"]:
                continue
            base = Decimal(_unit_value(m["unit"]))
            value, high, bound = base * 2, base * 9, "approx"
        else:
            n = parse_number(num)
            if n is None or (m["cur"] == "元" and not m["unit"] and n < 1000):
                continue
            value, bound = n * _unit_value(m["unit"]), None
        b, s, e = _bound(text, m.start(), m.end())
        found.append(AmountMatch(s, e, Amount(_int(value), _CUR[m["cur"]], bound or b,
                                              _int(high) if high else None)))
        taken.append((m.start(), m.end()))
    for m in _EN_MONEY.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m["num"] is not None:
            cur = _CUR.get(m["pre"].strip().lower())
            n, scale = parse_number(m["num"]), (m["scale"] or "").lower()
        else:
            cur = _CUR.get(m["post2"].lower())
            n, scale = parse_number(m["num2"]), m["scale2"].lower()
        if n is None or cur is None:
            continue
        if m["num"] is not None and not scale and "." not in m["num"] and n < 1000 and m["pre"].strip() == "$":
            pass                      # "$5" is money too
        b, s, e = _bound(text, m.start(), m.end())
        found.append(AmountMatch(s, e, Amount(_int(n * _SCALE.get(scale, 1)), cur, b)))
        taken.append((m.start(), m.end()))
    found.extend(_carried(text, found, taken))
    found.sort(key=lambda a: a.start)
    return [replace(f, conversion=True) if i and _CONVERSION.fullmatch(text, found[i - 1].end, f.start) else f
            for i, f in enumerate(found)]


_CONVERSION = re.compile(r"\s*[（(]\s*(?:约合|約合|约|約|合|即|折合|相当于|相當於|about|or|roughly|~|≈)?\s*(?:人民币|人民幣|US|HK)?\s*")


def _carried(text: str, found: list[AmountMatch], taken: list[tuple[int, int]]) -> list[AmountMatch]:
    """Bare ``1000億`` after a stated amount in the same sentence takes that amount's currency."""
    out = []
    for m in _ZH_BARE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        prev = [f for f in found if f.end <= m.start()]
        if not prev:
            continue
        n = parse_number(m["num"])
        if n is None:
            continue
        b, s, e = _bound(text, m.start(), m.end())
        out.append(AmountMatch(s, e, Amount(_int(n * _unit_value(m["unit"])), prev[-1].amount.currency, b)))
    return out


_CAP = re.compile(r"(?P<num>\d+(?:\.\d+)?|[一二两兩三四五六七八九十百千]+)\s*(?P<unit>万亿瓦|萬億瓦|亿瓦|億瓦|万千瓦|萬千瓦|"
                  r"百万瓩|百萬瓩|万瓩|萬瓩|千瓦|瓩|吉瓦|兆瓦|gigawatts?|megawatts?|GW|MW|kW|TW)", re.I)
_WATTS = {"万亿瓦": 10**12, "萬億瓦": 10**12, "亿瓦": 10**8, "億瓦": 10**8, "万千瓦": 10**7, "萬千瓦": 10**7,
          "百万瓩": 10**9, "百萬瓩": 10**9, "万瓩": 10**7, "萬瓩": 10**7, "千瓦": 10**3, "瓩": 10**3, "吉瓦": 10**9,
          "兆瓦": 10**6, "gigawatt": 10**9, "gigawatts": 10**9, "megawatt": 10**6, "megawatts": 10**6, "gw": 10**9,
          "mw": 10**6, "kw": 10**3, "tw": 10**12}


def find_capacities(text: str) -> list[CapacityMatch]:
    """Power capacities (W, kW, MW, GW, 瓩, 百萬瓩, 億瓦, 吉瓦, gigawatts) as ``"N GW"`` or ``"N MW"`` strings."""
    out = []
    for m in _CAP.finditer(text):
        n = parse_number(m["num"])
        if n is None:
            continue
        watts = n * _WATTS[m["unit"].lower()]
        if watts >= 10**9:
            label = f"{_fmt(watts / 10**9)} GW"
        else:
            label = f"{_fmt(watts / 10**6)} MW"
        out.append(CapacityMatch(m.start(), m.end(), watts, label))
    return out


def _fmt(d: Decimal) -> str:
    s = f"{d.normalize():f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def _int(d: Decimal) -> Decimal:
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
