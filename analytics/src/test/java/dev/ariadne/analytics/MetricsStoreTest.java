package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsStoreTest {
  private static final long MINUTE = 60_000;
  private static final long HOUR = MetricsStore.HOUR_MILLIS;
  private static final long T0 = 1_700_000_000_000L / HOUR * HOUR;
  private static final long RETENTION = 30 * 24 * HOUR;
  private static final long SEAL_DELAY = 10 * MINUTE;
  private static final SeriesKey KEY =
      new SeriesKey.Operation("cart", "GET /cart", SpanKind.SERVER, StatusCode.UNSET);
  private static final SeriesKey OTHER = new SeriesKey.Service("cart", SpanKind.SERVER, StatusCode.UNSET);

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong(T0 + 5 * MINUTE);

  private MetricsStore durable() throws IOException {
    return MetricsStore.open(dir, MINUTE, RETENTION, SEAL_DELAY, now::get);
  }

  private static Aggregate spans(int count, long durationNanos) {
    Aggregate a = new Aggregate();
    for (int i = 0; i < count; i++) {
      a.add(durationNanos, i % 2 == 0, new TraceId(0, i + 1), i + 1, 0);
    }
    return a;
  }

  @Test
  void partialFlushesOfOneBucketAreMergedOnRead() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000))));
      store.append(Map.of(KEY, Map.of(T0, spans(2, 1000), T0 + MINUTE, spans(4, 1000))));
      assertThat(store.buckets(KEY, T0, T0 + HOUR)).hasSize(2);
      assertThat(store.buckets(KEY, T0, T0 + HOUR).get(T0).count()).isEqualTo(5);
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(9);
      assertThat(store.buckets(KEY, T0 + MINUTE, T0 + 2 * MINUTE)).containsOnlyKeys(T0 + MINUTE);
      assertThat(store.total(OTHER, T0, T0 + HOUR)).isNull();
    }
  }

  @Test
  void whatWasAppendedSurvivesAReopenWithoutClose() throws IOException {
    MetricsStore first = durable();
    first.append(Map.of(KEY, Map.of(T0, spans(3, 1000))));
    // No close: the append alone is durable.
    try (MetricsStore second = durable()) {
      assertThat(second.total(KEY, T0, T0 + HOUR).count()).isEqualTo(3);
      second.append(Map.of(KEY, Map.of(T0, spans(1, 1000))));
    }
    try (MetricsStore third = durable()) {
      assertThat(third.total(KEY, T0, T0 + HOUR).count()).isEqualTo(4);
    }
    first.close();
  }

  @Test
  void anHourIsSealedAfterTheDelayAndLateSpansStillCount() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000), T0 + 59 * MINUTE, spans(2, 5000))));
      store.maintain();
      assertThat(files("*.hour")).isEmpty();
      now.set(T0 + HOUR + SEAL_DELAY);
      store.maintain();
      assertThat(files("*.hour")).hasSize(1);
      assertThat(files("*.log")).isEmpty();
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(5);
      assertThat(store.total(KEY, T0 - HOUR, T0 + 2 * HOUR).count()).isEqualTo(5);
      assertThat(store.buckets(KEY, T0, T0 + HOUR)).containsOnlyKeys(T0, T0 + 59 * MINUTE);

      store.append(Map.of(KEY, Map.of(T0 + 30 * MINUTE, spans(4, 1000))));
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(9);
      now.addAndGet(HOUR);
      store.maintain();
      assertThat(files("*.log")).isEmpty();
    }
    try (MetricsStore reopened = durable()) {
      assertThat(reopened.total(KEY, T0, T0 + HOUR).count()).isEqualTo(9);
      assertThat(reopened.buckets(KEY, T0, T0 + HOUR)).containsOnlyKeys(
          T0, T0 + 30 * MINUTE, T0 + 59 * MINUTE);
    }
  }

  @Test
  void aLogLeftBehindBySealingIsNotCountedTwice() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000))));
    }
    Path log = files("*.log").get(0);
    byte[] logBytes = Files.readAllBytes(log);
    try (MetricsStore store = durable()) {
      now.set(T0 + HOUR + SEAL_DELAY);
      store.maintain();
    }
    // A crash between the rename of the sealed file and the deletion of the log it covers.
    Files.write(log, logBytes);
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(3);
    }
    assertThat(files("*.log")).isEmpty();
  }

  @Test
  void aTornLogTailIsCutOffAndStartUpGoesOn() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000))));
      store.append(Map.of(KEY, Map.of(T0, spans(5, 1000))));
    }
    Path log = files("*.log").get(0);
    long size = Files.size(log);
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(size - 3);
    }
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(3);
      store.append(Map.of(KEY, Map.of(T0, spans(1, 1000))));
    }
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(4);
    }
  }

  /**
   * A real failed append, without mocks: a process whose file size limit ({@code ulimit -f}, 8
   * KiB) stops the hour's log mid-record, as a full disk would (the JVM ignores the limit's signal,
   * so the write fails with "File too large").
   */
  @Test
  void aFailedAppendLeavesNoTornRecordInTheLog() throws Exception {
    Process child = new ProcessBuilder("bash", "-c", "ulimit -f 8 && exec \"$@\"", "bash",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AppendUntilRefused.class.getName(),
        dir.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    List<String> lines = output.lines().toList();
    assertThat(lines).hasSize(3);
    int appended = Integer.parseInt(lines.get(0).replaceAll("\\D", ""));
    assertThat(appended).isPositive();
    assertThat(lines.get(1)).startsWith("refused: appending to metrics log " + dir)
        .endsWith("failed; nothing of the flush was kept (File too large)");
    assertThat(lines.get(2)).isEqualTo("appended to the next hour");

    Path log = files(T0 + "-1.log").get(0);
    long size = Files.size(log);
    assertThat(size).isLessThan(8192);
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(3L * appended);
      assertThat(store.total(KEY, T0 + HOUR, T0 + 2 * HOUR).count()).isEqualTo(3);
    }
    assertThat(Files.size(log)).as("start-up found nothing to cut off").isEqualTo(size);
  }

  /** Appends flushes of 3 spans to a store in the given directory until one is refused. */
  static final class AppendUntilRefused {
    public static void main(String[] args) throws IOException {
      try (MetricsStore store = MetricsStore.open(Path.of(args[0]), MINUTE, RETENTION, SEAL_DELAY,
          () -> T0 + 5 * MINUTE)) {
        int appended = 0;
        while (true) {
          try {
            store.append(Map.of(KEY, Map.of(T0, spans(3, 1000))));
            appended++;
          } catch (IOException e) {
            System.out.println("appended " + appended + " flushes");
            System.out.println("refused: " + e.getMessage() + " (" + e.getCause().getMessage()
                + ")");
            break;
          }
        }
        store.append(Map.of(KEY, Map.of(T0 + HOUR, spans(3, 1000))));
        System.out.println("appended to the next hour");
      }
    }
  }

  @Test
  void aCorruptLogRecordCutsTheLogThere() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000))));
      store.append(Map.of(KEY, Map.of(T0, spans(5, 1000))));
    }
    Path log = files("*.log").get(0);
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length - 5] ^= 0x40;
    Files.write(log, bytes);
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(3);
    }
  }

  @Test
  void aCorruptSealedFileIsMovedAsideAndTheRestServes() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000), T0 + 2 * HOUR, spans(2, 1000))));
      now.set(T0 + HOUR + SEAL_DELAY);
      store.maintain();
    }
    Path sealed = files("*.hour").get(0);
    byte[] bytes = Files.readAllBytes(sealed);
    bytes[bytes.length - 30] ^= 0x01;
    Files.write(sealed, bytes);
    try (MetricsStore store = durable()) {
      assertThat(store.corrupt()).isEqualTo(1);
      assertThat(files("*.corrupt")).hasSize(1);
      assertThat(store.total(KEY, T0, T0 + HOUR)).isNull();
      assertThat(store.total(KEY, T0 + 2 * HOUR, T0 + 3 * HOUR).count()).isEqualTo(2);
    }
  }

  /** Seals the hour at T0 with 3 spans of KEY and the hour after with 2, then flips a byte of KEY's record at T0. */
  private Path sealTwoHoursAndCorruptTheFirstRecord() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000), T0 + HOUR, spans(2, 1000))));
      now.set(T0 + 2 * HOUR + SEAL_DELAY);
      store.maintain();
    }
    Path sealed = dir.resolve(T0 + ".hour");
    byte[] bytes = Files.readAllBytes(sealed);
    bytes[12] ^= 0x01;
    Files.write(sealed, bytes);
    return sealed;
  }

  @Test
  void aCorruptRecordInASealedFileSetsTheFileAsideOnReadAndTheRestServes() throws IOException {
    Path sealed = sealTwoHoursAndCorruptTheFirstRecord();
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + 2 * HOUR).count()).isEqualTo(2);
      assertThat(store.corrupt()).isEqualTo(1);
      assertThat(files("*.corrupt")).containsExactly(sealed.resolveSibling(T0 + ".hour.corrupt"));
      assertThat(store.buckets(KEY, T0, T0 + 2 * HOUR)).containsOnlyKeys(T0 + HOUR);
      assertThat(store.total(KEY, T0, T0 + HOUR)).isNull();
    }
  }

  @Test
  void lateSpansForAnHourWhoseSealedFileIsCorruptAreSealedOnTheirOwn() throws IOException {
    sealTwoHoursAndCorruptTheFirstRecord();
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0 + 30 * MINUTE, spans(4, 1000))));
      now.addAndGet(HOUR);
      store.maintain();
      assertThat(store.corrupt()).isEqualTo(1);
      assertThat(store.total(KEY, T0, T0 + HOUR).count()).isEqualTo(4);
    }
    try (MetricsStore reopened = durable()) {
      assertThat(reopened.total(KEY, T0, T0 + HOUR).count()).isEqualTo(4);
      assertThat(files("*.log")).isEmpty();
    }
  }

  @Test
  void aSecondCorruptFileOfTheSameHourIsSetAsideBesideTheFirst() throws IOException {
    Path sealed = sealTwoHoursAndCorruptTheFirstRecord();
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR)).isNull();
      store.append(Map.of(KEY, Map.of(T0 + 30 * MINUTE, spans(4, 1000))));
      now.addAndGet(HOUR);
      store.maintain();
    }
    byte[] first = Files.readAllBytes(sealed.resolveSibling(T0 + ".hour.corrupt"));
    byte[] bytes = Files.readAllBytes(sealed);
    bytes[12] ^= 0x01;
    Files.write(sealed, bytes);
    try (MetricsStore store = durable()) {
      assertThat(store.total(KEY, T0, T0 + HOUR)).isNull();
      assertThat(store.corrupt()).isEqualTo(1);
    }
    assertThat(files("*.corrupt*")).containsExactly(
        sealed.resolveSibling(T0 + ".hour.corrupt"), sealed.resolveSibling(T0 + ".hour.corrupt-2"));
    assertThat(Files.readAllBytes(sealed.resolveSibling(T0 + ".hour.corrupt"))).isEqualTo(first);
    assertThat(Files.readAllBytes(sealed.resolveSibling(T0 + ".hour.corrupt-2"))).isEqualTo(bytes);
  }

  @Test
  void hoursPastTheRetentionAreDeletedWhole() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(3, 1000), T0 + 5 * HOUR, spans(1, 1000))));
      now.set(T0 + 2 * HOUR);
      store.maintain();
      now.set(T0 + HOUR + RETENTION);
      store.maintain();
      assertThat(store.total(KEY, T0, T0 + HOUR)).isNull();
      assertThat(store.total(KEY, T0 + 5 * HOUR, T0 + 6 * HOUR).count()).isEqualTo(1);
      assertThat(store.hourCount()).isEqualTo(1);
    }
  }

  @Test
  void theMemoryStoreDropsItsOldestHoursPastItsBudget() throws IOException {
    try (MetricsStore store =
        MetricsStore.inMemory(MINUTE, RETENTION, SEAL_DELAY, 2_000, now::get)) {
      for (int h = 0; h < 10; h++) {
        store.append(Map.of(KEY, Map.of(T0 + h * HOUR, spans(50, 1000 + h * 777L))));
      }
      now.set(T0 + 11 * HOUR);
      store.maintain();
      assertThat(store.evictedHours()).isPositive();
      assertThat(store.total(KEY, T0, T0 + HOUR)).isNull();
      assertThat(store.total(KEY, T0 + 9 * HOUR, T0 + 10 * HOUR).count()).isEqualTo(50);
    }
  }

  @Test
  void keysListTheSeriesOfTheHoursInTheWindow() throws IOException {
    try (MetricsStore store = durable()) {
      store.append(Map.of(KEY, Map.of(T0, spans(1, 1)), OTHER, Map.of(T0 + 3 * HOUR, spans(1, 1))));
      assertThat(store.keys(T0, T0 + HOUR)).containsExactly(KEY);
      assertThat(store.keys(T0, T0 + 4 * HOUR)).containsExactlyInAnyOrder(KEY, OTHER);
    }
  }

  private List<Path> files(String glob) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      java.nio.file.PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
      return files.filter(f -> matcher.matches(f.getFileName())).sorted().toList();
    }
  }
}
