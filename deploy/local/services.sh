#!/usr/bin/env bash
# The services, each its own process (python -m jiaodui_<name>) on its own port.
#
#   bash deploy/local/services.sh start|stop|restart|status [name...]
#   bash deploy/local/services.sh start-extra|stop-extra [name...]
#
# start is idempotent: a service whose process runs and answers /healthz is left alone.
# start-extra runs a second instance of each named service (same databases, Kafka consumer
# groups and Redis) on its port + JIAODUI_EXTRA_PORT_OFFSET (100), with pid and log files
# svc-<name>-<port>; the gateway keeps routing to the first instance only, and Prometheus
# scrapes the second as one more instance of the service's job.
_SERVICES_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_SERVICES_HERE/env.sh"
source "$_SERVICES_HERE/prometheus.sh"
PYTHON=${JIAODUI_PYTHON:-$JIAODUI_ROOT/.venv/bin/python}

service_port() { local var="${1^^}_PORT"; echo "${!var}"; }
extra_port() { echo $(($(service_port "$1") + ${JIAODUI_EXTRA_PORT_OFFSET:-100})); }

# the environment every service gets (on PORT, default its own): where the stack is, dev settings
_service_env() {
  local name=$1 upper=${1^^}
  echo "JIAODUI_${upper}_HTTP_PORT=${2:-$(service_port "$name")}"
  local query=""
  [[ $PG_HOSTS == *,* ]] && query="?target_session_attrs=read-write"  # the failover option
  echo "JIAODUI_DATABASE_URL=postgresql://$PG_USER:$PG_PASSWORD@$PG_HOSTS/$name$query"
  echo "JIAODUI_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
  echo "JIAODUI_KAFKA_PARTITIONS=$KAFKA_PARTITIONS"
  echo "JIAODUI_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "JIAODUI_JWKS_URL=http://127.0.0.1:$IDENTITY_PORT/.well-known/jwks.json"
  echo "JIAODUI_PUBLIC_BASE_URL=${JIAODUI_PUBLIC_BASE_URL:-http://localhost:$GATEWAY_PORT}"
  echo "JIAODUI_NOTIFY_SMTP_PORT=$SMTP_PORT"
  echo "JIAODUI_NOTIFY_SMS_URL=http://127.0.0.1:$SMS_PORT/v1/messages"
  echo "JIAODUI_STACK_DIR=$STACK_DIR"
  # the allocator (the same in deploy/docker/Dockerfile; why: jiaodui_runtime/memory.py):
  # Python objects from glibc, two arenas, blocks >= 128 KiB mapped and unmapped on their own
  echo "PYTHONMALLOC=malloc"
  echo "MALLOC_ARENA_MAX=2"
  echo "MALLOC_MMAP_THRESHOLD_=131072"
  # webhooks on the one-machine stack: the retry schedule (5 s ... 10 h in production) and
  # "disabled after 5 days of failure" compressed so that tests and demos see them happen
  echo "JIAODUI_SUBSCRIPTIONS_RETRY_SCHEDULE_S=${JIAODUI_SUBSCRIPTIONS_RETRY_SCHEDULE_S:-[1, 2, 3, 4, 5, 6, 6]}"
  echo "JIAODUI_SUBSCRIPTIONS_DISABLE_AFTER_S=${JIAODUI_SUBSCRIPTIONS_DISABLE_AFTER_S:-30}"
  echo "JIAODUI_SUBSCRIPTIONS_DELIVERY_TIMEOUT_S=${JIAODUI_SUBSCRIPTIONS_DELIVERY_TIMEOUT_S:-5}"
  echo "JIAODUI_REPORTS_PHOTOS_URL=http://127.0.0.1:$PHOTOS_PORT"
  # test suites log in from 127.0.0.1 hundreds of times an hour (production keeps the
  # service defaults: 30 failed logins per IP per minute, 300 per hour)
  echo "JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_MIN=${JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_MIN:-1000}"
  echo "JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_HOUR=${JIAODUI_IDENTITY_LOGIN_FAILURES_PER_IP_PER_HOUR:-100000}"
}

# service_healthy|service_ready NAME [PORT]: the instance on PORT (default the service's own)
service_healthy() { http_ok "http://127.0.0.1:${2:-$(service_port "$1")}/healthz"; }
service_ready() { http_ok "http://127.0.0.1:${2:-$(service_port "$1")}/readyz"; }

# _instance NAME [PORT]: the pid/log name of the first instance, or of the one on PORT
_instance() { echo "svc-$1${2:+-$2}"; }

# service_start NAME [PORT]: the first instance, or another one on PORT
service_start() {
  local name=$1 port=${2:-} tag
  tag=$(_instance "$name" "$port")
  if pid_alive "$tag" && service_healthy "$name" "$port"; then return 0; fi
  stop_pid "$tag" 5
  local -a env_vars
  mapfile -t env_vars < <(_service_env "$name" "$port")
  (cd "$JIAODUI_ROOT" && spawn_bg "$tag" env "${env_vars[@]}" "$PYTHON" -m "jiaodui_$name")
}

# services_start [--extra] [name...]: start, then wait until each answers /readyz
services_start() {
  local extra=0 name port tag failed=0
  [ "${1:-}" = --extra ] && { extra=1; shift; }
  local names=${*:-$SERVICES}
  for name in $names; do
    port=""
    if ((extra)); then port=$(extra_port "$name"); fi
    service_start "$name" $port || failed=1
    if ((extra)); then prometheus_add_target "$name" "$port"; fi
  done
  for name in $names; do
    port=""
    if ((extra)); then port=$(extra_port "$name"); fi
    tag=$(_instance "$name" "$port")
    if wait_for "$name" 90 service_ready "$name" $port; then
      log "$name ready on :${port:-$(service_port "$name")}"
    else
      failed=1
      log "$name FAILED; last lines of $LOG_DIR/$tag.log:"
      tail -n 15 "$LOG_DIR/$tag.log" 2>/dev/null | sed 's/^/    /' >&2
    fi
  done
  return $failed
}

services_stop() {
  local name
  for name in ${*:-$SERVICES}; do stop_pid "svc-$name" 20; done
}

extras_stop() {
  local name
  for name in ${*:-$SERVICES}; do
    stop_pid "$(_instance "$name" "$(extra_port "$name")")" 20
    prometheus_remove_target "$name" "$(extra_port "$name")"
  done
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
    start-extra) services_start --extra "$@" ;;
    stop-extra) extras_stop "$@" ;;
    *) echo "usage: $0 start|stop|restart|status [name...] | start-extra|stop-extra [name...]" >&2; exit 2 ;;
  esac
fi
