#!/usr/bin/env python3
"""Prints the median of every JMH benchmark in a JSON result file, and the ratio of each
Ariadne benchmark to its OpenTelemetry peer from the same run (ariadneX vs opentelemetryX).

Given several result files (runs of the same command, one after another), it prints each run's
ratios and their median: on a shared machine whose pace drifts within minutes, the ratio within
one run is the figure the drift moves least, and the median over runs the one to quote.

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


def ratios(results):
    """(key, time ratio, bytes, peer's bytes) of each Ariadne benchmark with a peer."""
    for key, (score, alloc, _, _) in sorted(results.items()):
        cls, method = key.split(".")
        if not method.startswith("ariadne"):
            continue
        peer = results.get(cls + ".opentelemetry" + method[len("ariadne"):])
        if peer is not None:
            yield key, score / peer[0], alloc, peer[1]


def print_run(results):
    print(f"{'benchmark':55} {'median':>10} {'unit':>6} {'B/op':>8} {'n':>3}")
    for key, (score, alloc, unit, n) in sorted(results.items()):
        a = "" if alloc is None else f"{alloc:.0f}"
        print(f"{key:55} {score:10.2f} {unit:>6} {a:>8} {n:3}")
    print()
    for key, ratio, alloc, peer_alloc in ratios(results):
        bytes_ = "" if alloc is None or not peer_alloc else f", bytes {alloc:.0f} vs {peer_alloc:.0f}"
        print(f"{key:55} time ratio {ratio:.2f}{bytes_}")


def main():
    runs = [medians(path) for path in sys.argv[1:]]
    if len(runs) == 1:
        print_run(runs[0])
        return
    per_key = {}
    for path, results in zip(sys.argv[1:], runs):
        print(f"== {path}")
        print_run(results)
        print()
        for key, ratio, _, _ in ratios(results):
            per_key.setdefault(key, []).append(ratio)
    print(f"median time ratio over {len(runs)} runs:")
    for key, values in per_key.items():
        listed = ", ".join(f"{v:.2f}" for v in values)
        print(f"{key:55} {statistics.median(values):.2f}  ({listed})")


if __name__ == "__main__":
    main()
