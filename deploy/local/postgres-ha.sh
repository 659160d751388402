#!/usr/bin/env bash
# PostgreSQL failover for the local stack: a synchronous streaming standby of the stack's cluster,
# beside (never instead of) postgres.sh. Two nodes of the same Debian PostgreSQL, both run as the
# `postgres` user with their data under $PG_HOME (outside mode-700 homes):
#   node a  $PG_HOME/data     127.0.0.1:$PG_PORT           the stack's own cluster (postgres.sh)
#   node b  $PG_HOME/standby  127.0.0.1:$PG_STANDBY_PORT   made by pg_basebackup -R from the primary
# Whichever node leads has `synchronous_standby_names` naming the other (`cluster_name` jiaodui_a /
# jiaodui_b is each node's application_name) and `synchronous_commit = on`, so a commit is
# acknowledged only once it is flushed on both; each standby streams through a physical
# replication slot on its primary.
#
#   bash deploy/local/postgres-ha.sh up        a primary with a synchronous standby: b is built from
#                                              a; after a failover the dead node is rebuilt as the
#                                              standby of the living one. Writes
#                                              $STACK_DIR/postgres-ha.env: services started from then
#                                              on get the multi-host DSN (target_session_attrs=
#                                              read-write); `services.sh restart` to switch them now
#   bash deploy/local/postgres-ha.sh status    each node's role, the primary's standbys; exit 0 when a
#                                              primary has a synchronous standby
#   bash deploy/local/postgres-ha.sh kill      kill -9 the primary's postmaster and all its processes
#                                              at once (the host dies); for tests and drills
#   bash deploy/local/postgres-ha.sh promote   promote the standby (refused while a primary answers),
#                                              fencing the old primary: its data gets standby.signal,
#                                              so whatever starts it again starts it read-only
#   bash deploy/local/postgres-ha.sh rebuild   the node that is down or fenced, rebuilt as the standby
#                                              of the primary (pg_basebackup; what `up` does)
#   bash deploy/local/postgres-ha.sh down      back to the plain stack: the data on node a
#                                              (:$PG_PORT) as a lone primary (after a failover a is
#                                              rebuilt from b first, then a switchover), b deleted,
#                                              its slot dropped, postgres-ha.env removed
#
# JIAODUI_PG_STANDBY_PORT moves node b (5433). Both servers log to $LOG_DIR/postgres.log.
set -o pipefail
_HA_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_HA_HERE/env.sh"
source "$_HA_HERE/postgres.sh"

PG_STANDBY_PORT=${JIAODUI_PG_STANDBY_PORT:-5433}
HA_ENV=$STACK_DIR/postgres-ha.env
_HA_A_DATA=$PG_DATA
_HA_A_PORT=$PG_PORT

_ha_data() { if [ "$1" = a ]; then echo "$_HA_A_DATA"; else echo "$PG_HOME/standby"; fi; }
_ha_port() { if [ "$1" = a ]; then echo "$_HA_A_PORT"; else echo "$PG_STANDBY_PORT"; fi; }
_ha_other() { if [ "$1" = a ]; then echo b; else echo a; fi; }

# _ha_on NODE COMMAND...: a postgres.sh function (postgres_start, postgres_stop, ...) on NODE
_ha_on() { (PG_DATA=$(_ha_data "$1") PG_PORT=$(_ha_port "$1") && "${@:2}"); }

# _ha_sql NODE SQL: one statement as the superuser over the unix socket; its rows, unaligned
_ha_sql() {
  local bin; bin=$(_pg_newest_bindir) || return 1
  _pg_as_postgres "$bin/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h "$PG_HOME" -p "$(_ha_port "$1")" \
    -U postgres -d postgres -c "$2" 2>>"$LOG_DIR/postgres.log"
}

# _ha_role NODE: primary, standby or down (down: not running or not answering)
_ha_role() {
  _ha_on "$1" postgres_running || { echo down; return; }
  case $(_ha_sql "$1" "SELECT pg_is_in_recovery()" 2>/dev/null) in
    f) echo primary ;;
    t) echo standby ;;
    *) echo down ;;
  esac
}

# _ha_primary: the node that leads (fails when none does)
_ha_primary() {
  local n
  for n in a b; do [ "$(_ha_role "$n")" = primary ] && { echo "$n"; return 0; }; done
  return 1
}

# _ha_settings NODE SYNC: node's failover settings; SYNC names the standby to wait for ('' none)
_ha_settings() {
  cat <<EOF
# Written by deploy/local/postgres-ha.sh (the failover option); removed by \`postgres-ha.sh down\`.
# the application_name this node streams under when it is a standby (restart to change)
cluster_name = 'jiaodui_$1'
# a commit is acknowledged once the named standby has flushed it too (synchronous_commit = on)
synchronous_standby_names = '$2'
# a standby that stays away may hold WAL in its slot; past this much, the slot is given up
max_slot_wal_keep_size = 4GB
wal_receiver_status_interval = 1s
EOF
}

# _ha_configure NODE SYNC: write NODE's failover settings (and the include for them), reload
_ha_configure() {
  local data; data=$(_ha_data "$1")
  grep -q "^include_if_exists = 'jiaodui-ha.conf'" "$data/postgresql.conf" ||
    printf "include_if_exists = 'jiaodui-ha.conf'\n" >>"$data/postgresql.conf"
  _ha_settings "$1" "$2" >"$data/jiaodui-ha.conf"
  chown postgres:postgres "$data/jiaodui-ha.conf"
  if _ha_on "$1" postgres_running; then
    _ha_sql "$1" "SELECT pg_reload_conf()" >/dev/null
  fi
}

# _ha_replica_state PRIMARY STANDBY: the standby's sync_state as its primary sees it (sync, async...)
_ha_replica_state() {
  _ha_sql "$1" "SELECT sync_state FROM pg_stat_replication
    WHERE application_name = 'jiaodui_$2' AND state = 'streaming'" 2>/dev/null
}
_ha_streaming() { [ -n "$(_ha_replica_state "$1" "$2")" ]; }
_ha_synchronous() { [ "$(_ha_replica_state "$1" "$2")" = sync ]; }
_ha_setting_is() { [ "$(_ha_sql "$1" "SHOW $2")" = "$3" ]; }

# _ha_build_standby PRIMARY: (re)create the other node as its streaming standby
_ha_build_standby() {
  local p=$1 s data bin; s=$(_ha_other "$1"); data=$(_ha_data "$s")
  bin=$(_pg_bindir) || return 1
  _ha_on "$s" postgres_stop || return 1
  _ha_on "$s" _pg_clear_stale
  log "postgres-ha: building node $s (:$(_ha_port "$s")) as the standby of node $p (:$(_ha_port "$p")) with pg_basebackup"
  _ha_sql "$p" "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
    WHERE slot_name = 'jiaodui_$s' AND NOT active" >/dev/null || return 1
  rm -rf "$data"
  install -d -o postgres -g postgres -m 700 "$data"
  # -R: standby.signal and primary_conninfo (this unix socket, peer authentication as postgres);
  # -C -S: a physical slot on the primary, so it keeps the WAL this standby has not received
  _pg_as_postgres "$bin/pg_basebackup" -h "$PG_HOME" -p "$(_ha_port "$p")" -U postgres -D "$data" \
    -R -X stream -C -S "jiaodui_$s" --checkpoint=fast >>"$LOG_DIR/postgres.log" 2>&1 || {
    log "postgres-ha: pg_basebackup failed, see $LOG_DIR/postgres.log"
    return 1
  }
  # the copy carries the primary's settings: its own name, no standby of its own to wait for
  # (postgres_start rewrites jiaodui.conf with this node's port)
  _ha_configure "$s" ""
  _ha_on "$s" postgres_start || return 1
  wait_for "node $s to stream from node $p" 120 _ha_streaming "$p" "$s"
}

ha_up() {
  local p s
  if ! p=$(_ha_primary); then
    if [ -s "$(_ha_data b)/PG_VERSION" ]; then
      log "postgres-ha: no primary answers; promote the standby (postgres-ha.sh promote) or start the old primary"
      return 1
    fi
    postgres_start && wait_for postgres 60 postgres_ready && postgres_bootstrap || return 1
    p=a
  fi
  s=$(_ha_other "$p")
  if ! _ha_streaming "$p" "$s"; then
    _ha_configure "$p" "" || return 1 # never wait for a standby that is not there
    _ha_build_standby "$p" || return 1
  fi
  _ha_configure "$p" "jiaodui_$s" || return 1
  wait_for "node $s to be a synchronous standby" 60 _ha_synchronous "$p" "$s" || return 1
  printf '# written by deploy/local/postgres-ha.sh up: services connect to whichever node leads\nJIAODUI_PG_HOSTS=127.0.0.1:%s,127.0.0.1:%s\n' \
    "$_HA_A_PORT" "$PG_STANDBY_PORT" >"$HA_ENV"
  log "postgres-ha: node $p (:$(_ha_port "$p")) primary, node $s (:$(_ha_port "$s")) synchronous standby;" \
    "services started from now on connect to 127.0.0.1:$_HA_A_PORT,127.0.0.1:$PG_STANDBY_PORT (read-write)"
}

# _ha_pids NODE: the node's postmaster and its children (every process of the server)
_ha_pids() {
  local pid; pid=$(head -n 1 "$(_ha_data "$1")/postmaster.pid" 2>/dev/null)
  proc_alive "$pid" || return 0
  echo "$pid" $(pgrep -P "$pid")
}

# _ha_gone PID...: true when none of them runs any more (zombies do not count; bash builtins
# only, as dozens of forks per round are slow on a loaded machine)
_ha_gone() {
  local pid key val
  for pid in "$@"; do
    [ -r "/proc/$pid/status" ] || continue
    while read -r key val; do
      [ "$key" = State: ] || continue
      [[ $val == [ZX]* ]] || return 1
      break
    done <"/proc/$pid/status" 2>/dev/null
  done
  return 0
}

ha_kill() {
  local p pm pids left
  p=$(_ha_primary) || { log "postgres-ha: no primary to kill"; return 1; }
  pm=$(head -n 1 "$(_ha_data "$p")/postmaster.pid")
  # frozen first, so that no backend is forked between the listing and the kill
  kill -STOP "$pm"
  pids=$(_ha_pids "$p")
  local at; at=$(date +%s.%N)
  # shellcheck disable=SC2086
  kill -9 $pids
  log "postgres-ha: kill -9 node $p (:$(_ha_port "$p")): $(echo $pids)"
  # shellcheck disable=SC2086
  wait_for "node $p to die" 10 _ha_gone $pids || return 1
  # anything else still working in its data folder (there should be nothing)
  left=$(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$(_ha_data "$p")" 2>/dev/null | cut -d/ -f3)
  if [ -n "$left" ]; then
    log "postgres-ha: $(echo $left | wc -w) more processes of node $p were alive; killed: $(echo $left)"
    # shellcheck disable=SC2086
    kill -9 $left
  fi
  echo "$at" # when it was killed (epoch seconds), for the tests' clocks
}

ha_promote() {
  local s o
  for s in a b; do [ "$(_ha_role "$s")" = standby ] && break; s=""; done
  [ -n "$s" ] || { log "postgres-ha: no standby to promote"; return 1; }
  o=$(_ha_other "$s")
  if [ "$(_ha_role "$o")" != down ]; then
    log "postgres-ha: node $o still answers; stop it (or kill it) before promoting node $s"
    return 1
  fi
  # fence the old primary first: whatever starts it again (make run) starts it read-only, and
  # the read-write DSN never sends a service there
  if [ -s "$(_ha_data "$o")/PG_VERSION" ]; then
    touch "$(_ha_data "$o")/standby.signal" && chown postgres:postgres "$(_ha_data "$o")/standby.signal"
  fi
  local bin; bin=$(_pg_bindir) || return 1
  _pg_as_postgres "$bin/pg_ctl" -D "$(_ha_data "$s")" -w -t 60 promote >>"$LOG_DIR/postgres.log" 2>&1 || {
    log "postgres-ha: promotion of node $s failed, see $LOG_DIR/postgres.log"
    return 1
  }
  local at; at=$(date +%s.%N)
  _ha_clear_standby_settings "$s" || return 1
  log "postgres-ha: node $s (:$(_ha_port "$s")) promoted; it runs alone until \`postgres-ha.sh up\` rebuilds node $o"
  echo "$at" # when it accepted writes (epoch seconds), for the tests' clocks
}

ha_rebuild() {
  local p; p=$(_ha_primary) || { log "postgres-ha: no primary to rebuild from"; return 1; }
  _ha_configure "$p" "" && _ha_build_standby "$p"
}

# _ha_clear_standby_settings NODE: a primary again: no primary_conninfo/slot left from its standby days
_ha_clear_standby_settings() {
  _ha_sql "$1" "ALTER SYSTEM RESET primary_conninfo" >/dev/null &&
    _ha_sql "$1" "ALTER SYSTEM RESET primary_slot_name" >/dev/null &&
    _ha_sql "$1" "SELECT pg_reload_conf()" >/dev/null
}

ha_down() {
  local p bin; bin=$(_pg_bindir) || return 1
  p=$(_ha_primary) || { log "postgres-ha: no primary answers; promote the standby first"; return 1; }
  if [ "$p" = b ]; then
    # a switchover back to node a: a becomes b's synchronous standby, b shuts down cleanly (its
    # walsender hands a everything, the shutdown checkpoint included), then a is promoted
    if ! _ha_synchronous b a; then ha_up || return 1; fi
    log "postgres-ha: switching over from node b back to node a"
    _ha_on b postgres_stop || return 1
    _pg_as_postgres "$bin/pg_ctl" -D "$(_ha_data a)" -w -t 60 promote >>"$LOG_DIR/postgres.log" 2>&1 || {
      log "postgres-ha: promotion of node a failed, see $LOG_DIR/postgres.log"
      return 1
    }
    _ha_clear_standby_settings a || return 1
  fi
  # node a leads: stop waiting for b before b goes away
  rm -f "$(_ha_data a)/jiaodui-ha.conf"
  _ha_sql a "SELECT pg_reload_conf()" >/dev/null
  _ha_on b postgres_stop
  _ha_on b _pg_clear_stale
  rm -rf "$(_ha_data b)"
  _ha_sql a "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
    WHERE slot_name = 'jiaodui_b'" >/dev/null
  rm -f "$HA_ENV"
  log "postgres-ha: down; node a (:$_HA_A_PORT) runs alone; services started from now on connect to it only"
}

ha_status() {
  local n role rc=1 p
  for n in a b; do
    role=$(_ha_role "$n")
    printf 'node %s  %-8s 127.0.0.1:%-6s %s\n' "$n" "$role" "$(_ha_port "$n")" "$(_ha_data "$n")"
    if [ "$role" = primary ]; then
      p=$n
      _ha_sql "$n" "SELECT '  standby ' || application_name || ' ' || state || ' ' || sync_state
        || ' replay lag ' || pg_wal_lsn_diff(sent_lsn, replay_lsn) || ' bytes'
        FROM pg_stat_replication"
      printf '  synchronous_standby_names = %s\n' "$(_ha_sql "$n" "SHOW synchronous_standby_names")"
    fi
  done
  [ -n "${p:-}" ] && _ha_synchronous "$p" "$(_ha_other "$p")" && rc=0
  [ -f "$HA_ENV" ] && echo "services: $(grep -v '^#' "$HA_ENV")"
  return $rc
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  cmd=${1:-}
  case $cmd in
    up | down | promote | rebuild | kill)
      # one change at a time (the stack's lock: not while stack.sh up/down runs either)
      if [ -z "${JIAODUI_HA_LOCKED:-}" ]; then
        JIAODUI_HA_LOCKED=1 exec flock -o -w 900 "$RUN_DIR/stack.lock" bash "${BASH_SOURCE[0]}" "$@"
      fi
      "ha_$cmd"
      ;;
    status) ha_status ;;
    *) echo "usage: $0 up|down|status|kill|promote|rebuild" >&2; exit 2 ;;
  esac
fi
