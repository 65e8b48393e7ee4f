#!/usr/bin/env bash
# Tests the images a build just made, before any push, by running them as the task runs them: the containers
# of the template task definition Terraform registered, each from its new image, with the template's user,
# read-only root, dropped capabilities, init process, ulimits, environment and mount points (a volume two
# containers mount is one shared docker volume, as the socket's is; a volume one container mounts is a tmpfs
# owned by its user), started in dependsOn order once each dependency passes its ECS health check. Then:
#   - GET / through the front container's published port: 200, a JSON body and a request id;
#   - every container's ECS health check (docker exec of its CMD, or of /bin/sh -c for CMD-SHELL) passes;
#   - every line each container wrote to stdout is JSON, and the request's id is in the front's log;
#   - the containers stop in ECS's order (dependents first), each within the template's stopTimeout, exit 0.
# Everything it started is removed on exit, pass or fail.
#
#   test-images.sh CONTAINER=IMAGE...     (one argument per container of the template; local tags are fine)
#
# Environment (modules/pipeline/build-contract.ts, BUILD_ENV): TEMPLATE_TASK_DEFINITION_ARN. Needs docker, aws,
# curl and node: all on CodeBuild's amazonlinux images (no apt-get, no Debian package).
# Exit codes: 64 usage or environment, 65 a template this script cannot run, 1 a failed test or command.
set -euo pipefail
shopt -s inherit_errexit

NAME=$(basename "$0")
PREFIX=fws-image-test
WORK=$(mktemp -d)
STARTED=()

fail() {
  local code=$1
  shift
  echo "$NAME: $*" >&2
  exit "$code"
}

cleanup() {
  local name
  for name in "${STARTED[@]}"; do docker rm --force --volumes "$PREFIX-$name" >/dev/null 2>&1 || true; done
  if [[ -f $WORK/shared-volumes ]]; then
    while read -r name; do docker volume rm --force "$PREFIX-$name" >/dev/null 2>&1 || true; done <"$WORK/shared-volumes"
  fi
  docker network rm "$PREFIX" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# stdin: describe-task-definition's answer; arguments: NAME PREFIX WORK CONTAINER=IMAGE... Writes, into WORK:
#   order                   container names in start order (dependencies first)
#   run-<name>              `docker run` arguments, one a line, the image last
#   health-<name>           the ECS health check as docker exec arguments, NUL-separated (CMD-SHELL:
#                           /bin/sh -c COMMAND, as Docker runs it for ECS; absent: none)
#   stop-timeout-<name>     seconds
#   front                   "<name> <port>": the first container with a port mapping
#   shared-volumes          volumes two or more containers mount
# shellcheck disable=SC2016 # JavaScript, not shell
PLAN_JS='
const fs = require("node:fs");
const [name, prefix, work, ...pairs] = process.argv.slice(1);
const stop = (m) => { process.stderr.write(m.map((x) => `${name}: ${x}\n`).join("")); process.exit(65); };
const template = JSON.parse(fs.readFileSync(0, "utf8")).taskDefinition;
const containers = template?.containerDefinitions ?? [];
const images = new Map(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
const errors = [
  ...containers.filter((c) => !images.has(c.name)).map((c) => `container ${c.name} of the template is given no image`),
  ...[...images.keys()].filter((n) => !containers.some((c) => c.name === n)).map((n) => `${n} is not a container of the template`),
  ...containers.flatMap((c) => ["CMD", "CMD-SHELL"].includes(c.healthCheck?.command?.[0] ?? "CMD") ? [] : [`${c.name}: only CMD and CMD-SHELL health checks run here`]),
];
if (containers.length === 0) errors.push("the template has no containers");
if (errors.length > 0) stop(errors);
const users = new Map();
for (const c of containers) for (const m of c.mountPoints ?? []) users.set(m.sourceVolume, [...(users.get(m.sourceVolume) ?? []), c.name]);
const shared = [...users].filter(([, by]) => by.length > 1).map(([v]) => v);
const order = [];
const visit = (c, path = []) => {
  if (order.includes(c.name)) return;
  if (path.includes(c.name)) stop([`dependsOn cycle: ${[...path, c.name].join(" -> ")}`]);
  for (const d of c.dependsOn ?? []) visit(containers.find((o) => o.name === d.containerName), [...path, c.name]);
  order.push(c.name);
};
for (const c of containers) visit(c);
const lines = (file, values) => fs.writeFileSync(`${work}/${file}`, values.map((v) => `${v}\n`).join(""));
for (const c of containers) {
  const [uid, gid] = (c.user ?? "").split(":");
  const args = ["--detach", "--name", `${prefix}-${c.name}`, "--network", prefix];
  if (c.user) args.push("--user", c.user);
  if (c.readonlyRootFilesystem) args.push("--read-only");
  if (c.linuxParameters?.initProcessEnabled) args.push("--init");
  for (const cap of c.linuxParameters?.capabilities?.drop ?? []) args.push("--cap-drop", cap);
  for (const u of c.ulimits ?? []) args.push("--ulimit", `${u.name}=${u.softLimit}:${u.hardLimit}`);
  for (const e of c.environment ?? []) args.push("--env", `${e.name}=${e.value}`);
  // Secrets come from AWS at task start; a placeholder stands in for each.
  for (const s of c.secrets ?? []) args.push("--env", `${s.name}=image-test-placeholder`);
  for (const m of c.mountPoints ?? []) {
    if (shared.includes(m.sourceVolume)) {
      args.push("--mount", `type=volume,src=${prefix}-${m.sourceVolume},dst=${m.containerPath}${m.readOnly ? ",readonly" : ""}`);
    } else {
      const owner = uid ? `,uid=${uid}${gid ? `,gid=${gid}` : ""}` : "";
      args.push("--tmpfs", `${m.containerPath}:rw,nosuid,nodev,mode=0750${owner}`);
    }
  }
  for (const p of c.portMappings ?? []) args.push("--publish", `127.0.0.1::${p.containerPort}`);
  args.push("--stop-timeout", String(c.stopTimeout ?? 30), images.get(c.name));
  lines(`run-${c.name}`, args);
  // CMD-SHELL runs as Docker runs it for ECS: /bin/sh -c in the container, with the command string.
  const [kind, ...command] = c.healthCheck?.command ?? [];
  const health = kind === "CMD-SHELL" ? ["/bin/sh", "-c", ...command] : command;
  // NUL-separated: a shell command may span lines.
  if (kind) fs.writeFileSync(`${work}/health-${c.name}`, health.map((v) => `${v}\0`).join(""));
  lines(`stop-timeout-${c.name}`, [c.stopTimeout ?? 30]);
}
const front = containers.find((c) => (c.portMappings ?? []).length > 0);
if (!front) stop(["no container of the template maps a port"]);
lines("front", [`${front.name} ${front.portMappings[0].containerPort}`]);
lines("order", order);
lines("shared-volumes", shared);
'

check_inputs() {
  [[ $# -gt 0 ]] || fail 64 "usage: $NAME CONTAINER=IMAGE... (env TEMPLATE_TASK_DEFINITION_ARN)"
  [[ -n ${TEMPLATE_TASK_DEFINITION_ARN:-} ]] || fail 64 "TEMPLATE_TASK_DEFINITION_ARN is not set"
  local argument
  for argument in "$@"; do
    [[ $argument =~ ^[A-Za-z0-9_-]+=[^[:space:]]+$ ]] || fail 64 "'$argument' is not CONTAINER=IMAGE"
  done
}

plan() {
  local template
  template=$(aws ecs describe-task-definition --task-definition "$TEMPLATE_TASK_DEFINITION_ARN" --output json) ||
    fail 1 "could not read the template task definition $TEMPLATE_TASK_DEFINITION_ARN"
  node -e "$PLAN_JS" -- "$NAME" "$PREFIX" "$WORK" "$@" <<<"$template"
}

# Runs NAME's ECS health check in it until it passes, for up to 60 s.
wait_healthy() {
  local name=$1 attempt command
  [[ -f $WORK/health-$name ]] || return 0
  mapfile -d '' -t command <"$WORK/health-$name"
  for attempt in $(seq 60); do
    if docker exec "$PREFIX-$name" "${command[@]}" >/dev/null 2>&1; then return 0; fi
    [[ $(docker inspect --format '{{.State.Running}}' "$PREFIX-$name") == true ]] ||
      fail 1 "$name exited before its health check passed: $(docker logs --tail 20 "$PREFIX-$name" 2>&1)"
    ((attempt < 60)) && sleep 1
  done
  fail 1 "$name: its health check did not pass within 60 s"
}

start_all() {
  local name args volume
  docker network create "$PREFIX" >/dev/null || fail 1 "docker network create failed"
  while read -r volume; do
    docker volume create "$PREFIX-$volume" >/dev/null || fail 1 "docker volume create $volume failed"
  done <"$WORK/shared-volumes"
  while read -r name; do
    mapfile -t args <"$WORK/run-$name"
    STARTED+=("$name")
    docker run "${args[@]}" >/dev/null || fail 1 "docker run of $name failed"
    wait_healthy "$name"
  done <"$WORK/order"
}

# stdin: an HTTP response with its head (curl --include); prints its X-Request-Id, or the problem and exit 1.
# shellcheck disable=SC2016 # JavaScript, not shell
RESPONSE_JS='
const text = require("node:fs").readFileSync(0, "utf8");
const split = text.indexOf("\r\n\r\n");
const head = (split < 0 ? text : text.slice(0, split)).split("\r\n");
const body = split < 0 ? "" : text.slice(split + 4);
const status = (head[0] ?? "").split(" ")[1];
const id = head.find((h) => /^x-request-id:/i.test(h))?.split(":")[1].trim();
const problem =
  status !== "200" ? `expected 200, got ${status ?? "no status"}` :
  !id ? "no X-Request-Id in the response" :
  (() => { try { JSON.parse(body); return ""; } catch { return `expected a JSON body, got: ${body.slice(0, 200)}`; } })();
if (problem) { console.log(problem); process.exit(1); }
console.log(id);
'

# GET PATH through the front container; prints the response's X-Request-Id: 200 and a JSON body, or fail.
request() {
  local path=$1 address=$2 response result
  response=$(curl --silent --show-error --max-time 10 --include "http://$address$path") ||
    fail 1 "GET $path: curl failed"
  result=$(node -e "$RESPONSE_JS" <<<"$response") || fail 1 "GET $path: $result"
  echo "$result"
}

# Every stdout line of every container is JSON; the front's log has the request id.
check_logs() {
  local request_id=$1 front=$2 name log
  while read -r name; do
    log=$WORK/log-$name
    docker logs "$PREFIX-$name" >"$log" 2>/dev/null || fail 1 "docker logs $name failed"
    node -e '
      const lines = require("node:fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
      const bad = lines.filter((l) => { try { return typeof JSON.parse(l) !== "object"; } catch { return true; } });
      if (bad.length > 0) { console.error(bad.slice(0, 3).join("\n")); process.exit(1); }' "$log" 2>"$WORK/bad" ||
      fail 1 "$name wrote a stdout line that is not JSON: $(cat "$WORK/bad")"
  done <"$WORK/order"
  grep -q "$request_id" "$WORK/log-$front" || fail 1 "$front's log has no line for request $request_id"
}

# Dependents first (the reverse of the start order), each within its stopTimeout, each exiting 0.
stop_all() {
  local names name timeout code
  mapfile -t names <"$WORK/order"
  for ((i = ${#names[@]} - 1; i >= 0; i--)); do
    name=${names[i]}
    timeout=$(cat "$WORK/stop-timeout-$name")
    docker stop --time "$timeout" "$PREFIX-$name" >/dev/null || fail 1 "docker stop $name failed"
    code=$(docker inspect --format '{{.State.ExitCode}}' "$PREFIX-$name")
    [[ $code == 0 ]] || fail 1 "$name exited $code on stop, not 0 (a graceful stop)"
  done
}

main() {
  check_inputs "$@"
  plan "$@"
  start_all
  local front port address id name
  read -r front port <"$WORK/front"
  address=$(docker port "$PREFIX-$front" "$port" | head -n 1)
  [[ $address =~ ^[0-9.]+:[0-9]+$ ]] || fail 1 "docker port $front $port gave '$address'"
  id=$(request / "$address")
  # Still healthy after serving: each container's ECS health check, which asks its health path.
  while read -r name; do wait_healthy "$name"; done <"$WORK/order"
  check_logs "$id" "$front"
  stop_all
  echo "$NAME: $(paste -sd ' ' "$WORK/order") passed: requests through $front, JSON logs, graceful stop" >&2
}

main "$@"
