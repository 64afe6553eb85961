#!/usr/bin/env python3
"""Prints the ingest benchmark's figures (the load generator's --result-file rows) as Markdown
tables, with Ariadne's ratios to the Zipkin server and the issues' targets marked met or missed.
The load generator's own CPU per span is the same work in every run of a workload, so that column
shows the host's pace: runs whose generator figures differ were not on equal footing. Where Linux
perf could count them, the hardware counters follow: instructions per span are the work itself,
which the host's pace does not move, and cycles per instruction show how much the host slowed it.
The server's JIT compiler threads are shown apart: what they spend in the window is warm-up, the
more of it the slower the host, and a ratio without it compares the work per span itself.
Given the storage figures of an embedded-engine run (storage.tsv), it prints them and that
engine's targets instead of the memory backend's.

Usage: python3 benchmarks/ingest_summary.py results.tsv [storage.tsv]
"""
import csv
import sys

CPU_RATIO_TARGET = 0.5  # memory backend: Ariadne's server CPU per span, at most this times Zipkin's
OTLP_MICROS_TARGET = 10.0  # Ariadne's server CPU per OTLP protobuf span, in microseconds
# Embedded engine: its CPU per OTLP protobuf span, at most this times Zipkin's per Zipkin JSON span.
EMBEDDED_CPU_RATIO_TARGET = 0.3
EMBEDDED_BYTES_TARGET = 40.0  # bytes per span in blocks, after cutting and compaction


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    rows = read(sys.argv[1])
    storage = read(sys.argv[2]) if len(sys.argv) > 2 else None
    print("| server | workload | accepted spans/s | p50 / p90 / p99 ms | non-2xx | failed "
          "| server CPU s per 100k spans | µs per span | of which JIT compilers | server peak RSS MiB "
          "| generator CPU s | generator µs per span | other CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['format']} | {float(r['spans_per_s']):,.0f} "
              f"| {float(r['p50_ms']):.1f} / {float(r['p90_ms']):.1f} / {float(r['p99_ms']):.1f} "
              f"| {r['non_2xx']} | {r['failures']} | {float(r['server_cpu_s_per_100k_spans']):.2f} "
              f"| {float(r['server_us_per_span']):.1f} | {fmt(jit_micros(r), '{:.1f}')} "
              f"| {r['server_peak_rss_mib']} | {r['generator_cpu_s']} "
              f"| {generator_micros(r)} | {r['other_cpu_s']} |")
    print()
    counters(rows)

    by = {(r["label"], r["format"]): r for r in rows}
    if storage is not None:
        embedded(by, storage)
        return
    print("| workload | CPU per span, Ariadne ÷ Zipkin | target ≤ 0.5 | spans/s, Ariadne ÷ Zipkin "
          "| target ≥ 1 | instructions per span, Ariadne ÷ Zipkin | CPU per span less the JIT's, "
          "Ariadne ÷ Zipkin |")
    print("|---|---|---|---|---|---|---|")
    for workload in ("zipkin-json", "zipkin-proto3"):
        a, z = by.get(("ariadne", workload)), by.get(("zipkin", workload))
        if not a or not z:
            continue
        cpu = float(a["server_us_per_span"]) / float(z["server_us_per_span"])
        rate = float(a["spans_per_s"]) / float(z["spans_per_s"])
        print(f"| {workload} | {cpu:.2f} | {met(cpu <= CPU_RATIO_TARGET)} | {rate:.2f} | {met(rate >= 1)} "
              f"| {ratio(a, z, 'server_instructions_per_span')} "
              f"| {fmt(quotient(without_jit(a), without_jit(z)), '{:.2f}')} |")
    otlp = by.get(("ariadne", "otlp-proto"))
    if otlp:
        micros = float(otlp["server_us_per_span"])
        print()
        print(f"OTLP protobuf: Ariadne spends {micros:.1f} µs of server CPU per span "
              f"(target ≤ {OTLP_MICROS_TARGET:.0f} µs): {met(micros <= OTLP_MICROS_TARGET)}")


def embedded(by, storage):
    print("| blocks | spans in blocks | block bytes | bytes per span | WAL bytes | compactions "
          "| data directory bytes | settled after s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in storage:
        print(f"| {r['blocks']} | {int(r['block_spans']):,} | {int(r['block_bytes']):,} "
              f"| {float(r['bytes_per_span']):.1f} | {int(r['wal_bytes']):,} | {r['compactions']} "
              f"| {int(r['data_dir_bytes']):,} | {r['settle_s']} |")
    print()
    otlp, zipkin = by.get(("ariadne", "otlp-proto")), by.get(("zipkin", "zipkin-json"))
    if otlp:
        micros = float(otlp["server_us_per_span"])
        print(f"OTLP protobuf, embedded: {micros:.1f} µs of server CPU per span "
              f"(target ≤ {OTLP_MICROS_TARGET:.0f} µs): {met(micros <= OTLP_MICROS_TARGET)}")
    if otlp and zipkin:
        cpu_ratio = float(otlp["server_us_per_span"]) / float(zipkin["server_us_per_span"])
        print(f"CPU per span, Ariadne embedded on OTLP protobuf ÷ Zipkin in-memory on Zipkin JSON: "
              f"{cpu_ratio:.2f} (target ≤ {EMBEDDED_CPU_RATIO_TARGET}): "
              f"{met(cpu_ratio <= EMBEDDED_CPU_RATIO_TARGET)}; instructions per span: "
              f"{ratio(otlp, zipkin, 'server_instructions_per_span')}")
    for r in storage:
        per_span = float(r["bytes_per_span"])
        print(f"Bytes per span in blocks: {per_span:.1f} (target ≤ {EMBEDDED_BYTES_TARGET:.0f}): "
              f"{met(per_span <= EMBEDDED_BYTES_TARGET)}")


def counters(rows):
    """The hardware counters per span, where perf counted them."""
    if not any(number(r, "server_instructions_per_span") for r in rows):
        return
    print("| server | workload | server instructions per span | server cycles per span "
          "| server cycles per instruction | perf's server CPU s ÷ /proc's | generator instructions "
          "per span | generator cycles per instruction |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        instructions, cycles = number(r, "server_instructions_per_span"), number(r, "server_cycles_per_span")
        g_instructions, g_cycles = number(r, "generator_instructions_per_span"), number(r, "generator_cycles_per_span")
        perf_cpu, proc_cpu = number(r, "server_perf_cpu_s"), number(r, "server_cpu_s")
        print(f"| {r['label']} | {r['format']} | {fmt(instructions, '{:,.0f}')} | {fmt(cycles, '{:,.0f}')} "
              f"| {fmt(quotient(cycles, instructions), '{:.2f}')} | {fmt(quotient(perf_cpu, proc_cpu), '{:.2f}')} "
              f"| {fmt(g_instructions, '{:,.0f}')} | {fmt(quotient(g_cycles, g_instructions), '{:.2f}')} |")
    print()


def number(row, column):
    """A figure of a row, or None where the row lacks it or it was not measured (NaN)."""
    value = row.get(column)
    if value is None or value in ("", "NaN"):
        return None
    value = float(value)
    return None if value != value else value


def fmt(value, pattern):
    return "-" if value is None else pattern.format(value)


def quotient(x, y):
    """x ÷ y, or None where either is missing or zero."""
    return x / y if x and y else None


def ratio(a, z, column):
    return fmt(quotient(number(a, column), number(z, column)), "{:.2f}")


def jit_micros(row):
    """The server's JIT compiler threads' CPU per span, in µs, where it was measured."""
    jit, spans = number(row, "server_jit_cpu_s"), number(row, "accepted_spans")
    return None if jit is None or not spans else jit * 1e6 / spans


def without_jit(row):
    """The server's CPU per span less its JIT compiler threads', in µs."""
    jit = jit_micros(row)
    return None if jit is None else float(row["server_us_per_span"]) - jit


def generator_micros(row):
    spans = float(row["accepted_spans"])
    return f"{float(row['generator_cpu_s']) * 1e6 / spans:.1f}" if spans else "-"


def met(ok):
    return "met" if ok else "**missed**"


if __name__ == "__main__":
    main()
