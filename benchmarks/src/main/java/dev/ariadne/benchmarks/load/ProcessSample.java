package dev.ariadne.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Scanner;
import java.util.concurrent.TimeUnit;

/**
 * What Linux's {@code /proc} says about a process at one moment: the CPU time it has used (user
 * plus system, in clock ticks), the part of it its JIT compiler threads used, and its peak resident
 * set size ({@code VmHWM}).
 *
 * <p>The compiler threads are HotSpot's C1 and C2 threads, by name. A JVM stops compiler threads
 * it no longer needs (the first of each kind stays), and a thread that ended between two samples
 * takes its time out of their difference: the figure is then low, never high.
 */
record ProcessSample(long cpuTicks, long jitTicks, long peakRssKb) {
  /** HotSpot's compiler threads, as {@code /proc} shortens their names to 15 characters. */
  private static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");

  /** A process's resident set size ({@code VmRSS}) and its peak so far ({@code VmHWM}), in KiB. */
  record Memory(long rssKb, long peakRssKb) {}

  static ProcessSample read(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    return new ProcessSample(cpuTicks(Files.readString(proc.resolve("stat"))), jitTicks(proc),
        peakRssKb(Files.readString(proc.resolve("status"))));
  }

  /** The CPU ticks of the process's JIT compiler threads; a thread that ends meanwhile is left out. */
  private static long jitTicks(Path proc) throws IOException {
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(proc.resolve("task"))) {
      for (Path thread : threads) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (NoSuchFileException e) {
          continue;
        }
        if (isJitThread(stat)) {
          ticks += cpuTicks(stat);
        }
      }
    }
    return ticks;
  }

  /** Whether a thread's {@code /proc/PID/task/TID/stat} line is that of a JIT compiler thread. */
  static boolean isJitThread(String stat) {
    int nameStart = stat.indexOf('(') + 1;
    int nameEnd = stat.lastIndexOf(')');
    if (nameStart == 0 || nameEnd < nameStart) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    String name = stat.substring(nameStart, nameEnd);
    return JIT_THREADS.stream().anyMatch(name::startsWith);
  }

  static Memory memory(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    return new Memory(statusKb(status, "VmRSS"), statusKb(status, "VmHWM"));
  }

  /**
   * {@code utime + stime} from a {@code /proc/PID/stat} line: fields 14 and 15, counted after the
   * last {@code ')'}, since the command name before it may itself hold spaces and parentheses.
   */
  static long cpuTicks(String stat) {
    int nameEnd = stat.lastIndexOf(')');
    if (nameEnd < 0) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    try (Scanner fields = new Scanner(stat.substring(nameEnd + 1))) {
      for (int field = 3; field < 14; field++) {
        fields.next();
      }
      return fields.nextLong() + fields.nextLong();
    } catch (NoSuchElementException e) {
      throw new IllegalArgumentException("/proc/PID/stat has fewer than 15 fields: " + stat, e);
    }
  }

  /** {@code VmHWM} from {@code /proc/PID/status}, in KiB. */
  static long peakRssKb(String status) {
    return statusKb(status, "VmHWM");
  }

  /** A {@code kB} line of {@code /proc/PID/status}, such as {@code VmRSS}, in KiB. */
  static long statusKb(String status, String field) {
    String prefix = field + ":";
    for (String line : status.lines().toList()) {
      if (line.startsWith(prefix)) {
        try (Scanner value = new Scanner(line.substring(prefix.length()))) {
          return value.nextLong();
        } catch (NoSuchElementException e) {
          throw new IllegalArgumentException("/proc/PID/status: no number on the " + field + " line", e);
        }
      }
    }
    throw new IllegalArgumentException("no " + field + " line in /proc/PID/status");
  }

  /** The kernel's clock tick rate, from {@code getconf CLK_TCK} (usually 100). */
  static long clockTicksPerSecond() throws IOException, InterruptedException {
    Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
    String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    if (!getconf.waitFor(10, TimeUnit.SECONDS) || getconf.exitValue() != 0) {
      throw new IOException("getconf CLK_TCK failed: " + out);
    }
    return Long.parseLong(out);
  }
}
