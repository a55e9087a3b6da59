#!/usr/bin/env bash
# Publish the demo release of a checkout with "now" pinned, for before/after comparisons:
#   scripts/demo_release.sh CHECKOUT OUT [PYTHON]
# Copies CHECKOUT's tracked files (plus uncommitted edits) to a temporary folder, starts the
# sample source site there, runs `newsroom update` with NEWSROOM_NOW and SITEURL pinned, and
# copies the live release to OUT. Compare two such folders with `diff -r OUT1 OUT2`.
# The checkout's own code is imported (PYTHONPATH), so one venv serves both checkouts.
set -euo pipefail
src=$(cd "$1" && pwd); out=$2; py=${3:-$src/.venv/bin/python}; py="$(cd "$(dirname "$py")" && pwd)/$(basename "$py")"
work=$(mktemp -d); trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$src" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents -P {} "$work"/ 2>/dev/null || true)
cd "$work"
export DEMO_STATE="$work/.state" NEWSROOM_NOW="${NEWSROOM_NOW:-2026-11-30 12:00:00}" SITEURL="${SITEURL:-http://127.0.0.1:8000}"
export PYTHONPATH="$work:$work/plugins"
"$py" demo/server.py --port 8765 >/dev/null 2>&1 & srv=$!
for _ in $(seq 50); do "$py" -c "import socket; socket.create_connection(('127.0.0.1', 8765), 0.2)" 2>/dev/null && break; sleep 0.1; done
"$py" -m newsroom.cli update --sources sources.toml || echo "update exited $?"
set -e; rm -rf "$out"; cp -a "$(readlink -f output)" "$out"
echo "release copied to $out"
