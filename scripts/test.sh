#!/usr/bin/env bash
# Set up and run every test, browser tests included (headless Debian chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
