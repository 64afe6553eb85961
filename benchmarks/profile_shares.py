#!/usr/bin/env python3
"""Says where a server's CPU went, from an async-profiler profile in collapsed form taken with the
`threads` option (each stack starts with its thread's name): each stack is counted once, in the
first category below whose test it passes, and the categories' shares are printed as a Markdown
table, with each share in µs per span when the run's total is given. Then the innermost frames of
the most samples, overall and within the storage's own threads.

Usage: python3 benchmarks/profile_shares.py profile.collapsed [µs-per-span-of-the-run]
"""
import collections
import re
import sys

# (category, test on the thread name, test on the frames), tried in order.
CATEGORIES = [
    ("garbage collection", lambda t: re.match(r"(GC Thread|G1 |VM Thread)", t), None),
    ("JIT compiler", lambda t: "CompilerThre" in t or t.startswith("Sweeper"), None),  # names cut at 15
    ("storage: compaction (maintenance thread)", lambda t: t.startswith("ariadne-storage-maintenance"),
     lambda f: "BlockWriter.compact" in f),
    ("storage: cutting the head into a block (cut thread)",
     lambda t: t.startswith("ariadne-storage-cut"), None),
    ("storage: other maintenance", lambda t: t.startswith("ariadne-storage-maintenance"), None),
    ("storage: WAL fsync thread", lambda t: t.startswith("ariadne-wal-sync"), None),
    ("storage write: WAL record encoding", None, lambda f: "EmbeddedStorage.write" in f and "SpanCodec.encode" in f),
    ("storage write: WAL append", None, lambda f: "EmbeddedStorage.write" in f and "Wal." in f),
    ("storage write: head (index, catalog)", None, lambda f: "EmbeddedStorage.write" in f and "Head.add" in f),
    ("storage write: other", None, lambda f: "EmbeddedStorage.write" in f),
    ("storage write: memory backend", None, lambda f: "MemoryStorage.write" in f),
    ("analytics (RED series, service graph)", None, lambda f: "dev/ariadne/analytics" in f),
    ("storage reads (queries)", None, lambda f: "dev/ariadne/storage" in f or "dev.ariadne.storage" in f),
    ("decoding", None, lambda f: "Decoder" in f and "dev/ariadne/model" in f.replace(".", "/")),
    ("HTTP (Armeria, Netty, sockets)", None, lambda f: "armeria" in f or "netty" in f),
]


def category(thread, frames):
    for name, thread_test, frame_test in CATEGORIES:
        if thread_test and not thread_test(thread):
            continue
        if frame_test and not frame_test(frames):
            continue
        return name
    return "other"


def main():
    per_span = float(sys.argv[2]) if len(sys.argv) > 2 else None
    shares = collections.Counter()
    innermost = collections.Counter()
    storage_innermost = collections.Counter()
    total = 0
    with open(sys.argv[1]) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            count = int(count)
            frames = stack.split(";")
            thread = re.sub(r"^\[(.*?)( tid=\d+)?\]$", r"\1", frames[0])
            joined = ";".join(frames[1:])
            name = category(thread, joined)
            shares[name] += count
            innermost[frames[-1]] += count
            if name.startswith("storage"):
                storage_innermost[frames[-1]] += count
            total += count
    print(f"{total} samples")
    print()
    print("| where the CPU goes | share | µs per span |" if per_span else "| where the CPU goes | share |")
    print("|---|---|---|" if per_span else "|---|---|")
    for name, count in shares.most_common():
        share = count / total
        cells = f"| {name} | {share:.0%} |"
        if per_span:
            cells += f" {share * per_span:.1f} |"
        print(cells)
    for title, counter in (("innermost frames", innermost), ("innermost frames in storage", storage_innermost)):
        print()
        print(f"Top {title}:")
        for frame, count in counter.most_common(15):
            print(f"  {count / total:6.1%}  {frame}")


if __name__ == "__main__":
    main()
