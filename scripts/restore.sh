#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database DATABASE_URL names
# (a fresh, empty database: create it first) and the report files into MEDIA_ROOT.
#
#   bash scripts/restore.sh BACKUPDIR
#
# Stop the web, worker and beat processes first; start them again afterwards.
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the database to restore into}"
IN=${1:?Give the backup folder, e.g. backups/20260101T020000Z}
MEDIA=${MEDIA_ROOT:-var/media}
test -f "$IN/learner-journey.dump" || { echo "No learner-journey.dump in $IN" >&2; exit 1; }

pg_restore --no-owner --exit-on-error --single-transaction --no-password \
  --dbname="$DATABASE_URL" "$IN/learner-journey.dump"
if [ -f "$IN/media.tar.gz" ]; then
  mkdir -p "$MEDIA"
  tar -xzf "$IN/media.tar.gz" -C "$MEDIA"
fi
echo "Restored $IN into ${DATABASE_URL##*/}"
