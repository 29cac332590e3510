# Shared helpers for gureum's test scripts (sourced, not run).

# start_gureum BIN DATADIR [flags...]: starts "BIN up" on a free loopback port in
# the background; sets GUREUM_PID and GUREUM_URL. Logs go to DATADIR.log.
start_gureum() {
  local bin=$1 data=$2
  shift 2
  local out="$data.out"
  : >"$out"
  "$bin" up --addr 127.0.0.1:0 --data "$data" "$@" >"$out" 2>"$data.log" &
  GUREUM_PID=$!
  GUREUM_URL=
  for _ in $(seq 1 200); do
    GUREUM_URL=$(sed -n 's/^  API: *\(http[^ ]*\).*/\1/p' "$out")
    [ -n "$GUREUM_URL" ] && return 0
    kill -0 "$GUREUM_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "gureum did not start:" >&2
  cat "$data.log" >&2
  return 1
}

# stop_gureum: SIGTERM the server started by start_gureum and wait for it.
stop_gureum() {
  [ -n "${GUREUM_PID:-}" ] || return 0
  kill -TERM "$GUREUM_PID" 2>/dev/null || true
  wait "$GUREUM_PID" 2>/dev/null
  local rc=$?
  GUREUM_PID=
  return $rc
}
