#!/usr/bin/env python3
"""Prints the median of every JMH benchmark in a JSON result file, and the ratio of each
Ariadne benchmark to its OpenTelemetry peer from the same run (ariadneX vs opentelemetryX).

Usage: python3 benchmarks/medians.py result.json [more.json ...]
"""
import json
import statistics
import sys


def medians(path):
    out = {}
    for b in json.load(open(path)):
        name = b["benchmark"].rsplit(".", 2)
        key = name[-2] + "." + name[-1]
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        alloc_raw = [x for fork in alloc["rawData"] for x in fork] if alloc else []
        out[key] = (statistics.median(raw), statistics.median(alloc_raw) if alloc_raw else None,
                    b["primaryMetric"]["scoreUnit"], len(raw))
    return out


def main():
    results = {}
    for path in sys.argv[1:]:
        results.update(medians(path))
    print(f"{'benchmark':55} {'median':>10} {'unit':>6} {'B/op':>8} {'n':>3}")
    for key, (score, alloc, unit, n) in sorted(results.items()):
        a = "" if alloc is None else f"{alloc:.0f}"
        print(f"{key:55} {score:10.2f} {unit:>6} {a:>8} {n:3}")
    print()
    for key, (score, alloc, _, _) in sorted(results.items()):
        cls, method = key.split(".")
        if not method.startswith("ariadne"):
            continue
        peer = results.get(cls + ".opentelemetry" + method[len("ariadne"):])
        if peer is None:
            continue
        ratio_alloc = "" if alloc is None or not peer[1] else f", bytes {alloc:.0f} vs {peer[1]:.0f}"
        print(f"{key:55} time ratio {score / peer[0]:.2f}{ratio_alloc}")


if __name__ == "__main__":
    main()
