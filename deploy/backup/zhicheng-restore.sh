#!/usr/bin/env bash
# Restore a zhicheng-backup.sh folder into an EMPTY database and storage, then verify the audit chain.
#   zhicheng-restore.sh /backup/zhicheng/2024-10-10    (app servers and workers stopped; /etc/zhicheng/env loaded)
# The audit key (ZHICHENG_AUDIT_KEY) is not in the backup: it must be the one the rows were written with.
set -euo pipefail
src=${1:?usage: zhicheng-restore.sh BACKUP_DIR}
[ -f "$src/zhicheng.dump" ] || { echo "no zhicheng.dump in $src" >&2; exit 1; }
grep -q "database $(sha256sum "$src/zhicheng.dump" | cut -d' ' -f1)" "$src/MANIFEST" \
  || { echo "zhicheng.dump does not match its MANIFEST" >&2; exit 1; }

pg_restore --no-owner --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$src/zhicheng.dump"

if [ "${ZHICHENG_STORAGE:-filesystem}" = "s3" ]; then
  AWS_ACCESS_KEY_ID=${ZHICHENG_S3_ACCESS_KEY:-${AWS_ACCESS_KEY_ID:-}} \
  AWS_SECRET_ACCESS_KEY=${ZHICHENG_S3_SECRET_KEY:-${AWS_SECRET_ACCESS_KEY:-}} \
  aws s3 sync ${ZHICHENG_S3_ENDPOINT_URL:+--endpoint-url "$ZHICHENG_S3_ENDPOINT_URL"} --only-show-errors \
    "$src/files/" "s3://$ZHICHENG_S3_BUCKET/${ZHICHENG_S3_PREFIX:-}"
else
  mkdir -p "${ZHICHENG_VAR_DIR:-/srv/zhicheng/var}/private"
  rsync -a "$src/files/" "${ZHICHENG_VAR_DIR:-/srv/zhicheng/var}/private/"
fi

anchors=${ZHICHENG_AUDIT_ANCHOR_FILE:-${ZHICHENG_VAR_DIR:-/srv/zhicheng/var}/audit/anchors.jsonl}
if [ -f "$src/anchors.jsonl" ]; then mkdir -p "$(dirname "$anchors")"; cp -p "$src/anchors.jsonl" "$anchors"; fi

cd "${ZHICHENG_HOME:-/srv/zhicheng}"
.venv/bin/python manage.py migrate --noinput      # a backup from an older release: bring the schema up
.venv/bin/python manage.py audit_verify           # non-zero exit: the chain or its anchor does not verify
echo "restored from $src; start the app servers and workers"
