#!/usr/bin/env bash
# Single-node Apache Kafka 3.9 in KRaft mode, from Maven Central jars, run with
# the machine's Java. No Docker, no download from project websites.
#
#   deploy/local/kafka.sh fetch    resolve the jars into $KAFKA_HOME/libs (once)
#   deploy/local/kafka.sh start    fetch if needed, format storage if new, start, wait until it answers
#   deploy/local/kafka.sh stop     stop the broker this script started (SIGTERM, then SIGKILL)
#   deploy/local/kafka.sh status   exit 0 when the broker port answers
#
# Environment (all optional):
#   KAFKA_LOCAL_HOME   where jars live            default <repo>/.local/kafka
#   KAFKA_LOCAL_DATA   log dirs, pid file, log     default <repo>/.local/kafka-data
#   KAFKA_LOCAL_PORT   client listener port        default 9092 (controller: port + 1)
#   KAFKA_LOCAL_HEAP   JVM heap                    default 512m (everything shares 2 cores)
#   KAFKA_LOCAL_PARTITIONS default partitions      default 3
#   KAFKA_LOCAL_EXTRA_PROPERTIES  a file of server properties appended to the generated ones
#                  (a key given again wins): more listeners, SASL, TLS. Default none
#   KAFKA_LOCAL_SCRAM  SCRAM users created when the storage is formatted, space-separated
#                  `kafka-storage format --add-scram` values such as
#                  'SCRAM-SHA-512=[name=alice,password=alice-secret]'. Default none
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/deploy/local/kafka"
home=${KAFKA_LOCAL_HOME:-$repo/.local/kafka}
data=${KAFKA_LOCAL_DATA:-$repo/.local/kafka-data}
port=${KAFKA_LOCAL_PORT:-9092}
controller_port=$((port + 1))
heap=${KAFKA_LOCAL_HEAP:-512m}
partitions=${KAFKA_LOCAL_PARTITIONS:-3}
extra_properties=${KAFKA_LOCAL_EXTRA_PROPERTIES:-}
scram=${KAFKA_LOCAL_SCRAM:-}
pidfile="$data/kafka.pid"
logfile="$data/kafka.log"

say() { echo "kafka.sh: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
  if [ -f "$home/libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { say "Maven (mvn) is required to fetch Kafka jars"; exit 1; }
  command -v java >/dev/null || { say "Java 17+ is required to run Kafka"; exit 1; }
  say "fetching Apache Kafka jars from Maven Central into $home/libs"
  mkdir -p "$home"
  rm -rf "$home/libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$home/libs" >&2
  touch "$home/libs/.complete"
}

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  # A broker of ours that does not serve its port is starting or stopping (a pipeline
  # started right after another was stopped): wait until it serves or is gone.
  local settle=$((SECONDS + 60))
  while running_pid >/dev/null && ! port_open "$port"; do
    if [ $SECONDS -ge $settle ]; then
      say "broker pid $(running_pid) neither serves 127.0.0.1:$port nor exits; stop it first"
      exit 1
    fi
    sleep 0.3
  done
  if running_pid >/dev/null; then
    say "already running (pid $(running_pid)) on 127.0.0.1:$port"
    echo "127.0.0.1:$port"
    return 0
  fi
  if port_open "$port"; then
    say "port $port is taken by another process; set KAFKA_LOCAL_PORT or KAFKA_BROKERS"
    exit 1
  fi
  fetch
  mkdir -p "$data/logs"
  local props="$data/server.properties"
  cat >"$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data/logs
num.partitions=$partitions
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  if [ -n "$extra_properties" ]; then cat "$extra_properties" >>"$props"; fi
  local cp="$home/libs/*"
  if [ ! -f "$data/logs/meta.properties" ]; then
    local cluster_id credential credentials=() scram_args=()
    cluster_id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null)
    # SCRAM credentials go into the first metadata records (KRaft has no ZooKeeper to hold them);
    # split with read, not a bare $scram, so the [name=…] brackets are never taken as a glob.
    read -ra credentials <<<"$scram"
    for credential in "${credentials[@]}"; do scram_args+=(--add-scram "$credential"); done
    java -cp "$cp" -Dlog4j.configuration="file:$here/log4j.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$props" "${scram_args[@]}" >&2
  fi
  say "starting on 127.0.0.1:$port (data in $data)"
  nohup java -Xms256m -Xmx"$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$here/log4j.properties" \
    -cp "$cp" kafka.Kafka "$props" >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  local deadline=$((SECONDS + 90))
  until grep -q "Kafka Server started" "$logfile" 2>/dev/null; do
    if ! running_pid >/dev/null; then
      say "broker exited during start; last lines of $logfile:"
      tail -n 20 "$logfile" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      say "broker did not start within 90 s; see $logfile"
      exit 1
    fi
    sleep 0.3
  done
  echo "127.0.0.1:$port"
}

stop() {
  local pid
  pid=$(running_pid) || { say "not running"; return 0; }
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      say "broker did not stop within 30 s; killing"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
  say "stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) running_pid >/dev/null && port_open "$port" ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
