package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.TestSpans.randomTraceId;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchIOException;
import static org.assertj.core.api.Assertions.tuple;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.CancelledException;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.DroppedSpans;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TestSpans;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EmbeddedStorageTest {
  private static final Duration FOREVER = Duration.ofDays(365_000);

  @TempDir Path directory;

  private EmbeddedStorage open() throws IOException {
    return EmbeddedStorage.builder(directory).retention(FOREVER).open();
  }

  @Test
  void spansInTheHeadSurviveARestartThroughTheWal() throws IOException {
    TraceId traceId = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      storage.write(checkout(traceId, TODAY));
      assertThat(storage.blockCount()).isZero();
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(checkout(traceId, TODAY));
      assertThat(storage.headSpanCount() + storage.blockSpanCount()).isEqualTo(5);
      assertThat(storage.services()).containsExactly(CART, FRONTEND, "payment");
    }
  }

  /** As stored: the WAL replays each write once, so a span written twice comes back twice. */
  @Test
  void aSpanWrittenTwiceComesBackTwiceFromTheWalAndItsBlock() throws IOException {
    Span root = checkout(TRACE_ID, TODAY).get(0);
    try (EmbeddedStorage storage = open()) {
      storage.write(List.of(root));
      storage.write(List.of(root));
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.trace(TRACE_ID)).containsExactly(root, root);
      storage.cut();
      assertThat(storage.blockSpanCount()).isEqualTo(2);
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.trace(TRACE_ID)).containsExactly(root, root);
    }
  }

  @Test
  void aWalRecordOfTheEarlierOneCallFormIsReadBackIntoTheHead() throws IOException {
    TraceId first = randomTraceId();
    TraceId second = randomTraceId();
    List<Span> spans = new ArrayList<>(checkout(first, TODAY));
    spans.addAll(checkout(second, TODAY + MILLIS));
    ByteSink record = new ByteSink(64);
    record.writeByte(1);
    SpanCodec.encode(spans, record);
    try (Wal wal = Wal.open(directory.resolve("wal"), SyncPolicy.ALWAYS, null,
        (segment, bytes, offset, length) -> {})) {
      wal.append(record.array(), 0, record.size());
    }

    try (EmbeddedStorage storage = open()) {
      assertThat(storage.headSpanCount() + storage.blockSpanCount()).isEqualTo(10);
      assertThat(storage.trace(first)).isEqualTo(checkout(first, TODAY));
      assertThat(storage.search(TraceQuery.builder().serviceName("payment").build()))
          .extracting(TraceSummary::traceId).containsExactlyInAnyOrder(first, second);
    }
  }

  @Test
  void aWalRecordOfAnUnknownTypeStopsTheOpenWithAnErrorNamingIt() throws IOException {
    try (Wal wal = Wal.open(directory.resolve("wal"), SyncPolicy.ALWAYS, null,
        (segment, bytes, offset, length) -> {})) {
      wal.append(new byte[] {9, 0}, 0, 2);
    }

    assertThatThrownBy(this::open).hasMessageContaining("unknown record type 9");
  }

  @Test
  void aBlockWithMoreServicesThanAreListedIsWarnedOfOnce() throws IOException {
    try (EmbeddedStorage storage = open();
        CapturedLogs logs = new CapturedLogs(EmbeddedStorage.class)) {
      storage.write(spansOfServices(Storage.MAX_SERVICES - 1, 0));
      storage.cut();
      assertThat(logs.messages(Level.WARNING)).isEmpty();

      for (int round = 1; round <= 2; round++) {
        storage.write(spansOfServices(Storage.MAX_SERVICES + 1, round));
        storage.cut();
      }

      assertThat(logs.messages(Level.WARNING)).singleElement().asString()
          .contains("has spans of " + Storage.MAX_SERVICES + " services or more")
          .contains(String.format("the last pod-%05d", Storage.MAX_SERVICES - 1))
          .contains("Is service.name made from a pod, host or request ID?");
    }
  }

  /** One span of each of {@code count} services, in a trace of its own. */
  private static List<Span> spansOfServices(int count, int round) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(span(new TraceId(round, i + 1), 1, 0, String.format("pod-%05d", i), "GET /",
          SpanKind.SERVER, TODAY, MILLIS).build());
    }
    return spans;
  }

  @Test
  void aCutMovesTheHeadIntoABlockAndDropsTheWalItCovered() throws IOException {
    TraceId traceId = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      storage.write(checkout(traceId, TODAY));
      long walBefore = storage.walBytes();
      storage.cut();
      assertThat(storage.blockCount()).isEqualTo(1);
      assertThat(storage.headSpanCount()).isZero();
      assertThat(storage.blockSpanCount()).isEqualTo(5);
      assertThat(storage.walBytes()).isLessThan(walBefore);
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(checkout(traceId, TODAY));
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.headSpanCount()).isZero();
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(checkout(traceId, TODAY));
    }
  }

  @Test
  void aCutWhoseBlockCannotBeWrittenStaysReadableAndIsWrittenAtTheNextCut() throws IOException {
    TraceId first = randomTraceId();
    TraceId second = randomTraceId();
    Path blocks = directory.resolve("blocks");
    Path aside = directory.resolve("blocks-aside");
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maintenanceInterval(Duration.ofMinutes(1)).open()) {
      storage.write(checkout(first, TODAY));
      // A real failure, as a full disk would give: the block's file cannot be created.
      Files.move(blocks, aside);
      Files.createFile(blocks);

      assertThatThrownBy(storage::cut)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("writing block " + blocks.resolve(BlockFormat.fileName(1)))
          .hasMessageEndingWith("failed; nothing of it was kept");
      assertThat(storage.blockCount()).isZero();
      assertThat(storage.trace(first)).containsExactlyInAnyOrderElementsOf(checkout(first, TODAY));
      storage.write(checkout(second, TODAY + MILLIS));

      Files.delete(blocks);
      Files.move(aside, blocks);
      storage.cut();

      assertThat(storage.blockCount()).isEqualTo(2);
      assertThat(storage.headSpanCount()).isZero();
      assertThat(storage.blockSpanCount()).isEqualTo(10);
      assertThat(storage.walBytes()).isEqualTo(Wal.HEADER_BYTES);
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.headSpanCount()).isZero();
      assertThat(storage.trace(first)).containsExactlyInAnyOrderElementsOf(checkout(first, TODAY));
      assertThat(storage.trace(second))
          .containsExactlyInAnyOrderElementsOf(checkout(second, TODAY + MILLIS));
    }
  }

  @Test
  void aFailedWalFsyncStopsTheStorageUntilARestartReplaysTheWal() throws IOException {
    TraceId written = randomTraceId();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .syncPolicy(SyncPolicy.INTERVAL).syncInterval(Duration.ofHours(1)).open()) {
      assertThat(storage.stopped()).isEmpty();
      WalFaults.failAnFsyncAfter(storage, checkout(written, TODAY));

      assertThat(storage.stopped()).get(as(InstanceOfAssertFactories.STRING))
          .startsWith("fsync of WAL segment")
          .endsWith("refuses appends from now on: restart to replay it");
      assertThatThrownBy(() -> storage.write(checkout(randomTraceId(), TODAY)))
          .hasMessageContaining("refuses appends from now on");
      assertThat(storage.trace(written))
          .containsExactlyInAnyOrderElementsOf(checkout(written, TODAY));
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.stopped()).isEmpty();
      assertThat(storage.trace(written))
          .containsExactlyInAnyOrderElementsOf(checkout(written, TODAY));
      storage.write(checkout(randomTraceId(), TODAY));
    }
  }

  @Test
  void theHeadIsCutInTheBackgroundOnceFull() throws Exception {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(10).maintenanceInterval(Duration.ofMillis(20)).open()) {
      for (int i = 0; i < 4; i++) {
        storage.write(checkout(randomTraceId(), TODAY + i * MILLIS));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (storage.blockCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(storage.blockCount()).isPositive();
      assertThat(storage.headSpanCount() + storage.blockSpanCount()).isEqualTo(20);
    }
  }

  @Test
  void aWriteThatFillsTheHeadWakesTheCutterWhileMaintenanceKeepsToItsInterval() throws Exception {
    EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(5).compactionTargetSpans(1_000).compactionFanIn(2)
        .maintenanceInterval(Duration.ofHours(1)).open();
    try (storage) {
      for (int i = 0; i < 4; i++) {
        storage.write(checkout(randomTraceId(), TODAY + i * 1000 * MILLIS));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (storage.cuts() == i && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(storage.cuts()).isEqualTo(i + 1);
      }
    }
    // Closing waits for a round of maintenance under way: none ran, so no merge.
    assertThat(storage.compactions()).isZero();
    assertThat(blockFiles()).hasSize(4);
  }

  @Test
  void writesWaitForCutsInsteadOfGrowingTheHeadsWithoutBound() throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(5).maintenanceInterval(Duration.ofMinutes(1)).open()) {
      for (int i = 0; i < 40; i++) {
        storage.write(checkout(randomTraceId(), TODAY + i * MILLIS));
        assertThat(storage.headSpanCount())
            .isLessThanOrEqualTo(EmbeddedStorage.HEAD_BACKLOG * 5L + 5);
      }
      assertThat(storage.headSpanCount() + storage.blockSpanCount()).isEqualTo(200);
    }
  }

  @Test
  void aCancelledSearchReadsNoBlockPastItsCancellation() throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maintenanceInterval(Duration.ofMinutes(1)).open()) {
      for (int i = 0; i < 30; i++) {
        storage.write(checkout(randomTraceId(), TODAY + i * MILLIS));
        storage.cut();
      }
      assertThat(storage.blockCount()).isEqualTo(30);
      // Every block holds a match, and a limit past them all reads every block.
      TraceQuery.Builder everyBlock = TraceQuery.builder().limit(1000);

      // Cancelled as its request times out after 5 blocks.
      long before = storage.searchedBlocks();
      assertThatThrownBy(() -> storage.search(everyBlock
          .cancellation(() -> storage.searchedBlocks() - before >= 5).build()))
          .isInstanceOf(CancelledException.class);
      assertThat(storage.searchedBlocks() - before).isEqualTo(5);

      long uncancelled = storage.searchedBlocks();
      assertThat(storage.search(everyBlock.cancellation(Cancellation.NEVER).build())).hasSize(30);
      assertThat(storage.searchedBlocks() - uncancelled).isEqualTo(30);
    }
  }

  /** A span of {@code payloadChars} characters in one attribute, like a logged request body. */
  private static List<Span> large(int payloadChars, long start) {
    return List.of(span(randomTraceId(), 1, 0, FRONTEND, "POST /upload", SpanKind.SERVER, start,
        MILLIS).attributes(List.of(Attribute.of("http.request.body", "x".repeat(payloadChars))))
        .build());
  }

  @Test
  void theHeadIsCutOnceItsSpansTakeHeadMaxBytesShortOfHeadMaxSpans() throws Exception {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxBytes(1 << 20).maintenanceInterval(Duration.ofMillis(20)).open()) {
      for (int i = 0; i < 4; i++) {
        storage.write(large(300_000, TODAY + i * MILLIS));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (storage.blockCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(storage.blockCount()).isPositive();
      assertThat(storage.headBytes()).isLessThan(1 << 20);
      assertThat(storage.headSpanCount() + storage.blockSpanCount()).isEqualTo(4);
    }
  }

  @Test
  void writesWaitForCutsInsteadOfGrowingTheHeadsBytesWithoutBound() throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxBytes(1 << 20).maintenanceInterval(Duration.ofMinutes(1)).open()) {
      for (int i = 0; i < 40; i++) {
        storage.write(large(300_000, TODAY + i * MILLIS));
        assertThat(storage.headBytes())
            .isLessThanOrEqualTo(EmbeddedStorage.HEAD_BACKLOG * (1L << 20) + 400_000);
      }
      assertThat(storage.headSpanCount() + storage.blockSpanCount()).isEqualTo(40);
    }
  }

  @Test
  void lateSpansOfOneTraceInDifferentBlocksComeBackTogetherAndCompactionJoinsThem()
      throws IOException {
    TraceId traceId = randomTraceId();
    List<Span> spans = checkout(traceId, TODAY);
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .compactionFanIn(4)
        // No background merge before the test has looked at the four blocks.
        .maintenanceInterval(Duration.ofHours(1)).open()) {
      storage.write(spans.subList(0, 2));
      storage.cut();
      storage.write(List.of(checkout(randomTraceId(), TODAY + 60_000 * MILLIS).get(0)));
      storage.cut();
      storage.write(spans.subList(2, 5));
      storage.cut();
      storage.write(List.of(checkout(randomTraceId(), TODAY + 120_000 * MILLIS).get(0)));
      storage.cut();
      assertThat(storage.blockCount()).isEqualTo(4);
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(spans);
      List<TraceSummary> found = storage.search(
          TraceQuery.builder().serviceName("payment").build());
      assertThat(found).singleElement().satisfies(summary -> {
        assertThat(summary.spanCount()).isEqualTo(5);
        assertThat(summary.rootServiceName()).contains(FRONTEND);
        assertThat(summary.durationNanos()).isEqualTo(100 * MILLIS);
      });

      storage.compact();
      assertThat(storage.compactions()).isEqualTo(1);
      assertThat(storage.blockCount()).isEqualTo(1);
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(spans);
      assertThat(storage.search(TraceQuery.builder().serviceName("payment").build()))
          .isEqualTo(found);
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.blockCount()).isEqualTo(1);
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(spans);
    }
  }

  @Test
  void listingsFollowTheBlocksThroughCutsAndCompactions() throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .compactionTargetSpans(1_000).compactionFanIn(2).open()) {
      List<String> services = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String service = "service-" + i;
        services.add(service);
        storage.write(List.of(span(randomTraceId(), 1, 0, service, "GET /" + i, SpanKind.SERVER,
            TODAY + i * MILLIS, MILLIS).build()));
        storage.cut();
        assertThat(storage.services()).containsExactlyElementsOf(services);
        assertThat(storage.operations(service)).extracting(Operation::spanName)
            .containsExactly("GET /" + i);
      }
      long before;
      do {
        before = storage.compactions();
        storage.compact();
        assertThat(storage.services()).containsExactlyElementsOf(services);
      } while (storage.compactions() > before);

      assertThat(storage.compactions()).isEqualTo(3);
      assertThat(storage.blockCount()).isEqualTo(1);
      for (int i = 0; i < 4; i++) {
        assertThat(storage.operations("service-" + i)).extracting(Operation::spanName)
            .containsExactly("GET /" + i);
      }
      assertThat(storage.attributeValues(Optional.empty(), "service.name", 10))
          .containsExactlyElementsOf(services);
    }
  }

  @Test
  void compactionMergesFourBlocksOfATierIntoOneOfTheNextWithAFanInOfFour() throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(5).compactionTargetSpans(1_000).compactionFanIn(4).open()) {
      List<TraceId> traces = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        TraceId traceId = randomTraceId();
        traces.add(traceId);
        storage.write(checkout(traceId, TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      long before;
      do {
        before = storage.compactions();
        storage.compact();
      } while (storage.compactions() > before);
      // 16 blocks of 5 spans → 4 of 20 → 1 of 80: five merges, each block copied twice.
      assertThat(storage.compactions()).isEqualTo(5);
      assertThat(storage.blockCount()).isEqualTo(1);
      for (TraceId traceId : traces) {
        assertThat(storage.trace(traceId)).hasSize(5);
      }
    }
  }

  @Test
  void aFailedCompactionIsRetriedAsTheSameBlockSoThatItsFailureReadsTheSameEachTime()
      throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(5).compactionTargetSpans(1_000).compactionFanIn(2)
        .maintenanceInterval(Duration.ofMinutes(1)).open()) {
      List<TraceId> traces = List.of(randomTraceId(), randomTraceId());
      for (int i = 0; i < traces.size(); i++) {
        storage.write(checkout(traces.get(i), TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      // A real failure, as a full disk would give: the merged block's file cannot be created.
      Path blocks = directory.resolve("blocks");
      Path temporary = blocks.resolve(BlockFormat.temporaryFileName(3));
      Files.createDirectories(temporary.resolve("in the way"));

      List<String> failures = new ArrayList<>();
      for (int attempt = 0; attempt < 3; attempt++) {
        IOException failure = catchIOException(storage::compact);
        failures.add(failure == null ? "compacted" : failure.getMessage());
      }

      assertThat(failures).containsOnly("writing block " + blocks.resolve(BlockFormat.fileName(3))
          + " failed; nothing of it was kept");
      clearAway(temporary);
      storage.compact();
      assertThat(storage.compactions()).isEqualTo(1);
      assertThat(storage.blockCount()).isEqualTo(1);
      assertThat(blocks.resolve(BlockFormat.fileName(3))).exists();
      for (TraceId traceId : traces) {
        assertThat(storage.trace(traceId)).hasSize(5);
      }
    }
  }

  @Test
  void cutsAndCompactionsAreCountedWithTheirTimeAndFailedBackgroundRoundsToo() throws Exception {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(1_000).compactionTargetSpans(1_000).compactionFanIn(2)
        .maintenanceInterval(Duration.ofMillis(10)).open()) {
      // Compaction in the background fails: the merged block's file cannot be created.
      Path temporary = directory.resolve("blocks").resolve(BlockFormat.temporaryFileName(3));
      Files.createDirectories(temporary.resolve("in the way"));
      for (int i = 0; i < 2; i++) {
        storage.write(checkout(randomTraceId(), TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      assertThat(storage.cuts()).isEqualTo(2);
      assertThat(storage.cutSeconds()).isPositive();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (storage.backgroundFailures() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(storage.backgroundFailures()).isGreaterThanOrEqualTo(2);
      assertThat(storage.compactions()).isZero();
      assertThat(storage.compactionSeconds()).isZero();

      clearAway(temporary);
      while (storage.compactions() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(storage.compactions()).isEqualTo(1);
      assertThat(storage.compactionSeconds()).isPositive();
      assertThat(storage.cuts()).isEqualTo(2);
    }
  }

  /**
   * Takes the directory a test put in a block's way out of the blocks directory in one step: a
   * merge that fails on it meanwhile deletes its temporary file, as it would a half-written one,
   * and so deletes the directory too once it is empty.
   */
  private void clearAway(Path inTheWay) throws IOException {
    Path away = Files.move(inTheWay, directory.resolve("out of the way"));
    Files.delete(away.resolve("in the way"));
    Files.delete(away);
  }

  @Test
  void byDefaultCompactionWaitsForSixteenBlocksOfATierAndMergesThemAtOnce() throws IOException {
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(5).compactionTargetSpans(1_000).open()) {
      List<TraceId> traces = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        if (i == 15) {
          storage.compact();
          assertThat(storage.compactions()).isZero();
          assertThat(storage.blockCount()).isEqualTo(15);
        }
        TraceId traceId = randomTraceId();
        traces.add(traceId);
        storage.write(checkout(traceId, TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      storage.compact();
      storage.compact();
      assertThat(storage.compactions()).isEqualTo(1);
      assertThat(storage.blockCount()).isEqualTo(1);
      for (TraceId traceId : traces) {
        assertThat(storage.trace(traceId)).hasSize(5);
      }
    }
  }

  @Test
  void aSearchStopsReadingBlocksOnceTheNewestTracesAreFound() throws IOException {
    try (EmbeddedStorage storage = open()) {
      List<TraceId> newest = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        for (int t = 0; t < 5; t++) {
          TraceId traceId = randomTraceId();
          storage.write(checkout(traceId, TODAY + (b * 100 + t) * 1000 * MILLIS));
          if (b == 2) {
            newest.add(0, traceId);
          }
        }
        storage.cut();
      }
      // The oldest block's columns are damaged: reading them would leave the block out.
      Path oldest = blockFiles().get(0);
      try (RandomAccessFile file = new RandomAccessFile(oldest.toFile(), "rw")) {
        for (long at = 16; at < file.length() / 2; at++) {
          file.seek(at);
          file.write(0x5A);
        }
      }

      assertThat(storage.search(TraceQuery.builder().serviceName(CART).limit(3).build()))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(newest.subList(0, 3));
      assertThat(storage.corruptBlocks()).isZero();

      assertThat(storage.search(TraceQuery.builder().serviceName(CART).limit(100).build()))
          .hasSize(10);
      assertThat(storage.corruptBlocks()).isEqualTo(1);
    }
  }

  @Test
  void aTraceWithPartsInTheHeadAndInABlockIsSummarisedWhole() throws IOException {
    TraceId traceId = randomTraceId();
    List<Span> spans = checkout(traceId, TODAY);
    try (EmbeddedStorage storage = open()) {
      storage.write(spans.subList(0, 3));
      storage.cut();
      storage.write(spans.subList(3, 5));
      assertThat(storage.search(TraceQuery.builder().serviceName(CART).spanName("POST /pay").build()))
          .singleElement()
          .satisfies(summary -> {
            assertThat(summary.spanCount()).isEqualTo(5);
            assertThat(summary.errorCount()).isEqualTo(1);
            assertThat(summary.rootSpanName()).contains("GET /checkout");
          });
    }
  }

  @Test
  void aSearchRanksATraceByItsWholeStartThoughItsPartInTheHeadIsTheNewest() throws IOException {
    TraceId late = randomTraceId();
    TraceId recent = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      storage.write(List.of(TestSpans.span(late, 1, 0, FRONTEND, "GET /checkout", SpanKind.SERVER,
          TODAY, 100 * MILLIS).build()));
      storage.cut();
      storage.write(List.of(TestSpans.span(late, 2, 1, CART, "GET /cart", SpanKind.SERVER,
          TODAY + 50 * MILLIS, 10 * MILLIS).build()));
      storage.write(checkout(recent, TODAY + 5 * MILLIS));

      assertThat(storage.search(TraceQuery.builder().serviceName(CART).limit(1).build()))
          .extracting(TraceSummary::traceId).containsExactly(recent);
      assertThat(storage.search(TraceQuery.builder().serviceName(CART).limit(2).build()))
          .extracting(TraceSummary::traceId, TraceSummary::spanCount)
          .containsExactly(tuple(recent, 5), tuple(late, 2));
    }
  }

  @Test
  void retentionDeletesWholeBlocksStoredLongerAgoThanTheAge() throws IOException {
    Instant stored = Instant.ofEpochSecond(0, TODAY).plus(Duration.ofMinutes(5));
    AtomicReference<Instant> now = new AtomicReference<>(stored);
    TraceId old = randomTraceId();
    TraceId recent = randomTraceId();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory)
        .retention(Duration.ofDays(7))
        .clock(clock(now))
        .open()) {
      storage.write(checkout(old, TODAY));
      storage.write(List.of(span(old, 9, 1, "legacy", "GET /old", SpanKind.SERVER, TODAY,
          MILLIS).build()));
      storage.cut();
      now.set(stored.plus(Duration.ofDays(6)));
      storage.write(checkout(recent, TODAY));
      storage.cut();

      storage.expire();
      assertThat(storage.expiredBlocks()).isZero();
      assertThat(storage.services()).containsExactly(CART, FRONTEND, "legacy", "payment");

      now.set(stored.plus(Duration.ofDays(7)).plusMillis(1));
      storage.expire();
      assertThat(storage.expiredBlocks()).isEqualTo(1);
      assertThat(storage.trace(old)).isEmpty();
      assertThat(storage.trace(recent)).hasSize(5);
      assertThat(blockFiles()).hasSize(1);
      assertThat(storage.services()).containsExactly(CART, FRONTEND, "payment");
      assertThat(storage.operations("legacy")).isEmpty();
    }
  }

  @Test
  void spansWhoseTimesArePastTheRetentionAreKeptForTheRetentionAfterTheyAreStored()
      throws IOException {
    Instant stored = Instant.ofEpochSecond(0, TODAY).plus(Duration.ofDays(365));
    AtomicReference<Instant> now = new AtomicReference<>(stored);
    TraceId backfilled = randomTraceId();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory)
        .retention(Duration.ofDays(7))
        .clock(clock(now))
        .open()) {
      storage.write(checkout(backfilled, TODAY));
      storage.cut();
      now.set(stored.plus(Duration.ofDays(6)));
      storage.expire();

      assertThat(storage.trace(backfilled)).hasSize(5);
    }
  }

  @Test
  void spansReplayedFromTheWalKeepTheTimeTheyWereStoredAtAndNotTheRestart() throws IOException {
    TraceId late = randomTraceId();
    Instant written = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (EmbeddedStorage storage = open()) {
      storage.write(checkout(late, TODAY));
    }
    Files.setLastModifiedTime(walSegments().get(0), FileTime.from(written));
    AtomicReference<Instant> now = new AtomicReference<>(written.plus(Duration.ofDays(6)));
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory)
        .retention(Duration.ofDays(7)).clock(clock(now)).open()) {
      storage.cut();
      storage.expire();
      assertThat(storage.trace(late)).as("replayed, within retention").hasSize(5);

      now.set(written.plus(Duration.ofDays(7)).plusSeconds(1));
      storage.expire();
      assertThat(storage.trace(late)).as("past retention since it was written").isEmpty();
    }
  }

  @Test
  void aReplayWritesTheBlockOfEachSegmentBeforeItReadsTheNextSoThatItHoldsOneInMemory()
      throws IOException {
    TraceId first = randomTraceId();
    TraceId second = randomTraceId();
    // Background cuts wait a minute: each open replays what the last left, which stays unwritten.
    EmbeddedStorage.Builder builder = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maintenanceInterval(Duration.ofMinutes(1));
    try (EmbeddedStorage storage = builder.open()) {
      storage.write(checkout(first, TODAY));
    }
    try (EmbeddedStorage storage = builder.open()) {
      storage.write(checkout(second, TODAY));
    }
    assertThat(walSegments()).hasSize(2);

    try (EmbeddedStorage storage = builder.open()) {
      assertThat(storage.blockCount()).as("the first segment's block, written by the replay")
          .isEqualTo(1);
      assertThat(storage.blockSpanCount()).isEqualTo(5);
      assertThat(storage.headSpanCount()).as("the last segment's, left to the cutter").isEqualTo(5);
      assertThat(storage.trace(first)).hasSize(5);
      assertThat(storage.trace(second)).hasSize(5);
    }
    try (EmbeddedStorage storage = builder.open()) {
      assertThat(storage.blockSpanCount() + storage.headSpanCount()).isEqualTo(10);
    }
  }

  private List<Path> walSegments() throws IOException {
    try (Stream<Path> files = Files.list(directory.resolve("wal"))) {
      return files.filter(f -> f.toString().endsWith(".wal")).sorted().toList();
    }
  }

  /** A clock that reads {@code now}, which the test moves. */
  private static Clock clock(AtomicReference<Instant> now) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  @Test
  void theDiskCapDeletesTheOldestBlocksFirst() throws IOException {
    List<TraceId> traces = new ArrayList<>();
    try (EmbeddedStorage storage = open()) {
      for (int i = 0; i < 3; i++) {
        TraceId traceId = randomTraceId();
        traces.add(traceId);
        storage.write(checkout(traceId, TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      long oneBlock = storage.blockBytes() / 3;
      storage.close();
      try (EmbeddedStorage capped = EmbeddedStorage.builder(directory).retention(FOREVER)
          .maxDiskBytes(oneBlock * 2 + oneBlock / 2).open()) {
        capped.expire();
        assertThat(capped.blockCount()).isEqualTo(2);
        assertThat(capped.trace(traces.get(0))).isEmpty();
        assertThat(capped.trace(traces.get(1))).hasSize(5);
        assertThat(capped.trace(traces.get(2))).hasSize(5);
      }
    }
  }

  @Test
  void theDiskCapCountsTheWalBesideTheBlocks() throws IOException {
    List<TraceId> traces = new ArrayList<>();
    long blocks;
    try (EmbeddedStorage storage = open()) {
      for (int i = 0; i < 2; i++) {
        TraceId traceId = randomTraceId();
        traces.add(traceId);
        storage.write(checkout(traceId, TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      blocks = storage.blockBytes();
    }
    TraceId inHead = randomTraceId();
    try (EmbeddedStorage capped = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maxDiskBytes(blocks + blocks / 4).open()) {
      int spans = 0;
      while (capped.walBytes() <= blocks / 4) {
        capped.write(List.of(span(inHead, ++spans, 0, CART, "GET /cart", SpanKind.SERVER, TODAY,
            MILLIS).build()));
      }
      capped.expire();

      assertThat(capped.blockCount()).isEqualTo(1);
      assertThat(capped.trace(traces.get(0))).isEmpty();
      assertThat(capped.trace(traces.get(1))).hasSize(5);
      assertThat(capped.trace(inHead)).hasSize(spans);
    }
  }

  @Test
  void aCorruptBlockIsMovedAsideAtStartAndTheRestKeepsServing() throws IOException {
    TraceId damaged = randomTraceId();
    TraceId intact = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      storage.write(checkout(damaged, TODAY));
      storage.cut();
      storage.write(checkout(intact, TODAY + 1000 * MILLIS));
      storage.cut();
    }
    Path first = blockFiles().get(0);
    try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
      file.seek(file.length() - 9);
      int b = file.read();
      file.seek(file.length() - 9);
      file.write(b ^ 0xFF);
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.corruptBlocks()).isEqualTo(1);
      assertThat(storage.blockCount()).isEqualTo(1);
      assertThat(storage.trace(intact)).hasSize(5);
      assertThat(storage.trace(damaged)).isEmpty();
    }
    assertThat(first.resolveSibling(first.getFileName() + ".corrupt")).exists();
  }

  @Test
  void aPageFoundCorruptWhileReadingIsSetAsideAndReadsGoOn() throws IOException {
    TraceId damaged = randomTraceId();
    TraceId intact = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      storage.write(checkout(damaged, TODAY));
      storage.cut();
      storage.write(checkout(intact, TODAY + 1000 * MILLIS));
      storage.cut();
      flipPayloadBytes(blockFiles().get(0));
      assertThat(storage.trace(damaged)).isEmpty();
      assertThat(storage.corruptPages()).isEqualTo(1);
      assertThat(storage.corruptBlocks()).isZero();
      assertThat(storage.blockCount()).isEqualTo(2);
      assertThat(storage.trace(intact)).hasSize(5);
      // Found from the search columns and summaries, which are sound, until a merge drops it.
      assertThat(storage.search(TraceQuery.builder().build())).hasSize(2);
    }
  }

  @Test
  void aBlockFoundCorruptByCompactionIsKeptAsideAndWhatIsReadableMerged() throws IOException {
    List<TraceId> traces = new ArrayList<>();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .compactionFanIn(2)
        // No background merge between the cuts and the damage: the test merges when it means to.
        .maintenanceInterval(Duration.ofHours(1)).open()) {
      for (int i = 0; i < 3; i++) {
        traces.add(randomTraceId());
        storage.write(checkout(traces.get(i), TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
      Path damaged = blockFiles().get(0);
      flipPayloadBytes(damaged);

      storage.compact();

      assertThat(storage.corruptBlocks()).isEqualTo(1);
      assertThat(storage.lostSpans()).isEqualTo(5);
      assertThat(storage.compactions()).isPositive();
      assertThat(damaged.resolveSibling(damaged.getFileName() + ".corrupt")).exists();
      assertThat(damaged).doesNotExist();
      assertThat(storage.trace(traces.get(1))).hasSize(5);
      assertThat(storage.trace(traces.get(2))).hasSize(5);
    }
  }

  @Test
  void aBadPageLosesOnlyItsTracesAndAMergeKeepsEverythingReadable() throws IOException {
    List<TraceId> paged = List.of(new TraceId(0, 1), new TraceId(0, 2), new TraceId(0, 3));
    TraceId other = randomTraceId();
    TraceQuery byService = TraceQuery.builder().serviceName(CART).build();
    Path aside;
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .compactionFanIn(2)
        // No background merge between the cuts and the damage: the test merges when it means to.
        .maintenanceInterval(Duration.ofHours(1)).open()) {
      storage.write(BlockFixtures.flatten(BlockFixtures.pagePerTrace(paged)));
      storage.cut();
      storage.write(checkout(other, TODAY + 10_000 * MILLIS));
      storage.cut();
      Path damaged = blockFiles().get(0);
      aside = damaged.resolveSibling(damaged.getFileName() + ".corrupt");
      Extent page = BlockLayout.index(damaged).page(1);
      try (RandomAccessFile file = new RandomAccessFile(damaged.toFile(), "rw")) {
        file.seek(page.offset() + page.length() / 2);
        int b = file.read();
        file.seek(page.offset() + page.length() / 2);
        file.write(b ^ 0xFF);
      }

      assertThat(storage.trace(paged.get(1))).isEmpty();
      assertThat(storage.trace(paged.get(0))).hasSize(5);
      assertThat(storage.trace(paged.get(2))).hasSize(5);
      assertThat(storage.corruptPages()).isEqualTo(1);
      assertThat(storage.corruptBlocks()).isZero();
      assertThat(storage.blockCount()).isEqualTo(2);
      assertThat(traceIds(storage.search(byService))).contains(paged.get(0), paged.get(2), other);

      storage.compact();

      assertThat(storage.compactions()).isEqualTo(1);
      assertThat(storage.blockCount()).isEqualTo(1);
      assertThat(storage.lostSpans()).isEqualTo(5);
      assertThat(storage.corruptBlocks()).isEqualTo(1);
      assertThat(aside).exists();
      assertThat(damaged).doesNotExist();
      assertThat(directory.resolve("salvage")).doesNotExist();
      assertEverythingReadableIsServed(storage, paged, other, byService);
    }
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER).open()) {
      assertEverythingReadableIsServed(storage, paged, other, byService);
      assertThat(storage.corruptPages()).isZero();
      assertThat(aside).exists();
    }
  }

  @Test
  void aTraceWithPartOnABadPageCountsItsUnreadableSpansUntilAMergeSalvagesTheBlock()
      throws IOException {
    List<TraceId> paged = List.of(new TraceId(0, 1), new TraceId(0, 2), new TraceId(0, 3));
    TraceId other = randomTraceId();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .compactionFanIn(2)
        // No background merge between the cuts and the damage: the test merges when it means to.
        .maintenanceInterval(Duration.ofHours(1)).open()) {
      storage.write(BlockFixtures.flatten(BlockFixtures.pagePerTrace(paged)));
      storage.cut();
      storage.write(checkout(other, TODAY + 10_000 * MILLIS));
      storage.cut();
      flipByteInTheMiddleOf(blockFiles().get(0), BlockLayout.index(blockFiles().get(0)).page(1));

      // Counted from the pages reads found bad, as the trace's own read, just before, finds them:
      // a count asked before any read costs no page read.
      assertThat(storage.unreadableSpans(paged.get(1))).isZero();
      assertThat(storage.trace(paged.get(1))).isEmpty();
      assertThat(storage.unreadableSpans(paged.get(1))).isEqualTo(5);
      assertThat(storage.unreadableSpans(paged.get(0))).isZero();
      assertThat(storage.unreadableSpans(paged.get(2))).isZero();
      assertThat(storage.unreadableSpans(other)).isZero();
      assertThat(storage.unreadableSpans(randomTraceId())).isZero();

      storage.compact();

      assertThat(storage.lostSpans()).isEqualTo(5);
      assertThat(storage.unreadableSpans(paged.get(1))).isZero();
      assertThat(storage.unreadableSpans(paged.get(0))).isZero();
    }
  }

  /** The parts of a block, other than its pages, that a read needs and a merge makes again. */
  enum RemadePart { NAMES, COLUMNS, SUMMARY_CHUNK, CALLS }

  @ParameterizedTest
  @EnumSource(RemadePart.class)
  void aBlockWhosePartAReadFindsBadIsLeftOutOfReadsThenSalvagedWithEveryTraceOfItsSoundPages(
      RemadePart part) throws IOException {
    List<TraceId> damagedTraces = List.of(randomTraceId(), randomTraceId(), randomTraceId());
    TraceId other = randomTraceId();
    List<Span> damagedSpans = new ArrayList<>();
    for (int i = 0; i < damagedTraces.size(); i++) {
      damagedSpans.addAll(checkout(damagedTraces.get(i), TODAY + i * 1000 * MILLIS));
    }
    List<Span> otherSpans = checkout(other, TODAY + 10_000 * MILLIS);
    List<DependencyLink> otherLinks = dependenciesOf(otherSpans);
    List<DependencyLink> allLinks =
        dependenciesOf(Stream.concat(damagedSpans.stream(), otherSpans.stream()).toList());
    TraceQuery byService = TraceQuery.builder().serviceName(CART).build();
    Path damaged;
    Path aside;
    try (CapturedLogs logs = new CapturedLogs(EmbeddedStorage.class);
        EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
            // The test salvages when it means to.
            .maintenanceInterval(Duration.ofHours(1)).open()) {
      storage.write(damagedSpans);
      storage.cut();
      storage.write(otherSpans);
      storage.cut();
      damaged = blockFiles().get(0);
      aside = damaged.resolveSibling(damaged.getFileName() + ".corrupt");
      flipByteInTheMiddleOf(damaged, switch (part) {
        case NAMES -> BlockLayout.sections(damaged).get(Section.NAMES);
        case COLUMNS -> BlockLayout.sections(damaged).get(Section.COLUMNS);
        case SUMMARY_CHUNK -> BlockLayout.index(damaged).summaryChunk(0);
        case CALLS -> BlockLayout.sections(damaged).get(Section.CALLS);
      });

      for (int read = 0; read < 2; read++) {
        if (part == RemadePart.CALLS) {
          assertThat(storage.dependencies(TODAY - HOUR, TODAY + HOUR)).isEqualTo(otherLinks);
        } else {
          assertThat(traceIds(storage.search(byService))).containsExactly(other);
        }
      }
      assertThat(storage.corruptBlocks()).isEqualTo(1);
      assertThat(logs.messages(Level.SEVERE)).singleElement().asString()
          .contains(damaged.toString(), "left out of reads until the next maintenance round");
      assertThat(damaged).exists();

      storage.compact();

      assertThat(storage.compactions()).isEqualTo(1);
      assertThat(storage.blockCount()).isEqualTo(2);
      assertThat(storage.corruptBlocks()).isEqualTo(1);
      assertThat(storage.lostSpans()).isZero();
      assertThat(aside).exists();
      assertThat(damaged).doesNotExist();
      assertThat(directory.resolve("salvage")).doesNotExist();
      assertEveryTraceIsServed(storage, damagedSpans, otherSpans, allLinks);
    }
    try (EmbeddedStorage storage = open()) {
      assertEveryTraceIsServed(storage, damagedSpans, otherSpans, allLinks);
      assertThat(storage.corruptBlocks()).isZero();
      assertThat(aside).exists();
    }
  }

  private static final long HOUR = Duration.ofHours(1).toNanos();

  private static List<DependencyLink> dependenciesOf(List<Span> spans) throws IOException {
    MemoryStorage reference = MemoryStorage.create(spans.size());
    reference.write(spans);
    return reference.dependencies(TODAY - HOUR, TODAY + HOUR);
  }

  private static void assertEveryTraceIsServed(EmbeddedStorage storage, List<Span> damagedSpans,
      List<Span> otherSpans, List<DependencyLink> allLinks) throws IOException {
    List<Span> all = Stream.concat(damagedSpans.stream(), otherSpans.stream()).toList();
    List<TraceId> traces = all.stream().map(Span::traceId).distinct().toList();
    for (TraceId traceId : traces) {
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(
          all.stream().filter(span -> span.traceId().equals(traceId)).toList());
    }
    assertThat(traceIds(storage.search(TraceQuery.builder().serviceName(CART).build())))
        .containsExactlyInAnyOrderElementsOf(traces);
    assertThat(storage.dependencies(TODAY - HOUR, TODAY + HOUR)).isEqualTo(allLinks);
  }

  /** Inverts the byte in the middle of {@code extent} of a block file, in place. */
  private static void flipByteInTheMiddleOf(Path block, Extent extent) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(block.toFile(), "rw")) {
      long at = extent.offset() + extent.length() / 2;
      file.seek(at);
      int b = file.read();
      file.seek(at);
      file.write(b ^ 0xFF);
    }
  }

  private static List<TraceId> traceIds(List<TraceSummary> summaries) {
    return summaries.stream().map(TraceSummary::traceId).toList();
  }

  private static void assertEverythingReadableIsServed(EmbeddedStorage storage,
      List<TraceId> paged, TraceId other, TraceQuery byService) throws IOException {
    assertThat(storage.trace(paged.get(0))).hasSize(5);
    assertThat(storage.trace(paged.get(1))).isEmpty();
    assertThat(storage.trace(paged.get(2))).hasSize(5);
    assertThat(storage.trace(other)).hasSize(5);
    assertThat(traceIds(storage.search(byService)))
        .containsExactlyInAnyOrder(paged.get(0), paged.get(2), other);
  }

  /**
   * Flips bytes near the start of a block file: payload, read and checked only when a trace is
   * read or the block merged.
   */
  private static void flipPayloadBytes(Path block) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(block.toFile(), "rw")) {
      for (long at = 16; at < Math.min(file.length() / 2, 200); at++) {
        file.seek(at);
        int b = file.read();
        file.seek(at);
        file.write(b ^ 0x5A);
      }
    }
  }

  @Test
  void startUpReadsOnlyBlockMetadata() throws IOException {
    List<TraceId> traces = new ArrayList<>();
    try (EmbeddedStorage storage = open()) {
      for (int i = 0; i < 3; i++) {
        TraceId traceId = randomTraceId();
        traces.add(traceId);
        storage.write(checkout(traceId, TODAY + i * 1000 * MILLIS));
        storage.cut();
      }
    }
    // Overwrite everything but the header, the metadata section and the footer: pages, summaries,
    // columns, calls, index, bloom filter and names. Start-up must not notice.
    for (Path file : blockFiles()) {
      byte[] bytes = Files.readAllBytes(file);
      ByteSource footer = new ByteSource(bytes, bytes.length - BlockFormat.FOOTER_SIZE,
          BlockFormat.FOOTER_SIZE, "footer");
      BlockFormat.Extent meta = null;
      for (BlockFormat.Section section : BlockFormat.Section.values()) {
        BlockFormat.Extent extent = BlockFormat.Extent.readFixed(footer);
        if (section == BlockFormat.Section.META) {
          meta = extent;
        }
      }
      for (int at = BlockFormat.HEADER_SIZE; at < meta.offset(); at++) {
        bytes[at] = 0x55;
      }
      Files.write(file, bytes);
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.blockCount()).isEqualTo(3);
      assertThat(storage.corruptBlocks()).isZero();
      assertThat(storage.blockSpanCount()).isEqualTo(15);
      assertThat(storage.services()).containsExactly(CART, FRONTEND, "payment");
      assertThat(storage.attributeValues(Optional.of(CART), "http.route", 10))
          .containsExactly("/cart");
      // The damage is real: the first read that needs more than metadata finds it.
      assertThat(storage.trace(traces.get(0))).isEmpty();
      assertThat(storage.corruptBlocks()).isPositive();
    }
  }

  @Test
  void spansPastThePerTraceLimitAreNotStoredButCountedAndTheCountSurvivesARestart()
      throws IOException {
    TraceId traceId = randomTraceId();
    List<Span> spans = checkout(traceId, TODAY);
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maxSpansPerTrace(3).open()) {
      storage.write(spans.subList(0, 2));
      storage.cut();
      storage.write(spans.subList(2, 5));
      assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(spans.subList(0, 3));
      assertThat(storage.droppedSpans(traceId)).containsExactly(
          new DroppedSpans(CART, "POST /pay", 1), new DroppedSpans("payment", "POST /pay", 1));
      assertThat(storage.droppedSpanCount()).isEqualTo(2);
      assertThat(storage.droppedSpans(randomTraceId())).isEmpty();
    }
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maxSpansPerTrace(3).open()) {
      // Counted afresh from storage after the restart: the trace is still full.
      storage.write(List.of(spans.get(4)));
      assertThat(storage.trace(traceId)).hasSize(3);
      assertThat(storage.droppedSpans(traceId)).containsExactly(
          new DroppedSpans(CART, "POST /pay", 1), new DroppedSpans("payment", "POST /pay", 2));
    }
  }

  @Test
  void theCountsOfDroppedSpansGoWithTheRetentionAndStayGoneAfterARestart() throws IOException {
    Instant stored = Instant.ofEpochSecond(0, TODAY).plus(Duration.ofMinutes(5));
    AtomicReference<Instant> now = new AtomicReference<>(stored);
    TraceId old = randomTraceId();
    TraceId recent = randomTraceId();
    EmbeddedStorage.Builder builder = EmbeddedStorage.builder(directory)
        .retention(Duration.ofDays(7)).maxSpansPerTrace(3).clock(clock(now));
    try (EmbeddedStorage storage = builder.open()) {
      storage.write(checkout(old, TODAY));
      storage.cut();
      now.set(stored.plus(Duration.ofDays(6)));
      storage.expire();
      storage.write(checkout(recent, TODAY));
      storage.cut();
      assertThat(storage.droppedSpans(old)).hasSize(2);
      assertThat(storage.droppedSpans(recent)).hasSize(2);

      now.set(stored.plus(Duration.ofDays(7)).plusMillis(1));
      storage.expire();
      assertThat(storage.trace(old)).isEmpty();
      assertThat(storage.droppedSpans(old)).isEmpty();
      assertThat(storage.droppedSpans(recent)).hasSize(2);
      assertThat(storage.droppedSpanCount()).isEqualTo(4);
    }
    try (EmbeddedStorage storage = builder.open()) {
      assertThat(storage.droppedSpans(old)).isEmpty();
      assertThat(storage.droppedSpans(recent)).containsExactly(
          new DroppedSpans(CART, "POST /pay", 1), new DroppedSpans("payment", "POST /pay", 1));
      assertThat(storage.droppedSpanCount()).isEqualTo(2);
    }
  }

  @Test
  void concurrentWritesOfOneTraceNeverPassTheLimit() throws Exception {
    TraceId traceId = randomTraceId();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .maxSpansPerTrace(50).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        writes.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            storage.write(List.of(span(traceId, TestSpans.randomSpanId(), 0, CART, "step",
                SpanKind.INTERNAL, TODAY, MILLIS).build()));
          }
          return null;
        }));
      }
      for (Future<?> write : writes) {
        write.get();
      }
      pool.shutdown();
      assertThat(storage.trace(traceId)).hasSize(50);
      assertThat(storage.droppedSpans(traceId))
          .containsExactly(new DroppedSpans(CART, "step", 50));
    }
  }

  @Test
  void aTornWalTailIsTruncatedAndStartUpGoesOn() throws IOException {
    TraceId kept = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      storage.write(checkout(kept, TODAY));
    }
    Path segment;
    try (Stream<Path> files = Files.list(directory.resolve("wal"))) {
      segment = files.filter(f -> f.toString().endsWith(".wal")).sorted().reduce((a, b) -> b)
          .orElseThrow();
    }
    Files.write(segment, new byte[] {42, 0, 0, 0, 1, 2, 3}, StandardOpenOption.APPEND);
    TraceId after = randomTraceId();
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.trace(kept)).hasSize(5);
      storage.write(checkout(after, TODAY));
    }
    try (EmbeddedStorage storage = open()) {
      assertThat(storage.trace(kept)).hasSize(5);
      assertThat(storage.trace(after)).hasSize(5);
    }
  }

  @Test
  void oneDirectoryIsOpenedByOneEngineAtATime() throws IOException {
    try (EmbeddedStorage storage = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another Ariadne server");
    }
    open().close();
  }

  @Test
  void writesAfterCloseFail() throws IOException {
    EmbeddedStorage storage = open();
    storage.close();
    assertThatThrownBy(() -> storage.write(checkout(randomTraceId(), TODAY)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void concurrentWritesCutsCompactionsAndReadsLoseNothing() throws Exception {
    int writers = 4;
    int tracesPerWriter = 200;
    List<TraceId> written = new ArrayList<>();
    try (EmbeddedStorage storage = EmbeddedStorage.builder(directory).retention(FOREVER)
        .headMaxSpans(300).compactionTargetSpans(2_000).compactionFanIn(4)
        .maintenanceInterval(Duration.ofMillis(5)).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
      List<Future<List<TraceId>>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        results.add(pool.submit(() -> {
          List<TraceId> mine = new ArrayList<>();
          for (int i = 0; i < tracesPerWriter; i++) {
            TraceId traceId = randomTraceId();
            List<Span> spans = checkout(traceId, TODAY + i * MILLIS);
            storage.write(spans);
            assertThat(storage.trace(traceId)).hasSize(5);
            mine.add(traceId);
          }
          return mine;
        }));
      }
      Future<?> reader = pool.submit(() -> {
        for (int i = 0; i < 50; i++) {
          storage.search(TraceQuery.builder().serviceName(CART).limit(5).build());
          storage.services();
        }
        return null;
      });
      for (Future<List<TraceId>> result : results) {
        written.addAll(result.get());
      }
      reader.get();
      pool.shutdown();
      for (TraceId traceId : written) {
        assertThat(storage.trace(traceId)).hasSize(5);
      }
      assertThat(storage.headSpanCount() + storage.blockSpanCount())
          .isEqualTo(writers * tracesPerWriter * 5L);
    }
    try (EmbeddedStorage storage = open()) {
      for (TraceId traceId : written) {
        assertThat(storage.trace(traceId)).hasSize(5);
      }
    }
  }

  /**
   * Blocks of services made from IDs each list their first 10,000 services: 12 such blocks of
   * services of their own list 120,000 together. On a server with 120 such blocks, listing the keys
   * of all services gathered 1.2 million services' keys and ran a 512 MiB heap out. Listings now
   * read the blocks' catalog together, which lists 10,000, and gather only the listed services.
   * What a listing allocates is counted, not timed: 33 to 54 MB for keys and values when each
   * gathered every block's services.
   */
  @Test
  void listingsOverBlocksOfManyServicesAllocateLittle() throws IOException {
    try (EmbeddedStorage storage = open()) {
      for (int block = 0; block < 12; block++) {
        for (int batch = 0; batch < 10; batch++) {
          List<Span> spans = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            int id = batch * 1000 + i;
            spans.add(span(new TraceId(block + 1, id + 1), 1, 0,
                String.format("pod-%02d-%05d", block, id), "GET /users", SpanKind.SERVER, TODAY,
                MILLIS).attributes(List.of(Attribute.of("http.request.method", "GET"))).build());
          }
          storage.write(spans);
        }
        storage.cut();
      }

      // The first listing makes the blocks' catalog together, which the others share.
      assertThat(storage.services()).hasSize(Storage.MAX_SERVICES)
          .startsWith("pod-00-00000").endsWith("pod-00-09999");
      assertThat(allocatedBy(storage::services)).hasSize(Storage.MAX_SERVICES);
      assertThat(allocatedBy(() -> storage.attributeKeys(Optional.empty(), 100)))
          .containsExactly("http.request.method", "service.name");
      assertThat(allocatedBy(() -> storage.attributeValues(Optional.empty(), "service.name", 1000)))
          .hasSize(1000).startsWith("pod-00-00000").endsWith("pod-00-00999");
      assertThat(allocatedBy(() -> storage.attributeValues(Optional.empty(), "http.request.method",
          100))).containsExactly("GET");
      assertThat(allocatedBy(() -> storage.operations("pod-00-00001")))
          .extracting(Operation::spanName).containsExactly("GET /users");
      assertThat(storage.operations("pod-01-00001")).isEmpty();
    }
  }

  /** Calls {@code listing}, checking that it allocates less than 16 MB, and answers what it gave. */
  private static <T> T allocatedBy(Callable<T> listing) throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    T listed;
    long before = threads.getThreadAllocatedBytes(thread);
    try {
      listed = listing.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(allocated).as("bytes allocated by a listing").isLessThan(16_000_000);
    return listed;
  }

  /**
   * Names made from IDs (a span named after its URL, a service per pod) make a block's names table
   * as long as its span count. In a child JVM of 64 MiB, 30 blocks of 20,000 spans with span names
   * of their own hold about 120 MB of names together; every block is searched by span name, twice
   * over, which loads every block's names.
   */
  @Test
  void blocksWhoseNamesTogetherOutgrowTheHeapAreAllSearched() throws Exception {
    assertThat(runIn64MiB(SearchBlocksOfNamesMadeFromIds.class))
        .containsExactly("searched each of 30 blocks twice");
  }

  /**
   * A block of services made from IDs lists 10,000 of them, about 2 MB of metadata. In a child JVM
   * of 64 MiB, 24 blocks of 10,500 services of their own hold about 50 MB of listings together:
   * held for good, they ran the heap out while the 15th block was written. Each block is listed,
   * and searched by a listed service and by one past the listed.
   */
  @Test
  void blocksWhoseListingsTogetherOutgrowTheHeapAreAllListedAndSearched() throws Exception {
    assertThat(runIn64MiB(ListAndSearchBlocksOfServicesMadeFromIds.class)).containsExactly(
        "services: 10000, from pod-00-00000 to pod-00-09999",
        "operations of pod-00-00001: [GET /users]",
        "searched each of 24 blocks by two services");
  }

  /** Runs {@code main} in a child JVM of 64 MiB with the test's class path; answers its output. */
  private List<String> runIn64MiB(Class<?> main) throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path"), main.getName(), directory.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    return output.lines().filter(line -> !line.contains("WARNING")
        && !line.contains("warnIfServicesPastListed")).toList();
  }

  /** Writes, cuts, lists and searches the blocks of the test above in the given directory. */
  static final class ListAndSearchBlocksOfServicesMadeFromIds {
    private static final int BLOCKS = 24;
    private static final int SERVICES = 10_500;

    public static void main(String[] args) throws IOException {
      try (EmbeddedStorage storage = EmbeddedStorage.builder(Path.of(args[0]))
          .syncPolicy(SyncPolicy.INTERVAL).retention(FOREVER)
          .maintenanceInterval(Duration.ofDays(1)).open()) {
        for (int block = 0; block < BLOCKS; block++) {
          List<Span> spans = new ArrayList<>();
          for (int id = 0; id < SERVICES; id++) {
            spans.add(span(new TraceId(block + 1, id + 1), 1, 0, service(block, id), "GET /users",
                SpanKind.SERVER, TODAY, MILLIS).build());
            if (spans.size() == 1000 || id == SERVICES - 1) {
              storage.write(spans);
              spans = new ArrayList<>();
            }
          }
          storage.cut();
        }
        List<String> services = storage.services();
        System.out.println("services: " + services.size() + ", from " + services.get(0) + " to "
            + services.get(services.size() - 1));
        System.out.println("operations of pod-00-00001: " + storage.operations("pod-00-00001")
            .stream().map(Operation::spanName).toList());
        for (int block = 0; block < BLOCKS; block++) {
          for (int id : new int[] {1, SERVICES - 1}) {
            TraceQuery query = TraceQuery.builder().serviceName(service(block, id))
                .spanName("GET /users").build();
            if (storage.search(query).size() != 1) {
              throw new AssertionError(service(block, id) + " not found by search");
            }
          }
        }
        System.out.println("searched each of " + BLOCKS + " blocks by two services");
      }
    }

    private static String service(int block, int id) {
      return String.format("pod-%02d-%05d", block, id);
    }
  }

  /** Writes, cuts and searches the blocks of the test above in the given directory. */
  static final class SearchBlocksOfNamesMadeFromIds {
    private static final int BLOCKS = 30;

    public static void main(String[] args) throws IOException {
      try (EmbeddedStorage storage = EmbeddedStorage.builder(Path.of(args[0]))
          .syncPolicy(SyncPolicy.INTERVAL).retention(FOREVER)
          .maintenanceInterval(Duration.ofDays(1)).open()) {
        for (int block = 1; block <= BLOCKS; block++) {
          for (int batch = 0; batch < 20; batch++) {
            List<Span> spans = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
              int id = batch * 1000 + i + 1;
              spans.add(span(new TraceId(block, id), 1, 0, CART, spanName(block, id),
                  SpanKind.SERVER, TODAY, MILLIS).build());
            }
            storage.write(spans);
          }
          storage.cut();
        }
        for (int pass = 0; pass < 2; pass++) {
          for (int block = 1; block <= BLOCKS; block++) {
            TraceQuery query = TraceQuery.builder().spanName(spanName(block, 1)).build();
            if (storage.search(query).size() != 1) {
              throw new AssertionError("block " + block + " not found by search");
            }
          }
        }
        System.out.println("searched each of " + BLOCKS + " blocks twice");
      }
    }

    private static String spanName(int block, int id) {
      return String.format("GET /api/v1/users/%02d-%06d/orders", block, id);
    }
  }

  @Test
  void settingsRejectNonsense() {
    EmbeddedStorage.Builder builder = EmbeddedStorage.builder(directory);
    assertThatThrownBy(() -> builder.headMaxSpans(0)).hasMessage("headMaxSpans: 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder.retention(Duration.ZERO))
        .hasMessage("retention: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.maxDiskBytes(-1)).hasMessage("maxDiskBytes: -1 (expected: >= 0)");
    assertThatThrownBy(() -> builder.maxSpansPerTrace(-1))
        .hasMessage("maxSpansPerTrace: -1 (expected: >= 0)");
    assertThatThrownBy(() -> builder.compactionFanIn(1))
        .hasMessage("compactionFanIn: 1 (expected: >= 2)");
  }

  private List<Path> blockFiles() throws IOException {
    try (Stream<Path> files = Files.list(directory.resolve("blocks"))) {
      return files.filter(f -> f.toString().endsWith(".block")).sorted().toList();
    }
  }

}
