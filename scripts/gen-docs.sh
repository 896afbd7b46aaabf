#!/usr/bin/env bash
# scripts/gen-docs.sh DIR - regenerate the generated tables in docs/ with the
# generators built in DIR (schema_dump, conf_doc).
# Each generated block sits between <!-- NAME:begin --> and <!-- NAME:end -->.
set -euo pipefail
dir=$1
replace_block() { # file name content-file
    python3 - "$1" "$2" "$3" <<'PY'
import re, sys
path, name, src = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
new = open(src, encoding="utf-8").read()
pat = re.compile(r"(<!-- %s:begin -->\n).*?(<!-- %s:end -->)" % (name, name), re.S)
if not pat.search(text):
    sys.exit("%s has no %s block" % (path, name))
text = pat.sub(lambda m: m.group(1) + new + m.group(2), text)
open(path, "w", encoding="utf-8").write(text)
PY
}
tmp=$(mktemp)
"$dir/schema_dump" --markdown >"$tmp"
replace_block docs/protocol.md api-table "$tmp"
"$dir/conf_doc" >"$tmp"
replace_block docs/configuration.md config-table "$tmp"
rm -f "$tmp"
echo "docs/protocol.md and docs/configuration.md regenerated"
