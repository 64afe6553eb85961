#!/usr/bin/env python3
"""Prints the figures of benchmarks/embedded-at-scale.sh as Markdown tables, with the embedded
engine's targets at scale marked met or missed: trace by ID p99, search p50, listings p99, and
the server's RSS.

Usage: python3 benchmarks/at_scale_summary.py load.tsv storage.tsv queries.tsv
"""
import csv
import sys

TRACE_P99_MS = 10.0
SEARCH_P50_MS = 200.0
LISTING_MS = 20.0  # services and operations listings, judged on their p99
RSS_MIB = 1024.0


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    load, storage, queries = (read(p) for p in sys.argv[1:4])
    for r in load:
        print(f"Loaded {int(r['accepted_spans']):,} spans in {float(r['seconds']):.0f} s "
              f"({float(r['spans_per_s']):,.0f} spans/s, {float(r['server_us_per_span']):.1f} µs of server "
              f"CPU per span, non-2xx {none(r['non_2xx'])}, failed {none(r['failures'])}, other CPU {r['other_cpu_s']} s).")
    for r in storage:
        print(f"Stored: {int(r['block_spans']):,} spans in {r['blocks']} blocks, {int(r['block_bytes']):,} bytes "
              f"({float(r['bytes_per_span']):.1f} bytes per span), {r['head_spans']} in the head, "
              f"settled {r['settle_s']} s after the load.")
    print()
    print("| query | timed | failed | p50 ms | p90 ms | p99 ms | max ms | results on average "
          "| server CPU ms per query |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in queries:
        print(f"| {r['query']} | {r['count']} | {r['failures']} | {float(r['p50_ms']):.2f} "
              f"| {float(r['p90_ms']):.2f} | {float(r['p99_ms']):.2f} | {float(r['max_ms']):.2f} "
              f"| {r['mean_results']} | {r['server_cpu_ms_per_query']} |")
    print()
    last = queries[-1]
    print(f"Server RSS after the queries {last['server_rss_mib']} MiB, peak {last['server_peak_rss_mib']} MiB.")
    print()
    print("| target | figure | met? |")
    print("|---|---|---|")
    for r in queries:
        p50, p99 = float(r["p50_ms"]), float(r["p99_ms"])
        if r["query"] == "trace by ID":
            row(f"trace by ID p99 ≤ {TRACE_P99_MS:.0f} ms", f"{p99:.1f} ms", p99 <= TRACE_P99_MS)
        elif r["query"].startswith("search"):
            row(f"{r['query']}: p50 ≤ {SEARCH_P50_MS:.0f} ms", f"{p50:.0f} ms", p50 <= SEARCH_P50_MS)
        else:
            row(f"{r['query']} listing p99 ≤ {LISTING_MS:.0f} ms", f"{p99:.1f} ms", p99 <= LISTING_MS)
    peak = float(last["server_peak_rss_mib"])
    row(f"server peak RSS < {RSS_MIB:.0f} MiB", f"{peak:.0f} MiB", peak < RSS_MIB)


def none(counts):
    return "none" if counts == "-" else counts


def row(target, figure, ok):
    print(f"| {target} | {figure} | {'yes' if ok else '**no**'} |")


if __name__ == "__main__":
    main()
