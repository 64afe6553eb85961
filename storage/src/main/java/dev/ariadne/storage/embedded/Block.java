package dev.ariadne.storage.embedded;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.TracePart;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * One immutable block file, open for reading; written by {@link BlockWriter}, laid out as {@link
 * BlockFormat} says. Opening reads the header, the footer and the metadata only, so opening many
 * blocks costs little whatever they hold. The metadata stays in memory, but for the listing of a
 * block that holds more services than it lists, which stays while the heap has room (services
 * made from IDs make it about 2 MB a block). The index, bloom filter and column directory load
 * on first use and stay in memory, the names too while the heap has room; search columns,
 * summaries and pages are read from the file each time they are needed, and not cached.
 *
 * <p>Bad bytes found at any point are a {@link CorruptDataException} naming the file and the
 * section, never a wrong answer; but for a page or the bloom filter, without which the rest of the
 * block is still read. A page that fails (its checksum, or its runs against the index) is set
 * aside: lookups and scans go on without the trace parts it held, and the page is logged once and
 * counted. A bloom filter that fails is logged once and read as one that may hold every trace, the
 * index deciding. Thread-safe.
 */
final class Block implements Closeable {
  private static final System.Logger LOG = System.getLogger(Block.class.getName());
  private final BlockFile file;
  /** The format version the block was written in, from {@link BlockFormat#OLDEST_VERSION} on. */
  private final int version;
  /** The metadata, without its listing if {@link #listing} holds it apart. */
  private final BlockMeta meta;
  /** The whole metadata, held apart (softly) in a block with a filter of all its services. */
  private final Lazy<BlockMeta> listing;
  private final Map<Section, Extent> sections;
  private final Lazy<StringTable> names;
  private final Lazy<TraceIndex> index;
  private final Lazy<BloomFilter> bloom;
  private final Lazy<SearchColumns> columns;
  /** The pages found bad, with what was found; never read again. */
  private final ConcurrentSkipListMap<Integer, CorruptDataException> badPages =
      new ConcurrentSkipListMap<>();
  /** What was found wrong with the bloom filter, or null: then the index alone tells. */
  private volatile CorruptDataException bloomDamage;
  /** What a read found wrong in a part other than a page or the bloom filter, or null. */
  private volatile CorruptDataException damage;
  /** Where bad pages and a bad bloom filter are counted, once each: the engine's, once set. */
  private volatile AtomicLong damageCounter = new AtomicLong();

  private Block(BlockFile file, int version, BlockMeta meta, Map<Section, Extent> sections) {
    this.file = file;
    this.version = version;
    this.meta = meta.allServices().isPresent() ? meta.withoutListing() : meta;
    this.listing = new Lazy<>(this::readMeta, true);
    if (meta.allServices().isPresent()) {
      listing.hold(meta);
    }
    this.sections = sections;
    this.names = new Lazy<>(() -> StringTable.read(readSection(Section.NAMES)), true);
    this.index = new Lazy<>(this::readIndex, false);
    this.bloom = new Lazy<>(() -> BloomFilter.read(readSection(Section.BLOOM)), false);
    this.columns = new Lazy<>(this::readColumns, false);
  }

  /**
   * Opens a block file, reading its header, footer and metadata.
   *
   * @throws CorruptDataException naming the file if any of them is bad or the file is too short
   */
  static Block open(Path path) throws IOException {
    BlockFile file = new BlockFile(path);
    try {
      long size = file.size();
      if (size < BlockFormat.HEADER_SIZE + BlockFormat.FOOTER_SIZE) {
        throw file.corrupt("footer", "file of " + size + " bytes is too short for a block");
      }
      ByteSource header = file.source(file.read(0, BlockFormat.HEADER_SIZE, "header"), "header");
      int magic = header.readIntLe();
      int headerVersion = header.readIntLe();
      checkMagicAndVersion(file, "header", magic, headerVersion);
      long footerOffset = size - BlockFormat.FOOTER_SIZE;
      ByteSource footer = file.source(
          file.read(footerOffset, BlockFormat.FOOTER_SIZE, "footer"), "footer");
      Map<Section, Extent> sections = new EnumMap<>(Section.class);
      for (Section section : Section.values()) {
        sections.put(section, Extent.readFixed(footer));
      }
      int storedCrc = footer.readIntLe();
      int version = footer.readIntLe();
      checkMagicAndVersion(file, "footer", footer.readIntLe(), version);
      if (version != headerVersion) {
        throw file.corrupt("footer", "format version " + version + " where the header says "
            + headerVersion);
      }
      CRC32C crc = new CRC32C();
      crc.update(footer.array(), 0, sections.size() * Extent.FIXED_SIZE);
      if ((int) crc.getValue() != storedCrc) {
        throw file.corrupt("footer", "checksum mismatch");
      }
      for (Map.Entry<Section, Extent> section : sections.entrySet()) {
        if (!section.getValue().within(BlockFormat.HEADER_SIZE, footerOffset)) {
          throw file.corrupt("footer",
              section.getKey().label() + " outside the file: " + section.getValue());
        }
      }
      file.dataEnd(footerOffset);
      return new Block(file, version, readMeta(file, version, sections), sections);
    } catch (IOException | RuntimeException e) {
      try {
        file.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static BlockMeta readMeta(BlockFile file, int version, Map<Section, Extent> sections)
      throws IOException {
    String what = Section.META.label();
    return BlockMeta.read(file.source(file.read(sections.get(Section.META), what), what), version,
        file.size());
  }

  private BlockMeta readMeta() throws IOException {
    return readMeta(file, version, sections);
  }

  private static void checkMagicAndVersion(BlockFile file, String what, int magic, int version)
      throws CorruptDataException {
    if (magic != BlockFormat.MAGIC) {
      throw file.corrupt(what, "not a block file (magic " + Integer.toHexString(magic) + ")");
    }
    if (version < BlockFormat.OLDEST_VERSION || version > BlockFormat.VERSION) {
      throw file.corrupt(what, "format version " + version + " (expected: "
          + BlockFormat.OLDEST_VERSION + " to " + BlockFormat.VERSION + ")");
    }
  }

  /**
   * The metadata held for good: all of it, but for a block with a {@linkplain
   * BlockMeta#allServices filter of all its services}, whose services, operations and attribute
   * values are only in its {@link #listing}.
   */
  BlockMeta meta() {
    return meta;
  }

  /**
   * The whole metadata, its listing included: for a block with a filter of all its services, read
   * from the file again if the heap has let it go.
   */
  BlockMeta listing() throws IOException {
    return meta.allServices().isPresent() ? listing.get() : meta;
  }

  /**
   * False when no span of this block can match {@code query}, as {@link BlockMeta#mayMatch} tells
   * from the whole metadata; the listing is not read when the time range or the filter of all
   * services rules the block out.
   */
  boolean mayMatch(TraceQuery query) throws IOException {
    return meta.mayHold(query) && listing().mayMatch(query);
  }

  /** The format version the block was written in. */
  int version() {
    return version;
  }

  TraceIndex index() throws IOException {
    return index.get();
  }

  /** The size of the names table as written, before compression: a measure of its heap. */
  long namesBytes() {
    return sections.get(Section.NAMES).rawLength();
  }

  StringTable names() throws IOException {
    return names.get();
  }

  SearchColumns columns() throws IOException {
    return columns.get();
  }

  /** The file, for compaction to read the block's columns and stored pages from. */
  BlockFile data() {
    return file;
  }

  /** The calls section, read and checked. */
  ByteSource callsSection() throws IOException {
    return readSection(Section.CALLS);
  }

  /** The summary of every trace's part in this block, in ordinal order. */
  List<TracePart> summaries() throws IOException {
    int[] ordinals = new int[index.get().traceCount()];
    Arrays.setAll(ordinals, ordinal -> ordinal);
    return parts(ordinals);
  }

  Path file() {
    return file.path();
  }

  /** False if the block certainly does not hold the trace; true if it may. */
  boolean mayContain(TraceId traceId) throws IOException {
    requireNonNull(traceId, "traceId");
    if (bloomDamage == null) {
      try {
        return bloom.get().mightContain(traceId);
      } catch (CorruptDataException e) {
        synchronized (this) {
          if (bloomDamage == null) {
            bloomDamage = e;
            damageCounter.incrementAndGet();
            LOG.log(Level.ERROR, e.getMessage() + "; lookups in " + file()
                + " read its index instead (logged once)");
          }
        }
      }
    }
    return true;
  }

  /**
   * Counts the bad pages (and a bad bloom filter) found from now on in {@code counter}, each once.
   */
  void countDamageIn(AtomicLong counter) {
    damageCounter = requireNonNull(counter, "counter");
  }

  /** The pages found bad so far, by number, with what was found. */
  SortedMap<Integer, CorruptDataException> badPages() {
    return Collections.unmodifiableSortedMap(badPages);
  }

  /** What was found wrong with the bloom filter, once it was found bad. */
  Optional<CorruptDataException> bloomDamage() {
    return Optional.ofNullable(bloomDamage);
  }

  /**
   * Records what a read found wrong in a part of the block other than a page or the bloom filter
   * (names, search columns, a summary chunk, calls); true the first time. The engine leaves such a
   * block out of reads until a merge salvages it.
   */
  boolean damaged(CorruptDataException found) {
    requireNonNull(found, "found");
    synchronized (this) {
      if (damage != null) {
        return false;
      }
      damage = found;
      return true;
    }
  }

  /** What a read found wrong in a part other than a page or the bloom filter, once it did. */
  Optional<CorruptDataException> damage() {
    return Optional.ofNullable(damage);
  }

  /** Sets the page aside for good: logged and counted the first time. */
  private void setAside(int page, CorruptDataException e) {
    if (badPages.putIfAbsent(page, e) == null) {
      damageCounter.incrementAndGet();
      LOG.log(Level.ERROR, "Page " + page + " of block " + file() + " is corrupt ("
          + e.getMessage() + "); its trace parts are left out of reads, the rest of the block"
          + " is served (logged once)");
    }
  }

  /**
   * Every span of the trace in this block, in no particular order; empty if none. Decodes only the
   * runs that hold the trace's parts: one run, unless compaction brought parts of the trace from
   * several blocks.
   */
  List<Span> trace(TraceId traceId) throws IOException {
    int ordinal = ordinal(traceId);
    if (ordinal < 0) {
      return List.of();
    }
    TraceIndex traceIndex = index.get();
    List<Span> found = new ArrayList<>();
    for (int part : traceIndex.partsOf(ordinal)) {
      int page = traceIndex.pageOf(part);
      readGoodPage(traceIndex, page, reader -> {
        int run = 0;
        int runEnd = traceIndex.firstPart(page) + reader.traceCount(0);
        while (part >= runEnd) {
          run++;
          runEnd += reader.traceCount(run);
        }
        int before = found.size();
        for (Span span : decode(page, reader, run)) {
          if (span.traceId().equals(traceId)) {
            found.add(span);
          }
        }
        if (found.size() == before) {
          throw file.corrupt(runName(page, run),
              "no span of trace " + traceId + ", which the index places there");
        }
        return null;
      });
    }
    return List.copyOf(found);
  }

  /**
   * How many spans of the trace this block holds on pages found bad so far (by the reads that set
   * them aside, as the trace's own read does): 0 at once for a block with no bad page, and without
   * reading a page when none of the trace's parts is on a bad one; else its summary's count less
   * the spans its sound pages hold.
   */
  int unreadableSpans(TraceId traceId) throws IOException {
    if (badPages.isEmpty()) {
      return 0;
    }
    int ordinal = ordinal(traceId);
    if (ordinal < 0) {
      return 0;
    }
    TraceIndex traceIndex = index.get();
    boolean anyBad = false;
    boolean anySound = false;
    for (int part : traceIndex.partsOf(ordinal)) {
      if (badPages.containsKey(traceIndex.pageOf(part))) {
        anyBad = true;
      } else {
        anySound = true;
      }
    }
    if (!anyBad) {
      return 0;
    }
    int stored = part(traceId).orElseThrow().spanCount();
    return anySound ? stored - trace(traceId).size() : stored;
  }

  /** The trace's part in this block, read from its summary without decoding its spans. */
  Optional<TracePart> part(TraceId traceId) throws IOException {
    int ordinal = ordinal(traceId);
    return ordinal < 0 ? Optional.empty() : Optional.of(parts(new int[] {ordinal}).get(0));
  }

  /**
   * The parts, in trace ID order, of every trace with a span of this block that {@code query}
   * {@linkplain TraceQuery#matches matches}, found from the metadata and the search columns,
   * never from the spans themselves; the query's limit is not applied.
   */
  List<TracePart> search(TraceQuery query) throws IOException {
    requireNonNull(query, "query");
    if (!mayMatch(query)) {
      return List.of();
    }
    boolean startsCovered = query.startEpochNanos() <= meta.minStartEpochNanos()
        && query.endEpochNanos() > meta.maxStartEpochNanos();
    int[] parts = columns.get().matchingParts(query, startsCovered, names.get(), file);
    return parts(index.get().ordinalsOf(parts));
  }

  /**
   * Gives {@code sink} every call between services in this block's spans, as {@link
   * DependencyLinker#calls} finds them in each trace's spans here, and answers the open traces:
   * those with a span whose parent is not here, which may make calls with spans elsewhere.
   */
  List<TraceId> calls(DependencyLinker.CallSink sink) throws IOException {
    requireNonNull(sink, "sink");
    int[] open = columns.get().calls(readSection(Section.CALLS), names.get(), file, sink);
    TraceIndex traceIndex = index.get();
    int[] ordinals = traceIndex.ordinalsOf(open);
    List<TraceId> traces = new ArrayList<>(ordinals.length);
    for (int ordinal : ordinals) {
      traces.add(traceIndex.traceId(ordinal));
    }
    return traces;
  }

  /**
   * Every trace part's spans, page by page as the iterator advances, in the order of the parts
   * (trace ID order in a block cut from the head): a full scan, which checks every page against
   * the index. The parts of a bad page are left out. A read error surfaces from the iterator as an
   * {@link UncheckedIOException} whose cause is the {@link IOException}.
   */
  Iterator<List<Span>> traces() throws IOException {
    TraceIndex traceIndex = index.get();
    return new Iterator<>() {
      private int nextPage;
      private final List<List<Span>> pending = new ArrayList<>();
      private int nextInPage;

      @Override
      public boolean hasNext() {
        while (nextInPage == pending.size() && nextPage < traceIndex.pageCount()) {
          try {
            pending.clear();
            List<List<Span>> read = tracesOfPage(traceIndex, nextPage++);
            if (read != null) {
              pending.addAll(read);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          nextInPage = 0;
        }
        return nextInPage < pending.size();
      }

      @Override
      public List<Span> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(nextInPage++);
      }
    };
  }

  /**
   * The trace parts of a page in the order of the parts, run by run, checked against the index;
   * null if the page is bad.
   */
  private List<List<Span>> tracesOfPage(TraceIndex traceIndex, int page) throws IOException {
    return readGoodPage(traceIndex, page, reader -> {
      List<List<Span>> traces = new ArrayList<>();
      int part = traceIndex.firstPart(page);
      for (int run = 0; run < reader.runCount(); run++) {
        int first = part;
        int end = first + reader.traceCount(run);
        List<Span> current = null;
        for (Span span : decode(page, reader, run)) {
          if (current == null || !span.traceId().equals(current.get(0).traceId())) {
            if (part >= end
                || !span.traceId().equals(traceIndex.traceId(traceIndex.ordinalOf(part)))) {
              throw file.corrupt(runName(page, run), "holds trace " + span.traceId()
                  + " where the index expects trace part " + part);
            }
            part++;
            current = new ArrayList<>();
            traces.add(current);
          }
          current.add(span);
        }
        if (part != end) {
          throw file.corrupt(runName(page, run), "holds " + (part - first)
              + " trace parts where the page's header says " + (end - first));
        }
      }
      return traces;
    });
  }

  /**
   * Reads a page as {@link #readPage} does, unless it is bad: a page found bad before is not read,
   * and one that fails now is set aside; both answer null.
   */
  private <T> T readGoodPage(TraceIndex traceIndex, int page, PageReader<T> reader)
      throws IOException {
    if (badPages.containsKey(page)) {
      return null;
    }
    try {
      return readPage(traceIndex, page, reader);
    } catch (CorruptDataException e) {
      setAside(page, e);
      return null;
    }
  }

  private int ordinal(TraceId traceId) throws IOException {
    return mayContain(traceId) ? index.get().find(traceId) : -1;
  }

  /**
   * Reads, decompresses and checks a page's header, and gives the page to {@code reader}, which
   * must not keep it: its bytes are reused (see {@link BlockFile#readPooled}). The page's runs
   * must hold the traces the index places in the page. A page of format version 1 is one span
   * codec call: one run.
   */
  private <T> T readPage(TraceIndex traceIndex, int page, PageReader<T> reader)
      throws IOException {
    String what = "page " + page;
    return file.readPooled(traceIndex.page(page), what, in -> {
      int traceCount = traceIndex.endPart(page) - traceIndex.firstPart(page);
      SpanPage.Reader runs =
          version == 1 ? SpanPage.Reader.readCall(in, traceCount) : SpanPage.Reader.read(in);
      if (in.hasRemaining()) {
        throw in.corrupt(in.remaining() + " bytes after the spans");
      }
      long runTraces = 0;
      for (int run = 0; run < runs.runCount(); run++) {
        runTraces += runs.traceCount(run);
      }
      if (runTraces != traceCount) {
        throw file.corrupt(what, "runs of " + runTraces + " traces where the index places "
            + traceCount);
      }
      return reader.read(runs);
    });
  }

  /** Reads a page's runs while {@link #readPage} lends them. */
  private interface PageReader<T> {
    T read(SpanPage.Reader runs) throws IOException;
  }

  /** Decodes a run of a page, naming the page and the run in errors. */
  private List<Span> decode(int page, SpanPage.Reader reader, int run)
      throws CorruptDataException {
    try {
      return reader.run(run);
    } catch (CorruptDataException e) {
      throw new CorruptDataException(
          file() + ": " + runName(page, run) + ": " + e.getMessage(), e);
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      // Bytes that passed their checksum but trip the decoder: corrupt all the same.
      throw new CorruptDataException(file() + ": " + runName(page, run) + ": does not decode", e);
    }
  }

  /** How errors name a run: its page and its place in the page. */
  private static String runName(int page, int run) {
    return "page " + page + ", run " + run;
  }

  /** The parts of the traces with these ordinals, which are ascending. */
  private List<TracePart> parts(int[] ordinals) throws IOException {
    TraceIndex traceIndex = index.get();
    StringTable strings = names.get();
    List<TracePart> parts = new ArrayList<>(ordinals.length);
    int i = 0;
    while (i < ordinals.length) {
      int chunk = ordinals[i] / TraceIndex.TRACES_PER_CHUNK;
      int first = chunk * TraceIndex.TRACES_PER_CHUNK;
      TraceId[] traceIds =
          new TraceId[Math.min(TraceIndex.TRACES_PER_CHUNK, traceIndex.traceCount() - first)];
      Arrays.setAll(traceIds, j -> traceIndex.traceId(first + j));
      int end = i;
      while (end < ordinals.length && ordinals[end] < first + traceIds.length) {
        end++;
      }
      int[] wanted = Arrays.copyOfRange(ordinals, i, end);
      String what = "summary chunk " + chunk;
      TraceSummaries.read(file.source(file.read(traceIndex.summaryChunk(chunk), what), what),
          traceIds, strings, j -> Arrays.binarySearch(wanted, first + j) >= 0, parts);
      i = end;
    }
    return parts;
  }

  private TraceIndex readIndex() throws IOException {
    TraceIndex traceIndex = TraceIndex.read(readSection(Section.INDEX), version);
    if (traceIndex.traceCount() != meta.traceCount()) {
      throw file.corrupt(Section.INDEX.label(), traceIndex.traceCount()
          + " traces where the metadata counts " + meta.traceCount());
    }
    return traceIndex;
  }

  private SearchColumns readColumns() throws IOException {
    SearchColumns directory = SearchColumns.read(readSection(Section.COLUMNS), names.get());
    int partCount = index.get().partCount();
    if (directory.rowCount() != meta.spanCount() || directory.partCount() != partCount) {
      throw file.corrupt(Section.COLUMNS.label(), directory.rowCount() + " rows of "
          + directory.partCount() + " trace parts where the metadata counts " + meta.spanCount()
          + " spans and the index " + partCount + " parts");
    }
    return directory;
  }

  private ByteSource readSection(Section section) throws IOException {
    return file.source(file.read(sections.get(section), section.label()), section.label());
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  @Override
  public String toString() {
    return "Block{" + file.path() + "}";
  }

  /**
   * A section read when first needed and then kept, or, if soft, kept while the heap has room: the
   * collector clears it before the heap would run out, and the next use reads it again. A failed
   * read is not kept, so the next use tries again. The names table is soft: names made from IDs (a
   * span named after its URL, a service per pod) make it as long as the block's span count, at
   * about 100 bytes of heap a name, and every block searched or compacted would keep its own; so
   * is the listing of a block with more services than it lists. What else a block keeps grows with
   * its traces, not its names.
   */
  private static final class Lazy<T> {
    /** Reads the section. */
    @FunctionalInterface
    interface Loader<T> {
      T load() throws IOException;
    }

    private final Loader<T> loader;
    private final boolean soft;
    /** What holds the section once read, strongly or softly; gives null until then. */
    private volatile Supplier<T> held = () -> null;

    Lazy(Loader<T> loader, boolean soft) {
      this.loader = loader;
      this.soft = soft;
    }

    T get() throws IOException {
      T loaded = held.get();
      if (loaded == null) {
        synchronized (this) {
          loaded = held.get();
          if (loaded == null) {
            loaded = loader.load();
            hold(loaded);
          }
        }
      }
      return loaded;
    }

    /** Holds {@code read} as if it had just been loaded. */
    void hold(T read) {
      held = soft ? new SoftReference<>(read)::get : () -> read;
    }
  }
}
