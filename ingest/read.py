"""Stage 1, read: bytes from a file, folder or stdin to a ``RawDocument`` (decoded text plus metadata).

Plain text and Markdown keep their text as is (YAML front matter becomes metadata); HTML goes through
trafilatura for the main text and its metadata. Encodings: UTF-8 first, then detection (GBK, Big5, ...).
"""

from __future__ import annotations

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
ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".text", ""}
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
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
    """Bytes to text: UTF-8 (BOM allowed), else the detected encoding; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
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
    if not value:
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
    import yaml

    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError as e:
        log.warning("%s: front matter is not valid YAML (%s); reading the body without it", name,
                    str(e).splitlines()[0])
        meta = None
    if not isinstance(meta, dict):
        meta = {}
    return RawDocument(
        text=text, body_start=m.end(),
        source=_str(meta.get("url") or meta.get("source")), published=parse_date(meta.get("date")),
        lang=_str(meta.get("lang") or meta.get("language")), title=_str(meta.get("title")),
        author=_str(meta.get("author")),
    )


def _from_html(text: str, name: str) -> RawDocument:
    import trafilatura

    try:
        body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_precision=True,
                                   deduplicate=True)
        meta = trafilatura.extract_metadata(text)
    except Exception as e:  # noqa: BLE001  (trafilatura raises many kinds on hostile markup)
        raise InputError(f"{name}: HTML could not be parsed ({type(e).__name__})") from None
    if not body or not body.strip():
        raise InputError(f"{name}: no article text found in the HTML (only navigation or boilerplate)")
    return RawDocument(
        text=body, body_start=0,
        source=getattr(meta, "url", None), published=parse_date(getattr(meta, "date", None)),
        lang=getattr(meta, "language", None), title=getattr(meta, "title", None),
        author=getattr(meta, "author", None),
    )


def _str(v: object) -> str | None:
    return None if v is None else str(v).strip() or None
