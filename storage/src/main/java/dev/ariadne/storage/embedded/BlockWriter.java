package dev.ariadne.storage.embedded;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.internal.TracePart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Writes block files (see {@link BlockFormat}) from traces given in trace ID order, streaming: the
 * spans go to pages as they come, while the index, summaries, search columns and metadata, which
 * are far smaller, are gathered in memory and written at the end. A block is written under a
 * temporary name, forced to disk and renamed, so a crash leaves either the whole block or no
 * block (and perhaps a {@value BlockFormat#TEMPORARY_SUFFIX} file, which is never opened as one).
 */
final class BlockWriter {
  /**
   * A page is closed once the estimated size of its spans in a plain row form reaches this. The
   * span codec's columns and tables make realistic spans about a seventh of that (about 6,000
   * spans in 600 KB per page), and the page is compressed as one zstd frame, so that zstd finds
   * the repeats across many spans (about 40 bytes per span, against 45 for pages a quarter the
   * size).
   */
  static final int PAGE_BYTES = 4 * 1024 * 1024;
  /**
   * Within a page, a run of whole traces is closed once its estimated size reaches this (about
   * 200 realistic spans, some 30 runs per page): a lookup by trace ID decodes the run that holds
   * the trace, not the page (see {@link SpanPage}). Measured on the load generator's workload,
   * against pages of one run: runs of half this size make the block 3.5% larger, runs of this size
   * 1.8%, and of twice this size 1.2%, while a lookup takes about the same time for all three,
   * most of it now decompressing the page.
   */
  static final int RUN_BYTES = 128 * 1024;
  /** Written bytes flushed at a time while a block is written. */
  static final long SYNC_EVERY_BYTES = 4L << 20;
  /**
   * How a cut compresses its pages, the form spans are kept in, since compaction copies pages as
   * they are stored: zstd level 5 with matches from 4 bytes. On the load generator's workload
   * (pages of four cuts, 2026-11-23), level 6 made pages 0.2% smaller for 1.3 times the
   * compression time, level 5 with zstd's own minimum match 1.1% larger, and level 3 or 4 2.6%
   * larger for half the time.
   */
  private static final Compression PAGES = new Compression(5, 4);
  /**
   * How a cut compresses its other sections (search columns, summaries, index, names): a merge
   * writes them again, so they are compressed for speed. Level 3 with matches from 4 bytes made
   * them 1.7% larger than level 6 for a third of the time.
   */
  private static final Compression CUT_SECTIONS = new Compression(3, 4);
  /**
   * How a merged block compresses its sections (its pages are copied): these stay, so level 6,
   * which made merged search columns and summaries 8% smaller than level 4 for 2.3 times the
   * time.
   */
  private static final Compression MERGED_SECTIONS = new Compression(6, 0);
  private static final Comparator<Span> BY_START = Comparator.comparingLong(Span::startEpochNanos);

  private final FileChannel out;
  private final ZstdCompressCtx pageZstd;
  private final ZstdCompressCtx zstd;
  private long position;
  private long syncedPosition;
  private byte[] compressed = new byte[0];
  private final ByteSink page = new ByteSink(PAGE_BYTES / 4);
  private final SpanPage.Writer pageRuns = new SpanPage.Writer();
  private long pageBytes;
  private int pageFirstTrace;
  private List<Span> runSpans = new ArrayList<>();
  private int runTraces;
  private long runBytes;
  private final List<TracePart> summaries = new ArrayList<>(TraceIndex.TRACES_PER_CHUNK);
  private final StringTable names = new StringTable();
  private final TraceIndex.Builder index = new TraceIndex.Builder();
  private final SearchColumns.Writer columns = new SearchColumns.Writer(names);
  private final BlockMeta.Builder meta = new BlockMeta.Builder();
  private final Catalog catalog;
  private TraceId previousTraceId;

  private BlockWriter(
      FileChannel out, ZstdCompressCtx pageZstd, ZstdCompressCtx zstd, Catalog catalog) {
    this.out = out;
    this.pageZstd = pageZstd;
    this.zstd = zstd;
    this.catalog = catalog;
  }

  /**
   * Writes {@code traces} as block {@code id} in {@code directory} and opens it. Each element of
   * {@code traces} is every span of one trace that goes into this block (an empty element is
   * skipped); trace IDs must be strictly ascending by unsigned (high, low). {@code catalog} is
   * the catalog of exactly these spans, which the block's metadata lists. The file is {@link
   * BlockFormat#fileName} of {@code id}, written as a temporary file, forced, renamed atomically,
   * and the directory forced. If writing or opening fails, nothing of the block is left. {@code
   * storedEpochMillis} is when the spans were stored, from which retention counts the block's age.
   *
   * @throws IllegalArgumentException if an element mixes traces or the IDs are out of order
   * @throws FileAlreadyExistsException if the block exists
   */
  static Block write(Path directory, long id, long coveredWalSegment, List<Long> sources,
      long storedEpochMillis, Iterator<List<Span>> traces, Catalog catalog) throws IOException {
    requireNonNull(traces, "traces");
    List<Long> sourceIds = List.copyOf(requireNonNull(sources, "sources"));
    return write(directory, id, catalog, CUT_SECTIONS, writer ->
        writer.writeAll(traces, id, coveredWalSegment, sourceIds, storedEpochMillis));
  }

  /** Writes a block's body into a {@link BlockWriter}. */
  @FunctionalInterface
  private interface Body {
    void writeTo(BlockWriter writer) throws IOException;
  }

  private static Block write(
      Path directory, long id, Catalog catalog, Compression sections, Body body)
      throws IOException {
    requireNonNull(catalog, "catalog");
    Path file = directory.resolve(BlockFormat.fileName(id));
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString(), null, "block " + id + " exists");
    }
    Path temporary = directory.resolve(BlockFormat.temporaryFileName(id));
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
          ZstdCompressCtx pageZstd = PAGES.context();
          ZstdCompressCtx zstd = sections.context()) {
        body.writeTo(new BlockWriter(channel, pageZstd, zstd, catalog));
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      // A corrupt source names itself; any other I/O failure (a full disk) is named by the block.
      if (e instanceof IOException && !(e instanceof CorruptDataException)) {
        throw new IOException("writing block " + file + " failed; nothing of it was kept", e);
      }
      throw e;
    }
    try {
      try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
        directoryChannel.force(true);
      }
      return Block.open(file);
    } catch (IOException | RuntimeException | Error e) {
      // Not in the engine's state yet, and its spans are still in the head or the sources: a
      // retry must find no file of this id ("block 1 exists" for ever, after an out-of-memory in
      // open), and a restart no second copy of a compaction's sources.
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Merges {@code sources}, blocks of {@link BlockFormat#OLDEST_MERGED_VERSION} or later, into one
   * new block {@code id}
   * without decoding their spans: their pages are copied as they are stored, one source after the
   * other, and the index places each source's trace parts; the search columns are merged by
   * {@link ColumnMerge}; the summaries of a trace held by several sources are merged into one. So
   * a trace's parts from several sources come together in one block, found by one lookup, and
   * each span is compressed once, when its head is cut. Every span is kept (a span stored twice
   * stays twice). The new block covers the sources' latest WAL segment and names them as its
   * sources; its catalog is the union of theirs, and it was stored when the latest of them was.
   * The sources are left as they are.
   *
   * @throws IllegalArgumentException if there are no sources or one is of an older format version
   */
  static Block compact(Path directory, long id, List<Block> sources) throws IOException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("sources: [] (expected: at least one block)");
    }
    long coveredWalSegment = Long.MIN_VALUE;
    List<Long> sourceIds = new ArrayList<>(sources.size());
    Catalog catalog = new Catalog();
    for (Block source : sources) {
      if (source.version() < BlockFormat.OLDEST_MERGED_VERSION) {
        throw new IllegalArgumentException("source " + source + " of format version "
            + source.version() + " (expected: " + BlockFormat.OLDEST_MERGED_VERSION + " or later)");
      }
      coveredWalSegment = Math.max(coveredWalSegment, source.meta().coveredWalSegment());
      if (!sourceIds.contains(source.meta().id())) {
        sourceIds.add(source.meta().id());
      }
      catalog.addAll(source.listing());
    }
    long covered = coveredWalSegment;
    return write(directory, id, catalog, MERGED_SECTIONS,
        writer -> writer.writeMerged(sources, id, covered, sourceIds));
  }

  /**
   * Writes what can still be read of a damaged block as blocks in {@code scratch}, each in a
   * directory of its own: its spans decoded from the pages that are sound, and everything else
   * (summaries, search columns, calls, bloom filter, names) made again from them, so that only the
   * parts of the bad pages are lost, whichever of the other sections is bad. A block cut from a
   * head gives one block; a compacted one a block per run of its parts in ascending trace ID order
   * (each source it was merged from), since a block is written from traces in that order. Each
   * has the damaged block's ID, WAL segment and storage time, so that a block merged from them
   * replaces the damaged block, as a merge of it would. Holds one page's spans at a time.
   *
   * @throws CorruptDataException if the damaged block's index is bad: nothing can be found
   */
  static List<Block> salvage(Block damaged, Path scratch) throws IOException {
    BlockMeta meta = damaged.meta();
    Runs runs = new Runs(damaged.traces(), damaged.index());
    List<Block> salvaged = new ArrayList<>();
    try {
      while (runs.hasNext()) {
        // Filled as the run's traces are written, and read only once the last is: by the metadata.
        Catalog catalog = new Catalog();
        Path directory =
            Files.createDirectories(scratch.resolve(Integer.toString(salvaged.size())));
        salvaged.add(write(directory, meta.id(), meta.coveredWalSegment(), List.of(),
            meta.storedEpochMillis(), runs.next(catalog), catalog));
      }
    } catch (IOException | RuntimeException e) {
      for (Block block : salvaged) {
        try {
          block.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      throw e;
    }
    return salvaged;
  }

  /** A block's trace parts, in the order of its parts, cut into runs of ascending trace IDs. */
  private static final class Runs {
    private final Iterator<List<Span>> parts;
    private final TraceIndex index;
    private List<Span> ahead;
    private int aheadOrdinal;

    Runs(Iterator<List<Span>> parts, TraceIndex index) {
      this.parts = parts;
      this.index = index;
    }

    boolean hasNext() {
      if (ahead == null && parts.hasNext()) {
        ahead = parts.next();
        aheadOrdinal = index.find(ahead.get(0).traceId());
      }
      return ahead != null;
    }

    /** The next run, whose spans are added to {@code catalog} as they are taken. */
    Iterator<List<Span>> next(Catalog catalog) {
      return new Iterator<>() {
        private int previous = -1;

        @Override
        public boolean hasNext() {
          return Runs.this.hasNext() && aheadOrdinal > previous;
        }

        @Override
        public List<Span> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          List<Span> trace = ahead;
          previous = aheadOrdinal;
          ahead = null;
          trace.forEach(catalog::add);
          return trace;
        }
      };
    }
  }

  private void writeAll(Iterator<List<Span>> traces, long id, long coveredWalSegment,
      List<Long> sources, long storedEpochMillis) throws IOException {
    writeHeader();
    while (traces.hasNext()) {
      List<Span> spans = traces.next();
      if (!spans.isEmpty()) {
        addTrace(spans);
      }
    }
    closePage();
    closeSummaryChunk();
    Extent columnsSection = append(columns.finish(this::append));
    Extent callsSection = append(columns.finishCalls());
    writeSections(columnsSection, callsSection, index.build(), meta.build(id, coveredWalSegment,
        sources, storedEpochMillis, catalog, allServices(columns.services())));
  }

  private void writeMerged(List<Block> sources, long id, long coveredWalSegment,
      List<Long> sourceIds) throws IOException {
    writeHeader();
    TraceIdMerge traceIds = new TraceIdMerge(sources);
    int[][] ordinals = traceIds.ordinals;
    int traceCount = traceIds.highs.length;

    // Pages as they are stored, and the placement of their parts.
    List<Integer> pageFirstParts = new ArrayList<>();
    List<Extent> pages = new ArrayList<>();
    int partCount = 0;
    for (Block source : sources) {
      partCount += source.index().partCount();
    }
    int[] partOrdinals = new int[partCount];
    ColumnMerge columnMerge = new ColumnMerge(names, traceIds.spread);
    int partOffset = 0;
    for (int s = 0; s < sources.size(); s++) {
      Block source = sources.get(s);
      TraceIndex sourceIndex = source.index();
      for (int page = 0; page < sourceIndex.pageCount(); page++) {
        Extent stored = sourceIndex.page(page);
        byte[] bytes = source.data().readStored(stored, "page " + page);
        pageFirstParts.add(partOffset + sourceIndex.firstPart(page));
        pages.add(new Extent(position, stored.length(), stored.rawLength(), stored.crc()));
        writeFully(bytes, bytes.length);
      }
      for (int part = 0; part < sourceIndex.partCount(); part++) {
        partOrdinals[partOffset + part] = ordinals[s][sourceIndex.ordinalOf(part)];
      }
      StringTable sourceNames = source.names();
      int[] nameIds = new int[sourceNames.size()];
      for (int name = 0; name < nameIds.length; name++) {
        nameIds[name] = names.add(sourceNames.get(name));
      }
      columnMerge.add(new ColumnMerge.Source(source, nameIds, partOffset, ordinals[s]));
      partOffset += sourceIndex.partCount();
    }

    List<Extent> summaryChunks = writeMergedSummaries(sources, ordinals, traceCount);
    ByteSink callsSection = new ByteSink(1 << 12);
    ByteSink directory = columnMerge.finish(ordinal -> {
      TraceId traceId = new TraceId(traceIds.highs[ordinal], traceIds.lows[ordinal]);
      List<Span> spans = new ArrayList<>();
      for (Block source : sources) {
        spans.addAll(source.trace(traceId));
      }
      return spans;
    }, this::append, callsSection);
    Extent columnsSection = append(directory);
    Extent callsExtent = append(callsSection);

    long minStart = Long.MAX_VALUE;
    long maxStart = Long.MIN_VALUE;
    long maxEnd = Long.MIN_VALUE;
    long spanCount = 0;
    long stored = Long.MIN_VALUE;
    for (Block source : sources) {
      minStart = Math.min(minStart, source.meta().minStartEpochNanos());
      maxStart = Math.max(maxStart, source.meta().maxStartEpochNanos());
      maxEnd = Math.max(maxEnd, source.meta().maxEndEpochNanos());
      spanCount += source.meta().spanCount();
      stored = Math.max(stored, source.meta().storedEpochMillis());
    }
    writeSections(columnsSection, callsExtent,
        new TraceIndex(traceIds.highs, traceIds.lows,
            pageFirstParts.stream().mapToInt(Integer::intValue).toArray(),
            pages.toArray(new Extent[0]), summaryChunks.toArray(new Extent[0]), partOrdinals),
        new BlockMeta(id, coveredWalSegment, sourceIds, minStart, maxStart, maxEnd, spanCount,
            traceCount, stored, 0, catalog.operations(), catalog.attributeValues(),
            allServices(columnMerge.services())));
  }

  /**
   * A filter of the services with these name numbers, if there are more of them than the metadata
   * lists.
   */
  private Optional<BloomFilter> allServices(BitSet services) {
    int count = services.cardinality();
    if (count <= Storage.MAX_SERVICES) {
      return Optional.empty();
    }
    BloomFilter filter = BloomFilter.create(count);
    services.stream().forEach(service -> filter.add(names.get(service)));
    return Optional.of(filter);
  }

  /** Writes one summary per trace, the parts of a trace that several sources hold merged. */
  private List<Extent> writeMergedSummaries(List<Block> sources, int[][] ordinals, int traceCount)
      throws IOException {
    TracePart[] parts = new TracePart[traceCount];
    for (int s = 0; s < sources.size(); s++) {
      List<TracePart> sourceParts = sources.get(s).summaries();
      for (int ordinal = 0; ordinal < sourceParts.size(); ordinal++) {
        int merged = ordinals[s][ordinal];
        parts[merged] = parts[merged] == null
            ? sourceParts.get(ordinal) : parts[merged].merge(sourceParts.get(ordinal));
      }
    }
    List<Extent> summaryChunks = new ArrayList<>();
    for (int first = 0; first < traceCount; first += TraceIndex.TRACES_PER_CHUNK) {
      ByteSink chunk = new ByteSink(32 * TraceIndex.TRACES_PER_CHUNK);
      TraceSummaries.write(Arrays.asList(parts)
          .subList(first, Math.min(traceCount, first + TraceIndex.TRACES_PER_CHUNK)), names, chunk);
      summaryChunks.add(append(chunk));
    }
    return summaryChunks;
  }

  /**
   * The sources' sorted trace IDs merged: the new block's IDs, each source trace's new ordinal, and
   * the new ordinals of the traces more than one source holds.
   */
  private static final class TraceIdMerge {
    final int[][] ordinals;
    final BitSet spread = new BitSet();
    final long[] highs;
    final long[] lows;

    TraceIdMerge(List<Block> sources) throws IOException {
      TraceIndex[] indexes = new TraceIndex[sources.size()];
      ordinals = new int[sources.size()][];
      for (int s = 0; s < sources.size(); s++) {
        indexes[s] = sources.get(s).index();
        ordinals[s] = new int[indexes[s].traceCount()];
      }
      long[] mergedHighs = new long[1024];
      long[] mergedLows = new long[1024];
      int count = 0;
      int[] next = new int[sources.size()];
      for (TraceId least = least(indexes, next); least != null; least = least(indexes, next)) {
        if (count == mergedHighs.length) {
          mergedHighs = Arrays.copyOf(mergedHighs, count * 2);
          mergedLows = Arrays.copyOf(mergedLows, count * 2);
        }
        mergedHighs[count] = least.high();
        mergedLows[count] = least.low();
        int holders = 0;
        for (int s = 0; s < indexes.length; s++) {
          if (next[s] < indexes[s].traceCount() && indexes[s].traceId(next[s]).equals(least)) {
            ordinals[s][next[s]++] = count;
            holders++;
          }
        }
        if (holders > 1) {
          spread.set(count);
        }
        count++;
      }
      highs = Arrays.copyOf(mergedHighs, count);
      lows = Arrays.copyOf(mergedLows, count);
    }

    /** The least of the sources' next trace IDs, or null when every source is used up. */
    private static TraceId least(TraceIndex[] indexes, int[] next) {
      TraceId least = null;
      for (int s = 0; s < indexes.length; s++) {
        if (next[s] < indexes[s].traceCount()) {
          TraceId candidate = indexes[s].traceId(next[s]);
          if (least == null || TraceIndex.compare(candidate, least) < 0) {
            least = candidate;
          }
        }
      }
      return least;
    }
  }

  private void writeHeader() throws IOException {
    ByteSink header = new ByteSink(BlockFormat.HEADER_SIZE);
    header.writeIntLe(BlockFormat.MAGIC);
    header.writeIntLe(BlockFormat.VERSION);
    writeFully(header.array(), header.size());
  }

  /** Writes the sections after the chunks, then the footer. */
  private void writeSections(Extent columnsSection, Extent callsSection, TraceIndex traceIndex,
      BlockMeta blockMeta) throws IOException {
    Map<Section, Extent> sections = new EnumMap<>(Section.class);
    sections.put(Section.COLUMNS, columnsSection);
    sections.put(Section.CALLS, callsSection);
    ByteSink buffer = new ByteSink(16 * traceIndex.traceCount() + 1024);
    traceIndex.writeTo(buffer);
    sections.put(Section.INDEX, append(buffer));
    BloomFilter bloom = BloomFilter.create(traceIndex.traceCount());
    for (int ordinal = 0; ordinal < traceIndex.traceCount(); ordinal++) {
      bloom.add(traceIndex.traceId(ordinal));
    }
    buffer.reset();
    bloom.writeTo(buffer);
    sections.put(Section.BLOOM, append(buffer));
    buffer.reset();
    names.writeTo(buffer);
    sections.put(Section.NAMES, append(buffer));
    buffer.reset();
    blockMeta.writeTo(buffer);
    sections.put(Section.META, append(buffer));

    ByteSink footer = new ByteSink(BlockFormat.FOOTER_SIZE);
    for (Extent section : sections.values()) {
      section.writeFixed(footer);
    }
    CRC32C crc = new CRC32C();
    crc.update(footer.array(), 0, footer.size());
    footer.writeIntLe((int) crc.getValue());
    footer.writeIntLe(BlockFormat.VERSION);
    footer.writeIntLe(BlockFormat.MAGIC);
    writeFully(footer.array(), footer.size());
  }

  private void addTrace(List<Span> spans) throws IOException {
    TraceId traceId = requireNonNull(spans.get(0), "span").traceId();
    for (Span span : spans) {
      if (!traceId.equals(requireNonNull(span, "span").traceId())) {
        throw new IllegalArgumentException(
            "spans of traces " + traceId + " and " + span.traceId() + " given as one trace");
      }
    }
    if (previousTraceId != null && TraceIndex.compare(previousTraceId, traceId) >= 0) {
      throw new IllegalArgumentException("trace " + traceId + " after trace " + previousTraceId
          + " (expected: trace IDs strictly ascending)");
    }
    previousTraceId = traceId;
    int ordinal = index.addTrace(traceId);
    summaries.add(TracePart.of(traceId, spans));
    if (summaries.size() == TraceIndex.TRACES_PER_CHUNK) {
      closeSummaryChunk();
    }
    List<Span> byStart = new ArrayList<>(spans);
    byStart.sort(BY_START);
    columns.addTrace(byStart);
    meta.addTrace(spans);

    long size = 0;
    for (Span span : spans) {
      size += estimatedSize(span);
    }
    if (pageBytes > 0 && pageBytes + size > PAGE_BYTES) {
      closePage();
    } else if (runBytes > 0 && runBytes + size > RUN_BYTES) {
      closeRun();
    }
    if (pageBytes == 0) {
      pageFirstTrace = ordinal;
    }
    runSpans.addAll(spans);
    runTraces++;
    runBytes += size;
    pageBytes += size;
    if (pageBytes >= PAGE_BYTES) {
      closePage();
    } else if (runBytes >= RUN_BYTES) {
      closeRun();
    }
  }

  /** Encodes the run's spans as the page's next run. */
  private void closeRun() {
    if (runSpans.isEmpty()) {
      return;
    }
    pageRuns.addRun(runSpans, runTraces);
    runSpans = new ArrayList<>();
    runTraces = 0;
    runBytes = 0;
  }

  private void closePage() throws IOException {
    closeRun();
    if (pageRuns.isEmpty()) {
      return;
    }
    page.reset();
    pageRuns.writeTo(page);
    index.addPage(pageFirstTrace, append(page, pageZstd));
    pageRuns.reset();
    pageBytes = 0;
  }

  private void closeSummaryChunk() throws IOException {
    if (summaries.isEmpty()) {
      return;
    }
    ByteSink chunk = new ByteSink(32 * summaries.size());
    TraceSummaries.write(summaries, names, chunk);
    index.addSummaryChunk(append(chunk));
    summaries.clear();
  }

  /** Compresses {@code raw} to the end of the file as a section; returns where it went. */
  private Extent append(ByteSink raw) throws IOException {
    return append(raw, zstd);
  }

  private Extent append(ByteSink raw, ZstdCompressCtx compression) throws IOException {
    int bound = Math.toIntExact(Zstd.compressBound(raw.size()));
    if (compressed.length < bound) {
      compressed = new byte[bound];
    }
    int length =
        compression.compressByteArray(compressed, 0, bound, raw.array(), 0, raw.size());
    CRC32C crc = new CRC32C();
    crc.update(compressed, 0, length);
    Extent extent = new Extent(position, length, raw.size(), (int) crc.getValue());
    writeFully(compressed, length);
    return extent;
  }

  private void writeFully(byte[] bytes, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    position += length;
    if (position - syncedPosition >= SYNC_EVERY_BYTES) {
      // A block's dirty pages are flushed as it is written, not all at its end: the filesystem's
      // journal makes a WAL fsync wait for them, and a large flush would stall acknowledgements.
      out.force(false);
      syncedPosition = position;
    }
  }

  /**
   * About how many bytes a span takes in a plain row form: enough to cut pages and runs near
   * {@link #PAGE_BYTES} and {@link #RUN_BYTES} without encoding every span twice.
   */
  private static long estimatedSize(Span span) {
    long size = 64 + span.name().length() + span.serviceName().length()
        + span.statusMessage().length() + span.traceState().length() + span.scope().name().length()
        + span.scope().version().length() + estimatedSize(span.attributes(), 0)
        + estimatedSize(span.resource().attributes(), 0)
        + estimatedSize(span.scope().attributes(), 0);
    List<Event> events = span.events();
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      size += 16 + event.name().length() + estimatedSize(event.attributes(), 0);
    }
    List<Link> links = span.links();
    for (int i = 0; i < links.size(); i++) {
      Link link = links.get(i);
      size += 40 + link.traceState().length() + estimatedSize(link.attributes(), 0);
    }
    return size;
  }

  // Index loops, here and in the callers above: the iterators of the spans' lists escaped and
  // were 3.5% of the bytes durable ingest allocated (async-profiler, event=alloc).
  private static long estimatedSize(List<Attribute> attributes, int depth) {
    long size = 1;
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      size += 2 + attribute.key().length() + estimatedSize(attribute.value(), depth);
    }
    return size;
  }

  private static long estimatedSize(Value value, int depth) {
    if (value instanceof Value.Str str) {
      return 2L + str.value().length();
    } else if (value instanceof Value.Bytes bytes) {
      return 2L + bytes.value().length;
    } else if (depth >= SpanCodec.MAX_VALUE_DEPTH) {
      return 2;
    } else if (value instanceof Value.Array array) {
      long size = 2;
      for (Value element : array.values()) {
        size += estimatedSize(element, depth + 1);
      }
      return size;
    } else if (value instanceof Value.KvList kvList) {
      return 1 + estimatedSize(kvList.attributes(), depth + 1);
    }
    return 9;
  }

  /** A zstd level, and a minimum match length in bytes (0: the level's own). */
  private record Compression(int level, int minMatch) {
    ZstdCompressCtx context() {
      ZstdCompressCtx context = new ZstdCompressCtx().setLevel(level);
      return minMatch == 0 ? context : context.setMinMatch(minMatch);
    }
  }
}
