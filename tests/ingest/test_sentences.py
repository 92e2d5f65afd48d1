"""Stage 3, sentences: ends of sentences in three scripts, and the bound on a sentence's length."""

from __future__ import annotations

import pytest

from dealgraph.ingest.sentences import MAX_SENTENCE, clean_text, split_sentences


@pytest.mark.parametrize("text, expected", [
    ("英伟达投资OpenAI。微软跟投！", ["英伟达投资OpenAI。", "微软跟投！"]),
    ("輝達宣布投資。」甲骨文回應", ["輝達宣布投資。」", "甲骨文回應"]),
    ("Nvidia Corp. will invest $1.5 billion. U.S. firms too!", ["Nvidia Corp. will invest $1.5 billion.",
                                                               "U.S. firms too!"]),
    ("Dr. Su spoke. Mr. Huang listened.", ["Dr. Su spoke.", "Mr. Huang listened."]),
    ("a line\n\nanother line", ["a line", "another line"]),
    ("   ", []),
])
def test_sentence_ends(text, expected):
    assert [s.text for s in split_sentences(clean_text(text))] == expected


@pytest.mark.parametrize("unit, soft", [
    ("Acme invests in Beta and ", True),        # English clause boundaries
    ("Acme, Beta, Gamma ", True),               # a flattened list
    ("甲公司投资乙公司，", True),                 # Chinese commas
    ("甲公司投资乙公司以及丙公司", False),         # no boundary at all: hard cuts
])
def test_a_page_without_full_stops_is_cut_into_bounded_sentences(unit, soft):
    text = unit * (5 * MAX_SENTENCE // len(unit))
    sents = split_sentences(clean_text(text))
    assert len(sents) >= 5
    assert all(0 < len(s.text) <= MAX_SENTENCE for s in sents)
    assert all(text[s.start:s.end] == s.text for s in sents)                     # offsets still point at the text
    assert "".join(s.text for s in sents).replace(" ", "") == text.replace(" ", "")  # nothing dropped
    if soft:                                  # cut where a clause ends, not inside a word
        assert all(len(s.text) >= MAX_SENTENCE // 2 - len(unit) for s in sents[:-1])
        assert all(text[s.end:s.end + 1] in (" ", "") or text[s.end - 1] in ",，" for s in sents)


def test_ordinary_sentences_are_not_cut():
    long_but_real = "Nvidia, which " + "plans to buy, build and sell chips, " * 20 + "said so."
    assert len(long_but_real) < MAX_SENTENCE
    assert [s.text for s in split_sentences(clean_text(long_but_real))] == [long_but_real]
