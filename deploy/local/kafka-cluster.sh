#!/usr/bin/env bash
# A 3-node Kafka cluster for failover tests, beside (never instead of) the single-node broker of
# the stack: three combined broker+controller KRaft nodes with a 3-voter quorum, the same jars as
# kafka.sh (whose functions run each node), replication factor 3 and min.insync.replicas 2
# (deploy/kafka/cluster.properties).
#
#   bash deploy/local/kafka-cluster.sh up|down|status|clean|bootstrap
#   bash deploy/local/kafka-cluster.sh kill N|start N|stop N      (N = 1, 2 or 3 = the node id)
#   bash deploy/local/kafka-cluster.sh controller    the active controller's node id (quorum leader)
#
# Node N: clients on 127.0.0.1:$((19091 + N)), controller on :$((19191 + N)) (JIAODUI_KAFKA_CLUSTER_PORT,
# JIAODUI_KAFKA_CLUSTER_CONTROLLER_PORT move the first), heap JIAODUI_KAFKA_CLUSTER_HEAP (384m);
# data and kafka-server.log in $STACK_DIR/kafka-cluster/N, stdout in $LOG_DIR/kafka-cluster-N.log.
_CLUSTER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_CLUSTER_HERE/kafka.sh"
CLUSTER_HOME=$STACK_DIR/kafka-cluster
CLUSTER_NODES=(1 2 3)
CLUSTER_PORT=${JIAODUI_KAFKA_CLUSTER_PORT:-19092}
CLUSTER_CONTROLLER_PORT=${JIAODUI_KAFKA_CLUSTER_CONTROLLER_PORT:-19192}
CLUSTER_HEAP=${JIAODUI_KAFKA_CLUSTER_HEAP:-384m}

_cluster_join() { local IFS=,; echo "$*"; }

# cluster_bootstrap: every node's client address, comma-separated (what clients are given)
cluster_bootstrap() {
  local n out=()
  for n in "${CLUSTER_NODES[@]}"; do out+=("127.0.0.1:$((CLUSTER_PORT + n - 1))"); done
  _cluster_join "${out[@]}"
}

_cluster_voters() {
  local n out=()
  for n in "${CLUSTER_NODES[@]}"; do out+=("$n@127.0.0.1:$((CLUSTER_CONTROLLER_PORT + n - 1))"); done
  _cluster_join "${out[@]}"
}

# _cluster_id: one cluster id for all nodes, made once (each node is formatted with it on its
# first start, so it must exist before any node starts)
_cluster_id() {
  local file=$CLUSTER_HOME/cluster.id
  if [ ! -s "$file" ]; then
    mkdir -p "$CLUSTER_HOME"
    kafka_new_cluster_id >"$file.tmp" && [ -s "$file.tmp" ] && mv "$file.tmp" "$file" || return 1
  fi
  cat "$file"
}

# _cluster_node N: point kafka.sh's per-node variables at node N (call it in a subshell)
_cluster_node() {
  local n=$1
  [[ " ${CLUSTER_NODES[*]} " == *" $n "* ]] || { log "kafka-cluster: no node '$n'"; return 1; }
  KAFKA_NAME=kafka-cluster-$n
  KAFKA_NODE_ID=$n
  KAFKA_PORT=$((CLUSTER_PORT + n - 1))
  KAFKA_CONTROLLER_PORT=$((CLUSTER_CONTROLLER_PORT + n - 1))
  KAFKA_DATA=$CLUSTER_HOME/$n/data
  KAFKA_PROPS=$CLUSTER_HOME/$n/server.properties
  KAFKA_SERVER_LOG_DIR=$CLUSTER_HOME/$n/logs
  KAFKA_QUORUM_VOTERS=$(_cluster_voters)
  KAFKA_EXTRA_PROPS=$KAFKA_DEPLOY/cluster.properties
  KAFKA_HEAP=$CLUSTER_HEAP
  KAFKA_CLUSTER_ID=$(cat "$CLUSTER_HOME/cluster.id" 2>/dev/null)
}

# on_node N COMMAND...: a kafka.sh function for node N
on_node() { (_cluster_node "$1" && "${@:2}"); }

# on_all COMMAND...: on every node at once; fails when one fails
on_all() {
  local n pids=() rc=0
  for n in "${CLUSTER_NODES[@]}"; do on_node "$n" "$@" & pids+=($!); done
  for n in "${pids[@]}"; do wait "$n" || rc=1; done
  return $rc
}

# a node's quorum needs a majority of voters up, so all start before any is waited for
cluster_up() {
  kafka_install && _cluster_id >/dev/null || return 1
  on_all kafka_start && on_all kafka_wait && log "kafka-cluster: up on $(cluster_bootstrap)"
}

# all at once: the last node's controlled shutdown would otherwise wait for a lost quorum
cluster_down() { on_all kafka_stop; }

cluster_status() {
  local n rc=0
  for n in "${CLUSTER_NODES[@]}"; do on_node "$n" kafka_status || rc=1; done
  return $rc
}

_gone() { ! proc_alive "$1"; }

# cluster_kill N: SIGKILL, no controlled shutdown (a crashed machine); returns once it is gone
cluster_kill() {
  on_node "$1" true || return 1
  local pid; pid=$(cat "$RUN_DIR/kafka-cluster-$1.pid" 2>/dev/null)
  proc_alive "$pid" || { log "kafka-cluster: node $1 is not running"; return 1; }
  kill -9 "$pid"
  wait_for "node $1 to die" 10 _gone "$pid"
}

# cluster_controller: the node id of the active controller, i.e. the KRaft quorum's leader, as
# kafka-metadata-quorum.sh describe --status reports it (LeaderId); Kafka's tools jar is fetched
# beside the broker's jars the first time (kafka.sh tools)
cluster_controller() {
  kafka_tools_install || return 1
  timeout 30 java -Xmx128m -Dlog4j2.configurationFile="$KAFKA_DEPLOY/log4j2.properties" \
    -cp "$KAFKA_LIB/*:$KAFKA_HOME/tools/*" org.apache.kafka.tools.MetadataQuorumCommand \
    --bootstrap-server "$(cluster_bootstrap)" describe --status 2>>"$LOG_DIR/kafka-cluster-tools.log" \
    | sed -n 's/^LeaderId:[[:space:]]*\([0-9]*\).*/\1/p' | grep .
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case ${1:-}:${2:-} in
    up:) cluster_up ;;
    down:) cluster_down ;;
    status:) cluster_status ;;
    clean:) cluster_down && rm -rf "$CLUSTER_HOME" ;;
    bootstrap:) cluster_bootstrap ;;
    controller:) cluster_controller ;;
    kill:?*) cluster_kill "$2" ;;
    start:?*) _cluster_id >/dev/null && on_node "$2" kafka_start && on_node "$2" kafka_wait ;;
    stop:?*) on_node "$2" kafka_stop ;;
    *) echo "usage: $0 up|down|status|clean|bootstrap|controller|kill N|start N|stop N" >&2; exit 2 ;;
  esac
fi
