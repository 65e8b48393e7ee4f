#!/usr/bin/env bash
# Writes the deploy inputs into the current directory, from the task definition revision Terraform registered
# (the template: everything but the images) and the images the build pushed:
#   taskdef.json           the template, its read-only fields removed and each container's image replaced
#   imagedefinitions.json  [{"name": CONTAINER, "imageUri": IMAGE}] of the images given
#   appspec.yaml           CodeDeploy's ECS AppSpec, blueGreen only: the load balancer's container and port, and
#                          the network configuration, platform version and capacity provider strategy from the
#                          template's deploy:* tags (ECS refuses to change those on the service itself)
#
#   render-deploy.sh CONTAINER=IMAGE@sha256:DIGEST...     (one argument per container of the template)
#
# Environment (modules/pipeline/build-contract.ts, BUILD_ENV): TEMPLATE_TASK_DEFINITION_ARN; DEPLOYMENT_MODE,
# rolling or blueGreen; CONTAINER_NAME and CONTAINER_PORT, the load balancer's target (blueGreen only).
# Exit codes: 64 usage or environment, 65 images that do not fit the template, 1 aws failed.
#
# JSON is handled by node: CodeBuild's amazonlinux images carry it, so the script needs nothing more on
# CodeBuild's image or a developer's machine, and JSON.parse/stringify carry every other value of the template over unchanged.
set -euo pipefail
shopt -s inherit_errexit

NAME=$(basename "$0")
OUTPUTS=(taskdef.json imagedefinitions.json appspec.yaml)
IMAGE_ARGUMENT='^[A-Za-z0-9_-]+=[^[:space:]@]+@sha256:[0-9a-f]{64}$'

fail() {
  local code=$1
  shift
  echo "$NAME: $*" >&2
  exit "$code"
}

usage() {
  fail 64 "usage: $NAME CONTAINER=IMAGE@sha256:DIGEST... (env TEMPLATE_TASK_DEFINITION_ARN, DEPLOYMENT_MODE," \
    "and CONTAINER_NAME, CONTAINER_PORT when blueGreen)"
}

check_inputs() {
  [[ $# -gt 0 ]] || usage
  [[ -n ${TEMPLATE_TASK_DEFINITION_ARN:-} ]] || fail 64 "TEMPLATE_TASK_DEFINITION_ARN is not set"
  case ${DEPLOYMENT_MODE:-} in
    rolling) ;;
    blueGreen)
      [[ ${CONTAINER_NAME:-} =~ ^[A-Za-z0-9_-]+$ ]] || fail 64 "CONTAINER_NAME '${CONTAINER_NAME:-}' is not a container name"
      if ! [[ ${CONTAINER_PORT:-} =~ ^[1-9][0-9]{0,4}$ ]] || ((CONTAINER_PORT > 65535)); then
        fail 64 "CONTAINER_PORT '${CONTAINER_PORT:-}' is not a port number"
      fi
      ;;
    *) fail 64 "DEPLOYMENT_MODE must be rolling or blueGreen, got '${DEPLOYMENT_MODE:-}'" ;;
  esac
  local argument
  for argument in "$@"; do
    [[ $argument =~ $IMAGE_ARGUMENT ]] || fail 64 "'$argument' is not CONTAINER=IMAGE@sha256:DIGEST (images deploy by digest)"
  done
}

describe_template() {
  aws ecs describe-task-definition --task-definition "$TEMPLATE_TASK_DEFINITION_ARN" --include TAGS --output json ||
    fail 1 "could not read the template task definition $TEMPLATE_TASK_DEFINITION_ARN"
}

# stdin: describe-task-definition's answer; arguments: CONTAINER=IMAGE. Writes taskdef.json and
# imagedefinitions.json, or lists every mismatch with the template and exits 65. In blueGreen mode the load
# balancer's container must be in the template and map its port.
# shellcheck disable=SC2016 # JavaScript, not shell
RENDER_JS='
const fs = require("node:fs");
const READ_ONLY = ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
  "registeredAt", "registeredBy", "deregisteredAt"];
const [name, arn, lbContainer, lbPort] = process.argv.slice(1, 5);
const pairs = process.argv.slice(5).map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]);
const stop = (messages) => {
  process.stderr.write(messages.map((m) => `${name}: ${m}\n`).join(""));
  process.exit(65);
};
let template;
let tags;
try {
  const described = JSON.parse(fs.readFileSync(0, "utf8"));
  template = described.taskDefinition;
  tags = described.tags ?? [];
} catch (error) {
  stop([`describe-task-definition ${arn} did not answer JSON: ${error.message}`]);
}
if (!Array.isArray(template?.containerDefinitions)) stop([`${arn} has no taskDefinition.containerDefinitions`]);
const images = new Map(pairs);
const inTemplate = template.containerDefinitions.map((c) => c.name);
const errors = [
  ...pairs.filter(([c], i) => pairs.findIndex(([o]) => o === c) !== i).map(([c]) => `${c} is given twice`),
  ...[...images.keys()].filter((c) => !inTemplate.includes(c)).map((c) => `${c} is not a container of ${arn}`),
  ...inTemplate.filter((c) => !images.has(c)).map((c) => `container ${c} of ${arn} is given no image`),
];
if (lbContainer) {
  const front = template.containerDefinitions.find((c) => c.name === lbContainer);
  if (!front) errors.push(`the load balancer target ${lbContainer} is not a container of ${arn}`);
  else if (!(front.portMappings ?? []).some((m) => m.containerPort === Number(lbPort))) {
    errors.push(`container ${lbContainer} of ${arn} maps no port ${lbPort}, the load balancer target`);
  }
}
// blueGreen: what UpdateService refuses under CODE_DEPLOY travels in the AppSpec, from the template tags
// Terraform set (modules/service/code-deploy-fields.ts, DEPLOY_TAGS).
const appSpec = lbContainer ? appSpecFrom(tags, errors) : undefined;
if (errors.length > 0) stop(errors);
const taskDefinition = Object.fromEntries(Object.entries(template).filter(([key]) => !READ_ONLY.includes(key)));
taskDefinition.containerDefinitions = template.containerDefinitions.map((c) => ({ ...c, image: images.get(c.name) }));
const write = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
write("taskdef.json", taskDefinition);
write("imagedefinitions.json", pairs.map(([c, imageUri]) => ({ name: c, imageUri })));
if (appSpec) fs.writeFileSync("appspec.yaml", appSpec);

function appSpecFrom(tags, errors) {
  const tag = (key, pattern) => {
    const value = tags.find((t) => t.key === key)?.value;
    const items = (value ?? "").split(" ").filter(Boolean);
    if (items.length === 0 || !items.every((i) => pattern.test(i))) {
      errors.push(`tag ${key} of ${arn} is ${value === undefined ? "missing" : JSON.stringify(value)}: the template must carry it (blueGreen)`);
    }
    return items;
  };
  const subnets = tag("deploy:subnets", /^subnet-[0-9a-f]+$/);
  const groups = tag("deploy:security-groups", /^sg-[0-9a-f]+$/);
  const [publicIp] = tag("deploy:assign-public-ip", /^(ENABLED|DISABLED)$/);
  const [platform] = tag("deploy:platform-version", /^(LATEST|\d+\.\d+\.\d+)$/);
  const strategy = tag("deploy:capacity-provider-strategy", /^FARGATE(_SPOT)?:\d+:\d+$/).map((i) => i.split(":"));
  const q = JSON.stringify;
  return [
    "version: 0.0",
    "Resources:",
    "  - TargetService:",
    "      Type: AWS::ECS::Service",
    "      Properties:",
    `        TaskDefinition: ${q("<TASK_DEFINITION>")}`,
    "        LoadBalancerInfo:",
    `          ContainerName: ${q(lbContainer)}`,
    `          ContainerPort: ${Number(lbPort)}`,
    `        PlatformVersion: ${q(platform)}`,
    "        NetworkConfiguration:",
    "          AwsvpcConfiguration:",
    `            Subnets: ${q(subnets)}`,
    `            SecurityGroups: ${q(groups)}`,
    `            AssignPublicIp: ${q(publicIp)}`,
    "        CapacityProviderStrategy:",
    ...strategy.flatMap(([provider, weight, base]) => [
      `          - CapacityProvider: ${q(provider)}`,
      `            Weight: ${Number(weight)}`,
      `            Base: ${Number(base)}`,
    ]),
    "",
  ].join("\n");
}
'

render_task_definition() {
  local lb_container="" lb_port=""
  if [[ $DEPLOYMENT_MODE == blueGreen ]]; then
    lb_container=$CONTAINER_NAME
    lb_port=$CONTAINER_PORT
  fi
  node -e "$RENDER_JS" -- "$NAME" "$TEMPLATE_TASK_DEFINITION_ARN" "$lb_container" "$lb_port" "$@"
}

main() {
  check_inputs "$@"
  rm -f "${OUTPUTS[@]}"
  local template
  template=$(describe_template)
  render_task_definition "$@" <<<"$template"
  local written=(taskdef.json imagedefinitions.json)
  # blueGreen: the render wrote appspec.yaml too; CodeDeploy fills in <TASK_DEFINITION> with the revision it
  # registers from taskdef.json.
  if [[ $DEPLOYMENT_MODE == blueGreen ]]; then written+=(appspec.yaml); fi
  echo "$NAME: wrote ${written[*]} from $TEMPLATE_TASK_DEFINITION_ARN" >&2
}

main "$@"
