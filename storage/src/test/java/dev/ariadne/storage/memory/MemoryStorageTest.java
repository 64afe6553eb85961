package dev.ariadne.storage.memory;

import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.randomSpanId;
import static dev.ariadne.storage.TestSpans.randomTraceId;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.StorageContract;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.SpanCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MemoryStorageTest extends StorageContract {
  private static final TraceId FIRST = new TraceId(0, 1);
  private static final TraceId SECOND = new TraceId(0, 2);
  private static final TraceId THIRD = new TraceId(0, 3);
  private static final TraceId FOURTH = new TraceId(0, 4);

  @Override
  protected Storage newStorage() {
    return MemoryStorage.create(1_000_000);
  }

  @Test
  void rejectsAMaxSpanCountBelowOne() {
    assertThatThrownBy(() -> MemoryStorage.create(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSpanCount: 0 (expected: >= 1)");
  }

  @Test
  void countsStartAtZero() {
    MemoryStorage memory = MemoryStorage.create(10);

    assertThat(memory.spanCount()).isZero();
    assertThat(memory.traceCount()).isZero();
    assertThat(memory.evictedTraces()).isZero();
    assertThat(memory.evictedSpans()).isZero();
  }

  @Test
  void everyFieldOfASpanSurvivesTheByteFormTheSpansAreHeldIn() {
    MemoryStorage memory = MemoryStorage.create(10);
    Attribute nested = new Attribute("nested", new Value.KvList(List.of(
        Attribute.of("list", "x"),
        new Attribute("array", new Value.Array(List.of(new Value.Int(-1), new Value.Dbl(0.1)))),
        new Attribute("bytes", new Value.Bytes(new byte[] {0, -1, 42})))));
    Span full = span(FIRST, 7, 3, "cart", "add item", SpanKind.PRODUCER, TODAY + 123, 4_567)
        .resource(new Resource("cart", List.of(Attribute.of("host.name", "h1")), 2))
        .scope(new Scope("lib", "1.2", List.of(Attribute.of("scope.attr", true))))
        .attributes(List.of(Attribute.of("count", 3L), Attribute.of("ratio", Math.PI), nested,
            Attribute.of("unpaired", "\ud800 after")))
        .events(List.of(new Event(TODAY + 200, "retry", List.of(Attribute.of("n", 2L)), 1)))
        .links(List.of(new Link(SECOND, 9, "k=v", List.of(Attribute.of("why", "batch")), 1, true)))
        .status(StatusCode.ERROR, "out of stock")
        .traceState("vendor=1")
        .flags(1)
        .droppedAttributesCount(4)
        .droppedEventsCount(5)
        .droppedLinksCount(6)
        .build();
    memory.write(List.of(full));

    assertThat(memory.trace(FIRST)).containsExactly(full);
  }

  @Test
  void aWriteWithAValueNestedTooDeepIsRefusedWhole() {
    MemoryStorage memory = MemoryStorage.create(10);
    Value value = new Value.Str("leaf");
    for (int depth = 1; depth <= SpanCodec.MAX_VALUE_DEPTH; depth++) {
      value = new Value.Array(List.of(value));
    }
    Span tooDeep = span(FIRST, 1, 0, "a", "deep", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(new Attribute("deep", value)))
        .build();
    List<Span> write = new ArrayList<>(spans(SECOND, "b", 2));
    write.add(tooDeep);

    assertThatThrownBy(() -> memory.write(write)).isInstanceOf(IllegalArgumentException.class);
    assertThat(memory.spanCount()).isZero();
    assertThat(memory.trace(SECOND)).isEmpty();
    assertThat(memory.services()).isEmpty();
  }

  @Test
  void evictsTheOldestTracesFirstWhenFullAndCountsThem() {
    MemoryStorage memory = MemoryStorage.create(10);
    memory.write(spans(FIRST, "a", 4));
    memory.write(spans(SECOND, "b", 4));
    memory.write(spans(THIRD, "c", 4));

    assertThat(memory.trace(FIRST)).isEmpty();
    assertThat(memory.trace(SECOND)).hasSize(4);
    assertThat(memory.trace(THIRD)).hasSize(4);
    assertThat(memory.spanCount()).isEqualTo(8);
    assertThat(memory.traceCount()).isEqualTo(2);
    assertThat(memory.evictedTraces()).isEqualTo(1);
    assertThat(memory.evictedSpans()).isEqualTo(4);
  }

  @Test
  void evictionFollowsFirstArrivalEvenWhenTheOldestTraceKeepsGrowing() {
    MemoryStorage memory = MemoryStorage.create(10);
    memory.write(spans(FIRST, "a", 3));
    memory.write(spans(SECOND, "b", 3));
    memory.write(spans(FIRST, "a", 3));
    memory.write(spans(THIRD, "c", 3));

    assertThat(memory.trace(FIRST)).isEmpty();
    assertThat(memory.trace(SECOND)).hasSize(3);
    assertThat(memory.trace(THIRD)).hasSize(3);
    assertThat(memory.evictedSpans()).isEqualTo(6);
  }

  @Test
  void aTraceLargerThanTheBoundIsEvictedWhole() {
    MemoryStorage memory = MemoryStorage.create(10);
    memory.write(spans(FIRST, "a", 11));

    assertThat(memory.trace(FIRST)).isEmpty();
    assertThat(memory.spanCount()).isZero();
    assertThat(memory.evictedTraces()).isEqualTo(1);
    assertThat(memory.evictedSpans()).isEqualTo(11);
  }

  @Test
  void evictedTracesLeaveNoServiceOperationAttributeOrLinkBehind() throws IOException {
    MemoryStorage memory = MemoryStorage.create(4);
    memory.write(List.of(
        span(FIRST, 1, 0, "old", "GET /", SpanKind.SERVER, TODAY, MILLIS)
            .attributes(List.of(Attribute.of("version", "1"))).build(),
        span(FIRST, 2, 1, "older", "GET /", SpanKind.SERVER, TODAY, MILLIS).build()));
    memory.write(spans(SECOND, "new", 3));

    assertThat(memory.services()).containsExactly("new");
    assertThat(memory.operations("old")).isEmpty();
    assertThat(memory.attributeKeys(Optional.of("old"), 10)).isEmpty();
    assertThat(memory.attributeValues(Optional.empty(), "version", 10)).isEmpty();
    assertThat(memory.attributeValues(Optional.empty(), "service.name", 10))
        .containsExactly("new");
    assertThat(memory.search(TraceQuery.builder().serviceName("old").build())).isEmpty();
    assertThat(memory.dependencies(TODAY, TODAY + 1)).isEmpty();
  }

  @Test
  void evictionKeepsWhatTheRemainingSpansStillUse() throws IOException {
    MemoryStorage memory = MemoryStorage.create(4);
    memory.write(List.of(
        span(FIRST, 1, 0, "shop", "op 0", SpanKind.SERVER, TODAY, MILLIS).build(),
        span(FIRST, 2, 1, "shop", "old op", SpanKind.CLIENT, TODAY, MILLIS)
            .attributes(List.of(Attribute.of("index", "old"), Attribute.of("version", "1")))
            .build()));
    memory.write(spans(SECOND, "shop", 2));
    memory.write(List.of(
        span(THIRD, 1, 0, "shop", "op 0", SpanKind.SERVER, TODAY, MILLIS).build(),
        span(THIRD, 2, 1, "pay", "charge", SpanKind.SERVER, TODAY, MILLIS).build()));

    assertThat(memory.trace(FIRST)).isEmpty();
    assertThat(memory.operations("shop")).containsExactly(
        new Operation("op 0", SpanKind.SERVER), new Operation("op 1", SpanKind.INTERNAL));
    assertThat(memory.attributeValues(Optional.of("shop"), "index", 10))
        .containsExactly("0", "1");
    assertThat(memory.attributeKeys(Optional.of("shop"), 10))
        .containsExactly("index", "service.name");
    assertThat(memory.search(TraceQuery.builder().serviceName("shop").spanName("op 1").build()))
        .hasSize(1);
    assertThat(memory.dependencies(TODAY, TODAY + 1))
        .containsExactly(new DependencyLink("shop", "pay", 1, 0));
  }

  @Test
  void aResourceAttributeStaysWhileAnySpanOfAnEqualResourceIsHeld() {
    MemoryStorage memory = MemoryStorage.create(2);
    // Equal resources that are different objects, as two requests of one service give them.
    writeSpanOf(memory, FIRST, hostResource("a"));
    writeSpanOf(memory, SECOND, hostResource("a"));
    writeSpanOf(memory, THIRD, hostResource("b"));

    assertThat(memory.trace(FIRST)).isEmpty();
    assertThat(memory.attributeValues(Optional.of("shop"), "host.name", 10))
        .containsExactly("a", "b");

    writeSpanOf(memory, FOURTH, hostResource("c"));

    assertThat(memory.trace(SECOND)).isEmpty();
    assertThat(memory.attributeValues(Optional.of("shop"), "host.name", 10))
        .containsExactly("b", "c");
  }

  @Test
  void aValueWrittenLateIntoAnOldTraceGoesWhenThatTraceIsEvicted() {
    MemoryStorage memory = MemoryStorage.create(3);
    memory.write(List.of(span(FIRST, 1, 0, "shop", "op", SpanKind.SERVER, TODAY, MILLIS).build()));
    memory.write(List.of(span(SECOND, 1, 0, "shop", "op", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(Attribute.of("version", "2"))).build()));
    // Written after SECOND, but into FIRST, which arrived first and is evicted first.
    memory.write(List.of(span(FIRST, 2, 1, "shop", "late op", SpanKind.CLIENT, TODAY, MILLIS)
        .attributes(List.of(Attribute.of("version", "1"), Attribute.of("retry", 3L))).build()));

    assertThat(memory.attributeValues(Optional.of("shop"), "version", 10))
        .containsExactly("1", "2");
    assertThat(memory.attributeValues(Optional.of("shop"), "retry", 10)).containsExactly("3");

    memory.write(List.of(span(THIRD, 1, 0, "shop", "op", SpanKind.SERVER, TODAY, MILLIS).build()));

    assertThat(memory.trace(FIRST)).isEmpty();
    assertThat(memory.attributeValues(Optional.of("shop"), "version", 10)).containsExactly("2");
    assertThat(memory.attributeKeys(Optional.of("shop"), 10))
        .containsExactly("service.name", "version");
    assertThat(memory.operations("shop")).containsExactly(new Operation("op", SpanKind.SERVER));
  }

  @Test
  void aKeyFullOfEvictedValuesTakesTheValuesOfHeldTraces() {
    int maxSpanCount = 10;
    MemoryStorage memory = MemoryStorage.create(maxSpanCount);
    for (int i = 0; i <= Storage.MAX_VALUES_PER_KEY; i++) {
      writeVersion(memory, String.format("a%05d", i));
    }
    // Each sorts after every value the full key kept, and their traces evict those values'.
    List<String> later = new ArrayList<>();
    for (int i = 0; i < 10 * maxSpanCount; i++) {
      later.add(String.format("b%05d", i));
      writeVersion(memory, later.get(i));
    }

    assertThat(memory.attributeValues(Optional.of("shop"), "version", 100))
        .containsExactlyInAnyOrderElementsOf(later.subList(later.size() - maxSpanCount, later.size()));
  }

  @Test
  void aValueSweptAwayIsListedAgainWhenItComesBack() {
    MemoryStorage memory = MemoryStorage.create(3);
    // One instance written again and again, as the decoders share a text between requests.
    String version = "v" + 7;
    writeVersion(memory, version);
    writeVersion(memory, version);
    writeVersion(memory, "w");
    // Two spans evict the first two traces, and their many new entries sweep the index: the
    // key stays, held by "w", but not the value of the evicted traces.
    List<Attribute> many = new ArrayList<>();
    for (int i = 0; i < MemoryStorage.SWEEP_AFTER_ENTRIES + 1; i++) {
      many.add(Attribute.of("key " + i, "value"));
    }
    TraceId filler = randomTraceId();
    memory.write(List.of(
        span(filler, 1, 0, "other", "op", SpanKind.SERVER, TODAY, MILLIS).attributes(many).build(),
        span(filler, 2, 1, "other", "op", SpanKind.SERVER, TODAY, MILLIS).build()));
    assertThat(memory.attributeValues(Optional.of("shop"), "version", 10)).containsExactly("w");

    // Its trace evicts the one holding "w".
    writeVersion(memory, version);

    assertThat(memory.attributeValues(Optional.of("shop"), "version", 10)).containsExactly("v7");
  }

  private static void writeVersion(MemoryStorage memory, String version) {
    memory.write(List.of(span(randomTraceId(), 1, 0, "shop", "op", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(Attribute.of("version", version))).build()));
  }

  @Test
  void theIndexOfEvictedTracesIsSweptAway() {
    int maxSpanCount = 100;
    MemoryStorage memory = MemoryStorage.create(maxSpanCount);
    for (int i = 0; i < 20 * MemoryStorage.SWEEP_AFTER_ENTRIES; i++) {
      // Every span brings a new service, span name and two attribute values.
      String service = "service " + i;
      memory.write(List.of(span(randomTraceId(), 1, 0, service, "op " + i, SpanKind.SERVER,
              TODAY, MILLIS)
          .attributes(List.of(Attribute.of("request.id", "r" + i))).build()));
    }

    // The held spans need 4 entries each (their service, its span name, the values of
    // service.name and request.id) and the two keys; a sweep runs once as many again were made.
    int needed = maxSpanCount * 4 + 2;
    assertThat(memory.indexEntries())
        .isLessThanOrEqualTo(2 * Math.max(needed, MemoryStorage.SWEEP_AFTER_ENTRIES));
    assertThat(memory.services()).hasSize(maxSpanCount);
    assertThat(memory.attributeValues(Optional.empty(), "request.id", 1000)).hasSize(maxSpanCount);
  }

  @Test
  void aKeyOfManyValuesKeepsThoseThatSortFirst() {
    MemoryStorage memory = MemoryStorage.create(1_000_000);
    Random random = new Random(5);
    TreeSet<String> all = new TreeSet<>();
    for (int i = 0; i < 3 * Storage.MAX_VALUES_PER_KEY; i++) {
      // Strings and integers, some with the same text ("17" and 17).
      long number = random.nextInt(10 * Storage.MAX_VALUES_PER_KEY);
      Attribute attribute = random.nextBoolean()
          ? Attribute.of("order.id", Long.toString(number))
          : Attribute.of("order.id", number);
      memory.write(List.of(span(randomTraceId(), 1, 0, "shop", "op", SpanKind.SERVER, TODAY, MILLIS)
          .attributes(List.of(attribute)).build()));
      all.add(Long.toString(number));
    }

    assertThat(memory.attributeValues(Optional.of("shop"), "order.id", 10 * all.size()))
        .containsExactlyElementsOf(all.stream().limit(Storage.MAX_VALUES_PER_KEY).toList());
  }

  private static void writeSpanOf(MemoryStorage memory, TraceId traceId, Resource resource) {
    memory.write(List.of(span(traceId, randomSpanId(), 0, "shop", "op", SpanKind.SERVER, TODAY, MILLIS)
        .resource(resource).build()));
  }

  private static Resource hostResource(String host) {
    return new Resource("shop",
        List.of(Attribute.of("service.name", "shop"), Attribute.of("host.name", host)), 0);
  }

  @Test
  void boundIsRespectedUnderConcurrentLoad() throws Exception {
    int maxSpanCount = 1000;
    int writers = 4;
    int batchesPerWriter = 500;
    MemoryStorage memory = MemoryStorage.create(maxSpanCount);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService executor = Executors.newFixedThreadPool(writers + 1);
    long written = 0;
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        writes.add(executor.submit(() -> {
          start.await();
          long spans = 0;
          for (int b = 0; b < batchesPerWriter; b++) {
            int size = 1 + ThreadLocalRandom.current().nextInt(20);
            List<Span> batch = spans(randomTraceId(), "load", size);
            memory.write(batch);
            spans += batch.size();
          }
          return spans;
        }));
      }
      Future<Integer> largestSeen = executor.submit(() -> {
        start.await();
        int largest = 0;
        while (writing.get()) {
          largest = Math.max(largest, memory.spanCount());
        }
        return largest;
      });
      start.countDown();
      for (Future<Long> write : writes) {
        written += write.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(largestSeen.get(60, TimeUnit.SECONDS)).isBetween(1, maxSpanCount);
    } finally {
      writing.set(false);
      executor.shutdownNow();
    }

    assertThat(memory.spanCount()).isLessThanOrEqualTo(maxSpanCount);
    assertThat(memory.spanCount() + memory.evictedSpans()).isEqualTo(written);
    assertThat(memory.traceCount() + memory.evictedTraces()).isEqualTo(writers * batchesPerWriter);
  }

  /** {@code count} spans of one trace in one service, named "op 0", "op 1"…, the first a root. */
  private static List<Span> spans(TraceId traceId, String service, int count) {
    List<Span> spans = new ArrayList<>();
    long rootId = randomSpanId();
    for (int i = 0; i < count; i++) {
      spans.add(span(traceId, i == 0 ? rootId : randomSpanId(), i == 0 ? 0 : rootId, service,
          "op " + i, i == 0 ? SpanKind.SERVER : SpanKind.INTERNAL, TODAY, MILLIS)
          .attributes(List.of(Attribute.of("index", (long) i)))
          .build());
    }
    return spans;
  }
}
