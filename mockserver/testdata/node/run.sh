#!/usr/bin/env bash
# Node.js integration test: installs the official `cloudinary` npm package into
# a temporary folder, starts `cldrest mock` on a free loopback port, points the
# package at it through CLOUDINARY_URL (upload_prefix) and runs test.js, then
# media.js (real renders), admin.js (the Admin calls of issue 13), then parity.js with
# CLOUDINARY_ACCOUNT_URL as well (the Provisioning API).
# Usage (from anywhere): mockserver/testdata/node/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=$(mktemp -d)
MOCK_PID=
cleanup() {
  if [ -n "$MOCK_PID" ] && kill -0 "$MOCK_PID" 2>/dev/null; then
    kill -TERM "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cp "$HERE/package.json" "$HERE/test.js" "$HERE/parity.js" "$HERE/media.js" "$HERE/admin.js" "$WORK/"
(cd "$WORK" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
(cd "$ROOT" && go build -o "$WORK/cldrest" ./cmd/cldrest)

"$WORK/cldrest" mock --addr 127.0.0.1:0 >"$WORK/mock.out" 2>"$WORK/mock.err" &
MOCK_PID=$!
URL=
for _ in $(seq 1 100); do
  URL=$(grep -m1 '^CLOUDINARY_URL=' "$WORK/mock.out" 2>/dev/null | cut -d= -f2- || true)
  [ -n "$URL" ] && break
  kill -0 "$MOCK_PID" 2>/dev/null || { cat "$WORK/mock.err" >&2; echo "cldrest mock exited early" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "cldrest mock printed no CLOUDINARY_URL" >&2; exit 1; }

(cd "$WORK" && CLOUDINARY_URL="$URL" node test.js)
(cd "$WORK" && CLOUDINARY_URL="$URL" node media.js)
(cd "$WORK" && CLOUDINARY_URL="$URL" node admin.js)
ACCOUNT_URL=$(grep -m1 '^CLOUDINARY_ACCOUNT_URL=' "$WORK/mock.out" | cut -d= -f2-)
[ -n "$ACCOUNT_URL" ] || { echo "cldrest mock printed no CLOUDINARY_ACCOUNT_URL" >&2; exit 1; }
(cd "$WORK" && CLOUDINARY_URL="$URL" CLOUDINARY_ACCOUNT_URL="$ACCOUNT_URL" node parity.js)

kill -TERM "$MOCK_PID"
wait "$MOCK_PID"
MOCK_PID=
echo "node integration: mock stopped cleanly"
