package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.TestSpans.randomTraceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.DroppedSpans;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.CorruptDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DroppedLogTest {
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long DAY = Duration.ofDays(1).toMillis();
  /** 2025-11-21T00:00:00Z. */
  private static final long T0 = 1_763_683_200_000L;

  @TempDir Path dir;

  @Test
  void countsAddUpPerTraceServiceAndNameAndSurviveAReopen() throws IOException {
    TraceId traceId = randomTraceId();
    try (DroppedLog log = open(T0)) {
      log.append(Map.of(traceId, List.of(new DroppedSpans("cart", "POST /pay", 2),
          new DroppedSpans("payment", "charge", 1))), T0);
      log.append(Map.of(traceId, List.of(new DroppedSpans("cart", "POST /pay", 3))), T0 + 1);

      assertThat(log.counts(traceId)).containsExactly(new DroppedSpans("cart", "POST /pay", 5),
          new DroppedSpans("payment", "charge", 1));
      assertThat(log.spanCount()).isEqualTo(6);
      assertThat(log.counts(randomTraceId())).isEmpty();
    }
    try (DroppedLog log = open(T0 + HOUR)) {
      assertThat(log.counts(traceId)).containsExactly(new DroppedSpans("cart", "POST /pay", 5),
          new DroppedSpans("payment", "charge", 1));
      assertThat(log.spanCount()).isEqualTo(6);
    }
  }

  @Test
  void aTraceIsForgottenOnceItsLatestRecordIsPastRetention() throws IOException {
    TraceId early = randomTraceId();
    TraceId lasting = randomTraceId();
    try (DroppedLog log = open(T0)) {
      log.append(Map.of(early, List.of(new DroppedSpans("cart", "a", 1))), T0);
      log.append(Map.of(lasting, List.of(new DroppedSpans("cart", "b", 1))), T0);
      log.append(Map.of(lasting, List.of(new DroppedSpans("cart", "b", 1))), T0 + DAY);

      log.expire(T0, T0 - HOUR);
      assertThat(log.counts(early)).hasSize(1);

      log.expire(T0 + 1, T0 - HOUR);
      assertThat(log.counts(early)).isEmpty();
      assertThat(log.counts(lasting)).containsExactly(new DroppedSpans("cart", "b", 2));
      assertThat(log.spanCount()).as("a counter: it does not go back").isEqualTo(3);
    }
  }

  @Test
  void aSegmentIsDeletedOnceItsLatestRecordIsPastRetentionAndNotBefore() throws IOException {
    TraceId early = randomTraceId();
    TraceId later = randomTraceId();
    try (DroppedLog log = open(T0)) {
      log.append(Map.of(early, List.of(new DroppedSpans("cart", "a", 1))), T0);
      log.expire(Long.MIN_VALUE, T0 - HOUR);
      assertThat(segments()).as("the current segment is not an hour old").hasSize(1);

      log.expire(Long.MIN_VALUE, T0 + 1);
      assertThat(segments()).as("rolled").hasSize(2);
      log.append(Map.of(later, List.of(new DroppedSpans("cart", "b", 1))), T0 + DAY);

      log.expire(T0, T0 + DAY - HOUR);
      assertThat(segments()).hasSize(2);

      log.expire(T0 + 1, T0 + DAY - HOUR);
      assertThat(segments()).hasSize(1);
      log.expire(T0 + DAY + 1, T0 + DAY - HOUR);
      assertThat(segments()).as("the current segment is never deleted").hasSize(1);
    }
    try (DroppedLog log = open(T0 + DAY)) {
      assertThat(log.counts(early)).isEmpty();
      assertThat(log.counts(later)).containsExactly(new DroppedSpans("cart", "b", 1));
    }
  }

  @Test
  void aSegmentWithAnyRecordWithinRetentionIsKeptWhole() throws IOException {
    TraceId early = randomTraceId();
    TraceId later = randomTraceId();
    try (DroppedLog log = open(T0)) {
      log.append(Map.of(early, List.of(new DroppedSpans("cart", "a", 1))), T0);
      log.append(Map.of(later, List.of(new DroppedSpans("cart", "b", 1))), T0 + HOUR);
      log.expire(Long.MIN_VALUE, T0 + 2 * HOUR);
      log.expire(T0 + 1, T0 + 2 * HOUR);

      assertThat(segments()).hasSize(2);
      assertThat(log.counts(early)).isEmpty();
    }
    try (DroppedLog log = open(T0 + HOUR)) {
      assertThat(log.counts(later)).hasSize(1);
    }
  }

  @Test
  void recordsWrittenBeforeTheyCarriedATimeAreReadAsWrittenWhenTheLogOpens() throws IOException {
    TraceId traceId = randomTraceId();
    ByteSink untimed = new ByteSink(64);
    untimed.writeVarInt(1);
    untimed.writeLongLe(traceId.high());
    untimed.writeLongLe(traceId.low());
    untimed.writeVarInt(1);
    untimed.writeString("cart");
    untimed.writeString("POST /pay");
    untimed.writeVarLong(4);
    appendRaw(untimed);

    try (DroppedLog log = open(T0)) {
      assertThat(log.counts(traceId)).containsExactly(new DroppedSpans("cart", "POST /pay", 4));
      log.expire(T0, T0 - HOUR);
      assertThat(log.counts(traceId)).hasSize(1);
      log.expire(T0 + 1, T0 + 1);
      assertThat(log.counts(traceId)).isEmpty();
      assertThat(segments()).hasSize(1);
    }
  }

  static Stream<byte[]> hostileRecords() {
    ByteSink noTime = new ByteSink(4);
    noTime.writeByte(0);
    noTime.writeByte(1);
    noTime.writeByte(2);
    ByteSink noTraces = timed();
    noTraces.writeVarInt(0);
    ByteSink truncatedTrace = timed();
    truncatedTrace.writeVarInt(1);
    truncatedTrace.writeLongLe(7);
    ByteSink zeroCount = timedTrace();
    zeroCount.writeString("cart");
    zeroCount.writeString("a");
    zeroCount.writeVarLong(0);
    ByteSink negativeCount = timedTrace();
    negativeCount.writeString("cart");
    negativeCount.writeString("a");
    negativeCount.writeVarLong(-5);
    ByteSink huge = timed();
    huge.writeVarInt(Integer.MAX_VALUE);
    ByteSink trailing = timedTrace();
    trailing.writeString("cart");
    trailing.writeString("a");
    trailing.writeVarLong(1);
    trailing.writeByte(9);
    return Stream.of(noTime, noTraces, truncatedTrace, zeroCount, negativeCount, huge, trailing)
        .map(ByteSink::toByteArray);
  }

  @ParameterizedTest
  @MethodSource("hostileRecords")
  void aRecordThatDoesNotDecodeStopsTheOpenWithAnErrorNamingIt(byte[] record) throws IOException {
    try (Wal wal = Wal.open(dir, SyncPolicy.ALWAYS, null, (segment, bytes, offset, length) -> {})) {
      wal.append(record, 0, record.length);
    }

    assertThatThrownBy(() -> open(T0)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("dropped-spans record");
  }

  @Test
  void aSegmentStartsWhenTheCurrentOnesFirstRecordIsAPartOfTheRetentionOld() {
    assertThat(DroppedLog.rollAfter(Duration.ofDays(7))).isEqualTo(Duration.ofHours(1));
    assertThat(DroppedLog.rollAfter(Duration.ofHours(12))).isEqualTo(Duration.ofMinutes(30));
    assertThat(DroppedLog.rollAfter(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
  }

  private static ByteSink timed() {
    ByteSink out = new ByteSink(64);
    out.writeByte(0);
    out.writeLongLe(T0);
    return out;
  }

  /** A timed record of one trace with one count, up to the count's service. */
  private static ByteSink timedTrace() {
    ByteSink out = timed();
    out.writeVarInt(1);
    out.writeLongLe(1);
    out.writeLongLe(2);
    out.writeVarInt(1);
    return out;
  }

  private void appendRaw(ByteSink record) throws IOException {
    try (Wal wal = Wal.open(dir, SyncPolicy.ALWAYS, null, (segment, bytes, offset, length) -> {})) {
      wal.append(record.array(), 0, record.size());
    }
  }

  private DroppedLog open(long nowMillis) throws IOException {
    return DroppedLog.open(dir, SyncPolicy.ALWAYS, null, nowMillis);
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".wal")).sorted().toList();
    }
  }
}
