#!/bin/sh
# Starts nginx for the web container:
# 1. writes /run/nginx/real-ip.conf from $VPC_CIDR, so nginx believes X-Forwarded-For only from the VPC, and
#    /run/nginx/client-address.conf from $FORWARDED_HOPS, which entry of it is the client;
# 2. runs nginx in the foreground and turns the stop signal into nginx's graceful stop (SIGQUIT). ECS sends
#    the image's STOPSIGNAL (SIGQUIT) where it honours it and SIGTERM where it does not; nginx's own SIGTERM
#    handling would drop the requests in flight.
set -eu

real_ip_conf=/run/nginx/real-ip.conf

if [ -z "${VPC_CIDR:-}" ]; then
  echo "docker-entrypoint: VPC_CIDR is not set: give the VPC CIDR block(s), comma-separated, whose" \
    "X-Forwarded-For nginx may trust (for example VPC_CIDR=10.0.0.0/16)" >&2
  exit 64
fi

: >"$real_ip_conf.tmp"
for cidr in $(printf '%s' "$VPC_CIDR" | tr ',' ' '); do
  case "$cidr" in
    */*[!0-9]* | */ | *[!0-9a-fA-F:./]*)
      echo "docker-entrypoint: VPC_CIDR: '$cidr' is not a CIDR block such as 10.0.0.0/16" >&2
      exit 64
      ;;
    */*) printf 'set_real_ip_from %s;\n' "$cidr" >>"$real_ip_conf.tmp" ;;
    *)
      echo "docker-entrypoint: VPC_CIDR: '$cidr' has no prefix length (10.0.0.0/16, not 10.0.0.0)" >&2
      exit 64
      ;;
  esac
done
mv "$real_ip_conf.tmp" "$real_ip_conf"

# The client is the X-Forwarded-For entry FORWARDED_HOPS from the right (1: the ALB's; 2: CloudFront's, with
# the ALB's after it), believed only from a trusted peer (nginx.conf: $forwarded_by_trusted_peer).
client_address_conf=/run/nginx/client-address.conf
case "${FORWARDED_HOPS:-1}" in
  1) printf 'map $remote_addr $client_address {\n  default $remote_addr;\n}\n' >"$client_address_conf" ;;
  2)
    cat >"$client_address_conf" <<'EOF'
map "$forwarded_by_trusted_peer$http_x_forwarded_for" $client_address {
  "~^1(?:.*,)?\s*(?<viewer>[^,\s]+)\s*,\s*[^,\s]+\s*$" $viewer;
  default $remote_addr;
}
EOF
    ;;
  *)
    echo "docker-entrypoint: FORWARDED_HOPS: expected 1 (the ALB) or 2 (CloudFront, then the ALB), got '$FORWARDED_HOPS'" >&2
    exit 64
    ;;
esac

nginx -e stderr -c /etc/nginx/nginx.conf &
nginx_pid=$!
trap 'kill -QUIT "$nginx_pid" 2>/dev/null || true' TERM QUIT INT

# wait returns early when a trapped signal arrives; keep waiting until nginx itself has exited.
status=0
while :; do
  wait "$nginx_pid" && status=0 || status=$?
  kill -0 "$nginx_pid" 2>/dev/null || break
done
exit "$status"
