#!/usr/bin/env bash
# Builds the service's images for one commit, tests them as the task runs them (test-images.sh: the template
# task definition's containers, users, read-only roots and volumes; requests; JSON logs; graceful stop), and
# only then pushes them; prints each container's image by digest, one
# `CONTAINER=<registry>/<repository>@sha256:<digest>` a line: the arguments of render-deploy.sh.
#
#   build-images.sh COMMIT       (COMMIT: the image tag, the commit's first 12 characters)
#
# Which images, from the build project's environment (modules/pipeline/build-contract.ts, BUILD_ENV):
#   web + app  WEB_BASE_REPOSITORY and APP_BASE_REPOSITORY set: the base images through base-image.sh
#              (rebuilt only when their inputs change), then the configuration images docker/nginx and
#              docker/app on them, into WEB_REPOSITORY and APP_REPOSITORY.
#   node       SINGLE_REPOSITORY set and both base repositories empty: docker/node.
# Every build pulls public images from BASE_IMAGE_REGISTRY (ECR Public or a pull-through cache); repositories
# are names in ECR_REGISTRY. test-images.sh reads TEMPLATE_TASK_DEFINITION_ARN.
# Exit codes: 64 usage or environment, 1 a failed docker or aws command or a failed image test.
set -euo pipefail
shopt -s inherit_errexit

DOCKER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE_IMAGE_SCRIPT="$DOCKER_DIR/ci/base-image.sh"
TEST_IMAGES_SCRIPT="$DOCKER_DIR/ci/test-images.sh"

fail() {
  local code=$1
  shift
  echo "$(basename "$0"): $*" >&2
  exit "$code"
}

usage() {
  fail 64 "usage: $0 COMMIT"
}

require() {
  local name
  for name in "$@"; do
    [[ -n ${!name:-} ]] || fail 64 "$name is not set"
  done
}

# nginx-uwsgi or single, from which repositories the build project names.
layout() {
  if [[ -n ${WEB_BASE_REPOSITORY:-} && -n ${APP_BASE_REPOSITORY:-} && -z ${SINGLE_REPOSITORY:-} ]]; then
    echo nginx-uwsgi
  elif [[ -z ${WEB_BASE_REPOSITORY:-} && -z ${APP_BASE_REPOSITORY:-} && -n ${SINGLE_REPOSITORY:-} ]]; then
    echo single
  else
    fail 64 "set WEB_BASE_REPOSITORY and APP_BASE_REPOSITORY (web + app) or only SINGLE_REPOSITORY (node);" \
      "got WEB_BASE_REPOSITORY='${WEB_BASE_REPOSITORY:-}' APP_BASE_REPOSITORY='${APP_BASE_REPOSITORY:-}'" \
      "SINGLE_REPOSITORY='${SINGLE_REPOSITORY:-}'"
  fi
}

# The digest ECR stores for REPOSITORY:TAG (what the task definition pins).
digest_of() {
  local repository=$1 image_tag=$2 digest
  if ! digest=$(aws ecr describe-images --repository-name "${repository#*/}" --image-ids "imageTag=$image_tag" \
    --query 'imageDetails[0].imageDigest' --output text); then
    fail 1 "could not read the digest of $repository:$image_tag from ECR"
  fi
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || fail 1 "ECR gave no digest for $repository:$image_tag (got '$digest')"
  echo "$digest"
}

# Builds DIR into REPOSITORY:TAG (further arguments go to `docker build`).
build() {
  local dir=$1 repository=$2 image_tag=$3
  shift 3
  docker build --tag "$repository:$image_tag" "$@" "$dir" >&2 || fail 1 "docker build of $dir failed"
}

# Pushes REPOSITORY:TAG, prints REPOSITORY@DIGEST.
push() {
  local repository=$1 image_tag=$2 digest
  docker push "$repository:$image_tag" >&2 || fail 1 "docker push of $repository:$image_tag failed"
  digest=$(digest_of "$repository" "$image_tag")
  echo "$repository@$digest"
}

# Runs the built images as the task does; nothing is pushed unless they pass. Arguments: CONTAINER=IMAGE...
test_images() {
  bash "$TEST_IMAGES_SCRIPT" "$@" >&2 || fail 1 "the images failed their test (test-images.sh); nothing pushed"
}

build_web_and_app() {
  local commit=$1 web_base app_base web app
  require WEB_REPOSITORY APP_REPOSITORY
  web_base=$(bash "$BASE_IMAGE_SCRIPT" ensure "$DOCKER_DIR/nginx/base" "$ECR_REGISTRY/$WEB_BASE_REPOSITORY" \
    --build-arg "BASE_REGISTRY=$BASE_IMAGE_REGISTRY")
  app_base=$(bash "$BASE_IMAGE_SCRIPT" ensure "$DOCKER_DIR/uwsgi/base" "$ECR_REGISTRY/$APP_BASE_REPOSITORY" \
    --build-arg "BASE_REGISTRY=$BASE_IMAGE_REGISTRY")
  web=$ECR_REGISTRY/$WEB_REPOSITORY
  app=$ECR_REGISTRY/$APP_REPOSITORY
  build "$DOCKER_DIR/nginx" "$web" "$commit" --build-arg "BASE_IMAGE=$web_base"
  build "$DOCKER_DIR/app" "$app" "$commit" --build-arg "BASE_IMAGE=$app_base"
  test_images "web=$web:$commit" "app=$app:$commit"
  web=$(push "$web" "$commit")
  app=$(push "$app" "$commit")
  echo "web=$web"
  echo "app=$app"
}

build_single() {
  local commit=$1 node=$ECR_REGISTRY/$SINGLE_REPOSITORY
  build "$DOCKER_DIR/node" "$node" "$commit" --build-arg "BASE_REGISTRY=$BASE_IMAGE_REGISTRY"
  test_images "node=$node:$commit"
  node=$(push "$node" "$commit")
  echo "node=$node"
}

main() {
  [[ $# -eq 1 ]] || usage
  [[ $1 =~ ^[0-9a-f]{7,40}$ ]] || fail 64 "COMMIT '$1' is not a commit id (is CODEBUILD_RESOLVED_SOURCE_VERSION set?)"
  require ECR_REGISTRY BASE_IMAGE_REGISTRY
  local mode
  mode=$(layout)
  case $mode in
    nginx-uwsgi) build_web_and_app "$1" ;;
    single) build_single "$1" ;;
  esac
}

main "$@"
