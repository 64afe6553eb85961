package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.PAYMENT;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.TestSpans.span;
import static dev.ariadne.storage.embedded.BlockFixtures.SECOND;
import static dev.ariadne.storage.embedded.BlockFixtures.STORED;
import static dev.ariadne.storage.embedded.BlockFixtures.byTrace;
import static dev.ariadne.storage.embedded.BlockFixtures.catalog;
import static dev.ariadne.storage.embedded.BlockFixtures.flatten;
import static dev.ariadne.storage.embedded.BlockFixtures.realisticTraces;
import static dev.ariadne.storage.embedded.BlockFixtures.variedTraces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.TracePart;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockTest {
  @TempDir Path directory;

  private final List<Block> opened = new ArrayList<>();

  @AfterEach
  void closeBlocks() throws IOException {
    for (Block block : opened) {
      block.close();
    }
  }

  private Block write(long id, List<List<Span>> traces) throws IOException {
    Block block = BlockWriter.write(directory, id, 40 + id, List.of(), STORED + id, traces.iterator(),
        catalog(traces));
    opened.add(block);
    return block;
  }

  private Block open(Path file) throws IOException {
    Block block = Block.open(file);
    opened.add(block);
    return block;
  }

  /** Opens block 1 as written in an older format version, from {@code format-<version>.block}. */
  private Block openFixture(int version) throws IOException {
    Path old = directory.resolve("0000000000000001.block");
    try (var in = BlockTest.class.getResourceAsStream("format-" + version + ".block")) {
      Files.copy(in, old);
    }
    assertThat(BlockLayout.version(old)).isEqualTo(version);
    return open(old);
  }

  // Reading spans back

  @Test
  void everyTraceReadsBackExactly() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(1), 400);

    Block block = write(1, traces);

    for (List<Span> trace : traces) {
      assertThat(block.trace(trace.get(0).traceId())).containsExactlyInAnyOrderElementsOf(trace);
    }
  }

  @Test
  void aBlockOfManyTracesHasSeveralPagesOfRunsAndSummaryChunks() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(2), 6000);

    Block block = write(1, traces);

    TraceIndex index = BlockLayout.index(block.file());
    assertThat(index.pageCount()).isGreaterThan(1);
    assertThat(index.traceCount()).isEqualTo(6000);
    byte[] page = BlockLayout.page(block.file(), 0);
    SpanPage.Reader runs = SpanPage.Reader.read(new ByteSource(page, "page 0"));
    assertThat(runs.runCount()).isGreaterThan(10);
    int runTraces = 0;
    for (int run = 0; run < runs.runCount(); run++) {
      runTraces += runs.traceCount(run);
    }
    assertThat(runTraces).isEqualTo(index.firstPart(1));
    for (int i = 0; i < traces.size(); i += 31) {
      TraceId traceId = traces.get(i).get(0).traceId();
      assertThat(block.trace(traceId)).containsExactlyInAnyOrderElementsOf(traces.get(i));
      assertThat(block.part(traceId)).contains(TracePart.of(traceId, traces.get(i)));
    }
  }

  @Test
  void tracesIterateInTraceIdOrderWithAllTheirSpans() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(3), 1500);
    Block block = write(1, traces);

    List<List<Span>> read = new ArrayList<>();
    block.traces().forEachRemaining(read::add);

    assertThat(read).hasSameSizeAs(traces);
    for (int i = 0; i < traces.size(); i++) {
      assertThat(read.get(i)).containsExactlyInAnyOrderElementsOf(traces.get(i));
    }
  }

  @Test
  void aSpanWrittenTwiceIsReadTwice() throws IOException {
    List<Span> spans = new ArrayList<>(checkout(TRACE_ID, TODAY));
    spans.add(spans.get(0));

    Block block = write(1, List.of(spans));

    assertThat(block.trace(TRACE_ID)).containsExactlyInAnyOrderElementsOf(spans);
    assertThat(block.part(TRACE_ID).orElseThrow().spanCount()).isEqualTo(6);
  }

  @Test
  void absentTraceIdsFindNothingEvenWhenTheBloomFilterSaysMaybe() throws IOException {
    Block block = write(1, variedTraces(new Random(4), 500));
    Random random = new Random(5);

    int maybe = 0;
    for (int i = 0; i < 20_000; i++) {
      TraceId absent = new TraceId(random.nextLong(), random.nextLong());
      if (block.mayContain(absent)) {
        maybe++;
      }
      assertThat(block.trace(absent)).isEmpty();
      assertThat(block.part(absent)).isEmpty();
    }
    assertThat(maybe).isBetween(1, 600);
  }

  @Test
  void theBloomFilterHoldsEveryTrace() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(6), 500);
    Block block = write(1, traces);

    for (List<Span> trace : traces) {
      assertThat(block.mayContain(trace.get(0).traceId())).isTrue();
    }
  }

  @Test
  void partIsTracePartOfTheSameSpans() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(7), 600);
    Block block = write(1, traces);

    for (List<Span> trace : traces) {
      TraceId traceId = trace.get(0).traceId();
      assertThat(block.part(traceId)).contains(TracePart.of(traceId, trace));
    }
  }

  @Test
  void aOneSpanTraceAHugeValueAndNonAsciiTextWork() throws IOException {
    String huge = "x".repeat(BlockWriter.PAGE_BYTES) + "✓";
    TraceId big = new TraceId(0, 5);
    TraceId small = new TraceId(0, 6);
    Span hugeSpan = span(big, 1, 0, "Ünïcødé サービス", "ダウンロード", SpanKind.SERVER, TODAY,
        5 * MILLIS)
        .attributes(List.of(Attribute.of("blob", huge), Attribute.of("ключ", "значение")))
        .build();
    Span lone = span(small, 2, 0, CART, "lone", SpanKind.INTERNAL, TODAY, 0).build();

    Block block = write(1, List.of(List.of(hugeSpan), List.of(lone)));

    assertThat(block.trace(big)).containsExactly(hugeSpan);
    assertThat(block.trace(small)).containsExactly(lone);
    assertThat(ids(block.search(TraceQuery.builder().attribute("blob", huge).build())))
        .containsExactly(big);
    assertThat(ids(block.search(TraceQuery.builder().serviceName("Ünïcødé サービス")
        .attribute("ключ", "значение").build()))).containsExactly(big);
    assertThat(ids(block.search(TraceQuery.builder().attribute("blob", "x").build()))).isEmpty();
    assertThat(BlockLayout.index(block.file()).pageCount()).isEqualTo(2);
  }

  @Test
  void emptyTracesAreSkippedAndAnEmptyBlockAnswersNothing() throws IOException {
    Block block = write(1, List.of(List.of(), List.of()));

    assertThat(block.meta().spanCount()).isZero();
    assertThat(block.meta().traceCount()).isZero();
    assertThat(block.trace(TRACE_ID)).isEmpty();
    assertThat(block.part(TRACE_ID)).isEmpty();
    assertThat(block.search(TraceQuery.builder().build())).isEmpty();
    assertThat(block.traces().hasNext()).isFalse();
    List<String> calls = new ArrayList<>();
    block.calls((start, parent, child, error) -> calls.add(parent));
    assertThat(calls).isEmpty();
  }

  // Search

  @Test
  void searchFindsWhatMatchesFindsOverEverySpan() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(8), 2000);
    Block block = write(1, traces);

    for (TraceQuery query : battery(traces, new Random(9))) {
      assertSearch(block, traces, query);
    }
  }

  @Test
  void searchComparesTheTextFormsOfIntegerBooleanAndDoubleValues() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThat(ids(block.search(query().attribute("http.response.status_code", "200").build())))
        .containsExactly(TRACE_ID);
    assertThat(ids(block.search(query().attribute("cache.hit", "true").build())))
        .containsExactly(TRACE_ID);
    assertThat(ids(block.search(query().attribute("payment.amount", "12.5").build())))
        .containsExactly(TRACE_ID);
    assertThat(block.search(query().attribute("cache.hit", "false").build())).isEmpty();
    assertThat(block.search(query().attribute("payment.amount", "12.50").build())).isEmpty();
  }

  @Test
  void searchLooksAtResourceAttributesAsTheSpansOwn() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThat(ids(block.search(query().serviceName(FRONTEND)
        .attribute("deployment.environment", "prod").attribute("http.request.method", "GET")
        .build()))).containsExactly(TRACE_ID);
    assertThat(block.search(query().serviceName(CART)
        .attribute("deployment.environment", "prod").build())).isEmpty();
  }

  @Test
  void searchNeedsEveryCriterionOnOneSpan() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThat(block.search(query().serviceName(PAYMENT).attribute("cache.hit", "true").build()))
        .isEmpty();
    assertThat(block.search(query().serviceName(CART).spanName("POST /pay")
        .kind(SpanKind.SERVER).build())).isEmpty();
    assertThat(ids(block.search(query().serviceName(CART).spanName("POST /pay")
        .kind(SpanKind.CLIENT).build()))).containsExactly(TRACE_ID);
    assertThat(block.search(query().serviceName(PAYMENT).minDurationNanos(9 * MILLIS).build()))
        .isEmpty();
  }

  @Test
  void searchTimeRangeIncludesItsStartAndExcludesItsEnd() throws IOException {
    TraceId other = new TraceId(0, 0x2a);
    Block block = write(1, byTrace(concat(checkout(TRACE_ID, TODAY),
        checkout(other, TODAY + 1000 * MILLIS))));
    long paymentStart = TODAY + 21 * MILLIS;

    assertThat(ids(block.search(query().serviceName(PAYMENT).startEpochNanos(paymentStart)
        .endEpochNanos(paymentStart + 1).build()))).containsExactly(TRACE_ID);
    assertThat(block.search(query().serviceName(PAYMENT).startEpochNanos(paymentStart - 10)
        .endEpochNanos(paymentStart).build())).isEmpty();
    assertThat(ids(block.search(query().startEpochNanos(TODAY + 1000 * MILLIS).build())))
        .containsExactly(other);
    assertThat(block.search(query().endEpochNanos(TODAY).build())).isEmpty();
  }

  @Test
  void searchDurationBoundsIncludeExactDurations() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThat(ids(block.search(query().serviceName(PAYMENT).minDurationNanos(8 * MILLIS)
        .maxDurationNanos(8 * MILLIS).build()))).containsExactly(TRACE_ID);
    assertThat(block.search(query().serviceName(PAYMENT).maxDurationNanos(8 * MILLIS - 1)
        .build())).isEmpty();
  }

  @Test
  void searchReturnsTheWholePartOfEachMatchingTraceOnce() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThat(block.search(query().attribute("http.request.method", "GET").build()))
        .containsExactly(TracePart.of(TRACE_ID, checkout(TRACE_ID, TODAY)));
  }

  @Test
  void searchForUnknownNamesKeysAndValuesFindsNothing() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThat(block.search(query().serviceName("nope").build())).isEmpty();
    assertThat(block.search(query().spanName("nope").build())).isEmpty();
    assertThat(block.search(query().attribute("nope", "GET").build())).isEmpty();
    assertThat(block.search(query().attribute("http.request.method", "PUT").build())).isEmpty();
    assertThat(block.search(query().attribute("http.request.method", "\uD800").build()))
        .isEmpty();
  }

  @Test
  void aLoneSurrogateIsSearchedByTheFormItReadsBackInWhichItSharesANumber() throws IOException {
    TraceId plainTrace = new TraceId(5, 6);
    Span plain = span(plainTrace, 1, 0, FRONTEND, "GET ?", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(Attribute.of("note", "a?"))).build();
    Span lone = span(TRACE_ID, 1, 0, FRONTEND, "GET \uD800", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(Attribute.of("note", "a\uD800"))).build();
    Block block = write(1, List.of(List.of(plain), List.of(lone)));

    assertThat(ids(block.search(query().attribute("note", "a?").build())))
        .containsExactlyInAnyOrder(plainTrace, TRACE_ID);
    assertThat(ids(block.search(query().spanName("GET ?").build())))
        .containsExactlyInAnyOrder(plainTrace, TRACE_ID);
    assertThat(block.trace(TRACE_ID)).containsExactly(lone);
  }

  private void assertSearch(Block block, List<List<Span>> traces, TraceQuery query)
      throws IOException {
    List<TracePart> expected = new ArrayList<>();
    for (List<Span> trace : traces) {
      if (trace.stream().anyMatch(query::matches)) {
        expected.add(TracePart.of(trace.get(0).traceId(), trace));
      }
    }
    assertThat(block.search(query)).as("%s", query).containsExactlyElementsOf(expected);
  }

  /**
   * Queries of every criterion alone and together: ones made from a random span (which match at
   * least that span, and near misses of it), and fixed ones for names, values and ranges.
   */
  static List<TraceQuery> battery(List<List<Span>> traces, Random random) {
    List<Span> spans = flatten(traces);
    List<TraceQuery> queries = new ArrayList<>();
    queries.add(query().build());
    for (String service : BlockFixtures.SERVICES) {
      queries.add(query().serviceName(service).build());
      queries.add(query().serviceName(service).spanName("op-1").build());
      queries.add(query().serviceName(service).kind(SpanKind.CLIENT).build());
      queries.add(query().serviceName(service).attribute("service.instance.id", service + "-1")
          .build());
    }
    for (String value : List.of("200", "404", "500", "201")) {
      queries.add(query().attribute("http.response.status_code", value).build());
    }
    for (String value : List.of("true", "false", "12.5", "2.0", "2", "0.1")) {
      queries.add(query().attribute("cache.hit", value).build());
      queries.add(query().attribute("payment.amount", value).build());
    }
    queries.add(query().attribute("user.name", "").build());
    queries.add(query().attribute("user.name", "zoë").attribute("cache.hit", "true").build());
    queries.add(query().attribute("deployment.environment", "staging").build());
    queries.add(query().attribute("deployment.environment", "prod").build());
    queries.add(query().attribute("payload", "\u0001\u0002\u0003").build());
    queries.add(query().spanName("op-2 ünïcødé ✓").build());
    queries.add(query().kind(SpanKind.CONSUMER).build());
    queries.add(query().minDurationNanos(0).maxDurationNanos(0).build());
    queries.add(query().minDurationNanos(300_000_000).build());
    queries.add(query().maxDurationNanos(1_000).build());
    queries.add(query().startEpochNanos(BlockFixtures.START + 30 * BlockFixtures.SECOND)
        .endEpochNanos(BlockFixtures.START + 31 * BlockFixtures.SECOND).build());
    for (int i = 0; i < 300; i++) {
      Span span = spans.get(random.nextInt(spans.size()));
      queries.add(fromSpan(span, random, false));
      queries.add(fromSpan(span, random, true));
    }
    return queries;
  }

  /** A query that {@code span} matches, or with {@code miss}, one that it just misses. */
  private static TraceQuery fromSpan(Span span, Random random, boolean miss) {
    TraceQuery.Builder query = query();
    if (random.nextBoolean()) {
      query.serviceName(span.serviceName());
    }
    if (random.nextInt(3) == 0) {
      query.spanName(span.name());
    }
    if (random.nextInt(4) == 0) {
      query.kind(span.kind());
    }
    List<Attribute> attributes = new ArrayList<>(span.attributes());
    attributes.addAll(span.resource().attributes());
    Collections.shuffle(attributes, random);
    for (Attribute attribute : attributes.subList(0, random.nextInt(attributes.size() + 1))) {
      Optional.ofNullable(TraceQuery.searchableText(attribute.value()))
          .ifPresent(text -> query.attribute(attribute.key(), text));
    }
    long duration = Math.max(0, span.durationNanos());
    switch (random.nextInt(4)) {
      case 0:
        query.minDurationNanos(miss ? duration + 1 : duration);
        break;
      case 1:
        query.maxDurationNanos(miss ? Math.max(0, duration - 1) : duration);
        break;
      case 2:
        query.startEpochNanos(miss ? span.startEpochNanos() + 1 : span.startEpochNanos())
            .endEpochNanos(span.startEpochNanos() + 2);
        break;
      default:
        query.endEpochNanos(miss ? span.startEpochNanos() : span.startEpochNanos() + 1);
        break;
    }
    return query.build();
  }

  // Calls

  @Test
  void callsAreThoseDependencyLinkerFindsInEachTrace() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(10), 1000);
    traces.add(checkout(new TraceId(-1, -1), TODAY));
    Block block = write(1, traces);

    List<String> expected = new ArrayList<>();
    for (List<Span> trace : traces) {
      DependencyLinker.calls(trace, (start, parent, child, error) ->
          expected.add(start + " " + parent + " " + child + " " + error));
    }
    List<String> actual = new ArrayList<>();
    block.calls((start, parent, child, error) ->
        actual.add(start + " " + parent + " " + child + " " + error));

    assertThat(expected).contains(TODAY + 21 * MILLIS + " cart payment true");
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  // Compaction

  @Test
  void compactionCopiesItsSourcesPagesAsTheyAreStored() throws IOException {
    List<List<Span>> first = realisticTraces(new Random(5), 2_000, 3600 * SECOND);
    List<List<Span>> second = realisticTraces(new Random(6), 2_000, 3600 * SECOND);
    Block a = write(1, first);
    Block b = write(2, second);

    Block merged = BlockWriter.compact(directory, 3, List.of(a, b));
    opened.add(merged);

    List<byte[]> sourcePages = new ArrayList<>();
    for (Block source : List.of(a, b)) {
      for (int page = 0; page < source.index().pageCount(); page++) {
        sourcePages.add(source.data().readStored(source.index().page(page), "page " + page));
      }
    }
    assertThat(sourcePages).hasSizeGreaterThan(2);
    assertThat(merged.index().pageCount()).isEqualTo(sourcePages.size());
    for (int page = 0; page < sourcePages.size(); page++) {
      assertThat(merged.data().readStored(merged.index().page(page), "page " + page))
          .isEqualTo(sourcePages.get(page));
    }
    List<List<Span>> traces = new ArrayList<>(first);
    traces.addAll(second);
    for (List<Span> trace : traces) {
      TraceId traceId = trace.get(0).traceId();
      assertThat(merged.trace(traceId)).containsExactlyInAnyOrderElementsOf(trace);
      assertThat(merged.part(traceId)).contains(TracePart.of(traceId, trace));
    }
  }

  /**
   * The oracle for compaction: a block merged from sources, among them a merged block, that split
   * many traces between them, answers every lookup, search and call as the block written from
   * the same spans at once does.
   */
  @Test
  void aCompactedBlockAnswersAsTheBlockWrittenFromTheSameSpansAtOnce() throws IOException {
    Random random = new Random(31);
    List<List<Span>> traces = variedTraces(random, 900);
    List<List<Span>> sources = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int split = 0;
    for (List<Span> trace : traces) {
      if (trace.size() > 1 && random.nextInt(3) == 0) {
        split++;
        for (Span span : trace) {
          sources.get(random.nextInt(3)).add(span);
        }
      } else {
        sources.get(random.nextInt(3)).addAll(trace);
      }
    }
    Block a = write(1, byTrace(sources.get(0)));
    Block b = write(2, byTrace(sources.get(1)));
    Block c = write(3, byTrace(sources.get(2)));
    Block ab = BlockWriter.compact(directory, 4, List.of(a, b));
    opened.add(ab);
    Block merged = BlockWriter.compact(directory, 5, List.of(c, ab));
    opened.add(merged);
    Block whole = write(6, traces.stream().sorted(Comparator.comparing(
        (List<Span> trace) -> trace.get(0).traceId(), TraceIndex::compare)).toList());

    assertThat(ab.meta().storedEpochMillis()).isEqualTo(b.meta().storedEpochMillis());
    assertThat(merged.meta().storedEpochMillis()).isEqualTo(c.meta().storedEpochMillis());
    assertThat(split).isGreaterThan(150);
    assertThat(merged.index().partCount()).isGreaterThan(traces.size() + split / 2);
    assertAnswersAlike(merged, whole, traces, random);
    Block wholeAb = write(7, byTrace(concat(sources.get(0), sources.get(1))));
    assertAnswersAlike(ab, wholeAb, byTrace(concat(sources.get(0), sources.get(1))), random);
  }

  private static void assertAnswersAlike(Block block, Block expected, List<List<Span>> traces,
      Random random) throws IOException {
    assertThat(block.meta()).usingRecursiveComparison()
        .ignoringFields("id", "coveredWalSegment", "sources", "storedEpochMillis", "sizeBytes")
        .isEqualTo(expected.meta());
    for (List<Span> trace : traces) {
      TraceId traceId = trace.get(0).traceId();
      assertThat(block.trace(traceId)).containsExactlyInAnyOrderElementsOf(trace);
      assertThat(block.part(traceId)).isEqualTo(expected.part(traceId));
    }
    for (TraceQuery query : battery(traces, random)) {
      assertThat(block.search(query)).as("%s", query).isEqualTo(expected.search(query));
    }
    List<String> calls = new ArrayList<>();
    List<TraceId> open = block.calls((start, parent, child, error) ->
        calls.add(start + " " + parent + " " + child + " " + error));
    List<String> expectedCalls = new ArrayList<>();
    List<TraceId> expectedOpen = expected.calls((start, parent, child, error) ->
        expectedCalls.add(start + " " + parent + " " + child + " " + error));
    assertThat(expectedCalls).hasSizeGreaterThan(100);
    assertThat(calls).containsExactlyInAnyOrderElementsOf(expectedCalls);
    assertThat(expectedOpen).isNotEmpty();
    assertThat(open).containsExactlyElementsOf(expectedOpen);
  }

  @Test
  void compactionBringsThePartsOfATraceTogether() throws IOException {
    List<Span> checkout = checkout(TRACE_ID, TODAY);
    List<List<Span>> first = variedTraces(new Random(11), 300);
    List<List<Span>> second = variedTraces(new Random(12), 300);
    Block a = write(1, byTrace(concat(flatten(first), checkout.subList(0, 2))));
    Block b = write(2, byTrace(concat(flatten(second), checkout.subList(2, 5))));

    Block merged = BlockWriter.compact(directory, 3, List.of(a, b));
    opened.add(merged);

    assertThat(merged.trace(TRACE_ID)).containsExactlyInAnyOrderElementsOf(checkout);
    assertThat(merged.part(TRACE_ID)).contains(TracePart.of(TRACE_ID, checkout));
    assertThat(merged.part(TRACE_ID))
        .contains(a.part(TRACE_ID).orElseThrow().merge(b.part(TRACE_ID).orElseThrow()));
    List<List<Span>> all = new ArrayList<>(first);
    all.addAll(second);
    all.add(checkout);
    for (List<Span> trace : all) {
      assertThat(merged.trace(trace.get(0).traceId())).containsExactlyInAnyOrderElementsOf(trace);
    }
    List<String> calls = new ArrayList<>();
    merged.calls((start, parent, child, error) -> calls.add(parent + ">" + child));
    assertThat(calls).contains(FRONTEND + ">" + CART);
    BlockMeta meta = merged.meta();
    assertThat(meta.id()).isEqualTo(3);
    assertThat(meta.sources()).containsExactly(1L, 2L);
    assertThat(meta.coveredWalSegment()).isEqualTo(42);
    assertThat(meta.spanCount()).isEqualTo(a.meta().spanCount() + b.meta().spanCount());
    assertThat(meta.traceCount()).isEqualTo(all.size());
    assertThat(Files.exists(a.file())).isTrue();
    assertThat(Files.exists(b.file())).isTrue();
  }

  @Test
  void compactionListsTheNamesOfItsSpansFromItsSources() throws IOException {
    // 800 values of one key in each source, 1,600 together: the merged block keeps the first 1,000
    // of all, which neither source alone holds.
    List<Span> evens = new ArrayList<>();
    List<Span> odds = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      evens.add(span(new TraceId(1, i + 1), 1, 0, CART, "get", SpanKind.SERVER, TODAY + i, 10)
          .attributes(List.of(Attribute.of("item", String.format("v%04d", 2 * i)))).build());
      odds.add(span(new TraceId(2, i + 1), 1, 0, CART, "put", SpanKind.CLIENT, TODAY + i, 10)
          .attributes(List.of(Attribute.of("item", String.format("v%04d", 2 * i + 1)),
              Attribute.of("retry", (long) i % 3))).build());
    }
    odds.addAll(checkout(TRACE_ID, TODAY));
    List<List<Span>> all = byTrace(concat(evens, odds));
    Block a = write(1, byTrace(evens));
    Block b = write(2, byTrace(odds));

    Block merged = BlockWriter.compact(directory, 3, List.of(a, b));
    opened.add(merged);

    Catalog fromSpans = catalog(all);
    assertThat(merged.meta().operations()).isEqualTo(fromSpans.operations());
    assertThat(merged.meta().attributeValues()).isEqualTo(fromSpans.attributeValues());
    Set<String> items = merged.meta().attributeValues().get(CART).get("item");
    assertThat(items).hasSize(Storage.MAX_VALUES_PER_KEY);
    assertThat(new TreeSet<>(items).last()).isEqualTo("v0999");
    assertThat(merged.meta().attributeValues().get(CART).get("retry"))
        .containsExactlyInAnyOrder("0", "1", "2");
  }

  @Test
  void compactionListsAKeyWhoseValuesAreAllTooLongToList() throws IOException {
    String statement = "SELECT " + "x, ".repeat(Storage.MAX_LISTED_VALUE_LENGTH / 3) + "y FROM t";
    Block a = write(1, List.of(List.of(span(new TraceId(1, 1), 1, 0, CART, "query",
        SpanKind.CLIENT, TODAY, MILLIS).attributes(List.of(Attribute.of("db.query.text",
            statement))).build())));
    Block b = write(2, List.of(checkout(TRACE_ID, TODAY)));
    assertThat(a.meta().attributeValues().get(CART)).containsEntry("db.query.text", Set.of());

    Block merged = BlockWriter.compact(directory, 3, List.of(a, b));
    opened.add(merged);

    assertThat(merged.meta().attributeValues().get(CART))
        .containsEntry("db.query.text", Set.of());
  }

  @Test
  void compactionKeepsASpanHeldByTwoSources() throws IOException {
    List<Span> checkout = checkout(TRACE_ID, TODAY);
    Block a = write(1, List.of(checkout));
    Block b = write(2, List.of(checkout.subList(0, 1)));

    Block merged = BlockWriter.compact(directory, 3, List.of(a, b));
    opened.add(merged);

    assertThat(merged.trace(TRACE_ID)).hasSize(6);
  }

  @Test
  void aBlockOfFormatVersionOneReadsBackAndIsLeftOutOfCompaction() throws IOException {
    // Written with format version 1 (a page was one span codec call) from these traces.
    List<List<Span>> traces = variedTraces(new Random(21), 200);
    Block block = openFixture(1);
    for (List<Span> trace : traces) {
      TraceId traceId = trace.get(0).traceId();
      assertThat(block.trace(traceId)).containsExactlyInAnyOrderElementsOf(trace);
      assertThat(block.part(traceId)).contains(TracePart.of(traceId, trace));
    }
    assertThat(ids(block.search(TraceQuery.builder().build())))
        .containsExactlyElementsOf(traces.stream().map(trace -> trace.get(0).traceId()).toList());
    List<List<Span>> read = new ArrayList<>();
    block.traces().forEachRemaining(read::add);
    assertThat(read).hasSameSizeAs(traces);
    for (int i = 0; i < traces.size(); i++) {
      assertThat(read.get(i)).containsExactlyInAnyOrderElementsOf(traces.get(i));
    }

    Block current = write(2, variedTraces(new Random(22), 10));
    Block other = write(3, variedTraces(new Random(23), 10));
    assertThat(EmbeddedStorage.compactionGroup(List.of(block, current, other), 10, 1_000, 2,
        Long.MAX_VALUE))
        .containsExactlyInAnyOrder(current, other);
    assertThatThrownBy(() -> BlockWriter.compact(directory, 4, List.of(block, current)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("source " + block + " of format version 1 (expected: 3 or later)");
  }

  @Test
  void blocksWhoseNamesTogetherPassTheTargetAreNotMerged() throws IOException {
    Block manyNames = write(1, tracesNamed(1, 500));
    Block fewNames = write(2, tracesNamed(2, 1));
    Block other = write(3, tracesNamed(3, 1));
    long target = fewNames.namesBytes() + other.namesBytes();
    assertThat(manyNames.namesBytes()).isGreaterThan(other.namesBytes());

    assertThat(EmbeddedStorage.compactionGroup(List.of(manyNames, fewNames, other), 10_000,
        1_000_000, 2, target)).containsExactly(fewNames, other);
    assertThat(EmbeddedStorage.compactionGroup(List.of(manyNames, fewNames), 10_000, 1_000_000, 2,
        target)).isEmpty();
  }

  @Test
  void metadataHoldsWhatServicesShareOnce() throws IOException {
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      traces.add(List.of(span(new TraceId(0, i + 1), 1, 0, "pod-" + i, "GET /users",
          SpanKind.SERVER, TODAY + i, MILLIS)
          .attributes(List.of(Attribute.of("http.request.method", "GET"))).build()));
    }

    BlockMeta meta = write(1, traces).meta();

    assertThat(meta.operations().get("pod-1")).containsExactly(
        new Operation("GET /users", SpanKind.SERVER)).isSameAs(meta.operations().get("pod-2"));
    Set<String> methods = meta.attributeValues().get("pod-1").get("http.request.method");
    assertThat(methods).containsExactly("GET")
        .isSameAs(meta.attributeValues().get("pod-2").get("http.request.method"));
    assertThat(meta.attributeValues().get("pod-1").get("service.name")).containsExactly("pod-1")
        .singleElement().isSameAs(meta.operations().keySet().stream()
            .filter("pod-1"::equals).findFirst().orElseThrow());
  }

  @Test
  void aSearchForAServicePastTheListedSkipsTheBlocksThatDoNotHoldIt() throws IOException {
    // pod-00000 to pod-10499: the first 10,000 are listed, the last 500 only filtered.
    Block block = write(1, tracesOfServices(1, 0, Storage.MAX_SERVICES + 500));
    assertThat(block.listing().operations()).hasSize(Storage.MAX_SERVICES);

    assertFiltersItsServices(block, Storage.MAX_SERVICES + 500, 10_321, new TraceId(1, 10_322));
  }

  @Test
  void aMergedBlockFiltersTheServicesOfAllItsSources() throws IOException {
    // 6,000 services in each source: neither holds more than it lists, the merged block does.
    Block a = write(1, tracesOfServices(1, 0, 6_000));
    Block b = write(2, tracesOfServices(2, 6_000, 6_000));
    assertThat(a.meta().allServices()).isEmpty();

    Block merged = BlockWriter.compact(directory, 3, List.of(a, b));
    opened.add(merged);

    assertFiltersItsServices(merged, 12_000, 11_999, new TraceId(2, 6_000));
  }

  /**
   * The block's filter may hold each of its {@code count} services, from {@code pod(0)} on, and
   * few others past the listed; a search by {@code pod(searched)} finds the trace {@code holder};
   * the filter reads back from the file.
   */
  private void assertFiltersItsServices(Block block, int count, int searched, TraceId holder)
      throws IOException {
    BlockMeta meta = block.listing();
    assertThat(meta.allServices()).isPresent();
    for (int i = 0; i < count; i++) {
      assertThat(meta.mayMatch(query().serviceName(pod(i)).build())).as(pod(i)).isTrue();
    }
    assertThat(ids(block.search(query().serviceName(pod(searched)).build())))
        .containsExactly(holder);
    assertThat(absentPastTheListed(meta)).isLessThan(30);
    assertThat(open(block.file()).listing()).isEqualTo(meta);
  }

  @Test
  void aBlockOfMoreServicesThanItListsHoldsItsListingApart() throws IOException {
    Block block = write(1, tracesOfServices(1, 0, Storage.MAX_SERVICES + 1));
    Block small = write(2, tracesOfServices(2, 0, 10));

    assertThat(block.meta().operations()).isEmpty();
    assertThat(block.meta().attributeValues()).isEmpty();
    assertThat(block.meta().allServices()).isPresent();
    assertThat(block.meta().spanCount()).isEqualTo(Storage.MAX_SERVICES + 1);
    assertThat(block.listing().operations()).hasSize(Storage.MAX_SERVICES);
    assertThat(block.mayMatch(query().serviceName(pod(3)).spanName("GET /users").build()))
        .isTrue();
    assertThat(block.mayMatch(query().serviceName(pod(3)).spanName("GET /orders").build()))
        .isFalse();
    assertThat(small.listing()).isSameAs(small.meta());
    assertThat(small.meta().operations()).hasSize(10);
  }

  /** Of 1,000 services that sort past the listed but are not in the block, how many may match. */
  private static long absentPastTheListed(BlockMeta meta) {
    return IntStream.range(20_000, 21_000)
        .filter(i -> meta.mayMatch(query().serviceName(pod(i)).build())).count();
  }

  /** {@code count} traces of one span each, from service {@code pod(first)} on, one each. */
  private static List<List<Span>> tracesOfServices(int high, int first, int count) {
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      traces.add(List.of(span(new TraceId(high, i + 1), 1, 0, pod(first + i), "GET /users",
          SpanKind.SERVER, TODAY + i, MILLIS).build()));
    }
    return traces;
  }

  private static String pod(int i) {
    return String.format("pod-%05d", i);
  }

  /** Traces of one span each, starting at second {@code second}, under {@code names} span names. */
  private static List<List<Span>> tracesNamed(int second, int names) {
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      traces.add(List.of(span(new TraceId(second, i + 1), 1, 0, CART, "GET /users/" + i % names,
          SpanKind.SERVER, TODAY + second * SECOND + i, MILLIS).build()));
    }
    return traces;
  }

  @Test
  void aBlockOfFormatVersionThreeIsStoredWhenItsSpansEndedAndIsMergedWithNewerOnes()
      throws IOException {
    // Written with format version 3 (no stored time in the metadata) from these traces.
    List<List<Span>> traces = variedTraces(new Random(24), 100);
    Block block = openFixture(3);
    long lastEnd = traces.stream().flatMap(List::stream).mapToLong(Span::endEpochNanos).max()
        .orElseThrow();
    assertThat(block.meta().storedEpochMillis()).isEqualTo(lastEnd / 1_000_000);

    List<List<Span>> newer = variedTraces(new Random(25), 10);
    Block current = write(2, newer);
    assertThat(EmbeddedStorage.compactionGroup(List.of(block, current), 10_000, 1_000_000, 2,
        Long.MAX_VALUE))
        .containsExactlyInAnyOrder(block, current);
    Block merged = BlockWriter.compact(directory, 3, List.of(block, current));
    opened.add(merged);

    assertThat(merged.version()).isEqualTo(BlockFormat.VERSION);
    assertThat(merged.meta().storedEpochMillis())
        .isEqualTo(Math.max(lastEnd / 1_000_000, current.meta().storedEpochMillis()));
    for (List<Span> trace : Stream.concat(traces.stream(), newer.stream()).toList()) {
      assertThat(merged.trace(trace.get(0).traceId())).containsExactlyInAnyOrderElementsOf(trace);
    }
  }

  @Test
  void aBlockOfFormatVersionFourHasNoFilterOfServicesAndIsMergedWithNewerOnes()
      throws IOException {
    // Written with format version 4 (no filter of services in the metadata) from these traces.
    List<List<Span>> traces = variedTraces(new Random(26), 100);
    Block block = openFixture(4);
    assertThat(block.meta().allServices()).isEmpty();
    assertThat(block.meta().storedEpochMillis()).isEqualTo(STORED + 1);
    assertThat(block.meta().operations()).isEqualTo(catalog(traces).operations());

    List<List<Span>> newer = variedTraces(new Random(27), 10);
    Block merged = BlockWriter.compact(directory, 3, List.of(block, write(2, newer)));
    opened.add(merged);

    assertThat(merged.version()).isEqualTo(BlockFormat.VERSION);
    for (List<Span> trace : Stream.concat(traces.stream(), newer.stream()).toList()) {
      assertThat(merged.trace(trace.get(0).traceId())).containsExactlyInAnyOrderElementsOf(trace);
    }
  }

  // Metadata
  // Metadata

  @Test
  void metadataDescribesTheBlock() throws IOException {
    TraceId other = new TraceId(0, 0x2a);
    List<Span> late = checkout(other, TODAY + 5000 * MILLIS);
    List<List<Span>> traces = byTrace(concat(checkout(TRACE_ID, TODAY), late));
    Block block = BlockWriter.write(directory, 9, 77, List.of(3L, 4L), STORED, traces.iterator(),
        catalog(traces));
    opened.add(block);

    BlockMeta meta = block.meta();
    assertThat(meta.id()).isEqualTo(9);
    assertThat(meta.coveredWalSegment()).isEqualTo(77);
    assertThat(meta.sources()).containsExactly(3L, 4L);
    assertThat(meta.minStartEpochNanos()).isEqualTo(TODAY);
    assertThat(meta.maxStartEpochNanos()).isEqualTo(TODAY + 5021 * MILLIS);
    assertThat(meta.maxEndEpochNanos()).isEqualTo(TODAY + 5100 * MILLIS);
    assertThat(meta.spanCount()).isEqualTo(10);
    assertThat(meta.traceCount()).isEqualTo(2);
    assertThat(meta.storedEpochMillis()).isEqualTo(STORED);
    assertThat(meta.sizeBytes()).isEqualTo(Files.size(block.file()));
    assertThat(meta.operations()).isEqualTo(Map.of(
        FRONTEND, Set.of(new Operation("GET /checkout", SpanKind.SERVER),
            new Operation("GET /cart", SpanKind.CLIENT)),
        CART, Set.of(new Operation("GET /cart", SpanKind.SERVER),
            new Operation("POST /pay", SpanKind.CLIENT)),
        PAYMENT, Set.of(new Operation("POST /pay", SpanKind.SERVER))));
    assertThat(meta.attributeValues()).isEqualTo(Map.of(
        FRONTEND, Map.of(
            "service.name", Set.of(FRONTEND),
            "deployment.environment", Set.of("prod"),
            "http.request.method", Set.of("GET"),
            "http.response.status_code", Set.of("200")),
        CART, Map.of(
            "service.name", Set.of(CART),
            "http.route", Set.of("/cart"),
            "cache.hit", Set.of("true")),
        PAYMENT, Map.of(
            "service.name", Set.of(PAYMENT),
            "payment.amount", Set.of("12.5"))));
    assertThat(open(block.file()).meta()).isEqualTo(meta);
  }

  @Test
  void metadataKeepsTheFirstValuesOfAKeyAndEveryKey() throws IOException {
    List<Span> spans = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    for (int i = 0; i < 1500; i++) {
      String value = "v" + (i * 7919 % 1500);
      values.add(value);
      spans.add(span(new TraceId(1, i + 1), 1, 0, CART, "get", SpanKind.SERVER, TODAY + i, 10)
          .attributes(List.of(Attribute.of("item", value), Attribute.of("bytes",
              new dev.ariadne.model.Value.Bytes(new byte[1]).toString()))).build());
    }
    Block block = write(1, byTrace(spans));

    Set<String> kept = block.meta().attributeValues().get(CART).get("item");
    assertThat(kept).hasSize(Storage.MAX_VALUES_PER_KEY)
        .containsExactlyInAnyOrderElementsOf(
            values.stream().limit(Storage.MAX_VALUES_PER_KEY).collect(Collectors.toList()));
    assertThat(block.meta().attributeValues().get(CART)).containsKeys("item", "bytes");
    String last = new ArrayList<>(values).get(1499);
    assertThat(kept).doesNotContain(last);
    assertThat(block.search(query().serviceName(CART).attribute("item", last).build()))
        .hasSize(1);
  }

  @Test
  void metadataSkipsValuesThatAreNotSearchable() throws IOException {
    Span span = span(TRACE_ID, 1, 0, CART, "get", SpanKind.SERVER, TODAY, 10).attributes(
        List.of(new Attribute("payload", new dev.ariadne.model.Value.Bytes(new byte[] {1})),
            Attribute.of("kept", 1L))).build();

    Block block = write(1, List.of(List.of(span)));

    assertThat(block.meta().attributeValues().get(CART)).containsOnlyKeys("service.name", "kept");
  }

  // Writing safely

  @Test
  void fileNameIsTheIdInSixteenHexDigits() throws IOException {
    assertThat(write(255, List.of(checkout(TRACE_ID, TODAY))).file().getFileName())
        .hasToString("00000000000000ff.block");
    assertThat(write(-1, List.of(checkout(TRACE_ID, TODAY))).file().getFileName())
        .hasToString("ffffffffffffffff.block");
  }

  @Test
  void noBlockFileIsVisibleUntilTheBlockIsComplete() throws IOException {
    List<List<Span>> traces = variedTraces(new Random(13), 100);
    List<List<String>> seen = new ArrayList<>();
    Iterator<List<Span>> watching = new Iterator<>() {
      private final Iterator<List<Span>> delegate = traces.iterator();

      @Override
      public boolean hasNext() {
        return delegate.hasNext();
      }

      @Override
      public List<Span> next() {
        seen.add(fileNames());
        return delegate.next();
      }
    };

    Block block = BlockWriter.write(directory, 1, 0, List.of(), STORED, watching, catalog(traces));
    opened.add(block);

    assertThat(seen).allSatisfy(names -> assertThat(names)
        .containsExactly("0000000000000001.block.tmp"));
    assertThat(fileNames()).containsExactly("0000000000000001.block");
  }

  @Test
  void aFailedWriteLeavesNoFile() {
    List<List<Span>> traces = variedTraces(new Random(14), 50);
    Iterator<List<Span>> failing = Stream.concat(
        traces.stream(),
        Stream.<List<Span>>generate(() -> {
          throw new IllegalStateException("source failed");
        })).iterator();

    assertThatThrownBy(() -> BlockWriter.write(directory, 1, 0, List.of(), STORED, failing,
        catalog(traces)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("source failed");
    assertThat(fileNames()).isEmpty();
  }

  @Test
  void rejectsTracesOutOfOrder() {
    List<List<Span>> traces = new ArrayList<>(variedTraces(new Random(15), 10));
    Collections.swap(traces, 3, 4);

    assertThatThrownBy(() -> write(1, traces))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: trace IDs strictly ascending");
    assertThat(fileNames()).isEmpty();
  }

  @Test
  void traceIdsAreOrderedAsUnsignedNumbers() throws IOException {
    TraceId small = new TraceId(1, 0);
    TraceId large = new TraceId(-1, 0);
    List<Span> first = checkout(small, TODAY);
    List<Span> second = checkout(large, TODAY);

    assertThatThrownBy(() -> write(1, List.of(second, first)))
        .isInstanceOf(IllegalArgumentException.class);
    Block block = write(1, List.of(first, second));
    assertThat(block.trace(large)).hasSize(5);
  }

  @Test
  void rejectsATraceGivenTwice() {
    List<Span> trace = checkout(TRACE_ID, TODAY);

    assertThatThrownBy(() -> write(1, List.of(trace.subList(0, 2), trace.subList(2, 5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending");
  }

  @Test
  void rejectsSpansOfTwoTracesGivenAsOne() {
    List<Span> mixed = concat(checkout(TRACE_ID, TODAY), checkout(new TraceId(0, 1), TODAY));

    assertThatThrownBy(() -> write(1, List.of(mixed)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given as one trace");
    assertThat(fileNames()).isEmpty();
  }

  @Test
  void refusesToOverwriteABlock() throws IOException {
    write(1, List.of(checkout(TRACE_ID, TODAY)));

    assertThatThrownBy(() -> write(1, List.of(checkout(TRACE_ID, TODAY))))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void aLeftoverTemporaryFileIsNotABlockAndIsReplaced() throws IOException {
    Block first = write(1, variedTraces(new Random(16), 50));
    byte[] bytes = Files.readAllBytes(first.file());
    Path leftover = directory.resolve("0000000000000002.block.tmp");
    Files.write(leftover, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> Block.open(leftover))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(leftover.toString());

    Block second = write(2, List.of(checkout(TRACE_ID, TODAY)));
    assertThat(second.trace(TRACE_ID)).hasSize(5);
    assertThat(fileNames()).containsExactly("0000000000000001.block", "0000000000000002.block");
  }

  // Reading safely

  @Test
  void aReadInterruptedInOneThreadDoesNotBreakTheBlockForOthers() throws Exception {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));
    block.trace(TRACE_ID);

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> block.trace(TRACE_ID))
          .isInstanceOf(ClosedByInterruptException.class);
    } finally {
      Thread.interrupted();
    }

    assertThat(block.trace(TRACE_ID)).hasSize(5);
  }

  @Test
  void manyThreadsCanReadABlockAtOnce() throws Exception {
    List<List<Span>> traces = variedTraces(new Random(17), 1000);
    Block block = write(1, traces);
    ExecutorService executor = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random random = new Random(t);
        Callable<Boolean> reader = () -> {
          for (int i = 0; i < 100; i++) {
            List<Span> trace = traces.get(random.nextInt(traces.size()));
            TraceId traceId = trace.get(0).traceId();
            if (!new LinkedHashSet<>(block.trace(traceId)).equals(new LinkedHashSet<>(trace))
                || !block.part(traceId).equals(Optional.of(TracePart.of(traceId, trace)))) {
              return false;
            }
          }
          return block.search(query().serviceName("cart").build()).size() > 0;
        };
        results.add(executor.submit(reader));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aClosedBlockRefusesReads() throws IOException {
    Block block = write(1, List.of(checkout(TRACE_ID, TODAY)));
    block.trace(TRACE_ID);

    block.close();

    assertThatThrownBy(() -> block.trace(TRACE_ID)).isInstanceOf(IOException.class);
  }

  private List<String> fileNames() {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static TraceQuery.Builder query() {
    return TraceQuery.builder();
  }

  static List<TraceId> ids(List<TracePart> parts) {
    return parts.stream().map(TracePart::traceId).collect(Collectors.toList());
  }

  @SafeVarargs
  static List<Span> concat(List<Span>... lists) {
    List<Span> all = new ArrayList<>();
    for (List<Span> list : lists) {
      all.addAll(list);
    }
    return all;
  }
}
