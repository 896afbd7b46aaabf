#!/usr/bin/env python3
"""bench/report.py - medians, ratios and targets from bench/run.sh's runs.

Reads runs.jsonl (one JSON line per run: workload, client, msgs_per_s,
cpu_s_per_million, ...), takes the median per workload and client over the
successful runs, and writes results.json, results.md (Markdown tables with
the samsa/peer ratios and whether each target of issue 9 is met) and
chart.dat (gnuplot input for bench/chart.gp). Python 3 standard library only.
"""
import argparse
import json
import os
import statistics

CLIENTS = ["samsa", "librdkafka", "java"]


def median(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def load(path):
    runs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    runs.append(json.loads(line))
                except ValueError:
                    pass
    return runs


def aggregate(runs):
    order, table = [], {}
    for r in runs:
        w, c = r["workload"], r["client"]
        if w not in order:
            order.append(w)
        cell = table.setdefault(w, {}).setdefault(c, {"runs": [], "failed": 0, "notes": set()})
        if r.get("note"):
            cell["notes"].add(r["note"])
        ok = r.get("errors", 0) == 0 and (r.get("msgs", 0) > 0 or w.startswith("idle"))
        if ok:
            cell["runs"].append(r)
        else:
            cell["failed"] += 1
    med = {}
    keys = ["msgs_per_s", "mb_per_s", "cpu_s", "cpu_s_per_million", "cpu_pct",
            "peak_rss_kb", "threads", "p50_us", "p99_us", "p999_us", "seconds",
            "proc_user_s", "proc_sys_s"]  # the last two: C programs only
    for w in order:
        for c, cell in table[w].items():
            m = {k: median([r.get(k) for r in cell["runs"]]) for k in keys}
            m["n"] = len(cell["runs"])
            m["failed"] = cell["failed"]
            m["notes"] = sorted(cell["notes"])
            med.setdefault(w, {})[c] = m
    return order, med


def get(med, w, c, k):
    return med.get(w, {}).get(c, {}).get(k)


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def fnum(v, digits=0, scale=1.0):
    if v is None:
        return ""
    return f"{v / scale:,.{digits}f}"


def fratio(v):
    return "" if v is None else f"{v:.2f}x"


def cell_or_note(med, w, c, k, digits=0, scale=1.0):
    m = med.get(w, {}).get(c)
    if m is None:
        return ""
    if m["n"] == 0:
        return "not yet" if any("not yet" in n for n in m["notes"]) else "failed"
    return fnum(m.get(k), digits, scale)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--static", default="")
    ap.add_argument("--machine", default="")
    ap.add_argument("--broker", default="")
    ap.add_argument("--params", default="")
    a = ap.parse_args()

    order, med = aggregate(load(a.runs))
    static = {}
    if a.static and os.path.exists(a.static) and os.path.getsize(a.static) > 0:
        try:
            with open(a.static) as f:
                static = json.load(f)
        except ValueError:
            static = {}

    thr_rows = [w for w in order if w.startswith(("produce", "consume"))]
    lat_rows = [w for w in order if w.startswith("latency")]
    idle_rows = [w for w in order if w.startswith("idle")]
    targets = []

    md = ["# samsa side by side (bench/run.sh)", ""]
    md.append(f"Machine: {a.machine}  ")
    md.append(f"Broker: {a.broker}  ")
    md.append(f"Runs: {a.params}; medians of alternating runs.")
    md.append("")
    if thr_rows:
        md += ["## Throughput", "",
               "| workload | samsa msg/s | librdkafka msg/s | Java msg/s | samsa/rdkafka | samsa/Java "
               "| samsa MB/s | CPU s per M: samsa | librdkafka | Java | CPU samsa/rdkafka "
               "| peak RSS MB: samsa | librdkafka | Java | threads: samsa | librdkafka | Java |",
               "|" + "---|" * 17]
        for w in thr_rows:
            s, r, j = (get(med, w, c, "msgs_per_s") for c in CLIENTS)
            cs, cr = get(med, w, "samsa", "cpu_s_per_million"), get(med, w, "librdkafka", "cpu_s_per_million")
            md.append("| " + " | ".join([
                w,
                cell_or_note(med, w, "samsa", "msgs_per_s"),
                cell_or_note(med, w, "librdkafka", "msgs_per_s"),
                cell_or_note(med, w, "java", "msgs_per_s"),
                fratio(ratio(s, r)), fratio(ratio(s, j)),
                cell_or_note(med, w, "samsa", "mb_per_s", 1),
                cell_or_note(med, w, "samsa", "cpu_s_per_million", 2),
                cell_or_note(med, w, "librdkafka", "cpu_s_per_million", 2),
                cell_or_note(med, w, "java", "cpu_s_per_million", 2),
                fratio(ratio(cs, cr)),
                cell_or_note(med, w, "samsa", "peak_rss_kb", 0, 1024),
                cell_or_note(med, w, "librdkafka", "peak_rss_kb", 0, 1024),
                cell_or_note(med, w, "java", "peak_rss_kb", 0, 1024),
                cell_or_note(med, w, "samsa", "threads"),
                cell_or_note(med, w, "librdkafka", "threads"),
                cell_or_note(med, w, "java", "threads"),
            ]) + " |")
            tr, cpu = ratio(s, r), ratio(cs, cr)
            targets.append({"target": f"{w}: throughput >= librdkafka", "ratio": tr,
                            "met": None if tr is None else tr >= 1.0})
            targets.append({"target": f"{w}: CPU per million <= 0.5x librdkafka", "ratio": cpu,
                            "met": None if cpu is None else cpu <= 0.5})
        md.append("")
        md.append("Java: ProducerPerformance / ConsumerPerformance (kafka-tools); its CPU and RSS are the "
                  "whole JVM process, start-up and JIT included; its consume rate is the tool's fetch rate "
                  "(group join excluded). samsa and librdkafka consume by assigning all partitions (no group).")
        md.append("")
    if lat_rows:
        md += ["## End-to-end latency at a fixed rate (microseconds)", "",
               "| workload | samsa p50 | p99 | p99.9 | librdkafka p50 | p99 | p99.9 | p99 samsa/rdkafka "
               "| threads: samsa | librdkafka |",
               "|" + "---|" * 10]
        for w in lat_rows:
            ps, pr = get(med, w, "samsa", "p99_us"), get(med, w, "librdkafka", "p99_us")
            md.append("| " + " | ".join([
                w,
                cell_or_note(med, w, "samsa", "p50_us"), cell_or_note(med, w, "samsa", "p99_us"),
                cell_or_note(med, w, "samsa", "p999_us"),
                cell_or_note(med, w, "librdkafka", "p50_us"), cell_or_note(med, w, "librdkafka", "p99_us"),
                cell_or_note(med, w, "librdkafka", "p999_us"),
                fratio(ratio(ps, pr)),
                cell_or_note(med, w, "samsa", "threads"), cell_or_note(med, w, "librdkafka", "threads"),
            ]) + " |")
            if w == "latency-default":
                rr = ratio(ps, pr)
                targets.append({"target": "p99 latency at defaults <= librdkafka", "ratio": rr,
                                "met": None if rr is None else rr <= 1.0})
        md.append("")
        md.append("default: each client's defaults (linger.ms 5 in both); lowlat: linger.ms=0. acks=1, 100 B, "
                  "producer and consumer in one process, send time in the payload, first second not counted (a quarter of shorter runs).")
        md.append("")
    if idle_rows:
        md += ["## Idle (connected, no traffic)", "",
               "| workload | samsa CPU s | % of a core | librdkafka CPU s | % of a core | threads: samsa | librdkafka |",
               "|" + "---|" * 7]
        for w in idle_rows:
            md.append("| " + " | ".join([
                w,
                cell_or_note(med, w, "samsa", "cpu_s", 3), cell_or_note(med, w, "samsa", "cpu_pct", 3),
                cell_or_note(med, w, "librdkafka", "cpu_s", 3), cell_or_note(med, w, "librdkafka", "cpu_pct", 3),
                cell_or_note(med, w, "samsa", "threads"), cell_or_note(med, w, "librdkafka", "threads"),
            ]) + " |")
            pct = get(med, w, "samsa", "cpu_pct")
            targets.append({"target": f"{w}: samsa idle CPU < 0.1% of a core", "ratio": pct,
                            "met": None if pct is None else pct < 0.1})
        md.append("")
    if static:
        md += ["## Minimal producer binary (connect, produce one, flush), stripped", "",
               "| build | links | bytes | threads | note |", "|---|---|---|---|---|"]
        for k in ["samsa_all_static", "samsa_nosasl_static", "samsa_none_static", "samsa_all_archive",
                  "samsa_none_archive", "rdkafka_static", "rdkafka_archive"]:
            e = static.get(k)
            if not e:
                continue
            md.append(f"| {k} | {e['how']} | {fnum(e['bytes']) if e['ok'] else 'does not link'} "
                      f"| {e['threads'] or ''} | {e['why']} |")
        for k, name in [("samsa_so", "libsamsa.so (every feature)"), ("rdkafka_so", "librdkafka.so.1")]:
            e = static.get(k)
            if e:
                md.append(f"| {name} | shared library, stripped | {fnum(e['bytes'])} | | needs: {e['deps']} |")
        md.append("")
        ra = static.get("rdkafka_archive", {})
        for k in ["samsa_all_archive", "samsa_none_archive"]:
            sa = static.get(k, {})
            if sa.get("ok") and ra.get("ok"):
                rr = sa["bytes"] / ra["bytes"]
                targets.append({"target": f"minimal producer size {k} <= 1/5 of librdkafka's (archive, libs shared)",
                                "ratio": rr, "met": rr <= 0.2})
        th = static.get("samsa_all_archive", {}).get("threads")
        if th:
            targets.append({"target": "samsa runs one thread in embedded mode", "ratio": th, "met": th == 1})

    if targets:
        md += ["## Targets (issue 9)", "", "| target | measured | met |", "|---|---|---|"]
        for t in targets:
            r = t["ratio"]
            meas = "" if r is None else (f"{r:.3f}" if isinstance(r, float) else str(r))
            met = "n/a (no figure)" if t["met"] is None else ("met" if t["met"] else "MISSED")
            md.append(f"| {t['target']} | {meas} | {met} |")
        md.append("")

    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"machine": a.machine, "broker": a.broker, "params": a.params,
                   "workloads": order, "medians": med, "static": static, "targets": targets},
                  f, indent=1, sort_keys=True)
    with open(os.path.join(a.out, "chart.dat"), "w") as f:
        f.write("# workload samsa_kmsgs rdkafka_kmsgs java_kmsgs samsa_cpu rdkafka_cpu java_cpu\n")
        for w in thr_rows:
            vals = []
            for k, sc in [("msgs_per_s", 1000.0), ("cpu_s_per_million", 1.0)]:
                for c in CLIENTS:
                    v = get(med, w, c, k)
                    vals.append("NaN" if v is None else f"{v / sc:.3f}")
            f.write(f"{w} {' '.join(vals)}\n")


if __name__ == "__main__":
    main()
