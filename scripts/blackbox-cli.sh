#!/usr/bin/env bash
# Black-box checks of a real gureum binary with the real aws CLI.
# Usage: scripts/blackbox-cli.sh BIN
set -uo pipefail
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d)
trap 'stop_gureum; rm -rf "$work"' EXIT

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN
pass=0 fail=0
check() { # check NAME CMD...: the command must succeed
  local name=$1 out; shift
  if out=$("$@" 2>&1); then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $name: $out"; fi
}
expect_error() { # expect_error NAME CODE CMD...: the command must fail with CODE in its output
  local name=$1 code=$2 out; shift 2
  if out=$("$@" 2>&1); then fail=$((fail+1)); echo "FAIL $name: succeeded, wanted $code: $out"
  elif grep -q "$code" <<<"$out"; then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL $name: wanted $code, got: $out"; fi
}
json_eq() { # json_eq EXPR EXPECTED JSON: python expression over d must print EXPECTED
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); r=($1); o=json.dumps(r, ensure_ascii=False); sys.exit(0 if o==sys.argv[2] else print(o) or 1)" "$3" "$2"
}

start_gureum "$bin" "$work/data" || exit 1
ep=(--endpoint-url "$GUREUM_URL")

out=$(aws "${ep[@]}" stepfunctions list-state-machines 2>&1)
check "stepfunctions list-state-machines is empty" json_eq 'd["stateMachines"]' '[]' "$out"
out=$(aws "${ep[@]}" lambda list-functions 2>&1)
check "lambda list-functions is empty" json_eq 'd["Functions"]' '[]' "$out"
expect_error "lambda get-function unknown" ResourceNotFoundException aws "${ep[@]}" lambda get-function --function-name nope
expect_error "stepfunctions describe unknown" StateMachineDoesNotExist aws "${ep[@]}" stepfunctions describe-state-machine \
  --state-machine-arn arn:aws:states:us-east-1:000000000000:stateMachine:축구-유소년-자동-훈련-시스템
head -c 300000 /dev/zero | tr '\0' x | sed 's/.*/"&"/' >"$work/big.json"
expect_error "stepfunctions input > 256 KB" ValidationException aws "${ep[@]}" stepfunctions start-execution \
  --state-machine-arn arn:aws:states:us-east-1:000000000000:stateMachine:m --input "file://$work/big.json"
# Functions: create from a zip, wait until Active, read, update, delete.
(cd "$here/../examples/team-picker" && python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write('index.js'); z.close()" "$work/tp.zip")
check "lambda create-function" aws "${ep[@]}" lambda create-function --function-name team-picker --runtime nodejs20.x \
  --handler index.handler --role arn:aws:iam::000000000000:role/lambda --zip-file "fileb://$work/tp.zip" \
  --environment 'Variables={SQUAD_NAME=조사병단}'
check "lambda wait function-active-v2" aws "${ep[@]}" lambda wait function-active-v2 --function-name team-picker
fn_json=$(aws "${ep[@]}" lambda get-function --function-name team-picker 2>&1)
check "get-function shows the env var" json_eq 'd["Configuration"]["Environment"]["Variables"]["SQUAD_NAME"]' '"조사병단"' "$fn_json"
loc=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["Code"]["Location"])' "$fn_json")
check "Code.Location downloads the zip" bash -c 'curl -sf "$1" | cmp -s - "$2"' _ "$loc" "$work/tp.zip"
# Function logs: the CloudWatch Logs API (aws logs ...), aws CLI v2's logs tail [--follow], gureum fn logs.
out=$(aws "${ep[@]}" logs describe-log-groups --log-group-name-prefix /aws/lambda/team-picker 2>&1)
check "no log group before the first invocation" json_eq 'd["logGroups"]' '[]' "$out"
check "lambda invoke" aws "${ep[@]}" lambda invoke --function-name team-picker "$work/invoke.json"
wait_logs() { # wait_logs N: until /aws/lambda/team-picker holds N REPORT lines
  for _ in $(seq 1 100); do
    [ "$(aws "${ep[@]}" logs filter-log-events --log-group-name /aws/lambda/team-picker --filter-pattern REPORT \
      --query 'length(events)' 2>/dev/null)" = "$1" ] && return 0
    sleep 0.2
  done
  return 1
}
check "the invocation's REPORT line arrives" wait_logs 1
out=$(aws "${ep[@]}" logs filter-log-events --log-group-name /aws/lambda/team-picker 2>&1)
check "filter-log-events: START, the function's line, END, REPORT" json_eq \
  '[m["message"].split(" ")[0].split("\t")[-2:] for m in d["events"]]' '[["START"], ["INFO", "picked"], ["END"], ["REPORT"]]' "$out"
stream=$(aws "${ep[@]}" logs describe-log-streams --log-group-name /aws/lambda/team-picker --query 'logStreams[0].logStreamName' --output text 2>&1)
check "the stream is named as Lambda names it ($stream)" grep -qE '^[0-9]{4}/[0-9]{2}/[0-9]{2}/\[\$LATEST\][0-9a-f]{32}$' <<<"$stream"
out=$(aws "${ep[@]}" logs get-log-events --log-group-name /aws/lambda/team-picker --log-stream-name "$stream" --start-from-head 2>&1)
check "get-log-events reads the stream" json_eq 'len(d["events"])' '4' "$out"
# aws logs tail is aws CLI v2's (scripts/test installs Debian's awscli 2.x beside a v1 on PATH).
aws2=
for a in aws /usr/bin/aws /usr/local/bin/aws; do
  if "$a" --version 2>&1 | grep -q '^aws-cli/2'; then aws2=$a; break; fi
done
if [ -z "$aws2" ]; then fail=$((fail+1)); echo "FAIL aws logs tail: no aws CLI v2 on this host"; else
  out=$("$aws2" "${ep[@]}" logs tail /aws/lambda/team-picker 2>&1)
  check "aws logs tail prints the function's line" grep -qE "^[0-9T:.+-]+ $(printf '%s' "$stream" | sed 's/[][$]/\\&/g') .*INFO	picked 4 teams of 3" <<<"$out"
  "$aws2" "${ep[@]}" logs tail /aws/lambda/team-picker --follow --format short >"$work/follow.txt" 2>&1 &
  follow_pid=$!
  check "lambda invoke (while following)" aws "${ep[@]}" lambda invoke --function-name team-picker "$work/invoke.json"
  followed() { for _ in $(seq 1 150); do [ "$(grep -c 'REPORT RequestId' "$work/follow.txt")" = 2 ] && return 0; sleep 0.2; done; return 1; }
  check "aws logs tail --follow prints both invocations" followed
  kill "$follow_pid" 2>/dev/null; wait "$follow_pid" 2>/dev/null
  check "aws logs tail --follow prints each line once" test "$(grep -c 'START RequestId' "$work/follow.txt")" = 2
fi
wait_logs 2 || true
out=$("$bin" fn logs team-picker --endpoint "$GUREUM_URL" 2>&1)
check "gureum fn logs prints both invocations" test "$(grep -c 'INFO	picked 4 teams of 3' <<<"$out")" = 2
check "update-function-configuration" aws "${ep[@]}" lambda update-function-configuration --function-name team-picker --memory-size 256
check "lambda wait function-updated-v2" aws "${ep[@]}" lambda wait function-updated-v2 --function-name team-picker
expect_error "memory too large" ValidationException aws "${ep[@]}" lambda update-function-configuration --function-name team-picker --memory-size 20000
check "publish-version" aws "${ep[@]}" lambda publish-version --function-name team-picker
check "create-alias" aws "${ep[@]}" lambda create-alias --function-name team-picker --name prod --function-version 1
# Asynchronous invocation settings and an Event invoke.
out=$(aws "${ep[@]}" lambda put-function-event-invoke-config --function-name team-picker --maximum-retry-attempts 0 \
  --maximum-event-age-in-seconds 60 2>&1)
check "put-function-event-invoke-config" json_eq '[d["FunctionArn"], d["MaximumRetryAttempts"], d["MaximumEventAgeInSeconds"], d["DestinationConfig"]]' \
  '["arn:aws:lambda:us-east-1:000000000000:function:team-picker:$LATEST", 0, 60, {"OnSuccess": {}, "OnFailure": {}}]' "$out"
check "put-function-event-invoke-config on an alias" aws "${ep[@]}" lambda put-function-event-invoke-config \
  --function-name team-picker --qualifier prod --maximum-retry-attempts 1
out=$(aws "${ep[@]}" lambda list-function-event-invoke-configs --function-name team-picker 2>&1)
check "list-function-event-invoke-configs" json_eq '[c["FunctionArn"].rsplit(":", 1)[1] for c in d["FunctionEventInvokeConfigs"]]' '["$LATEST", "prod"]' "$out"
out=$(aws "${ep[@]}" lambda invoke --function-name team-picker --invocation-type Event --payload '{}' \
  "$work/event.out" 2>&1)
check "invoke --invocation-type Event answers 202" json_eq 'd["StatusCode"]' '202' "$out"
check "delete-function-event-invoke-config" aws "${ep[@]}" lambda delete-function-event-invoke-config --function-name team-picker
expect_error "get-function-event-invoke-config after delete" ResourceNotFoundException \
  aws "${ep[@]}" lambda get-function-event-invoke-config --function-name team-picker
check "delete-function" aws "${ep[@]}" lambda delete-function --function-name team-picker
out=$(aws "${ep[@]}" logs describe-log-groups --log-group-name-prefix /aws/lambda/team-picker 2>&1)
check "deleting the function leaves its log group" json_eq '[g["logGroupName"] for g in d["logGroups"]]' '["/aws/lambda/team-picker"]' "$out"
expect_error "logs: unknown group" ResourceNotFoundException aws "${ep[@]}" logs get-log-events --log-group-name /nope --log-stream-name s

# The soccer example: five functions and the machine deployed with the aws CLI, run for each position.
soccer_out=$("$here/../examples/soccer-training/deploy.sh" "$GUREUM_URL" 2>&1) || true
check "soccer: 공격수 trains 공격 훈련 then 볼 경합 훈련" grep -qF '공격 훈련\",\"볼 경합 훈련' <<<"$soccer_out"
check "soccer: 미드필더 trains 패스 훈련 then 프리킥 훈련" grep -qF '패스 훈련\",\"프리킥 훈련' <<<"$soccer_out"
check "soccer: 수비수 trains 수비 훈련 then 볼 경합 훈련" grep -qF '수비 훈련\",\"볼 경합 훈련' <<<"$soccer_out"
check "soccer: an unknown position fails as AWS fails it" grep -q 'Failed to transition out of the state' <<<"$soccer_out"

out=$(curl -s "$GUREUM_URL/_gureum/health")
check "health answers" json_eq 'd["status"]' '"ok"' "$out"
check "metrics answer" bash -c "curl -sf '$GUREUM_URL/metrics' | grep -q gureum_api_requests_total"
stop_gureum; check "clean shutdown on SIGTERM (exit $?)" test "$?" -eq 0
check "shutdown was logged" grep -q stopped "$work/data.log"

# With --auth, only requests signed by a configured key get in.
GUREUM_ACCESS_KEYS=AKIDCLI:cli-secret start_gureum "$bin" "$work/auth" --auth || exit 1
ep=(--endpoint-url "$GUREUM_URL")
check "signed with the right secret" env AWS_ACCESS_KEY_ID=AKIDCLI AWS_SECRET_ACCESS_KEY=cli-secret aws "${ep[@]}" stepfunctions list-state-machines
check "signed with the right secret (lambda)" env AWS_ACCESS_KEY_ID=AKIDCLI AWS_SECRET_ACCESS_KEY=cli-secret aws "${ep[@]}" lambda list-functions
expect_error "wrong secret" InvalidSignatureException env AWS_ACCESS_KEY_ID=AKIDCLI AWS_SECRET_ACCESS_KEY=nope aws "${ep[@]}" stepfunctions list-state-machines
expect_error "wrong secret (lambda)" InvalidSignatureException env AWS_ACCESS_KEY_ID=AKIDCLI AWS_SECRET_ACCESS_KEY=nope aws "${ep[@]}" lambda list-functions
expect_error "unknown key" UnrecognizedClientException aws "${ep[@]}" stepfunctions list-state-machines
expect_error "unsigned" MissingAuthenticationToken aws "${ep[@]}" --no-sign-request stepfunctions list-state-machines
stop_gureum; check "clean shutdown of the auth server (exit $?)" test "$?" -eq 0

echo "blackbox-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
