#!/usr/bin/env python3
"""Prints the figures of benchmarks/embedded-at-scale.sh as Markdown tables, with the embedded
engine's targets at scale marked met or missed on the medians over the query benchmark's runs:
trace by ID p99, search p50, listings p99, and the server's peak RSS.

Usage: python3 benchmarks/at_scale_summary.py load.tsv storage.tsv queries.tsv
"""
import csv
import statistics
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
    print("| run | query | timed | failed | p50 ms | p90 ms | p99 ms | max ms | results on average "
          "| server CPU ms per query | server RSS MiB after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in queries:
        print(f"| {r['label']} | {r['query']} | {r['count']} | {r['failures']} | {float(r['p50_ms']):.2f} "
              f"| {float(r['p90_ms']):.2f} | {float(r['p99_ms']):.2f} | {float(r['max_ms']):.2f} "
              f"| {r['mean_results']} | {r['server_cpu_ms_per_query']} | {r['server_rss_mib']} |")
    print()
    peak = max(float(r["server_peak_rss_mib"]) for r in queries)
    print(f"Server peak RSS (VmHWM, loading included): {peak:.0f} MiB.")
    print()
    print("| target (median over the runs) | figure | met? |")
    print("|---|---|---|")
    by_query = {}
    for r in queries:
        by_query.setdefault(r["query"], []).append(r)
    for query, rows in by_query.items():
        p50 = statistics.median(float(r["p50_ms"]) for r in rows)
        p99 = statistics.median(float(r["p99_ms"]) for r in rows)
        if query == "trace by ID":
            row(f"trace by ID p99 ≤ {TRACE_P99_MS:.0f} ms", f"{p99:.1f} ms (p50 {p50:.1f} ms)", p99 <= TRACE_P99_MS)
        elif query.startswith("search"):
            row(f"{query}: p50 ≤ {SEARCH_P50_MS:.0f} ms", f"{p50:.0f} ms (p99 {p99:.0f} ms)", p50 <= SEARCH_P50_MS)
        else:
            row(f"{query} listing p99 ≤ {LISTING_MS:.0f} ms", f"{p99:.1f} ms (p50 {p50:.1f} ms)", p99 <= LISTING_MS)
    row(f"server peak RSS < {RSS_MIB:.0f} MiB", f"{peak:.0f} MiB", peak < RSS_MIB)


def none(counts):
    return "none" if counts == "-" else counts


def row(target, figure, ok):
    print(f"| {target} | {figure} | {'yes' if ok else '**no**'} |")


if __name__ == "__main__":
    main()
