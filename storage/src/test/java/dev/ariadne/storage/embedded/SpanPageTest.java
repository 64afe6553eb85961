package dev.ariadne.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.internal.SpanDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanPageTest {
  // Round trips

  @Test
  void everyRunReadsBackInOrderAndOnItsOwn() throws Exception {
    List<List<Span>> traces = BlockFixtures.variedTraces(new Random(1), 300);
    List<List<Span>> runs = runs(traces, new Random(2));

    SpanPage.Reader reader = read(write(runs, traces));

    assertThat(reader.runCount()).isEqualTo(runs.size()).isGreaterThan(10);
    for (int run = 0; run < runs.size(); run++) {
      assertThat(reader.run(run)).as("run %d in order", run).isEqualTo(runs.get(run));
    }
    for (int run = runs.size() - 1; run >= 0; run -= 3) {
      assertThat(read(write(runs, traces)).run(run)).as("run %d alone", run)
          .isEqualTo(runs.get(run));
      assertThat(reader.run(run)).as("run %d after another", run).isEqualTo(runs.get(run));
    }
  }

  @Test
  void aRunReadOnItsOwnFindsTheStringsOfTheRunsBeforeIt() throws Exception {
    List<String> texts = List.of("héllo wörld", "\uD800 lone high", "lone low \uDC00", "中文字符",
        "", "x".repeat(70_000));
    List<Span> first = new ArrayList<>();
    List<Span> second = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      first.add(span(new TraceId(1, 1), i + 1, texts.get(i), texts.get((i + 1) % texts.size())));
      second.add(span(new TraceId(1, 2), i + 1, texts.get((i + 2) % texts.size()), "new"));
    }
    List<List<Span>> runs = List.of(first, second);

    byte[] page = write(runs, List.of(first, second));

    assertThat(read(page).run(1)).isEqualTo(second);
    assertThat(page.length)
        .as("the second run refers to the strings of the first")
        .isLessThan(SpanCodec.encode(first).length + 1000);
  }

  @Test
  void aPageOfRunsIsHardlyLargerThanOneCallOnceCompressed() throws Exception {
    List<Span> spans = new RealisticSpans(7).traces(300);
    List<List<Span>> runs = new ArrayList<>();
    for (int start = 0; start < spans.size(); start += 10 * RealisticSpans.SPANS_PER_TRACE) {
      runs.add(spans.subList(start, start + 10 * RealisticSpans.SPANS_PER_TRACE));
    }
    SpanPage.Writer writer = new SpanPage.Writer();
    ByteSink separate = new ByteSink(1 << 20);
    for (List<Span> run : runs) {
      writer.addRun(run, 10);
      SpanCodec.encode(run, separate);
    }
    ByteSink page = new ByteSink(1 << 20);
    writer.writeTo(page);

    long oneCall = Zstd.compress(SpanCodec.encode(spans), 6).length;
    long paged = Zstd.compress(page.toByteArray(), 6).length;
    long oneAfterAnother = Zstd.compress(separate.toByteArray(), 6).length;
    assertThat((double) paged / oneCall).as("page of 30 runs / one call").isLessThan(1.05);
    assertThat(oneAfterAnother).as("runs one after the other, each with its strings")
        .isGreaterThan(paged);
  }

  @Test
  void aResetWriterStartsAFreshPage() throws Exception {
    List<List<Span>> traces = BlockFixtures.variedTraces(new Random(3), 20);
    SpanPage.Writer writer = new SpanPage.Writer();
    writer.addRun(traces.get(0), 1);
    writer.writeTo(new ByteSink(1024));
    writer.reset();

    assertThat(writer.isEmpty()).isTrue();
    writer.addRun(traces.get(1), 1);
    ByteSink page = new ByteSink(1024);
    writer.writeTo(page);
    assertThat(read(page.toByteArray()).run(0)).isEqualTo(traces.get(1));
  }

  @Test
  void aWriterRefusesNonsense() {
    SpanPage.Writer writer = new SpanPage.Writer();
    List<Span> two = BlockFixtures.variedTraces(new Random(4), 40).stream()
        .filter(trace -> trace.size() == 2).findFirst().orElseThrow();

    assertThatThrownBy(() -> writer.writeTo(new ByteSink(16)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.addRun(two, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("traceCount: 0 (expected: 1 to 2, the span count)");
    assertThatThrownBy(() -> writer.addRun(two, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aVersionOnePageIsOneCallReadAsOneRun() throws Exception {
    List<Span> spans = BlockFixtures.flatten(BlockFixtures.variedTraces(new Random(5), 30));
    ByteSource in = new ByteSource(SpanCodec.encode(spans), "test");

    SpanPage.Reader reader = SpanPage.Reader.readCall(in, 30);

    assertThat(in.hasRemaining()).isFalse();
    assertThat(reader.runCount()).isOne();
    assertThat(reader.traceCount(0)).isEqualTo(30);
    assertThat(reader.run(0)).isEqualTo(spans);
  }

  // Damaged and hostile pages

  @Test
  void everyTruncationIsCorrupt() throws Exception {
    List<List<Span>> traces = BlockFixtures.variedTraces(new Random(6), 12);
    byte[] page = write(runs(traces, new Random(7)), traces);

    for (int length = 0; length < page.length; length++) {
      byte[] truncated = Arrays.copyOf(page, length);
      assertThatThrownBy(() -> readEveryRun(truncated))
          .as("truncated to %d of %d bytes", length, page.length)
          .isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void randomDamageIsCorruptOrHarmless() throws Exception {
    List<List<Span>> traces = BlockFixtures.variedTraces(new Random(8), 40);
    byte[] page = write(runs(traces, new Random(9)), traces);
    Random random = new Random(10);

    for (int trial = 0; trial < 3000; trial++) {
      byte[] damaged = page.clone();
      for (int i = random.nextInt(3); i >= 0; i--) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      try {
        readEveryRun(damaged);
      } catch (CorruptDataException expected) {
        // Found: what damage should come to.
      } catch (RuntimeException e) {
        throw new AssertionError("trial " + trial + " threw " + e, e);
      }
    }
  }

  @Test
  void aPageOfNoRunsIsCorrupt() {
    assertCorrupt(new byte[] {0}, "test: a page of no runs at byte 1");
  }

  @Test
  void aHugeRunCountIsCorruptBeforeAnythingIsAllocated() throws Exception {
    byte[] page = onePage();
    byte[] forged = new byte[page.length + 4];
    forged[0] = (byte) 0xFF;
    forged[1] = (byte) 0xFF;
    forged[2] = (byte) 0xFF;
    forged[3] = (byte) 0xFF;
    forged[4] = 0x07;
    System.arraycopy(page, 1, forged, 5, page.length - 1);

    assertCorrupt(forged, "test: count 2147483647 (expected: 0 to ");
  }

  @Test
  void aRunOfNoTracesOrOfMoreTracesThanSpansIsCorrupt() throws Exception {
    byte[] page = onePage(); // one run of 2 spans: run count 1, trace count 1, the span header
    page[1] = 0;
    assertCorrupt(page, "test: run 0 of 0 traces and 2 spans (expected: 1 trace to one per span)");

    page[1] = 3;
    assertCorrupt(page, "test: run 0 of 3 traces and 2 spans");
  }

  @Test
  void streamsLongerThanThePageAreCorrupt() throws Exception {
    byte[] page = onePage();

    assertCorrupt(Arrays.copyOf(page, page.length - 1), "test: streams of ");
  }

  @Test
  void aValueStreamKeyBeyondTheStringsOfThePageIsCorrupt() throws Exception {
    List<Span> first = List.of(span(new TraceId(1, 1), 1, "a", "b"));
    List<Span> second = List.of(span(new TraceId(1, 2), 1, "a", "b"));
    byte[] page = write(List.of(first, second), List.of(first, second));
    // The second run's header ends with its one value stream, as a key delta and a length: claim
    // key 100, past the few strings of the page.
    int header = indexOfSecondRunValueStreams(page);
    page[header] = 100;

    assertCorrupt(page, "test: value stream of key 100 (expected: under ");
  }

  @Test
  void aRunWhoseStringRefGoesPastTheStringsOfThePageIsCorrupt() throws Exception {
    List<Span> first = List.of(span(new TraceId(1, 1), 1, "a", "b"));
    List<Span> second = List.of(span(new TraceId(1, 2), 1, "a", "b"));
    SpanPage.Reader reader = read(write(List.of(first, second), List.of(first, second)));
    assertThat(reader.run(1)).isEqualTo(second);

    byte[] page = write(List.of(first, second), List.of(first, second));
    int names = indexOfNames(page);
    page[names + 1] = 9; // the second run's name: ref 9 to the first run's 5 strings
    assertThatThrownBy(() -> read(page).run(1))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageStartingWith("span codec names: string ref 9 (expected: 0 to 5)");
  }

  private static Span span(TraceId traceId, long spanId, String name, String value) {
    return Span.builder()
        .traceId(traceId)
        .spanId(spanId)
        .name(name)
        .attributes(List.of(Attribute.of("key", value)))
        .build();
  }

  /** The traces cut into runs of 1 to 12 traces. */
  private static List<List<Span>> runs(List<List<Span>> traces, Random random) {
    List<List<Span>> runs = new ArrayList<>();
    int trace = 0;
    while (trace < traces.size()) {
      int end = Math.min(traces.size(), trace + 1 + random.nextInt(12));
      runs.add(BlockFixtures.flatten(traces.subList(trace, end)));
      trace = end;
    }
    return runs;
  }

  /** A page of {@code runs}, whose trace counts are taken from {@code traces}. */
  private static byte[] write(List<List<Span>> runs, List<List<Span>> traces) {
    SpanPage.Writer writer = new SpanPage.Writer();
    int trace = 0;
    for (List<Span> run : runs) {
      int count = 0;
      for (int spans = 0; spans < run.size(); spans += traces.get(trace++).size()) {
        count++;
      }
      writer.addRun(run, count);
    }
    ByteSink page = new ByteSink(1 << 16);
    writer.writeTo(page);
    return page.toByteArray();
  }

  /** A page of one run: one trace of 2 spans. */
  private static byte[] onePage() {
    List<Span> spans = List.of(span(new TraceId(1, 1), 1, "a", "b"),
        span(new TraceId(1, 1), 2, "a", "c"));
    return write(List.of(spans), List.of(spans));
  }

  /** Where, in a page of two one-span runs, the second run's value stream key delta is. */
  private static int indexOfSecondRunValueStreams(byte[] page) throws CorruptDataException {
    ByteSource in = new ByteSource(page, "test");
    in.readVarInt();
    in.readVarInt();
    SpanDecoder.readHeader(in, 0);
    in.readVarInt();
    for (int i = 0; i < 3 + SpanCodec.STREAMS; i++) {
      in.readVarLong(); // version, span count, unit, stream lengths
    }
    in.readVarInt(); // value stream count
    return in.position();
  }

  /** Where, in a page of two one-span runs, the names stream (both runs' parts) starts. */
  private static int indexOfNames(byte[] page) throws CorruptDataException {
    ByteSource in = new ByteSource(page, "test");
    SpanDecoder.Header[] headers = new SpanDecoder.Header[2];
    in.readVarInt();
    long dictionary = 0;
    for (int run = 0; run < 2; run++) {
      in.readVarInt();
      headers[run] = SpanDecoder.readHeader(in, dictionary);
      dictionary += headers[run].lengths[SpanCodec.DICTIONARY];
    }
    int offset = in.position();
    for (int stream = 0; stream < SpanCodec.NAMES; stream++) {
      offset += headers[0].lengths[stream] + headers[1].lengths[stream];
    }
    return offset;
  }

  private static SpanPage.Reader read(byte[] page) throws CorruptDataException {
    ByteSource in = new ByteSource(page, "test");
    SpanPage.Reader reader = SpanPage.Reader.read(in);
    assertThat(in.hasRemaining()).isFalse();
    return reader;
  }

  private static void readEveryRun(byte[] page) throws CorruptDataException {
    SpanPage.Reader reader = SpanPage.Reader.read(new ByteSource(page, "test"));
    for (int run = 0; run < reader.runCount(); run++) {
      reader.run(run);
    }
    for (int run = reader.runCount() - 1; run >= 0; run--) {
      reader.run(run);
    }
  }

  private static void assertCorrupt(byte[] page, String message) {
    assertThatThrownBy(() -> readEveryRun(page))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageStartingWith(message);
  }
}
