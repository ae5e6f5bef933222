#!/usr/bin/env bash
# kafka-broker.sh — one real Apache Kafka 3.9.1 node (KRaft, broker+controller)
# on 127.0.0.1 for the integration tests.
#
#   kafka-broker.sh fetch          download the jars once (Maven Central via mvn)
#   kafka-broker.sh start DIR      format + start a fresh node in DIR (created if
#                                  missing, must not hold a node already); prints
#                                  BOOTSTRAP=127.0.0.1:PORT, also in DIR/bootstrap
#   kafka-broker.sh stop DIR       SIGTERM, wait, SIGKILL after $KAFKA_STOP_TIMEOUT s
#   kafka-broker.sh kill DIR       SIGKILL at once (fault tests)
#   kafka-broker.sh restart DIR    stop if running, start again: same ports, same data
#   kafka-broker.sh status DIR     exit 0 and print pid + bootstrap if running, else exit 3
#
# DIR holds server.properties, log4j.properties, data/, server.log (broker log),
# stdout.log (JVM stdout/stderr), pid and bootstrap.
#
# Environment:
#   NEWSENRICH_CACHE     cache dir (default <repo>/.cache); jars go to
#                        $NEWSENRICH_CACHE/kafka-3.9.1/libs, maven's repo to .../m2
#   KAFKA_START_TIMEOUT  seconds to wait for "Kafka Server started" (default 90)
#   KAFKA_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 30)
#   KAFKA_HEAP_OPTS      JVM heap flags (default -Xms128m -Xmx512m)
#   JAVA, MVN            the java and mvn to use (default: from PATH)
#
# Needs: bash, java >= 11 (17 tested), mvn (fetch only), flock; python3 if present
# picks the free ports, otherwise bash probes them.
set -euo pipefail

readonly KAFKA_VERSION=3.9.1
readonly SCALA_VERSION=2.13
readonly DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${NEWSENRICH_CACHE:-$REPO/.cache}
KAFKA_HOME=$CACHE/kafka-$KAFKA_VERSION
LIBS=$KAFKA_HOME/libs
JAVA=${JAVA:-java}
MVN=${MVN:-mvn}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}

die() { echo "kafka-broker: $*" >&2; exit 1; }
note() { echo "kafka-broker: $*" >&2; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
}

need() {
    command -v "$1" >/dev/null 2>&1 ||
        die "'$1' not found; $2"
}

# ---------------------------------------------------------------- fetch

# The pom whose runtime dependencies are exactly the broker's classpath.
write_pom() {
    cat >"$KAFKA_HOME/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>newsenrich.test</groupId>
  <artifactId>kafka-broker-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$SCALA_VERSION</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId>
      <artifactId>reload4j</artifactId>
      <version>1.2.25</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
EOF
}

# Download the jars into $LIBS unless a complete copy is already there.
# Safe to run concurrently: the first caller downloads, the others wait.
cmd_fetch() {
    [[ -f $LIBS/.complete ]] && return 0
    need "$JAVA" "install a JRE (Debian: apt-get install default-jre-headless)"
    need "$MVN" "install Maven (Debian: apt-get install maven)"
    need flock "install util-linux"
    mkdir -p "$KAFKA_HOME"
    exec 9>"$KAFKA_HOME/.lock"
    flock 9
    if [[ ! -f $LIBS/.complete ]]; then
        note "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
        write_pom
        rm -rf "$LIBS.tmp"
        if ! "$MVN" -B -q -Dstyle.color=never -f "$KAFKA_HOME/pom.xml" \
            -Dmaven.repo.local="$CACHE/m2" \
            "$DEP_PLUGIN:copy-dependencies" \
            -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp" \
            >"$KAFKA_HOME/mvn.log" 2>&1; then
            rm -rf "$LIBS.tmp"
            tail -n 30 "$KAFKA_HOME/mvn.log" >&2
            die "mvn could not fetch the Kafka jars (is Maven Central reachable?); see $KAFKA_HOME/mvn.log"
        fi
        ls "$LIBS.tmp"/kafka_"$SCALA_VERSION"-"$KAFKA_VERSION".jar >/dev/null 2>&1 ||
            die "mvn ran but kafka_$SCALA_VERSION-$KAFKA_VERSION.jar is missing"
        rm -rf "$LIBS"
        mv "$LIBS.tmp" "$LIBS"
        touch "$LIBS/.complete"
        note "fetched $(ls "$LIBS"/*.jar | wc -l) jars"
    fi
    exec 9>&-
}

# ---------------------------------------------------------------- node state

# Resolve DIR to an absolute path; create it when $2 is "create".
node_dir() {
    [[ -n ${1:-} ]] || usage
    if [[ ${2:-} == create ]]; then mkdir -p "$1"; fi
    [[ -d $1 ]] || die "$1: no such directory"
    (cd "$1" && pwd)
}

# Whether pid $1 is a live process (a zombie, dead but not yet reaped by a
# parent that is not us, does not count).
alive() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [[ ${st%% *} != Z ]]
}

# Print the pid of the node running in $1, or fail if none is.
# The pid must still be a java whose command line names this DIR, so a
# recycled pid is never taken for the broker.
node_pid() {
    local dir=$1 pid
    [[ -f $dir/pid ]] || return 1
    pid=$(<"$dir/pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
        grep -qF -- "$dir/server.properties" || return 1
    echo "$pid"
}

# Two distinct free TCP ports on 127.0.0.1, one per line.
free_ports() {
    if command -v python3 >/dev/null 2>&1; then
        python3 - <<'EOF' && return 0
import socket
socks = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
    fi
    # Fallback: random ports below the ephemeral range that nothing answers on.
    local n=0 p got=()
    while ((${#got[@]} < 2)); do
        ((++n < 200)) || die "no free port found"
        p=$((20000 + RANDOM % 12000))
        [[ ${got[*]-} == *"$p"* ]] && continue
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
        got+=("$p")
    done
    printf '%s\n' "${got[@]}"
}

# A random Kafka cluster id: 16 bytes, base64url without padding, no leading '-'.
cluster_id() {
    local id
    while :; do
        id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
        [[ $id == -* ]] || break
    done
    echo "$id"
}

write_config() {
    local dir=$1 port=$2 cport=$3
    cat >"$dir/server.properties" <<EOF
# Single test node: broker + controller, everything on 127.0.0.1.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
# After a kill -9 the restarted node must wait out its own old session
# (DUPLICATE_BROKER_REGISTRATION) before it serves: keep that short.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=500
# Tests create their topics explicitly (ktool create-topic); a typo'd topic
# should fail rather than appear silently.
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=4
log.flush.interval.messages=9223372036854775807
EOF
    cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/server.log
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

# Set JAVA_CMD to the JVM command line for the node in DIR, up to the main class.
java_cmd() {
    local dir=$1 heap
    read -r -a heap <<<"$HEAP_OPTS"
    JAVA_CMD=("$JAVA" "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
        -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
        -Dlog4j.configuration="file:$dir/log4j.properties"
        -Dkafka.logs.dir="$dir" -cp "$LIBS/*")
}

# Format DIR/data for a new cluster.
format_storage() {
    local dir=$1
    java_cmd "$dir"
    "${JAVA_CMD[@]}" kafka.tools.StorageTool format \
        -t "$(cluster_id)" -c "$dir/server.properties" \
        >"$dir/format.log" 2>&1 ||
        { cat "$dir/format.log" >&2; die "formatting $dir/data failed"; }
}

# Launch the JVM for DIR and wait for "Kafka Server started".
launch() {
    local dir=$1 pid mark=0 deadline=$((SECONDS + START_TIMEOUT))
    # Only "started" lines written after this launch count (restart appends).
    [[ -f $dir/server.log ]] && mark=$(wc -l <"$dir/server.log")
    java_cmd "$dir"
    # The JVM must not hold our stdout, or $(kafka-broker.sh start) never ends.
    nohup "${JAVA_CMD[@]}" kafka.Kafka "$dir/server.properties" \
        </dev/null >>"$dir/stdout.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/pid"
    while ! awk -v mark="$mark" 'NR > mark && /Kafka Server started/ { found = 1; exit }
        END { exit !found }' "$dir/server.log" 2>/dev/null; do
        if ! alive "$pid"; then
            rm -f "$dir/pid"
            fail_start "$dir" "the broker exited during startup"
        fi
        if ((SECONDS >= deadline)); then
            kill -9 "$pid" 2>/dev/null || true
            rm -f "$dir/pid"
            fail_start "$dir" "the broker did not start within ${START_TIMEOUT}s"
        fi
        sleep 0.2
    done
    echo "BOOTSTRAP=$(<"$dir/bootstrap")"
}

fail_start() {
    local dir=$1 why=$2
    echo "---- last 50 lines of $dir/server.log" >&2
    tail -n 50 "$dir/server.log" >&2 2>/dev/null || true
    echo "---- $dir/stdout.log" >&2
    tail -n 20 "$dir/stdout.log" >&2 2>/dev/null || true
    die "$why"
}

# ---------------------------------------------------------------- commands

cmd_start() {
    local dir ports port cport
    [[ -n ${1:-} ]] || usage
    need "$JAVA" "install a JRE (Debian: apt-get install default-jre-headless)"
    cmd_fetch
    dir=$(node_dir "$1" create)
    [[ -e $dir/server.properties ]] &&
        die "$dir already holds a node; use 'restart $dir' or an empty DIR"
    ports=$(free_ports)
    port=$(sed -n 1p <<<"$ports")
    cport=$(sed -n 2p <<<"$ports")
    mkdir -p "$dir/data"
    write_config "$dir" "$port" "$cport"
    echo "127.0.0.1:$port" >"$dir/bootstrap"
    format_storage "$dir"
    launch "$dir"
}

cmd_restart() {
    local dir
    dir=$(node_dir "${1:-}")
    [[ -f $dir/server.properties ]] || die "$dir holds no node; use 'start $dir'"
    need "$JAVA" "install a JRE (Debian: apt-get install default-jre-headless)"
    [[ -f $LIBS/.complete ]] || cmd_fetch
    if node_pid "$dir" >/dev/null; then cmd_stop "$dir"; fi
    launch "$dir"
}

cmd_stop() {
    local dir pid deadline=$((SECONDS + STOP_TIMEOUT))
    [[ -n ${1:-} ]] || usage
    if [[ ! -d $1 ]]; then
        note "no broker running in $1"
        return 0
    fi
    dir=$(node_dir "$1")
    if ! pid=$(node_pid "$dir"); then
        note "no broker running in $dir"
        rm -f "$dir/pid"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid"; do
        if ((SECONDS >= deadline)); then
            note "broker $pid still up after ${STOP_TIMEOUT}s, sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    reap "$pid"
    rm -f "$dir/pid"
}

cmd_kill() {
    local dir pid
    [[ -n ${1:-} ]] || usage
    if [[ ! -d $1 ]]; then
        note "no broker running in $1"
        return 0
    fi
    dir=$(node_dir "$1")
    if ! pid=$(node_pid "$dir"); then
        note "no broker running in $dir"
        return 0
    fi
    kill -9 "$pid"
    reap "$pid"
    rm -f "$dir/pid"
}

# Wait until pid $1 is gone (a SIGKILLed process can take a moment).
reap() {
    local n=0
    while alive "$1" && ((n++ < 100)); do sleep 0.1; done
}

cmd_status() {
    local dir pid
    [[ -n ${1:-} ]] || usage
    if [[ ! -d $1 ]]; then
        echo "stopped"
        exit 3
    fi
    dir=$(node_dir "$1")
    if pid=$(node_pid "$dir"); then
        echo "running pid=$pid BOOTSTRAP=$(<"$dir/bootstrap")"
    else
        echo "stopped"
        exit 3
    fi
}

case ${1:-} in
fetch) cmd_fetch ;;
start) cmd_start "${2:-}" ;;
stop) cmd_stop "${2:-}" ;;
kill) cmd_kill "${2:-}" ;;
restart) cmd_restart "${2:-}" ;;
status) cmd_status "${2:-}" ;;
*) usage ;;
esac
