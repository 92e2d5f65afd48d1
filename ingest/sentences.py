"""Stage 3, sentences: clean text to ``Sentence`` spans (Chinese and English punctuation, line breaks).

>>> [s.text for s in split_sentences(clean_text("英伟达投资OpenAI。Nvidia Corp. will invest $1.5 billion. U.S. firms too!"))]
['英伟达投资OpenAI。', 'Nvidia Corp. will invest $1.5 billion.', 'U.S. firms too!']
"""

from __future__ import annotations

import re

from dealgraph.ingest.model import CleanText, Sentence

__all__ = ["split_sentences", "clean_text", "MAX_SENTENCE"]

#: Longest sentence handed to the rules, in characters. Real sentences stay far below (the longest in the shared
#: corpus and the fixtures: ~310); a page without punctuation (a flattened table, a scraped list) would otherwise
#: be one sentence, and rules compare the mentions of a sentence pairwise.
MAX_SENTENCE = 1000

# a sentence ends at Chinese end punctuation (with closing quotes), at a line break, or at ". " / "! " / "? "
# in English unless the word before the dot is an abbreviation or an initial.
_END_ZH = re.compile(r"[。！？!?；;]+[”’」』\"')）]*|\n+")
_END_EN = re.compile(r"(?<=[.!?])[\"”’')]*\s+(?=[\"“‘(]?[A-Z0-9$€£¥])")
_SOFT = re.compile(r"[，,、：:]\s*|\s+(?:and|or|but|while|with)\s+|\s+")
_ABBREV = re.compile(r"(?:\b(?:Corp|Inc|Co|Ltd|Mr|Mrs|Ms|Dr|St|Jr|Sr|No|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
                     r"Sep|Sept|Oct|Nov|Dec|Gov|Sen|Rep|Prof|Gen|U\.S|U\.K|E\.U)|\b[A-Z])\.[\"”’')]*\s*$")


def clean_text(text: str) -> CleanText:
    """A ``CleanText`` for text that needs no cleaning (tests, doctests)."""
    from dealgraph.ingest.clean import to_simplified

    return CleanText(text=text, offsets=tuple(range(len(text))), simplified=to_simplified(text),
                     raw_length=len(text))


def split_sentences(clean: CleanText) -> list[Sentence]:
    """Split ``clean`` into sentences; whitespace around each is trimmed, empty ones dropped."""
    text = clean.text
    cuts = {m.end() for m in _END_ZH.finditer(text)}
    for m in _END_EN.finditer(text):
        if not _ABBREV.search(text[max(0, m.start() - 12):m.start()]):
            cuts.add(m.start())
    out: list[Sentence] = []
    start = 0
    for cut in _bounded(text, sorted(cuts | {len(text)})):
        s, e = start, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Sentence(index=len(out), start=s, end=e, text=text[s:e], norm=clean.simplified[s:e]))
        start = cut
    return out


def _bounded(text: str, cuts: list[int], limit: int = MAX_SENTENCE) -> list[int]:
    """``cuts`` with extra cuts so that no span is longer than ``limit``: at the last clause boundary (comma,
    conjunction), else the last space, in the second half of the window; a hard cut where there is none (CJK)."""
    out: list[int] = []
    start = 0
    for cut in cuts:
        while cut - start > limit:
            lo = start + limit // 2
            soft = list(_SOFT.finditer(text, lo, start + limit))
            clause = [m.end() for m in soft if not m.group().isspace()]
            start = (clause or [m.end() for m in soft] or [start + limit])[-1]
            out.append(start)
        out.append(cut)
        start = cut
    return out
