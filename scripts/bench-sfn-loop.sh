#!/usr/bin/env bash
# The counting-loop benchmark of ../shared/BENCHMARKS.md: gureum sfn run against
# aws-local-stepfunctions (npm, installed on first use) on the same definition,
# in one run, on this machine. Prints transitions/s of each and the ratio.
# Usage: scripts/bench-sfn-loop.sh [N]   (the loop runs 2N+2 states; default N=100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
states=$((2 * n + 2))
def=bench/counting-loop.json
peer=${GUREUM_BENCH_DIR:-$HOME/.cache/gureum-bench}/local-sfn
if [ ! -x "$peer/node_modules/.bin/local-sfn" ]; then
  mkdir -p "$peer" && (cd "$peer" && npm init -y >/dev/null && npm install --no-audit --no-fund aws-local-stepfunctions@3.0.0 >/dev/null)
fi
mkdir -p bin && CGO_ENABLED=0 go build -o bin/gureum ./cmd/gureum
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
rate() { printf '%.0f' "$(echo "$states / $1" | bc -l)"; }
peer_s=$(secs bash -c "echo '{\"limit\": $n}' | '$peer/node_modules/.bin/local-sfn' -f $def")
hist_s=$(secs bin/gureum sfn run $def --type EXPRESS --history --input "{\"limit\": $n}")
nohist_s=$(secs bin/gureum sfn run $def --type EXPRESS --input "{\"limit\": $n}")
rss=$( { /usr/bin/time -f '%M' bin/gureum sfn run $def --type EXPRESS --input "{\"limit\": $((n * 10))}" >/dev/null; } 2>&1 | tail -1)
echo "counting loop, $states transitions (whole commands, start-up included):"
printf '  aws-local-stepfunctions 3.0.0:        %6.2f s  %8s transitions/s\n' "$peer_s" "$(rate "$peer_s")"
printf '  gureum sfn run --history (printed):   %6.2f s  %8s transitions/s  (%.1fx)\n' "$hist_s" "$(rate "$hist_s")" "$(echo "$peer_s / $hist_s" | bc -l)"
printf '  gureum sfn run (no history):          %6.2f s  %8s transitions/s  (%.1fx)\n' "$nohist_s" "$(rate "$nohist_s")" "$(echo "$peer_s / $nohist_s" | bc -l)"
echo "  gureum max RSS without history at 10x the iterations: $((rss / 1024)) MB"
