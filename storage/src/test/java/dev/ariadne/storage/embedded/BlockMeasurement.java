package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.embedded.BlockFixtures.STORED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.SpanCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures a block of about 200,000 realistic spans: bytes per span and where they go, write
 * time, trace lookup latency and a service + attribute + minimum duration search. Prints the
 * figures; times are not asserted. Not a test the build runs: run it with {@code
 * -Dariadne.measure=true -Dtest=BlockMeasurement}.
 */
@EnabledIfSystemProperty(named = "ariadne.measure", matches = "true")
class BlockMeasurement {
  private static final long HOUR = 3600 * BlockFixtures.SECOND;

  @TempDir Path directory;

  @Test
  void measureARealisticBlock() throws IOException {
    List<List<Span>> traces = BlockFixtures.realisticTraces(new Random(42), 10_000, HOUR);
    long spanCount = traces.stream().mapToLong(List::size).sum();
    long encoded = 0;
    for (List<Span> trace : traces) {
      encoded += SpanCodec.encode(trace).length;
    }

    // A first block warms the JIT; the second is the one measured, as a cut writes it and as
    // compaction merges it into the form spans are kept in.
    Block first = BlockWriter.write(directory, 1, 0, List.of(), STORED, traces.iterator(),
        BlockFixtures.catalog(traces));
    BlockWriter.compact(directory, 2, List.of(first)).close();
    first.close();
    long writeStart = System.nanoTime();
    Block cut = BlockWriter.write(directory, 3, 0, List.of(), STORED, traces.iterator(),
        BlockFixtures.catalog(traces));
    long writeNanos = System.nanoTime() - writeStart;
    long mergeStart = System.nanoTime();
    Block block = BlockWriter.compact(directory, 4, List.of(cut));
    long mergeNanos = System.nanoTime() - mergeStart;
    long cutSize = cut.meta().sizeBytes();
    cut.close();

    long size = block.meta().sizeBytes();
    Map<Section, Extent> sections = BlockLayout.sections(block.file());
    TraceIndex index = BlockLayout.index(block.file());
    long pages = 0;
    for (int page = 0; page < index.pageCount(); page++) {
      pages += index.page(page).length();
    }
    long summaries = 0;
    for (int chunk = 0; chunk * TraceIndex.TRACES_PER_CHUNK < index.traceCount(); chunk++) {
      summaries += index.summaryChunk(chunk).length();
    }
    long sectionBytes = sections.values().stream().mapToLong(Extent::length).sum();
    long columnChunks = size - BlockFormat.HEADER_SIZE - BlockFormat.FOOTER_SIZE - pages
        - summaries - sectionBytes;
    System.out.printf("spans %d, traces %d, SpanCodec bytes/span %.1f%n", spanCount,
        traces.size(), (double) encoded / spanCount);
    System.out.printf("block %d bytes, %.2f bytes/span: pages %.2f (%d pages), summaries %.2f,"
        + " column chunks %.2f, sections %s%n", size, (double) size / spanCount,
        (double) pages / spanCount, index.pageCount(), (double) summaries / spanCount,
        (double) columnChunks / spanCount, perSpan(sections, spanCount));
    System.out.println("column chunks, bytes/span: " + columnSizes(block.file(), spanCount));
    System.out.printf("cut's block %.2f bytes/span, written in %.0f ms; merged in %.0f ms%n",
        (double) cutSize / spanCount, writeNanos / 1e6, mergeNanos / 1e6);

    Random random = new Random(7);
    long[] lookups = new long[3000];
    for (int i = 0; i < lookups.length + 500; i++) {
      TraceId traceId = traces.get(random.nextInt(traces.size())).get(0).traceId();
      long start = System.nanoTime();
      List<Span> spans = block.trace(traceId);
      long nanos = System.nanoTime() - start;
      assertThat(spans).isNotEmpty();
      if (i >= 500) {
        lookups[i - 500] = nanos;
      }
    }
    Arrays.sort(lookups);
    System.out.printf("trace by ID: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        lookups[lookups.length / 2] / 1e6, lookups[lookups.length * 99 / 100] / 1e6,
        lookups[lookups.length - 1] / 1e6);

    TraceQuery query = TraceQuery.builder()
        .serviceName("cart")
        .attribute("http.response.status_code", "500")
        .minDurationNanos(100_000_000L)
        .startEpochNanos(BlockFixtures.START)
        .endEpochNanos(BlockFixtures.START + HOUR)
        .build();
    long[] searches = new long[50];
    int found = 0;
    for (int i = 0; i < searches.length + 10; i++) {
      long start = System.nanoTime();
      found = block.search(query).size();
      if (i >= 10) {
        searches[i - 10] = System.nanoTime() - start;
      }
    }
    Arrays.sort(searches);
    System.out.printf("search service+attribute+min duration: %d traces, p50 %.2f ms,"
        + " p99 %.2f ms%n", found, searches[searches.length / 2] / 1e6,
        searches[searches.length * 99 / 100] / 1e6);
    block.close();
  }

  /** Each column's share, from the column directory (see {@link SearchColumns}). */
  private static String columnSizes(Path file, long spanCount) throws IOException {
    StringTable names;
    ByteSource directory;
    try (BlockFile blockFile = new BlockFile(file)) {
      blockFile.dataEnd(blockFile.size() - BlockFormat.FOOTER_SIZE);
      Map<Section, Extent> sections = BlockLayout.sections(file);
      names = StringTable.read(new ByteSource(
          blockFile.read(sections.get(Section.NAMES), "names"), "names"));
      directory = new ByteSource(
          blockFile.read(sections.get(Section.COLUMNS), "columns"), "columns");
    }
    directory.readVarLong();
    directory.readVarLong();
    directory.readZigZag();
    directory.readZigZag();
    StringBuilder out = new StringBuilder();
    for (String column : List.of("spans/trace", "resources", "resource table", "names", "kinds",
        "starts", "durations", "shapes", "shape table")) {
      out.append(column).append(String.format(" %.2f, ",
          (double) Extent.read(directory).length() / spanCount));
    }
    int keys = directory.readVarInt();
    for (int i = 0; i < keys; i++) {
      String key = names.get(directory.readVarInt());
      Extent values = Extent.read(directory);
      Extent ids = Extent.read(directory);
      out.append(String.format("%n  %s value table %.2f (%d raw), values %.2f", key,
          (double) values.length() / spanCount, values.rawLength(),
          (double) ids.length() / spanCount));
    }
    return out.toString();
  }

  private static String perSpan(Map<Section, Extent> sections, long spanCount) {
    StringBuilder out = new StringBuilder();
    sections.forEach((section, extent) -> out.append(section.label()).append(' ')
        .append(String.format("%.3f", (double) extent.length() / spanCount)).append(", "));
    return out.toString();
  }
}
