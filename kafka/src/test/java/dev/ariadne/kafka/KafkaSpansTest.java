package dev.ariadne.kafka;

import static dev.ariadne.kafka.KafkaTests.await;
import static dev.ariadne.kafka.KafkaTests.fullSpan;
import static dev.ariadne.kafka.KafkaTests.holdsAll;
import static dev.ariadne.kafka.KafkaTests.missing;
import static dev.ariadne.kafka.KafkaTests.newTopic;
import static dev.ariadne.kafka.KafkaTests.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Status;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import dev.ariadne.collector.Collector;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import dev.ariadne.model.otlp.OtlpProtobufEncoder;
import dev.ariadne.storage.SpanWriter;
import dev.ariadne.storage.SpansTooLargeException;
import dev.ariadne.storage.memory.MemoryStorage;
import dev.ariadne.testservers.KafkaBroker;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KafkaSpanWriter} and {@link KafkaIngester} against a real broker: spans through a topic
 * into a {@link MemoryStorage}, each test on a topic of its own.
 */
class KafkaSpansTest {
  @TempDir static Path dir;
  private static KafkaBroker broker;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MemoryStorage storage = MemoryStorage.create(1_000_000);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws IOException {
    broker = KafkaBroker.start(dir);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Test
  void roundTripKeepsEveryFieldOfEverySpan() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    TraceId first = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);
    TraceId second = new TraceId(1, 2);
    List<Span> spans = List.of(fullSpan(first, 1), fullSpan(second, 2), fullSpan(first, 3));
    KafkaSpanWriter writer = writer(topic, builder -> builder);

    writer.write(spans);
    ingester(topic, storage).start();

    await(() -> storage.spanCount() == 3, () -> "stored " + storage.spanCount() + " of 3 spans");
    assertThat(storage.trace(first)).containsExactlyInAnyOrder(spans.get(0), spans.get(2));
    assertThat(storage.trace(second)).containsExactly(spans.get(1));
    // One record per trace, keyed by its ID's 16 bytes, its value the trace's spans as OTLP.
    List<ConsumerRecord<byte[], byte[]>> records = read(topic, 2);
    assertThat(records).extracting(ConsumerRecord::key)
        .containsExactly(TraceRecords.key(first), TraceRecords.key(second));
    assertThat(OtlpProtobufDecoder.decode(records.get(0).value()).spans())
        .containsExactly(spans.get(0), spans.get(2));
    assertThat(counter("ariadne.kafka.records.produced")).isEqualTo(2);
    assertThat(counter("ariadne.kafka.bytes.produced")).isEqualTo(records.stream()
        .mapToInt(r -> r.key().length + r.value().length).sum());
    assertThat(counter("ariadne.kafka.ingester.records")).isEqualTo(2);
    assertThat(counter("ariadne.kafka.ingester.spans")).isEqualTo(3);
    // Kafka's own meters of the clients, the consumer's lag among them.
    assertThat(registry.find("kafka.producer.record.send.total").tag("topic", topic).meter())
        .isNotNull();
    assertThat(registry.find("kafka.consumer.fetch.manager.records.lag.max")
        .tag("topic", topic).meter()).isNotNull();
  }

  @Test
  void manyTracesFromSeveralWriterThreadsAllArrive() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 3);
    KafkaSpanWriter writer = writer(topic, builder -> builder);
    // Two ingesters of one group share the partitions.
    ingester(topic, storage).start();
    ingester(topic, storage).start();
    int threads = 4;
    int writesPerThread = 50;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<List<Span>>> written = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        written.add(executor.submit(() -> {
          List<Span> sent = new ArrayList<>();
          for (int i = 0; i < writesPerThread; i++) {
            List<Span> batch = new ArrayList<>();
            for (int trace = 0; trace < 5; trace++) {
              batch.addAll(trace(3));
            }
            writer.write(batch);
            sent.addAll(batch);
          }
          return sent;
        }));
      }
      List<Span> sent = new ArrayList<>();
      for (Future<List<Span>> future : written) {
        sent.addAll(future.get());
      }

      await(() -> holdsAll(storage, sent),
          () -> missing(storage, sent).size() + " of " + sent.size() + " spans missing");
      assertThat(storage.spanCount()).isEqualTo(sent.size());
      assertThat(counter("ariadne.kafka.records.produced"))
          .isEqualTo(threads * writesPerThread * 5);
      assertThat(counter("ariadne.kafka.records.failed")).isZero();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void anIngesterClosedMidStreamAndANewOneStartedLoseNothing() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 2);
    KafkaSpanWriter writer = writer(topic, builder -> builder);
    KafkaIngester first = ingester(topic, storage);
    first.start();
    List<Span> sent = new ArrayList<>();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    AtomicBoolean stopWriting = new AtomicBoolean();
    try {
      Future<?> writing = executor.submit(() -> {
        while (!stopWriting.get()) {
          List<Span> spans = trace(4);
          writer.write(spans);
          synchronized (sent) {
            sent.addAll(spans);
          }
        }
        return null;
      });
      await(() -> storage.spanCount() >= 200, () -> "stored " + storage.spanCount() + " spans");
      first.close();
      int storedByFirst = storage.spanCount();
      KafkaIngester second = ingester(topic, storage);
      second.start();
      await(() -> storage.spanCount() >= storedByFirst + 200,
          () -> "stored " + storage.spanCount() + " spans");
      stopWriting.set(true);
      writing.get();

      await(() -> holdsAll(storage, sent),
          () -> missing(storage, sent).size() + " of " + sent.size() + " spans missing");
      // At least once: spans may arrive twice, never not at all.
      Set<String> distinct = new HashSet<>();
      int held = 0;
      for (TraceId traceId : traceIds(sent)) {
        for (Span span : storage.trace(traceId)) {
          distinct.add(traceId.toHex() + span.spanId());
          held++;
        }
      }
      assertThat(distinct).as("%d spans held, %d of them duplicates", held,
          held - distinct.size()).hasSize(sent.size());
    } finally {
      stopWriting.set(true);
      executor.shutdownNow();
    }
  }

  @Test
  void whileStorageFailsTheIngesterRetriesAndSkipsNothing() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    AtomicBoolean failing = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    SpanWriter flaky = failingWhile(failing, refused);
    KafkaSpanWriter writer = writer(topic, builder -> builder);
    List<Span> first = trace(5);
    writer.write(first);
    ingester(topic, flaky).start();

    await(() -> refused.get() >= 3, () -> "storage was tried " + refused.get() + " times");
    List<Span> second = trace(5);
    writer.write(second);
    failing.set(false);

    List<Span> all = new ArrayList<>(first);
    all.addAll(second);
    await(() -> holdsAll(storage, all), () -> missing(storage, all) + " missing");
    assertThat(storage.spanCount()).isEqualTo(10);
    assertThat(counter("ariadne.kafka.ingester.storage.retries")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theListenerOfStoredSpansHearsOfEachSpanOnceStoredAndItsFailuresHarmNothing()
      throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    AtomicBoolean failing = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    SpanWriter flaky = failingWhile(failing, refused);
    List<Span> heard = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    KafkaIngester ingester = KafkaIngester.builder(broker.bootstrapServers(), flaky)
        .topic(topic)
        .groupId(topic + "-ingesters")
        .meterRegistry(registry)
        .onStored(spans -> {
          synchronized (heard) {
            assertThat(holdsAll(storage, spans)).as("stored before heard of").isTrue();
            heard.addAll(spans);
          }
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("a listener that fails once");
          }
        })
        .build();
    toClose.add(ingester);
    KafkaSpanWriter writer = writer(topic, builder -> builder);
    List<Span> first = trace(5);
    writer.write(first);
    ingester.start();
    await(() -> refused.get() >= 2, () -> "storage was tried " + refused.get() + " times");
    synchronized (heard) {
      assertThat(heard).as("nothing heard of while storage refuses").isEmpty();
    }
    failing.set(false);
    await(() -> calls.get() >= 1, () -> "the listener was not called");
    List<Span> second = trace(5);
    writer.write(second);

    List<Span> all = new ArrayList<>(first);
    all.addAll(second);
    await(() -> {
      synchronized (heard) {
        return heard.size() >= all.size();
      }
    }, () -> heard.size() + " spans heard of");
    synchronized (heard) {
      assertThat(heard).containsExactlyInAnyOrderElementsOf(all);
    }
    assertThat(storage.spanCount()).isEqualTo(10);
  }

  @Test
  void spansStorageRefusesAsTooLargeAreSkippedAndTheRestIsStoredWithoutRetrying()
      throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    // Storage that refuses the span named "huge" as too large for it and keeps the rest.
    SpanWriter refusingHuge = spans -> {
      IdentityHashMap<Span, String> tooLarge = new IdentityHashMap<>();
      List<Span> kept = new ArrayList<>();
      for (Span span : spans) {
        if (span.name().equals("huge")) {
          tooLarge.put(span, "span " + span.spanId() + " is too large for a row");
        } else {
          kept.add(span);
        }
      }
      storage.write(kept);
      if (!tooLarge.isEmpty()) {
        throw new SpansTooLargeException(tooLarge);
      }
    };
    List<Span> heard = new CopyOnWriteArrayList<>();
    KafkaIngester ingester = KafkaIngester.builder(broker.bootstrapServers(), refusingHuge)
        .topic(topic)
        .groupId(topic + "-ingesters")
        .meterRegistry(registry)
        .onStored(heard::addAll)
        .build();
    toClose.add(ingester);
    KafkaSpanWriter writer = writer(topic, builder -> builder);
    List<Span> first = new ArrayList<>(trace(3));
    Span huge = Span.builder().traceId(first.get(0).traceId()).spanId(9).name("huge")
        .resource(first.get(0).resource()).startEpochNanos(first.get(0).startEpochNanos())
        .endEpochNanos(first.get(0).endEpochNanos()).build();
    writer.write(List.of(first.get(0), huge, first.get(1), first.get(2)));
    ingester.start();
    await(() -> holdsAll(storage, first), () -> missing(storage, first) + " missing");
    List<Span> second = trace(2);
    writer.write(second);

    await(() -> holdsAll(storage, second), () -> missing(storage, second) + " missing");
    assertThat(storage.trace(huge.traceId())).containsExactlyInAnyOrderElementsOf(first);
    List<Span> all = new ArrayList<>(first);
    all.addAll(second);
    // The listener hears of a write just after storage has it.
    await(() -> heard.size() >= all.size(), () -> heard.size() + " spans heard of");
    assertThat(heard).containsExactlyInAnyOrderElementsOf(all);
    assertThat(counter("ariadne.kafka.ingester.spans.too.large")).isEqualTo(1);
    assertThat(counter("ariadne.kafka.ingester.spans")).isEqualTo(5);
    assertThat(counter("ariadne.kafka.ingester.storage.retries")).isZero();
  }

  @Test
  void closeFinishesTheWriteInHandAndCommitsIt() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    CountDownLatch inWrite = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SpanWriter gated = spans -> {
      inWrite.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      storage.write(spans);
    };
    List<Span> spans = trace(3);
    writer(topic, builder -> builder).write(spans);
    KafkaIngester first = ingester(topic, gated);
    first.start();
    assertThat(inWrite.await(KafkaTests.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<?> closing = executor.submit(first::close);
      release.countDown();
      closing.get();
    } finally {
      executor.shutdownNow();
    }

    assertThat(storage.trace(spans.get(0).traceId())).containsExactlyInAnyOrderElementsOf(spans);
    // Committed: the group's next member starts after the record, and writes nothing again.
    MemoryStorage next = MemoryStorage.create(1000);
    List<Span> later = trace(1);
    writer(topic, builder -> builder).write(later);
    ingester(topic, next).start();
    await(() -> holdsAll(next, later), () -> "the next ingester stored " + next.spanCount());
    assertThat(next.spanCount()).isEqualTo(1);
  }

  @Test
  void aRebalanceWhileStorageFailsHandsOverWhatWasNotWritten() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 2);
    AtomicBoolean failing = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    SpanWriter flaky = failingWhile(failing, refused);
    KafkaSpanWriter writer = writer(topic, builder -> builder);
    List<Span> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<Span> spans = trace(2);
      writer.write(spans);
      sent.addAll(spans);
    }
    ingester(topic, flaky).start();
    await(() -> refused.get() >= 2, () -> "storage was tried " + refused.get() + " times");

    // A second member takes one of the partitions whose records the first holds unwritten.
    MemoryStorage other = MemoryStorage.create(1000);
    ingester(topic, other).start();
    await(() -> other.spanCount() > 0, () -> "the second member stored nothing");
    failing.set(false);

    await(() -> missing(storage, missing(other, sent)).isEmpty(),
        () -> missing(storage, missing(other, sent)).size() + " of " + sent.size()
            + " spans in neither storage");
  }

  @Test
  void malformedRecordsAreCountedAndSkipped() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    List<Span> good = trace(2);
    List<Span> keyless = trace(1);
    byte[] request = OtlpProtobufEncoder.encode(good);
    byte[] key = TraceRecords.key(good.get(0).traceId());
    try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(topic, key, "not protobuf at all".getBytes())).get();
      raw.send(new ProducerRecord<>(topic, key, Arrays.copyOf(request, request.length - 7)))
          .get();
      raw.send(new ProducerRecord<>(topic, key, new byte[0])).get();
      raw.send(new ProducerRecord<>(topic, key, null)).get();
      // A key is only where the record goes: the OpenTelemetry Collector's exporter sends none.
      raw.send(new ProducerRecord<>(topic, null, OtlpProtobufEncoder.encode(keyless))).get();
      raw.send(new ProducerRecord<>(topic, key, request)).get();
    }
    ingester(topic, storage).start();

    await(() -> storage.spanCount() == 3, () -> "stored " + storage.spanCount() + " of 3 spans");
    assertThat(storage.trace(good.get(0).traceId())).containsExactlyInAnyOrderElementsOf(good);
    assertThat(storage.trace(keyless.get(0).traceId())).containsExactlyElementsOf(keyless);
    assertThat(counter("ariadne.kafka.ingester.records.malformed")).isEqualTo(4);
    assertThat(counter("ariadne.kafka.ingester.records")).isEqualTo(6);
  }

  @Test
  void aTraceLargerThanARecordIsSplitIntoSeveral() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    int maxMessageBytes = 4096;
    KafkaSpanWriter writer = writer(topic, builder -> builder.maxMessageBytes(maxMessageBytes));
    List<Span> spans = trace(300);

    writer.write(spans);
    ingester(topic, storage).start();

    await(() -> storage.spanCount() == 300, () -> "stored " + storage.spanCount() + " spans");
    assertThat(storage.trace(spans.get(0).traceId())).containsExactlyInAnyOrderElementsOf(spans);
    List<ConsumerRecord<byte[], byte[]>> records =
        read(topic, (int) counter("ariadne.kafka.records.produced"));
    assertThat(records).hasSizeGreaterThan(1).allSatisfy(record -> {
      assertThat(record.key()).isEqualTo(TraceRecords.key(spans.get(0).traceId()));
      assertThat(record.value().length)
          .isLessThanOrEqualTo(maxMessageBytes - TraceRecords.RECORD_OVERHEAD);
    });
    // The parts hold the trace's spans in order.
    List<Span> read = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      read.addAll(OtlpProtobufDecoder.decode(record.value()).spans());
    }
    assertThat(read).containsExactlyElementsOf(spans);
  }

  @Test
  void aSpanLargerThanARecordIsNotSentAndTheWriteNamesItOnceTheOthersAreSent() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    KafkaSpanWriter writer = writer(topic, builder -> builder.maxMessageBytes(4096));
    Span huge = Span.builder()
        .traceId(new TraceId(0x1234, 0x5678))
        .spanId(0xabcdef)
        .name("huge")
        .attributes(List.of(Attribute.of("sql", "x".repeat(5000))))
        .build();
    List<Span> small = trace(2);
    List<Span> spans = new ArrayList<>(small);
    spans.add(huge);

    assertThatThrownBy(() -> writer.write(spans))
        .isInstanceOfSatisfying(SpansTooLargeException.class, e -> {
          assertThat(e.count()).isEqualTo(1);
          assertThat(e.reason(huge))
              .contains("span 0000000000abcdef of trace 00000000000012340000000000005678")
              .contains("more than a Kafka record holds (3968 bytes");
          assertThat(e.reason(small.get(0))).isNull();
        });
    assertThat(counter("ariadne.kafka.spans.too.large")).isEqualTo(1);
    assertThat(counter("ariadne.kafka.records.produced")).isEqualTo(1);
    assertThat(read(topic, 1)).extracting(ConsumerRecord::key)
        .containsExactly(TraceRecords.key(small.get(0).traceId()));
  }

  @Test
  void theCollectorRejectsOnlyTheSpanTooLargeAndStoresTheRestOfItsWrite() throws Exception {
    String topic = newTopic(broker.bootstrapServers(), 1);
    KafkaSpanWriter writer = writer(topic, builder -> builder.maxMessageBytes(4096));
    List<Span> pair = trace(2);
    Span one = pair.get(0);
    Span huge = Span.builder()
        .traceId(one.traceId())
        .spanId(one.spanId())
        .name("huge")
        .resource(one.resource())
        .startEpochNanos(one.startEpochNanos())
        .endEpochNanos(one.endEpochNanos())
        .attributes(List.of(Attribute.of("sql", "x".repeat(5000))))
        .build();
    Span sibling = pair.get(1);
    List<Span> first = trace(2);
    List<Span> fits = trace(2);
    // The first write waits until the other two requests are queued, so that they are written
    // together: one write holding the span too large and the spans that fit.
    CountDownLatch bothQueued = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    SpanWriter gated = spans -> {
      if (writes.incrementAndGet() == 1) {
        try {
          bothQueued.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      writer.write(spans);
    };
    try (Collector collector = Collector.builder(gated).writerThreads(1)
        .meterRegistry(registry).build()) {
      Server server = Server.builder()
          .http(0)
          .service("/v1/traces", collector.otlpHttp())
          .build();
      server.start().join();
      try {
        WebClient client = WebClient.of("http://127.0.0.1:" + server.activeLocalPort());
        CompletableFuture<AggregatedHttpResponse> firstAnswer = post(client, first);
        await(() -> writes.get() == 1, () -> "the first write did not start");
        CompletableFuture<AggregatedHttpResponse> partAnswer =
            post(client, List.of(huge, sibling));
        CompletableFuture<AggregatedHttpResponse> wholeAnswer = post(client, fits);
        await(() -> queued() == 6, () -> queued() + " spans queued or in the write");
        bothQueued.countDown();

        assertThat(firstAnswer.join().status()).isEqualTo(HttpStatus.OK);
        AggregatedHttpResponse part = partAnswer.join();
        assertThat(part.status()).isEqualTo(HttpStatus.OK);
        ExportTracePartialSuccess partial =
            ExportTraceServiceResponse.parseFrom(part.content().array()).getPartialSuccess();
        assertThat(partial.getRejectedSpans()).isEqualTo(1);
        assertThat(partial.getErrorMessage())
            .startsWith("span 0000000000000001 of trace " + huge.traceId().toHex() + " takes ")
            .contains("more than a Kafka record holds");
        AggregatedHttpResponse whole = wholeAnswer.join();
        assertThat(whole.status()).isEqualTo(HttpStatus.OK);
        assertThat(ExportTraceServiceResponse.parseFrom(whole.content().array())
            .hasPartialSuccess()).isFalse();
        assertThat(writes.get()).as("the first write, then one of the other two requests")
            .isEqualTo(2);
      } finally {
        server.stop().join();
      }
    }
    ingester(topic, storage).start();
    List<Span> stored = new ArrayList<>(first);
    stored.addAll(fits);
    stored.add(sibling);
    await(() -> holdsAll(storage, stored), () -> missing(storage, stored) + " missing");
    assertThat(storage.trace(huge.traceId())).containsExactly(sibling);
  }

  private static CompletableFuture<AggregatedHttpResponse> post(WebClient client,
      List<Span> spans) {
    return client.prepare().post("/v1/traces")
        .content(MediaType.PROTOBUF, OtlpProtobufEncoder.encode(spans)).execute().aggregate();
  }

  /** The spans the collector holds, queued or in a write, as its gauge says. */
  private double queued() {
    return registry.find("ariadne.collector.queue.depth").gauges().stream()
        .mapToDouble(g -> g.value()).sum();
  }

  private KafkaSpanWriter writer(String topic,
      UnaryOperator<KafkaSpanWriter.Builder> config) {
    KafkaSpanWriter writer = config.apply(KafkaSpanWriter.builder(broker.bootstrapServers())
        .topic(topic)
        .meterRegistry(registry))
        .build();
    toClose.add(writer);
    return writer;
  }

  /** The test's storage, refusing every write (counted in {@code refused}) while {@code failing}. */
  private SpanWriter failingWhile(AtomicBoolean failing, AtomicInteger refused) {
    return spans -> {
      if (failing.get()) {
        refused.incrementAndGet();
        throw new IOException("storage is down");
      }
      storage.write(spans);
    };
  }

  private KafkaIngester ingester(String topic, SpanWriter target) {
    KafkaIngester ingester = KafkaIngester.builder(broker.bootstrapServers(), target)
        .topic(topic)
        .groupId(topic + "-ingesters")
        .meterRegistry(registry)
        .build();
    toClose.add(ingester);
    return ingester;
  }

  private double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The first {@code count} records of the topic, read by a consumer of no group. */
  private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count)
      throws InterruptedException {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic)
          .stream()
          .map(info -> new TopicPartition(topic, info.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return records.size() >= count;
      }, () -> "read " + records.size() + " of " + count + " records");
    }
    return records;
  }

  private static Set<TraceId> traceIds(List<Span> spans) {
    Set<TraceId> ids = new HashSet<>();
    spans.forEach(span -> ids.add(span.traceId()));
    return ids;
  }
}
