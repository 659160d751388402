# Sourced by every deploy/local script: where things live and which ports they use.
# Every value can be overridden from the environment (JIAODUI_*).
JIAODUI_ROOT=${JIAODUI_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_DIR=${JIAODUI_STACK_DIR:-$JIAODUI_ROOT/.stack}
# PostgreSQL refuses to run as root and its data folder must be reachable by the
# `postgres` user; a clone inside a mode-700 home is not, so the cluster lives
# outside the project, in a folder named after the project path.
PG_HOME=${JIAODUI_PG_HOME:-/var/tmp/jiaodui-pg-$(printf '%s' "$JIAODUI_ROOT" | md5sum | cut -c1-8)}
PG_PORT=${JIAODUI_PG_PORT:-5432}
PG_USER=${JIAODUI_PG_USER:-jiaodui}
PG_PASSWORD=${JIAODUI_PG_PASSWORD:-jiaodui}
# The PostgreSQL hosts services connect to: the one cluster, or (the failover option,
# deploy/local/postgres-ha.sh up, writes $STACK_DIR/postgres-ha.env) a primary and its standby,
# tried in turn for the one that accepts writes
[ -n "${JIAODUI_PG_HOSTS:-}" ] || [ ! -f "$STACK_DIR/postgres-ha.env" ] || source "$STACK_DIR/postgres-ha.env"
PG_HOSTS=${JIAODUI_PG_HOSTS:-127.0.0.1:$PG_PORT}
REDIS_PORT=${JIAODUI_REDIS_PORT:-6379}
KAFKA_PORT=${JIAODUI_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${JIAODUI_KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP=${JIAODUI_KAFKA_HEAP:-1g}
KAFKA_PARTITIONS=${JIAODUI_KAFKA_PARTITIONS:-6}
GATEWAY_PORT=${JIAODUI_GATEWAY_PORT:-8080}
SMTP_PORT=${JIAODUI_SMTP_PORT:-1025}
SMS_PORT=${JIAODUI_SMS_PORT:-1080}
IDENTITY_PORT=${JIAODUI_IDENTITY_PORT:-8001}
RECORDS_PORT=${JIAODUI_RECORDS_PORT:-8002}
PHOTOS_PORT=${JIAODUI_PHOTOS_PORT:-8003}
NOTIFY_PORT=${JIAODUI_NOTIFY_PORT:-8004}
CORRECTIONS_PORT=${JIAODUI_CORRECTIONS_PORT:-8005}
SUBSCRIPTIONS_PORT=${JIAODUI_SUBSCRIPTIONS_PORT:-8006}
REPORTS_PORT=${JIAODUI_REPORTS_PORT:-8007}
PROMETHEUS_PORT=${JIAODUI_PROMETHEUS_PORT:-9090}
SERVICES="identity records photos notify corrections subscriptions reports"
LOG_DIR=$STACK_DIR/logs
RUN_DIR=$STACK_DIR/run

mkdir -p "$LOG_DIR" "$RUN_DIR"

log() { printf '[stack] %s\n' "$*" >&2; }

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND until it succeeds or time runs out
wait_for() {
  local what=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= deadline)); then log "timed out after ${secs}s waiting for $what"; return 1; fi
    sleep 0.2
  done
}

# pid_alive NAME: true when $RUN_DIR/NAME.pid names a live process (zombies do not count)
pid_alive() { [ -f "$RUN_DIR/$1.pid" ] && proc_alive "$(cat "$RUN_DIR/$1.pid")"; }

# stop_pid NAME [SECONDS]: TERM the process in NAME.pid, KILL it if it lingers
stop_pid() {
  local name=$1 secs=${2:-20} pid
  pid_alive "$name" || { rm -f "$RUN_DIR/$name.pid"; return 0; }
  pid=$(cat "$RUN_DIR/$name.pid")
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + secs))
  while proc_alive "$pid"; do
    if ((SECONDS >= deadline)); then kill -9 "$pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  rm -f "$RUN_DIR/$name.pid"
}

# apt_install [APT-OPTION...] PACKAGE...: install Debian packages that are missing (we run as
# root); arguments starting with - go to apt-get (e.g. --no-install-recommends)
apt_install() {
  local missing=() opts=()
  for p in "$@"; do
    if [[ $p == -* ]]; then opts+=("$p"); continue; fi
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${opts[*]} ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${opts[@]}" "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$LOG_DIR/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${opts[@]}" "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1
  }
}

# http_ok URL: true when URL answers 2xx within 2 seconds
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# spawn_bg NAME COMMAND...: start COMMAND detached from this shell (own session, stdin from
# /dev/null, stdout+stderr appended to $LOG_DIR/NAME.log) and record its pid in $RUN_DIR/NAME.pid.
# The pid is the command's own (it is exec'd), whether or not the caller has job control.
spawn_bg() {
  local name=$1; shift
  rm -f "$RUN_DIR/$name.pid"
  setsid -f bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$RUN_DIR/$name.pid" "$@" \
    </dev/null >>"$LOG_DIR/$name.log" 2>&1
  local deadline=$((SECONDS + 5))
  until [ -s "$RUN_DIR/$name.pid" ]; do
    if ((SECONDS >= deadline)); then log "$name: no pid file after 5s"; return 1; fi
    sleep 0.05
  done
}

# proc_alive PID: true when PID is a running process. A zombie is not: where PID 1 does not reap
# orphans (containers without an init), a killed daemon stays a zombie and kill -0 still succeeds.
proc_alive() {
  [[ $1 =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*[ZX]' "/proc/$1/status"
}
