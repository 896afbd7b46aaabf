#!/usr/bin/env bash
# test/run.sh - samsa's test runner (called by `make test`; see docs/testing.md).
#
#   test/run.sh --unit "BINS" --integration "BINS" --replay "BINS" --corpus DIR
#
# Runs cmocka test binaries (TAP output) and fuzz corpus replayers, counts
# every test case, and ends with one line: "N passed, N failed, N skipped".
# Integration tests need a broker: when SAMSA_TEST_BOOTSTRAP is unset (and
# SAMSA_TEST_NO_BROKER is not 1) the runner starts the harness broker
# (test/broker/kafka.sh) in the background while unit tests run, and stops
# it at the end. SAMSA_REQUIRE_BROKER=1 (CI) turns a broker that does not
# start into a failure instead of skipped tests. SAMSA_TEST_VALGRIND=1 runs
# every binary under valgrind. SAMSA_TEST_TIMEOUT bounds each binary (s).
set -u
here=$(cd "$(dirname "$0")" && pwd)
unit="" integ="" replay="" corpus="" conformance="" docsdir=""
while [ $# -gt 0 ]; do
    case "$1" in
    --unit) unit=$2; shift 2 ;;
    --integration) integ=$2; shift 2 ;;
    --replay) replay=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --conformance) conformance=$2; shift 2 ;;
    --docs) docsdir=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

passed=0 failed=0 skipped=0
failures=()
tmp=$(mktemp -d)
broker_started=0
cluster_started=0
broker_log=$tmp/broker-start.log
per_bin_timeout=${SAMSA_TEST_TIMEOUT:-900}

wrap=()
if [ "${SAMSA_TEST_VALGRIND:-0}" = 1 ]; then
    wrap=(valgrind -q --error-exitcode=99 --leak-check=full
          --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
          --track-fds=no)
    per_bin_timeout=$((per_bin_timeout * 4))
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stop_broker() {
    if [ "$broker_started" = 1 ]; then
        echo "== stopping the harness broker"
        "$here/broker/kafka.sh" stop >/dev/null 2>&1 || true
        broker_started=0
    fi
    if [ "$cluster_started" = 1 ]; then
        echo "== stopping the harness cluster"
        "$here/broker/kafka.sh" --cluster stop >/dev/null 2>&1 || true
        cluster_started=0
    fi
}
cleanup() {
    stop_broker
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run one cmocka binary and add its TAP results to the totals.
run_cmocka() {
    run_tap "$(basename "$1")" "${wrap[@]}" "$1"
}

# Run a command that prints TAP (cmocka in TAP mode, python checkers).
run_tap() {
    local name=$1 out rc ok nok skip plan
    shift
    out=$tmp/$name.out
    CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 10 "$per_bin_timeout" "$@" >"$out" 2>&1
    rc=$?
    ok=$(grep -cE '^ok [0-9]+' "$out")
    skip=$(grep -cE '^not ok [0-9]+ # SKIP' "$out")
    nok=$(( $(grep -cE '^not ok [0-9]+' "$out") - skip ))
    plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -1)
    # a crash (sanitizer, signal, timeout) loses the rest of the plan
    if [ "$rc" != 0 ] && [ "$nok" = 0 ]; then
        local missing=$(( ${plan:-1} - ok - skip ))
        [ "$missing" -lt 1 ] && missing=1
        nok=$missing
    fi
    passed=$((passed + ok)); failed=$((failed + nok)); skipped=$((skipped + skip))
    if [ "$nok" -gt 0 ]; then
        printf 'FAIL  %-40s %d passed, %d failed, %d skipped (exit %d)\n' "$name" "$ok" "$nok" "$skip" "$rc"
        sed 's/^/    | /' "$out"
        failures+=("$name")
    else
        printf 'ok    %-40s %d passed%s\n' "$name" "$ok" "$([ "$skip" -gt 0 ] && echo ", $skip skipped")"
        # loud skip reasons
        grep -E '^# SKIP|SKIPPED' "$out" | grep -v '^not ok' | sed 's/^/    /' | sort -u
    fi
}

# Replay one fuzz target's checked-in corpus: one test per target.
run_replay() {
    local bin=$1 name target dir out rc n
    name=$(basename "$bin")
    target=${name#replay_}
    dir=$corpus/$target
    out=$tmp/$name.out
    if [ ! -d "$dir" ]; then
        printf 'FAIL  %-40s no corpus directory %s\n' "$name" "$dir"
        failed=$((failed + 1)); failures+=("$name"); return
    fi
    n=$(find "$dir" -type f | wc -l)
    timeout -k 10 "$per_bin_timeout" "${wrap[@]}" "$bin" "$dir" >"$out" 2>&1
    rc=$?
    if [ "$rc" = 0 ] && [ "$n" -gt 0 ]; then
        printf 'ok    %-40s corpus of %d inputs\n' "$name" "$n"
        passed=$((passed + 1))
    else
        printf 'FAIL  %-40s corpus of %d inputs (exit %d)\n' "$name" "$n" "$rc"
        tail -40 "$out" | sed 's/^/    | /'
        failed=$((failed + 1)); failures+=("$name")
    fi
}

# Start the harness broker in the background unless one is given.
need_broker=0
[ -n "$integ" ] && [ -z "${SAMSA_TEST_BOOTSTRAP:-}" ] && [ "${SAMSA_TEST_NO_BROKER:-0}" != 1 ] && need_broker=1
broker_pid=""
if [ "$need_broker" = 1 ]; then
    echo "== starting the harness broker (Kafka ${KAFKA_VERSION:-default}) in the background"
    ( "$here/broker/kafka.sh" start ) >"$broker_log" 2>&1 &
    broker_pid=$!
    broker_started=1
fi
# The 3-node cluster for the failover tests, started beside the single
# broker unless one is given or SAMSA_TEST_NO_CLUSTER=1.
cluster_pid=""
cluster_log=$tmp/cluster-start.log
if [ -n "$integ" ] && [ -z "${SAMSA_TEST_CLUSTER_BOOTSTRAP:-}" ] && \
   [ "${SAMSA_TEST_NO_BROKER:-0}" != 1 ] && [ "${SAMSA_TEST_NO_CLUSTER:-0}" != 1 ]; then
    echo "== starting the 3-node harness cluster in the background"
    ( "$here/broker/kafka.sh" --cluster start ) >"$cluster_log" 2>&1 &
    cluster_pid=$!
    cluster_started=1
fi

t0=$(date +%s)
if [ -n "$unit" ]; then
    echo "== unit tests"
    for b in $unit; do run_cmocka "$b"; done
fi
if [ -n "$replay" ]; then
    echo "== fuzz corpus replay"
    for b in $replay; do run_replay "$b"; done
fi

if [ -n "$integ" ]; then
    echo "== integration tests (real broker)"
    if [ -n "$broker_pid" ]; then
        if wait "$broker_pid"; then
            sed 's/^/    /' "$broker_log"
            eval "$("$here/broker/kafka.sh" env)"
        else
            echo "!! the harness broker did not start; integration tests will be SKIPPED:"
            tail -30 "$broker_log" | sed 's/^/    | /'
            if [ "${SAMSA_REQUIRE_BROKER:-0}" = 1 ]; then
                echo "!! SAMSA_REQUIRE_BROKER=1: counting this as a failure"
                failed=$((failed + 1)); failures+=("broker-start")
            fi
        fi
    fi
    if [ -n "$cluster_pid" ]; then
        if wait "$cluster_pid"; then
            sed 's/^/    /' "$cluster_log"
            eval "$("$here/broker/kafka.sh" --cluster env | grep CLUSTER_BOOTSTRAP)"
            export SAMSA_TEST_KAFKA_SH="$here/broker/kafka.sh"
        else
            echo "!! the harness cluster did not start; failover tests will be SKIPPED:"
            tail -30 "$cluster_log" | sed 's/^/    | /'
            if [ "${SAMSA_REQUIRE_BROKER:-0}" = 1 ]; then
                echo "!! SAMSA_REQUIRE_BROKER=1: counting this as a failure"
                failed=$((failed + 1)); failures+=("cluster-start")
            fi
        fi
    fi
    [ -z "${SAMSA_TEST_BOOTSTRAP:-}" ] && echo "!! SKIPPING integration tests: no broker (SAMSA_TEST_BOOTSTRAP unset)"
    for b in $integ; do run_cmocka "$b"; done
fi

if [ -n "$conformance" ]; then
    echo "== schema conformance (3.9.0 JSON and the ${KAFKA_VERSION:-4.x} kafka-clients jar)"
    run_tap check_schemas python3 "$here/conformance/check_schemas.py" --dump "$conformance"
fi
if [ -n "$docsdir" ]; then
    echo "== generated docs"
    run_tap check_docs "$here/conformance/check_docs.sh" "$docsdir"
fi

stop_broker
echo "== $(( $(date +%s) - t0 )) s"
if [ ${#failures[@]} -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
