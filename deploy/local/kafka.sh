#!/usr/bin/env bash
# Apache Kafka, one KRaft node (broker + controller), from the jars on Maven Central, run with the
# machine's Java 17. No distribution tarball, no Docker. Sourced by stack.sh; also runnable:
#
#   bash deploy/local/kafka.sh install|start|stop|status
#
# Jars: $STACK_DIR/kafka/lib (version pinned in deploy/kafka/pom.xml); data: $STACK_DIR/kafka/data;
# logs: $LOG_DIR/kafka.log (stdout, WARN and up) and $LOG_DIR/kafka-server.log (INFO).
_KAFKA_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_KAFKA_HERE/env.sh"
KAFKA_DEPLOY=$JIAODUI_ROOT/deploy/kafka
KAFKA_HOME=$STACK_DIR/kafka
KAFKA_LIB=$KAFKA_HOME/lib
KAFKA_DATA=$KAFKA_HOME/data
KAFKA_PROPS=$KAFKA_HOME/server.properties
# what one node is; deploy/local/kafka-cluster.sh sets these per node after sourcing this file
KAFKA_NAME=kafka                      # $RUN_DIR/$KAFKA_NAME.pid, $LOG_DIR/$KAFKA_NAME.log (stdout)
KAFKA_SERVER_LOG_DIR=$LOG_DIR         # where kafka-server.log goes
KAFKA_NODE_ID=1
KAFKA_QUORUM_VOTERS=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
KAFKA_EXTRA_PROPS=                    # a file appended to server.properties (later keys win)
KAFKA_CLUSTER_ID=                     # empty: a new one when the data folder is formatted

# the JVM flags of Kafka's own kafka-run-class.sh, plus our log settings
_kafka_jvm=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$KAFKA_DEPLOY/log4j2.properties")

_kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_DEPLOY/pom.xml"; }
_kafka_lib_version() { cat "$KAFKA_LIB/.version" 2>/dev/null; }

# kafka_tools_install: Kafka's ProducerPerformance for `make bench` (not needed to run),
# at the broker's version; fetched again when the version changes
kafka_tools_install() {
  local version; version=$(_kafka_version)
  [ "$(cat "$KAFKA_HOME/tools/.version" 2>/dev/null)" = "$version" ] && return 0
  rm -rf "$KAFKA_HOME/tools" && mkdir -p "$KAFKA_HOME/tools"
  mvn -B -q -f "$KAFKA_DEPLOY/tools-pom.xml" -Dkafka.version="$version" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_HOME/tools" \
    >"$LOG_DIR/kafka-tools-install.log" 2>&1 && echo "$version" >"$KAFKA_HOME/tools/.version"
}

kafka_packages() {
  command -v java >/dev/null || echo openjdk-17-jre-headless
  command -v mvn >/dev/null || echo maven
}

# kafka_install: make $KAFKA_LIB hold exactly the jars of the pinned version. Idempotent; a version
# change fetches again (Maven's ~/.m2 cache makes repeats quick) and restarts a running broker,
# whose classpath is that folder.
kafka_install() {
  local version; version=$(_kafka_version)
  [ -n "$version" ] || { log "kafka: no <kafka.version> in $KAFKA_DEPLOY/pom.xml"; return 1; }
  if [ "$(_kafka_lib_version)" = "$version" ] && [ -f "$KAFKA_LIB/kafka_2.13-$version.jar" ]; then
    return 0
  fi
  log "kafka: fetching Apache Kafka $version from Maven Central (log in $LOG_DIR/kafka-install.log)"
  local new=$KAFKA_HOME/lib.new
  rm -rf "$new" && mkdir -p "$new"
  mvn -B -q -f "$KAFKA_DEPLOY/pom.xml" dependency:copy-dependencies -DoutputDirectory="$new" \
    >"$LOG_DIR/kafka-install.log" 2>&1 \
    && [ -f "$new/kafka_2.13-$version.jar" ] \
    || { log "kafka: mvn failed, see $LOG_DIR/kafka-install.log"; rm -rf "$new"; return 1; }
  echo "$version" >"$new/.version"
  if pid_alive kafka; then
    log "kafka: stopping the running broker ($(_kafka_lib_version || echo '?')) to switch to $version"
    kafka_stop
  fi
  rm -rf "$KAFKA_LIB" && mv "$new" "$KAFKA_LIB"
}

# _kafka_java ARGS...: a short-lived Kafka tool (the storage formatter) on the broker's classpath
_kafka_java() {
  java "${_kafka_jvm[@]}" -Dkafka.logs.dir="$KAFKA_SERVER_LOG_DIR" -Xmx256m -cp "$KAFKA_LIB/*" "$@"
}

# _kafka_render: server.properties (plus $KAFKA_EXTRA_PROPS) with this node's ports and data folder
_kafka_render() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_SERVER_LOG_DIR"
  cat "$KAFKA_DEPLOY/server.properties" ${KAFKA_EXTRA_PROPS:+"$KAFKA_EXTRA_PROPS"} \
    | sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$KAFKA_DATA|g" -e "s|@NODE_ID@|$KAFKA_NODE_ID|g" \
      -e "s|@QUORUM_VOTERS@|$KAFKA_QUORUM_VOTERS|g" >"$KAFKA_PROPS"
}

# kafka_new_cluster_id: a new cluster id from Kafka's own storage tool
kafka_new_cluster_id() { _kafka_java kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/$KAFKA_NAME.log"; }

# _kafka_format: once, with Kafka's own storage tool ($KAFKA_CLUSTER_ID, else a new cluster id)
_kafka_format() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return 0
  local cluster_id=${KAFKA_CLUSTER_ID:-$(kafka_new_cluster_id)}
  [ -n "$cluster_id" ] || { log "kafka: StorageTool random-uuid failed"; return 1; }
  log "kafka: formatting $KAFKA_DATA (cluster $cluster_id)"
  _kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" --ignore-formatted \
    >>"$LOG_DIR/$KAFKA_NAME.log" 2>&1 \
    || { log "kafka: storage format failed, see $LOG_DIR/$KAFKA_NAME.log"; return 1; }
}

# _kafka_pid_check: a $KAFKA_NAME.pid whose process is not our broker (a pid reused after a reboot
# or on a machine handed over with an old .stack) is dropped, so that neither start nor stop trusts it
_kafka_pid_check() {
  pid_alive "$KAFKA_NAME" || return 0
  tr '\0' ' ' <"/proc/$(cat "$RUN_DIR/$KAFKA_NAME.pid")/cmdline" 2>/dev/null | grep -q ' kafka\.Kafka ' && return 0
  log "kafka: $RUN_DIR/$KAFKA_NAME.pid names a process that is not the broker; ignoring it"
  rm -f "$RUN_DIR/$KAFKA_NAME.pid"
}

# kafka_start: start the broker detached (pid in $RUN_DIR/$KAFKA_NAME.pid); returns at once, kafka_wait
# waits. Already running: nothing to do.
kafka_start() {
  _kafka_pid_check
  if pid_alive "$KAFKA_NAME"; then return 0; fi
  if port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; then
    log "kafka: 127.0.0.1:$KAFKA_PORT or :$KAFKA_CONTROLLER_PORT is taken by a process this stack did not start"
    return 1
  fi
  kafka_install || return 1
  _kafka_render
  _kafka_format || return 1
  log "kafka: starting $(_kafka_lib_version) on 127.0.0.1:$KAFKA_PORT (data $KAFKA_DATA)"
  spawn_bg "$KAFKA_NAME" java "${_kafka_jvm[@]}" -Dkafka.logs.dir="$KAFKA_SERVER_LOG_DIR" \
    -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_PROPS"
}

# _kafka_python: an interpreter with aiokafka (the project's virtual environment)
_kafka_python() {
  if [ -n "${JIAODUI_PYTHON:-}" ]; then echo "$JIAODUI_PYTHON"
  elif [ -x "$JIAODUI_ROOT/.venv/bin/python" ]; then echo "$JIAODUI_ROOT/.venv/bin/python"
  else echo python3
  fi
}

# kafka_ready: true when the broker answers a metadata request (not merely an open port)
kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  timeout 15 "$(_kafka_python)" - "$KAFKA_PORT" <<'PY' >/dev/null 2>&1
import asyncio, sys
from aiokafka.admin import AIOKafkaAdminClient

async def main() -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{sys.argv[1]}", request_timeout_ms=3000)
    await asyncio.wait_for(admin.start(), 5)
    try:
        await asyncio.wait_for(admin.list_topics(), 5)
    finally:
        await admin.close()

asyncio.run(main())
PY
}

# kafka_wait: until ready (90 s at most; at once if the JVM died); the log tails on failure
kafka_wait() {
  local deadline=$((SECONDS + 90))
  until kafka_ready; do
    if ! pid_alive "$KAFKA_NAME"; then log "$KAFKA_NAME: the broker exited"; break; fi
    if ((SECONDS >= deadline)); then log "$KAFKA_NAME: not ready after 90s"; break; fi
    sleep 0.3
  done
  kafka_ready && return 0
  log "$KAFKA_NAME: last lines of $LOG_DIR/$KAFKA_NAME.log and $KAFKA_SERVER_LOG_DIR/kafka-server.log:"
  tail -n 15 "$LOG_DIR/$KAFKA_NAME.log" "$KAFKA_SERVER_LOG_DIR/kafka-server.log" 2>/dev/null | sed 's/^/    /' >&2
  return 1
}

# kafka_stop: TERM (controlled shutdown: logs flushed, clean-shutdown marker written), KILL after 60 s
kafka_stop() { _kafka_pid_check; stop_pid "$KAFKA_NAME" 60; }

kafka_status() {
  local pidfile=$RUN_DIR/$KAFKA_NAME.pid
  if kafka_ready; then echo "$KAFKA_NAME running $(_kafka_lib_version) 127.0.0.1:$KAFKA_PORT pid $(cat "$pidfile" 2>/dev/null)"
  elif pid_alive "$KAFKA_NAME"; then echo "$KAFKA_NAME unhealthy pid $(cat "$pidfile")"; return 1
  else echo "$KAFKA_NAME stopped"; return 1
  fi
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case ${1:-} in
    install) kafka_install ;;
    tools) kafka_tools_install ;;
    start) kafka_start && kafka_wait ;;
    stop) kafka_stop ;;
    status) kafka_status ;;
    *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
  esac
fi
