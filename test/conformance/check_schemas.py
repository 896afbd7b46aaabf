#!/usr/bin/env python3
"""Conformance of samsa's schema tables with Kafka's own JSON schemas.

    check_schemas.py --dump BUILD/test/conformance/schema_dump
                     [--schemas DIR] [--jar JAR] [--docs docs/protocol.md]

For every API samsa implements and every version in its range, and for each
schema source (a directory of Kafka JSON files, e.g. ../shared/kafka-protocol
for 3.9.0, and common/message/*.json inside a kafka-clients jar for the 4.x
broker under test), checks that: the version is valid in that source (4.x
jar only; 3.9 predates some versions, which are then skipped), the flexible
boundary matches, and the field list matches field by field, recursively:
name, order, type, nullability, tag number and default. Prints TAP.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import zipfile

PRIMS = {"bool", "int8", "int16", "uint16", "int32", "uint32", "int64",
         "float64", "uuid", "string", "bytes", "records"}
VMAX = 32767
# Top-level fields Kafka renamed between schema releases (names are not on
# the wire): older name -> the name samsa's tables use (the 4.x one).
RENAMED = {
    "TxnOffsetCommitRequest": {"GenerationId": "GenerationIdOrMemberEpoch"},
}


def strip_comments(text):
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1]); i += 2; continue
            if c == '"':
                in_str = False
            i += 1
        elif c == '"':
            in_str = True; out.append(c); i += 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        else:
            out.append(c); i += 1
    return "".join(out)


def parse_versions(spec):
    """'3+' -> (3, VMAX); '0-4' -> (0, 4); '2' -> (2, 2); 'none' -> None."""
    if spec is None or spec == "none":
        return None
    spec = str(spec).strip()
    if spec.endswith("+"):
        return (int(spec[:-1]), VMAX)
    if "-" in spec:
        a, b = spec.split("-")
        return (int(a), int(b))
    return (int(spec), int(spec))


def within(rng, v):
    return rng is not None and rng[0] <= v <= rng[1]


def norm_default(typ, d):
    """Normalise a default (JSON value or samsa string) for comparison."""
    if typ.startswith("[]") or typ not in PRIMS:
        return None if d is None or d == "null" else "?"
    if d is None:
        return {"bool": False, "string": "", "uuid": None, "bytes": None,
                "records": None, "float64": 0.0}.get(typ, 0)
    if typ == "bool":
        return str(d).lower() == "true"
    if typ in ("string",):
        return None if d == "null" else str(d)
    if typ in ("bytes", "records", "uuid"):
        return None
    if typ == "float64":
        return float(d)
    return int(str(d), 0)


class Schema:
    def __init__(self, name, files):
        self.name = name
        self.msgs = {}
        for fname, text in files:
            try:
                m = json.loads(strip_comments(text))
            except ValueError as e:
                raise SystemExit("cannot parse %s: %s" % (fname, e))
            if "name" in m:
                self.msgs[m["name"]] = m

    @classmethod
    def from_dir(cls, d):
        files = []
        for p in sorted(glob.glob(os.path.join(d, "*.json"))):
            with open(p, encoding="utf-8") as f:
                files.append((p, f.read()))
        return cls(d, files)

    @classmethod
    def from_jar(cls, jar):
        files = []
        with zipfile.ZipFile(jar) as z:
            for n in z.namelist():
                if n.startswith("common/message/") and n.endswith(".json"):
                    files.append((n, z.read(n).decode("utf-8")))
        return cls(os.path.basename(jar), files)


def kafka_fields(fields, commons, v, flex):
    """Kafka's field list at version v, normalised like samsa's dump."""
    out = []
    for f in fields:
        if not within(parse_versions(f.get("versions")), v):
            continue
        typ = f["type"]
        elem = typ[2:] if typ.startswith("[]") else typ
        sub = None
        if elem not in PRIMS:
            subfields = f.get("fields")
            if subfields is None:
                subfields = commons.get(elem, {}).get("fields", [])
            sub = kafka_fields(subfields, commons, v, flex)
        tagged = flex and "tag" in f and within(parse_versions(f.get("taggedVersions")), v)
        out.append({
            "name": f["name"], "type": typ,
            "nullable": within(parse_versions(f.get("nullableVersions")), v),
            "tag": f.get("tag") if tagged else None,
            "default": norm_default(typ, f.get("default")),
            "fields": sub,
        })
    return out


def samsa_fields(fields, v, flex):
    out = []
    for f in fields:
        vmax = VMAX if f["vmax"] is None else f["vmax"]
        if not (f["vmin"] <= v <= vmax):
            continue
        nul = False
        if "nullable" in f:
            a, b = f["nullable"]
            nul = a <= v <= (VMAX if b is None else b)
        tagged = flex and "tag" in f and v >= f["tag_vmin"]
        out.append({
            "name": f["name"], "type": f["type"], "nullable": nul,
            "tag": f["tag"] if tagged else None,
            "default": norm_default(f["type"], f.get("default")),
            "fields": samsa_fields(f["fields"], v, flex) if "fields" in f else None,
        })
    return out


def diff(path, ours, theirs, problems):
    names_o = [f["name"] for f in ours]
    names_t = [f["name"] for f in theirs]
    if names_o != names_t:
        problems.append("%s: fields %s, schema has %s" % (path, names_o, names_t))
        return
    for o, t in zip(ours, theirs):
        p = path + "." + o["name"]
        for key in ("type", "nullable", "tag", "default"):
            if o[key] != t[key]:
                problems.append("%s: %s is %r, schema says %r" % (p, key, o[key], t[key]))
        if (o["fields"] is None) != (t["fields"] is None):
            problems.append("%s: struct-ness differs" % p)
        elif o["fields"] is not None:
            diff(p, o["fields"], t["fields"], problems)


def check_msg(schema, ours, strict, tap):
    theirs = schema.msgs.get(ours["name"])
    label = "%s %s v%d-%d" % (schema.name, ours["name"], ours["vmin"], ours["vmax"])
    if theirs is None:
        tap.result(False, label, ["no schema named %s" % ours["name"]])
        return
    valid = parse_versions(theirs["validVersions"])
    flex = parse_versions(theirs.get("flexibleVersions", "none"))
    flex_min = VMAX if flex is None else flex[0]
    ours_flex = VMAX if ours["flex_min"] is None else ours["flex_min"]
    problems, checked, skipped = [], 0, []
    commons = {c["name"]: c for c in theirs.get("commonStructs", [])}
    for v in range(ours["vmin"], ours["vmax"] + 1):
        if not within(valid, v):
            if strict:
                problems.append("v%d is not a valid version in this schema (%s)" % (v, theirs["validVersions"]))
            else:
                skipped.append(v)
            continue
        isflex = v >= flex_min
        if isflex != (v >= ours_flex):
            problems.append("v%d: flexible is %s, schema says %s" % (v, v >= ours_flex, isflex))
        kf = kafka_fields(theirs["fields"], commons, v, isflex)
        for f in kf:
            f["name"] = RENAMED.get(ours["name"], {}).get(f["name"], f["name"])
        diff("%s v%d" % (ours["name"], v), samsa_fields(ours["fields"], v, isflex),
             kf, problems)
        checked += 1
    note = []
    if skipped:
        note.append("versions %s not in this schema, skipped" % skipped)
    if checked == 0 and not problems:
        note.append("no version in common")
    tap.result(not problems, label + " (%d versions)" % checked, problems + note)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.lines = []

    def result(self, ok, label, notes=()):
        self.n += 1
        self.failed += 0 if ok else 1
        self.lines.append("%s %d - %s" % ("ok" if ok else "not ok", self.n, label))
        self.lines.extend("# " + x for x in notes)

    def skip(self, label, why):
        self.n += 1
        self.lines.append("not ok %d # SKIP %s: %s" % (self.n, label, why))

    def emit(self):
        print("1..%d" % self.n)
        print("\n".join(self.lines))


def find_clients_jar():
    ver = os.environ.get("KAFKA_VERSION", "4.4.0")
    libs = os.environ.get("SAMSA_TEST_KAFKA_LIBS") or os.path.expanduser(
        "~/.cache/samsa/kafka-%s/libs" % ver)
    cands = glob.glob(os.path.join(libs, "kafka-clients-*.jar"))
    cands += glob.glob(os.path.expanduser(
        "~/.m2/repository/org/apache/kafka/kafka-clients/%s/kafka-clients-%s.jar" % (ver, ver)))
    cands = [c for c in cands if not c.endswith(("-test.jar", "-sources.jar"))]
    return cands[0] if cands else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--schemas", default=None)
    ap.add_argument("--jar", default=None)
    ap.add_argument("--docs", default=None)
    args = ap.parse_args()

    dump = json.loads(subprocess.check_output([args.dump, "--json"]))
    tap = Tap()

    sources = []
    sdir = args.schemas or os.path.join(os.environ.get("SAMSA_SHARED", "../shared"), "kafka-protocol")
    if os.path.isdir(sdir):
        sources.append((Schema.from_dir(sdir), False))
    else:
        tap.skip("3.9.0 schemas", "directory %s not found" % sdir)
    jar = args.jar or find_clients_jar()
    if jar and os.path.exists(jar):
        # samsa's ranges come from 4.x: every claimed version must exist there;
        # an older jar (3.9.1) is checked on the versions it has
        m = re.search(r"kafka-clients-(\d+)\.", os.path.basename(jar))
        sources.append((Schema.from_jar(jar), bool(m and int(m.group(1)) >= 4)))
    else:
        tap.skip("kafka-clients jar schemas", "jar not found (run test/broker/kafka.sh fetch)")

    for schema, strict in sources:
        for api in dump["apis"]:
            for kind in ("request", "response"):
                check_msg(schema, api[kind], strict, tap)
        # payloads that are not APIs (ConsumerProtocolSubscription, ...)
        for msg in dump.get("messages", []):
            check_msg(schema, msg, strict, tap)

    if args.docs:
        want = subprocess.check_output([args.dump, "--markdown"]).decode()
        try:
            with open(args.docs, encoding="utf-8") as f:
                have = f.read()
        except OSError:
            have = ""
        m = re.search(r"<!-- api-table:begin -->\n(.*?)<!-- api-table:end -->", have, re.S)
        ok = m is not None and m.group(1) == want
        tap.result(ok, "%s API table is generated from protocol/api.c" % args.docs,
                   [] if ok else ["stale: run `make docs` to regenerate"])
    tap.emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
