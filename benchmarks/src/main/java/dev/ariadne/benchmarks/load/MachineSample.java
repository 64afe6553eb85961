package dev.ariadne.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Scanner;

/**
 * The CPU time all processes on the machine have used, from the first line of Linux's {@code
 * /proc/stat}, in clock ticks. What it grows by beyond the server and the generator is what other
 * work took from a shared machine during a run.
 */
record MachineSample(long busyTicks) {
  static MachineSample read() throws IOException {
    return new MachineSample(busyTicks(Files.readString(Path.of("/proc/stat"))));
  }

  /** user + nice + system + irq + softirq + steal: every tick but idle and iowait. */
  static long busyTicks(String procStat) {
    if (!procStat.startsWith("cpu ")) {
      throw new IllegalArgumentException("/proc/stat does not start with the cpu line");
    }
    try (Scanner fields = new Scanner(procStat.lines().findFirst().orElseThrow().substring(4))) {
      long user = fields.nextLong();
      long nice = fields.nextLong();
      long system = fields.nextLong();
      fields.nextLong(); // idle
      fields.nextLong(); // iowait
      return user + nice + system + fields.nextLong() + fields.nextLong() + fields.nextLong();
    } catch (NoSuchElementException e) {
      throw new IllegalArgumentException("/proc/stat cpu line has fewer than 8 fields", e);
    }
  }
}
