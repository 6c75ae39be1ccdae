#!/usr/bin/env bash
# Regenerates the delivery URL golden table with the pinned official
# cloudinary npm package and fails if it differs from the committed
# delivery/testdata/node_urls.json (the Go tests compare against that file
# offline). Installs nodejs/npm from Debian when the machine lacks them.
set -euo pipefail
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
bash delivery/testdata/gen/run.sh --check
