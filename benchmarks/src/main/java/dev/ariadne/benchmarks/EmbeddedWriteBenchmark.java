package dev.ariadne.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.ariadne.benchmarks.load.OtlpBodies;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import dev.ariadne.storage.embedded.SyncPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a span costs the embedded engine from the collector's write to its merged block, without
 * HTTP: each operation decodes the load generator's OTLP/protobuf bodies (400,000 spans of whole
 * traces, 100 per body) into a fresh data directory as the collector does, and waits until the
 * head's four cuts of 100,000 spans (each awaited before the next 100,000 are written) are merged
 * into one block. So it counts the WAL record and the head, each cut (decoding the head, search
 * columns, pages, zstd) and the merge (pages copied, columns and summaries merged), on
 * the writer's and the engine's own threads alike, which is why each iteration prints the JVM's CPU
 * time per span (all threads), with the cut thread's and the maintenance (compaction) thread's
 * apart, and why it is best read with {@code -prof perfnorm} (instructions
 * per span, whole JVM) where the machine counts instructions. The WAL is synced on an interval,
 * not per write, so that the time is the CPU's and not the disk's; decoding alone is {@code
 * MemoryWriteBenchmark.decode}. Figures are per span; each iteration also prints the merged
 * block's bytes per span, so that a change that trades size for time shows both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EmbeddedWriteBenchmark.SPANS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class EmbeddedWriteBenchmark {
  private static final int SPANS_PER_BODY = 100;
  private static final int HEAD_MAX_SPANS = 100_000;
  private static final int CUTS = 4;
  static final int SPANS = HEAD_MAX_SPANS * CUTS;

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private byte[][] bodies;
  private long blockBytes;
  private long cpuNanosAtStart;
  /** The CPU time of the engines' cut threads, and their maintenance threads, this iteration. */
  private long cutNanos;
  private long maintenanceNanos;

  @Setup(Level.Trial)
  public void setUp() {
    bodies = OtlpBodies.encode(SPANS / SPANS_PER_BODY, SPANS_PER_BODY, 42);
  }

  /** Writes every body into a fresh engine, then waits for its one merged block. */
  @Benchmark
  public long writeCutAndMerge() throws IOException, MalformedException, InterruptedException {
    Path directory = Files.createTempDirectory("embedded-write");
    // The storage is closed before the directory is deleted: resources close before finally.
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory)
        .syncPolicy(SyncPolicy.INTERVAL)
        .headMaxSpans(HEAD_MAX_SPANS)
        .compactionFanIn(CUTS)
        // The workload's times are in 2023: the default retention would delete the blocks.
        .retention(Duration.ofDays(100 * 365))
        .open()) {
      int bodiesPerCut = HEAD_MAX_SPANS / SPANS_PER_BODY;
      for (int cut = 0; cut < CUTS; cut++) {
        for (int body = cut * bodiesPerCut; body < (cut + 1) * bodiesPerCut; body++) {
          storage.write(OtlpProtobufDecoder.decode(bodies[body]).spans());
        }
        // A cut runs beside the writes and takes the head as it finds it: waiting for each
        // makes every cut one of exactly HEAD_MAX_SPANS, which compaction merges as a tier.
        await(storage, cut + 1, 0);
      }
      await(storage, 1, 1);
      blockBytes = storage.blockBytes();
      cutNanos += threadCpuNanos("ariadne-storage-cut");
      maintenanceNanos += threadCpuNanos("ariadne-storage-maintenance");
      return blockBytes;
    } finally {
      Directories.delete(directory);
    }
  }

  @Setup(Level.Iteration)
  public void readCpuTime() {
    cpuNanosAtStart = OS.getProcessCpuTime();
    cutNanos = 0;
    maintenanceNanos = 0;
  }

  /**
   * Prints the merged block's size and the CPU time every thread of the JVM took (the writer's,
   * the engine's, the collector's and the compilers'), per span: the writer waits on each cut, so
   * wall time undercounts the work done beside it, and {@code -prof perfnorm} needs hardware
   * counters that not every machine has.
   */
  @TearDown(Level.Iteration)
  public void printBlockBytesAndCpu() {
    double cpuMicros = (OS.getProcessCpuTime() - cpuNanosAtStart) / 1000.0 / SPANS;
    System.out.printf("merged block: %.2f bytes per span; process CPU: %.2f us per span"
            + " (cut thread %.2f, maintenance thread %.2f)%n", (double) blockBytes / SPANS,
        cpuMicros, cutNanos / 1000.0 / SPANS, maintenanceNanos / 1000.0 / SPANS);
  }

  /**
   * The CPU time of the engine's live thread named {@code name}: read before the engine closes,
   * since a thread that has ended has no CPU time to read.
   */
  private static long threadCpuNanos(String name) {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(name)) {
        return THREADS.getThreadCpuTime(thread.getId());
      }
    }
    throw new IllegalStateException("no thread " + name);
  }

  /** Waits until the head is empty and the engine holds {@code blocks} after {@code compactions}. */
  private static void await(EmbeddedStorage storage, int blocks, int compactions)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (storage.headSpanCount() > 0 || storage.blockCount() != blocks
        || storage.compactions() != compactions) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("expected " + blocks + " blocks after " + compactions
            + " compactions within 5 minutes, found " + storage.headSpanCount()
            + " spans in the head, " + storage.blockCount() + " blocks and "
            + storage.compactions() + " compactions");
      }
      Thread.sleep(5);
    }
  }
}
