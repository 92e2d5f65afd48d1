"""Shared fixtures: paths to ../shared, a fresh store, and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "seed" / "000_97219df9cbb1e096.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "articles"


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``dealgraph`` in a subprocess, as a user would."""
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "dealgraph.cli", *args], capture_output=True, input=input, env=e,
                          timeout=300)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


needs_shared = pytest.mark.skipif(not SEED.exists(), reason="../shared is not beside the checkout")
