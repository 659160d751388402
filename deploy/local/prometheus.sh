# Prometheus for the local stack: Debian's package (never its service) on
# 127.0.0.1:$PROMETHEUS_PORT, data in $STACK_DIR/prometheus/data, config rendered from
# deploy/prometheus/prometheus.yml.template, rules from deploy/prometheus/alerts.yaml.
# Source this file (it sources env.sh if needed).
#   prometheus_install        install it, without its Recommends (node exporter and collectors)
#   prometheus_render         render the template into $STACK_DIR/prometheus/prometheus.yml.new
#   prometheus_start          render, check with promtool, start (or reload when running and the
#                             config changed); returns once launched
#   prometheus_ready          true when /-/ready answers 200
#   prometheus_stop           stop it
#   prometheus_add_target SERVICE PORT / prometheus_remove_target SERVICE PORT
#                             scrape (or stop scraping) another instance of SERVICE on PORT
# JIAODUI_PROMETHEUS_RETENTION (2d) bounds the data kept.
declare -F wait_for >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PROMETHEUS_DIR=$STACK_DIR/prometheus
PROMETHEUS_TARGETS_DIR=$PROMETHEUS_DIR/targets
PROMETHEUS_TEMPLATE=$JIAODUI_ROOT/deploy/prometheus/prometheus.yml.template
PROMETHEUS_RULES=$JIAODUI_ROOT/deploy/prometheus/alerts.yaml

_prometheus_bin() { command -v prometheus || { [ -x /usr/bin/prometheus ] && echo /usr/bin/prometheus; }; }

prometheus_install() {
  [ -n "$(_prometheus_bin)" ] && command -v promtool >/dev/null && return 0
  apt_install --no-install-recommends prometheus || return 1
  _prometheus_stop_debian_service
}

# _prometheus_stop_debian_service: the package starts its service (as user prometheus, on every
# address, port 9090) where no policy-rc.d forbids it, and enables it for the next boot; ours is
# the only Prometheus of the stack, so stop and disable that one
_prometheus_stop_debian_service() {
  local pidfile=/run/prometheus/prometheus.pid
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    if systemctl is-enabled --quiet prometheus 2>/dev/null || systemctl is-active --quiet prometheus; then
      log "prometheus: stopping and disabling the Debian prometheus service"
      systemctl disable --now prometheus >>"$LOG_DIR/prometheus.log" 2>&1 || true
    fi
  elif [ -s "$pidfile" ] && proc_alive "$(cat "$pidfile")"; then
    log "prometheus: stopping the Debian prometheus service the package started"
    { service prometheus stop || /etc/init.d/prometheus stop; } >>"$LOG_DIR/prometheus.log" 2>&1 || true
  fi
}

# _prometheus_sed_escape VALUE: VALUE made safe as the replacement of a sed s|||
_prometheus_sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

prometheus_render() {
  mkdir -p "$PROMETHEUS_DIR/data" "$PROMETHEUS_TARGETS_DIR"
  local -A v=(
    [RULES_FILE]=$PROMETHEUS_RULES [TARGETS_DIR]=$PROMETHEUS_TARGETS_DIR
    [IDENTITY_TARGET]=127.0.0.1:$IDENTITY_PORT [RECORDS_TARGET]=127.0.0.1:$RECORDS_PORT
    [PHOTOS_TARGET]=127.0.0.1:$PHOTOS_PORT [NOTIFY_TARGET]=127.0.0.1:$NOTIFY_PORT
    [CORRECTIONS_TARGET]=127.0.0.1:$CORRECTIONS_PORT [SUBSCRIPTIONS_TARGET]=127.0.0.1:$SUBSCRIPTIONS_PORT [REPORTS_TARGET]=127.0.0.1:$REPORTS_PORT [PROMETHEUS_TARGET]=127.0.0.1:$PROMETHEUS_PORT
  )
  local args=() k
  for k in "${!v[@]}"; do args+=(-e "s|@$k@|$(_prometheus_sed_escape "${v[$k]}")|g"); done
  sed "${args[@]}" "$PROMETHEUS_TEMPLATE" >"$PROMETHEUS_DIR/prometheus.yml.new" || return 1
  if grep -n '^[^#]*@[A-Z_]*@' "$PROMETHEUS_DIR/prometheus.yml.new" >&2; then
    log "prometheus: placeholders left unrendered (above)"; return 1
  fi
}

prometheus_running() { pid_alive prometheus; }

prometheus_ready() { http_ok "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"; }

prometheus_start() {
  [ -n "$(_prometheus_bin)" ] || { log "prometheus: not installed"; return 1; }
  prometheus_render || return 1
  if ! promtool check config "$PROMETHEUS_DIR/prometheus.yml.new" >>"$LOG_DIR/prometheus.log" 2>&1; then
    log "prometheus: the rendered config does not pass promtool check config:"
    promtool check config "$PROMETHEUS_DIR/prometheus.yml.new" 2>&1 | tail -n 5 >&2
    return 1
  fi
  if prometheus_running; then
    if cmp -s "$PROMETHEUS_DIR/prometheus.yml.new" "$PROMETHEUS_DIR/prometheus.yml"; then
      rm -f "$PROMETHEUS_DIR/prometheus.yml.new"
    else
      mv "$PROMETHEUS_DIR/prometheus.yml.new" "$PROMETHEUS_DIR/prometheus.yml"
      log "prometheus: config changed, reloading"
    fi
    # SIGHUP also rereads the rule files, which the config names but does not contain
    kill -HUP "$(cat "$RUN_DIR/prometheus.pid")"
    return 0
  fi
  mv "$PROMETHEUS_DIR/prometheus.yml.new" "$PROMETHEUS_DIR/prometheus.yml"
  if port_open "$PROMETHEUS_PORT"; then
    _prometheus_stop_debian_service
    if port_open "$PROMETHEUS_PORT"; then
      log "prometheus: port $PROMETHEUS_PORT is taken by another process"
      return 1
    fi
  fi
  log "prometheus: starting on 127.0.0.1:$PROMETHEUS_PORT (data $PROMETHEUS_DIR/data)"
  # no --web.enable-lifecycle or admin API: nothing may stop it or delete series over HTTP
  spawn_bg prometheus "$(_prometheus_bin)" \
    --config.file="$PROMETHEUS_DIR/prometheus.yml" \
    --storage.tsdb.path="$PROMETHEUS_DIR/data" \
    --storage.tsdb.retention.time="${JIAODUI_PROMETHEUS_RETENTION:-2d}" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --log.level=warn
}

prometheus_stop() {
  pid_alive prometheus || { rm -f "$RUN_DIR/prometheus.pid"; return 0; }
  log "prometheus: stopping"
  stop_pid prometheus 30
}

# prometheus_add_target SERVICE PORT: file_sd picks the file up within seconds, no reload
prometheus_add_target() {
  local file=$PROMETHEUS_TARGETS_DIR/$1-$2.json
  mkdir -p "$PROMETHEUS_TARGETS_DIR"
  printf '[{"targets": ["127.0.0.1:%s"]}]\n' "$2" >"$file.tmp" && mv "$file.tmp" "$file"
}

prometheus_remove_target() { rm -f "$PROMETHEUS_TARGETS_DIR/$1-$2.json"; }
