"""Dates in Chinese and English news, resolved against the publication date, as precise as the text allows.

>>> from datetime import date
>>> pub = date(2026, 1, 7)
>>> [m.date.iso() for m in find_dates("当地时间1月6日，去年12月，2023年创立", pub)]
['2026-01-06', '2025-12', '2023']
>>> [m.date.iso() for m in find_dates("the companies said Monday; last year", date(2025, 9, 23))]
['2025-09-22', '2024']
>>> [m.date.iso() for m in find_dates("上个月, 本月底; earlier this month, last month", date(2026, 1, 7))]
['2025-12', '2026-01', '2026-01', '2025-12']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dealgraph.ingest.model import PartialDate

__all__ = ["DateMatch", "find_dates", "valid"]

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS |= {k[:3]: v for k, v in list(_MONTHS.items())} | {"sept": 9}
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                         "sunday"])}
_ZH_WEEK = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|" \
       r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p, re.I if name.startswith("en") else 0)) for name, p in [
    ("ymd", r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]"),
    ("iso", r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    ("ym", r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月"),
    ("rel_ym", r"(?P<rel>去年|今年|前年|明年)\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号號])?"),
    ("md", r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]"),
    ("m", r"(?<![\d年.\-])(?P<m>1[0-2]|0?[1-9])\s*月(?![\d日号號份])"),
    ("y", r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年|财年|財年)"),
    ("rel_y", r"(?P<rel>去年|今年|前年|明年)(?:年初|年底|年末|上半年|下半年|初|底)?"),
    ("today", r"(?P<rel>今天|今日|昨天|昨日|前天|本周|本週)"),
    ("rel_m", r"(?P<relm>上个?月|上個月|本月|这个月|這個月|当月|當月|下个?月|下個月)(?:初|底|中旬|末)?"),
    ("zh_week", r"(?:上)?(?:周|週|星期|礼拜)(?P<wd>[一二三四五六日天])"),
    ("d", r"(?<![\d月.])(?P<d>[1-3]?\d)\s*日(?=[^\d元本]|$)(?!本)"),
    ("en_mdy", rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b"),
    ("en_dmy", rf"\b(?P<d>\d{{1,2}})\s+{_MON}\s+(?P<y>(?:19|20)\d{{2}})\b"),
    ("en_my", rf"\b{_MON}\s+(?P<y>(?:19|20)\d{{2}})\b"),
    ("en_md", rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
    ("en_in_month", r"\b(?:in|since|by|until|from)\s+(?P<mon>January|February|March|April|May|June|July|August|"
                    r"September|October|November|December)\b"),
    ("en_rel", r"\b(?P<rel>last year|this year|next year|earlier this year|yesterday|today)\b"),
    ("en_rel_m", r"\b(?:(?:earlier|later|late|early)\s+)?(?P<relm>last|this|next)\s+month\b"),
    ("en_week", r"\b(?:on|last|this)?\s*(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    ("en_y", r"\b(?:in|since|by|until|of|from|during|for)\s+(?P<y>(?:19|20)\d{2})\b"),
]]


@dataclass(frozen=True)
class DateMatch:
    """A date expression at ``[start, end)`` and what it resolves to."""

    start: int
    end: int
    date: PartialDate


def valid(y: int, m: int | None = None, d: int | None = None) -> bool:
    """Whether the parts make a real calendar date."""
    try:
        date(y, m or 1, d or 1)
    except ValueError:
        return False
    return 1900 <= y <= 2100


def _month(s: str) -> int:
    return int(s) if s.isdigit() else {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                                       "九": 9, "十": 10, "十一": 11, "十二": 12}.get(s, 0)


def _resolve(name: str, g: dict[str, str | None], pub: date | None) -> PartialDate | None:
    y = int(g["y"]) if g.get("y") else None
    m = _MONTHS.get((g.get("mon") or "").lower().rstrip(".")) if g.get("mon") else \
        (_month(g["m"]) if g.get("m") else None)
    d = int(g["d"]) if g.get("d") else None
    rel = (g.get("rel") or "").lower()
    relm = (g.get("relm") or "").lower()
    if relm:
        if pub is None:
            return None
        shift = -1 if relm in ("last",) or relm.startswith("上") else (1 if relm == "next" or relm.startswith("下")
                                                                           else 0)
        k = pub.year * 12 + pub.month - 1 + shift
        return PartialDate(k // 12, k % 12 + 1)
    if rel:
        if pub is None:
            return None
        if rel in ("今天", "今日", "today", "本周", "本週"):
            return PartialDate(pub.year, pub.month, pub.day)
        if rel in ("昨天", "昨日", "yesterday", "前天"):
            p = pub - timedelta(days=2 if rel == "前天" else 1)
            return PartialDate(p.year, p.month, p.day)
        shift = {"去年": -1, "last year": -1, "前年": -2, "明年": 1, "next year": 1}.get(rel, 0)
        y = pub.year + shift
        return PartialDate(y, m, d) if m and valid(y, m, d) else PartialDate(y)
    if g.get("wd"):
        if pub is None:
            return None
        wd = _WEEKDAYS.get(g["wd"].lower(), _ZH_WEEK.get(g["wd"], 0))
        p = pub - timedelta(days=(pub.weekday() - wd) % 7)
        return PartialDate(p.year, p.month, p.day)
    if y is None:
        if pub is None:
            return None
        y = pub.year
        if m is None:                     # a bare day ("22日表示"): this month, or last month if still ahead
            m = pub.month
            if d and d > pub.day:
                m, y = (m - 1, y) if m > 1 else (12, y - 1)
        elif m > pub.month + 1:           # "12月" read in January is last December
            y -= 1
    if not valid(y, m, d):
        return None
    return PartialDate(y, m, d)


def find_dates(text: str, published: date | None) -> list[DateMatch]:
    """Every date expression in ``text``, left to right, longest first where they overlap."""
    out: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for name, pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            pd = _resolve(name, m.groupdict(), published)
            if pd is not None:
                out.append(DateMatch(m.start(), m.end(), pd))
                taken.append((m.start(), m.end()))
    return sorted(out, key=lambda x: x.start)
