"""The cleaner: a table of noisy inputs, the clean text expected, and offsets that point back into the raw text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealgraph.ingest.clean import clean, to_simplified

CASES = [
    ("擴(kuò)張", "擴張"),
    ("當(dāng)?shù)貢r間1月6日", "當地時間1月6日"),
    ("星際之門(Stargate)項目", "星際之門(Stargate)項目"),
    ("通用人工智能(AGI)的標準", "通用人工智能(AGI)的標準"),
    ("社交平臺X(原Twitter)", "社交平臺X(原Twitter)"),
    ("Fidelity Management&amp;Research", "Fidelity Management&Research"),
    ("AT&amp;amp;T", "AT&T"),
    ("a&nbsp;b", "a b"),
    ("![](pic.jpg)\n正文第一句。", "正文第一句。"),
    ("正文。\n截圖來自社交平臺X\n下一句。", "正文。\n下一句。"),
    ("正文。\n根據《網絡安全法》實名制要求,請綁定手機號後發表評論", "正文。"),
    ("风险。(作者|胡珈萌,编辑|李程程)", "风险。"),
    ("<p>OpenAI</p><script>alert(1)</script>", "OpenAI"),
]


@pytest.mark.parametrize("raw, expected", CASES)
def test_clean_text(raw, expected):
    c = clean(raw)
    assert c.text == expected
    assert len(c.offsets) == len(c.text)


@pytest.mark.parametrize("raw, expected", CASES)
def test_offsets_point_at_same_characters(raw, expected):
    c = clean(raw)
    for i, ch in enumerate(c.text):
        if ch in "地時&T b" or not ch.strip():
            continue              # repaired or decoded characters map to where their source starts
        assert raw[c.offsets[i]] == ch


def test_byline_becomes_author():
    assert clean("风险。(作者|胡珈萌,编辑|李程程)").author == "胡珈萌"
    assert clean("文丨程曼祺\n正文。").author == "程曼祺"


def test_front_matter_offset():
    raw = "---\ndate: 2026-01-01\n---\n英偉達"
    c = clean(raw, raw.index("英"))
    assert raw[c.offsets[0]] == "英"


def test_simplified_keeps_length():
    s = "英偉達與軟銀在臺灣擴張"
    assert len(to_simplified(s)) == len(s)
    assert to_simplified(s) == "英伟达与软银在台湾扩张"


@given(st.lists(st.sampled_from(list("ab擴(kuò)&amp;;<p>\n!?[]。 臺") + ["&amp;", "(dāng)", "?shù)貢r"]), max_size=30).map("".join))
def test_offsets_always_inside_raw(raw):
    c = clean(raw)
    assert len(c.offsets) == len(c.text)
    assert all(0 <= o < len(raw) for o in c.offsets)
    assert list(c.offsets) == sorted(c.offsets)
