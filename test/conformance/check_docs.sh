#!/usr/bin/env bash
# check_docs.sh BUILD_DIR - TAP: the generated blocks of docs/ match what
# the code's tables generate now (regenerate with `make docs`).
set -u
dir=$1
n=0 fail=0
check() { # file block generator...
    local file=$1 block=$2 want have
    shift 2
    n=$((n + 1))
    want=$("$@")
    have=$(python3 -c '
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- %s:begin -->\n(.*?)<!-- %s:end -->" % (sys.argv[2], sys.argv[2]), t, re.S)
sys.stdout.write(m.group(1) if m else "")' "$file" "$block" 2>/dev/null)
    if [ "$want" = "$have" ]; then
        echo "ok $n - $file ($block) is up to date"
    else
        echo "not ok $n - $file ($block) is stale: run make docs"
        diff <(echo "$have") <(echo "$want") | head -20 | sed 's/^/# /'
        fail=1
    fi
}
echo "1..2"
check docs/protocol.md api-table "$dir/schema_dump" --markdown
check docs/configuration.md config-table "$dir/conf_doc"
exit $fail
