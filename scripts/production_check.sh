#!/usr/bin/env bash
# The production shape, started and driven (issue 19 item 6): with DJANGO_ENV=production
# against PostgreSQL (a database of its own) and Redis (a DB index of its own), after
# collectstatic with the manifest storage, it starts two gunicorn processes in different
# working directories, two Celery workers and one beat, on loopback ports of its own;
# signs a director in with the second factor over HTTP behind X-Forwarded-Proto with
# TRUSTED_PROXY_COUNT=1; has a worker make a partner report and downloads it from both
# web processes; checks the PDF's stylesheet and /healthz; then stops everything with
# SIGTERM and checks the shutdown was clean and no task was lost. Cleans up after itself.
#
#   bash scripts/production_check.sh        (run by .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"

PG=${PRODCHECK_PG:-postgres://postgres@127.0.0.1:5432}
DB=${PRODCHECK_DB:-lj_prodcheck}
REDIS=${PRODCHECK_REDIS:-redis://127.0.0.1:6379/12}
WEB1_PORT=${PRODCHECK_PORT1:-18471}
WEB2_PORT=${PRODCHECK_PORT2:-18472}
HOST=learner-journey.example
WORK=$(mktemp -d /tmp/lj-prodcheck.XXXXXX)
PIDS=()

export DJANGO_ENV=production
export SECRET_KEY="prodcheck-$(head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export ALLOWED_HOSTS=$HOST
export CSRF_TRUSTED_ORIGINS=https://$HOST
export SITE_URL=https://$HOST
export DATABASE_URL=$PG/$DB
export REDIS_URL=$REDIS
export EMAIL_URL=locmem://
export TRUSTED_PROXY_COUNT=1
export STATIC_ROOT=$WORK/staticfiles
export PYTHONPATH=$ROOT
export LOG_FORMAT=json

say() { printf '[production check] %s\n' "$*"; }

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  "$BIN/python" -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS" 2>/dev/null || true
  if [ $status -ne 0 ]; then
    say "FAILED; the last lines of each log:"
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }; done
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT

wait_http() {  # url: wait until it answers (any status)
  for _ in $(seq 1 60); do
    if "$BIN/python" -c "import http.client,sys; c=http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=2); c.request('GET','/healthz',headers={'Host':'$HOST','X-Forwarded-Proto':'https'}); sys.exit(0 if c.getresponse().status in (200,503) else 1)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 1
  done
  say "port $1 never answered"; return 1
}

say "a fresh database ($DB) and Redis index ($REDIS)"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null
"$BIN/python" -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS"

say "migrate, collectstatic (manifest storage), check --deploy"
"$BIN/python" manage.py migrate --no-input -v0
"$BIN/python" manage.py collectstatic --no-input -v0
test -f "$STATIC_ROOT/staticfiles.json"
"$BIN/python" manage.py check --deploy --fail-level WARNING >/dev/null

say "a prison and a director with an authenticator"
read -r EMAIL PASSWORD KEY PRISON < <("$BIN/python" manage.py shell -c "
import secrets
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import Prison, Region, Role, User
region = Region.objects.create(name='Check region')
prison = Prison.objects.create(code='CHK', name='HMP Check', region=region)
password = secrets.token_urlsafe(18)
user = User.objects.create_user('director@prodcheck.example', password, full_name='Dee Rector', role=Role.DIRECTOR)
device = TOTPDevice.objects.create(user=user, name='check', confirmed=True)
print(user.email, password, device.key, prison.pk)
" 2>/dev/null | tail -n 1)

say "two gunicorn processes in different working directories, two workers, one beat"
for n in 1 2; do
  mkdir -p "$WORK/web$n" "$WORK/worker$n"
done
(cd "$WORK/web1" && VAR_DIR=$WORK/web1 exec "$BIN/gunicorn" code4000.wsgi:application \
  --bind 127.0.0.1:$WEB1_PORT --workers 2 --graceful-timeout 20 >"$WORK/web1.log" 2>&1) &
PIDS+=($!); WEB1=$!
(cd "$WORK/web2" && VAR_DIR=$WORK/web2 exec "$BIN/gunicorn" code4000.wsgi:application \
  --bind 127.0.0.1:$WEB2_PORT --workers 2 --graceful-timeout 20 >"$WORK/web2.log" 2>&1) &
PIDS+=($!); WEB2=$!
for n in 1 2; do
  (cd "$WORK/worker$n" && VAR_DIR=$WORK/worker$n exec "$BIN/celery" -A code4000 worker \
    -n "prodcheck$n@%h" --concurrency=1 --loglevel=INFO >"$WORK/worker$n.log" 2>&1) &
  PIDS+=($!)
done
WORKER1=${PIDS[2]}; WORKER2=${PIDS[3]}
(cd "$WORK" && VAR_DIR=$WORK exec "$BIN/celery" -A code4000 beat --loglevel=INFO \
  >"$WORK/beat.log" 2>&1) &
PIDS+=($!); BEAT=$!
wait_http $WEB1_PORT
wait_http $WEB2_PORT

say "drive it over HTTP"
"$BIN/python" scripts/production_drive.py "$HOST" "$EMAIL" "$PASSWORD" "$KEY" "$PRISON" \
  "http://127.0.0.1:$WEB1_PORT" "http://127.0.0.1:$WEB2_PORT" "$WORK"
for n in 1 2; do
  say "worker $n made $(grep -c 'report_render_task.*succeeded' "$WORK/worker$n.log" || true) report(s)"
done

say "SIGTERM to everything: warm shutdown, nothing lost"
kill -TERM "$WEB1" "$WEB2" "$WORKER1" "$WORKER2" "$BEAT"
for pid in "$WEB1" "$WEB2" "$WORKER1" "$WORKER2" "$BEAT"; do
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then say "process $pid did not stop on SIGTERM"; exit 1; fi
done
grep -qi "warm shutdown" "$WORK/worker1.log"
grep -qi "warm shutdown" "$WORK/worker2.log"
grep -qi "shutting down" "$WORK/web1.log"
"$BIN/python" manage.py shell -c "
import sys
from notifications.models import OutboxMessage
from reports.models import ReportRun
waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
runs = list(ReportRun.objects.values_list('status', flat=True))
print('outbox waiting:', waiting, 'report runs:', runs)
sys.exit(0 if waiting == 0 and runs == ['done', 'done'] else 1)
" 2>/dev/null
PIDS=()
say "passed"
