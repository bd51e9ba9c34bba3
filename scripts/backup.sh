#!/usr/bin/env bash
# Back up Learner Journey: a PostgreSQL custom-format dump (every record, the audit
# trail, and the generated reports, which are kept in the database), plus any report
# files kept on disk (MEDIA_ROOT, from before reports moved into PostgreSQL, or when
# REPORT_STORAGE_BACKEND points at a file system). Writes one folder:
#
#   bash scripts/backup.sh [OUTDIR]      (DATABASE_URL and MEDIA_ROOT from the environment)
#
# OUTDIR/learner-journey.dump, OUTDIR/media.tar.gz (when there are files) and
# OUTDIR/manifest.txt (when, which database, table row counts) are what restore.sh reads.
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL (postgres://user:password@host:5432/name)}"
OUT=${1:-backups/$(date -u +%Y%m%dT%H%M%SZ)}
MEDIA=${MEDIA_ROOT:-var/media}
mkdir -p "$OUT"
umask 077  # a backup holds personal data: readable by its owner only

pg_dump --format=custom --compress=6 --no-password --file="$OUT/learner-journey.dump" "$DATABASE_URL"
if [ -d "$MEDIA" ] && [ -n "$(find "$MEDIA" -type f -print -quit)" ]; then
  tar -czf "$OUT/media.tar.gz" -C "$MEDIA" .
fi
{
  echo "made_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database=${DATABASE_URL##*/}"
  pg_restore --list "$OUT/learner-journey.dump" | grep -c "TABLE DATA" | sed 's/^/tables_with_data=/'
} >"$OUT/manifest.txt"
echo "Backup written to $OUT"
