"""Money and capacity normalisers: a table of notations, and properties that hold for any input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealgraph.ingest.amounts import find_amounts, find_capacities, zh_numeral

AMOUNTS = [
    ("共筹集200億美元", "20000000000", "USD", "exact"),
    ("高达1.5萬億美元", "1500000000000", "USD", "exact"),
    ("1,000億美元", "100000000000", "USD", "exact"),
    ("總額約1兆美元", "1000000000000", "USD", "approx"),
    ("5億元人民幣", "500000000", "CNY", "exact"),
    ("$40 billion", "40000000000", "USD", "exact"),
    ("€1.7bn", "1700000000", "EUR", "exact"),
    ("1.3 billion euros", "1300000000", "EUR", "exact"),
    ("more than $13 billion", "13000000000", "USD", "atLeast"),
    ("up to $30 billion", "30000000000", "USD", "atMost"),
    ("超过420亿美元", "42000000000", "USD", "atLeast"),
    ("最多50亿美元", "5000000000", "USD", "atMost"),
    ("估值约3500亿美元", "350000000000", "USD", "approx"),
    ("市值达到 898 亿港元", "89800000000", "HKD", "exact"),
    ("两千三百亿美元", "230000000000", "USD", "exact"),
]


@pytest.mark.parametrize("text, value, currency, bound", AMOUNTS)
def test_amounts(text, value, currency, bound):
    m = find_amounts(text)[0]
    assert (m.amount.value, m.amount.currency, m.amount.bound) == (Decimal(value), currency, bound)


def test_currency_carries_into_parentheses():
    ms = find_amounts("已规划了5000亿美元投资(首期1000亿)")
    assert [(str(m.amount.value), m.amount.currency) for m in ms] == [("500000000000", "USD"),
                                                                     ("100000000000", "USD")]


def test_conversion_is_marked():
    ms = find_amounts("投资1000亿美元（约7800亿港元）")
    assert [m.conversion for m in ms] == [False, True]


def test_range_of_hundreds():
    m = find_amounts("预计资本支出达数百亿美元")[0]
    assert m.amount.bound == "approx" and m.amount.high is not None and m.amount.high > m.amount.value


@pytest.mark.parametrize("text", ["400万到500万个GPU", "股价上涨4.4%", "10%的概率", "1-2年内"])
def test_not_money(text):
    assert find_amounts(text) == []


@pytest.mark.parametrize("text, label", [("至少100億瓦算力", "10 GW"), ("4.5吉瓦(GW)", "4.5 GW"),
                                         ("10 gigawatts of power", "10 GW"), ("2GW供电", "2 GW"),
                                         ("300百萬瓩", "300 GW"), ("500 MW", "500 MW")])
def test_capacities(text, label):
    assert find_capacities(text)[0].text == label


@pytest.mark.parametrize("s, v", [("一百万", 1_000_000), ("两千三百亿", 230_000_000_000), ("十", 10), ("三千", 3000)])
def test_zh_numerals(s, v):
    assert zh_numeral(s) == v


@given(st.text(alphabet=st.sampled_from(list("0123456789.,亿億万萬兆美元港$€ billionmtr约超过最多数-") + [" "]),
               max_size=40))
def test_amounts_never_crash_or_go_negative(text):
    for m in find_amounts(text):
        assert m.amount.value >= 0
        assert m.amount.value.is_finite()
        assert m.amount.currency
