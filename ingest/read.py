"""Stage 1, read: bytes from a file, folder or stdin to a ``RawDocument`` (decoded text plus metadata).

Plain text and Markdown keep their text as is (YAML front matter becomes metadata); HTML goes through
trafilatura for the main text and its metadata. Encodings: UTF-8 first, then detection (GBK, Big5, ...).
"""

from __future__ import annotations

import codecs
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from dealgraph.errors import InputError
from dealgraph.ingest.model import RawDocument

__all__ = ["MAX_BYTES", "ARTICLE_SUFFIXES", "read_path", "read_bytes", "iter_article_paths", "decode", "parse_date"]

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
#: Longer YAML front matter is ignored (with a warning): PyYAML needs seconds per megabyte, and no article's
#: metadata is this long.
MAX_FRONT_MATTER_CHARS = 64 * 1024
#: HTML nested deeper than this is flattened before parsing: lxml (libxml2) stops building the tree about 250
#: levels down and silently drops everything below, so a page wrapped in 100,000 ``<div>`` would read as empty.
MAX_HTML_DEPTH = 160
ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".text", ""}
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|article|div|p)\b", re.I)


def iter_article_paths(path: Path) -> Iterator[Path]:
    """Yield ``path`` itself, or every article file under a folder (sorted, hidden files skipped)."""
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts) \
                    and p.suffix.lower() in ARTICLE_SUFFIXES:
                yield p
    else:
        yield path


def read_path(path: str | Path, *, max_bytes: int = MAX_BYTES) -> RawDocument:
    """Read one article file (``-`` reads stdin)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return read_bytes(data, name="<stdin>", max_bytes=max_bytes)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"{p}: {size / 1e6:.1f} MB is larger than the {max_bytes / 1e6:.0f} MB an article "
                             "may have; split it or raise the limit")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a folder; give the folder itself to read it recursively") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    doc = read_bytes(data, name=str(p), max_bytes=max_bytes, suffix=p.suffix.lower())
    return replace(doc, path=str(p), source=doc.source or p.resolve().as_uri())


def read_bytes(data: bytes, *, name: str = "<bytes>", max_bytes: int = MAX_BYTES, suffix: str = "") -> RawDocument:
    """Decode and parse one article's bytes. Raises ``InputError`` with ``name`` in the message."""
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than the {max_bytes / 1e6:.0f} MB an article may have")
    if not data.strip():
        raise InputError(f"{name}: empty file, nothing to read")
    text = decode(data, name=name)
    if suffix in (".html", ".htm") or (suffix not in (".md", ".markdown", ".txt") and _HTML_HINT.search(data[:2048])):
        return _from_html(text, name)
    return _from_markdown(text, name)


def decode(data: bytes, *, name: str = "<bytes>") -> str:
    """Bytes to text: UTF-8 (BOM allowed), UTF-16 or UTF-32 with a BOM, else the detected encoding; binary data is
    refused."""
    for bom, enc in _BOMS:           # before the NUL test: UTF-16 text ("Unicode" in Windows Notepad) is full of NULs
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError:
                raise InputError(f"{name}: starts with a {enc.upper()} byte-order mark but is not {enc.upper()} text; "
                                 "convert it to UTF-8") from None
            if "\x00" in text[:8192] or _mostly_control(text):
                raise InputError(f"{name}: binary file ({enc.upper()} byte-order mark, then control characters), "
                                 "not an article")
            return text
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = _nearly_utf8(data)
    if text is not None:
        log.warning("%s: not valid UTF-8 in %d place(s) (a damaged or cut-off character); read as UTF-8 with "
                    "those bytes replaced by \ufffd", name, _bad_utf8(data, text))
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["gb18030", "big5", "big5hkscs", "utf_16", "cp1252", "latin_1",
                                                    "shift_jis", "euc_kr"]).best()
    if best is None:
        raise InputError(f"{name}: not valid UTF-8 and no known encoding fits; convert it to UTF-8")
    enc = best.encoding
    if enc in ("gb2312", "gbk"):
        enc = "gb18030"
    text = data.decode(enc, errors="replace")
    bad = text.count("\ufffd")
    if bad > max(10, len(text) // 100) or _mostly_control(text):
        raise InputError(f"{name}: undecodable bytes (tried {enc}); not a text article")
    log.info("%s: decoded as %s", name, enc)
    return text


def _bad_utf8(data: bytes, text: str) -> int:
    return text.count("\ufffd") - data.count("\ufffd".encode())


def _nearly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few damaged bytes (a stray byte, a character cut off at the end), else None.

    Only when the text holds well-formed multi-byte UTF-8 characters, several times as many as damaged places:
    GBK or Big5 text read as UTF-8 is damaged nearly everywhere, and Latin-1 or cp1252 text (accents, no
    multi-byte characters) is left to the detector below, which reads it right."""
    text = data.decode("utf-8-sig", errors="replace")
    bad = _bad_utf8(data, text)
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    if 0 < bad <= max(8, len(text) // 1000) and good >= max(8, 4 * bad):
        return text
    return None


def _mostly_control(text: str) -> bool:
    sample = text[:5000]
    ctrl = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t\f")
    return ctrl > len(sample) // 20


def parse_date(value: object) -> date | None:
    """A front-matter or metadata date (``2026-01-07``, ``2026-01-07T08:00:00Z``, a ``date``) or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value or not isinstance(value, str | int | float):   # a list or mapping is no date (and may be huge)
        return None
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", str(value))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _from_markdown(text: str, name: str) -> RawDocument:
    m = _FRONT.match(text)
    if not m:
        return RawDocument(text=text, body_start=0)
    meta = _front_matter(m.group(1), name)
    return RawDocument(
        text=text, body_start=m.end(),
        source=_str(meta.get("url") or meta.get("source")), published=parse_date(meta.get("date")),
        lang=_str(meta.get("lang") or meta.get("language")), title=_str(meta.get("title")),
        author=_str(meta.get("author")),
    )


def _front_matter(block: str, name: str) -> dict:
    """The YAML front matter as a mapping; anything else (broken, too long, not a mapping) is ``{}`` and a warning,
    and the article is read without it."""
    if len(block) > MAX_FRONT_MATTER_CHARS:
        log.warning("%s: front matter is %d characters long, over the %d read; reading the body without it",
                    name, len(block), MAX_FRONT_MATTER_CHARS)
        return {}
    import yaml

    try:
        meta = yaml.load(block, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))   # safe: plain data only
    except yaml.YAMLError as e:
        log.warning("%s: front matter is not valid YAML (%s); reading the body without it", name,
                    str(e).splitlines()[0])
        return {}
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as e:
        # PyYAML's constructors raise these on values such as "date: 2026-13-45" or a thousand nested "["
        log.warning("%s: front matter cannot be read (%s: %s); reading the body without it", name,
                    type(e).__name__, str(e)[:80])
        return {}
    if not isinstance(meta, dict):
        if meta is not None:
            log.warning("%s: front matter is not a mapping of keys to values; reading the body without it", name)
        return {}
    return meta


def _from_html(text: str, name: str) -> RawDocument:
    import trafilatura

    text, deepest = _flatten_deep_html(text)
    if deepest > MAX_HTML_DEPTH:
        log.warning("%s: HTML nests tags %d levels deep; tags below level %d were dropped (their text kept) to "
                    "read it", name, deepest, MAX_HTML_DEPTH)
    try:
        body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True,
                                   deduplicate=True)
        meta = trafilatura.extract_metadata(text)
    except Exception as e:  # noqa: BLE001  (trafilatura raises many kinds on hostile markup)
        raise InputError(f"{name}: HTML could not be parsed ({type(e).__name__})") from None
    if not body or not body.strip() or (len(body.strip()) < 40 and not _SENTENCE_END.search(body)):
        # trafilatura falls back to a small page's menu ("Home About us"): no sentence, no article
        raise InputError(f"{name}: no article text found in the HTML (only navigation or boilerplate)")
    return RawDocument(
        text=body, body_start=0,
        source=getattr(meta, "url", None), published=parse_date(getattr(meta, "date", None)),
        lang=getattr(meta, "language", None), title=getattr(meta, "title", None),
        author=getattr(meta, "author", None),
    )


_SENTENCE_END = re.compile(r"[.!?。！？]")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,40})(?:\s[^<>]*?)?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# closed by the next sibling of the same name (``<p>a<p>b``), as HTML parsers do
_SELF_ENDING = frozenset("p li dt dd tr td th option".split())


def _flatten_deep_html(text: str, limit: int = MAX_HTML_DEPTH) -> tuple[str, int]:
    """``text`` with the tags nested deeper than ``limit`` removed (their text stays), and the deepest level.

    Follows open and close tags on a stack the way an HTML parser does (void elements, ``<p>`` closed by the
    next ``<p>``, stray close tags ignored); unchanged text when nothing is deeper than ``limit``."""
    if text.count("<") <= limit:
        return text, 0
    stack: list[str] = []
    deepest = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal deepest
        close, tag, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if tag in _VOID or self_closing:
            return m.group() if len(stack) < limit else ""
        if not close:
            if tag in _SELF_ENDING and stack and stack[-1] == tag:
                stack.pop()
            stack.append(tag)
            deepest = max(deepest, len(stack))
            return m.group() if len(stack) <= limit else ""
        for i in range(len(stack) - 1, max(-1, len(stack) - 64), -1):   # its open tag, near the top
            if stack[i] == tag:
                kept = i < limit
                del stack[i:]
                return m.group() if kept else ""
        return m.group() if len(stack) < limit else ""                   # a stray close tag

    flat = _HTML_TAG.sub(repl, text)
    return (flat if deepest > limit else text), deepest


def _str(v: object) -> str | None:
    if v is None or not isinstance(v, str | int | float | date):   # a list or mapping is no title (and may be huge)
        return None
    return str(v).strip() or None
