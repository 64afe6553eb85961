package dev.ariadne.model.jaeger;

import static dev.ariadne.model.jaeger.JaegerFixtures.batch;
import static dev.ariadne.model.jaeger.JaegerFixtures.serverSpan;
import static dev.ariadne.model.jaeger.JaegerFixtures.span;
import static dev.ariadne.model.jaeger.JaegerFixtures.string;
import static dev.ariadne.model.otlp.OtlpRoundTrip.assertRoundTrips;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.InMemoryReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import io.opentracing.References;
import io.opentracing.tag.Tags;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spans the Jaeger decoders give come back equal through OTLP/protobuf, as an agent forwards what
 * its Jaeger receivers took: follows-from references, a process without a service name, the tags
 * that become the kind, status, scope and trace state.
 */
class JaegerOtlpRoundTripTest {

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void keepsTheSpansOfAThriftBatch(JaegerThriftDecoder decoder) throws Exception {
    io.jaegertracing.thriftjava.Span tagged = span(7).setFlags(3).setTags(new ArrayList<>(List.of(
        string("span.kind", "producer"),
        string("otel.status_code", "ERROR"),
        string("otel.status_description", "queue full"),
        string("otel.scope.name", "kafka"),
        string("otel.scope.version", "3.1"),
        string("w3c.tracestate", "v=1"))));
    Batch batch = batch(serverSpan(), tagged);

    List<Span> spans = decoder.decode(JaegerFixtures.serialize(decoder, batch)).spans();

    assertThat(spans.get(0)).isEqualTo(JaegerFixtures.decodedServerSpan());
    assertThat(spans.get(0).links()).extracting(Link::followsFrom).containsExactly(true);
    assertThat(spans.get(1).scope().name()).isEqualTo("kafka");
    assertRoundTrips(spans);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void keepsTheSpansOfAProcessWithoutAServiceName(JaegerThriftDecoder decoder) throws Exception {
    Batch batch = new Batch(new Process(""), new ArrayList<>(List.of(span(1), span(2))));

    List<Span> spans = decoder.decode(JaegerFixtures.serialize(decoder, batch)).spans();

    assertThat(spans).extracting(Span::serviceName)
        .containsExactly(Resource.UNKNOWN_SERVICE, Resource.UNKNOWN_SERVICE);
    assertRoundTrips(spans);
  }

  @Test
  void keepsTheSpansOfAProtobufBatch() throws Exception {
    byte[] request = JaegerProtoFixtures.request(JaegerProtoFixtures.batch(
        JaegerProtoFixtures.process(),
        JaegerProtoFixtures.serverSpan(),
        JaegerProtoFixtures.span(2),
        JaegerProtoFixtures.span(3).message(10, JaegerProtoFixtures.process("",
            JaegerProtoFixtures.string("hostname", "host-2")))));

    List<Span> spans = JaegerProtoDecoder.decode(request).spans();

    assertThat(spans).hasSize(3);
    assertThat(spans.get(0).links()).extracting(Link::followsFrom).containsExactly(true);
    assertThat(spans.get(2).serviceName()).isEqualTo(Resource.UNKNOWN_SERVICE);
    assertRoundTrips(spans);
  }

  @Test
  void keepsTheSpansJaegerClientSendsToAnAgent() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    try (JaegerTracer tracer = new JaegerTracer.Builder("frontend")
            .withReporter(reporter)
            .withSampler(new ConstSampler(true))
            .withTraceId128Bit()
            .build();
        DatagramSocket agent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      JaegerSpan root = tracer.buildSpan("GET /checkout")
          .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_SERVER)
          .start();
      JaegerSpan child = tracer.buildSpan("charge").asChildOf(root).start();
      child.setTag("amount.cents", 1999L).setTag("fraud.score", 0.25).setTag("error", true);
      child.log(Map.of("event", "card declined", "attempt", 2));
      child.finish();
      tracer.buildSpan("send receipt")
          .addReference(References.FOLLOWS_FROM, child.context())
          .start()
          .finish();
      root.finish();
      agent.setSoTimeout(10_000);
      UdpSender sender = new UdpSender(
          agent.getLocalAddress().getHostAddress(), agent.getLocalPort(), 0);
      for (JaegerSpan span : reporter.getSpans()) {
        sender.append(span);
      }
      sender.close();
      DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
      agent.receive(packet);

      List<Span> spans = JaegerThriftDecoder.COMPACT
          .decodeEmitBatch(Arrays.copyOf(packet.getData(), packet.getLength()))
          .spans();

      assertThat(spans).hasSize(3);
      assertThat(spans).flatExtracting(Span::links).extracting(Link::followsFrom)
          .containsExactly(true);
      assertRoundTrips(spans);
    }
  }
}
