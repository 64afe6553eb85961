package dev.ariadne.storage.embedded;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The trace IDs of a block, sorted by unsigned (high, low), with where the spans and the summary
 * of each trace are. A trace's number in this order is its ordinal; summary chunks hold {@value
 * #TRACES_PER_CHUNK} consecutive ordinals each. The spans are stored in parts: a part is the spans
 * of one trace in one run of a page, and the parts are numbered in the order the pages and their
 * runs hold them, each page holding consecutive parts. The placement says which trace each part
 * belongs to. A block cut from the head has one part per trace, in ordinal order; a compacted
 * block has its sources' parts one source after the other, and a trace that more than one source
 * held has a part from each. Kept in memory once loaded (16 bytes a trace, and about 12 more in a
 * compacted block); immutable.
 *
 * <p>Layout: the trace count and the IDs (16 bytes each); the page count and, per page, its first
 * part less the previous page's and its extent; the summary chunk count and their extents; then,
 * from format version 3 on, the part count and, per part, its ordinal less the previous part's
 * ordinal less 1 (zig-zag), so that a cut's placement is all zeros. Before version 3 the
 * placement is one part per trace, in ordinal order.
 */
final class TraceIndex {
  static final int TRACES_PER_CHUNK = 256;

  private final long[] highs;
  private final long[] lows;
  private final int[] pageFirstParts;
  private final Extent[] pages;
  private final Extent[] summaryChunks;
  /** The ordinal of each part; null when each trace is one part, in ordinal order. */
  private final int[] partOrdinals;
  /** The parts of each trace, ordinal by ordinal, and where each trace's start; null as above. */
  private final int[] partsByOrdinal;
  private final int[] ordinalStarts;

  /**
   * An index whose part {@code i} belongs to trace {@code partOrdinals[i]}; {@code partOrdinals}
   * null for one part per trace, in ordinal order.
   */
  TraceIndex(long[] highs, long[] lows, int[] pageFirstParts, Extent[] pages,
      Extent[] summaryChunks, int[] partOrdinals) {
    this.highs = highs;
    this.lows = lows;
    this.pageFirstParts = pageFirstParts;
    this.pages = pages;
    this.summaryChunks = summaryChunks;
    if (partOrdinals == null || isIdentity(partOrdinals, highs.length)) {
      this.partOrdinals = null;
      this.partsByOrdinal = null;
      this.ordinalStarts = null;
    } else {
      this.partOrdinals = partOrdinals;
      this.ordinalStarts = new int[highs.length + 1];
      for (int ordinal : partOrdinals) {
        ordinalStarts[ordinal + 1]++;
      }
      for (int ordinal = 0; ordinal < highs.length; ordinal++) {
        ordinalStarts[ordinal + 1] += ordinalStarts[ordinal];
      }
      this.partsByOrdinal = new int[partOrdinals.length];
      int[] next = Arrays.copyOf(ordinalStarts, highs.length);
      for (int part = 0; part < partOrdinals.length; part++) {
        partsByOrdinal[next[partOrdinals[part]]++] = part;
      }
    }
  }

  private static boolean isIdentity(int[] partOrdinals, int traceCount) {
    if (partOrdinals.length != traceCount) {
      return false;
    }
    for (int part = 0; part < partOrdinals.length; part++) {
      if (partOrdinals[part] != part) {
        return false;
      }
    }
    return true;
  }

  /** Orders trace IDs as blocks store them: by unsigned high half, then unsigned low half. */
  static int compare(TraceId a, TraceId b) {
    int high = Long.compareUnsigned(a.high(), b.high());
    return high != 0 ? high : Long.compareUnsigned(a.low(), b.low());
  }

  int traceCount() {
    return highs.length;
  }

  int partCount() {
    return partOrdinals == null ? highs.length : partOrdinals.length;
  }

  /** The ordinal of the trace {@code part} belongs to. */
  int ordinalOf(int part) {
    return partOrdinals == null ? part : partOrdinals[part];
  }

  /** The parts of trace {@code ordinal}, ascending; at least one. */
  int[] partsOf(int ordinal) {
    return partsByOrdinal == null
        ? new int[] {ordinal}
        : Arrays.copyOfRange(partsByOrdinal, ordinalStarts[ordinal], ordinalStarts[ordinal + 1]);
  }

  /**
   * The ordinals, ascending and each once, of the traces these parts belong to; {@code parts}
   * are ascending.
   */
  int[] ordinalsOf(int[] parts) {
    if (partOrdinals == null) {
      return parts;
    }
    int[] ordinals = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      ordinals[i] = partOrdinals[parts[i]];
    }
    Arrays.sort(ordinals);
    int count = 0;
    for (int i = 0; i < ordinals.length; i++) {
      if (count == 0 || ordinals[count - 1] != ordinals[i]) {
        ordinals[count++] = ordinals[i];
      }
    }
    return Arrays.copyOf(ordinals, count);
  }

  TraceId traceId(int ordinal) {
    return new TraceId(highs[ordinal], lows[ordinal]);
  }

  /** The ordinal of {@code traceId}, or -1 if the block does not hold it. */
  int find(TraceId traceId) {
    int low = 0;
    int high = highs.length - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int order = Long.compareUnsigned(highs[middle], traceId.high());
      if (order == 0) {
        order = Long.compareUnsigned(lows[middle], traceId.low());
      }
      if (order < 0) {
        low = middle + 1;
      } else if (order > 0) {
        high = middle - 1;
      } else {
        return middle;
      }
    }
    return -1;
  }

  int pageCount() {
    return pages.length;
  }

  Extent page(int page) {
    return pages[page];
  }

  /** The page holding {@code part}. */
  int pageOf(int part) {
    int found = Arrays.binarySearch(pageFirstParts, part);
    return found >= 0 ? found : -found - 2;
  }

  int firstPart(int page) {
    return pageFirstParts[page];
  }

  /** One past the last part of {@code page}. */
  int endPart(int page) {
    return page + 1 < pageFirstParts.length ? pageFirstParts[page + 1] : partCount();
  }

  int summaryChunkCount() {
    return summaryChunks.length;
  }

  Extent summaryChunk(int chunk) {
    return summaryChunks[chunk];
  }

  void writeTo(ByteSink out) {
    out.writeVarInt(highs.length);
    for (int i = 0; i < highs.length; i++) {
      out.writeLongLe(highs[i]);
      out.writeLongLe(lows[i]);
    }
    out.writeVarInt(pages.length);
    int previous = 0;
    for (int page = 0; page < pages.length; page++) {
      out.writeVarInt(pageFirstParts[page] - previous);
      previous = pageFirstParts[page];
      pages[page].write(out);
    }
    out.writeVarInt(summaryChunks.length);
    for (Extent chunk : summaryChunks) {
      chunk.write(out);
    }
    out.writeVarInt(partCount());
    int previousOrdinal = -1;
    for (int part = 0; part < partCount(); part++) {
      out.writeZigZag(ordinalOf(part) - previousOrdinal - 1L);
      previousOrdinal = ordinalOf(part);
    }
  }

  /**
   * Reads what {@link #writeTo} wrote in format {@code version}, checking that IDs, pages and
   * chunks are in order and that every trace has a part.
   */
  static TraceIndex read(ByteSource in, int version) throws CorruptDataException {
    int traceCount = in.readCount(in.remaining() / 16);
    long[] highs = new long[traceCount];
    long[] lows = new long[traceCount];
    for (int i = 0; i < traceCount; i++) {
      highs[i] = in.readLongLe();
      lows[i] = in.readLongLe();
      if (i > 0) {
        int order = Long.compareUnsigned(highs[i - 1], highs[i]);
        if (order > 0 || (order == 0 && Long.compareUnsigned(lows[i - 1], lows[i]) >= 0)) {
          throw in.corrupt("trace IDs out of order at trace " + i);
        }
      }
    }
    int pageCount = in.readCount(in.remaining());
    if ((pageCount == 0) != (traceCount == 0)) {
      throw in.corrupt(pageCount + " pages for " + traceCount + " traces");
    }
    int[] pageFirstParts = new int[pageCount];
    Extent[] pages = new Extent[pageCount];
    int previous = 0;
    for (int page = 0; page < pageCount; page++) {
      int first = previous + in.readCount(Integer.MAX_VALUE - previous);
      if (page == 0 ? first != 0 : first <= previous) {
        throw in.corrupt("page " + page + " starts at part " + first);
      }
      pageFirstParts[page] = first;
      previous = first;
      pages[page] = Extent.read(in);
    }
    int chunkCount = in.readCount(traceCount);
    if (chunkCount != (traceCount + TRACES_PER_CHUNK - 1) / TRACES_PER_CHUNK) {
      throw in.corrupt(chunkCount + " summary chunks for " + traceCount + " traces");
    }
    Extent[] summaryChunks = new Extent[chunkCount];
    for (int chunk = 0; chunk < chunkCount; chunk++) {
      summaryChunks[chunk] = Extent.read(in);
    }
    int[] partOrdinals = version >= 3 ? readPlacement(in, traceCount) : null;
    int partCount = partOrdinals == null ? traceCount : partOrdinals.length;
    if (pageCount > 0 && previous >= partCount) {
      throw in.corrupt("last page starts at part " + previous + " of " + partCount);
    }
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after the index");
    }
    return new TraceIndex(highs, lows, pageFirstParts, pages, summaryChunks, partOrdinals);
  }

  /** The ordinal of each part, checked: each is a trace's, and each trace has a part. */
  private static int[] readPlacement(ByteSource in, int traceCount) throws CorruptDataException {
    int partCount = in.readCount(in.remaining());
    if (partCount < traceCount) {
      throw in.corrupt(partCount + " parts for " + traceCount + " traces");
    }
    int[] partOrdinals = new int[partCount];
    BitSet placed = new BitSet(traceCount);
    long ordinal = -1;
    for (int part = 0; part < partCount; part++) {
      ordinal += in.readZigZag() + 1;
      if (ordinal < 0 || ordinal >= traceCount) {
        throw in.corrupt("part " + part + " of trace " + ordinal + " of " + traceCount);
      }
      partOrdinals[part] = (int) ordinal;
      placed.set((int) ordinal);
    }
    if (placed.cardinality() != traceCount) {
      throw in.corrupt("trace " + placed.nextClearBit(0) + " has no part");
    }
    return partOrdinals;
  }


  /**
   * Collects the index while a block is cut from the head: one part per trace, in ordinal order.
   * Not thread-safe.
   */
  static final class Builder {
    private long[] highs = new long[1024];
    private long[] lows = new long[1024];
    private int traceCount;
    private final List<Integer> pageFirstTraces = new ArrayList<>();
    private final List<Extent> pages = new ArrayList<>();
    private final List<Extent> summaryChunks = new ArrayList<>();

    /** Adds the next trace, whose ID sorts after the last one's; returns its ordinal. */
    int addTrace(TraceId traceId) {
      if (traceCount == highs.length) {
        highs = Arrays.copyOf(highs, traceCount * 2);
        lows = Arrays.copyOf(lows, traceCount * 2);
      }
      highs[traceCount] = traceId.high();
      lows[traceCount] = traceId.low();
      return traceCount++;
    }

    void addPage(int firstTrace, Extent page) {
      pageFirstTraces.add(firstTrace);
      pages.add(page);
    }

    void addSummaryChunk(Extent chunk) {
      summaryChunks.add(chunk);
    }

    TraceIndex build() {
      return new TraceIndex(Arrays.copyOf(highs, traceCount), Arrays.copyOf(lows, traceCount),
          pageFirstTraces.stream().mapToInt(Integer::intValue).toArray(),
          pages.toArray(new Extent[0]), summaryChunks.toArray(new Extent[0]), null);
    }
  }
}
