#!/usr/bin/env bash
# Deploys the five training functions and the state machine with the aws CLI,
# then runs the machine for 공격수, 미드필더, 수비수 and an unknown position.
# Usage: examples/soccer-training/deploy.sh [ENDPOINT]   (default http://127.0.0.1:4566)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ep=(--endpoint-url "${1:-http://127.0.0.1:4566}")
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1} AWS_PAGER=
zip=$(mktemp --suffix .zip)
trap 'rm -f "$zip"' EXIT
(cd "$here/functions" && python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write('training.js'); z.close()" "$zip")
while read -r name training; do
  aws "${ep[@]}" lambda create-function --function-name "$name" --runtime nodejs20.x --handler training.handler \
    --role arn:aws:iam::000000000000:role/lambda --zip-file "fileb://$zip" \
    --environment "Variables={TRAINING=$training}" >/dev/null
  aws "${ep[@]}" lambda wait function-active-v2 --function-name "$name"
done < "$here/functions.txt"
arn=$(aws "${ep[@]}" stepfunctions create-state-machine --name 축구-유소년-자동-훈련-시스템 \
  --definition "file://$here/definition.json" --role-arn arn:aws:iam::000000000000:role/stepfunctions \
  --query stateMachineArn --output text)
echo "state machine: $arn"
for position in 공격수 미드필더 수비수 골키퍼; do
  exec_arn=$(aws "${ep[@]}" stepfunctions start-execution --state-machine-arn "$arn" \
    --input "{\"TraningType\":\"$position\",\"player\":\"민준\"}" --query executionArn --output text)
  while [ "$(aws "${ep[@]}" stepfunctions describe-execution --execution-arn "$exec_arn" --query status --output text)" = RUNNING ]; do
    sleep 0.2
  done
  aws "${ep[@]}" stepfunctions describe-execution --execution-arn "$exec_arn" \
    --query '{status: status, output: output, error: error, cause: cause}' --output json
done
