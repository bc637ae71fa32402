#!/usr/bin/env bash
# Create .venv and install the Python packages; with --test, also what the tests need
# (test packages, Debian's chromium + chromium-driver for the browser tests, and LibreOffice Calc, headless,
# to open the spreadsheet exports as a French user would).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
say() { echo "setup.sh: $*" >&2; }
if [ ! -x .venv/bin/python ]; then
  say "creating .venv ($PYTHON -m venv)"
  "$PYTHON" -m venv .venv
fi
if [ "${1:-}" = "--test" ]; then
  say "pip: the app's and the tests' Python packages (requirements-dev.txt; already there: a few seconds)"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  # axe-core for the accessibility audit, from the npm registry at the locked version.
  say "npm: axe-core for the accessibility audit (tests/a11y)"
  npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error >/dev/null
  # puppeteer-core for the Firefox smoke suite (it drives Debian's firefox-esr; it downloads no browser).
  say "npm: puppeteer-core for the Firefox smoke suite (tests/firefox)"
  npm ci --prefix tests/firefox --no-audit --no-fund --loglevel=error >/dev/null
  # An OpenID Connect provider for the staff area's browser test (npm oidc-provider, locked).
  say "npm: oidc-provider for the staff area's browser test (tests/oidc)"
  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error >/dev/null
  # chromium for the browser tests, firefox-esr for the Firefox smoke suite, poppler-utils (pdftotext) to read the printed sheets back,
  # nginx for the production setup's tests, LibreOffice Calc to open the exports as a spreadsheet user would.
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
     || ! command -v firefox-esr >/dev/null 2>&1 \
     || ! command -v pdftotext >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 \
     || ! [ -x /usr/sbin/nginx ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "apt: chromium, chromium-driver, firefox-esr, poppler-utils, nginx, PostgreSQL, LibreOffice Calc (minutes, once)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver firefox-esr poppler-utils nginx >/dev/null
    # PostgreSQL: the staff area's store is tested on it as on SQLite (tests/staff/postgres.py starts a server).
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      libreoffice-calc-nogui >/dev/null
  fi
else
  say "pip: the app's Python packages (requirements.txt; already there: a few seconds)"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
fi
