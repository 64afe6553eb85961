package dev.ariadne.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process's hardware counters over the measured window, counted by Linux {@code perf stat}
 * attached to it: the instructions it ran, the cycles it took, and its task clock. CPU seconds per
 * span swing with the pace of a shared host (contended caches make the same work take more
 * cycles); the instructions per span are the work itself and stay put, so they tell a change to
 * the code from a change of the host. Without {@code perf}, or where the kernel refuses the
 * counters, the counts are absent and the run goes on.
 */
final class PerfCounters {
  /** The events counted, in the order {@code perf stat} prints them. */
  static final String EVENTS = "task-clock,instructions,cycles";

  /** What one {@code perf stat} counted; an event it could not count is -1. */
  record Counts(double taskClockMillis, long instructions, long cycles) {
    /**
     * Reads the output of {@code perf stat -x ,}: per event a line of value, unit, event name
     * and run details; {@code <not supported>} or {@code <not counted>} in place of a value.
     *
     * @throws IllegalArgumentException if an event of {@link #EVENTS} has no line
     */
    static Counts parse(List<String> lines) {
      double taskClock = Double.NaN;
      long instructions = Long.MIN_VALUE;
      long cycles = Long.MIN_VALUE;
      for (String line : lines) {
        String[] fields = line.split(",", -1);
        if (line.startsWith("#") || fields.length < 3) {
          continue;
        }
        switch (fields[2].split(":", 2)[0]) {
          case "task-clock" -> taskClock = value(fields[0]);
          case "instructions" -> instructions = (long) value(fields[0]);
          case "cycles" -> cycles = (long) value(fields[0]);
          default -> { }
        }
      }
      if (Double.isNaN(taskClock) || instructions == Long.MIN_VALUE || cycles == Long.MIN_VALUE) {
        throw new IllegalArgumentException("perf stat output lacks one of " + EVENTS + ": " + lines);
      }
      return new Counts(taskClock, instructions, cycles);
    }

    private static double value(String field) {
      return field.startsWith("<") ? -1 : Double.parseDouble(field);
    }
  }

  private final Process perf;
  private final Path output;

  private PerfCounters(Process perf, Path output) {
    this.perf = perf;
    this.output = output;
  }

  /** Starts counting the events of process {@code pid}; null if {@code perf} cannot be started. */
  static PerfCounters start(long pid) throws IOException {
    Path output = Files.createTempFile("perf-stat-" + pid + "-", ".csv");
    try {
      Process perf = new ProcessBuilder("perf", "stat", "-x", ",", "-e", EVENTS, "-p", Long.toString(pid),
          "-o", output.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return new PerfCounters(perf, output);
    } catch (IOException e) {
      Files.delete(output);
      System.err.println("no hardware counters: perf could not be started (" + e.getMessage() + ")");
      return null;
    }
  }

  /**
   * Stops counting, as Ctrl-C would ({@code perf stat} prints its counts on SIGINT), and answers
   * the counts; null if {@code perf} counted nothing (not permitted, or no such counters here).
   */
  Counts stop() throws IOException, InterruptedException {
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).inheritIO().start();
      kill.waitFor(10, TimeUnit.SECONDS);
      if (!perf.waitFor(10, TimeUnit.SECONDS)) {
        perf.destroyForcibly();
        System.err.println("no hardware counters: perf stat did not stop on SIGINT");
        return null;
      }
      return Counts.parse(Files.readAllLines(output, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      System.err.println("no hardware counters: " + e.getMessage());
      return null;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
