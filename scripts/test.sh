#!/usr/bin/env bash
# Set up, lint, type-check, then run every test, browser tests included (headless Debian chromium).
# Arguments go to pytest: scripts/test.sh -m "not browser" is the fast subset (no browser, no benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy dashboard
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache  # the layers contract (pyproject.toml)
exec .venv/bin/python -m pytest "$@"
