#!/usr/bin/env bash
# The supported production setup on one host: N gunicorn instances (gunicorn.conf.py) on loopback ports,
# all serving one data folder, behind nginx (deploy/nginx) on 127.0.0.1. Runs in the foreground; Ctrl-C or
# SIGTERM stops everything it started.
#
#   scripts/serve-production.sh [--port 8080] [--instances 2] [--first-app-port 8051] [--data-dir data]
#                               [--run-dir DIR]
#
# Environment: every COEUR_* variable of gunicorn.conf.py and dashboard/settings.py (COEUR_WORKERS,
# COEUR_THREADS, COEUR_STATE_DIR, COEUR_ALLOW_SHRINK, COEUR_PUBLIC_URL (the site's public address, for
# link previews, QR codes and embed snippets: set it), ...; COEUR_TRUSTED_PROXIES defaults to 1, nginx).
# Needs Debian's nginx (apt-get install nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PORT=8080 INSTANCES=2 FIRST=8051 DATA_DIR="$REPO/data" RUN_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=$2; shift 2 ;;
    --instances) INSTANCES=$2; shift 2 ;;
    --first-app-port) FIRST=$2; shift 2 ;;
    --data-dir) DATA_DIR=$(realpath "$2"); shift 2 ;;
    --run-dir) RUN_DIR=$2; shift 2 ;;
    *) echo "option inconnue : $1" >&2; exit 2 ;;
  esac
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx introuvable : apt-get install nginx" >&2; exit 1; }
RUN_DIR=${RUN_DIR:-$(mktemp -d -t coeur-prod-XXXXXX)}
mkdir -p "$RUN_DIR"
RUN_DIR=$(realpath "$RUN_DIR")
# nginx's cache of shared answers (deploy/nginx): a folder of its own directly under the temporary folder,
# so that nginx's workers reach it even when the run folder is private (started as root, they run as an
# unprivileged user). Traversal only for others: nothing in it can be listed.
CACHE_DIR=$(mktemp -d -t coeur-cache-XXXXXX)
chmod 711 "$CACHE_DIR"

PIDS=()
stop() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$CACHE_DIR"
}
trap stop EXIT INT TERM

# max_fails=0: nginx never takes an instance out of the balance. It counts every status it retries on as a
# failure, and an instance still serving an older version than a browser has seen answers it 503 on purpose
# (dashboard/endpoints/versionorder.py): with max_fails=3, a few such browsers took both instances out for
# every visitor (tests/test_reloads_in_production.py). An instance that is down costs a refused connection
# on loopback, and the next one answers.
UPSTREAMS=""
for ((i = 0; i < INSTANCES; i++)); do
  port=$((FIRST + i))
  UPSTREAMS+="        server 127.0.0.1:$port max_fails=0;"$'\n'
  COEUR_BIND="127.0.0.1:$port" COEUR_DATA_DIR="$DATA_DIR" COEUR_TRUSTED_PROXIES="${COEUR_TRUSTED_PROXIES:-1}" \
    "$REPO/.venv/bin/gunicorn" -c "$REPO/gunicorn.conf.py" --pid "$RUN_DIR/gunicorn-$port.pid" \
    dashboard.wsgi:server &
  PIDS+=($!)
done

# nginx opens once every instance answers /healthz: a proxy started earlier would count the refused
# connections as failures and take the instances out of the balance for a while.
"$REPO/.venv/bin/python" - "$FIRST" "$INSTANCES" <<'WAIT'
import sys, time, urllib.request
first, count = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 300
for port in range(first, first + count):
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"l'instance du port {port} ne répond pas")
            time.sleep(0.5)
WAIT
sed -e "s|@RUN@|$RUN_DIR|g" -e "s|@CACHE@|$CACHE_DIR/answers|g" -e "s|@DEPLOY@|$REPO/deploy/nginx|g" -e "s|@LISTEN@|127.0.0.1:$PORT|g" \
  "$REPO/deploy/nginx/nginx.conf.template" | awk -v ups="$UPSTREAMS" '{ if ($0 == "@UPSTREAMS@") printf "%s", ups; else print }' \
  >"$RUN_DIR/nginx.conf"
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g "daemon off;" &
PIDS+=($!)
echo "Cœur de Ville : http://127.0.0.1:$PORT/ ($INSTANCES instances, dossier $RUN_DIR)" >&2
wait -n "${PIDS[@]}"  # one of them stopped: stop the others
