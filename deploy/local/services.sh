#!/usr/bin/env bash
# The five services, each its own process (python -m jiaodui_<name>) on its own port.
#
#   bash deploy/local/services.sh start|stop|restart|status [name...]
#
# start is idempotent: a service whose process runs and answers /healthz is left alone.
_SERVICES_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_SERVICES_HERE/env.sh"
PYTHON=${JIAODUI_PYTHON:-$JIAODUI_ROOT/.venv/bin/python}

service_port() { local var="${1^^}_PORT"; echo "${!var}"; }

# the environment every service gets: where the stack is, and dev settings
_service_env() {
  local name=$1 upper=${1^^}
  echo "JIAODUI_${upper}_HTTP_PORT=$(service_port "$name")"
  echo "JIAODUI_DATABASE_URL=postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$name"
  echo "JIAODUI_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
  echo "JIAODUI_KAFKA_PARTITIONS=$KAFKA_PARTITIONS"
  echo "JIAODUI_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "JIAODUI_JWKS_URL=http://127.0.0.1:$IDENTITY_PORT/.well-known/jwks.json"
  echo "JIAODUI_PUBLIC_BASE_URL=${JIAODUI_PUBLIC_BASE_URL:-http://localhost:$GATEWAY_PORT}"
  echo "JIAODUI_NOTIFY_SMTP_PORT=$SMTP_PORT"
  echo "JIAODUI_NOTIFY_SMS_URL=http://127.0.0.1:$SMS_PORT/v1/messages"
  echo "JIAODUI_STACK_DIR=$STACK_DIR"
  # test suites log in from 127.0.0.1 hundreds of times an hour (production keeps the
  # service defaults: 30 failed logins per IP per minute, 300 per hour)
  echo "JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_MIN=${JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_MIN:-1000}"
  echo "JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_HOUR=${JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_HOUR:-100000}"
}

service_healthy() { http_ok "http://127.0.0.1:$(service_port "$1")/healthz"; }
service_ready() { http_ok "http://127.0.0.1:$(service_port "$1")/readyz"; }

service_start() {
  local name=$1
  if pid_alive "svc-$name" && service_healthy "$name"; then return 0; fi
  stop_pid "svc-$name" 5
  local -a env_vars
  mapfile -t env_vars < <(_service_env "$name")
  (cd "$JIAODUI_ROOT" && spawn_bg "svc-$name" env "${env_vars[@]}" "$PYTHON" -m "jiaodui_$name")
}

services_start() {
  local name failed=0 names=${*:-$SERVICES}
  for name in $names; do service_start "$name" || failed=1; done
  for name in $names; do
    if wait_for "$name" 90 service_ready "$name"; then
      log "$name ready on :$(service_port "$name")"
    else
      failed=1
      log "$name FAILED; last lines of $LOG_DIR/svc-$name.log:"
      tail -n 15 "$LOG_DIR/svc-$name.log" 2>/dev/null | sed 's/^/    /' >&2
    fi
  done
  return $failed
}

services_stop() {
  local name
  for name in ${*:-$SERVICES}; do stop_pid "svc-$name" 20; done
}

services_status() {
  local name state
  for name in $SERVICES; do
    if service_ready "$name"; then state=ready
    elif pid_alive "svc-$name"; then state=starting
    else state=stopped
    fi
    printf '%-12s %-9s http://127.0.0.1:%s\n' "$name" "$state" "$(service_port "$name")"
  done
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  cmd=${1:-}
  shift || true
  case $cmd in
    start) services_start "$@" ;;
    stop) services_stop "$@" ;;
    restart) services_stop "$@" && services_start "$@" ;;
    status) services_status ;;
    *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
  esac
fi
