package dev.ariadne.kafka;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.internal.RepeatedFailure;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import dev.ariadne.storage.SpanWriter;
import dev.ariadne.storage.SpansTooLargeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ingester role: the topic's spans to storage. One thread consumes the topic as a member of
 * its consumer group, decodes each record's OTLP {@code ExportTraceServiceRequest} and writes the
 * spans to a {@link SpanWriter} (a storage backend), several records per write.
 *
 * <p>Delivery is at least once: a record's offset is committed only after the write holding its
 * spans has returned, so after a crash, or a rebalance that takes partitions while their commit
 * fails, some spans are read and written again. When storage fails the write is tried again, with
 * a backoff that doubles up to 5 seconds, for as long as it takes (the partitions stay assigned and
 * paused meanwhile); nothing is skipped or committed. A record that does not decode is logged,
 * counted ({@code ariadne.kafka.ingester.records.malformed}) and skipped, and so are spans that
 * storage refuses as too large for it ({@link SpansTooLargeException}, {@code
 * ariadne.kafka.ingester.spans.too.large}) while it writes the rest. Partitions taken away in
 * a rebalance have what was written of them committed, and what was not dropped from the write in
 * hand, for their new owner to read.
 */
public final class KafkaIngester implements Closeable {
  /** The consumer group unless {@link Builder#groupId} says otherwise. */
  public static final String DEFAULT_GROUP_ID = "ariadne-ingester";

  private static final System.Logger LOG = System.getLogger(KafkaIngester.class.getName());
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** How long a commit may take; past it the offsets are left for a later commit. */
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
  /** A storage write holds at most this many spans (as the collector's writers' batches)... */
  static final int MAX_WRITE_SPANS = 8192;
  /** ...and the spans of records of at most this many bytes, and then of one more record. */
  static final int MAX_WRITE_BYTES = 4 * 1024 * 1024;
  /**
   * How often a record or span skipped (malformed, or too large for storage) is logged at most; the
   * others are counted in the next line.
   */
  private static final Duration SKIPPED_LOG_INTERVAL = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final SpanWriter storage;
  private final Consumer<List<Span>> onStored;
  private final String topic;
  private final Duration closeTimeout;
  private final IngesterMeters meters;
  private final KafkaClientMetrics clientMetrics;
  private final CountDownLatch closeRequested = new CountDownLatch(1);
  private final RepeatedFailure storageFailures = new RepeatedFailure(LOG, Level.WARNING,
      "Writing spans from Kafka to storage", Duration.ofMinutes(1));
  private final RepeatedFailure consumerFailures = new RepeatedFailure(LOG, Level.WARNING,
      "Reading spans from Kafka", Duration.ofMinutes(1));

  private Thread thread;
  private boolean closed;
  /** When {@link #close} stops waiting, in {@link System#nanoTime()}; set before it asks. */
  private volatile long closeDeadline;

  // Owned by the consumer's thread.
  /** Records read and not yet in a write, in the order read. */
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  /** The records of the write in hand, decoded. */
  private final List<Decoded> inHand = new ArrayList<>();
  /** Per partition, the offset after the last record whose spans were written. */
  private final Map<TopicPartition, OffsetAndMetadata> written = new HashMap<>();
  /** Whether the write in hand is being retried, its partitions paused. */
  private boolean retrying;
  private long skippedLoggedNanos = System.nanoTime() - SKIPPED_LOG_INTERVAL.toNanos();
  private long skippedNotLogged;

  private KafkaIngester(Builder builder) {
    this.storage = builder.storage;
    this.onStored = builder.onStored;
    this.topic = builder.topic;
    this.closeTimeout = builder.closeTimeout;
    this.meters = new IngesterMeters(builder.meterRegistry, topic);
    Map<String, Object> own = new HashMap<>();
    own.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
    own.put(ConsumerConfig.GROUP_ID_CONFIG, builder.groupId);
    own.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> settings = builder.properties.with(own);
    settings.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(
        settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.clientMetrics = new KafkaClientMetrics(consumer, Tags.of("topic", topic));
    clientMetrics.bindTo(builder.meterRegistry);
  }

  /**
   * An ingester of the Kafka cluster that {@code bootstrapServers} ({@code host:port,...}) reach,
   * writing to {@code storage}.
   */
  public static Builder builder(String bootstrapServers, SpanWriter storage) {
    return new Builder(bootstrapServers, storage);
  }

  /**
   * Starts consuming, on a thread of its own.
   *
   * @throws IllegalStateException if it was started or closed before
   */
  public synchronized void start() {
    if (closed || thread != null) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    thread = new Thread(this::run, "ariadne-kafka-ingester-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops: the write in hand is finished (if storage is failing, it is not tried again), what was
   * written is committed and the ingester leaves its group, so that its partitions go to the
   * group's other members at once. Waits at most {@link Builder#closeTimeout} for this; a storage
   * write that takes longer goes on, and its records are committed once it returns.
   */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = thread;
    }
    closeDeadline = System.nanoTime() + closeTimeout.toNanos();
    closeRequested.countDown();
    if (running == null) {
      consumer.close(CloseOptions.timeout(closeTimeout));
      clientMetrics.close();
      return;
    }
    consumer.wakeup();
    try {
      running.join(closeTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    clientMetrics.close();
    if (running.isAlive()) {
      LOG.log(Level.WARNING, "The ingester of topic " + topic + " did not stop within "
          + closeTimeout.toMillis() + " ms: a storage write is still running; what it does not"
          + " finish is read again by the group's next member");
    }
  }

  private boolean closing() {
    return closeRequested.getCount() == 0;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (!closing()) {
        if (poll(POLL_TIMEOUT)) {
          writePending();
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "The ingester of topic " + topic + " stopped", e);
    } finally {
      commit(written);
      try {
        consumer.close(CloseOptions.timeout(commitTimeout()));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Closing the consumer of topic " + topic + " failed", e);
      }
    }
  }

  /**
   * Polls once, adding what it reads to {@link #pending}; false if it could not (woken by {@link
   * #close}, or failed, after waiting the backoff).
   */
  private boolean poll(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(timeout);
    } catch (WakeupException e) {
      return false;
    } catch (KafkaException e) {
      consumerFailures.failed(e);
      awaitClose(MAX_BACKOFF);
      return false;
    }
    consumerFailures.succeeded();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      pending.add(record);
    }
    meters.records.increment(records.count());
    return true;
  }

  /** Writes the pending records, a write at a time, until none is left or close is asked. */
  private void writePending() {
    while (!pending.isEmpty() && !closing()) {
      int spans = 0;
      long bytes = 0;
      while (!pending.isEmpty() && spans < MAX_WRITE_SPANS && bytes < MAX_WRITE_BYTES) {
        ConsumerRecord<byte[], byte[]> record = pending.poll();
        Decoded decoded = decode(record);
        inHand.add(decoded);
        spans += decoded.spans.size();
        bytes += Math.max(0, record.serializedValueSize());
      }
      if (!writeInHand()) {
        return;
      }
      consumer.commitAsync(new HashMap<>(written), (offsets, failure) -> {
        if (failure != null) {
          LOG.log(Level.DEBUG, "Committing offsets of topic " + topic + " failed; a later"
              + " commit covers them: " + failure);
        }
      });
    }
  }

  /**
   * Writes the spans of the records in hand, trying again while storage fails, and notes them as
   * written; false if close was asked before they could be written.
   */
  private boolean writeInHand() {
    Duration backoff = FIRST_BACKOFF;
    try {
      while (true) {
        List<Span> spans = new ArrayList<>();
        for (Decoded decoded : inHand) {
          spans.addAll(decoded.spans);
        }
        if (spans.isEmpty()) {
          break;
        }
        try {
          storage.write(spans);
          storageFailures.succeeded();
          meters.spans.increment(spans.size());
          stored(spans);
          break;
        } catch (SpansTooLargeException e) {
          // The rest was written; no retry makes these fit.
          storageFailures.succeeded();
          List<Span> kept = new ArrayList<>(spans.size());
          for (Span span : spans) {
            if (e.reason(span) == null) {
              kept.add(span);
            }
          }
          meters.spans.increment(kept.size());
          meters.tooLargeSpans.increment(spans.size() - kept.size());
          skipped("Skipped spans storage refused: " + e.getMessage());
          stored(kept);
          break;
        } catch (IOException | RuntimeException e) {
          storageFailures.failed(e);
        }
        if (closing()) {
          inHand.clear();
          return false;
        }
        if (!retrying) {
          retrying = true;
          consumer.pause(consumer.assignment());
        }
        // Waits in poll, so that the group keeps the partitions; the rebalance listener may take
        // records from the write in hand meanwhile.
        poll(backoff);
        if (closing()) {
          inHand.clear();
          return false;
        }
        meters.storageRetries.increment();
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
            ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
      for (Decoded decoded : inHand) {
        written.put(decoded.partition, new OffsetAndMetadata(decoded.offset + 1));
      }
      inHand.clear();
      return true;
    } finally {
      if (retrying) {
        retrying = false;
        consumer.resume(consumer.paused());
      }
    }
  }

  /** The spans of a record; none, logged and counted, if it does not decode or holds none. */
  private Decoded decode(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    byte[] value = record.value();
    List<Span> spans = List.of();
    if (value == null || value.length == 0) {
      malformed(record, "it has no value");
    } else {
      try {
        DecodeResult result = OtlpProtobufDecoder.decode(value);
        spans = result.spans();
        if (result.rejectedCount() > 0) {
          meters.rejectedSpans.increment(result.rejectedCount());
          LOG.log(Level.DEBUG, "Record " + where(record) + ": " + result.rejectedCount()
              + " spans rejected: " + result.errorMessage());
        } else if (spans.isEmpty()) {
          malformed(record, "it holds no spans");
        }
      } catch (MalformedException e) {
        malformed(record, "it is not an OTLP ExportTraceServiceRequest: " + e.getMessage());
      }
    }
    return new Decoded(partition, record.offset(), spans);
  }

  private void malformed(ConsumerRecord<byte[], byte[]> record, String why) {
    meters.malformedRecords.increment();
    skipped("Skipped record " + where(record) + ": " + why);
  }

  /** Logs {@code line} unless a skip was logged less than the interval ago; counts it then. */
  private void skipped(String line) {
    long now = System.nanoTime();
    if (now - skippedLoggedNanos < SKIPPED_LOG_INTERVAL.toNanos()) {
      skippedNotLogged++;
      return;
    }
    LOG.log(Level.WARNING, line + (skippedNotLogged == 0 ? ""
        : " (and " + skippedNotLogged + " other skips since the last such line)"));
    skippedLoggedNanos = now;
    skippedNotLogged = 0;
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  /** Commits {@code offsets} (a copy is taken), waiting at most {@link #commitTimeout()}. */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> copy = new HashMap<>(offsets);
    boolean woken = false;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        consumer.commitSync(copy, commitTimeout());
        break;
      } catch (WakeupException e) {
        // close() woke the consumer for a poll; this commit is still wanted.
        woken = true;
      } catch (KafkaException e) {
        LOG.log(Level.WARNING, "Committing offsets " + copy + " failed; the records after the"
            + " last committed offsets will be read again: " + e);
        break;
      }
    }
    if (woken) {
      consumer.wakeup();
    }
  }

  /** {@link #COMMIT_TIMEOUT}, or what is left of the close timeout once close was asked. */
  private Duration commitTimeout() {
    if (!closing()) {
      return COMMIT_TIMEOUT;
    }
    long left = Math.max(0, closeDeadline - System.nanoTime());
    return left < COMMIT_TIMEOUT.toNanos() ? Duration.ofNanos(left) : COMMIT_TIMEOUT;
  }

  private void awaitClose(Duration timeout) {
    try {
      closeRequested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Drops the records of {@code partitions} that were read and not written. */
  private void forget(Collection<TopicPartition> partitions) {
    inHand.removeIf(decoded -> partitions.contains(decoded.partition));
    pending.removeIf(record ->
        partitions.contains(new TopicPartition(record.topic(), record.partition())));
    written.keySet().removeAll(partitions);
  }

  /** Called by the consumer, on its thread, within poll, commit and close. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> revoked = new HashMap<>();
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata offset = written.get(partition);
        if (offset != null) {
          revoked.put(partition, offset);
        }
      }
      commit(revoked);
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another member may own them already: committing could move its offsets back.
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (retrying) {
        consumer.pause(partitions);
      }
    }
  }

  /** A record's partition and offset, and its spans. */
  private record Decoded(TopicPartition partition, long offset, List<Span> spans) {}

  /** Sets up a {@link KafkaIngester}. */
  /** Hands the spans of a storage write to the listener, whose failure harms nothing else. */
  private void stored(List<Span> spans) {
    try {
      onStored.accept(spans);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "The listener of stored spans failed for " + spans.size() + " spans", e);
    }
  }

  public static final class Builder {
    private final String bootstrapServers;
    private final SpanWriter storage;
    private Consumer<List<Span>> onStored = spans -> {};
    private final ClientProperties properties = new ClientProperties("KafkaIngester", Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "the builder's bootstrapServers",
        ConsumerConfig.GROUP_ID_CONFIG, "groupId",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
        "false, so that an offset is committed only once its spans are written",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the key is read as bytes",
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the value is read as OTLP protobuf"));
    private String topic = KafkaSpanWriter.DEFAULT_TOPIC;
    private String groupId = DEFAULT_GROUP_ID;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private MeterRegistry meterRegistry;

    private Builder(String bootstrapServers, SpanWriter storage) {
      this.bootstrapServers =
          ClientProperties.required("bootstrapServers", bootstrapServers, "host:port,...");
      this.storage = requireNonNull(storage, "storage");
    }

    /** The topic to read. Default {@value KafkaSpanWriter#DEFAULT_TOPIC}. */
    public Builder topic(String topic) {
      this.topic = ClientProperties.required("topic", topic, null);
      return this;
    }

    /**
     * The consumer group: ingesters of one group share the topic's partitions. Default {@value
     * KafkaIngester#DEFAULT_GROUP_ID}.
     */
    public Builder groupId(String groupId) {
      this.groupId = ClientProperties.required("groupId", groupId, null);
      return this;
    }

    /**
     * Any other setting of Kafka's consumer ({@code auto.offset.reset}, {@code
     * max.poll.records}, security settings), passed through. The ingester sets {@code
     * auto.offset.reset} to {@code earliest} unless it is passed: a new group reads the spans
     * already in the topic.
     *
     * @throws IllegalArgumentException for a setting the ingester sets itself: {@code
     *     bootstrap.servers}, {@code group.id}, {@code enable.auto.commit} and the deserializers
     */
    public Builder property(String key, String value) {
      properties.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * How long {@link KafkaIngester#close} waits for the write in hand, the commit and leaving
     * the group. Default 10 seconds.
     */
    public Builder closeTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("closeTimeout: " + timeout + " (expected: > 0)");
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Called on the ingester's thread with the spans of each successful storage write, before
     * their offsets are committed (analytics is computed here). A record delivered again after a
     * crash or a rebalance is passed again. It must be quick; what it throws is logged and
     * ignored.
     */
    public Builder onStored(Consumer<List<Span>> listener) {
      this.onStored = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where the ingester's meters go: its own ({@code ariadne.kafka.ingester.*}) and the
     * consumer's ({@code kafka.consumer.*}, its lag among them). Default: a registry of its own.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * An ingester with its consumer, not started.
     *
     * @throws org.apache.kafka.common.KafkaException if a passed-through setting is invalid
     */
    public KafkaIngester build() {
      if (meterRegistry == null) {
        meterRegistry = new SimpleMeterRegistry();
      }
      return new KafkaIngester(this);
    }
  }
}
