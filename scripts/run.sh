#!/usr/bin/env bash
# Set up and start the dashboard on the bundled data: http://127.0.0.1:8050/
# Extra arguments go to `python -m dashboard` (e.g. --port 8060 --data-dir other/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m dashboard "$@"
