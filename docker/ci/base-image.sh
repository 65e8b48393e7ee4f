#!/usr/bin/env bash
# Base images are rebuilt only when their inputs change: a base image's tag is a hash of its build context
# (every file under docker/<server>/base, names and contents), so an unchanged context finds its image in ECR.
#
#   base-image.sh tag DIR                               prints the tag of the base image built from DIR
#   base-image.sh ensure DIR REPOSITORY [BUILD_OPTION...]
#       builds and pushes REPOSITORY:TAG unless ECR already has that tag, then prints REPOSITORY:TAG
#       (REPOSITORY is <registry>/<name>; BUILD_OPTIONs go to `docker build`, e.g. --build-arg BASE_REGISTRY=...)
#
# Build options are not part of the tag: BASE_REGISTRY only says where the same pinned upstream image is
# pulled from, so switching it does not rebuild. Exit codes: 64 usage, 66 no such directory, 1 aws or docker.
set -euo pipefail
shopt -s inherit_errexit

usage() {
  echo "usage: $0 tag DIR | $0 ensure DIR REPOSITORY [BUILD_OPTION...]" >&2
  exit 64
}

tag() {
  local dir=$1
  [[ -d $dir ]] || { echo "$0: $dir is not a directory" >&2; exit 66; }
  local digest
  digest=$(cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum)
  echo "base-${digest:0:16}"
}

# Exit 0 when the tag is in ECR, 1 when ECR says it is not; any other failure (credentials, a missing
# repository) stops the build instead of passing for "not there".
in_ecr() {
  local repository=$1 image_tag=$2 output
  if output=$(aws ecr describe-images --repository-name "${repository#*/}" --image-ids "imageTag=$image_tag" 2>&1); then
    return 0
  fi
  if [[ $output == *ImageNotFoundException* ]]; then
    return 1
  fi
  echo "$0: aws ecr describe-images failed: $output" >&2
  exit 1
}

ensure() {
  local dir=$1 repository=$2 image_tag
  shift 2
  image_tag=$(tag "$dir")
  if in_ecr "$repository" "$image_tag"; then
    echo "$0: $repository:$image_tag is in ECR, not rebuilt" >&2
  else
    echo "$0: building $repository:$image_tag from $dir" >&2
    docker build --tag "$repository:$image_tag" "$@" "$dir" >&2
    docker push "$repository:$image_tag" >&2
  fi
  echo "$repository:$image_tag"
}

case "${1:-}" in
  tag) [[ $# -eq 2 ]] || usage; tag "$2" ;;
  ensure) [[ $# -ge 3 ]] || usage; shift; ensure "$@" ;;
  *) usage ;;
esac
