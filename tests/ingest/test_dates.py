"""Dates resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealgraph.ingest.dates import find_dates

CASES = [
    ("当地时间1月6日", date(2026, 1, 7), "2026-01-06"),
    ("去年12月", date(2026, 1, 7), "2025-12"),
    ("12月3日", date(2026, 1, 7), "2025-12-03"),
    ("今年6月", date(2025, 9, 11), "2025-06"),
    ("黃仁勳22日表示", date(2025, 9, 24), "2025-09-22"),
    ("今年年初", date(2026, 1, 7), "2026"),
    ("到8月已超过", date(2025, 9, 3), "2025-08"),
    ("11月推出", date(2026, 1, 7), "2025-11"),
    ("2023年創立", date(2026, 1, 7), "2023"),
    ("2026年1月9日", None, "2026-01-09"),
    ("the companies said Monday", date(2025, 9, 23), "2025-09-22"),
    ("on Tuesday", date(2025, 9, 9), "2025-09-09"),
    ("told Reuters in August", date(2025, 9, 9), "2025-08"),
    ("last year", date(2025, 4, 1), "2024"),
    ("January 6, 2026", None, "2026-01-06"),
    ("last month", date(2026, 1, 7), "2025-12"),
    ("Last month Nscale closed", date(2025, 10, 2), "2025-09"),
    ("earlier this month", date(2025, 10, 2), "2025-10"),
    ("next month", date(2025, 12, 2), "2026-01"),
    ("上个月完成融资", date(2026, 3, 7), "2026-02"),
    ("上個月底", date(2026, 1, 7), "2025-12"),
    ("本月初", date(2026, 3, 7), "2026-03"),
    ("下月交付", date(2026, 3, 7), "2026-04"),
]


@pytest.mark.parametrize("text, pub, iso", CASES)
def test_dates(text, pub, iso):
    assert find_dates(text, pub)[0].date.iso() == iso


@pytest.mark.parametrize("text", ["去年12月", "上个月", "last month"])
def test_relative_dates_need_a_publication_date(text):
    assert find_dates(text, None) == []


@given(st.lists(st.sampled_from(list("0123456789年月日号去今明上周一二三四五六") + [" ", "last year", "Monday"]),
                max_size=30).map("".join), st.dates())
def test_dates_never_crash_and_are_valid(text, pub):
    for m in find_dates(text, pub):
        d = m.date
        date(d.year, d.month or 1, d.day or 1)
