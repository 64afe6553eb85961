package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerBatch;
import static dev.ariadne.collector.TestRequests.jaegerSpan;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.jaeger.JaegerThriftDecoder;
import dev.ariadne.storage.memory.MemoryStorage;
import io.jaegertracing.agent.thrift.Agent;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Jaeger agent's UDP ports: jaeger-client's UdpSender (compact) and a binary-protocol client
 * are stored; whatever is not stored (hostile datagrams, a full queue, a storage failure, the
 * drain) is counted by reason, and harms nothing after it.
 */
class JaegerUdpReceiverTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatedStorage storage = new GatedStorage();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    storage.open();
    for (AutoCloseable closeable : closeAfter) {
      closeable.close();
    }
  }

  @Test
  void storesATraceThatJaegerClientsUdpSenderReports() throws Exception {
    MemoryStorage memory = MemoryStorage.create(1000);
    Collector collector = collector(Collector.builder(memory));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    InetSocketAddress address = receiver.localAddress();

    JaegerClient.Sent sent = JaegerClient.send(
        () -> new UdpSender(address.getHostString(), address.getPort(), 0), true);

    TraceId traceId = new TraceId(sent.root().getTraceIdHigh(), sent.root().getTraceIdLow());
    await("the trace is stored", () -> memory.trace(traceId).size() == 3);
    JaegerInteropTest.assertStored(sent, memory);
    // Counted once the write has returned, a moment after the spans became readable.
    await("the spans are counted", () -> spans("accepted", Protocol.JAEGER_COMPACT) == 3);
  }

  @Test
  void storesAnEmitBatchDatagramOfTheBinaryProtocol() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.BINARY, ANY_PORT);
    TraceId traceId = randomTraceId();

    send(receiver, emitBatch(new TBinaryProtocol.Factory(),
        jaegerBatch("frontend", jaegerSpan(traceId, 1, "GET /"), jaegerSpan(traceId, 2, "db"))));

    await("the trace is stored", () -> storage.trace(traceId).size() == 2);
    // Counted once the write has returned, a moment after the spans became readable.
    await("the datagram is counted", () -> {
      Timer accepted = registry.find(Meters.PREFIX + "requests").tag("receiver", "jaeger_binary")
          .tag("outcome", "accepted").timer();
      return accepted != null && accepted.count() == 1;
    });
    assertThat(spans("accepted", Protocol.JAEGER_BINARY)).isEqualTo(2);
  }

  @Test
  void storesADatagramOfTheLargestUdpPayloadWhole() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    TraceId traceId = randomTraceId();
    io.jaegertracing.thriftjava.Span span = jaegerSpan(traceId, 1, "GET /");
    Batch batch = jaegerBatch("frontend", span);
    // The tag's value fills the datagram to 65,507 bytes exactly; its length prefix grows with it.
    String value = "";
    byte[] datagram = emitBatch(new TCompactProtocol.Factory(), batch);
    while (datagram.length != 65_507) {
      value = "x".repeat(value.length() + 65_507 - datagram.length);
      span.setTags(List.of(new Tag("payload", TagType.STRING).setVStr(value)));
      datagram = emitBatch(new TCompactProtocol.Factory(), batch);
    }

    String expected = value;
    send(receiver, datagram);

    await("the span is stored", () -> storage.trace(traceId).size() == 1);
    assertThat(storage.trace(traceId).get(0).attributes())
        .containsExactly(Attribute.of("payload", expected));
  }

  @Test
  void countsEachHostileDatagramAsMalformedAndStoresAGoodOneAfterThem() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    byte[] good = compactEmitBatch(randomTraceId(), 1);
    byte[] junk = new byte[65_507];
    ThreadLocalRandom.current().nextBytes(junk);
    List<byte[]> hostile = List.of(
        "GET / HTTP/1.1\r\n\r\n".getBytes(US_ASCII),
        Arrays.copyOf(good, good.length / 2),
        compact(protocol -> {
          protocol.writeMessageBegin(new TMessage("emitZipkinBatch", TMessageType.ONEWAY, 1));
          protocol.writeStructBegin(new TStruct("args"));
          protocol.writeFieldStop();
          protocol.writeStructEnd();
          protocol.writeMessageEnd();
        }),
        compact(protocol -> {
          protocol.writeMessageBegin(new TMessage("emitBatch", TMessageType.ONEWAY, 1));
          protocol.writeStructBegin(new TStruct("args"));
          protocol.writeFieldBegin(new TField("batch", TType.STRUCT, (short) 1));
          protocol.writeStructBegin(new TStruct("Batch"));
          protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
          new Process("frontend").write(protocol);
          protocol.writeFieldEnd();
          protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
          protocol.writeListBegin(new TList(TType.STRUCT, Integer.MAX_VALUE));
          jaegerSpan(randomTraceId(), 1, "GET /").write(protocol);
        }),
        junk,
        new byte[0]);

    for (int i = 0; i < hostile.size(); i++) {
      send(receiver, hostile.get(i));
      int dropped = i + 1;
      await("datagram " + dropped + " is counted as malformed",
          () -> datagrams("malformed", Protocol.JAEGER_COMPACT) == dropped);
    }
    TraceId traceId = randomTraceId();
    send(receiver, compactEmitBatch(traceId, 1));

    await("the good datagram is stored", () -> storage.trace(traceId).size() == 1);
    assertThat(droppedSpans("malformed", Protocol.JAEGER_COMPACT)).isZero();
    assertThat(registry.find(Meters.PREFIX + "requests").tag("receiver", "jaeger_compact")
        .tag("outcome", "invalid").timer().count()).isEqualTo(hostile.size());
  }

  @Test
  void countsADatagramWhoseSpansAreAllInvalidWithItsSpans() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);

    send(receiver, emitBatch(new TCompactProtocol.Factory(), jaegerBatch("frontend",
        jaegerSpan(new TraceId(0, 0), 1, "a"), jaegerSpan(new TraceId(0, 0), 2, "b"))));

    await("the datagram is counted", () -> datagrams("invalid", Protocol.JAEGER_COMPACT) == 1);
    assertThat(droppedSpans("invalid", Protocol.JAEGER_COMPACT)).isEqualTo(2);
    assertThat(spans("invalid", Protocol.JAEGER_COMPACT)).isEqualTo(2);
  }

  @Test
  void countsADatagramRefusedBecauseTheQueueIsFull() throws Exception {
    Collector collector =
        collector(Collector.builder(storage).maxQueuedSpans(2).writerThreads(1));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    storage.closeGate();
    TraceId writing = randomTraceId();
    TraceId queued = randomTraceId();
    TraceId refused = randomTraceId();

    send(receiver, compactEmitBatch(writing, 1));
    storage.awaitWrite();
    send(receiver, compactEmitBatch(queued, 1));
    await("the queue is full", () -> queueDepth() == 2);
    send(receiver, compactEmitBatch(refused, 1, 2));
    await("the datagram is refused", () -> datagrams("refused", Protocol.JAEGER_COMPACT) == 1);
    storage.open();

    await("the queued spans are stored", () -> storage.trace(queued).size() == 1);
    assertThat(storage.trace(writing)).hasSize(1);
    assertThat(storage.trace(refused)).isEmpty();
    assertThat(droppedSpans("refused", Protocol.JAEGER_COMPACT)).isEqualTo(2);
    assertThat(spans("refused", Protocol.JAEGER_COMPACT)).isEqualTo(2);
  }

  @Test
  void countsADatagramThatStorageFailedToWrite() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    storage.failWith(new IOException("disk full"));

    send(receiver, compactEmitBatch(randomTraceId(), 1, 2, 3));

    await("the datagram is counted",
        () -> datagrams("storage_failed", Protocol.JAEGER_COMPACT) == 1);
    assertThat(droppedSpans("storage_failed", Protocol.JAEGER_COMPACT)).isEqualTo(3);
    assertThat(spans("failed", Protocol.JAEGER_COMPACT)).isEqualTo(3);
  }

  @Test
  void storesADatagramTakenBeforeTheDrainAndCountsTheOnesAfterItAsStopping() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    storage.closeGate();
    TraceId taken = randomTraceId();
    TraceId late = randomTraceId();

    send(receiver, compactEmitBatch(taken, 1));
    storage.awaitWrite();
    collector.drain();
    send(receiver, compactEmitBatch(late, 1));
    await("the datagram after the drain is counted",
        () -> datagrams("stopping", Protocol.JAEGER_COMPACT) == 1);
    boolean drainedWhileWriting = collector.awaitDrained(Duration.ofMillis(50));
    storage.open();

    assertThat(drainedWhileWriting).as("drained while a datagram was being written").isFalse();
    assertThat(collector.awaitDrained(Duration.ofSeconds(10))).isTrue();
    assertThat(storage.trace(taken)).hasSize(1);
    assertThat(storage.trace(late)).isEmpty();
  }

  @Test
  void closingTheCollectorReleasesThePortAndRefusesNewReceivers() throws Exception {
    Collector collector = Collector.builder(storage).meterRegistry(registry).build();
    JaegerUdpReceiver receiver = collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT);
    InetSocketAddress address = receiver.localAddress();

    collector.close();
    receiver.close();

    try (DatagramSocket rebound = new DatagramSocket(address)) {
      assertThat(rebound.getLocalPort()).isEqualTo(address.getPort());
    }
    assertThatThrownBy(() -> collector.jaegerUdp(JaegerThriftDecoder.COMPACT, ANY_PORT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the collector is closed");
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void failsToBindAPortInUse() throws Exception {
    Collector collector = collector(Collector.builder(storage));
    try (DatagramSocket taken = new DatagramSocket(ANY_PORT)) {
      InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();

      assertThatThrownBy(() -> collector.jaegerUdp(JaegerThriftDecoder.BINARY, address))
          .isInstanceOf(BindException.class);
    }
  }

  private Collector collector(Collector.Builder builder) {
    Collector collector = builder.meterRegistry(registry).build();
    closeAfter.add(collector);
    return collector;
  }

  private static void send(JaegerUdpReceiver receiver, byte[] datagram) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(datagram, datagram.length, receiver.localAddress()));
    }
  }

  /** One emitBatch call as a client of the Agent service writes it in {@code protocol}. */
  private static byte[] emitBatch(TProtocolFactory protocol, Batch batch) throws TException {
    TMemoryBuffer buffer = new TMemoryBuffer(1024);
    new Agent.Client(protocol.getProtocol(buffer)).emitBatch(batch);
    return Arrays.copyOf(buffer.getArray(), buffer.length());
  }

  private static byte[] compactEmitBatch(TraceId traceId, long... spanIds) throws TException {
    List<io.jaegertracing.thriftjava.Span> spans = new ArrayList<>();
    for (long spanId : spanIds) {
      spans.add(jaegerSpan(traceId, spanId, "GET /"));
    }
    return emitBatch(new TCompactProtocol.Factory(), new Batch(new Process("frontend"), spans));
  }

  interface Writer {
    void write(TProtocol protocol) throws TException;
  }

  /** Bytes written by hand in the compact protocol, for datagrams no client sends. */
  private static byte[] compact(Writer writer) throws TException {
    TMemoryBuffer buffer = new TMemoryBuffer(64);
    writer.write(new TCompactProtocol(buffer));
    return Arrays.copyOf(buffer.getArray(), buffer.length());
  }

  private double datagrams(String reason, Protocol protocol) {
    return counter("datagrams.dropped", reason, protocol);
  }

  private double droppedSpans(String reason, Protocol protocol) {
    return counter("datagram.spans.dropped", reason, protocol);
  }

  private double counter(String name, String reason, Protocol protocol) {
    Counter counter = registry.find(Meters.PREFIX + name)
        .tag("protocol", protocol.tag()).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private double spans(String name, Protocol protocol) {
    return registry.get(Meters.PREFIX + "spans." + name).tag("protocol", protocol.tag())
        .counter().count();
  }

  private double queueDepth() {
    return registry.get(Meters.PREFIX + "queue.depth").gauge().value();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 10 seconds");
      }
      Thread.sleep(5);
    }
  }
}
