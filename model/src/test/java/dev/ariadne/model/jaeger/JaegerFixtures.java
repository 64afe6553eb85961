package dev.ariadne.model.jaeger;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import io.jaegertracing.agent.thrift.Agent;
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
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.transport.TMemoryBuffer;

/** Deterministic Jaeger Thrift batches, their bytes in either protocol, and the spans they mean. */
final class JaegerFixtures {
  static final long TRACE_ID_HIGH = 0x463ac35c9f6413adL;
  static final long TRACE_ID_LOW = 0x48485a3953bb6124L;
  static final long SPAN_ID = 0x1a2b3c4d5e6f7081L;
  static final long PARENT_ID = 0x0102030405060708L;
  static final long CAUSE_ID = 0x0a0b0c0d0e0f1011L;
  static final long START_MICROS = 1_700_000_000_123_456L;

  private JaegerFixtures() {}

  static Process process() {
    return new Process("checkout").setTags(new ArrayList<>(List.of(
        string("hostname", "host-1"),
        string("ip", "10.0.0.7"),
        new Tag("pid", TagType.LONG).setVLong(4242))));
  }

  /** A server span with every field Jaeger Thrift has, and a tag of every type. */
  static io.jaegertracing.thriftjava.Span serverSpan() {
    return new io.jaegertracing.thriftjava.Span(
            TRACE_ID_LOW, TRACE_ID_HIGH, SPAN_ID, PARENT_ID, "GET /cart", 1, START_MICROS, 2_500)
        .setReferences(new ArrayList<>(List.of(
            new SpanRef(SpanRefType.CHILD_OF, TRACE_ID_LOW, TRACE_ID_HIGH, PARENT_ID),
            new SpanRef(SpanRefType.FOLLOWS_FROM, TRACE_ID_LOW, TRACE_ID_HIGH, CAUSE_ID))))
        .setTags(new ArrayList<>(List.of(
            string("span.kind", "server"),
            string("http.method", "GET"),
            new Tag("http.status_code", TagType.LONG).setVLong(200),
            new Tag("sampler.param", TagType.DOUBLE).setVDouble(0.5),
            new Tag("cache.hit", TagType.BOOL).setVBool(true),
            new Tag("payload", TagType.BINARY).setVBinary(new byte[] {1, 2, 3}))))
        .setLogs(new ArrayList<>(List.of(
            new Log(START_MICROS + 100, new ArrayList<>(List.of(
                string("event", "retry"),
                new Tag("attempt", TagType.LONG).setVLong(2)))),
            new Log(START_MICROS + 200, new ArrayList<>(List.of(
                string("message", "no event field")))))));
  }

  /** What {@link #serverSpan()} in a batch from {@link #process()} decodes to. */
  static Span decodedServerSpan() {
    TraceId traceId = new TraceId(TRACE_ID_HIGH, TRACE_ID_LOW);
    return Span.builder()
        .traceId(traceId)
        .spanId(SPAN_ID)
        .parentSpanId(PARENT_ID)
        .name("GET /cart")
        .kind(SpanKind.SERVER)
        .startEpochNanos(START_MICROS * 1000)
        .endEpochNanos((START_MICROS + 2_500) * 1000)
        .resource(new Resource("checkout", List.of(
            Attribute.of("service.name", "checkout"),
            Attribute.of("hostname", "host-1"),
            Attribute.of("ip", "10.0.0.7"),
            Attribute.of("pid", 4242L)), 0))
        .attributes(List.of(
            Attribute.of("http.method", "GET"),
            Attribute.of("http.status_code", 200L),
            Attribute.of("sampler.param", 0.5),
            Attribute.of("cache.hit", true),
            new Attribute("payload", new Value.Bytes(new byte[] {1, 2, 3}))))
        .events(List.of(
            new Event((START_MICROS + 100) * 1000, "retry",
                List.of(Attribute.of("attempt", 2L)), 0),
            new Event((START_MICROS + 200) * 1000, "log",
                List.of(Attribute.of("message", "no event field")), 0)))
        .links(List.of(new Link(traceId, CAUSE_ID, "",
            List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true)))
        .flags(1)
        .build();
  }

  /** A minimal valid span: the required fields only. */
  static io.jaegertracing.thriftjava.Span span(long spanId) {
    return new io.jaegertracing.thriftjava.Span(
        TRACE_ID_LOW, TRACE_ID_HIGH, spanId, 0, "op", 1, START_MICROS, 10);
  }

  static Batch batch(io.jaegertracing.thriftjava.Span... spans) {
    return new Batch(process(), new ArrayList<>(Arrays.asList(spans)));
  }

  static Tag string(String key, String value) {
    return new Tag(key, TagType.STRING).setVStr(value);
  }

  static TProtocolFactory protocolFactory(JaegerThriftDecoder decoder) {
    return switch (decoder) {
      case BINARY -> new TBinaryProtocol.Factory();
      case COMPACT -> new TCompactProtocol.Factory();
    };
  }

  /** A struct's bytes in the decoder's protocol, as {@code TSerializer} writes them. */
  static byte[] serialize(JaegerThriftDecoder decoder, TBase<?, ?> struct) throws TException {
    return new TSerializer(protocolFactory(decoder)).serialize(struct);
  }

  /** An {@code Agent.emitBatch} message, as a UDP client writes it. */
  static byte[] emitBatch(JaegerThriftDecoder decoder, Batch batch) throws TException {
    return write(decoder, protocol -> new Agent.Client(protocol).send_emitBatch(batch));
  }

  interface Writer {
    void write(TProtocol protocol) throws TException;
  }

  /** Bytes written by hand with the decoder's protocol, for bodies no generated class writes. */
  static byte[] write(JaegerThriftDecoder decoder, Writer writer) throws TException {
    TMemoryBuffer buffer = new TMemoryBuffer(64);
    writer.write(protocolFactory(decoder).getProtocol(buffer));
    return Arrays.copyOf(buffer.getArray(), buffer.length());
  }
}
