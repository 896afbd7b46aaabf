#!/usr/bin/env python3
"""bench/compare.py - two sittings of bench/run.sh side by side.

    bench/compare.py BEFORE/results.json AFTER/results.json [--before NAME]
                     [--after NAME]

Prints a Markdown table per workload: samsa's and librdkafka's medians
(msgs/s and CPU seconds per million; p50 and p99 for latency rows; CPU %
of a core for idle rows) before -> after, and samsa/librdkafka then and
now, which is the figure to compare across sittings on a shared machine
(both clients ran in the same alternating rounds each time). Then the
static-size rows. Python 3 standard library only.
"""
import argparse
import json


def med(d, w, c, k):
    return d.get("medians", {}).get(w, {}).get(c, {}).get(k)


def f(v, digits=0):
    return "-" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def fr(v):
    return "-" if v is None else f"{v:.2f}x"


def arrow(a, b, digits=0):
    return f"{f(a, digits)} -> {f(b, digits)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--before-name", default="before")
    ap.add_argument("--after-name", default="after")
    a = ap.parse_args()
    with open(a.before) as fh:
        b = json.load(fh)
    with open(a.after) as fh:
        n = json.load(fh)
    order = list(n.get("workloads", []))
    order += [w for w in b.get("workloads", []) if w not in order]
    out = [f"{a.before_name} -> {a.after_name}; medians; ratio = samsa/librdkafka", ""]

    thr = [w for w in order if w.startswith(("produce", "consume"))]
    if thr:
        out += ["| workload | samsa msg/s | librdkafka msg/s | msg/s ratio | samsa CPU s/M "
                "| librdkafka CPU s/M | CPU ratio |", "|---|---|---|---|---|---|---|"]
        for w in thr:
            row = [w]
            for k, d in [("msgs_per_s", 0), ("cpu_s_per_million", 2)]:
                row.append(arrow(med(b, w, "samsa", k), med(n, w, "samsa", k), d))
                row.append(arrow(med(b, w, "librdkafka", k), med(n, w, "librdkafka", k), d))
                row.append(fr(ratio(med(b, w, "samsa", k), med(b, w, "librdkafka", k))) + " -> " +
                           fr(ratio(med(n, w, "samsa", k), med(n, w, "librdkafka", k))))
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    lat = [w for w in order if w.startswith("latency")]
    if lat:
        out += ["| workload | samsa p50 us | p99 | librdkafka p50 us | p99 | p99 ratio |",
                "|---|---|---|---|---|---|"]
        for w in lat:
            row = [w]
            for c in ["samsa", "librdkafka"]:
                for k in ["p50_us", "p99_us"]:
                    row.append(arrow(med(b, w, c, k), med(n, w, c, k)))
            row.append(fr(ratio(med(b, w, "samsa", "p99_us"), med(b, w, "librdkafka", "p99_us"))) + " -> " +
                       fr(ratio(med(n, w, "samsa", "p99_us"), med(n, w, "librdkafka", "p99_us"))))
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    idle = [w for w in order if w.startswith("idle")]
    if idle:
        out += ["| workload | samsa % of a core | librdkafka % of a core |", "|---|---|---|"]
        for w in idle:
            out.append(f"| {w} | {arrow(med(b, w, 'samsa', 'cpu_pct'), med(n, w, 'samsa', 'cpu_pct'), 3)} "
                       f"| {arrow(med(b, w, 'librdkafka', 'cpu_pct'), med(n, w, 'librdkafka', 'cpu_pct'), 3)} |")
        out.append("")
    sb, sn = b.get("static") or {}, n.get("static") or {}
    keys = [k for k in sn if k in sb] or list(sb)
    if keys:
        out += ["| static build | bytes |", "|---|---|"]
        for k in sorted(keys):
            x, y = sb.get(k, {}), sn.get(k, {})
            xb = x.get("bytes") if x.get("ok", True) else None
            yb = y.get("bytes") if y.get("ok", True) else None
            out.append(f"| {k} | {arrow(xb, yb)} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
