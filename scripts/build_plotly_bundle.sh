#!/usr/bin/env bash
# Rebuild assets/vendor/plotly-custom.min.js: plotly.js core (which holds scatter) + bar +
# choropleth + scattergeo + the French locale, from the npm sources of the plotly.js version
# that the pinned Python plotly embeds. Needs node and npm (registry access); the output is
# committed, so running the dashboard never needs them.
#   scripts/build_plotly_bundle.sh            build (npm ci from the lock file)
#   PYTHON=/path/to/python scripts/build_...  python whose plotly sets the expected version
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=scripts/plotly-bundle
OUT=assets/vendor/plotly-custom.min.js
PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3

# dcc.Graph's figures are serialised by the Python plotly for its own plotly.js: a bundle of
# another version could misread them, so refuse to build one.
expected=$("$PYTHON" -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
pinned=$(node -p "require('./$SRC/package.json').dependencies['plotly.js']")
if [ "$expected" != "$pinned" ]; then
  echo "plotly.js $pinned is pinned in $SRC/package.json but Python plotly embeds $expected:" >&2
  echo "set \"plotly.js\": \"$expected\" there, run 'npm install' in $SRC, then rebuild." >&2
  exit 1
fi

# --ignore-scripts: nothing needs its install script (esbuild finds its platform binary
# package without it), and no third-party code runs at install time.
(cd "$SRC" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
installed=$(node -p "require('./$SRC/node_modules/plotly.js/package.json').version")
esbuild_version=$("$SRC/node_modules/.bin/esbuild" --version)

mkdir -p "$(dirname "$OUT")"
# Same settings as plotly.js's own esbuild-config.js (iife exposing window.Plotly, global ->
# window, no AMD, es2016), except: CSS imports are emptied (the only one is MapLibre's
# stylesheet, required by the registry for the 'map' subplot we never register), and the
# licence comments of bundled packages are kept at the end of the file.
"$SRC/node_modules/.bin/esbuild" "$SRC/index.js" \
  --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 \
  --loader:.css=empty --legal-comments=eof --log-level=warning \
  --banner:js="/*! plotly.js $installed partial bundle for Coeur de Ville: core (scatter) + bar + choropleth + scattergeo + locale fr. Built by scripts/build_plotly_bundle.sh (esbuild $esbuild_version). plotly.js (c) Plotly, Inc., MIT licence. */" \
  --outfile="$OUT"

# Its brotli 11 beside it, sent as it is to browsers that accept brotli (dashboard/endpoints/serving.py).
node -e '
const fs = require("fs"), zlib = require("zlib");
const data = fs.readFileSync(process.argv[1]);
fs.writeFileSync(process.argv[1] + ".br", zlib.brotliCompressSync(data, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length}}));
' "$OUT"

node -e '
const fs = require("fs"), zlib = require("zlib");
const data = fs.readFileSync(process.argv[1]);
const kb = (n) => (n / 1024).toFixed(0) + " KiB";
const gz = zlib.gzipSync(data, {level: 9}).length;
const br = zlib.brotliCompressSync(data, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11}}).length;
console.log(`${process.argv[1]}: ${kb(data.length)} raw, ${kb(gz)} gzip -9, ${kb(br)} brotli 11`);
' "$OUT"
