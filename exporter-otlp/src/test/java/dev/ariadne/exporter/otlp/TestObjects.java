package dev.ariadne.exporter.otlp;

import static dev.ariadne.api.common.AttributeKey.booleanArrayKey;
import static dev.ariadne.api.common.AttributeKey.booleanKey;
import static dev.ariadne.api.common.AttributeKey.doubleArrayKey;
import static dev.ariadne.api.common.AttributeKey.doubleKey;
import static dev.ariadne.api.common.AttributeKey.longArrayKey;
import static dev.ariadne.api.common.AttributeKey.longKey;
import static dev.ariadne.api.common.AttributeKey.stringArrayKey;
import static dev.ariadne.api.common.AttributeKey.stringKey;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.Resource;
import java.util.List;

/** Deterministic spans and their parts, shared by every test here. */
final class TestObjects {
  static final long TRACE_ID_HIGH = 0x0af7651916cd43ddL;
  static final long TRACE_ID_LOW = 0x8448eb211c80319cL;
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final long SPAN_ID = 0xb7ad6b7169203331L;
  static final long PARENT_SPAN_ID = 0x00f067aa0ba902b7L;
  static final long LINKED_SPAN_ID = 0x53995c3f42cd8ad8L;
  /** 2023-11-14T22:13:20.123456789Z. */
  static final long START = 1_700_000_000_123_456_789L;

  /** Built oldest first; W3C order is most recent first: {@code congo=...,rojo=...}. */
  static final TraceState TRACE_STATE =
      TraceState.builder().put("rojo", "00f067aa0ba902b7").put("congo", "t61rcWkgMzE").build();

  static final Resource RESOURCE =
      Resource.create(
          Attributes.builder()
              .put(Resource.SERVICE_NAME, "checkout")
              .put("host.name", "web-1")
              .put("process.pid", 4242L)
              .build());
  static final Resource OTHER_RESOURCE =
      Resource.create(Attributes.of(Resource.SERVICE_NAME, "billing"));
  static final InstrumentationScope SCOPE = InstrumentationScope.create("dev.ariadne.test", "1.2.3");
  static final InstrumentationScope SCOPE_WITHOUT_VERSION =
      InstrumentationScope.create("io.example.jdbc", null);

  static final SpanContext CONTEXT =
      SpanContext.create(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID, SpanContext.FLAG_SAMPLED, TRACE_STATE);
  static final SpanContext REMOTE_PARENT =
      SpanContext.createFromRemoteParent(
          TRACE_ID_HIGH, TRACE_ID_LOW, PARENT_SPAN_ID, SpanContext.FLAG_SAMPLED, TRACE_STATE);
  static final SpanContext LOCAL_PARENT =
      SpanContext.create(
          TRACE_ID_HIGH, TRACE_ID_LOW, PARENT_SPAN_ID, SpanContext.FLAG_SAMPLED, TraceState.empty());
  static final SpanContext LINKED =
      SpanContext.createFromRemoteParent(
          0x1111111111111111L, 0x2222222222222222L, LINKED_SPAN_ID, (byte) 0, TRACE_STATE);

  /** One attribute of every type, with values at the edges, including proto3 default values. */
  static final Attributes ALL_TYPES =
      Attributes.builder()
          .put(stringKey("http.request.method"), "GET")
          .put(stringKey("empty.string"), "")
          .put(booleanKey("cache.hit"), true)
          .put(booleanKey("retried"), false)
          .put(longKey("http.response.status_code"), 200L)
          .put(longKey("zero"), 0L)
          .put(longKey("negative"), -1L)
          .put(longKey("min"), Long.MIN_VALUE)
          .put(longKey("max"), Long.MAX_VALUE)
          .put(doubleKey("ratio"), 0.25)
          .put(doubleKey("zero.double"), 0.0)
          .put(doubleKey("negative.zero"), -0.0)
          .put(doubleKey("nan"), Double.NaN)
          .put(doubleKey("infinity"), Double.NEGATIVE_INFINITY)
          .put(stringArrayKey("tags"), List.of("a", "", "ünïcödé"))
          .put(booleanArrayKey("flags"), List.of(true, false))
          .put(longArrayKey("ports"), List.of(80L, 0L, -443L))
          .put(doubleArrayKey("weights"), List.of(0.5, 0.0, -1.5e300))
          .put(stringArrayKey("no.strings"), List.of())
          .build();

  private TestObjects() {}

  /** A span with every field set to something other than its default. */
  static TestSpan fullSpan() {
    return TestSpan.builder()
        .name("GET /cart")
        .kind(SpanKind.SERVER)
        .spanContext(CONTEXT)
        .parentSpanContext(REMOTE_PARENT)
        .startEpochNanos(START)
        .endEpochNanos(START + 12_345_678)
        .attributes(ALL_TYPES)
        .droppedAttributesCount(3)
        .events(
            List.of(
                EventData.create(
                    "cache.miss", START + 1_000_000, Attributes.of(stringKey("key"), "cart:7"), 1),
                EventData.create("exception", START + 2_000_000, Attributes.empty(), 0)))
        .droppedEventsCount(4)
        .links(
            List.of(
                LinkData.create(
                    LINKED,
                    Attributes.builder()
                        .put(LinkData.REFERENCE_TYPE, "follows_from")
                        .put("batch.index", 2L)
                        .build(),
                    5),
                LinkData.create(LOCAL_PARENT, Attributes.empty(), 0)))
        .droppedLinksCount(6)
        .status(StatusCode.ERROR, "cart service unavailable")
        .resource(RESOURCE)
        .instrumentationScope(SCOPE)
        .build();
  }

  /** A root span with nothing optional: no parent, trace state, attributes, events or status. */
  static TestSpan rootSpan() {
    return TestSpan.builder()
        .name("root")
        .kind(SpanKind.INTERNAL)
        .spanContext(
            SpanContext.create(0, 1, 2, (byte) 0, TraceState.empty()))
        .startEpochNanos(START)
        .endEpochNanos(START + 1)
        .resource(RESOURCE)
        .instrumentationScope(SCOPE_WITHOUT_VERSION)
        .build();
  }

  /** A small sampled span, distinguished by {@code name} and {@code spanId}. */
  static TestSpan span(String name, long spanId, Resource resource, InstrumentationScope scope) {
    return TestSpan.builder()
        .name(name)
        .kind(SpanKind.CLIENT)
        .spanContext(
            SpanContext.create(
                TRACE_ID_HIGH, TRACE_ID_LOW, spanId, SpanContext.FLAG_SAMPLED, TraceState.empty()))
        .parentSpanContext(LOCAL_PARENT)
        .startEpochNanos(START)
        .endEpochNanos(START + 1_000)
        .attributes(Attributes.of(stringKey("peer.service"), "db"))
        .resource(resource)
        .instrumentationScope(scope)
        .build();
  }
}
