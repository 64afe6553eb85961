#!/usr/bin/env python3
"""Prints the ingest benchmark's figures (the load generator's --result-file rows) as Markdown
tables, with Ariadne's ratios to the Zipkin server on the workloads both ran, and the issue's
targets marked met or missed.

Usage: python3 benchmarks/ingest_summary.py results.tsv
"""
import csv
import sys

CPU_RATIO_TARGET = 0.5  # Ariadne's server CPU per span, at most this times Zipkin's
OTLP_MICROS_TARGET = 10.0  # Ariadne's server CPU per OTLP protobuf span, in microseconds


def main():
    with open(sys.argv[1], newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    print("| server | workload | accepted spans/s | p50 / p90 / p99 ms | non-2xx | failed "
          "| server CPU s per 100k spans | µs per span | server peak RSS MiB | generator CPU s "
          "| other CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['format']} | {float(r['spans_per_s']):,.0f} "
              f"| {float(r['p50_ms']):.1f} / {float(r['p90_ms']):.1f} / {float(r['p99_ms']):.1f} "
              f"| {r['non_2xx']} | {r['failures']} | {float(r['server_cpu_s_per_100k_spans']):.2f} "
              f"| {float(r['server_us_per_span']):.1f} | {r['server_peak_rss_mib']} | {r['generator_cpu_s']} "
              f"| {r['other_cpu_s']} |")
    print()

    by = {(r["label"], r["format"]): r for r in rows}
    print("| workload | CPU per span, Ariadne ÷ Zipkin | target ≤ 0.5 | spans/s, Ariadne ÷ Zipkin "
          "| target ≥ 1 |")
    print("|---|---|---|---|---|")
    for fmt in ("zipkin-json", "zipkin-proto3"):
        a, z = by.get(("ariadne", fmt)), by.get(("zipkin", fmt))
        if not a or not z:
            continue
        cpu = float(a["server_us_per_span"]) / float(z["server_us_per_span"])
        rate = float(a["spans_per_s"]) / float(z["spans_per_s"])
        print(f"| {fmt} | {cpu:.2f} | {met(cpu <= CPU_RATIO_TARGET)} | {rate:.2f} | {met(rate >= 1)} |")
    otlp = by.get(("ariadne", "otlp-proto"))
    if otlp:
        micros = float(otlp["server_us_per_span"])
        print()
        print(f"OTLP protobuf: Ariadne spends {micros:.1f} µs of server CPU per span "
              f"(target ≤ {OTLP_MICROS_TARGET:.0f} µs): {met(micros <= OTLP_MICROS_TARGET)}")


def met(ok):
    return "met" if ok else "**missed**"


if __name__ == "__main__":
    main()
