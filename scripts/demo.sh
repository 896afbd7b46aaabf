#!/usr/bin/env bash
# scripts/demo.sh BUILD_DIR - the main job (`make demo`).
#
# Starts the local harness broker (unless SAMSA_BOOTSTRAP names one), shows
# samsa's first round trip with it (ApiVersions and version negotiation for
# every API samsa implements), and stops what it started. The full demo
# (producer, queue consumer, retries, DLQ) replaces this as those layers land.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
started=0
cleanup() {
    if [ "$started" = 1 ]; then
        echo "== stopping the local broker"
        "$here/test/broker/kafka.sh" stop >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

bootstrap=${SAMSA_BOOTSTRAP:-}
if [ -z "$bootstrap" ]; then
    echo "== starting a local Apache Kafka ${KAFKA_VERSION:-} broker (first run downloads it with Maven)"
    "$here/test/broker/kafka.sh" start
    started=1
    eval "$("$here/test/broker/kafka.sh" env)"
    bootstrap=$SAMSA_TEST_BOOTSTRAP
fi
echo "== samsa $(sed -n 's/^VERSION *:= *//p' "$here/Makefile") talking to $bootstrap"
"$build/samsa-probe" "$bootstrap"
echo
echo "The producer, consumer and queue demo arrive with those layers (see README status)."
