#!/usr/bin/env bash
# bench/run.sh [--quick] - samsa side by side with librdkafka and the Java
# client, against one real broker (issue 9). `make bench` / `make bench-quick`
# build the programs and call this; it can also be run by hand after them.
#
# Writes $BENCH_OUT (build/bench): runs.jsonl (one JSON line per run),
# results.json (medians per workload and client, ratios, targets),
# results.md (the table), results.png (gnuplot chart), static.json.
#
# Environment (defaults; --quick: tiny sizes, one round, no Java, no
# static-size builds, a few seconds; it asserts nothing about speed):
#   SAMSA_BENCH_BOOTSTRAP  host:port of a broker to use; unset = start the
#                          harness's own broker (ports BENCH_BROKER_PORT,
#                          39300.., run dir ~/.cache/samsa/run-bench) and
#                          stop it at the end
#   BENCH_N=2000000 BENCH_ROUNDS=3 BENCH_LAT_RATE=20000 BENCH_LAT_SECONDS=30
#   BENCH_IDLE_SECONDS=30 BENCH_JAVA=1 BENCH_STATIC=1
#   BENCH_ONLY="produce consume latency idle"  workload groups to run
#   BENCH_PRODUCE_PROPS="batch.size=1000000"  set on every client for the
#                          produce rows, so all batch alike (the defaults
#                          differ: samsa and Java 16384, librdkafka 1000000);
#                          empty = each client's defaults
#   BENCH_BIN=build/bench/bin  where make put bench_samsa, peer_rdkafka, min_*
#   BENCH_OUT=build/bench
#   BENCH_TOOLS_VERSION=4.3.1  kafka-tools version for the Java column (it is
#                          not published for every broker version)
#   BENCH_STRICT (1 with --quick, else 0)  exit 1 at the end (after the
#                          report) if a program crashed (killed by a signal)
#                          or printed no result line; speed and per-run
#                          error counts are never judged
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${SAMSA_CACHE:-$HOME/.cache/samsa}

quick=0
[ "${1:-}" = --quick ] && quick=1

if [ "$quick" = 1 ]; then
    N=${BENCH_N:-2000}; ROUNDS=${BENCH_ROUNDS:-1}
    LAT_RATE=${BENCH_LAT_RATE:-1000}; LAT_SECONDS=${BENCH_LAT_SECONDS:-1}
    IDLE_SECONDS=${BENCH_IDLE_SECONDS:-1}
    JAVA=${BENCH_JAVA:-0}; STATIC=${BENCH_STATIC:-0}
    STRICT=${BENCH_STRICT:-1}
else
    N=${BENCH_N:-2000000}; ROUNDS=${BENCH_ROUNDS:-3}
    LAT_RATE=${BENCH_LAT_RATE:-20000}; LAT_SECONDS=${BENCH_LAT_SECONDS:-30}
    IDLE_SECONDS=${BENCH_IDLE_SECONDS:-30}
    JAVA=${BENCH_JAVA:-1}; STATIC=${BENCH_STATIC:-1}
    STRICT=${BENCH_STRICT:-0}
fi
bad_runs=0 # runs that crashed or printed no result line
ONLY=${BENCH_ONLY:-produce consume latency idle}
PRODUCE_PROPS=${BENCH_PRODUCE_PROPS-batch.size=1000000}
xprops=()
for kv in $PRODUCE_PROPS; do xprops+=(-X "$kv"); done
BIN=${BENCH_BIN:-$root/build/bench/bin}
OUT=${BENCH_OUT:-$root/build/bench}
TOOLS_VERSION=${BENCH_TOOLS_VERSION:-4.3.1}
tools_libs=$cache/kafka-tools-$TOOLS_VERSION/libs
SAMSA=$BIN/bench_samsa
RDK=$BIN/peer_rdkafka

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ -x "$SAMSA" ] && [ -x "$RDK" ] || die "build the programs first (make bench)"
mkdir -p "$OUT"
runs=$OUT/runs.jsonl
: >"$runs"

# ---------------------------------------------------------------- broker
own_broker=0
broker_env=(SAMSA_BROKER_PORT="${BENCH_BROKER_PORT:-39300}"
            SAMSA_RUN="${BENCH_BROKER_RUN:-$cache/run-bench}"
            SAMSA_BROKER_HEAP="${BENCH_BROKER_HEAP:-1g}")
stop_broker() {
    if [ "$own_broker" = 1 ]; then
        say "stopping the harness broker"
        env "${broker_env[@]}" "$root/test/broker/kafka.sh" stop >&2 || true
    fi
}
trap stop_broker EXIT
if [ -n "${SAMSA_BENCH_BOOTSTRAP:-}" ]; then
    BOOT=$SAMSA_BENCH_BOOTSTRAP
else
    say "starting the harness broker (${broker_env[*]})"
    own_broker=1
    # once seen: the node died at launch with an empty log; a second try worked
    env "${broker_env[@]}" "$root/test/broker/kafka.sh" start >&2 ||
        { say "broker start failed; trying once more"; sleep 5
          env "${broker_env[@]}" "$root/test/broker/kafka.sh" start >&2; }
    BOOT=127.0.0.1:${BENCH_BROKER_PORT:-39300}
fi
export SAMSA_BENCH_BOOTSTRAP=$BOOT
kafka_version=${KAFKA_VERSION:-4.4.0}

# ---------------------------------------------------------------- java
java_ok=0
if [ "$JAVA" = 1 ]; then
    if [ ! -f "$tools_libs/.complete" ]; then
        say "fetching kafka-tools $TOOLS_VERSION with Maven into $tools_libs"
        rm -rf "$tools_libs.tmp"; mkdir -p "$tools_libs.tmp"
        goal=(org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies
              -DoutputDirectory="$tools_libs.tmp" -DincludeScope=runtime)
        if mvn -o -B -q -f "$here/pom.xml" -Dtools.version="$TOOLS_VERSION" "${goal[@]}" >/dev/null 2>&1 ||
           mvn -B -q -f "$here/pom.xml" -Dtools.version="$TOOLS_VERSION" "${goal[@]}" >"$OUT/mvn.log" 2>&1; then
            rm -rf "$tools_libs"; mv "$tools_libs.tmp" "$tools_libs"; touch "$tools_libs/.complete"
        else
            say "Maven could not fetch kafka-tools $TOOLS_VERSION (see $OUT/mvn.log): no Java column"
        fi
    fi
    [ -f "$tools_libs/.complete" ] && java_ok=1
fi

# ---------------------------------------------------------------- helpers
topic_seq=0
new_topic() { # prefix -> $t, a fresh 6-partition topic (a name never used
    # before: deletion is asynchronous, so re-creating a name just deleted
    # could find the old topic and lose it under the run)
    topic_seq=$((topic_seq + 1))
    t="hbench-$1-$$-$topic_seq"
    "$SAMSA" -w create-topic -b "$BOOT" -t "$t" -p 6 >&2 || die "could not create topic $t"
}
drop_topic() { "$SAMSA" -w delete-topic -b "$BOOT" -t "$1" >&2 || true; }

record() { # round, json line
    local line=$2
    case "$line" in
    '{'*) printf '%s,"round":%d}\n' "${line%\}}" "$1" >>"$runs"; echo "$line" >&2 ;;
    *) say "no result line (run failed)"; bad_runs=$((bad_runs + 1)) ;;
    esac
}

run_c() { # round, program, args... : run a C program, record its line
    local round=$1 prog=$2 out rc
    shift 2
    rc=0
    "$prog" -b "$BOOT" "$@" >"$OUT/last.out" 2>"$OUT/last.err" || rc=$?
    out=$(tail -1 "$OUT/last.out")
    [ -s "$OUT/last.err" ] && sed 's/^/  stderr: /' "$OUT/last.err" >&2
    if [ "$rc" -ge 128 ]; then # killed by a signal (a crash)
        say "$(basename "$prog") $*: killed by signal $((rc - 128))"
        bad_runs=$((bad_runs + 1))
    fi
    record "$round" "$out"
}

# Java: wall/user/sys/RSS from GNU time, threads sampled from /proc.
java_run() { # outfile, class, args...
    local out=$1 cls=$2 tp jp thr=0 t
    shift 2
    /usr/bin/time -f 'TIME %e %U %S %M' -o "$out.time" \
        java -Xmx1g -cp "$tools_libs/*" "$cls" "$@" >"$out" 2>"$out.err" &
    tp=$!
    while kill -0 "$tp" 2>/dev/null; do
        jp=$(pgrep -P "$tp" java | head -1 || true)
        if [ -n "$jp" ]; then
            t=$(awk '/^Threads:/{print $2}' "/proc/$jp/status" 2>/dev/null || echo 0)
            [ "${t:-0}" -gt "$thr" ] && thr=$t
        fi
        sleep 0.2
    done
    wait "$tp" || true
    echo "$thr" >"$out.threads"
}

java_json() { # label, msgs, msgs/s, MB/s, outfile -> JSON line
    local tm thr
    tm=$(grep '^TIME' "$5.time" 2>/dev/null || true)
    thr=$(cat "$5.threads")
    awk -v l="$1" -v n="$2" -v r="$3" -v mb="$4" -v thr="$thr" -v tm="$tm" 'BEGIN{
        split(tm, a, " "); cpu = a[3] + a[4];
        if (n + 0 == 0 || r + 0 == 0) exit 1;
        printf "{\"workload\":\"%s\",\"client\":\"java\",\"msgs\":%d,\"errors\":0,\"seconds\":%.3f,\"msgs_per_s\":%.0f,\"mb_per_s\":%.2f,\"cpu_s\":%.3f,\"cpu_s_per_million\":%.3f,\"peak_rss_kb\":%d,\"threads\":%d,\"note\":\"process CPU includes JVM start\"}\n",
            l, n, n / r, r, mb, cpu, cpu * 1e6 / n, a[5], thr }'
}

run_java_produce() { # round, label, topic, size, props...
    local round=$1 label=$2 topic=$3 size=$4 f=$OUT/java.out line
    shift 4
    java_run "$f" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
        --num-records "$N" --record-size "$size" --throughput -1 \
        --command-property bootstrap.servers="$BOOT" "$@"
    # "N records sent, X records/sec (Y MB/sec), ..."
    line=$(grep 'records sent' "$f" | tail -1 |
           sed -n 's/^\([0-9]*\) records sent, \([0-9.]*\) records\/sec (\([0-9.]*\) MB\/sec).*/\1 \2 \3/p')
    # shellcheck disable=SC2086
    record "$round" "$(java_json "$label" $line "$f" || true)"
}

run_java_consume() { # round, label, topic
    local round=$1 label=$2 topic=$3 f=$OUT/java.out line
    java_run "$f" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" \
        --topic "$topic" --num-records "$N" --group "hbench-java-$$-$RANDOM" --hide-header
    # start, end, MB, MB/s, nMsg, nMsg/s, rebalance ms, fetch ms, fetch MB/s, fetch nMsg/s
    line=$(grep -E '^[0-9]{4}-' "$f" | tail -1 | awk -F', *' '{print $5, $10, $9}')
    # shellcheck disable=SC2086
    record "$round" "$(java_json "$label" $line "$f" || true)"
}

java_props() { # acks idem codec -> --command-property args
    echo "acks=$1 enable.idempotence=$2 compression.type=$3"
}

# ---------------------------------------------------------------- workloads
clients=(samsa librdkafka)
[ "$java_ok" = 1 ] && clients+=(java)

order() { # round -> client order, alternating A B C / C B A
    if [ $(($1 % 2)) = 1 ]; then echo "${clients[@]}"; else printf '%s ' "${clients[@]}" | tr ' ' '\n' | tac | tr '\n' ' '; fi
}

produce_rows=(
    "produce-100B-acks1 100 1 0 none"
    "produce-1KiB-acks1 1024 1 0 none"
    "produce-100B-idem 100 all 1 none"
    "produce-1KiB-idem 1024 all 1 none"
    "produce-100B-lz4 100 1 0 lz4"
    "produce-1KiB-lz4 1024 1 0 lz4"
    "produce-100B-zstd 100 1 0 zstd"
    "produce-1KiB-zstd 1024 1 0 zstd"
)

if [[ " $ONLY " == *" produce "* ]]; then
    for row in "${produce_rows[@]}"; do
        read -r label size acks idem codec <<<"$row"
        for round in $(seq 1 "$ROUNDS"); do
            for cl in $(order "$round"); do
                say "$label round $round: $cl"
                new_topic "p-$cl"
                flags=(-w produce -l "$label" -t "$t" -n "$N" -s "$size" -a "$acks" -z "$codec"
                       "${xprops[@]+"${xprops[@]}"}")
                [ "$idem" = 1 ] && flags+=(-I)
                case $cl in
                samsa) run_c "$round" "$SAMSA" "${flags[@]}" ;;
                librdkafka) run_c "$round" "$RDK" "${flags[@]}" ;;
                java) # shellcheck disable=SC2046
                    run_java_produce "$round" "$label" "$t" "$size" \
                        $(java_props "$acks" "$([ "$idem" = 1 ] && echo true || echo false)" "$codec") \
                        $PRODUCE_PROPS ;;
                esac
                drop_topic "$t"
            done
        done
    done
fi

if [[ " $ONLY " == *" consume "* ]]; then
    for size in 100 1024; do
        label=consume-$([ "$size" = 100 ] && echo 100B || echo 1KiB)
        new_topic "c$size"
        say "$label: filling $t with $N messages (librdkafka, acks=1)"
        "$RDK" -b "$BOOT" -w produce -t "$t" -n "$N" -s "$size" -a 1 >/dev/null ||
            die "could not fill $t"
        for round in $(seq 1 "$ROUNDS"); do
            for cl in $(order "$round"); do
                say "$label round $round: $cl"
                case $cl in
                samsa) run_c "$round" "$SAMSA" -w consume -l "$label" -t "$t" -n "$N" ;;
                librdkafka) run_c "$round" "$RDK" -w consume -l "$label" -t "$t" -n "$N" ;;
                java) run_java_consume "$round" "$label" "$t" ;;
                esac
            done
        done
        drop_topic "$t"
    done
fi

if [[ " $ONLY " == *" latency "* ]]; then
    for mode in default lowlat; do
        label=latency-$mode
        for round in $(seq 1 "$ROUNDS"); do
            for cl in $(order "$round"); do
                [ "$cl" = java ] && continue # EndToEndLatency is one message at a time: no fixed rate
                say "$label round $round: $cl (${LAT_RATE}/s for ${LAT_SECONDS}s)"
                new_topic "l-$cl"
                flags=(-w latency -l "$label" -t "$t" -s 100 -a 1 -r "$LAT_RATE" -d "$LAT_SECONDS")
                [ "$mode" = lowlat ] && flags+=(-L)
                case $cl in
                samsa) run_c "$round" "$SAMSA" "${flags[@]}" ;;
                librdkafka) run_c "$round" "$RDK" "${flags[@]}" ;;
                esac
                drop_topic "$t"
            done
        done
    done
fi

if [[ " $ONLY " == *" idle "* ]]; then
    new_topic idle
    for w in idle-producer idle-consumer; do
        for cl in samsa librdkafka; do # the Java tools have no idle mode
            say "$w: $cl (${IDLE_SECONDS}s)"
            case $cl in
            samsa) run_c 1 "$SAMSA" -w "$w" -t "$t" -d "$IDLE_SECONDS" ;;
            librdkafka) run_c 1 "$RDK" -w "$w" -t "$t" -d "$IDLE_SECONDS" ;;
            esac
        done
    done
    drop_topic "$t"
fi

# ---------------------------------------------------------------- static size
if [ "$STATIC" = 1 ]; then
    say "static size"
    "$here/static_size.sh" "$BIN" >"$OUT/static.json" || say "static size failed"
fi

# ---------------------------------------------------------------- report
# the commit measured; "+changes" when the working tree differs from it
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$root" status --porcelain -uno 2>/dev/null)" ] && rev="$rev+changes"
machine="$(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/{printf "%.0f GB RAM", $2/1048576}' /proc/meminfo)"
python3 "$here/report.py" --runs "$runs" --out "$OUT" --static "$OUT/static.json" \
    --machine "$machine" --broker "Apache Kafka $kafka_version (KRaft, one node, $BOOT)" \
    --params "samsa $rev, N=$N, rounds=$ROUNDS, produce rows with ${PRODUCE_PROPS:-each client default}, latency ${LAT_RATE} msg/s for ${LAT_SECONDS} s, idle ${IDLE_SECONDS} s, Java tools kafka-tools $TOOLS_VERSION$([ "$java_ok" = 1 ] || echo ' (not run)')"
if command -v gnuplot >/dev/null && [ -s "$OUT/chart.dat" ]; then
    # a client with no figures (Java in --quick) leaves an empty column
    gnuplot -e "datafile='$OUT/chart.dat'; outfile='$OUT/results.png'" "$here/chart.gp" \
        2> >(grep -v -e 'no valid points' -e '^ *$' -e '^ *\^' -e 'line [0-9]*: *$' >&2) ||
        say "gnuplot failed"
fi
say "wrote $OUT/results.md, results.json$([ -f "$OUT/results.png" ] && echo ', results.png')"
cat "$OUT/results.md"
if [ "$bad_runs" -gt 0 ]; then
    say "$bad_runs run(s) crashed or printed no result line"
    [ "$STRICT" = 1 ] && exit 1
fi
exit 0
