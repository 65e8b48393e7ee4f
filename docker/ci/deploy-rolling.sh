#!/usr/bin/env bash
# The rolling deploy: registers the rendered task definition, points the service at the new revision and
# waits until the service runs it. ECS's circuit breaker and the rollback alarms may roll the deployment
# back; the service is then stable on the old revision, so the script checks which revision won.
#
#   deploy-rolling.sh [TASKDEF]       (default taskdef.json, from the build's output artifact)
#
# Environment (modules/pipeline/build-contract.ts, DEPLOY_ENV): CLUSTER_NAME, SERVICE_NAME.
# Exit codes: 64 usage or environment, 66 no task definition file, 1 a failed or rolled-back deployment.
set -euo pipefail
shopt -s inherit_errexit

NAME=$(basename "$0")
# `aws ecs wait services-stable` gives up after 10 minutes; a rollout still in progress gets more rounds.
readonly WAIT_ROUNDS=3

fail() {
  local code=$1
  shift
  echo "$NAME: $*" >&2
  exit "$code"
}

check_inputs() {
  [[ $# -le 1 ]] || fail 64 "usage: $NAME [TASKDEF]   (env CLUSTER_NAME, SERVICE_NAME)"
  local name
  for name in CLUSTER_NAME SERVICE_NAME; do
    [[ -n ${!name:-} ]] || fail 64 "$name is not set"
  done
  [[ -f ${1:-taskdef.json} ]] || fail 66 "${1:-taskdef.json} does not exist"
}

# Prints the ARN of the revision registered from FILE.
register_revision() {
  local file=$1 arn
  if ! arn=$(aws ecs register-task-definition --cli-input-json "file://$file" \
    --query taskDefinition.taskDefinitionArn --output text); then
    fail 1 "could not register $file"
  fi
  [[ $arn == arn:*:task-definition/* ]] || fail 1 "register-task-definition gave no task definition ARN (got '$arn')"
  echo "$arn"
}

update_service() {
  local arn=$1
  aws ecs update-service --cluster "$CLUSTER_NAME" --service "$SERVICE_NAME" --task-definition "$arn" \
    --query service.serviceArn --output text >&2 ||
    fail 1 "could not update service $SERVICE_NAME of cluster $CLUSTER_NAME to $arn"
}

# "<task definition ARN> <rollout state>" of the service's primary deployment.
primary_deployment() {
  local deployment
  # shellcheck disable=SC2016 # the backquotes are JMESPath's literal quotes
  if ! deployment=$(aws ecs describe-services --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME" \
    --query 'services[0].deployments[?status==`PRIMARY`] | [0].[taskDefinition, rolloutState]' --output text); then
    fail 1 "could not describe service $SERVICE_NAME of cluster $CLUSTER_NAME"
  fi
  echo "${deployment//$'\t'/ }"
}

# Fails unless the service settles on ARN: a rollback leaves it stable on another revision.
check_primary() {
  local arn=$1 state=$2
  case $state in
    "$arn COMPLETED" | "$arn IN_PROGRESS") ;;
    "$arn "*) fail 1 "the deployment of $arn failed: rollout state ${state#* }" ;;
    *) fail 1 "$SERVICE_NAME rolled back: its primary deployment runs ${state%% *}, not $arn" ;;
  esac
}

wait_for_rollout() {
  local arn=$1 round state
  for ((round = 1; ; round++)); do
    if aws ecs wait services-stable --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME"; then
      state=$(primary_deployment)
      check_primary "$arn" "$state"
      return 0
    fi
    state=$(primary_deployment)
    check_primary "$arn" "$state"
    ((round < WAIT_ROUNDS)) || fail 1 "$SERVICE_NAME is not stable on $arn after $WAIT_ROUNDS waits: $state"
    echo "$NAME: $SERVICE_NAME still rolling out $arn (wait $round of $WAIT_ROUNDS)" >&2
  done
}

main() {
  check_inputs "$@"
  local arn
  arn=$(register_revision "${1:-taskdef.json}")
  echo "$NAME: registered $arn" >&2
  update_service "$arn"
  wait_for_rollout "$arn"
  echo "$NAME: $SERVICE_NAME of $CLUSTER_NAME runs $arn" >&2
}

main "$@"
