# Redis for the local stack: a plain background redis-server on 127.0.0.1:$REDIS_PORT with its
# data (append-only file) in $STACK_DIR/redis. Source this file (it sources env.sh if needed).
#   redis_install  install redis-server (the Debian service is not used)
#   redis_start    write the config and start; idempotent; returns once launched
#   redis_ready    true when PING answers PONG
#   redis_stop     SHUTDOWN (flushes the AOF), then make sure the process is gone
declare -F wait_for >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

REDIS_DIR=$STACK_DIR/redis

# redis_packages: the Debian packages redis_install would install (none when present)
redis_packages() { command -v redis-server >/dev/null && command -v redis-cli >/dev/null || echo redis-server; }

redis_install() {
  [ -z "$(redis_packages)" ] && return 0
  apt_install redis-server || return 1
  _redis_stop_debian_service
}

# _redis_stop_debian_service: where the package could start its service, it now holds our port
_redis_stop_debian_service() {
  if port_open "$REDIS_PORT" && ! pid_alive redis; then
    log "redis: stopping the Debian redis-server service that holds port $REDIS_PORT"
    { service redis-server stop || /etc/init.d/redis-server stop; } >>"$LOG_DIR/redis.log" 2>&1 || true
  fi
}

_redis_cli() { timeout 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_ready() { [ "$(_redis_cli ping 2>/dev/null)" = PONG ]; }

_redis_config() {
  cat <<EOF
# Written by deploy/local/redis.sh at every start; change it there.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
supervised no
dir $REDIS_DIR
logfile $LOG_DIR/redis.log
loglevel notice
# durability: append-only file fsynced every second, no RDB snapshots besides its base
appendonly yes
appendfsync everysec
save ""
# a full cache must fail writes loudly, never drop codes, rate-limit counters or denylisted tokens
maxmemory 256mb
maxmemory-policy noeviction
timeout 0
tcp-keepalive 300
EOF
}

redis_start() {
  mkdir -p "$REDIS_DIR"
  _redis_config >"$REDIS_DIR/redis.conf"
  if pid_alive redis; then return 0; fi
  if port_open "$REDIS_PORT"; then
    log "redis: port $REDIS_PORT is taken by another process"
    return 1
  fi
  command -v redis-server >/dev/null || { log "redis: redis-server is not installed"; return 1; }
  log "redis: starting on 127.0.0.1:$REDIS_PORT (data $REDIS_DIR)"
  spawn_bg redis redis-server "$REDIS_DIR/redis.conf"
}

redis_stop() {
  pid_alive redis || { rm -f "$RUN_DIR/redis.pid"; return 0; }
  log "redis: stopping"
  _redis_cli shutdown >/dev/null 2>&1 || true
  stop_pid redis 20
}
