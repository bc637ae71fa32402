#!/usr/bin/env bash
# Set up, lint, type-check, then run every test, browser tests included (headless Debian chromium).
#   scripts/test.sh --fast   the fast loop: no browser, no slow test (pytest -m "not slow and not browser")
#   scripts/test.sh ARGS     other arguments go to pytest (scripts/test.sh tests/test_pages.py -x)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "test.sh: $*" >&2; }
FAST=""
if [ "${1:-}" = "--fast" ]; then FAST=1; shift; fi
say "setting up: scripts/setup.sh --test (Python packages, npm test tools, Debian packages; it says each)"
scripts/setup.sh --test
say "ruff check and ruff format --check (lint, imports, formatting)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
say "mypy dashboard (types)"
.venv/bin/mypy dashboard
say "lint-imports (the layers contract of pyproject.toml)"
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
if [ -n "$FAST" ]; then
  say "pytest, fast loop: every test but the browser's and the slow ones"
  exec .venv/bin/python -m pytest -m "not slow and not browser and not proxy" "$@"
fi
say "pytest: every test (browser and slow ones included)"
exec .venv/bin/python -m pytest "$@"
