#!/usr/bin/env bash
# bench/profile.sh - instructions per message, samsa beside librdkafka, under
# valgrind --tool=callgrind: the stable companion of bench/run.sh's
# wall-clock CPU figures (instruction counts barely move on a noisy shared
# machine; CPU seconds move by 2-3x). `make bench-profile` builds the two
# programs and calls this.
#
# Per workload and client: one run of N messages and one of 1 message, both
# under callgrind; (Ir(N) - Ir(1)) / (N - 1) is the cost of a message with
# the fixed costs (start-up, connecting, metadata, the payload pool) taken
# out. callgrind counts every thread of the process, so librdkafka's
# broker and main threads are in its figure, as their CPU is in run.sh's.
# glibc's memcpy copies large blocks with `rep movsb`, which callgrind
# counts once per byte (a 1 MB copy: a million "instructions", a few
# thousand cycles on the CPU): both programs run with
# GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=2^30, so that memcpy
# uses its vector loops, whose instructions are counted as they run.
# Under valgrind a program runs some 50x slower, which changes how records
# batch (linger.ms is wall time): read the figures as per-message cost at
# equal settings, not as a throughput prediction.
#
# Environment (defaults):
#   BENCH_PROFILE_N=100000       messages per run
#   BENCH_PROFILE_ONLY="produce-100B produce-1KiB consume-100B consume-1KiB"
#   BENCH_PRODUCE_PROPS="batch.size=1000000"  as in bench/run.sh
#   SAMSA_BENCH_BOOTSTRAP (else SAMSA_TEST_BOOTSTRAP) host:port of a broker;
#                                unset = start the harness's own broker as
#                                bench/run.sh does, and stop it at the end
#   BENCH_BIN=build/bench/bin    where make put bench_samsa and peer_rdkafka
#   BENCH_OUT=build/bench        writes profile.md, profile.json and the
#                                callgrind files (profile/callgrind.W.C.out:
#                                callgrind_annotate shows where it goes)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${SAMSA_CACHE:-$HOME/.cache/samsa}
N=${BENCH_PROFILE_N:-100000}
ONLY=${BENCH_PROFILE_ONLY:-produce-100B produce-1KiB consume-100B consume-1KiB}
PRODUCE_PROPS=${BENCH_PRODUCE_PROPS-batch.size=1000000}
BIN=${BENCH_BIN:-$root/build/bench/bin}
OUT=${BENCH_OUT:-$root/build/bench}
CG=$OUT/profile

say() { echo "profile: $*" >&2; }
die() { echo "profile: $*" >&2; exit 1; }

command -v valgrind >/dev/null || die "valgrind is missing (apt-get install valgrind)"
[ -x "$BIN/bench_samsa" ] && [ -x "$BIN/peer_rdkafka" ] ||
    die "build the programs first (make bench-profile)"
[ "$N" -ge 1000 ] || die "BENCH_PROFILE_N must be at least 1000"
mkdir -p "$CG"
xprops=()
for kv in $PRODUCE_PROPS; do xprops+=(-X "$kv"); done

# ---------------------------------------------------------------- broker
own_broker=0
broker_env=(SAMSA_BROKER_PORT="${BENCH_BROKER_PORT:-39300}"
            SAMSA_RUN="${BENCH_BROKER_RUN:-$cache/run-bench}"
            SAMSA_BROKER_HEAP="${BENCH_BROKER_HEAP:-1g}")
topics=()
cleanup() {
    local t
    for t in "${topics[@]+"${topics[@]}"}"; do
        "$BIN/bench_samsa" -w delete-topic -b "$BOOT" -t "$t" >&2 || true
    done
    if [ "$own_broker" = 1 ]; then
        say "stopping the harness broker"
        env "${broker_env[@]}" "$root/test/broker/kafka.sh" stop >&2 || true
    fi
}
BOOT=${SAMSA_BENCH_BOOTSTRAP:-${SAMSA_TEST_BOOTSTRAP:-}}
trap cleanup EXIT
if [ -z "$BOOT" ]; then
    say "starting the harness broker (${broker_env[*]})"
    own_broker=1
    env "${broker_env[@]}" "$root/test/broker/kafka.sh" start >&2 ||
        { say "broker start failed; trying once more"; sleep 5
          env "${broker_env[@]}" "$root/test/broker/kafka.sh" start >&2; }
    BOOT=127.0.0.1:${BENCH_BROKER_PORT:-39300}
fi

topic_seq=0
new_topic() { # prefix -> $t, a fresh 6-partition topic, dropped at exit
    topic_seq=$((topic_seq + 1))
    t="hbench-prof-$1-$$-$topic_seq"
    "$BIN/bench_samsa" -w create-topic -b "$BOOT" -t "$t" -p 6 >&2 ||
        die "could not create topic $t"
    topics+=("$t")
}

# callgrind run -> instructions collected (all threads) on stdout
ir() { # tag, program, args...
    local tag=$1 prog=$2 f rc=0
    shift 2
    f=$CG/callgrind.$tag.out
    GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.cpu.x86_rep_movsb_threshold=1073741824 \
        valgrind --tool=callgrind --callgrind-out-file="$f" \
        "$BIN/$prog" -b "$BOOT" "$@" >"$CG/$tag.json" 2>"$CG/$tag.err" || rc=$?
    grep -q '^{' "$CG/$tag.json" || { cat "$CG/$tag.err" >&2; die "$tag: no result line (exit $rc)"; }
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$CG/$tag.err" | tail -1
}

json=$OUT/profile.json
: >"$json"
declare -A per
for w in $ONLY; do
    case $w in
    produce-100B) kind=produce; size=100 ;;
    produce-1KiB) kind=produce; size=1024 ;;
    consume-100B) kind=consume; size=100 ;;
    consume-1KiB) kind=consume; size=1024 ;;
    *) die "unknown workload $w" ;;
    esac
    if [ "$kind" = consume ]; then
        new_topic "c$size"
        say "$w: filling $t with $N messages (librdkafka, acks=1, not profiled)"
        "$BIN/peer_rdkafka" -b "$BOOT" -w produce -t "$t" -n "$N" -s "$size" -a 1 >/dev/null ||
            die "could not fill $t"
    fi
    for cl in samsa librdkafka; do
        prog=$([ "$cl" = samsa ] && echo bench_samsa || echo peer_rdkafka)
        declare -a cnt=()
        for n in 1 "$N"; do
            if [ "$kind" = produce ]; then
                new_topic "p-$cl"
                args=(-w produce -t "$t" -n "$n" -s "$size" -a 1 "${xprops[@]+"${xprops[@]}"}")
            else
                args=(-w consume -t "$t" -n "$n")
            fi
            say "$w: $cl, $n message(s) under callgrind"
            cnt+=("$(ir "$w.$cl.$n" "$prog" "${args[@]}")")
        done
        [ -n "${cnt[0]}" ] && [ -n "${cnt[1]}" ] || die "$w $cl: no instruction count"
        per[$w.$cl]=$(( (cnt[1] - cnt[0]) / (N - 1) ))
        printf '{"workload":"%s","client":"%s","n":%d,"ir_n":%s,"ir_1":%s,"ir_per_msg":%d}\n' \
            "$w" "$cl" "$N" "${cnt[1]}" "${cnt[0]}" "${per[$w.$cl]}" >>"$json"
    done
done

md=$OUT/profile.md
{
    echo "Instructions per message (valgrind --tool=callgrind, all threads; (Ir(N) - Ir(1)) / (N - 1), N=$N, produce: acks=1 ${PRODUCE_PROPS:-defaults}; memcpy without rep movsb)"
    echo
    echo "| workload | samsa | librdkafka | samsa/librdkafka |"
    echo "|---|---:|---:|---:|"
    for w in $ONLY; do
        s=${per[$w.samsa]} r=${per[$w.librdkafka]}
        printf '| %s | %d | %d | %s |\n' "$w" "$s" "$r" \
            "$(awk -v s="$s" -v r="$r" 'BEGIN{ if (r > 0) printf "%.2fx", s / r; else print "-" }')"
    done
} >"$md"
say "wrote $md, $json; callgrind files in $CG"
cat "$md"
