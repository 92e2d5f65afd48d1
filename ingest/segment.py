"""The one jieba segmenter the pipeline owns: dictionary loaded once per process, cache in the user cache folder.

No global ``jieba.cut`` state: every caller goes through ``segmenter()``.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["segmenter", "word_freq", "word_tags", "cache_dir"]


def cache_dir() -> Path:
    """Where dealgraph caches derived data (jieba's dictionary cache, the compiled entity table)."""
    base = os.environ.get("DEALGRAPH_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "dealgraph"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile

        path = Path(tempfile.gettempdir()) / "dealgraph-cache"
        path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def segmenter():
    """A loaded ``jieba.Tokenizer``, quiet, caching its dictionary under ``cache_dir()``."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(cache_dir())
    tok.initialize()
    return tok


def word_freq(word: str) -> int:
    """jieba's frequency for ``word`` (simplified), 0 if unknown."""
    return segmenter().FREQ.get(word, 0)


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (word → ``n``, ``v``, ``nr``...), read once from its package data."""
    import marshal

    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    st = path.stat()
    cached = cache_dir() / f"jieba-tags-{st.st_size}-{st.st_mtime_ns}.marshal"
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tags: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    try:
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(tags))
        os.replace(tmp, cached)
    except OSError:
        pass
    return tags
