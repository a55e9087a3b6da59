#!/bin/sh
# Run the update job once and, when a site is live, copy it to DEPLOY_TARGET (if set).
# Called by cron (deploy/crontab) and systemd (deploy/newsroom-update.service).
#
#   NEWSROOM_HOME   the project checkout (default: the folder above this script)
#   DEPLOY_TARGET   a local folder or host:/path for rsync over ssh; unset: serve output/ as is
#   NGINX_RELOAD    command run after a release went live, e.g. "systemctl reload nginx":
#                   nginx reads the live release's redirects map only when it (re)loads
#
# Exit code: newsroom update's (0 ok, 3 published but a source failed, 75 another run holds
# the lock, …; see docs/operations.md), or newsroom publish's when the copy fails.
set -u
NEWSROOM_HOME=${NEWSROOM_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$NEWSROOM_HOME" || exit 2
.venv/bin/newsroom update "$@"
rc=$?
# 0 and 3 both mean "the live release is good" (3: some source failed, the rest published);
# 5: published, some files held back.
if [ -n "${NGINX_RELOAD:-}" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || [ "$rc" -eq 5 ]; }; then
    sh -c "$NGINX_RELOAD" || echo "update-and-publish: NGINX_RELOAD failed: $NGINX_RELOAD" >&2
fi
if [ -n "${DEPLOY_TARGET:-}" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; }; then
    .venv/bin/newsroom publish --target "$DEPLOY_TARGET" >/dev/null || exit $?
fi
exit "$rc"
