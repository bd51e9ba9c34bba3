#!/usr/bin/env bash
# Starts the web app, a Celery worker and the beat scheduler on the embedded
# default, and stops all three together on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

mkdir -p var/log
$BIN/celery -A code4000 worker --loglevel=INFO --concurrency=1 --pool=solo \
  --without-mingle --without-gossip >var/log/worker.log 2>&1 &
pids+=($!)
$BIN/celery -A code4000 beat --loglevel=INFO --schedule=var/celerybeat-schedule \
  >var/log/beat.log 2>&1 &
pids+=($!)

cat <<TXT

Learner Journey is starting at http://127.0.0.1:${PORT}/
Celery worker and beat are running (logs in var/log/). Press Ctrl+C to stop.
Sign in with one of the demo logins listed above.

TXT
$BIN/python manage.py runserver "127.0.0.1:${PORT}"
