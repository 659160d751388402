# The development mail (SMTP :$SMTP_PORT -> $STACK_DIR/mail/*.eml) and SMS
# (HTTP :$SMS_PORT -> $STACK_DIR/sms.jsonl) sinks: deploy/local/sinks.py, one background process.
# Source this file (it sources env.sh if needed).
#   sinks_start  start it; idempotent
#   sinks_ready  true when the SMTP port accepts and GET /healthz on the SMS port answers 200
#   sinks_stop   stop it (SIGTERM, then SIGKILL after 10s)
declare -F wait_for >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SINKS_PYTHON=${JIAODUI_PYTHON:-$JIAODUI_ROOT/.venv/bin/python}
MAIL_DIR=$STACK_DIR/mail
SMS_FILE=$STACK_DIR/sms.jsonl

sinks_start() {
  mkdir -p "$MAIL_DIR"
  if pid_alive sinks; then return 0; fi
  local p
  for p in "$SMTP_PORT" "$SMS_PORT"; do
    if port_open "$p"; then log "sinks: port $p is taken by another process"; return 1; fi
  done
  if [ ! -x "$SINKS_PYTHON" ]; then
    log "sinks: no Python at $SINKS_PYTHON (create the project venv first: uv sync)"
    return 1
  fi
  log "sinks: starting SMTP on 127.0.0.1:$SMTP_PORT and SMS on 127.0.0.1:$SMS_PORT"
  spawn_bg sinks "$SINKS_PYTHON" "$JIAODUI_ROOT/deploy/local/sinks.py" \
    --mail-dir "$MAIL_DIR" --sms-file "$SMS_FILE" --smtp-port "$SMTP_PORT" --sms-port "$SMS_PORT"
}

sinks_ready() { port_open "$SMTP_PORT" && http_ok "http://127.0.0.1:$SMS_PORT/healthz"; }

sinks_stop() {
  pid_alive sinks || { rm -f "$RUN_DIR/sinks.pid"; return 0; }
  log "sinks: stopping"
  stop_pid sinks 10
}
