#!/usr/bin/env python3
"""Prints the figures of benchmarks/analytics-cost.sh (the load generator's --result-file rows,
labelled analytics-on and analytics-off) as Markdown tables: every run, then the medians of each
setting over its runs and the ratios of analytics on to off.

Usage: python3 benchmarks/analytics_cost_summary.py results.tsv
"""
import csv
import statistics
import sys

SETTINGS = ("analytics-on", "analytics-off")


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    rows = read(sys.argv[1])
    print("| run | setting | workload | accepted spans/s | p50 / p90 / p99 ms | non-2xx | failed "
          "| µs of server CPU per span | server peak RSS MiB | other CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(rows, 1):
        print(f"| {i} | {r['label']} | {r['format']} | {float(r['spans_per_s']):,.0f} "
              f"| {float(r['p50_ms']):.1f} / {float(r['p90_ms']):.1f} / {float(r['p99_ms']):.1f} "
              f"| {none(r['non_2xx'])} | {none(r['failures'])} | {float(r['server_us_per_span']):.1f} "
              f"| {r['server_peak_rss_mib']} | {r['other_cpu_s']} |")
    print()

    medians = {}
    for setting in SETTINGS:
        runs = [r for r in rows if r["label"] == setting]
        if not runs:
            sys.exit(f"no runs labelled {setting} in {sys.argv[1]}")
        medians[setting] = (
            statistics.median(float(r["spans_per_s"]) for r in runs),
            statistics.median(float(r["server_us_per_span"]) for r in runs),
            len(runs))
    print("| setting | runs | accepted spans/s, median | µs of server CPU per span, median |")
    print("|---|---|---|---|")
    for setting in SETTINGS:
        rate, micros, n = medians[setting]
        print(f"| {setting} | {n} | {rate:,.0f} | {micros:.1f} |")
    print()
    on, off = medians["analytics-on"], medians["analytics-off"]
    print(f"Analytics on ÷ off: spans/s {on[0] / off[0]:.2f}, server CPU per span "
          f"{on[1] / off[1]:.2f} ({on[1] - off[1]:+.1f} µs per span).")


def none(counts):
    return "none" if counts == "-" else counts


if __name__ == "__main__":
    main()
