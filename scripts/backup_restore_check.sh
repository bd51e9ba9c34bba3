#!/usr/bin/env bash
# CI: back up a database with demo records, audit events and a stored report, restore
# it into a fresh database, and check every table's row count and that the audit trail
# is the same, row for row (a digest of every audit event). Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(pwd)/.venv/bin"
PG=${BACKUPCHECK_PG:-postgres://postgres@127.0.0.1:5432}
SOURCE=lj_backupcheck
TARGET=lj_restorecheck
WORK=$(mktemp -d /tmp/lj-backupcheck.XXXXXX)
export EMAIL_URL=locmem:// MEDIA_ROOT=$WORK/media

cleanup() {
  for db in $SOURCE $TARGET; do
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
for db in $SOURCE $TARGET; do
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
done
psql "$PG/postgres" -qc "CREATE DATABASE $SOURCE" >/dev/null

echo "[backup check] a database with demo records, audit events and a stored report"
DATABASE_URL=$PG/$SOURCE "$BIN/python" manage.py migrate --no-input -v0
DATABASE_URL=$PG/$SOURCE "$BIN/python" manage.py seed_demo --learners 20 >/dev/null
DATABASE_URL=$PG/$SOURCE "$BIN/python" manage.py shell -c "
import datetime as dt
from accounts.models import Prison, Role, User
from reports.models import Partner, StoredFile
from reports.services import partner_report_render, partner_report_request
director = User.objects.filter(role=Role.DIRECTOR).first()
run, _ = partner_report_request(actor=director, partner=Partner.DCMS, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), prisons=Prison.objects.all())
partner_report_render(run_id=run.pk)
assert StoredFile.objects.exists()
" >/dev/null 2>&1

COUNTS="
import hashlib, sys
from django.apps import apps
from django.db import connection
counts = {m._meta.db_table: m.objects.count() for m in apps.get_models() if not m._meta.proxy}
with connection.cursor() as cursor:
    cursor.execute('SELECT md5(string_agg(t::text, chr(10) ORDER BY t.id)) FROM audit_auditevent t')
    audit = cursor.fetchone()[0]
for table in sorted(counts):
    print(table, counts[table])
print('audit_digest', audit)
"
DATABASE_URL=$PG/$SOURCE "$BIN/python" manage.py shell -c "$COUNTS" 2>/dev/null | grep -v "objects imported" >"$WORK/before.txt"

echo "[backup check] backup, then restore into a fresh database"
DATABASE_URL=$PG/$SOURCE bash scripts/backup.sh "$WORK/backup" >/dev/null
psql "$PG/postgres" -qc "CREATE DATABASE $TARGET" >/dev/null
DATABASE_URL=$PG/$TARGET MEDIA_ROOT=$WORK/restored-media bash scripts/restore.sh "$WORK/backup" >/dev/null
DATABASE_URL=$PG/$TARGET "$BIN/python" manage.py migrate --check >/dev/null
DATABASE_URL=$PG/$TARGET "$BIN/python" manage.py shell -c "$COUNTS" 2>/dev/null | grep -v "objects imported" >"$WORK/after.txt"

if ! diff -u "$WORK/before.txt" "$WORK/after.txt"; then
  echo "[backup check] FAILED: the restored database differs" >&2
  exit 1
fi
grep -q "^audit_auditevent [1-9]" "$WORK/after.txt"
grep -q "^reports_storedfile [1-9]" "$WORK/after.txt"
echo "[backup check] passed: $(wc -l <"$WORK/after.txt") tables the same, audit trail identical ($(grep '^audit_auditevent ' "$WORK/after.txt"))"
