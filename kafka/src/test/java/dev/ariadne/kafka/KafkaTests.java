package dev.ariadne.kafka;

import static org.assertj.core.api.Assertions.fail;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.memory.MemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** What the module's tests share: spans, topics of their own, and waiting with a deadline. */
final class KafkaTests {
  /** How long a test waits for what should happen in well under a second on an idle machine. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final long START = 1_763_700_000_000_000_000L;

  private KafkaTests() {}

  /** A topic no other test uses, with {@code partitions} partitions. */
  static String newTopic(String bootstrapServers, int partitions) throws Exception {
    String topic = "spans-" + TOPICS.incrementAndGet();
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    return topic;
  }

  /** Waits until {@code condition} holds, failing with {@code message} past {@link #PATIENCE}. */
  static void await(BooleanSupplier condition, Supplier<String> message)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("waited " + PATIENCE.toSeconds() + " s: " + message.get());
      }
      Thread.sleep(20);
    }
  }

  /**
   * A span with every field the model keeps set, as the OTLP decoder gives it back: its resource
   * names its service in {@code service.name}, and its follows-from link carries {@code
   * opentracing.ref_type=follows_from}.
   */
  static Span fullSpan(TraceId traceId, long spanId) {
    Resource resource = new Resource("checkout", List.of(
        Attribute.of("service.name", "checkout"),
        Attribute.of("host.name", "node-7"),
        new Attribute("process.command_args", new Value.Array(
            List.of(new Value.Str("java"), new Value.Str("-jar")))),
        new Attribute("k8s", new Value.KvList(List.of(Attribute.of("pod", "checkout-1"))))), 2);
    Scope scope = new Scope("io.ariadne.http", "1.4.0", List.of(Attribute.of("pool", 4L)));
    return Span.builder()
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId(0x1122334455667788L)
        .name("POST /cart/{id}")
        .kind(SpanKind.SERVER)
        .startEpochNanos(START)
        .endEpochNanos(START + 42_000_000L)
        .resource(resource)
        .scope(scope)
        .attributes(List.of(
            Attribute.of("http.request.method", "POST"),
            Attribute.of("http.response.status_code", 500L),
            Attribute.of("retry", true),
            Attribute.of("amount", 12.5),
            new Attribute("payload", new Value.Bytes(new byte[] {0, 1, 2, (byte) 0xff})),
            new Attribute("nested", new Value.Array(List.of(
                new Value.Int(1),
                new Value.KvList(List.of(Attribute.of("deep", "é ☃ \uD83D\uDE00"))))))))
        .events(List.of(new Event(START + 1_000, "exception",
            List.of(Attribute.of("exception.type", "java.io.IOException")), 1)))
        .links(List.of(
            new Link(new TraceId(7, 8), 9, "vendor=1",
                List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true),
            new Link(new TraceId(10, 11), 12, "", List.of(Attribute.of("why", "batch")), 3,
                false)))
        .status(StatusCode.ERROR, "cart service failed")
        .traceState("ariadne=1,other=two")
        .flags(0x101)
        .droppedAttributesCount(3)
        .droppedEventsCount(4)
        .droppedLinksCount(5)
        .build();
  }

  /** {@code count} small spans of a new trace, of the frontend service. */
  static List<Span> trace(int count) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    TraceId traceId = new TraceId(random.nextLong(), random.nextLong() | 1);
    Resource resource = new Resource("frontend",
        List.of(Attribute.of("service.name", "frontend")), 0);
    List<Span> spans = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      spans.add(Span.builder()
          .traceId(traceId)
          .spanId(i)
          .parentSpanId(i - 1)
          .name("span " + i)
          .resource(resource)
          .startEpochNanos(START + i)
          .endEpochNanos(START + i + 1000)
          .build());
    }
    return spans;
  }

  /** Whether storage holds each of {@code spans}, by trace and span ID. */
  static boolean holdsAll(MemoryStorage storage, List<Span> spans) {
    return missing(storage, spans).isEmpty();
  }

  /** Those of {@code spans} storage does not hold, by trace and span ID. */
  static List<Span> missing(MemoryStorage storage, List<Span> spans) {
    Map<TraceId, Set<Long>> held = new HashMap<>();
    List<Span> missing = new ArrayList<>();
    for (Span span : spans) {
      Set<Long> ids = held.computeIfAbsent(span.traceId(), id -> {
        Set<Long> stored = new HashSet<>();
        storage.trace(id).forEach(s -> stored.add(s.spanId()));
        return stored;
      });
      if (!ids.contains(span.spanId())) {
        missing.add(span);
      }
    }
    return missing;
  }
}
