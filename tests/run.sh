#!/usr/bin/env bash
# The test command: a virtual environment with the test extra, Chromium for the browser tests, ruff, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/pip install -q -e '.[test]'
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "chromium could not be installed: browser tests will be skipped"
fi
# Optional: DEALGRAPH_TEST_VIRTUOSO=1 also installs Debian's virtuoso-opensource for tests/graph/test_virtuoso.py
# (those tests start their own throwaway virtuoso-t and are skipped when it is missing).
if [ "${DEALGRAPH_TEST_VIRTUOSO:-0}" = 1 ] && ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null) \
      || echo "virtuoso-opensource could not be installed: the Virtuoso tests will be skipped"
  else
    echo "DEALGRAPH_TEST_VIRTUOSO=1: install virtuoso-opensource as root (apt-get); the Virtuoso tests will be skipped"
  fi
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
