package dev.ariadne.model.jaeger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerSpanContext;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.exceptions.SenderException;
import io.jaegertracing.internal.reporters.InMemoryReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.thrift.internal.senders.ThriftSender;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import io.opentracing.References;
import io.opentracing.tag.Tags;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.thrift.transport.TTransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decodes what the real Jaeger Java client writes, through its own senders. */
class JaegerClientInteropTest {
  private static final long START_MICROS = 1_700_000_000_000_000L;

  private final InMemoryReporter reporter = new InMemoryReporter();
  private final JaegerTracer tracer = new JaegerTracer.Builder("frontend")
      .withReporter(reporter)
      .withSampler(new ConstSampler(true))
      .withTraceId128Bit()
      .withTag("region", "eu-1")
      .build();

  private JaegerSpan root;
  private JaegerSpan child;
  private JaegerSpan receipt;

  @AfterEach
  void closeTracer() {
    tracer.close();
  }

  @Test
  void decodesTheBatchThatHttpSenderPosts() throws Exception {
    BodyCapturingSender sender = new BodyCapturingSender();
    for (JaegerSpan span : trace()) {
      sender.append(span);
    }
    sender.flush();

    assertDecodedTrace(JaegerThriftDecoder.BINARY.decode(sender.body));
  }

  @Test
  void decodesTheDatagramThatUdpSenderSendsToAnAgent() throws Exception {
    try (DatagramSocket agent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      agent.setSoTimeout(10_000);
      UdpSender sender = new UdpSender(
          agent.getLocalAddress().getHostAddress(), agent.getLocalPort(), 0);
      for (JaegerSpan span : trace()) {
        sender.append(span);
      }
      sender.close();
      DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
      agent.receive(packet);

      byte[] datagram = Arrays.copyOf(packet.getData(), packet.getLength());
      assertDecodedTrace(JaegerThriftDecoder.COMPACT.decodeEmitBatch(datagram));
    }
  }

  /**
   * A server span; a client child with a tag of every type the client writes, an error and a log;
   * and a span that follows from the child.
   */
  private List<JaegerSpan> trace() {
    root = tracer.buildSpan("GET /checkout")
        .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_SERVER)
        .withStartTimestamp(START_MICROS)
        .start();
    child = tracer.buildSpan("charge")
        .asChildOf(root)
        .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_CLIENT)
        .withStartTimestamp(START_MICROS + 100)
        .start();
    child.setTag("card.type", "visa")
        .setTag("amount.cents", 1999L)
        .setTag("fraud.score", 0.25)
        .setTag("retry", true)
        .setTag(Tags.ERROR.getKey(), true);
    child.log(START_MICROS + 150, Map.of("event", "card declined", "attempt", 2));
    child.finish(START_MICROS + 400);
    receipt = tracer.buildSpan("send receipt")
        .addReference(References.FOLLOWS_FROM, child.context())
        .withStartTimestamp(START_MICROS + 500)
        .start();
    receipt.finish(START_MICROS + 900);
    root.finish(START_MICROS + 1_000);
    return reporter.getSpans();
  }

  private void assertDecodedTrace(DecodeResult result) {
    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
    assertThat(result.spans()).extracting(Span::name)
        .containsExactlyInAnyOrder("GET /checkout", "charge", "send receipt");
    JaegerSpanContext rootContext = root.context();
    TraceId traceId = new TraceId(rootContext.getTraceIdHigh(), rootContext.getTraceIdLow());
    assertThat(traceId.high()).as("a 128-bit trace ID").isNotZero();

    Span server = named(result, "GET /checkout");
    assertThat(server.traceId()).isEqualTo(traceId);
    assertThat(server.spanId()).isEqualTo(rootContext.getSpanId());
    assertThat(server.parentSpanId()).isZero();
    assertThat(server.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(server.startEpochNanos()).isEqualTo(START_MICROS * 1000);
    assertThat(server.endEpochNanos()).isEqualTo((START_MICROS + 1_000) * 1000);
    assertThat(server.flags()).isEqualTo(1);
    assertThat(server.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(server.attributes()).contains(
        Attribute.of("sampler.type", "const"), Attribute.of("sampler.param", true));
    assertThat(server.resource().serviceName()).isEqualTo("frontend");
    assertThat(server.resource().attributes()).contains(
        Attribute.of("service.name", "frontend"),
        Attribute.of("region", "eu-1"),
        Attribute.of("jaeger.version", "Java-1.8.1"));
    assertThat(server.resource().attributes()).extracting(Attribute::key)
        .contains("hostname", "ip");

    Span client = named(result, "charge");
    assertThat(client.traceId()).isEqualTo(traceId);
    assertThat(client.spanId()).isEqualTo(child.context().getSpanId());
    assertThat(client.parentSpanId()).isEqualTo(rootContext.getSpanId());
    assertThat(client.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(client.durationNanos()).isEqualTo(300_000);
    assertThat(client.attributes()).containsExactlyInAnyOrder(
        Attribute.of("card.type", "visa"),
        Attribute.of("amount.cents", 1999L),
        Attribute.of("fraud.score", 0.25),
        Attribute.of("retry", true));
    assertThat(client.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(client.events()).containsExactly(new Event(
        (START_MICROS + 150) * 1000, "card declined", List.of(Attribute.of("attempt", 2L)), 0));
    assertThat(client.links()).isEmpty();
    assertThat(client.resource()).isEqualTo(server.resource());

    Span followsFrom = named(result, "send receipt");
    assertThat(followsFrom.traceId()).isEqualTo(traceId);
    assertThat(followsFrom.parentSpanId()).isEqualTo(child.context().getSpanId());
    assertThat(followsFrom.kind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(followsFrom.links()).containsExactly(new Link(
        traceId, child.context().getSpanId(), "",
        List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true));
  }

  private static Span named(DecodeResult result, String name) {
    return result.spans().stream().filter(span -> span.name().equals(name)).findFirst()
        .orElseThrow();
  }

  /** Serializes a batch exactly as HttpSender does before posting it to /api/traces. */
  private static final class BodyCapturingSender extends ThriftSender {
    private byte[] body;

    BodyCapturingSender() throws TTransportException {
      super(ProtocolType.Binary, 0);
    }

    @Override
    public void send(Process process, List<io.jaegertracing.thriftjava.Span> spans)
        throws SenderException {
      try {
        body = serialize(new Batch(process, spans));
      } catch (Exception e) {
        throw new SenderException("cannot serialize the batch", e, spans.size());
      }
    }
  }
}
