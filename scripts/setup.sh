#!/usr/bin/env bash
# Create .venv and install the Python packages; with --test, also what the tests need
# (test packages and Debian's chromium + chromium-driver for the browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
if [ "${1:-}" = "--test" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  # axe-core for the accessibility audit, from the npm registry at the locked version.
  npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error >/dev/null
  # pdftotext / pdftoppm (poppler-utils) read the printed sheets back in the print tests.
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
     || ! command -v pdftotext >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null
  fi
else
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
fi
