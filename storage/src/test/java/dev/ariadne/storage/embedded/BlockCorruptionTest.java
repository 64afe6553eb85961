package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.embedded.BlockFixtures.STORED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.TracePart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged block files: every damage is a {@link CorruptDataException} naming the file and the
 * part of it that is bad, found when opening (header, footer, metadata) or when the part is first
 * used, never another exception and never a wrong answer.
 */
class BlockCorruptionTest {
  @TempDir Path directory;

  private List<List<Span>> traces;
  private Path sound;

  @BeforeEach
  void writeASoundBlock() throws IOException {
    traces = new ArrayList<>(BlockFixtures.variedTraces(new Random(1), 3));
    traces.add(checkout(TRACE_ID, TODAY));
    traces = BlockFixtures.byTrace(BlockFixtures.flatten(traces));
    try (Block block = BlockWriter.write(directory, 1, 0, List.of(), STORED, traces.iterator(),
        BlockFixtures.catalog(traces))) {
      sound = block.file();
    }
  }

  @Test
  void everyFlippedByteIsFoundAndNamed() throws IOException {
    byte[] bytes = Files.readAllBytes(sound);
    Path damaged = directory.resolve("damaged.block");
    Set<String> parts = new TreeSet<>();
    for (int offset = 0; offset < bytes.length; offset++) {
      BlockLayout.withFlippedByte(sound, offset, damaged);
      CorruptDataException found = readEverything(damaged);
      assertThat(found).as("flipped byte %d of %d", offset, bytes.length).isNotNull();
      assertThat(found.getMessage()).startsWith(damaged + ": ");
      String part = found.getMessage().substring(damaged.toString().length() + 2);
      parts.add(part.substring(0, part.indexOf(':')));
    }
    assertThat(parts).contains("header", "footer", "meta section", "names section",
        "index section", "bloom section", "columns section", "calls section", "page 0",
        "summary chunk 0", "columns section, resources column",
        "columns section, resource table column", "columns section, span names column",
        "columns section, kinds column", "columns section, starts column",
        "columns section, durations column", "columns section, shapes column",
        "columns section, shape table column", "columns section, spans per part column");
    assertThat(parts)
        .anyMatch(part -> part.matches("columns section, attribute \\d+ values column"))
        .anyMatch(part -> part.matches("columns section, attribute \\d+ value table column"));
  }

  @Test
  void truncationsAreFoundWhenOpening() throws IOException {
    byte[] bytes = Files.readAllBytes(sound);
    Path truncated = directory.resolve("truncated.block");
    int shortest = BlockFormat.HEADER_SIZE + BlockFormat.FOOTER_SIZE;
    for (int length = 0; length < bytes.length; length += length < shortest + 64 ? 1 : 29) {
      Files.write(truncated, Arrays.copyOf(bytes, length));
      assertThatThrownBy(() -> Block.open(truncated).close())
          .as("truncated to %d of %d bytes", length, bytes.length)
          .isInstanceOf(CorruptDataException.class)
          .hasMessageStartingWith(truncated + ": ");
    }
  }

  @Test
  void aBadFooterOrMetadataIsFoundWhenOpening() throws IOException {
    long size = Files.size(sound);
    Extent meta = BlockLayout.sections(sound).get(Section.META);

    assertOpenFails(flip(size - BlockFormat.FOOTER_SIZE + 3), "footer: checksum mismatch");
    assertOpenFails(flip(size - 1), "footer: not a block file");
    assertOpenFails(flip(0), "header: not a block file");
    assertOpenFails(flip(meta.offset() + meta.length() / 2), "meta section: checksum mismatch");
  }

  @Test
  void aBadIndexIsFoundByALookupAndABadPageSetAside() throws IOException {
    Map<Section, Extent> sections = BlockLayout.sections(sound);

    assertLookupFails(flip(sections.get(Section.INDEX).offset()), "index section");
    assertPageSetAside(flip(BlockFormat.HEADER_SIZE + 4), "page 0: ");
  }

  @Test
  void badColumnsOrNamesAreFoundByASearch() throws IOException {
    Map<Section, Extent> sections = BlockLayout.sections(sound);
    TraceQuery byService = TraceQuery.builder().serviceName("cart").build();

    for (Section section : List.of(Section.NAMES, Section.COLUMNS)) {
      Path damaged = flip(sections.get(section).offset() + 1);
      try (Block block = Block.open(damaged)) {
        assertThatThrownBy(() -> block.search(byService))
            .isInstanceOf(CorruptDataException.class)
            .hasMessageStartingWith(damaged + ": " + section.label() + ": checksum mismatch");
        assertThatThrownBy(() -> block.search(byService))
            .as("not cached")
            .isInstanceOf(CorruptDataException.class);
      }
    }
  }

  @Test
  void badCallsAreFoundWhenReadingCalls() throws IOException {
    Path damaged = flip(BlockLayout.sections(sound).get(Section.CALLS).offset());

    try (Block block = Block.open(damaged)) {
      assertThatThrownBy(() -> block.calls((start, parent, child, error) -> { }))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageStartingWith(damaged + ": calls section: checksum mismatch");
    }
  }

  @Test
  void compactingADamagedBlockFailsNamingItAndLeavesNoNewBlock() throws IOException {
    Path damaged = flip(BlockFormat.HEADER_SIZE + 4);
    Path other = directory.resolve("other");
    Files.createDirectory(other);

    try (Block block = Block.open(damaged)) {
      assertThatThrownBy(() -> BlockWriter.compact(other, 2, List.of(block)))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageStartingWith(damaged + ": page 0: ");
    }
    try (var files = Files.list(other)) {
      assertThat(files).isEmpty();
    }
  }

  // One bad part does not set the rest of the block aside

  @Test
  void aBadPageLeavesOutOnlyTheTracesOnIt() throws IOException {
    List<List<Span>> paged = pagePerTrace();
    Path damaged = withBadPage(pagedBlock(paged), 1);

    try (Block block = Block.open(damaged)) {
      AtomicLong counted = new AtomicLong();
      block.countDamageIn(counted);
      assertThat(block.trace(idOf(paged.get(1)))).isEmpty();
      assertThat(block.trace(idOf(paged.get(1)))).as("again").isEmpty();
      assertThat(block.trace(idOf(paged.get(0)))).containsExactlyInAnyOrderElementsOf(paged.get(0));
      assertThat(block.trace(idOf(paged.get(2)))).containsExactlyInAnyOrderElementsOf(paged.get(2));
      List<TraceId> scanned = new ArrayList<>();
      block.traces().forEachRemaining(trace -> scanned.add(idOf(trace)));
      assertThat(scanned).containsExactly(idOf(paged.get(0)), idOf(paged.get(2)));
      assertThat(block.badPages()).containsOnlyKeys(1);
      assertThat(block.badPages().get(1))
          .hasMessageStartingWith(damaged + ": page 1: checksum mismatch");
      assertThat(counted).as("each bad page counted once").hasValue(1);
    }
  }

  @Test
  void aBadBloomFilterLeavesLookupsToTheIndex() throws IOException {
    Path damaged = flip(BlockLayout.sections(sound).get(Section.BLOOM).offset());

    try (Block block = Block.open(damaged)) {
      AtomicLong counted = new AtomicLong();
      block.countDamageIn(counted);
      for (List<Span> trace : traces) {
        assertThat(block.trace(idOf(trace))).containsExactlyInAnyOrderElementsOf(trace);
      }
      assertThat(block.trace(new TraceId(7, 7))).isEmpty();
      assertThat(block.bloomDamage()).hasValueSatisfying(found ->
          assertThat(found).hasMessageStartingWith(damaged + ": bloom section: "));
      assertThat(counted).hasValue(1);
    }
  }

  @Test
  void salvageKeepsTheTracesOfEverySoundPageWhicheverOtherPartIsBad() throws IOException {
    List<List<Span>> paged = pagePerTrace();
    Path block = pagedBlock(paged);
    Map<Section, Extent> sections = BlockLayout.sections(block);
    Extent summaries = BlockLayout.index(block).summaryChunk(0);
    Map<String, Path> damaged = new LinkedHashMap<>();
    damaged.put("page 1", withBadPage(block, 1));
    damaged.put("summary chunk 0", middle(block, summaries));
    for (Section section : List.of(Section.NAMES, Section.COLUMNS, Section.CALLS, Section.BLOOM)) {
      damaged.put(section.label(), middle(block, sections.get(section)));
    }

    for (Map.Entry<String, Path> bad : damaged.entrySet()) {
      List<List<Span>> readable = new ArrayList<>(paged);
      if (bad.getKey().equals("page 1")) {
        readable.remove(1);
      }
      Path scratch = directory.resolve("salvage of " + bad.getKey());
      try (Block source = Block.open(bad.getValue())) {
        List<Block> salvaged = BlockWriter.salvage(source, scratch);
        assertThat(salvaged).as(bad.getKey()).hasSize(1);
        try (Block piece = salvaged.get(0)) {
          assertThat(piece.meta().id()).isEqualTo(source.meta().id());
          assertThat(piece.meta().spanCount()).isEqualTo(BlockFixtures.flatten(readable).size());
          for (List<Span> trace : readable) {
            assertThat(piece.trace(idOf(trace))).as(bad.getKey())
                .containsExactlyInAnyOrderElementsOf(trace);
          }
          assertThat(piece.search(TraceQuery.builder().serviceName("cart").build()))
              .extracting(TracePart::traceId)
              .containsExactlyElementsOf(readable.stream().map(BlockCorruptionTest::idOf).toList());
        }
      }
    }
  }

  @Test
  void salvageOfABlockWhoseIndexIsBadFindsNothing() throws IOException {
    Path damaged = flip(BlockLayout.sections(sound).get(Section.INDEX).offset() + 1);

    try (Block block = Block.open(damaged)) {
      assertThatThrownBy(() -> BlockWriter.salvage(block, directory.resolve("scratch")))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageStartingWith(damaged + ": index section: ");
    }
  }

  @Test
  void salvageOfAMergedBlockKeepsEachSourcesPartsOfATrace() throws IOException {
    TraceId shared = new TraceId(0, 3);
    List<Span> late = checkout(shared, TODAY + 5 * BlockFixtures.SECOND);
    List<List<Span>> first = List.of(checkout(new TraceId(0, 1), TODAY), checkout(shared, TODAY));
    List<List<Span>> second = List.of(checkout(new TraceId(0, 2), TODAY), late);
    Path sources = Files.createDirectory(directory.resolve("sources"));
    try (Block a = BlockWriter.write(sources, 10, 0, List.of(), STORED, first.iterator(),
            BlockFixtures.catalog(first));
        Block b = BlockWriter.write(sources, 11, 0, List.of(), STORED, second.iterator(),
            BlockFixtures.catalog(second));
        Block merged = BlockWriter.compact(sources, 12, List.of(a, b))) {
      List<Block> salvaged = BlockWriter.salvage(merged, directory.resolve("scratch"));
      try {
        assertThat(salvaged).hasSize(2);
        List<Span> sharedSpans = new ArrayList<>();
        for (Block piece : salvaged) {
          sharedSpans.addAll(piece.trace(shared));
        }
        assertThat(sharedSpans).hasSize(10);
        assertThat(salvaged.stream().mapToLong(piece -> piece.meta().spanCount()).sum())
            .isEqualTo(merged.meta().spanCount());
      } finally {
        for (Block piece : salvaged) {
          piece.close();
        }
      }
    }
  }

  @Test
  void aBlockOfAnotherFormatVersionIsRefused() throws IOException {
    byte[] bytes = Files.readAllBytes(sound);
    int next = BlockFormat.VERSION + 1;
    bytes[4] = (byte) next;
    bytes[bytes.length - 8] = (byte) next;
    Path future = Files.write(directory.resolve("future.block"), bytes);

    assertOpenFails(future,
        "header: format version " + next + " (expected: 1 to " + BlockFormat.VERSION + ")");
  }

  @Test
  void aHeaderAndFooterOfDifferentVersionsAreRefused() throws IOException {
    byte[] bytes = Files.readAllBytes(sound);
    bytes[4] = 1;
    Path mixed = Files.write(directory.resolve("mixed.block"), bytes);

    assertOpenFails(mixed,
        "footer: format version " + BlockFormat.VERSION + " where the header says 1");
  }

  // Pages that pass their checksum but do not hold what the index says

  @Test
  void runsOfMoreOrFewerTracesThanTheIndexPlacesInThePageAreCorrupt() throws IOException {
    Path fewer = withPage(runs(List.of(traces.subList(0, 4)), 3));
    Path more = withPage(runs(List.of(traces.subList(0, 4)), 5));

    assertPageSetAside(fewer, "page 0: runs of 3 traces where the index places 4");
    assertPageSetAside(more, "page 0: runs of 5 traces where the index places 4");
  }

  @Test
  void compactionRefusesASourcePageThatFailsItsChecksum() throws IOException {
    Extent page = BlockLayout.index(sound).page(0);
    Path damaged = BlockLayout.withFlippedByte(
        sound, page.offset() + page.length() / 2, directory.resolve("damaged.block"));

    assertCompactionFails(damaged, "page 0: checksum mismatch");
  }

  @Test
  void tracesInAnotherRunThanThePageHeaderSaysAreCorrupt() throws IOException {
    // Traces 0-1 in the first run and 2-3 in the second, whose header says 1 and 3 traces.
    Path shifted = withPage(runs(List.of(traces.subList(0, 2), traces.subList(2, 4)), 1, 3));
    TraceId second = traces.get(1).get(0).traceId();

    try (Block block = Block.open(shifted)) {
      assertThat(block.trace(traces.get(0).get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(traces.get(0));
      assertThat(block.trace(second)).isEmpty();
      assertThat(block.badPages().get(0)).hasMessage(shifted + ": page 0, run 1: no span of trace "
          + second + ", which the index places there");
    }
    try (Block block = Block.open(shifted)) {
      assertThat(block.traces()).isExhausted();
      assertThat(block.badPages().get(0)).hasMessageContaining(shifted + ": page 0, run 0: holds"
          + " trace " + second + " where the index expects trace part 1");
    }
  }

  @Test
  void bytesAfterTheRunsAreCorrupt() throws IOException {
    byte[] page = BlockLayout.page(sound, 0);
    Path longer = withPage(Arrays.copyOf(page, page.length + 3));

    assertPageSetAside(longer, "page 0: 3 bytes after the spans at byte ");
  }

  @Test
  void aRunThatDoesNotDecodeIsNamed() throws IOException {
    byte[] page = BlockLayout.page(sound, 0);
    SpanPage.Reader reader = SpanPage.Reader.read(new ByteSource(page, "page"));
    assertThat(reader.runCount()).isOne();
    // The first run's header: run count, trace count, then the span codec header from its
    // version on; its span count is the fourth byte. Claim one span more.
    page[3]++;

    assertPageSetAside(withPage(page), "page 0, run 0: span codec span IDs: ");
  }

  @Test
  void pagesThatDecompressButHoldNonsenseAreCorruptOrHarmless() throws IOException {
    byte[] raw = BlockLayout.page(sound, 0);
    Random random = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      Path forged = withPage(mutate(raw, random));
      try {
        readEverything(forged);
      } catch (RuntimeException e) {
        throw new AssertionError("nonsense in page 0 (trial " + trial + ") threw " + e, e);
      }
    }
  }

  @Test
  void aFooterThatPointsOutsideTheFileIsRefused() throws IOException {
    byte[] bytes = Files.readAllBytes(sound);
    int footer = bytes.length - BlockFormat.FOOTER_SIZE;
    ByteSink forged = new ByteSink(BlockFormat.FOOTER_SIZE);
    for (Section section : Section.values()) {
      new Extent(bytes.length * 2L, 10, 10, 0).writeFixed(forged);
    }
    CRC32C crc = new CRC32C();
    crc.update(forged.array(), 0, forged.size());
    forged.writeIntLe((int) crc.getValue());
    System.arraycopy(forged.array(), 0, bytes, footer, forged.size());
    Path file = Files.write(directory.resolve("forged.block"), bytes);

    assertOpenFails(file, "footer: names section outside the file");
  }

  @Test
  void emptyShortAndForeignFilesAreNotBlocks() throws IOException {
    Path empty = Files.write(directory.resolve("empty.block"), new byte[0]);
    byte[] random = new byte[4096];
    new Random(3).nextBytes(random);
    Path garbage = Files.write(directory.resolve("garbage.block"), random);

    assertOpenFails(empty, "footer: file of 0 bytes is too short for a block");
    assertOpenFails(garbage, "header: not a block file");
  }

  @Test
  void sectionsThatDecompressButHoldNonsenseAreCorruptOrHarmless() throws IOException {
    byte[] bytes = Files.readAllBytes(sound);
    Map<Section, Extent> sections = BlockLayout.sections(sound);
    Random random = new Random(4);
    Path forged = directory.resolve("forged.block");
    for (Section section : Section.values()) {
      Extent extent = sections.get(section);
      byte[] raw = Zstd.decompress(
          Arrays.copyOfRange(bytes, (int) extent.offset(), (int) extent.offset() + extent.length()),
          extent.rawLength());
      for (int trial = 0; trial < 60; trial++) {
        Files.write(forged, withSection(bytes, sections, section, mutate(raw, random)));
        try {
          readEverything(forged);
        } catch (RuntimeException e) {
          throw new AssertionError("nonsense in the " + section.label() + " (trial " + trial
              + ") threw " + e, e);
        }
      }
    }
  }

  /** Raw bytes with a few bytes changed, or cut short, or grown. */
  private static byte[] mutate(byte[] raw, Random random) {
    byte[] mutated = Arrays.copyOf(raw, raw.length);
    switch (random.nextInt(4)) {
      case 0:
        return Arrays.copyOf(raw, random.nextInt(raw.length + 1));
      case 1:
        mutated = Arrays.copyOf(raw, raw.length + 1 + random.nextInt(16));
        break;
      default:
        break;
    }
    for (int i = random.nextInt(3); i >= 0 && mutated.length > 0; i--) {
      mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
    }
    return mutated;
  }

  /** The block with one section replaced by {@code raw}, checksummed, and the footer redone. */
  private static byte[] withSection(
      byte[] bytes, Map<Section, Extent> sections, Section replaced, byte[] raw) {
    ByteSink out = new ByteSink(bytes.length + raw.length);
    out.writeBytes(bytes, 0, bytes.length - BlockFormat.FOOTER_SIZE);
    Map<Section, Extent> forged = new EnumMap<>(sections);
    forged.put(replaced, BlockLayout.append(out, raw));
    BlockLayout.writeFooter(out, forged);
    return out.toByteArray();
  }

  /** A page of runs of the given traces, whose header says they hold {@code traceCounts}. */
  private static byte[] runs(List<List<List<Span>>> runs, int... traceCounts) {
    SpanPage.Writer writer = new SpanPage.Writer();
    for (int run = 0; run < runs.size(); run++) {
      writer.addRun(BlockFixtures.flatten(runs.get(run)), traceCounts[run]);
    }
    ByteSink page = new ByteSink(4096);
    writer.writeTo(page);
    return page.toByteArray();
  }

  /** The sound block with its page replaced by {@code raw}, in a file of its own. */
  private Path withPage(byte[] raw) throws IOException {
    return BlockLayout.withPage(sound, 0, raw, Files.createTempFile(directory, "page", ".block"));
  }

  private static List<List<Span>> pagePerTrace() {
    return BlockFixtures.pagePerTrace(List.of(new TraceId(0, 1), new TraceId(0, 2),
        new TraceId(0, 3)));
  }

  /** A block of {@code traces} in a file of its own. */
  private Path pagedBlock(List<List<Span>> traces) throws IOException {
    Path into = Files.createTempDirectory(directory, "paged");
    try (Block block = BlockWriter.write(into, 2, 0, List.of(), STORED, traces.iterator(),
        BlockFixtures.catalog(traces))) {
      assertThat(block.index().pageCount()).isEqualTo(traces.size());
      return block.file();
    }
  }

  /** {@code block} with a byte flipped in the middle of page {@code page}, in a file of its own. */
  private Path withBadPage(Path block, int page) throws IOException {
    return middle(block, BlockLayout.index(block).page(page));
  }

  /** {@code block} with a byte flipped in the middle of {@code extent}, in a file of its own. */
  private Path middle(Path block, Extent extent) throws IOException {
    return BlockLayout.withFlippedByte(block, extent.offset() + extent.length() / 2,
        Files.createTempFile(directory, "damaged", ".block"));
  }

  private static TraceId idOf(List<Span> trace) {
    return trace.get(0).traceId();
  }

  private Path flip(long offset) throws IOException {
    return BlockLayout.withFlippedByte(sound, offset, directory.resolve("damaged-" + offset));
  }

  private static void assertOpenFails(Path file, String message) {
    assertThatThrownBy(() -> Block.open(file).close())
        .isInstanceOf(CorruptDataException.class)
        .hasMessageStartingWith(file + ": " + message);
  }

  private static void assertCompactionFails(Path file, String message) throws IOException {
    Path other = file.resolveSibling("compacted");
    Files.createDirectories(other);
    try (Block block = Block.open(file)) {
      assertThatThrownBy(() -> BlockWriter.compact(other, 99, List.of(block)))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageStartingWith(file + ": " + message);
    }
  }

  private void assertLookupFails(Path file, String part) throws IOException {
    try (Block block = Block.open(file)) {
      assertThatThrownBy(() -> block.trace(traces.get(0).get(0).traceId()))
          .isInstanceOf(CorruptDataException.class)
          .hasMessageStartingWith(file + ": " + part + ": ");
    }
  }

  /** A lookup of the first trace finds none of it, and sets page 0 aside for {@code message}. */
  private void assertPageSetAside(Path file, String message) throws IOException {
    try (Block block = Block.open(file)) {
      assertThat(block.trace(traces.get(0).get(0).traceId())).isEmpty();
      assertThat(block.badPages()).containsOnlyKeys(0);
      assertThat(block.badPages().get(0)).hasMessageStartingWith(file + ": " + message);
    }
  }

  /**
   * Opens the block and uses every byte of it: every lookup, every trace and part, calls, and a
   * search per attribute key that passes every column. Returns the corruption found, thrown or
   * set aside (a page, the bloom filter), or null. Any other exception fails the test.
   */
  private CorruptDataException readEverything(Path file) throws IOException {
    try (Block block = Block.open(file)) {
      for (List<Span> trace : traces) {
        block.trace(trace.get(0).traceId());
        block.part(trace.get(0).traceId());
      }
      block.traces().forEachRemaining(trace -> { });
      block.calls((start, parent, child, error) -> { });
      for (TraceQuery query : searchesReadingEveryColumn()) {
        block.search(query);
      }
      return block.badPages().values().stream().findFirst()
          .or(block::bloomDamage).orElse(null);
    } catch (CorruptDataException e) {
      return e;
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof CorruptDataException corrupt) {
        return corrupt;
      }
      throw e;
    }
  }

  /** For each attribute key, a query that the first span with that key meets on every column. */
  private List<TraceQuery> searchesReadingEveryColumn() {
    Map<String, TraceQuery> byKey = new LinkedHashMap<>();
    for (Span span : BlockFixtures.flatten(traces)) {
      if (span.durationNanos() < 0) {
        continue;
      }
      List<Attribute> attributes = new ArrayList<>(span.attributes());
      attributes.addAll(span.resource().attributes());
      for (Attribute attribute : attributes) {
        Optional.ofNullable(TraceQuery.searchableText(attribute.value())).ifPresent(text ->
            byKey.computeIfAbsent(attribute.key(), key -> TraceQuery.builder()
                .serviceName(span.serviceName())
                .spanName(span.name())
                .kind(span.kind())
                .attribute(key, text)
                .startEpochNanos(span.startEpochNanos())
                .endEpochNanos(span.startEpochNanos() + 1)
                .minDurationNanos(span.durationNanos())
                .maxDurationNanos(span.durationNanos())
                .build()));
      }
    }
    return new ArrayList<>(byKey.values());
  }
}
