package dev.ariadne.kafka;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.storage.SpanWriter;
import dev.ariadne.storage.SpansTooLargeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The collector role's writer: spans to a Kafka topic. Each write becomes one record per trace,
 * keyed by the trace's 16-byte ID so that a trace's spans go to one partition, its value an OTLP
 * {@code ExportTraceServiceRequest} in protobuf; a trace larger than {@link
 * Builder#maxMessageBytes} is cut into several records.
 *
 * <p>{@link #write} returns only once Kafka has acknowledged every record of the write ({@code
 * acks=all}, idempotent producer). If Kafka refuses one, or {@link Builder#sendTimeout} passes
 * first, it throws {@link IOException}, and the collector answers 503 so that the client sends
 * again; records that were in flight may still arrive, so the spans may then be stored twice. A
 * span larger by itself than a record holds is not sent: once the others are acknowledged, the
 * write throws a {@link SpansTooLargeException} naming each such span, and the collector tells
 * the clients whose requests held them that those spans were rejected.
 * Thread-safe: writer threads share one producer.
 */
public final class KafkaSpanWriter implements SpanWriter, Closeable {
  /** The topic unless {@link Builder#topic} says otherwise. */
  public static final String DEFAULT_TOPIC = "ariadne-spans";

  private final Producer<byte[], byte[]> producer;
  private final String bootstrapServers;
  private final String topic;
  private final Duration sendTimeout;
  private final int maxValueBytes;
  private final WriterMeters meters;
  private final KafkaClientMetrics clientMetrics;

  private KafkaSpanWriter(Builder builder) {
    this.bootstrapServers = builder.bootstrapServers;
    this.topic = builder.topic;
    this.sendTimeout = builder.sendTimeout;
    this.maxValueBytes = builder.maxMessageBytes - TraceRecords.RECORD_OVERHEAD;
    this.meters = new WriterMeters(builder.meterRegistry, topic);
    this.producer = new KafkaProducer<>(builder.properties.with(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, builder.maxMessageBytes,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, builder.sendTimeout.toMillis())),
        new ByteArraySerializer(), new ByteArraySerializer());
    this.clientMetrics = new KafkaClientMetrics(producer, Tags.of("topic", topic));
    clientMetrics.bindTo(builder.meterRegistry);
  }

  /** A writer to the Kafka cluster that {@code bootstrapServers} ({@code host:port,...}) reach. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /**
   * Sends the spans, one record per trace (or several for a trace larger than a record), and
   * returns once Kafka has acknowledged every record.
   *
   * @throws SpansTooLargeException if a span by itself is larger than a record holds, naming each
   *     such span; every other span was sent and acknowledged
   * @throws IOException if Kafka refused a record or did not acknowledge every record within the
   *     send timeout (or, with the producer's buffer full, twice it); the spans of records in flight
   *     may still arrive
   */
  @Override
  public void write(List<Span> spans) throws IOException {
    if (spans.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    TraceRecords.Records records = TraceRecords.of(spans, maxValueBytes);
    meters.tooLarge(records.tooLarge().size());
    List<TraceRecords.Part> parts = records.parts();
    List<Future<RecordMetadata>> acks = new ArrayList<>(parts.size());
    Throwable refusal = null;
    try {
      for (TraceRecords.Part part : parts) {
        if (System.nanoTime() - deadline >= 0) {
          break;
        }
        acks.add(producer.send(new ProducerRecord<>(topic, part.key(), part.value())));
      }
    } catch (KafkaException | IllegalStateException e) {
      // A closed producer, or one whose configuration or state cannot send at all.
      refusal = e;
    }
    int late = 0;
    boolean interrupted = false;
    for (int i = 0; i < parts.size(); i++) {
      TraceRecords.Part part = parts.get(i);
      if (i >= acks.size() || interrupted) {
        meters.failed(part);
        late++;
        continue;
      }
      try {
        long remaining = Math.max(0, deadline - System.nanoTime());
        acks.get(i).get(remaining, TimeUnit.NANOSECONDS);
        meters.produced(part);
      } catch (ExecutionException e) {
        meters.failed(part);
        if (refusal == null) {
          refusal = e.getCause();
        }
      } catch (TimeoutException e) {
        meters.failed(part);
        late++;
      } catch (InterruptedException e) {
        meters.failed(part);
        interrupted = true;
        late++;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for Kafka at " + bootstrapServers
          + " to acknowledge " + late + " of " + parts.size() + " records for topic " + topic);
    }
    if (refusal != null) {
      throw new IOException("Kafka at " + bootstrapServers + " did not take a record for topic "
          + topic + ": " + refusal.getMessage(), refusal);
    }
    if (late > 0) {
      throw new IOException("Kafka at " + bootstrapServers + " did not acknowledge " + late
          + " of " + parts.size() + " records for topic " + topic + " within the send timeout ("
          + sendTimeout.toMillis() + " ms)");
    }
    records.throwIfTooLarge();
  }

  /** Sends what is buffered, waiting at most the send timeout, and closes the producer. */
  @Override
  public void close() {
    producer.close(sendTimeout);
    clientMetrics.close();
  }

  /** Sets up a {@link KafkaSpanWriter}. */
  public static final class Builder {
    private static final int MIN_MESSAGE_BYTES = 1024;

    private final String bootstrapServers;
    private final ClientProperties properties = new ClientProperties("KafkaSpanWriter", Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "the builder's bootstrapServers",
        ProducerConfig.ACKS_CONFIG, "all, so that an acknowledged span is on every in-sync replica",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        "true, so that the producer's retries neither duplicate nor reorder records",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "maxMessageBytes",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, "sendTimeout",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the key is the trace ID's bytes",
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the value is OTLP protobuf"));
    private String topic = DEFAULT_TOPIC;
    private Duration sendTimeout = Duration.ofSeconds(10);
    private int maxMessageBytes = 1024 * 1024;
    private MeterRegistry meterRegistry;

    private Builder(String bootstrapServers) {
      this.bootstrapServers =
          ClientProperties.required("bootstrapServers", bootstrapServers, "host:port,...");
    }

    /** The topic the spans go to. Default {@value KafkaSpanWriter#DEFAULT_TOPIC}. */
    public Builder topic(String topic) {
      this.topic = ClientProperties.required("topic", topic, null);
      return this;
    }

    /**
     * How long a write waits for Kafka to acknowledge every record of it before it throws; also
     * how long sending one record may wait for the topic's metadata or for room in the producer's
     * buffer. Default 10 seconds.
     */
    public Builder sendTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "sendTimeout: " + timeout + " (expected: at least 1 ms, at most 24 days)");
      }
      this.sendTimeout = timeout;
      return this;
    }

    /**
     * The largest record, in bytes as Kafka counts it (its value, key and headers): the producer's
     * {@code max.request.size}. At most the topic's {@code max.message.bytes} (the broker's
     * {@code message.max.bytes}, 1 MiB and 12 bytes, by default), or Kafka refuses the larger
     * records. A record's value holds at most this less 128 bytes. Default 1 MiB.
     */
    public Builder maxMessageBytes(int bytes) {
      if (bytes < MIN_MESSAGE_BYTES) {
        throw new IllegalArgumentException(
            "maxMessageBytes: " + bytes + " (expected: >= " + MIN_MESSAGE_BYTES + ")");
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * Any other setting of Kafka's producer ({@code compression.type}, {@code linger.ms}, security
     * settings), passed through.
     *
     * @throws IllegalArgumentException for a setting the writer sets itself: {@code
     *     bootstrap.servers}, {@code acks}, {@code enable.idempotence}, {@code max.request.size},
     *     {@code max.block.ms} and the serializers
     */
    public Builder property(String key, String value) {
      properties.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * Where the writer's meters go: its own ({@code ariadne.kafka.*}) and the producer's ({@code
     * kafka.producer.*}). Default: a registry of its own.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * A writer with its producer; connecting happens at the first write.
     *
     * @throws org.apache.kafka.common.KafkaException if a passed-through setting is invalid
     */
    public KafkaSpanWriter build() {
      if (meterRegistry == null) {
        meterRegistry = new SimpleMeterRegistry();
      }
      return new KafkaSpanWriter(this);
    }
  }
}
