#!/usr/bin/env bash
# `make run`: the whole system on this machine. Installs what is missing, starts the
# infrastructure and the five services, waits until they are ready, seeds demo data,
# writes .stack/credentials.json and prints where to click. A second run reuses what runs.
#   --quiet   no banner (used by `make test`)
set -eo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/env.sh"
source "$HERE/services.sh"
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
t0=$SECONDS

bash "$HERE/stack.sh" up
services_start
"$PYTHON" "$HERE/seed.py" --credentials "$STACK_DIR/credentials.json" \
  --gateway "http://127.0.0.1:$GATEWAY_PORT" >>"$LOG_DIR/seed.log" 2>&1 \
  || { log "seeding failed, see $LOG_DIR/seed.log"; tail -n 20 "$LOG_DIR/seed.log" >&2; exit 1; }

log "all up in $((SECONDS - t0))s"
((quiet)) && exit 0
cat <<MSG

  jiaodui is running.
    portal            http://localhost:$GATEWAY_PORT/
    API (gateway)     http://localhost:$GATEWAY_PORT/api/<identity|records|photos|notify|corrections|subscriptions|reports>/
    OpenAPI           http://127.0.0.1:$IDENTITY_PORT/openapi.json (each service's port; through the gateway: ops token)
    Prometheus        http://127.0.0.1:$PROMETHEUS_PORT/ (through the gateway: /api/prometheus/api/v1/..., ops token)
    services          identity :$IDENTITY_PORT  records :$RECORDS_PORT  photos :$PHOTOS_PORT  notify :$NOTIFY_PORT  corrections :$CORRECTIONS_PORT  subscriptions :$SUBSCRIPTIONS_PORT  reports :$REPORTS_PORT
    mail (dev sink)   $STACK_DIR/mail/*.eml
    SMS  (dev sink)   $STACK_DIR/sms.jsonl
    credentials       $STACK_DIR/credentials.json
    logs              $LOG_DIR/
  Stop it with: make stop
MSG
"$PYTHON" - "$STACK_DIR/credentials.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"  demo logins: log in at {d['portal']}login and each account lands on its own workbench")
print(f"    {'admin':<20} {d['admin']['email']} / {d['admin']['password']}")
for s in d.get("staff", []):
    role = s["role"] + (f" ({s['college']})" if s.get("college") else "")
    print(f"    {role:<20} {s['email']} / {s['password']}")
for s in d.get("students", []):
    print(f"    {'student ' + s['name']:<20} {s['email']} / {s['password']}")
PY
