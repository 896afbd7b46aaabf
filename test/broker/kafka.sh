#!/usr/bin/env bash
# test/broker/kafka.sh - a real Apache Kafka broker (KRaft) for samsa's tests.
#
#   kafka.sh fetch                 jars into $SAMSA_CACHE/kafka-$KAFKA_VERSION/libs (Maven)
#   kafka.sh start [--cluster]     format and start; waits until ready, prints the time
#   kafka.sh stop [--cluster]      stop what start started (only those PIDs)
#   kafka.sh status [--cluster]    exit 0 when running
#   kafka.sh wait-ready [--cluster] [SECONDS]
#   kafka.sh env [--cluster]       shell exports for the tests (SAMSA_TEST_*)
#   kafka.sh stop-node N / start-node N    cluster mode: one node down / back up
#   kafka.sh run-class CLASS ARGS...       a Java class on the broker classpath
#   kafka.sh logs [--cluster]      where the logs are, and their tails
#
# Single node: one combined broker+controller on 127.0.0.1 with listeners
# PLAINTEXT (port P), CONTROLLER (P+1), SASL_PLAINTEXT (P+2), SSL (P+3) and
# SASL_SSL (P+4), P = $SAMSA_BROKER_PORT (39092). SASL users alice/alice-secret
# (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and bob/bob-secret (PLAIN);
# OAUTHBEARER with the broker's unsecured-token validator. A test CA, broker
# and client certificates are made with openssl at every start.
# Cluster: three combined nodes, PLAINTEXT on Q, Q+10, Q+20 and controllers on
# Q+1, Q+11, Q+21, Q = $SAMSA_CLUSTER_PORT (49092); RF 3, min ISR 2.
# Versions: KAFKA_VERSION (default 4.4.0; 3.9.1 is the compatibility target).
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
here=$(cd "$(dirname "$0")" && pwd)
cache=${SAMSA_CACHE:-$HOME/.cache/samsa}
libs=$cache/kafka-$KAFKA_VERSION/libs
port=${SAMSA_BROKER_PORT:-39092}
cport=${SAMSA_CLUSTER_PORT:-49092}
heap=${SAMSA_BROKER_HEAP:-384m}

die() { echo "kafka.sh: $*" >&2; exit 1; }
major() { echo "${KAFKA_VERSION%%.*}"; }

mode=single
args=()
for a in "$@"; do
    if [ "$a" = --cluster ]; then mode=cluster; else args+=("$a"); fi
done
set -- "${args[@]+"${args[@]}"}"
cmd=${1:-}
[ $# -gt 0 ] && shift

if [ "$mode" = cluster ]; then
    run=${SAMSA_CLUSTER_RUN:-$cache/run-$KAFKA_VERSION-cluster}
    nodes=(1 2 3)
else
    run=${SAMSA_RUN:-$cache/run-$KAFKA_VERSION}
    nodes=(1)
fi

# ---------------------------------------------------------------- fetch
fetch() {
    [ -f "$libs/.complete" ] && return 0
    command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
    command -v java >/dev/null || die "java not found (apt-get install default-jdk-headless)"
    local tmp=$libs.tmp flags=(-B -q -f "$here/pom.xml" -Dkafka.version="$KAFKA_VERSION")
    [ "$(major)" -lt 4 ] && flags+=(-Dkafka3)
    rm -rf "$tmp"
    mkdir -p "$tmp"
    echo "kafka.sh: fetching Apache Kafka $KAFKA_VERSION with Maven into $libs" >&2
    local goal=(org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies
                -DoutputDirectory="$tmp" -DincludeScope=runtime)
    # offline first (fast when ~/.m2 has everything), then online
    if ! mvn -o "${flags[@]}" "${goal[@]}" >/dev/null 2>&1; then
        mvn "${flags[@]}" "${goal[@]}" >"$cache/mvn-$KAFKA_VERSION.log" 2>&1 ||
            { tail -20 "$cache/mvn-$KAFKA_VERSION.log" >&2; die "Maven could not fetch Kafka $KAFKA_VERSION"; }
    fi
    ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar after fetch"
    rm -rf "$libs"
    mv "$tmp" "$libs"
    touch "$libs/.complete"
}

classpath() { echo "$libs/*"; }

log_opts() {
    if [ "$(major)" -ge 4 ]; then
        echo "-Dlog4j2.configurationFile=$run/log4j2.properties"
    else
        echo "-Dlog4j.configuration=file:$run/log4j.properties"
    fi
}

write_log_config() {
    cat >"$run/log4j2.properties" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = ERR
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = info
EOF
    if [ -n "${SAMSA_BROKER_DEBUG:-}" ]; then # a logger name, e.g. org.apache.kafka.common.security
        printf 'logger.dbg.name = %s\nlogger.dbg.level = debug\n' "$SAMSA_BROKER_DEBUG" >>"$run/log4j2.properties"
        printf 'log4j.logger.%s=DEBUG\n' "$SAMSA_BROKER_DEBUG" >>"$run/log4j.properties"
    fi
    cat >"$run/log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
EOF
}

# ---------------------------------------------------------------- TLS
make_tls() {
    local d=$run/tls
    mkdir -p "$d"
    (
        cd "$d"
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=samsa-test-ca" \
            -keyout ca.key -out ca.pem 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
            -keyout broker.key -out broker.csr 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
        openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
            -days 3650 -extfile san.ext -out broker.crt 2>/dev/null
        cat broker.key broker.crt >broker-keystore.pem
        openssl req -newkey rsa:2048 -nodes -subj "/CN=samsa-client" \
            -keyout client.key -out client.csr 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
            -days 3650 -out client.crt 2>/dev/null
        # a second, unrelated CA for wrong-CA tests
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=samsa-other-ca" \
            -keyout other-ca.key -out other-ca.pem 2>/dev/null
    )
}

# ---------------------------------------------------------------- config
jaas_lines() { # listener (lower case)
    local l=$1
    cat <<EOF
listener.name.$l.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret" user_bob="bob-secret";
listener.name.$l.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.$l.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.$l.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";
EOF
}

common_props() {
    cat <<EOF
process.roles=broker,controller
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
auto.create.topics.enable=true
num.partitions=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.dedupe.buffer.size=16777216
log.cleaner.threads=1
delete.topic.enable=true
EOF
    # extra or overriding broker properties, space-separated key=value
    # (later lines win), e.g. SAMSA_BROKER_PROPS="auto.create.topics.enable=false"
    # shellcheck disable=SC2086
    if [ -n "${SAMSA_BROKER_PROPS:-}" ]; then printf '%s\n' $SAMSA_BROKER_PROPS; fi
}

write_single_props() {
    local p=$port
    cat >"$run/node1.properties" <<EOF
node.id=1
controller.quorum.voters=1@127.0.0.1:$((p + 1))
listeners=PLAINTEXT://127.0.0.1:$p,CONTROLLER://127.0.0.1:$((p + 1)),SASL_PLAINTEXT://127.0.0.1:$((p + 2)),SSL://127.0.0.1:$((p + 3)),SASL_SSL://127.0.0.1:$((p + 4))
advertised.listeners=PLAINTEXT://127.0.0.1:$p,SASL_PLAINTEXT://127.0.0.1:$((p + 2)),SSL://127.0.0.1:$((p + 3)),SASL_SSL://127.0.0.1:$((p + 4))
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL
log.dirs=$run/data1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER
ssl.keystore.type=PEM
ssl.keystore.location=$run/tls/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$run/tls/ca.pem
ssl.client.auth=none
listener.name.ssl.ssl.client.auth=requested
$(jaas_lines sasl_plaintext)
$(jaas_lines sasl_ssl)
$(common_props)
EOF
}

write_cluster_props() {
    local voters="" n
    for n in 1 2 3; do
        voters+="${voters:+,}$n@127.0.0.1:$((cport + 10 * (n - 1) + 1))"
    done
    for n in 1 2 3; do
        local p=$((cport + 10 * (n - 1)))
        cat >"$run/node$n.properties" <<EOF
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$p,CONTROLLER://127.0.0.1:$((p + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$p
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$run/data$n
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
share.coordinator.state.topic.num.partitions=3
$(common_props)
EOF
    done
}

node_port() { # node -> PLAINTEXT port
    if [ "$mode" = cluster ]; then echo $((cport + 10 * ($1 - 1))); else echo "$port"; fi
}

# ---------------------------------------------------------------- processes
pid_of() { # node -> pid if it is our live broker, else nothing
    local f=$run/node$1.pid pid
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 0
    # only a java kafka.Kafka process started with this run directory counts
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "kafka.Kafka $run/node$1.properties"; then
        echo "$pid"
    fi
}

# A node just launched may not have exec'd java yet (its cmdline is still
# this script's on a loaded machine): alive counts as starting, not dead.
starting_or_running() { # node
    local pid
    [ -n "$(pid_of "$1")" ] && return 0
    # setsid forks when it finds itself a process group leader: then the
    # recorded pid is setsid's, gone at once, and java runs under another
    pid=$(pgrep -n -f "kafka.Kafka $run/node$1.properties" 2>/dev/null) &&
        echo "$pid" >"$run/node$1.pid" && return 0
    pid=$(cat "$run/node$1.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    # an exited java stays a zombie until this script reaps it
    [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] &&
        ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^java "
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

format_storage() {
    local cid=$1 n extra=()
    if [ "$mode" = single ]; then
        extra+=(--add-scram 'SCRAM-SHA-256=[name=alice,password=alice-secret]'
                --add-scram 'SCRAM-SHA-512=[name=alice,password=alice-secret]')
    fi
    # share groups (KIP-932) are a feature level from 4.1 on
    if [ "$(major)" -ge 4 ] && [ "${KAFKA_VERSION#4.0}" = "$KAFKA_VERSION" ]; then
        extra+=(--feature share.version=1)
    fi
    for n in "${nodes[@]}"; do
        # shellcheck disable=SC2046
        java -cp "$(classpath)" $(log_opts) kafka.tools.StorageTool format -t "$cid" \
            -c "$run/node$n.properties" "${extra[@]}" >"$run/format$n.log" 2>&1 ||
            { cat "$run/format$n.log" >&2; die "formatting node $n failed"; }
    done
}

launch_node() { # node
    local n=$1
    # shellcheck disable=SC2046
    setsid java -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:TieredStopAtLevel=1 -Djava.awt.headless=true $(log_opts) \
        -cp "$(classpath)" kafka.Kafka "$run/node$n.properties" \
        >>"$run/node$n.log" 2>&1 </dev/null &
    echo $! >"$run/node$n.pid"
}

wait_ready() { # seconds
    local limit=${1:-120} t0 n all
    t0=$(date +%s)
    while :; do
        all=1
        for n in "${nodes[@]}"; do
            if ! starting_or_running "$n"; then
                echo "kafka.sh: node $n is not running; last log lines:" >&2
                tail -50 "$run/node$n.log" >&2 2>/dev/null || true
                return 1
            fi
            port_open "$(node_port "$n")" || all=0
        done
        [ "$all" = 1 ] && return 0
        if [ $(( $(date +%s) - t0 )) -ge "$limit" ]; then
            echo "kafka.sh: not ready after ${limit}s" >&2
            return 1
        fi
        sleep 0.2
    done
}

start() {
    local n running=1 t0 cid
    for n in "${nodes[@]}"; do [ -n "$(pid_of "$n")" ] || running=0; done
    if [ "$running" = 1 ]; then
        echo "kafka.sh: already running ($mode, $run)"
        return 0
    fi
    stop_all quiet
    fetch
    t0=$(date +%s.%N)
    rm -rf "$run"
    mkdir -p "$run"
    write_log_config
    if [ "$mode" = single ]; then
        make_tls
        write_single_props
    else
        write_cluster_props
    fi
    cid=$(java -cp "$(classpath)" $(log_opts) kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    [ -n "$cid" ] || die "could not make a cluster id"
    format_storage "$cid"
    for n in "${nodes[@]}"; do launch_node "$n"; done
    if ! wait_ready 150; then
        stop_all quiet
        die "Kafka $KAFKA_VERSION did not become ready"
    fi
    printf 'kafka.sh: Kafka %s (%s) ready in %.1f s\n' "$KAFKA_VERSION" "$mode" \
        "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{print a-b}')"
}

stop_node() { # node
    local n=$1 pid i
    pid=$(pid_of "$n")
    [ -n "$pid" ] || { rm -f "$run/node$n.pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    rm -f "$run/node$n.pid"
}

stop_all() {
    local n
    [ -d "$run" ] || return 0
    for n in "${nodes[@]}"; do stop_node "$n"; done
    [ "${1:-}" = quiet ] || echo "kafka.sh: stopped ($mode)"
}

env_exports() {
    local p=$port
    echo "export SAMSA_TEST_KAFKA_VERSION=$KAFKA_VERSION"
    echo "export SAMSA_TEST_KAFKA_LIBS=$libs"
    if [ "$mode" = cluster ]; then
        echo "export SAMSA_TEST_CLUSTER_BOOTSTRAP=127.0.0.1:$cport,127.0.0.1:$((cport + 10)),127.0.0.1:$((cport + 20))"
        return
    fi
    cat <<EOF
export SAMSA_TEST_BOOTSTRAP=127.0.0.1:$p
export SAMSA_TEST_SASL_BOOTSTRAP=127.0.0.1:$((p + 2))
export SAMSA_TEST_SSL_BOOTSTRAP=127.0.0.1:$((p + 3))
export SAMSA_TEST_SASL_SSL_BOOTSTRAP=127.0.0.1:$((p + 4))
export SAMSA_TEST_CA=$run/tls/ca.pem
export SAMSA_TEST_OTHER_CA=$run/tls/other-ca.pem
export SAMSA_TEST_CLIENT_CERT=$run/tls/client.crt
export SAMSA_TEST_CLIENT_KEY=$run/tls/client.key
export SAMSA_TEST_SASL_USER=alice
export SAMSA_TEST_SASL_PASSWORD=alice-secret
EOF
}

case "$cmd" in
fetch) fetch ;;
start) start ;;
stop) stop_all ;;
status)
    ok=1
    for n in "${nodes[@]}"; do
        pid=$(pid_of "$n")
        if [ -n "$pid" ]; then
            echo "node $n: running, pid $pid, port $(node_port "$n")"
        else
            echo "node $n: not running"; ok=0
        fi
    done
    [ "$ok" = 1 ] ;;
wait-ready) wait_ready "${1:-120}" ;;
env) env_exports ;;
stop-node)
    [ "$mode" = cluster ] || die "stop-node needs --cluster"
    stop_node "${1:?node number}" ;;
start-node)
    [ "$mode" = cluster ] || die "start-node needs --cluster"
    n=${1:?node number}
    [ -n "$(pid_of "$n")" ] || launch_node "$n"
    t0=$(date +%s)
    until port_open "$(node_port "$n")"; do
        # as in wait_ready: a node just launched may not be java yet
        starting_or_running "$n" || die "node $n died; see $run/node$n.log"
        [ $(( $(date +%s) - t0 )) -lt 120 ] || die "node $n not ready"
        sleep 0.2
    done ;;
run-class)
    fetch
    mkdir -p "$run"
    [ -f "$run/log4j2.properties" ] || write_log_config
    cls=${1:?class name}
    shift
    # shellcheck disable=SC2046
    exec java -Xmx256m $(log_opts) -cp "$(classpath)${SAMSA_EXTRA_CP:+:$SAMSA_EXTRA_CP}" "$cls" "$@" ;;
logs)
    for n in "${nodes[@]}"; do
        echo "== $run/node$n.log"
        tail -20 "$run/node$n.log" 2>/dev/null || true
    done ;;
*)
    sed -n '2,25p' "$0" >&2
    exit 2 ;;
esac
