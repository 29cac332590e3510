#!/usr/bin/env bash
# The web console's checks: installs what they need when missing (Debian's
# chromium and CJK fonts, npm packages), rebuilds web/ and fails when the
# committed build in internal/console/dist differs from the fresh one, then
# runs the browser tests (web/tests, playwright-core driving chromium)
# against real gureum servers. Screenshots go to test-output/console/.
# Usage: scripts/console-test.sh [BIN]   (BIN: a gureum binary; built when absent)
# CONSOLE_TEST_PATTERN=regexp runs only the tests whose names match.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/lib.sh
out="$root/test-output/console"
mkdir -p "$out"
rm -f "$out"/*.png
bin=${1:-bin/gureum}

# --- what the tests need (idempotent) ---------------------------------------
pkgs=()
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || pkgs+=(fonts-noto-cjk)
if [ ${#pkgs[@]} -gt 0 ]; then
  echo "apt-get install ${pkgs[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}") >"$out/apt.log" 2>&1 \
    || { echo "apt-get failed:"; tail -20 "$out/apt.log"; exit 1; }
fi
lock_sum=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [ "$(cat web/node_modules/.gureum-lock 2>/dev/null)" != "$lock_sum" ]; then
  echo "npm ci (web/)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error) >"$out/npm.log" 2>&1 \
    || { echo "npm ci failed:"; tail -20 "$out/npm.log"; exit 1; }
  echo "$lock_sum" >web/node_modules/.gureum-lock
fi

# --- the committed build must be the fresh build ------------------------------
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"; stop_gureum >/dev/null 2>&1; [ -n "${auth_pid:-}" ] && kill "$auth_pid" 2>/dev/null' EXIT
if ! (cd web && npx tsc --noEmit -p . && npx vite build --logLevel warn --outDir "$fresh/dist" --emptyOutDir) >"$out/build.log" 2>&1; then
  echo "console build failed:"; tail -30 "$out/build.log"; exit 1
fi
if ! diff -r "$fresh/dist" internal/console/dist >"$out/stale.diff" 2>&1; then
  echo "internal/console/dist is stale: run 'npm run build' in web/ and commit it (see test-output/console/stale.diff)"
  head -20 "$out/stale.diff"
  exit 1
fi
echo "console build: fresh ($(du -sh internal/console/dist | cut -f1))"

if [ ! -x "$bin" ]; then
  CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/gureum || exit 1
fi

# --- browser tests against real servers --------------------------------------
data=$(mktemp -d)
start_gureum "$bin" "$data/open" || exit 1
# A second server that requires SigV4, for the sign-in flow.
export GUREUM_ACCESS_KEYS="AKIDCONSOLETEST:console-secret-1"
"$bin" server --addr 127.0.0.1:0 --auth --data "$data/auth" --log-level info >"$data/auth.log" 2>&1 &
auth_pid=$!
auth_url=
for _ in $(seq 1 100); do
  auth_url=$(sed -n 's/.*"msg":"listening","addr":"\([^"]*\)".*/http:\/\/\1/p' "$data/auth.log" | head -1)
  [ -n "$auth_url" ] && break
  sleep 0.05
done
GUREUM_URL=$GUREUM_URL GUREUM_AUTH_URL=$auth_url CONSOLE_OUT=$out REPO_ROOT=$root \
  node --test --test-reporter=spec --test-concurrency=1 ${CONSOLE_TEST_PATTERN:+--test-name-pattern="$CONSOLE_TEST_PATTERN"} web/tests/ 2>&1 | tee "$out/test.log"
rc=${PIPESTATUS[0]}
stop_gureum || true
kill "$auth_pid" 2>/dev/null; wait "$auth_pid" 2>/dev/null
rm -rf "$data"
p=$(sed -n 's/^ℹ pass \([0-9]*\)/\1/p' "$out/test.log" | tail -1)
f=$(sed -n 's/^ℹ fail \([0-9]*\)/\1/p' "$out/test.log" | tail -1)
echo "console: ${p:-0} passed, ${f:-0} failed (screenshots in test-output/console/)"
exit $rc
