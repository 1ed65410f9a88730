#!/usr/bin/env bash
# Back up Zhicheng: the database (pg_dump, custom format), then the stored files, then the audit anchors.
#   zhicheng-backup.sh /backup/zhicheng/$(date +%F)     (as the zhicheng user, with /etc/zhicheng/env loaded)
# Order matters: files are written before the row that names them commits, so every file a row in the dump names
# is already in storage when the files are copied after the dump. Files newer than the dump are orphans after a
# restore; `manage.py files_gc` removes them. Files are never changed in place, so the copy is incremental.
set -euo pipefail
dest=${1:?usage: zhicheng-backup.sh DEST_DIR}
mkdir -p "$dest"
started=$(date -u +%FT%TZ)

pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$dest/zhicheng.dump"

if [ "${ZHICHENG_STORAGE:-filesystem}" = "s3" ]; then
  # AWS CLI against any S3-compatible endpoint; credentials from the environment
  AWS_ACCESS_KEY_ID=${ZHICHENG_S3_ACCESS_KEY:-${AWS_ACCESS_KEY_ID:-}} \
  AWS_SECRET_ACCESS_KEY=${ZHICHENG_S3_SECRET_KEY:-${AWS_SECRET_ACCESS_KEY:-}} \
  aws s3 sync ${ZHICHENG_S3_ENDPOINT_URL:+--endpoint-url "$ZHICHENG_S3_ENDPOINT_URL"} --only-show-errors \
    "s3://$ZHICHENG_S3_BUCKET/${ZHICHENG_S3_PREFIX:-}" "$dest/files/"
else
  rsync -a "${ZHICHENG_VAR_DIR:-/srv/zhicheng/var}/private/" "$dest/files/"
fi

anchors=${ZHICHENG_AUDIT_ANCHOR_FILE:-${ZHICHENG_VAR_DIR:-/srv/zhicheng/var}/audit/anchors.jsonl}
[ -f "$anchors" ] && cp -p "$anchors" "$dest/anchors.jsonl"

{
  echo "started $started"
  echo "finished $(date -u +%FT%TZ)"
  echo "database $(sha256sum "$dest/zhicheng.dump" | cut -d' ' -f1)"
  echo "files $(find "$dest/files" -type f | wc -l)"
} > "$dest/MANIFEST"
echo "backup in $dest: $(cat "$dest/MANIFEST" | tr '\n' ';')"
