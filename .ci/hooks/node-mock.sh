#!/usr/bin/env bash
# The official Node.js cloudinary package against `cldrest mock`: an upload
# and a chunked upload (Node sends /-1 totals). Installs nodejs/npm from
# Debian when the machine lacks them.
set -euo pipefail
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
bash mockserver/testdata/node/run.sh
