# PostgreSQL for the local stack: one cluster in $PG_HOME/data, run as the `postgres` system user
# (PostgreSQL refuses to run as root), listening on 127.0.0.1:$PG_PORT and on a unix socket in
# $PG_HOME. Source this file (after env.sh, or it sources env.sh itself).
#   postgres_install    install the Debian package when no server binaries are present
#   postgres_start      initdb once, (re)write our settings, start; idempotent; returns when ready
#   postgres_ready      true when the server accepts connections on 127.0.0.1:$PG_PORT
#   postgres_bootstrap  role $PG_USER (password, CREATEDB) and one database per service; idempotent
#   postgres_stop       fast shutdown
#   postgres_psql ...   psql as the superuser `postgres` over the unix socket (peer auth)
declare -F wait_for >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PG_DATA=$PG_HOME/data

# postgres_packages: the Debian packages postgres_install would install (none when present)
postgres_packages() { _pg_newest_bindir >/dev/null || echo postgresql; }

_pg_newest_bindir() {
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -x "$d/pg_ctl" ] && echo "$d"
}

# _pg_bindir: the binaries matching an existing cluster's major version, else the newest
_pg_bindir() {
  local v
  if [ -s "$PG_DATA/PG_VERSION" ]; then
    v=$(cat "$PG_DATA/PG_VERSION" 2>/dev/null)
    if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then echo "/usr/lib/postgresql/$v/bin"; return; fi
    log "postgres: the cluster in $PG_DATA is version $v but no server $v is installed"
    return 1
  fi
  _pg_newest_bindir || { log "postgres: no server binaries under /usr/lib/postgresql/*/bin"; return 1; }
}

# _pg_as_postgres COMMAND...: run as the postgres user, from a folder it can read
_pg_as_postgres() { (cd / && runuser -u postgres -- "$@"); }

postgres_install() {
  local had; had=$(postgres_packages)
  [ -z "$had" ] && return 0
  apt_install postgresql || return 1
  _pg_stop_debian_cluster
}

# _pg_stop_debian_cluster: the Debian package creates and (where services may start) starts a
# `main` cluster on port 5432; it is not ours, so stop it and keep it from starting again.
_pg_stop_debian_cluster() {
  command -v pg_lsclusters >/dev/null || return 0
  local ver name port status _
  while read -r ver name port status _; do
    [ "$port" = "$PG_PORT" ] || continue
    if [ -w "/etc/postgresql/$ver/$name/start.conf" ]; then
      echo manual >"/etc/postgresql/$ver/$name/start.conf"
    fi
    if [[ $status == online* ]]; then
      log "postgres: stopping the Debian cluster $ver/$name that holds port $port"
      pg_ctlcluster "$ver" "$name" stop >>"$LOG_DIR/postgres.log" 2>&1 || true
    fi
  done < <(pg_lsclusters -h 2>/dev/null)
}

# postgres_running: true when the postmaster named in postmaster.pid is alive and is ours
postgres_running() {
  local pid
  [ -f "$PG_DATA/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)
  proc_alive "$pid" && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$PG_DATA" ]
}

postgres_ready() {
  local bin; bin=$(_pg_newest_bindir) || return 1
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2
}

# _pg_orphans: processes still working in our data folder (backends of a killed postmaster)
_pg_orphans() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$PG_DATA" ] && echo "${p#/proc/}"
  done
}

# _pg_clear_stale: after a crash (kill -9), let the old backends go, then remove postmaster.pid
# and the socket lock file: the pid they name may now be a zombie (where PID 1 does not reap) or
# an unrelated process, and the server would refuse to start while it "exists"
_pg_clear_stale() {
  local lock=$PG_HOME/.s.PGSQL.$PG_PORT.lock
  [ -f "$PG_DATA/postmaster.pid" ] || [ -f "$lock" ] || return 0
  local deadline=$((SECONDS + 10)) left
  left=$(_pg_orphans)
  while [ -n "$left" ] && ((SECONDS < deadline)); do sleep 0.2; left=$(_pg_orphans); done
  if [ -n "$left" ]; then
    log "postgres: killing leftover backends of a dead postmaster: $(echo $left)"
    # shellcheck disable=SC2086
    kill -9 $left 2>/dev/null || true
    sleep 0.5
  fi
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    log "postgres: removing stale postmaster.pid (the server was not shut down cleanly)"
    rm -f "$PG_DATA/postmaster.pid"
  fi
  if [ -f "$lock" ] && ! proc_alive "$(head -n 1 "$lock" 2>/dev/null)"; then
    rm -f "$lock" "$PG_HOME/.s.PGSQL.$PG_PORT"
  fi
}

_pg_locale() {
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then echo C.UTF-8; else echo C; fi
}

_pg_init() {
  local bin=$1
  [ -s "$PG_DATA/PG_VERSION" ] && return 0
  log "postgres: initdb $PG_DATA"
  # a folder without PG_VERSION is a half-done initdb (initdb refuses a non-empty folder)
  rm -rf "$PG_DATA"
  install -d -o postgres -g postgres -m 700 "$PG_DATA"
  _pg_as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth-local=peer \
    --auth-host=scram-sha-256 -E UTF8 --locale="$(_pg_locale)" --data-checksums \
    >>"$LOG_DIR/postgres.log" 2>&1 || { log "postgres: initdb failed, see $LOG_DIR/postgres.log"; return 1; }
  grep -q "^include_if_exists = 'jiaodui.conf'" "$PG_DATA/postgresql.conf" ||
    printf "\n# settings of the local jiaodui stack (deploy/local/postgres.sh)\ninclude_if_exists = 'jiaodui.conf'\n" \
      >>"$PG_DATA/postgresql.conf"
}

# _pg_settings: our settings, for a 2-core development machine running the whole stack
_pg_settings() {
  cat <<EOF
# Written by deploy/local/postgres.sh at every start; change it there.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_HOME'
max_connections = 300
superuser_reserved_connections = 3
password_encryption = 'scram-sha-256'

shared_buffers = 256MB
effective_cache_size = 1GB
work_mem = 4MB
maintenance_work_mem = 128MB
wal_buffers = 16MB
max_wal_size = 2GB
min_wal_size = 256MB
checkpoint_timeout = 10min
checkpoint_completion_target = 0.9
random_page_cost = 1.1
effective_io_concurrency = 200
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
max_parallel_maintenance_workers = 1
jit = off

# durability stays on: the crash-safety tests kill -9 the server
fsync = on
synchronous_commit = on
full_page_writes = on

timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
log_checkpoints = on
log_lock_waits = on
log_autovacuum_min_duration = 10s
EOF
}

# _pg_pair_with_stack: the cluster and .stack are one world (Kafka's log, the mail sink and the
# demo-data marker live in .stack). A cluster left in $PG_HOME by an earlier .stack of the same
# path (a checkout deleted and cloned again) would pair old rows with an empty Kafka and a seed
# that runs again over existing accounts. A stamp written into both tells them apart. A cluster
# made before stamps existed is adopted only by a .stack that was seeded before stamps existed
# too (a long-lived dev stack); a fresh .stack never adopts one (CI's clean clone at a fixed
# path met the previous run's cluster that way and its seed re-registered existing accounts).
_pg_pair_with_stack() {
  local ours=$STACK_DIR/postgres-stamp theirs=$PG_HOME/stack-stamp stale=0
  mkdir -p "$STACK_DIR"
  if [ -s "$PG_DATA/PG_VERSION" ]; then
    if [ -s "$theirs" ]; then
      cmp -s "$ours" "$theirs" || stale=1
    elif [ -s "$ours" ] || ! compgen -G "$STACK_DIR/seeded-demo-*" >/dev/null; then
      stale=1
    fi
  fi
  if [ "$stale" = 1 ]; then
    log "postgres: the cluster in $PG_HOME belongs to an earlier .stack of this path; starting a fresh one"
    if postgres_running; then postgres_stop; fi
    rm -rf "$PG_DATA"
  fi
  [ -s "$ours" ] || cat /proc/sys/kernel/random/uuid >"$ours"
  cmp -s "$ours" "$theirs" || cp "$ours" "$theirs"
}

postgres_start() {
  local bin; bin=$(_pg_bindir) || return 1
  id postgres >/dev/null 2>&1 || { log "postgres: no 'postgres' system user (install postgresql)"; return 1; }
  install -d -o postgres -g postgres -m 755 "$PG_HOME"
  _pg_pair_with_stack
  bin=$(_pg_bindir) || return 1 # the cluster may be gone: the newest binaries then
  _pg_init "$bin" || return 1
  local conf=$PG_DATA/jiaodui.conf new
  new=$(_pg_settings)
  if [ "$(cat "$conf" 2>/dev/null)" != "$new" ]; then
    printf '%s\n' "$new" >"$conf"
    chown postgres:postgres "$conf"
    if postgres_running; then
      log "postgres: settings changed; reloading (listen/port/memory changes need postgres_stop first)"
      _pg_as_postgres "$bin/pg_ctl" -D "$PG_DATA" reload >>"$LOG_DIR/postgres.log" 2>&1
    fi
  fi
  postgres_running && return 0
  _pg_clear_stale
  if port_open "$PG_PORT"; then
    log "postgres: port $PG_PORT is taken by another process (a Debian cluster? try pg_lsclusters)"
    return 1
  fi
  log "postgres: starting on 127.0.0.1:$PG_PORT (data $PG_DATA)"
  # root opens the log and the server inherits it, so the log can live in the project even
  # when the project folder is closed to the postgres user
  _pg_as_postgres "$bin/pg_ctl" -D "$PG_DATA" -w -t "${JIAODUI_PG_START_TIMEOUT:-300}" start \
    </dev/null >>"$LOG_DIR/postgres.log" 2>&1 || {
    log "postgres: start failed; last lines of $LOG_DIR/postgres.log:"
    tail -n 15 "$LOG_DIR/postgres.log" >&2
    return 1
  }
}

postgres_bootstrap() {
  local bin; bin=$(_pg_bindir) || return 1
  local sql db
  sql="SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \\gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'password') \\gexec"
  for db in $SERVICES; do
    sql+="
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', '$db', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', '$db', :'user') \\gexec"
  done
  printf '%s\n' "$sql" | _pg_as_postgres "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOME" \
    -p "$PG_PORT" -U postgres -d postgres -v user="$PG_USER" -v password="$PG_PASSWORD" \
    >>"$LOG_DIR/postgres.log" 2>&1 || {
    log "postgres: bootstrap failed, see $LOG_DIR/postgres.log"
    return 1
  }
}

postgres_stop() {
  if ! postgres_running; then
    _pg_clear_stale
    return 0
  fi
  local bin; bin=$(_pg_bindir) || return 1
  log "postgres: stopping"
  _pg_as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >>"$LOG_DIR/postgres.log" 2>&1 ||
    _pg_as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >>"$LOG_DIR/postgres.log" 2>&1
}

postgres_psql() {
  local bin; bin=$(_pg_bindir) || return 1
  _pg_as_postgres "$bin/psql" -X -h "$PG_HOME" -p "$PG_PORT" -U postgres "$@"
}
