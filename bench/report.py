"""Figures the benchmarks report: collected as rows, printed as a table, saved as JSON for ``bench/run``'s summary.

``python -m bench.report a.json b.json`` prints one table of every row in the given files.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Row", "Report", "fmt_seconds", "print_table", "main"]


@dataclass(frozen=True)
class Row:
    """One figure: section (``ingest``, ``cycles 10k``...), what was measured, the value and its baseline ratio."""

    section: str
    metric: str
    value: str
    ratio: str = ""
    note: str = ""


class Report:
    """Rows of one benchmark script, printed as they come and written as JSON at the end."""

    def __init__(self, section: str) -> None:
        self.section = section
        self.rows: list[Row] = []

    def add(self, metric: str, value: str, ratio: str = "", note: str = "") -> None:
        """Record one figure and echo it on stdout."""
        row = Row(self.section, metric, value, ratio, note)
        self.rows.append(row)
        extra = "  ".join(x for x in (ratio, note) if x)
        print(f"  {metric:<48} {value:>18}  {extra}", flush=True)

    def save(self, path: str | Path | None) -> None:
        """Append the rows to the JSON list at ``path`` (created when missing)."""
        if not path:
            return
        p = Path(path)
        rows = json.loads(p.read_text(encoding="utf-8")) if p.exists() else []
        rows += [asdict(r) for r in self.rows]
        p.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def fmt_seconds(s: float) -> str:
    """``0.84 ms``, ``12.3 ms``, ``1.25 s``, ``73 s``."""
    if s < 0.01:
        return f"{s * 1000:.2f} ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def print_table(rows: list[Row]) -> None:
    """A plain-text table, one line per row, grouped by section."""
    widths = [max([len(h)] + [len(getattr(r, f)) for r in rows]) for h, f in
              (("section", "section"), ("metric", "metric"), ("value", "value"), ("ratio", "ratio"))]
    head = ("section", "metric", "value", "ratio / baseline")
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False))
    print(line)
    print("-" * len(line))
    last = None
    for r in rows:
        sec = r.section if r.section != last else ""
        last = r.section
        cells = (sec.ljust(widths[0]), r.metric.ljust(widths[1]), r.value.rjust(widths[2]), r.ratio.ljust(widths[3]))
        print("  ".join(cells) + (f"  {r.note}" if r.note else ""))


def main(argv: list[str] | None = None) -> int:
    """Print the summary table of the JSON files given."""
    rows: list[Row] = []
    for name in argv if argv is not None else sys.argv[1:]:
        p = Path(name)
        if p.exists():
            rows += [Row(**d) for d in json.loads(p.read_text(encoding="utf-8"))]
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
