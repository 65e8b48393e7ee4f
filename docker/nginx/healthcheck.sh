#!/bin/bash
# ECS health check for the web container: GET http://127.0.0.1:<port><path> must answer 200.
# bash's /dev/tcp instead of curl, so the image carries no HTTP client. Usage: healthcheck PORT PATH
set -euo pipefail
port=${1:?usage: healthcheck PORT PATH}
path=${2:?usage: healthcheck PORT PATH}

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: ecs-healthcheck\r\n\r\n' "$path" >&3
IFS=' ' read -r -t 3 _protocol status _reason <&3
[[ $status == 200 ]]
