#!/usr/bin/env bash
# The infrastructure of the local stack: PostgreSQL, Redis, Kafka (deploy/local/kafka.sh, when
# present), the mail/SMS sinks, Prometheus and the nginx gateway. The five services are started
# elsewhere.
#
#   bash deploy/local/stack.sh up       install what is missing, start everything, wait until
#                                       ready, create the role and databases; a second `up`
#                                       reuses what runs
#   bash deploy/local/stack.sh down     stop everything (reverse order)
#   bash deploy/local/stack.sh status   one line per component; exit 0 only when all are ready
#
# JIAODUI_STACK_SKIP="kafka ..." leaves components out. Verbose output goes to .stack/logs/.
# Sourcing this file (instead of running it) only defines the functions.
set -o pipefail

_STACK_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_STACK_HERE/env.sh"
source "$_STACK_HERE/postgres.sh"
source "$_STACK_HERE/redis.sh"
[ -f "$_STACK_HERE/kafka.sh" ] && source "$_STACK_HERE/kafka.sh"
source "$_STACK_HERE/sinks.sh"
source "$_STACK_HERE/prometheus.sh"
source "$_STACK_HERE/nginx.sh"

# stack_components: in start order
stack_components() {
  local c skip=" ${JIAODUI_STACK_SKIP:-} "
  for c in postgres redis kafka sinks prometheus nginx; do
    [[ $skip == *" $c "* ]] && continue
    [ "$c" = kafka ] && ! declare -F kafka_start >/dev/null && continue
    echo "$c"
  done
}

_now() { date +%s.%N; }
_since() { awk -v a="$1" -v b="$(_now)" 'BEGIN { printf "%.1fs", b - a }'; }

# infra_install: every missing Debian package of all components in one apt-get run
infra_install() {
  local pkgs=() comps c
  comps=$(stack_components)
  command -v curl >/dev/null || pkgs+=(curl)
  # the reports service writes PDFs with Chinese text: Debian's WenQuanYi Micro Hei
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || pkgs+=(fonts-wqy-microhei)
  for c in $comps; do
    declare -F "${c}_packages" >/dev/null || continue
    # shellcheck disable=SC2207
    pkgs+=($("${c}_packages"))
  done
  # Prometheus has an apt-get run of its own, without the Recommends (the node exporter and
  # its collectors), before the components start in parallel
  if [[ " $(echo $comps) " == *" prometheus "* ]] && ! prometheus_install; then
    log "apt-get failed, see $LOG_DIR/apt.log"; return 1
  fi
  ((${#pkgs[@]})) || return 0
  local t0; t0=$(_now)
  log "installing ${pkgs[*]} (apt-get, log in $LOG_DIR/apt.log)"
  apt_install "${pkgs[@]}" || { log "apt-get failed, see $LOG_DIR/apt.log"; return 1; }
  # the Debian packages may have started their own services on our ports
  [[ " ${pkgs[*]} " == *" postgresql "* ]] && _pg_stop_debian_cluster
  [[ " ${pkgs[*]} " == *" redis-server "* ]] && _redis_stop_debian_service
  [[ " ${pkgs[*]} " == *" nginx "* ]] && _nginx_stop_debian_service
  log "installed in $(_since "$t0")"
}

# _up_COMPONENT: start it and wait until it is ready (run in parallel by stack_up)
_up_postgres() { postgres_start && wait_for postgres 60 postgres_ready && postgres_bootstrap; }
_up_redis() { redis_start && wait_for redis 60 redis_ready; }
_up_sinks() { sinks_start && wait_for sinks 30 sinks_ready; }
_up_prometheus() { prometheus_start && wait_for prometheus 60 prometheus_ready; }
_up_nginx() { nginx_start && wait_for nginx 15 nginx_ready; }
_up_kafka() {
  if declare -F kafka_install >/dev/null; then kafka_install || return 1; fi
  kafka_start || return 1
  if declare -F kafka_wait >/dev/null; then kafka_wait; else wait_for kafka 180 kafka_ready; fi
}

_component_log() {
  case $1 in
    postgres) echo "$LOG_DIR/postgres.log" ;;
    redis) echo "$LOG_DIR/redis.log" ;;
    sinks) echo "$LOG_DIR/sinks.log" ;;
    prometheus) echo "$LOG_DIR/prometheus.log" ;;
    nginx) echo "$LOG_DIR/gateway-error.log" ;;
    kafka) echo "$LOG_DIR/kafka.log" ;;
  esac
}

stack_up() {
  local t0 c failed=() ; t0=$(_now)
  local -A jobs=()
  infra_install || return 1
  for c in $(stack_components); do
    (
      t=$(_now)
      if "_up_$c"; then log "$c ready ($(_since "$t"))"; else exit 1; fi
    ) &
    jobs[$c]=$!
  done
  for c in $(stack_components); do
    wait "${jobs[$c]}" || failed+=("$c")
  done
  if ((${#failed[@]})); then
    for c in "${failed[@]}"; do
      log "$c FAILED; last lines of $(_component_log "$c"):"
      tail -n 10 "$(_component_log "$c")" 2>/dev/null | sed 's/^/    /' >&2
    done
    log "up failed (${failed[*]}) after $(_since "$t0")"
    return 1
  fi
  log "infrastructure up in $(_since "$t0")"
  stack_summary
}

stack_summary() {
  local c
  for c in $(stack_components); do
    case $c in
      postgres) log "  postgres  postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/<identity|records|photos|notify|corrections|subscriptions>" ;;
      redis) log "  redis     redis://127.0.0.1:$REDIS_PORT/0" ;;
      kafka) log "  kafka     127.0.0.1:$KAFKA_PORT" ;;
      sinks) log "  mail      smtp://127.0.0.1:$SMTP_PORT -> $MAIL_DIR/*.eml; sms http://127.0.0.1:$SMS_PORT/v1/messages -> $SMS_FILE" ;;
      prometheus) log "  prometheus http://127.0.0.1:$PROMETHEUS_PORT/ (gateway: /api/prometheus/api/v1/..., ops and admin)" ;;
      nginx) log "  gateway   http://127.0.0.1:$GATEWAY_PORT/" ;;
    esac
  done
}

stack_down() {
  local c comps
  comps=$(stack_components | tac)
  for c in $comps; do
    declare -F "${c}_stop" >/dev/null || continue
    "${c}_stop" || log "$c: stop failed"
  done
  # the campus sign-on tests' OIDC provider (started by those tests, not by `up`)
  (source "$_STACK_HERE/oidc.sh" && oidc_stop) || log "oidc: stop failed"
  log "infrastructure down"
}

# _component_pid C: the pid of C's main process, if it has one
_component_pid() {
  if [ "$1" = postgres ]; then
    postgres_running && head -n 1 "$PG_DATA/postmaster.pid"
  elif pid_alive "$1"; then
    cat "$RUN_DIR/$1.pid"
  fi
}

stack_status() {
  local c port pid state all=0
  for c in $(stack_components); do
    case $c in
      postgres) port=$PG_PORT ;; redis) port=$REDIS_PORT ;; kafka) port=$KAFKA_PORT ;;
      sinks) port="$SMTP_PORT,$SMS_PORT" ;; nginx) port=$GATEWAY_PORT ;;
      prometheus) port=$PROMETHEUS_PORT ;;
    esac
    pid=$(_component_pid "$c")
    if "${c}_ready" 2>/dev/null; then state=running
    elif [ -n "$pid" ]; then state=unhealthy; all=1
    else state=stopped; all=1
    fi
    printf '%-10s %-9s 127.0.0.1:%-10s %s\n' "$c" "$state" "$port" "${pid:+pid $pid}"
  done
  return $all
}

stack_main() {
  case ${1:-} in
    up | down)
      # one up/down at a time; flock -o keeps the lock out of the daemons started
      if [ -z "${JIAODUI_STACK_LOCKED:-}" ]; then
        JIAODUI_STACK_LOCKED=1 exec flock -o -w 900 "$RUN_DIR/stack.lock" bash "${BASH_SOURCE[0]}" "$@"
      fi
      unset JIAODUI_STACK_LOCKED
      if [ "$1" = up ]; then stack_up; else stack_down; fi
      ;;
    status) stack_status ;;
    *)
      echo "usage: $0 up|down|status" >&2
      return 2
      ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  stack_main "$@"
fi
