#!/usr/bin/env bash
# Benchmark harness smoke test: bench/ is its own Go module (it depends on the
# official cloudinary-go SDK, which must never enter the root go.mod), so the
# root `go vet`/`go test ./...` do not reach it. This vets and tests it, then
# runs `bench/cmd/benchrun -smoke` (tiny sizes, 2 pairs, under a minute)
# and fails if the harness fails or its report lacks a scenario. The full run
# that writes BENCHMARKS.md is `cd bench && go run ./cmd/benchrun`.
set -euo pipefail
cd "$(dirname "$0")/../../bench"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "bench: go vet"
go vet ./...
echo "bench: go test"
go test -count=1 -timeout 5m ./...

echo "bench: benchrun -smoke"
timeout 170 go run ./cmd/benchrun -smoke -timeout 150s -out "$OUT/BENCHMARKS.md" >"$OUT/stdout" 2>"$OUT/stderr" || {
  cat "$OUT/stderr" >&2
  echo "bench smoke: benchrun failed" >&2
  exit 1
}
for want in "Signing an 8-parameter upload" "file upload" "unknown-size io.Reader upload" \
  "files of 16 KiB at concurrency 8" "resources through pagination" "ratio cldrest/official" \
  "Whole process and the issue 16 targets" "whole process, against the discard server" "whole process, against the \`cldrest mock\`" \
  "CLI: one" "Library: a" "Mock throughput: 16 KiB uploads" "Mock throughput: one" "CLI: peak RSS over"; do
  grep -q "$want" "$OUT/BENCHMARKS.md" || { echo "bench smoke: report lacks \"$want\"" >&2; cat "$OUT/BENCHMARKS.md" >&2; exit 1; }
done
grep -E '^\| .* \| \*\*[0-9]' "$OUT/BENCHMARKS.md" >/dev/null || { echo "bench smoke: report has no ratios" >&2; exit 1; }
# Every target row is judged (met / not met), never left unmeasured.
grep -E '\| (met|\*\*not met\*\*) \|$' "$OUT/BENCHMARKS.md" >/dev/null || { echo "bench smoke: no judged targets" >&2; exit 1; }
if grep -q 'not measured' "$OUT/BENCHMARKS.md"; then echo "bench smoke: a target was not measured" >&2; exit 1; fi
grep -q "Node.js" "$OUT/BENCHMARKS.md" && grep "Node.js" "$OUT/stderr" || true
tail -n 3 "$OUT/stderr"
echo "bench smoke: ok"
