#!/usr/bin/env bash
# Apache Kafka, single KRaft node (broker + controller), from the jars on Maven Central,
# run with the machine's Java 17. No distribution tarball, no Docker.
#
#   bash deploy/local/kafka.sh install|start|stop|status
_KAFKA_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_KAFKA_HERE/env.sh"
KAFKA_DEPLOY=$JIAODUI_ROOT/deploy/kafka
KAFKA_HOME=$STACK_DIR/kafka
KAFKA_LIB=$KAFKA_HOME/lib
KAFKA_DATA=$KAFKA_HOME/data
KAFKA_PROPS=$KAFKA_HOME/server.properties

_kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_DEPLOY/pom.xml"; }

kafka_packages() { command -v java >/dev/null || echo openjdk-17-jre-headless; command -v mvn >/dev/null || echo maven; }

# kafka_install: fetch the broker's jars once per version (Maven's cache makes it quick later)
kafka_install() {
  local version; version=$(_kafka_version)
  [ -f "$KAFKA_LIB/kafka_2.13-$version.jar" ] && [ -f "$KAFKA_LIB/.complete" ] && return 0
  log "kafka: fetching Apache Kafka $version from Maven Central"
  rm -rf "$KAFKA_LIB" && mkdir -p "$KAFKA_LIB"
  mvn -B -q -f "$KAFKA_DEPLOY/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIB" >"$LOG_DIR/kafka-install.log" 2>&1 \
    || { log "kafka: mvn failed, see $LOG_DIR/kafka-install.log"; return 1; }
  touch "$KAFKA_LIB/.complete"
}

_kafka_jvm=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true)
_kafka_java() {
  java "${_kafka_jvm[@]}" -Xmx256m -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j2.configurationFile="$KAFKA_DEPLOY/log4j2.properties" -cp "$KAFKA_LIB/*" "$@"
}

_kafka_render() {
  mkdir -p "$KAFKA_DATA"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$KAFKA_DATA|g" "$KAFKA_DEPLOY/server.properties" >"$KAFKA_PROPS"
}

# _kafka_format: once, with Kafka's own storage tool
_kafka_format() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return 0
  local cluster_id
  cluster_id=$(_kafka_java kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka.log") || return 1
  _kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" \
    >>"$LOG_DIR/kafka.log" 2>&1 || { log "kafka: storage format failed"; return 1; }
}

kafka_start() {
  if pid_alive kafka && kafka_ready; then return 0; fi
  if pid_alive kafka; then return 0; fi  # starting: kafka_wait decides
  kafka_install || return 1
  _kafka_render
  _kafka_format || return 1
  log "kafka: starting on 127.0.0.1:$KAFKA_PORT (data $KAFKA_DATA)"
  spawn_bg kafka java "${_kafka_jvm[@]}" -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$KAFKA_DEPLOY/log4j2.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_PROPS"
}

kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  "${JIAODUI_PYTHON:-$JIAODUI_ROOT/.venv/bin/python}" - "$KAFKA_PORT" <<'PY' 2>/dev/null
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

kafka_wait() {
  wait_for kafka 90 kafka_ready && return 0
  log "kafka: not ready; last lines of $LOG_DIR/kafka.log and kafka-server.log:"
  tail -n 15 "$LOG_DIR/kafka.log" "$LOG_DIR/kafka-server.log" 2>/dev/null | sed 's/^/    /' >&2
  return 1
}

kafka_stop() { stop_pid kafka 60; }

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case ${1:-} in
    install) kafka_install ;;
    start) kafka_start && kafka_wait ;;
    stop) kafka_stop ;;
    status) if kafka_ready; then echo running; else echo stopped; exit 1; fi ;;
    *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
  esac
fi
