package dev.ariadne.storage.embedded;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The trace IDs of a block, sorted by unsigned (high, low), with where the spans and the summary
 * of each trace are: pages hold consecutive traces, and summary chunks hold {@value
 * #TRACES_PER_CHUNK} consecutive traces each. A trace's number in this order is its ordinal. Kept
 * in memory once loaded (16 bytes a trace); immutable.
 */
final class TraceIndex {
  static final int TRACES_PER_CHUNK = 256;

  private final long[] highs;
  private final long[] lows;
  private final int[] pageFirstTraces;
  private final Extent[] pages;
  private final Extent[] summaryChunks;

  private TraceIndex(
      long[] highs, long[] lows, int[] pageFirstTraces, Extent[] pages, Extent[] summaryChunks) {
    this.highs = highs;
    this.lows = lows;
    this.pageFirstTraces = pageFirstTraces;
    this.pages = pages;
    this.summaryChunks = summaryChunks;
  }

  /** Orders trace IDs as blocks store them: by unsigned high half, then unsigned low half. */
  static int compare(TraceId a, TraceId b) {
    int high = Long.compareUnsigned(a.high(), b.high());
    return high != 0 ? high : Long.compareUnsigned(a.low(), b.low());
  }

  int traceCount() {
    return highs.length;
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

  /** The page holding trace {@code ordinal}. */
  int pageOf(int ordinal) {
    int found = Arrays.binarySearch(pageFirstTraces, ordinal);
    return found >= 0 ? found : -found - 2;
  }

  int firstTrace(int page) {
    return pageFirstTraces[page];
  }

  /** One past the last trace of {@code page}. */
  int endTrace(int page) {
    return page + 1 < pageFirstTraces.length ? pageFirstTraces[page + 1] : highs.length;
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
      out.writeVarInt(pageFirstTraces[page] - previous);
      previous = pageFirstTraces[page];
      pages[page].write(out);
    }
    out.writeVarInt(summaryChunks.length);
    for (Extent chunk : summaryChunks) {
      chunk.write(out);
    }
  }

  /** Reads what {@link #writeTo} wrote, checking that IDs, pages and chunks are in order. */
  static TraceIndex read(ByteSource in) throws CorruptDataException {
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
    int pageCount = in.readCount(traceCount);
    if ((pageCount == 0) != (traceCount == 0)) {
      throw in.corrupt(pageCount + " pages for " + traceCount + " traces");
    }
    int[] pageFirstTraces = new int[pageCount];
    Extent[] pages = new Extent[pageCount];
    int previous = 0;
    for (int page = 0; page < pageCount; page++) {
      int first = previous + in.readCount(traceCount - previous);
      if (page == 0 ? first != 0 : first <= previous || first >= traceCount) {
        throw in.corrupt("page " + page + " starts at trace " + first);
      }
      pageFirstTraces[page] = first;
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
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after the index");
    }
    return new TraceIndex(highs, lows, pageFirstTraces, pages, summaryChunks);
  }

  /** Collects the index while a block is written. Not thread-safe. */
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
          pages.toArray(new Extent[0]), summaryChunks.toArray(new Extent[0]));
    }
  }
}
