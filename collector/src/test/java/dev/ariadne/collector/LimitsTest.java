package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerBatch;
import static dev.ariadne.collector.TestRequests.jaegerSpan;
import static dev.ariadne.collector.TestRequests.otlpRequest;
import static dev.ariadne.collector.TestRequests.otlpSpan;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static dev.ariadne.collector.TestRequests.stringAttribute;
import static dev.ariadne.collector.TestRequests.thrift;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.SpanRef;
import io.jaegertracing.thriftjava.SpanRefType;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Absurd attributes, events and links are cut down to the configured limits, counted, and the span
 * is kept.
 */
class LimitsTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer(builder -> builder.maxAttributes(2)
      .maxAttributeValueLength(32).maxEventsPerSpan(2).maxLinksPerSpan(2));

  @Test
  void truncatesAndCountsAttributesOverTheLimits() {
    TraceId traceId = randomTraceId();
    byte[] body = otlpRequest("frontend", List.of(otlpSpan(traceId, 1, "GET /")
        .addAttributes(stringAttribute("http.request.method", "GET"))
        .addAttributes(stringAttribute("url.full", "https://example.com/" + "a".repeat(100_000)))
        .addAttributes(stringAttribute("dropped", "x"))
        .build()))
        .toByteArray();

    AggregatedHttpResponse response = post(body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.attributes()).containsExactly(
        Attribute.of("http.request.method", "GET"),
        Attribute.of("url.full", "https://example.com/" + "a".repeat(12)));
    assertThat(span.droppedAttributesCount()).isEqualTo(1);
    assertThat(server.count("attributes.dropped", Protocol.OTLP_HTTP)).isEqualTo(1);
    assertThat(server.count("attributes.truncated", Protocol.OTLP_HTTP)).isEqualTo(1);
  }

  /**
   * A span named after its request (a SQL statement, a URL) keeps the first 1,024 characters of
   * its name: storage lists names and analytics keys its series by them, and 1,000 such names of
   * 100,000 characters ran a 256 MiB server out of heap, at every start after.
   */
  @Test
  void cutsAndCountsNamesPastTheNameLimit() {
    TraceId traceId = randomTraceId();
    String sql = "SELECT * FROM orders WHERE id IN (" + "1, ".repeat(50_000) + "2)";
    byte[] body = otlpRequest("frontend", List.of(otlpSpan(traceId, 1, sql).build()))
        .toByteArray();

    AggregatedHttpResponse response = post(body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(server.memory.trace(traceId).get(0).name())
        .isEqualTo(sql.substring(0, Validator.MAX_NAME_LENGTH));
    assertThat(server.count("names.truncated", Protocol.OTLP_HTTP)).isEqualTo(1);
    assertThat(server.count("attributes.truncated", Protocol.OTLP_HTTP)).isZero();
  }

  /**
   * A trace state keeps what W3C Trace Context allows, 32 list members and 512 characters, cut at
   * a member: 50 spans with trace states of 3.9 MB, in one request each, ran a server with a 256 MiB
   * heap out of memory.
   */
  @Test
  void cutsAndCountsTraceStatesPastW3CLimitsAtListMembers() {
    TraceId traceId = randomTraceId();
    StringBuilder traceState = new StringBuilder("vendor=" + "x".repeat(200));
    for (int i = 0; i < 100_000; i++) {
      traceState.append(",v").append(i).append("=abcdef");
    }
    byte[] body = otlpRequest("frontend", List.of(otlpSpan(traceId, 1, "GET /")
        .setTraceState(traceState.toString())
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                13, 14, 15, 16}))
            .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
            .setTraceState("vendor=" + "y".repeat(600)))
        .build()))
        .toByteArray();

    AggregatedHttpResponse response = post(body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.traceState().length()).isLessThanOrEqualTo(TraceStateLimit.MAX_LENGTH);
    StringBuilder expected = new StringBuilder("v0=abcdef");
    for (int i = 1; i < 32; i++) {
      expected.append(",v").append(i).append("=abcdef");
    }
    assertThat(span.traceState()).as("the long first member goes first, then 32 members are kept")
        .isEqualTo(expected.toString());
    assertThat(span.links()).singleElement().extracting(Link::traceState)
        .as("no member boundary brings it within 512 characters").isEqualTo("");
    assertThat(server.count("trace.states.truncated", Protocol.OTLP_HTTP)).isEqualTo(2);
  }

  /**
   * A span keeps its first events and links up to the limits, and adds the rest to the dropped
   * counts its client sent: a span with a million tiny events fits in a 16 MiB request.
   */
  @Test
  void dropsAndCountsOtlpEventsAndLinksPastTheLimits() {
    TraceId traceId = randomTraceId();
    io.opentelemetry.proto.trace.v1.Span.Builder otlp = otlpSpan(traceId, 1, "GET /")
        .setDroppedEventsCount(1)
        .setDroppedLinksCount(1);
    for (int i = 0; i < 5; i++) {
      otlp.addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
          .setTimeUnixNano(TestRequests.START + i).setName("e" + i));
      otlp.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
          .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
              13, 14, 15, 16}))
          .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) (i + 1)})));
    }
    double events = server.count("events.dropped", Protocol.OTLP_HTTP);
    double links = server.count("links.dropped", Protocol.OTLP_HTTP);

    AggregatedHttpResponse response =
        post(otlpRequest("frontend", List.of(otlp.build())).toByteArray());

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.events()).extracting(Event::name).containsExactly("e0", "e1");
    assertThat(span.droppedEventsCount()).isEqualTo(1 + 3);
    assertThat(span.links()).extracting(Link::spanId).containsExactly(1L, 2L);
    assertThat(span.droppedLinksCount()).isEqualTo(1 + 3);
    assertThat(server.count("events.dropped", Protocol.OTLP_HTTP)).isEqualTo(events + 3);
    assertThat(server.count("links.dropped", Protocol.OTLP_HTTP)).isEqualTo(links + 3);
  }

  @Test
  void dropsAndCountsOtlpJsonEventsAndLinksPastTheLimits() {
    TraceId traceId = randomTraceId();
    StringBuilder events = new StringBuilder();
    StringBuilder links = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      events.append(i == 0 ? "" : ",").append("{\"timeUnixNano\":\"")
          .append(TestRequests.START + i).append("\",\"name\":\"e").append(i).append("\"}");
      links.append(i == 0 ? "" : ",").append("{\"traceId\":\"").append(traceId.toHex())
          .append("\",\"spanId\":\"000000000000000").append(i + 2).append("\"}");
    }
    byte[] body = """
        {"resourceSpans":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"frontend"}}]},
          "scopeSpans":[{"spans":[{"traceId":"%s","spanId":"0000000000000001","name":"GET /",
           "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
           "events":[%s],"links":[%s]}]}]}]}"""
        .formatted(traceId.toHex(), TestRequests.START, TestRequests.START + 10_000_000, events,
            links)
        .getBytes(UTF_8);

    AggregatedHttpResponse response = server.blockingWebClient().execute(
        RequestHeaders.builder(HttpMethod.POST, "/v1/traces").contentType(MediaType.JSON).build(),
        body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.events()).extracting(Event::name).containsExactly("e0", "e1");
    assertThat(span.droppedEventsCount()).isEqualTo(2);
    assertThat(span.links()).extracting(Link::spanId).containsExactly(2L, 3L);
    assertThat(span.droppedLinksCount()).isEqualTo(2);
  }

  @Test
  void dropsAndCountsZipkinAnnotationsPastTheEventLimit() {
    TraceId traceId = randomTraceId();
    long micros = TestRequests.START / 1000;
    byte[] body = ("[{\"traceId\":\"" + traceId.toHex() + "\",\"id\":\"0000000000000001\","
        + "\"name\":\"get /\",\"timestamp\":" + micros + ",\"duration\":10,"
        + "\"localEndpoint\":{\"serviceName\":\"frontend\"},\"annotations\":["
        + "{\"timestamp\":" + micros + ",\"value\":\"a0\"},"
        + "{\"timestamp\":" + (micros + 1) + ",\"value\":\"a1\"},"
        + "{\"timestamp\":" + (micros + 2) + ",\"value\":\"a2\"}]}]").getBytes(UTF_8);
    double dropped = server.count("events.dropped", Protocol.ZIPKIN_JSON);

    AggregatedHttpResponse response = server.blockingWebClient().execute(
        RequestHeaders.builder(HttpMethod.POST, "/api/v2/spans").contentType(MediaType.JSON)
            .build(),
        body);

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.events()).extracting(Event::name).containsExactly("a0", "a1");
    assertThat(span.droppedEventsCount()).isEqualTo(1);
    assertThat(server.count("events.dropped", Protocol.ZIPKIN_JSON)).isEqualTo(dropped + 1);
  }

  @Test
  void dropsAndCountsJaegerLogsAndReferencesPastTheLimits() {
    TraceId traceId = randomTraceId();
    io.jaegertracing.thriftjava.Span jaeger = jaegerSpan(traceId, 1, "GET /");
    List<Log> logs = new ArrayList<>();
    List<SpanRef> references = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      logs.add(new Log(TestRequests.START / 1000 + i, new ArrayList<>(List.of(
          new Tag("event", TagType.STRING).setVStr("log" + i)))));
      references.add(new SpanRef(SpanRefType.FOLLOWS_FROM, 7, 7, 0x10 + i));
    }
    jaeger.setLogs(logs).setReferences(references);
    double events = server.count("events.dropped", Protocol.JAEGER_THRIFT);
    double links = server.count("links.dropped", Protocol.JAEGER_THRIFT);

    AggregatedHttpResponse response = server.blockingWebClient().execute(
        RequestHeaders.builder(HttpMethod.POST, "/api/traces")
            .contentType(MediaType.create("application", "x-thrift"))
            .build(),
        thrift(jaegerBatch("frontend", jaeger), new TBinaryProtocol.Factory()));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.events()).extracting(Event::name).containsExactly("log0", "log1");
    assertThat(span.droppedEventsCount()).isEqualTo(1);
    assertThat(span.links()).extracting(Link::spanId).containsExactly(0x10L, 0x11L);
    assertThat(span.droppedLinksCount()).isEqualTo(1);
    assertThat(server.count("events.dropped", Protocol.JAEGER_THRIFT)).isEqualTo(events + 1);
    assertThat(server.count("links.dropped", Protocol.JAEGER_THRIFT)).isEqualTo(links + 1);
  }

  private static AggregatedHttpResponse post(byte[] otlpProtobuf) {
    return server.blockingWebClient().execute(
        RequestHeaders.builder(HttpMethod.POST, "/v1/traces")
            .contentType(MediaType.X_PROTOBUF)
            .build(),
        otlpProtobuf);
  }
}
