package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.embedded.DamagedBlocks;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace whose spans are partly on a bad page of a block says so in every API: how many of its
 * spans storage holds but could not read is part of its completeness.
 */
class UnreadableSpansTest {
  private static final TraceId TRACE_ID = new TraceId(0x77, 0x88);
  /** A trace whose every span is on the bad page. */
  private static final TraceId LOST_ID = new TraceId(0x77, 0x99);
  private static final EmbeddedStorage STORAGE = damagedStorage();

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(STORAGE);

  /**
   * The trace's first spans on the bad page of a block, its others (a span) in the head; the lost
   * trace's spans all on the bad page.
   */
  private static EmbeddedStorage damagedStorage() {
    try {
      List<Span> spans = new ArrayList<>(checkout(TRACE_ID, TODAY));
      Span last = spans.remove(spans.size() - 1);
      spans.addAll(checkout(LOST_ID, TODAY));
      EmbeddedStorage storage =
          DamagedBlocks.withBadPage(Files.createTempDirectory("unreadable-"), spans);
      storage.write(List.of(last));
      return storage;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theNativeApiCountsTheUnreadableSpansAndCallsTheTraceIncomplete() {
    JsonNode trace = json(get(server, "/api/v1/traces/" + TRACE_ID.toHex()));

    assertThat(trace.get("spanCount").asInt()).isEqualTo(1);
    assertThat(trace.get("completeness").get("unreadableSpans").asInt()).isEqualTo(4);
    assertThat(trace.get("completeness").get("complete").asBoolean()).isFalse();
  }

  @Test
  void theJaegerApiWarnsOfThem() {
    JsonNode trace = json(get(server, "/api/traces/" + TRACE_ID.toHex())).get("data").get(0);

    assertThat(trace.get("spans")).hasSize(1);
    assertThat(trace.get("warnings").toString()).contains("4 spans stored but unreadable: the"
        + " storage found the part holding them damaged");
  }

  @Test
  void theZipkinApiCountsThemInAHeader() {
    AggregatedHttpResponse response = get(server, "/api/v2/trace/" + TRACE_ID.toHex());

    assertThat(response.headers().get("ariadne-unreadable-spans")).isEqualTo("4");
    assertThat(response.headers().get("ariadne-trace-complete")).isEqualTo("false");
  }

  @Test
  void aTraceWhoseEverySpanIsUnreadableIsNotFoundSayingWhy() {
    String unreadable = "5 spans of it are stored but unreadable (the storage found the part"
        + " holding them damaged)";
    for (String path : new String[] {"/api/v1/traces/", "/api/traces/", "/api/v2/trace/"}) {
      AggregatedHttpResponse response = get(server, path + LOST_ID.toHex());

      assertThat(response.status().code()).as(path).isEqualTo(404);
      assertThat(response.contentUtf8()).as(path).contains(unreadable);
    }
  }
}
