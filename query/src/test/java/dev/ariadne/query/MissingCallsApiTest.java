package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.analytics.MissingMetrics;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Service maps that say what they lack: calls past analytics.max-series, spans the pairing table
 * had no room for, a range past the retention, hours dropped for memory or set aside as corrupt.
 */
class MissingCallsApiTest {
  private static final long MINUTE_MILLIS = 60_000;
  private static final long HOUR_MILLIS = 60 * MINUTE_MILLIS;
  private static final long MS = 1_000_000;
  private static final long BASE_MILLIS =
      (System.currentTimeMillis() / (10 * MINUTE_MILLIS) - 3) * 10 * MINUTE_MILLIS;
  private static final String WINDOW =
      "start=" + BASE_MILLIS * MS + "&end=" + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS;
  /** The start of the hour three hours ago. */
  private static final long OLD_HOUR =
      (System.currentTimeMillis() / HOUR_MILLIS - 3) * HOUR_MILLIS;
  private static final String OLD_WINDOW =
      "start=" + OLD_HOUR * MS + "&end=" + (OLD_HOUR + HOUR_MILLIS) * MS;
  private static long nextId = 1;

  /** One edge fits (shop to cart); cart's calls do not. */
  private static final Analytics capped = analytics(
      Analytics.builder().maxSeries(1).retention(Duration.ofDays(1)), List.of(
          call("shop", "cart", BASE_MILLIS),
          call("cart", "payment", BASE_MILLIS + 2 * MINUTE_MILLIS),
          call("cart", "stock", BASE_MILLIS + 4 * MINUTE_MILLIS)));
  /** Room for the newest hour only, and for one span waiting for the other half of its call. */
  private static final Analytics small = analytics(
      Analytics.builder().memoryMaxBytes(1).maxPendingCalls(1),
      List.of(call("shop", "cart", OLD_HOUR), call("shop", "cart", OLD_HOUR + HOUR_MILLIS),
          List.of(client("bank", "call ledger", BASE_MILLIS + 5 * MINUTE_MILLIS),
              client("bank", "call audit", BASE_MILLIS + 6 * MINUTE_MILLIS))));
  private static final Path dataDir = corruptHour();
  private static final Analytics durable = analytics(
      Analytics.builder().dataDir(dataDir).sealDelay(Duration.ZERO), List.of());

  @RegisterExtension
  static final ServerExtension server = server(capped);
  @RegisterExtension
  static final ServerExtension smallServer = server(small);
  @RegisterExtension
  static final ServerExtension durableServer = server(durable);

  private static ServerExtension server(Analytics analytics) {
    return new ServerExtension() {
      @Override
      protected void configure(ServerBuilder sb) {
        QueryApi api = QueryApi.builder(MemoryStorage.create(100)).analytics(analytics).build();
        api.serveNative(sb);
        api.serveJaeger(sb);
      }
    };
  }

  private static Analytics analytics(Analytics.Builder builder, List<List<Span>> batches) {
    try {
      Analytics analytics = builder.build();
      for (List<Span> batch : batches) {
        analytics.record(batch);
      }
      analytics.flush();
      return analytics;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A data directory whose hour three hours ago was sealed with a call, then damaged. */
  private static Path corruptHour() {
    try {
      Path dir = Files.createTempDirectory("missing-calls");
      analytics(Analytics.builder().dataDir(dir).sealDelay(Duration.ZERO),
          List.of(call("shop", "cart", OLD_HOUR + MINUTE_MILLIS))).close();
      Path sealed = dir.resolve(OLD_HOUR + ".hour");
      byte[] bytes = Files.readAllBytes(sealed);
      bytes[bytes.length - 1] ^= 0x01;
      Files.write(sealed, bytes);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void close() throws IOException {
    capped.close();
    small.close();
    durable.close();
    delete(dataDir);
  }

  /**
   * Flips a bit of every series' checksum in a sealed hour's file (laid out as SealedHour says),
   * leaving its index sound: the damage is found only when a series is read.
   */
  private static void damageEveryRecord(Path sealed) throws IOException {
    byte[] bytes = Files.readAllBytes(sealed);
    long indexOffset = ByteBuffer.wrap(bytes, bytes.length - 24, 8)
        .order(ByteOrder.LITTLE_ENDIAN).getLong();
    int at = 4;
    while (at < indexOffset) {
      bytes[at] ^= 0x01;
      int position = at + 4;
      long length = 0;
      int shift = 0;
      byte b;
      do {
        b = bytes[position++];
        length |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      at = position + (int) length;
    }
    Files.write(sealed, bytes);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  private static Span client(String service, String name, long startMillis) {
    long id = nextId++;
    return Span.builder()
        .traceId(new TraceId(43, id))
        .spanId(id)
        .name(name)
        .kind(SpanKind.CLIENT)
        .startEpochNanos(startMillis * MS)
        .endEpochNanos((startMillis + 10) * MS)
        .resource(new Resource(service, List.of(), 0))
        .status(StatusCode.UNSET, "")
        .build();
  }

  /** A call from {@code client} to {@code server}: its two spans. */
  private static List<Span> call(String client, String server, long startMillis) {
    Span caller = client(client, "call " + server, startMillis);
    Span called = Span.builder()
        .traceId(caller.traceId())
        .spanId(nextId++)
        .parentSpanId(caller.spanId())
        .name("serve")
        .kind(SpanKind.SERVER)
        .startEpochNanos(caller.startEpochNanos())
        .endEpochNanos(caller.endEpochNanos())
        .resource(new Resource(server, List.of(), 0))
        .status(StatusCode.UNSET, "")
        .build();
    return List.of(caller, called);
  }

  private static JsonNode note(JsonNode map, String cause) {
    for (JsonNode note : map.get("missing")) {
      if (note.get("cause").asText().equals(cause)) {
        return note;
      }
    }
    throw new AssertionError("no " + cause + " note in " + map);
  }

  @Test
  void aMapWithCallsPastMaxSeriesSaysHowManyWentToOverflowAndSinceWhen() {
    JsonNode map = json(get(server, "/api/v1/dependencies?" + WINDOW));
    assertThat(map.get("links")).extracting(link -> link.get("parent").asText())
        .contains(Analytics.OVERFLOW, "shop");
    JsonNode note = note(map, "max-series");
    assertThat(note.get("setting").asText()).isEqualTo("analytics.max-series");
    assertThat(note.get("from").asText())
        .isEqualTo(Long.toString((BASE_MILLIS + 2 * MINUTE_MILLIS) * MS));
    assertThat(note.get("to").asText())
        .isEqualTo(Long.toString((BASE_MILLIS + 4 * MINUTE_MILLIS) * MS));
    assertThat(note.get("uncountedCalls").asLong()).isEqualTo(2);
    assertThat(note.get("message").asText()).contains("2 calls", "analytics.max-series (1)");
  }

  @Test
  void aMapWhosePairingTableWasFullSaysCallsMayBeMissing() {
    JsonNode note =
        note(json(get(smallServer, "/api/v1/dependencies?" + WINDOW)), "max-pending-calls");
    assertThat(note.get("setting").asText()).isEqualTo("analytics.max-pending-calls");
    assertThat(note.get("droppedSpans").asLong()).isPositive();
    assertThat(note.get("to").asText())
        .isEqualTo(Long.toString((BASE_MILLIS + 6 * MINUTE_MILLIS) * MS));
    assertThat(note.get("message").asText()).contains("analytics.max-pending-calls (1)");
  }

  @Test
  void aMapOverARangePartlyPastTheRetentionSaysItsEarlyPartIsNotKept() {
    long start = BASE_MILLIS - 2 * 24 * HOUR_MILLIS;
    JsonNode map = json(get(server, "/api/v1/dependencies?start=" + start * MS + "&end="
        + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS));
    JsonNode note = note(map, "retention");
    assertThat(note.get("from").asText()).isEqualTo(Long.toString(start * MS));
    assertThat(note.has("uncountedCalls")).isFalse();
    assertThat(note.get("message").asText()).contains("analytics.retention: 1d", "no calls");
  }

  @Test
  void aMapOverHoursDroppedForMemorySaysSo() {
    JsonNode map = json(get(smallServer, "/api/v1/dependencies?" + OLD_WINDOW));
    assertThat(map.get("links")).isEmpty();
    JsonNode note = note(map, "memory-max");
    assertThat(note.get("setting").asText()).isEqualTo("analytics.memory-max");
    assertThat(note.get("to").asText()).isEqualTo(Long.toString((OLD_HOUR + HOUR_MILLIS) * MS));
  }

  @Test
  void aMapOverAnHourSetAsideAsCorruptSaysSo() {
    JsonNode map = json(get(durableServer, "/api/v1/dependencies?" + OLD_WINDOW));
    assertThat(map.get("links")).isEmpty();
    JsonNode note = note(map, "corrupt");
    assertThat(note.get("setting").isNull()).isTrue();
    assertThat(note.get("from").asText()).isEqualTo(Long.toString(OLD_HOUR * MS));
    assertThat(note.get("to").asText()).isEqualTo(Long.toString((OLD_HOUR + HOUR_MILLIS) * MS));
    assertThat(note.get("message").asText()).contains("corrupt");
  }

  @Test
  void theMapThatFindsAnHourCorruptSaysSo() throws IOException {
    Path dir = Files.createTempDirectory("missing-calls");
    analytics(Analytics.builder().dataDir(dir).sealDelay(Duration.ZERO),
        List.of(call("shop", "cart", OLD_HOUR + MINUTE_MILLIS))).close();
    damageEveryRecord(dir.resolve(OLD_HOUR + ".hour"));
    try (Analytics analytics = Analytics.builder().dataDir(dir).build()) {
      ServiceMap map = new Dependencies(MemoryStorage.create(10), analytics)
          .between(OLD_HOUR * MS, (OLD_HOUR + HOUR_MILLIS) * MS, Cancellation.NEVER);
      assertThat(map.links()).as("read and set aside").isEmpty();
      assertThat(map.missing()).extracting(MissingMetrics::cause)
          .containsExactly(MissingMetrics.Cause.CORRUPT);
    } finally {
      delete(dir);
    }
  }

  @Test
  void theRedOfAnHourSetAsideAsCorruptSaysSo() {
    JsonNode red = json(get(durableServer, "/api/v1/metrics/red?service=shop&" + OLD_WINDOW));
    assertThat(red.get("points")).isEmpty();
    assertThat(note(red, "corrupt").get("from").asText()).isEqualTo(Long.toString(OLD_HOUR * MS));
  }

  @Test
  void aMapWithNothingMissingSaysNothing() {
    JsonNode map = json(get(durableServer, "/api/v1/dependencies?" + WINDOW));
    assertThat(map.get("missing")).isEmpty();
  }

  @Test
  void theJaegerMapKeepsItsShape() {
    JsonNode map = json(get(server, "/api/dependencies?endTs="
        + (BASE_MILLIS + 10 * MINUTE_MILLIS) + "&lookback=" + 10 * MINUTE_MILLIS));
    assertThat(map.get("data")).isNotEmpty();
    assertThat(map.has("missing")).isFalse();
  }
}
