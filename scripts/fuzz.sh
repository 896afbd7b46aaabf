#!/usr/bin/env bash
# scripts/fuzz.sh SECONDS TARGET... - run each libFuzzer target for SECONDS.
#
# New inputs go to build/fuzz/corpus-<target> (not into git); the checked-in
# seeds in fuzz/corpus/<target> are read, never written. A crash leaves its
# input in build/fuzz/ and makes the script fail; turn it into a corpus file
# and a regression test.
set -u
secs=$1; shift
rc=0
failed=()
for bin in "$@"; do
    t=$(basename "$bin")
    work=build/fuzz/corpus-$t
    mkdir -p "$work" "fuzz/corpus/$t"
    echo "== fuzz $t for ${secs}s"
    if ! "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=build/fuzz/"$t"- "$work" "fuzz/corpus/$t" >build/fuzz/"$t".log 2>&1; then
        echo "!! $t found a problem:"; tail -60 build/fuzz/"$t".log; rc=1; failed+=("$t")
    else
        grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' build/fuzz/"$t".log | sed 's/^/   /'
    fi
done
# CI shows only the tail of this output: name the failures last, with the
# sanitizer's headline and the saved input, so they are never scrolled off.
for t in "${failed[@]}"; do
    echo "!! FAILED $t:"
    grep -m3 -E '^==[0-9]+==ERROR|^SUMMARY|deadly signal|Test unit written to' build/fuzz/"$t".log | sed 's/^/   /'
done
exit $rc
