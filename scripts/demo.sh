#!/usr/bin/env bash
# scripts/demo.sh BUILD_DIR - the main job (`make demo`).
#
# Starts the local harness broker unless SAMSA_BOOTSTRAP names one, creates
# the demo topics, runs the example entity producer for a few seconds,
# processes what it wrote (the example queue consumer once the queue layer
# is built, until then the example consume-process-produce pipeline in a
# consumer group), prints a short report and shows processed messages with
# their headers through the samsa CLI. Stops what it started: nothing is
# left running. DEMO_SECONDS (default 5) and DEMO_RATE (messages/s, default
# 100) size the run.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
samsa=$build/samsa
ex=$build/examples
seconds=${DEMO_SECONDS:-5}
rate=${DEMO_RATE:-100}
started=0
t0=$(date +%s)

cleanup() {
    if [ "$started" = 1 ]; then
        echo "== stopping the local broker"
        "$here/test/broker/kafka.sh" stop >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

bootstrap=${SAMSA_BOOTSTRAP:-}
if [ -z "$bootstrap" ]; then
    echo "== starting a local Apache Kafka ${KAFKA_VERSION:-} broker (the first run downloads it with Maven)"
    "$here/test/broker/kafka.sh" start
    started=1
    eval "$("$here/test/broker/kafka.sh" env)"
    bootstrap=$SAMSA_TEST_BOOTSTRAP
fi
echo "== samsa $("$samsa" -V | cut -d' ' -f2) talking to $bootstrap"
"$samsa" -b "$bootstrap" -L -m 30000 | sed -n '1,3p'

run=$(date +%s)-$$
in=demo-entities-$run
out=demo-processed-$run
group=demo-processor-$run
echo "== creating topic $in (3 partitions)"
"$samsa" -b "$bootstrap" create-topic "$in" --partitions 3 -q

echo "== example producer: entity updates keyed by entity name, $rate/s for ${seconds}s (first deliveries shown)"
"$ex/entity_producer" "$bootstrap" "$in" "$rate" "$seconds" 8 > "$build/demo-producer.log"
sed -n '1,4p' "$build/demo-producer.log"
echo "   ..."
produced=$(sed -n 's/^produced \([0-9]*\) delivered \([0-9]*\) failed \([0-9]*\)$/\2/p' "$build/demo-producer.log")
pfailed=$(sed -n 's/^produced .* failed \([0-9]*\)$/\1/p' "$build/demo-producer.log")

if [ -x "$ex/queue_consumer" ]; then
    echo "== example queue consumer (group $group): 4 workers; seq%10==3 fails once (retried), seq%25==7 always (dead-lettered)"
    "$ex/queue_consumer" "$bootstrap" "$in" "$group" 3 > "$build/demo-consumer.log"
    { grep '^dead-lettered' "$build/demo-consumer.log" || true; } | sed -n '1,3p'
    echo "   ..."
    stats=$(grep '^processed ' "$build/demo-consumer.log")
    echo "$stats"
    processed=$(echo "$stats" | sed -n 's/^processed \([0-9][0-9]*\).*/\1/p')
    retried=$(echo "$stats" | sed -n 's/.* retried \([0-9][0-9]*\).*/\1/p')
    dead=$(echo "$stats" | sed -n 's/.* dead-lettered \([0-9][0-9]*\).*/\1/p')
    show_topic=$in.dlq
else
    echo "== example pipeline (group $group): upper-cases each update into $out, adds headers, commits after delivery"
    "$samsa" -b "$bootstrap" create-topic "$out" --partitions 3 -q
    "$ex/pipeline" "$bootstrap" "$in" "$out" 2 "$group" | tee "$build/demo-consumer.log"
    processed=$(sed -n 's/^processed \([0-9]*\).*/\1/p' "$build/demo-consumer.log")
    retried="- (comes with the queue layer)"
    dead="- (comes with the queue layer)"
    show_topic=$out
fi

echo
echo "== report"
printf '  %-15s %s\n' produced "${produced:-?} (failed ${pfailed:-?})" processed "${processed:-?}" \
    retried "$retried" dead-lettered "$dead"
echo "  committed offsets of group $group:"
"$samsa" -b "$bootstrap" describe-group "$group" | sed -n '/TOPIC/,$p' | sed 's/^/  /'
echo
echo "== three messages of $show_topic with their headers (samsa -C)"
"$samsa" -b "$bootstrap" -C -t "$show_topic" -o beginning -c 3 -q \
    -f '  %t [%p] @%o key %k\n    headers: %h\n    value:   %s\n'
if [ -n "${SAMSA_BOOTSTRAP:-}" ] && [ "${DEMO_KEEP:-0}" != 1 ]; then
    "$samsa" -b "$bootstrap" delete-topic "$in" -q || true
    "$samsa" -b "$bootstrap" delete-topic "$show_topic" -q || true
fi
echo
echo "== done in $(( $(date +%s) - t0 )) s."
if [ "$started" = 1 ]; then
    echo "   The demo's broker stops now. For your own: test/broker/kafka.sh start; then"
    bootstrap=127.0.0.1:${SAMSA_BROKER_PORT:-39092}
else
    echo "   Try it yourself:"
fi
echo "   $samsa -b $bootstrap -L"
echo "   echo hello | $samsa -b $bootstrap -P -t greetings && $samsa -b $bootstrap -C -t greetings -e"
