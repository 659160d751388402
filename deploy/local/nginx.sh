# nginx as the gateway of the local stack, on $GATEWAY_PORT, run from $STACK_DIR/nginx
# (never the Debian service, never /etc/nginx/sites-*). Source this file (it sources env.sh).
#   nginx_install  install nginx
#   nginx_render   render deploy/nginx/nginx.conf.template into $STACK_DIR/nginx/nginx.conf
#   nginx_start    render, check, start (or reload when running and the config changed)
#   nginx_ready    true when GET /gateway/healthz answers 200
#   nginx_stop     stop it
# Settings from the environment (besides env.sh): JIAODUI_GATEWAY_LISTEN (address, 127.0.0.1),
# JIAODUI_RATE_{LOGIN,REGISTER,SMS} (e.g. 50r/s) and JIAODUI_BURST_{LOGIN,REGISTER,SMS} (200).
declare -F wait_for >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

NGINX_DIR=$STACK_DIR/nginx
NGINX_TEMPLATE=$JIAODUI_ROOT/deploy/nginx/nginx.conf.template

# nginx_packages: the Debian packages nginx_install would install (none when present)
nginx_packages() { _nginx_bin >/dev/null || echo nginx; }

_nginx_bin() { command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }; }

nginx_install() {
  [ -z "$(nginx_packages)" ] && return 0
  apt_install nginx || return 1
  _nginx_stop_debian_service
}

# _nginx_stop_debian_service: where the package could start its service (port 80, sites-enabled),
# stop it again: the gateway is ours alone
_nginx_stop_debian_service() {
  if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
    log "nginx: stopping the Debian nginx service the package started"
    { service nginx stop || /etc/init.d/nginx stop; } >>"$LOG_DIR/gateway-error.log" 2>&1 || true
  fi
}

# _nginx_sed_escape VALUE: VALUE made safe as the replacement of a sed s|||
_nginx_sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

nginx_render() {
  mkdir -p "$NGINX_DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
  local -A v=(
    [RUN_DIR]=$RUN_DIR [LOG_DIR]=$LOG_DIR [NGINX_DIR]=$NGINX_DIR [WEB_ROOT]=$JIAODUI_ROOT/web/dist
    [GATEWAY_LISTEN]=${JIAODUI_GATEWAY_LISTEN:-127.0.0.1} [GATEWAY_PORT]=$GATEWAY_PORT
    [IDENTITY_UPSTREAM]=127.0.0.1:$IDENTITY_PORT [RECORDS_UPSTREAM]=127.0.0.1:$RECORDS_PORT
    [PHOTOS_UPSTREAM]=127.0.0.1:$PHOTOS_PORT [NOTIFY_UPSTREAM]=127.0.0.1:$NOTIFY_PORT
    [CORRECTIONS_UPSTREAM]=127.0.0.1:$CORRECTIONS_PORT [SUBSCRIPTIONS_UPSTREAM]=127.0.0.1:$SUBSCRIPTIONS_PORT [REPORTS_UPSTREAM]=127.0.0.1:$REPORTS_PORT [PROMETHEUS_UPSTREAM]=127.0.0.1:$PROMETHEUS_PORT
    [RATE_LOGIN]=${JIAODUI_RATE_LOGIN:-50r/s} [BURST_LOGIN]=${JIAODUI_BURST_LOGIN:-200}
    [RATE_REGISTER]=${JIAODUI_RATE_REGISTER:-50r/s} [BURST_REGISTER]=${JIAODUI_BURST_REGISTER:-200}
    [RATE_SMS]=${JIAODUI_RATE_SMS:-50r/s} [BURST_SMS]=${JIAODUI_BURST_SMS:-200}
  )
  local args=() k
  for k in "${!v[@]}"; do args+=(-e "s|@$k@|$(_nginx_sed_escape "${v[$k]}")|g"); done
  sed "${args[@]}" "$NGINX_TEMPLATE" >"$NGINX_DIR/nginx.conf.new" || return 1
  if grep -n '^[^#]*@[A-Z_]*@' "$NGINX_DIR/nginx.conf.new" >&2; then
    log "nginx: placeholders left unrendered (above)"; return 1
  fi
}

_nginx() { "$(_nginx_bin)" -p "$NGINX_DIR" -e "$LOG_DIR/gateway-error.log" "$@"; }

nginx_running() { pid_alive nginx; }

# _nginx_orphans: workers of a master that was killed -9 (they keep the port and keep serving);
# recognised as ours by the access log they hold open
_nginx_orphans() {
  local f pid
  for f in $(find /proc/[0-9]*/fd -maxdepth 1 -lname "$LOG_DIR/gateway-access.log" 2>/dev/null); do
    pid=${f#/proc/}; pid=${pid%%/*}
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nginx ] && echo "$pid"
  done | sort -u
}

_nginx_kill_orphans() {
  local left; left=$(_nginx_orphans)
  [ -n "$left" ] || return 0
  log "nginx: stopping workers left by a dead master: $(echo $left)"
  # shellcheck disable=SC2086
  kill $left 2>/dev/null
  local deadline=$((SECONDS + 5))
  while [ -n "$(_nginx_orphans)" ] && ((SECONDS < deadline)); do sleep 0.1; done
  left=$(_nginx_orphans)
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -9 $left 2>/dev/null
  return 0
}

_nginx_workers() { ps -o pid= --ppid "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null | tr -d ' '; }

# _nginx_reload: reload and wait (up to 10s) until the workers of the old config are gone, so
# the next request sees the new config (workers still serving a long upload are left alone)
_nginx_reload() {
  local old w deadline=$((SECONDS + 10))
  old=$(_nginx_workers)
  _nginx -c nginx.conf -s reload </dev/null >>"$LOG_DIR/gateway-error.log" 2>&1 || return 1
  for w in $old; do
    while kill -0 "$w" 2>/dev/null && [ "$(ps -o ppid= -p "$w" | tr -d ' ')" = "$(cat "$RUN_DIR/nginx.pid")" ]; do
      ((SECONDS < deadline)) || return 0
      sleep 0.05
    done
  done
}

nginx_start() {
  [ -n "$(_nginx_bin)" ] || { log "nginx: not installed"; return 1; }
  nginx_render || return 1
  if ! _nginx -t -q -c nginx.conf.new >>"$LOG_DIR/gateway-error.log" 2>&1; then
    log "nginx: the rendered config does not pass nginx -t:"
    _nginx -t -q -c nginx.conf.new 2>&1 | tail -n 5 >&2
    return 1
  fi
  if nginx_running; then
    if cmp -s "$NGINX_DIR/nginx.conf.new" "$NGINX_DIR/nginx.conf"; then
      rm -f "$NGINX_DIR/nginx.conf.new"
      return 0
    fi
    mv "$NGINX_DIR/nginx.conf.new" "$NGINX_DIR/nginx.conf"
    log "nginx: config changed, reloading"
    _nginx_reload
    return
  fi
  mv "$NGINX_DIR/nginx.conf.new" "$NGINX_DIR/nginx.conf"
  _nginx_kill_orphans
  if port_open "$GATEWAY_PORT"; then
    log "nginx: port $GATEWAY_PORT is taken by another process"
    return 1
  fi
  log "nginx: starting the gateway on ${JIAODUI_GATEWAY_LISTEN:-127.0.0.1}:$GATEWAY_PORT"
  # nginx daemonizes itself and writes $RUN_DIR/nginx.pid
  _nginx -c nginx.conf </dev/null >>"$LOG_DIR/gateway-error.log" 2>&1 || {
    log "nginx: start failed, see $LOG_DIR/gateway-error.log"
    return 1
  }
}

nginx_ready() { http_ok "http://127.0.0.1:$GATEWAY_PORT/gateway/healthz"; }

nginx_stop() {
  if nginx_running; then
    log "nginx: stopping"
    stop_pid nginx 20
  fi
  rm -f "$RUN_DIR/nginx.pid"
  _nginx_kill_orphans
}
