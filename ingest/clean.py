"""Stage 2, clean: raw article text to ``CleanText``, keeping for each clean character its raw offset.

Removes what real pages add around the article: HTML entities (also double-escaped) are decoded, stray tags
dropped, pinyin glosses after characters (``擴(kuò)`` → ``擴``) removed while ``(Stargate)``, ``(AGI)`` and
``(原Twitter)`` stay, boilerplate lines (image markdown, captions, comment notices) dropped and bylines turned
into author metadata. Traditional text is also converted to simplified for matching, at equal length.

>>> c = clean("擴(kuò)張&amp;IPO")
>>> c.text, c.offsets[1], c.simplified
('擴張&IPO', 6, '扩张&IPO')
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from dealgraph.ingest.model import CleanText
from dealgraph.ingest.segment import word_freq

__all__ = ["clean", "to_simplified"]

log = logging.getLogger(__name__)

_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a gloss: lowercase pinyin with at least one tone mark, in ASCII or full-width parentheses, right after a CJK char
_GLOSS = re.compile(rf"(?<=[{_CJK}])[(（](?=[a-z{_TONE}]*[{_TONE}])[a-z{_TONE}]{{1,7}}[)）]")
# what is left of a gloss when GBK damage ate its opening: "?shù)"
_BROKEN_GLOSS = re.compile(rf"\?[a-z{_TONE}]{{1,7}}\)")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG = re.compile(r"</?(?:p|br|div|span|a|b|i|em|strong|img|script|style|iframe|section|article|h[1-6]|ul|ol|li|"
                  r"table|tr|td|th|font|center|figure|figcaption|sup|sub|u|small|hr)\b[^<>]{0,500}>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_SPACES = re.compile(r"[\u00a0\u2002-\u200b\u3000\ufeff]")

_BOILERPLATE = [re.compile(p, re.I) for p in (
    r"^\s*!\[[^\]]*\]\([^)]*\)\s*$",                                      # image markdown
    r"^\s*(?:截图|截圖|图片|圖片|图源|圖源|图注|圖注|配图|配圖|题图|題圖|摄影|攝影)"
    r"(?:来自|來自|来源|來源|[:：|丨/])?.{0,40}$",                                # captions
    r"(?:发表评论|發表評論|网络安全法|網絡安全法|網路安全法|实名制要求|實名制要求|登录后|登錄後|"
    r"责任编辑|責任編輯|版权所有|版權所有|未经授权|未經授權|转载请|轉載請|扫码|掃碼|关注我们|關注我們)",
    r"^\s*(?:share this|sign up|subscribe|read more|related:|advertisement|all rights reserved|copyright ©)",
    r"^\s*(?:点击|點擊)?(?:阅读原文|閱讀原文|查看原文)\s*$",
)]
_BYLINE = [re.compile(p) for p in (
    r"[(（]\s*(?:作者|文|撰文|记者|記者)\s*[|丨｜:：]\s*(?P<a>[^,，|丨｜)）]{1,20})"
    r"(?:\s*[,，]\s*(?:编辑|編輯|责编|責編)\s*[|丨｜:：]\s*[^)）]{1,20})?\s*[)）]\s*$",
    r"^\s*(?:文|作者|撰文|记者|記者)\s*[|丨｜:：]\s*(?P<a>[^\s,，|]{1,20})\s*$",
    r"^\s*[Bb]y\s+(?P<a>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*$",
)]


def clean(raw: str, start: int = 0) -> CleanText:
    """Clean ``raw[start:]`` (``start`` skips front matter) and map every clean character to its raw offset."""
    text, offs = raw[start:], list(range(start, len(raw)))
    text, offs = _sub(_SCRIPT, lambda m: "", text, offs)
    for _ in range(3):                       # double- and triple-escaped entities
        new, offs2 = _sub(_ENTITY, lambda m: html.unescape(m.group()), text, offs)
        if new == text:
            break
        text, offs = new, offs2
    text, offs = _sub(_TAG, lambda m: "\n" if m.group().lower().startswith(("<br", "<p", "</p", "<div")) else "",
                      text, offs)
    text, offs = _sub(_GLOSS, lambda m: "", text, offs)
    if _BROKEN_GLOSS.search(text):
        text, offs = _repair_gbk(text, offs)
    text = _SPACES.sub(" ", text)            # same length: offsets unchanged
    text, offs, author = _drop_boilerplate(text, offs)
    text, offs = _strip(text, offs)
    return CleanText(text=text, offsets=tuple(offs), simplified=to_simplified(text), raw_length=len(raw),
                     author=author)


def _sub(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], text: str,
         offs: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub`` that carries offsets: replacement characters map to the raw offset of the match start."""
    parts: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        parts.append(text[pos:m.start()])
        new_offs.extend(offs[pos:m.start()])
        r = repl(m)
        parts.append(r)
        new_offs.extend([offs[m.start()]] * len(r))
        pos = m.end()
    if not parts:
        return text, offs
    parts.append(text[pos:])
    new_offs.extend(offs[pos:])
    return "".join(parts), new_offs


def _repair_gbk(text: str, offs: list[int]) -> tuple[str, list[int]]:
    """Undo the GBK damage a pinyin annotator leaves: ``當(dāng)?shù)貢r間`` → ``當(dāng)地時間``.

    The gloss ate the lead byte of a character (now ``?``) and the rest is shifted by one byte; try every lead
    byte, keep decodings that are all CJK, and pick the one that makes the likeliest word with its neighbour.
    """
    def repl(m: re.Match[str]) -> str:
        best, best_score = None, 0
        for k in (2, 3, 1):
            tail = text[m.end():m.end() + k]
            try:
                body = tail.encode("gb18030")
            except UnicodeEncodeError:
                continue
            for lead in range(0x81, 0xFF):
                try:
                    cand = bytes([lead, *body]).decode("gbk")
                except UnicodeDecodeError:
                    continue
                if not re.fullmatch(rf"[{_CJK}]+", cand):
                    continue
                score = word_freq(to_simplified(text[m.start() - 1:m.start()] + cand[0]))
                if score > best_score or (score == best_score and best and k < best[1]):
                    best, best_score = (cand, k), score
        if best is None:
            return ""
        return "\x00" + best[0] + "\x01" * best[1]

    new, new_offs = _sub(_BROKEN_GLOSS, repl, text, offs)
    # a repaired run replaces the damaged characters that follow it (marked \x01): drop them with their offsets
    out, out_offs, skip = [], [], 0
    for ch, off in zip(new, new_offs, strict=True):
        if ch == "\x00":
            continue
        if ch == "\x01":
            skip += 1
            continue
        if skip:
            skip -= 1
            continue
        out.append(ch)
        out_offs.append(off)
    return "".join(out), out_offs


def _drop_boilerplate(text: str, offs: list[int]) -> tuple[str, list[int], str | None]:
    keep_text: list[str] = []
    keep_offs: list[int] = []
    authors: list[str] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        drop = any(p.search(body) for p in _BOILERPLATE)
        for p in _BYLINE:
            m = p.search(body)
            if m:
                authors.append(m.group("a").strip())
                if p.pattern.startswith("^"):
                    drop = True
                else:                        # byline at the end of a paragraph: cut it off, keep the paragraph
                    cut = m.start()
                    keep_text.append(body[:cut] + line[len(body):])
                    keep_offs.extend(offs[pos:pos + cut] + offs[pos + len(body):pos + len(line)])
                    drop = None
                break
        if drop is False:
            keep_text.append(line)
            keep_offs.extend(offs[pos:pos + len(line)])
        elif drop:
            log.debug("boilerplate dropped: %r", body[:60])
        pos += len(line)
    return "".join(keep_text), keep_offs, (", ".join(authors) or None)


def _strip(text: str, offs: list[int]) -> tuple[str, list[int]]:
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    return text[lead:trail], offs[lead:trail]


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Traditional to simplified, character for character, so that offsets carry over.

    >>> to_simplified("英偉達與軟銀")
    '英伟达与软银'
    """
    out = _t2s()(text)
    if len(out) == len(text):
        return out
    return "".join(c2 if len(c2 := _t2s()(c)) == 1 else c for c in text)   # pragma: no cover (rare)


def fold(name: str) -> str:
    """Normal form for name lookup: NFKC, case-folded, simplified, without spaces and punctuation."""
    s = to_simplified(unicodedata.normalize("NFKC", name)).casefold()
    return re.sub(r"[\s.,&'’\-·・()（）\"“”《》「」]+", "", s)
