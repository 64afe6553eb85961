package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Zipkin API is one lower-case view of names stored in any case: spans from OTLP and Jaeger
 * keep theirs, the Zipkin decoder lower-cases them.
 */
class ZipkinNamesTest {
  /** From OTLP: service "UpperOtel", calling "Billing-API". */
  static final TraceId OTEL = new TraceId(0xaL, 0x1L);
  /** From Zipkin, a minute later: the same names lower-cased. */
  static final TraceId ZIPKIN = new TraceId(0xaL, 0x2L);
  /** From Zipkin, a minute later again: service "mixedcase", calling "cart". */
  static final TraceId MIXED = new TraceId(0xaL, 0x3L);
  static final String DAY = "endTs=" + (TODAY / MILLIS + 86_400_000) + "&lookback=86400000";
  /** More case variants of one service than a search searches. */
  static final int VARIANTS = ZipkinApi.MAX_COMBINATIONS + 6;

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  @RegisterExtension
  static final ServerExtension variants = QueryFixtures.server(variants());

  /** Calls from "UpperOtel" to "Billing-API" and from their lower-cased twins, one failed. */
  @RegisterExtension
  static final ServerExtension calls = QueryFixtures.server(calls());

  static MemoryStorage calls() {
    MemoryStorage storage = MemoryStorage.create(100);
    long start = TODAY + 60_000 * MILLIS;
    storage.write(List.of(
        span(OTEL, 1, 0, "UpperOtel", "charge", SpanKind.CLIENT, start, 10 * MILLIS).build(),
        span(OTEL, 2, 1, "Billing-API", "charge", SpanKind.SERVER, start, 5 * MILLIS).build(),
        span(ZIPKIN, 1, 0, "upperotel", "charge", SpanKind.CLIENT, start, 10 * MILLIS).build(),
        span(ZIPKIN, 2, 1, "billing-api", "charge", SpanKind.SERVER, start, 5 * MILLIS)
            .status(StatusCode.ERROR, "declined").build()));
    return storage;
  }

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(100);
    storage.write(call(OTEL, "UpperOtel", "GET /Users", "POST /Charge", "Billing-API", 1));
    storage.write(call(ZIPKIN, "upperotel", "get /users", "post /charge", "billing-api", 2));
    storage.write(call(MIXED, "mixedcase", "charge", "get /cart", "cart", 3));
    return storage;
  }

  /** A SERVER span and its CLIENT child calling {@code peer}, {@code minute} into the day. */
  static List<Span> call(TraceId traceId, String service, String name, String clientName,
      String peer, int minute) {
    long start = TODAY + minute * 60_000 * MILLIS;
    return List.of(
        span(traceId, 1, 0, service, name, SpanKind.SERVER, start, 10 * MILLIS).build(),
        span(traceId, 2, 1, service, clientName, SpanKind.CLIENT, start + MILLIS, 5 * MILLIS)
            .attributes(List.of(Attribute.of("peer.service", peer)))
            .build());
  }

  /** {@value #VARIANTS} traces, each of another spelling of "abcdefg": "Abcdefg", "aBcdefg"… */
  static MemoryStorage variants() {
    MemoryStorage storage = MemoryStorage.create(100);
    for (int i = 0; i < VARIANTS; i++) {
      StringBuilder service = new StringBuilder("abcdefg");
      for (int letter = 0; letter < service.length(); letter++) {
        if ((i & (1 << letter)) != 0) {
          service.setCharAt(letter, Character.toUpperCase(service.charAt(letter)));
        }
      }
      storage.write(List.of(span(new TraceId(0xbL, i + 1), 1, 0, service.toString(), "work",
          SpanKind.SERVER, TODAY + (i + 1) * MILLIS, MILLIS).build()));
    }
    return storage;
  }

  @Test
  void listsNamesLowerCasedEachOnce() {
    assertThat(json(get(server, "/api/v2/services")).toString())
        .isEqualTo("[\"mixedcase\",\"upperotel\"]");
    assertThat(json(get(server, "/api/v2/spans?serviceName=UpperOtel")).toString())
        .isEqualTo("[\"get /users\",\"post /charge\"]");
    assertThat(json(get(server, "/api/v2/spans?serviceName=MIXEDCASE")).toString())
        .isEqualTo("[\"charge\",\"get /cart\"]");
    assertThat(json(get(server, "/api/v2/remoteServices?serviceName=upperotel")).toString())
        .isEqualTo("[\"billing-api\"]");
    assertThat(json(get(variants, "/api/v2/services")).toString()).isEqualTo("[\"abcdefg\"]");
  }

  @Test
  void listsDependenciesBetweenLowerCasedServicesEachPairOnce() {
    assertThat(json(get(calls, "/api/v2/dependencies?" + DAY)).toString()).isEqualTo(
        "[{\"parent\":\"upperotel\",\"child\":\"billing-api\",\"callCount\":2,"
            + "\"errorCount\":1}]");
  }

  @Test
  void searchesTheStoredNamesEqualIgnoringCaseNewestFirst() {
    assertThat(traceIds("/api/v2/traces?serviceName=upperotel&" + DAY))
        .containsExactly(ZIPKIN.toHex(), OTEL.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=upperotel&limit=1&" + DAY))
        .containsExactly(ZIPKIN.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=MixedCase&" + DAY))
        .containsExactly(MIXED.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=upperotel&spanName=get%20%2Fusers&" + DAY))
        .containsExactly(ZIPKIN.toHex(), OTEL.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=UPPEROTEL&spanName=POST%20%2FCHARGE&" + DAY))
        .containsExactly(ZIPKIN.toHex(), OTEL.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=nobody&" + DAY)).isEmpty();
  }

  @Test
  void searchesASpanNameWithoutAServiceAsGivenAndLowerCased() {
    assertThat(traceIds("/api/v2/traces?spanName=GET%20%2FUsers&" + DAY))
        .containsExactly(ZIPKIN.toHex(), OTEL.toHex());
    assertThat(traceIds("/api/v2/traces?spanName=get%20%2Fusers&" + DAY))
        .containsExactly(ZIPKIN.toHex());
  }

  @Test
  void searchesByRemoteServiceName() {
    assertThat(traceIds("/api/v2/traces?remoteServiceName=billing-api&" + DAY))
        .containsExactly(ZIPKIN.toHex(), OTEL.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=mixedcase&remoteServiceName=Cart&" + DAY))
        .containsExactly(MIXED.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=upperotel&remoteServiceName=cart&" + DAY))
        .isEmpty();
    assertThat(traceIds("/api/v2/traces?spanName=charge&remoteServiceName=cart&" + DAY))
        .isEmpty();
    assertThat(traceIds("/api/v2/traces?remoteServiceName=cart&annotationQuery=peer.service&"
        + DAY)).containsExactly(MIXED.toHex());
  }

  @Test
  void searchesAtMostSixtyFourCombinationsOfNames() {
    List<String> found = new ArrayList<>();
    for (JsonNode trace : json(get(variants, "/api/v2/traces?serviceName=ABCDEFG&limit=100&"
        + DAY))) {
      found.add(trace.get(0).get("localEndpoint").get("serviceName").asText());
    }

    assertThat(found).hasSize(ZipkinApi.MAX_COMBINATIONS).containsOnly("abcdefg");
  }

  private static List<String> traceIds(String path) {
    List<String> ids = new ArrayList<>();
    for (JsonNode trace : json(get(server, path))) {
      ids.add(trace.get(0).get("traceId").asText());
    }
    return ids;
  }
}
