package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.START;
import static dev.ariadne.collector.TestRequests.gzip;
import static dev.ariadne.collector.TestRequests.jaegerBatch;
import static dev.ariadne.collector.TestRequests.jaegerSpan;
import static dev.ariadne.collector.TestRequests.jaegerThrift;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static dev.ariadne.collector.TestRequests.thrift;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.SpanRef;
import io.jaegertracing.thriftjava.SpanRefType;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JaegerThriftHttpReceiverTest {
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  static final MediaType X_THRIFT = MediaType.create("application", "x-thrift");
  static final MediaType THRIFT_BINARY =
      MediaType.create("application", "vnd.apache.thrift.binary");
  static final MediaType THRIFT_COMPACT =
      MediaType.create("application", "vnd.apache.thrift.compact");

  static final long SPAN_ID = 0x1a2b3c4d5e6f7081L;
  static final long PARENT_ID = 0x0102030405060708L;
  static final long CAUSE_ID = 0x0a0b0c0d0e0f1011L;

  @RegisterExtension
  static final CollectorServer server =
      new CollectorServer(builder -> builder.maxRequestBytes(MAX_REQUEST_BYTES));

  @Test
  void storesEveryFieldOfABinaryThriftBatch() {
    TraceId traceId = randomTraceId();
    io.jaegertracing.thriftjava.Span jaeger = jaegerSpan(traceId, SPAN_ID, "GET /cart")
        .setParentSpanId(PARENT_ID)
        .setDuration(2_500)
        .setReferences(list(
            new SpanRef(SpanRefType.CHILD_OF, traceId.low(), traceId.high(), PARENT_ID),
            new SpanRef(SpanRefType.FOLLOWS_FROM, traceId.low(), traceId.high(), CAUSE_ID)))
        .setTags(list(
            string("span.kind", "server"),
            string("http.method", "GET"),
            new Tag("http.status_code", TagType.LONG).setVLong(502),
            new Tag("retry.ratio", TagType.DOUBLE).setVDouble(0.5),
            new Tag("cache.hit", TagType.BOOL).setVBool(true),
            new Tag("payload", TagType.BINARY).setVBinary(new byte[] {1, 2, 3}),
            new Tag("error", TagType.BOOL).setVBool(true)))
        .setLogs(list(new Log(START / 1000 + 100,
            list(string("event", "retry"), new Tag("attempt", TagType.LONG).setVLong(2)))));
    Batch batch = new Batch(
        new Process("cart").setTags(list(
            string("hostname", "host-1"), new Tag("pid", TagType.LONG).setVLong(4242))),
        list(jaeger));

    AggregatedHttpResponse response =
        post(X_THRIFT, null, thrift(batch, new TBinaryProtocol.Factory()));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(response.content().isEmpty()).isTrue();
    assertThat(server.memory.trace(traceId)).containsExactly(Span.builder()
        .traceId(traceId)
        .spanId(SPAN_ID)
        .parentSpanId(PARENT_ID)
        .name("GET /cart")
        .kind(SpanKind.SERVER)
        .startEpochNanos(START)
        .endEpochNanos(START + 2_500_000)
        .resource(new Resource("cart", List.of(
            Attribute.of("service.name", "cart"),
            Attribute.of("hostname", "host-1"),
            Attribute.of("pid", 4242L)), 0))
        .attributes(List.of(
            Attribute.of("http.method", "GET"),
            Attribute.of("http.status_code", 502L),
            Attribute.of("retry.ratio", 0.5),
            Attribute.of("cache.hit", true),
            new Attribute("payload", new Value.Bytes(new byte[] {1, 2, 3}))))
        .events(List.of(
            new Event(START + 100_000, "retry", List.of(Attribute.of("attempt", 2L)), 0)))
        .links(List.of(new Link(traceId, CAUSE_ID, "",
            List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true)))
        .status(StatusCode.ERROR, "")
        .flags(1)
        .build());
  }

  @Test
  void acceptsTheBinaryProtocolUnderItsApacheMediaType() {
    TraceId traceId = randomTraceId();

    AggregatedHttpResponse response = post(THRIFT_BINARY, null, jaegerThrift(traceId, 1));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(server.memory.trace(traceId)).extracting(Span::spanId).containsExactly(1L);
  }

  @Test
  void acceptsTheCompactProtocol() {
    TraceId traceId = randomTraceId();
    Batch batch = jaegerBatch("cart", jaegerSpan(traceId, 1, "a"), jaegerSpan(traceId, 2, "b"));

    AggregatedHttpResponse response =
        post(THRIFT_COMPACT, null, thrift(batch, new TCompactProtocol.Factory()));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(server.memory.trace(traceId)).extracting(Span::name, Span::serviceName)
        .containsExactlyInAnyOrder(tuple("a", "cart"), tuple("b", "cart"));
  }

  @Test
  void acceptsAGzippedBatch() {
    TraceId traceId = randomTraceId();

    AggregatedHttpResponse response = post(X_THRIFT, "gzip", gzip(jaegerThrift(traceId, 7)));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(server.memory.trace(traceId)).extracting(Span::spanId).containsExactly(7L);
  }

  @Test
  void acceptsABatchWithoutSpans() {
    byte[] body = thrift(jaegerBatch("idle"), new TBinaryProtocol.Factory());

    AggregatedHttpResponse response = post(X_THRIFT, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(response.content().isEmpty()).isTrue();
  }

  @Test
  void acceptsTheGoodSpansAndNamesTheRejectedOnes() {
    TraceId traceId = randomTraceId();
    Batch batch = jaegerBatch("cart",
        jaegerSpan(traceId, 1, "good"),
        jaegerSpan(traceId, 0, "no span ID"),
        jaegerSpan(traceId, 3, "ends before it starts").setDuration(-1));

    AggregatedHttpResponse response =
        post(X_THRIFT, null, thrift(batch, new TBinaryProtocol.Factory()));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(response.contentUtf8())
        .startsWith("accepted 1 span, rejected 2: ")
        .contains("[1] span 0000000000000000 of trace " + traceId.toHex() + ": span ID is zero")
        .contains("0000000000000003: endTimeUnixNano " + (START - 1000)
            + " is before startTimeUnixNano " + START);
    assertThat(server.memory.trace(traceId)).extracting(Span::name).containsExactly("good");
  }

  @Test
  void rejectsABatchWhoseSpansAreAllBadWith400() {
    TraceId traceId = randomTraceId();
    byte[] body = thrift(jaegerBatch("cart", new io.jaegertracing.thriftjava.Span(
        0, 0, 1, 0, "no trace ID", 1, START / 1000, 10)), new TBinaryProtocol.Factory());

    AggregatedHttpResponse response = post(X_THRIFT, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentType()).isEqualTo(MediaType.PLAIN_TEXT_UTF_8);
    assertThat(response.contentUtf8()).contains("trace ID is zero");
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void rejectsGarbageWith400NamingTheProtocol() {
    AggregatedHttpResponse response = post(X_THRIFT, null, "not thrift".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentType()).isEqualTo(MediaType.PLAIN_TEXT_UTF_8);
    assertThat(response.contentUtf8()).startsWith("Jaeger Thrift binary: ");
  }

  @Test
  void rejectsAnEmptyBody() {
    AggregatedHttpResponse response = post(X_THRIFT, null, new byte[0]);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8())
        .isEqualTo("Jaeger Thrift binary: the body ends before the data it declares (0 bytes)");
  }

  @Test
  void rejectsATruncatedBatch() {
    byte[] body = jaegerThrift(randomTraceId(), 1);

    AggregatedHttpResponse response =
        post(X_THRIFT, null, Arrays.copyOf(body, body.length - 3));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).isEqualTo("Jaeger Thrift binary: "
        + "the body ends before the data it declares (" + (body.length - 3) + " bytes)");
  }

  @Test
  void rejectsACompactBatchLabelledBinary() {
    TraceId traceId = randomTraceId();
    byte[] compact =
        thrift(jaegerBatch("cart", jaegerSpan(traceId, 1, "a")), new TCompactProtocol.Factory());

    AggregatedHttpResponse response = post(X_THRIFT, null, compact);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).startsWith("Jaeger Thrift binary: ");
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void rejectsAListOfTwoBillionSpansWith400() throws Exception {
    byte[] body = handWritten(protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
      new Process("cart").write(protocol);
      protocol.writeFieldEnd();
      protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
      protocol.writeListBegin(new TList(TType.STRUCT, Integer.MAX_VALUE));
      jaegerSpan(randomTraceId(), 1, "a").write(protocol);
    });

    AggregatedHttpResponse response = post(X_THRIFT, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8())
        .startsWith("Jaeger Thrift binary: list of " + Integer.MAX_VALUE + " elements");
  }

  @Test
  void rejectsStructsNestedTenThousandDeepWith400() throws Exception {
    byte[] body = handWritten(protocol -> {
      for (int i = 0; i < 10_000; i++) {
        protocol.writeStructBegin(new TStruct("Deep"));
        protocol.writeFieldBegin(new TField("deeper", TType.STRUCT, (short) 99));
      }
    });

    AggregatedHttpResponse response = post(X_THRIFT, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).startsWith("Jaeger Thrift binary: ")
        .contains("nested deeper than 64 levels");
  }

  @Test
  void badRequestsLeaveOtherRequestsUnaffected() throws Exception {
    byte[] truncated = jaegerThrift(randomTraceId(), 1);
    truncated = Arrays.copyOf(truncated, truncated.length / 2);
    byte[] hostile = handWritten(protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
      protocol.writeListBegin(new TList(TType.STRUCT, Integer.MAX_VALUE));
    });
    List<CompletableFuture<AggregatedHttpResponse>> good = new ArrayList<>();
    List<CompletableFuture<AggregatedHttpResponse>> bad = new ArrayList<>();
    List<TraceId> traceIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TraceId traceId = randomTraceId();
      traceIds.add(traceId);
      good.add(postAsync(X_THRIFT, jaegerThrift(traceId, 1)));
      bad.add(postAsync(X_THRIFT, "\u0000garbage".getBytes(UTF_8)));
      bad.add(postAsync(X_THRIFT, truncated));
      bad.add(postAsync(THRIFT_BINARY, hostile));
    }

    assertThat(good).allSatisfy(
        f -> assertThat(f.join().status()).isEqualTo(HttpStatus.ACCEPTED));
    assertThat(bad).allSatisfy(
        f -> assertThat(f.join().status()).isEqualTo(HttpStatus.BAD_REQUEST));
    assertThat(traceIds).allSatisfy(
        traceId -> assertThat(server.memory.trace(traceId)).hasSize(1));
  }

  @Test
  void rejectsAWrongContentTypeWith415() {
    AggregatedHttpResponse response = post(MediaType.JSON, null, "[]".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8()).isEqualTo("Content-Type: application/json "
        + "(expected: application/x-thrift, application/vnd.apache.thrift.binary or "
        + "application/vnd.apache.thrift.compact)");
  }

  @Test
  void rejectsAMissingContentTypeWith415() {
    AggregatedHttpResponse response = post(null, null, jaegerThrift(randomTraceId(), 1));

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8()).startsWith("Content-Type: missing (expected: ");
  }

  @Test
  void rejectsAnUnsupportedContentEncodingWith415() {
    AggregatedHttpResponse response = post(X_THRIFT, "br", jaegerThrift(randomTraceId(), 1));

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8())
        .isEqualTo("Content-Encoding: br (expected: gzip or identity)");
  }

  @Test
  void rejectsABodyThatIsNotGzip() {
    AggregatedHttpResponse response = post(X_THRIFT, "gzip", jaegerThrift(randomTraceId(), 1));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).startsWith("gzip: ");
  }

  @Test
  void rejectsGet() {
    AggregatedHttpResponse response = server.blockingWebClient().get("/api/traces");

    assertThat(response.status()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
  }

  @Test
  void rejectsAnOversizeBodyWith413NamingTheLimit() {
    AggregatedHttpResponse response = post(X_THRIFT, null, new byte[MAX_REQUEST_BYTES + 1]);

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(response.contentUtf8())
        .isEqualTo("request body of 65537 bytes is larger than maxRequestBytes (65536)");
  }

  @Test
  void rejectsAGzipBombWith413NamingTheLimit() {
    byte[] bomb = gzip(new byte[MAX_REQUEST_BYTES * 16]);
    assertThat(bomb.length).isLessThan(MAX_REQUEST_BYTES);

    AggregatedHttpResponse response = post(X_THRIFT, "gzip", bomb);

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(response.contentUtf8())
        .isEqualTo("request body inflates to more than maxRequestBytes (65536 bytes)");
  }

  @Test
  void countsSpansAsJaegerThriftAndRequestsAsItsReceiver() {
    double received = server.count("spans.received", Protocol.JAEGER_THRIFT);
    double accepted = server.count("spans.accepted", Protocol.JAEGER_THRIFT);
    double invalid = server.count("spans.invalid", Protocol.JAEGER_THRIFT);
    TraceId traceId = randomTraceId();
    Batch batch = jaegerBatch("cart",
        jaegerSpan(traceId, 1, "a"), jaegerSpan(traceId, 0, "b"), jaegerSpan(traceId, 2, "c"));

    post(X_THRIFT, null, thrift(batch, new TBinaryProtocol.Factory()));

    assertThat(server.count("spans.received", Protocol.JAEGER_THRIFT)).isEqualTo(received + 3);
    assertThat(server.count("spans.accepted", Protocol.JAEGER_THRIFT)).isEqualTo(accepted + 2);
    assertThat(server.count("spans.invalid", Protocol.JAEGER_THRIFT)).isEqualTo(invalid + 1);
    assertThat(server.registry.find("ariadne.collector.requests")
        .tag("receiver", "jaeger_thrift_http").tag("outcome", "accepted").timer().count())
        .isPositive();
  }

  /** A mutable list, as libthrift's generated classes take. */
  @SafeVarargs
  private static <T> List<T> list(T... elements) {
    List<T> list = new ArrayList<>(elements.length);
    for (T element : elements) {
      list.add(element);
    }
    return list;
  }

  private static Tag string(String key, String value) {
    return new Tag(key, TagType.STRING).setVStr(value);
  }

  private interface Writer {
    void write(TProtocol protocol) throws TException;
  }

  /** Binary Thrift written field by field, for bodies no generated class would write. */
  private static byte[] handWritten(Writer writer) throws TException {
    TMemoryBuffer buffer = new TMemoryBuffer(64);
    writer.write(new TBinaryProtocol(buffer));
    return Arrays.copyOf(buffer.getArray(), buffer.length());
  }

  private static AggregatedHttpResponse post(MediaType type, String encoding, byte[] body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, "/api/traces");
    if (type != null) {
      headers.contentType(type);
    }
    if (encoding != null) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
    }
    return server.blockingWebClient().execute(headers.build(), body);
  }

  private static CompletableFuture<AggregatedHttpResponse> postAsync(MediaType type, byte[] body) {
    return server.webClient()
        .execute(RequestHeaders.builder(HttpMethod.POST, "/api/traces").contentType(type).build(),
            HttpData.wrap(body))
        .aggregate();
  }
}
