package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RED answers that say what they lack: spans past analytics.max-series, and the retention. */
class MissingMetricsApiTest {
  private static final long MINUTE_MILLIS = 60_000;
  private static final long MS = 1_000_000;
  private static final long BASE_MILLIS =
      (System.currentTimeMillis() / (10 * MINUTE_MILLIS) - 3) * 10 * MINUTE_MILLIS;
  private static final String WINDOW =
      "start=" + BASE_MILLIS * MS + "&end=" + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS;
  private static final MemoryStorage storage = MemoryStorage.create(100);
  private static final Analytics analytics = analytics();

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) {
      QueryApi.builder(storage).analytics(analytics).build().serveNative(sb);
    }
  };

  /** Two series fit: cart's GET /cart, ok and failed; shop's spans, and cart's other operation, do not. */
  private static Analytics analytics() {
    try {
      Analytics analytics = Analytics.builder().maxSeries(2).retention(Duration.ofDays(1)).build();
      List<Span> spans = List.of(
          span(1, "cart", "GET /cart", BASE_MILLIS, false),
          span(2, "cart", "GET /cart", BASE_MILLIS + MINUTE_MILLIS, true),
          span(3, "shop", "GET /", BASE_MILLIS + 2 * MINUTE_MILLIS, false),
          span(4, "shop", "GET /", BASE_MILLIS + 4 * MINUTE_MILLIS, false),
          span(5, "shop", "POST /buy", BASE_MILLIS + 3 * MINUTE_MILLIS, false),
          span(6, "cart", "DELETE /cart", BASE_MILLIS + 5 * MINUTE_MILLIS, false));
      storage.write(spans);
      analytics.record(spans);
      analytics.flush();
      return analytics;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void close() throws IOException {
    analytics.close();
  }

  private static Span span(long id, String service, String name, long startMillis, boolean error) {
    return Span.builder()
        .traceId(new TraceId(42, id))
        .spanId(id)
        .name(name)
        .kind(SpanKind.SERVER)
        .startEpochNanos(startMillis * MS)
        .endEpochNanos((startMillis + 10) * MS)
        .resource(new Resource(service, List.of(), 0))
        .status(error ? StatusCode.ERROR : StatusCode.UNSET, "")
        .build();
  }

  @Test
  void theRedOfAServicePastMaxSeriesSaysItsSpansWentUncountedAndSinceWhen() {
    JsonNode shop = json(get(server, "/api/v1/metrics/red?service=shop&" + WINDOW));
    assertThat(shop.get("points")).isEmpty();
    JsonNode missing = shop.get("missing");
    assertThat(missing).hasSize(1);
    JsonNode note = missing.get(0);
    assertThat(note.get("cause").asText()).isEqualTo("max-series");
    assertThat(note.get("setting").asText()).isEqualTo("analytics.max-series");
    assertThat(note.get("from").asText()).isEqualTo(Long.toString((BASE_MILLIS + 2 * MINUTE_MILLIS) * MS));
    assertThat(note.get("to").asText()).isEqualTo(Long.toString((BASE_MILLIS + 4 * MINUTE_MILLIS) * MS));
    assertThat(note.get("uncountedSpans").asLong()).isEqualTo(3);
    assertThat(note.get("message").asText()).contains("3 spans of shop", "analytics.max-series (2)");

    JsonNode operation = json(get(server, "/api/v1/metrics/red?service=shop&operation=POST%20/buy&" + WINDOW));
    assertThat(operation.get("missing").get(0).get("uncountedSpans").asLong()).isEqualTo(1);
    assertThat(operation.get("missing").get(0).get("message").asText()).contains("POST /buy of shop");

    JsonNode cart = json(get(server, "/api/v1/metrics/red?service=cart&operation=GET%20/cart&" + WINDOW + "&step=10m"));
    assertThat(cart.get("points").get(0).get("requests").asLong()).isEqualTo(2);
    assertThat(cart.get("missing")).as("every span of GET /cart counted").isEmpty();

    JsonNode table = json(get(server, "/api/v1/metrics/red/operations?service=cart&" + WINDOW));
    assertThat(table.get("missing").get(0).get("uncountedSpans").asLong()).isEqualTo(1);
  }

  @Test
  void theServiceListingNamesTheServicesWithUncountedSpans() {
    JsonNode services = json(get(server, "/api/v1/services"));
    assertThat(services.get("services")).extracting(JsonNode::asText).containsExactly("cart", "shop");
    JsonNode incomplete = services.get("redIncomplete");
    assertThat(incomplete).extracting(n -> n.get("service").asText()).containsExactly("cart", "shop");
    assertThat(incomplete.get(1).get("uncountedSpans").asLong()).isEqualTo(3);
    assertThat(incomplete.get(1).get("from").asText())
        .isEqualTo(Long.toString((BASE_MILLIS + 2 * MINUTE_MILLIS) * MS));
    assertThat(services.get("redIncompleteMore").asBoolean()).isFalse();
  }

  @Test
  void aRangePartlyPastTheRetentionSaysItsEarlyPartIsNotKept() {
    long start = BASE_MILLIS - 2 * 24 * 60 * MINUTE_MILLIS;
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&operation=GET%20/cart&start="
        + start * MS + "&end=" + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS + "&step=1h"));
    assertThat(red.get("points")).isNotEmpty();
    JsonNode note = red.get("missing").get(0);
    assertThat(note.get("cause").asText()).isEqualTo("retention");
    assertThat(note.get("setting").asText()).isEqualTo("analytics.retention");
    assertThat(note.get("from").asText()).isEqualTo(Long.toString(start * MS));
    long kept = note.get("to").asLong() / MS;
    assertThat(kept).isBetween(System.currentTimeMillis() - 24 * 60 * MINUTE_MILLIS - 60 * MINUTE_MILLIS,
        System.currentTimeMillis() - 24 * 60 * MINUTE_MILLIS);
    assertThat(note.has("uncountedSpans")).isFalse();
    assertThat(note.get("message").asText()).contains("analytics.retention: 1d");
  }
}
