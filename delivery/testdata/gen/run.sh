#!/usr/bin/env bash
# Regenerates delivery/testdata/node_urls.json with the pinned cloudinary npm
# package (see README.md). --check compares instead of writing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/package.json" "$HERE/gen.js" "$WORK/"
(cd "$WORK" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
(cd "$WORK" && env -u CLOUDINARY_URL node gen.js >"$WORK/node_urls.json")
if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$HERE/../node_urls.json" "$WORK/node_urls.json"; then
    echo "delivery/testdata/node_urls.json is stale: run delivery/testdata/gen/run.sh" >&2
    exit 1
  fi
  echo "delivery golden table: matches the Node.js SDK"
else
  cp "$WORK/node_urls.json" "$HERE/../node_urls.json"
  echo "wrote delivery/testdata/node_urls.json"
fi
