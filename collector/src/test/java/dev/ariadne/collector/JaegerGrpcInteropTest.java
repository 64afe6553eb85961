package dev.ariadne.collector;

import static dev.ariadne.collector.InteropTrace.CART;
import static dev.ariadne.collector.InteropTrace.CHILD_END;
import static dev.ariadne.collector.InteropTrace.CHILD_EVENT;
import static dev.ariadne.collector.InteropTrace.CHILD_START;
import static dev.ariadne.collector.InteropTrace.ERROR_MESSAGE;
import static dev.ariadne.collector.InteropTrace.FRONTEND;
import static dev.ariadne.collector.InteropTrace.MILLIS;
import static dev.ariadne.collector.InteropTrace.ROOT_END;
import static dev.ariadne.collector.InteropTrace.ROOT_EVENT;
import static dev.ariadne.collector.InteropTrace.ROOT_START;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Collector.PostSpansRequest;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Collector.PostSpansResponse;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Model;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace encoded by the classes protoc generated from Jaeger's IDL ({@code
 * opentelemetry-exporter-jaeger-proto}, independent of Ariadne's decoder) and sent through their
 * gRPC stub over a real HTTP/2 channel to {@code jaeger.api_v2.CollectorService/PostSpans}: every
 * field Jaeger's protobuf carries arrives in storage as sent, nanoseconds included. Only {@code
 * process_id} and {@code warnings}, which are the query side's, are not kept.
 */
class JaegerGrpcInteropTest {
  /** The span that follows from the root: "send receipt" in the frontend, 70..90 ms. */
  static final long RECEIPT_START = ROOT_START + 70 * MILLIS;
  static final long RECEIPT_END = ROOT_START + 90 * MILLIS;
  static final byte[] TOKEN = {1, 2, 3, (byte) 0xff};

  @RegisterExtension
  static final CollectorServer server = new CollectorServer();

  @Test
  void storesEveryFieldOfATraceWith128BitIds() {
    TraceId traceId = randomTraceId();

    Sent sent = send(traceId);

    assertThat(sent.response()).isEqualTo(PostSpansResponse.getDefaultInstance());
    assertThat(server.memory.trace(traceId))
        .containsExactlyInAnyOrderElementsOf(expected(traceId, sent));
  }

  @Test
  void storesATraceWith64BitIdsAsJaegerWritesThemWithAZeroHighHalf() {
    TraceId traceId = new TraceId(0, ThreadLocalRandom.current().nextLong() | 1);

    Sent sent = send(traceId);

    assertThat(server.memory.trace(traceId))
        .containsExactlyInAnyOrderElementsOf(expected(traceId, sent));
  }

  @Test
  void countsTheSpansAsJaegerProto() {
    double accepted = server.count("spans.accepted", Protocol.JAEGER_PROTO);

    send(randomTraceId());

    assertThat(server.count("spans.accepted", Protocol.JAEGER_PROTO)).isEqualTo(accepted + 3);
  }

  /** The IDs chosen and the collector's answer. */
  record Sent(long rootId, long childId, long receiptId, PostSpansResponse response) {}

  private static Sent send(TraceId traceId) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long rootId = random.nextLong() | 1;
    long childId = random.nextLong() | 1;
    long receiptId = random.nextLong() | 1;
    Model.Span root = span(traceId, rootId, "GET /checkout", ROOT_START + 123, ROOT_END + 123)
        .addTags(string("span.kind", "server"))
        .addTags(string("http.method", "GET"))
        .addTags(Model.KeyValue.newBuilder()
            .setKey("cart.items").setVType(Model.ValueType.INT64).setVInt64(3))
        .addTags(Model.KeyValue.newBuilder()
            .setKey("cart.total").setVType(Model.ValueType.FLOAT64).setVFloat64(19.99))
        .addTags(Model.KeyValue.newBuilder()
            .setKey("user.premium").setVType(Model.ValueType.BOOL).setVBool(true))
        .addTags(Model.KeyValue.newBuilder()
            .setKey("cart.token").setVType(Model.ValueType.BINARY)
            .setVBinary(ByteString.copyFrom(TOKEN)))
        .addLogs(Model.Log.newBuilder()
            .setTimestamp(timestamp(ROOT_EVENT))
            .addFields(string("event", "cart.loaded"))
            .addFields(Model.KeyValue.newBuilder()
                .setKey("items").setVType(Model.ValueType.INT64).setVInt64(3)))
        .setProcessId("p1")
        .addWarnings("a warning the query side would add")
        .build();
    Model.Span child = span(traceId, childId, "GET /cart", CHILD_START, CHILD_END)
        .addReferences(reference(Model.SpanRefType.CHILD_OF, traceId, rootId))
        .addTags(string("span.kind", "server"))
        .addTags(Model.KeyValue.newBuilder()
            .setKey("http.status_code").setVType(Model.ValueType.INT64).setVInt64(402))
        .addTags(Model.KeyValue.newBuilder()
            .setKey("error").setVType(Model.ValueType.BOOL).setVBool(true))
        .addLogs(Model.Log.newBuilder()
            .setTimestamp(timestamp(CHILD_EVENT))
            .addFields(string("event", "error"))
            .addFields(string("message", ERROR_MESSAGE)))
        // The cart's span carries its own process, which wins over the batch's.
        .setProcess(Model.Process.newBuilder()
            .setServiceName(CART)
            .addTags(string("hostname", "cart-1")))
        .build();
    Model.Span receipt = span(traceId, receiptId, "send receipt", RECEIPT_START, RECEIPT_END)
        .addReferences(reference(Model.SpanRefType.FOLLOWS_FROM, traceId, rootId))
        .setFlags(3) // sampled and debug
        .build();
    PostSpansRequest request = PostSpansRequest.newBuilder()
        .setBatch(Model.Batch.newBuilder()
            .setProcess(Model.Process.newBuilder()
                .setServiceName(FRONTEND)
                .addTags(string("hostname", "frontend-1"))
                .addTags(Model.KeyValue.newBuilder()
                    .setKey("pid").setVType(Model.ValueType.INT64).setVInt64(4242)))
            .addSpans(root)
            .addSpans(child)
            .addSpans(receipt))
        .build();
    return new Sent(rootId, childId, receiptId,
        JaegerGrpcReceiverTest.client(server).postSpans(request));
  }

  private static List<Span> expected(TraceId traceId, Sent sent) {
    Resource frontend = new Resource(FRONTEND, List.of(
        Attribute.of("service.name", FRONTEND),
        Attribute.of("hostname", "frontend-1"),
        Attribute.of("pid", 4242L)), 0);
    return List.of(
        Span.builder()
            .traceId(traceId)
            .spanId(sent.rootId())
            .name("GET /checkout")
            .kind(SpanKind.SERVER)
            .startEpochNanos(ROOT_START + 123)
            .endEpochNanos(ROOT_END + 123)
            .resource(frontend)
            .attributes(List.of(
                Attribute.of("http.method", "GET"),
                Attribute.of("cart.items", 3L),
                Attribute.of("cart.total", 19.99),
                Attribute.of("user.premium", true),
                new Attribute("cart.token", new Value.Bytes(TOKEN))))
            .events(List.of(
                new Event(ROOT_EVENT, "cart.loaded", List.of(Attribute.of("items", 3L)), 0)))
            .flags(1)
            .build(),
        Span.builder()
            .traceId(traceId)
            .spanId(sent.childId())
            .parentSpanId(sent.rootId())
            .name("GET /cart")
            .kind(SpanKind.SERVER)
            .startEpochNanos(CHILD_START)
            .endEpochNanos(CHILD_END)
            .resource(new Resource(CART, List.of(
                Attribute.of("service.name", CART), Attribute.of("hostname", "cart-1")), 0))
            .attributes(List.of(Attribute.of("http.status_code", 402L)))
            .events(List.of(new Event(CHILD_EVENT, "error",
                List.of(Attribute.of("message", ERROR_MESSAGE)), 0)))
            .status(StatusCode.ERROR, "")
            .flags(1)
            .build(),
        Span.builder()
            .traceId(traceId)
            .spanId(sent.receiptId())
            .parentSpanId(sent.rootId())
            .name("send receipt")
            .kind(SpanKind.INTERNAL)
            .startEpochNanos(RECEIPT_START)
            .endEpochNanos(RECEIPT_END)
            .resource(frontend)
            .attributes(List.of(Attribute.of("jaeger.debug", true)))
            .links(List.of(new Link(traceId, sent.rootId(), "",
                List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true)))
            .flags(1)
            .build());
  }

  private static Model.Span.Builder span(
      TraceId traceId, long spanId, String name, long startNanos, long endNanos) {
    return Model.Span.newBuilder()
        .setTraceId(traceIdBytes(traceId))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId).flip()))
        .setOperationName(name)
        .setFlags(1)
        .setStartTime(timestamp(startNanos))
        .setDuration(Duration.newBuilder().setNanos((int) (endNanos - startNanos)));
  }

  private static Model.SpanRef reference(Model.SpanRefType type, TraceId traceId, long spanId) {
    return Model.SpanRef.newBuilder()
        .setRefType(type)
        .setTraceId(traceIdBytes(traceId))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId).flip()))
        .build();
  }

  private static ByteString traceIdBytes(TraceId traceId) {
    return ByteString.copyFrom(
        ByteBuffer.allocate(16).putLong(traceId.high()).putLong(traceId.low()).flip());
  }

  private static Timestamp timestamp(long epochNanos) {
    return Timestamp.newBuilder()
        .setSeconds(epochNanos / 1_000_000_000)
        .setNanos((int) (epochNanos % 1_000_000_000))
        .build();
  }

  private static Model.KeyValue string(String key, String value) {
    return Model.KeyValue.newBuilder()
        .setKey(key).setVType(Model.ValueType.STRING).setVStr(value).build();
  }
}
