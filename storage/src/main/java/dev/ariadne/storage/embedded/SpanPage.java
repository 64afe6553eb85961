package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.internal.SpanDecoder;
import dev.ariadne.storage.internal.SpanEncoder;
import dev.ariadne.storage.internal.StringIndex;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The byte form of a block page: runs of whole traces, each run a {@link SpanCodec} call of its
 * own, so that a lookup decodes the run holding its trace rather than the whole page. Two things
 * keep the page nearly as small as one call for all of its spans would be, once zstd compresses
 * it as one frame: the runs share one string table, so a run does not repeat the strings of the
 * runs before it; and the page is laid out stream by stream, not run by run, so that each
 * stream's bytes stay together as the columns of one call would. On realistic spans, runs of
 * about 200 spans make a compressed page about 3% larger than one call would be; the same runs
 * written one after the other, each with its own strings, made it over 20% larger.
 *
 * <pre>
 * varint  run count, at least 1
 *         per run: varint its trace count (1 to its span count), then its span codec header
 *         (version to value stream lengths, as {@link SpanCodec} describes it)
 * bytes   stream by stream, each run's part of the stream in run order: the 23 fixed streams in
 *         the span codec's order, then the value streams by ascending key
 * </pre>
 *
 * <p>A run starts with the strings of the dictionary parts of the runs before it, and its own
 * dictionary part holds only the strings new in it; its string refs and value stream keys count
 * from the first string of the page. Everything else starts afresh in each run: the trace,
 * resource and scope tables, span positions, and the start time the first span is relative to.
 * Reading one run skims the dictionary parts before it (their lengths, not their strings) and
 * decodes that run alone. The parts of a run are located by adding up the lengths in the headers,
 * so no offset is stored that could point outside the page.
 */
final class SpanPage {
  private SpanPage() {}

  /** Collects the runs of one page, then writes it. Not thread-safe. */
  static final class Writer {
    private final List<SpanEncoder> runs = new ArrayList<>();
    private final List<Integer> traceCounts = new ArrayList<>();
    private StringIndex strings = new StringIndex(1024);

    /**
     * Encodes the next run: {@code spans} of {@code traceCount} whole traces, each trace's spans
     * together. The list is kept until the page is written.
     */
    void addRun(List<Span> spans, int traceCount) {
      if (traceCount < 1 || traceCount > spans.size()) {
        throw new IllegalArgumentException("traceCount: " + traceCount + " (expected: 1 to "
            + spans.size() + ", the span count)");
      }
      runs.add(new SpanEncoder(spans, strings));
      traceCounts.add(traceCount);
    }

    boolean isEmpty() {
      return runs.isEmpty();
    }

    /** Appends the page of the runs added since the last {@link #reset}. */
    void writeTo(ByteSink out) {
      if (runs.isEmpty()) {
        throw new IllegalStateException("a page of no runs");
      }
      out.writeVarInt(runs.size());
      int valueStreamEnd = 0;
      for (int run = 0; run < runs.size(); run++) {
        out.writeVarInt(traceCounts.get(run));
        runs.get(run).writeHeader(out);
        valueStreamEnd = Math.max(valueStreamEnd, runs.get(run).valueStreamEnd());
      }
      for (int stream = 0; stream < SpanCodec.STREAMS; stream++) {
        for (SpanEncoder run : runs) {
          run.writeStream(stream, out);
        }
      }
      for (int key = 0; key < valueStreamEnd; key++) {
        for (SpanEncoder run : runs) {
          run.writeValueStream(key, out);
        }
      }
    }

    /** Forgets the runs, to start the next page. */
    void reset() {
      runs.clear();
      traceCounts.clear();
      strings = new StringIndex(1024);
    }
  }

  /**
   * A page's header, read and checked, from which its runs are decoded on demand. Not
   * thread-safe.
   */
  static final class Reader {
    /** The fewest bytes a run's header takes: a byte per count, code and stream length. */
    private static final int MIN_RUN_HEADER_BYTES = 4 + SpanCodec.STREAMS + 1;

    private final byte[] bytes;
    private final int[] traceCounts;
    private final SpanDecoder.Header[] headers;
    /** Per run, where its part of each fixed stream starts. */
    private final int[][] streamStarts;
    /** Per run, where its part of each of its value streams starts, in its header's order. */
    private final int[][] valueStarts;
    /** The string table after the last run read, and the run that can go on from it, or -1. */
    private SpanDecoder.Strings strings = new SpanDecoder.Strings();
    private int nextRun;

    private Reader(byte[] bytes, int[] traceCounts, SpanDecoder.Header[] headers,
        int[][] streamStarts, int[][] valueStarts) {
      this.bytes = bytes;
      this.traceCounts = traceCounts;
      this.headers = headers;
      this.streamStarts = streamStarts;
      this.valueStarts = valueStarts;
    }

    /**
     * Reads a page's header from {@code in} and checks that its streams fit; leaves {@code in}
     * just after the page.
     *
     * @throws CorruptDataException if the header is bad or the streams do not fit
     */
    static Reader read(ByteSource in) throws CorruptDataException {
      int runCount = in.readCount(in.remaining() / MIN_RUN_HEADER_BYTES);
      if (runCount == 0) {
        throw in.corrupt("a page of no runs");
      }
      int[] traceCounts = new int[runCount];
      SpanDecoder.Header[] headers = new SpanDecoder.Header[runCount];
      long dictionaryBytes = 0;
      for (int run = 0; run < runCount; run++) {
        traceCounts[run] = in.readCount(in.remaining());
        headers[run] = SpanDecoder.readHeader(in, dictionaryBytes);
        if (traceCounts[run] == 0 || traceCounts[run] > headers[run].count) {
          throw in.corrupt("run " + run + " of " + traceCounts[run] + " traces and "
              + headers[run].count + " spans (expected: 1 trace to one per span)");
        }
        dictionaryBytes += headers[run].lengths[SpanCodec.DICTIONARY];
      }
      return layOut(in, traceCounts, headers);
    }

    /**
     * Reads a page of block format version 1 from {@code in}: one span codec call of {@code
     * traceCount} traces, read as one run; leaves {@code in} just after it.
     */
    static Reader readCall(ByteSource in, int traceCount) throws CorruptDataException {
      return layOut(in, new int[] {traceCount},
          new SpanDecoder.Header[] {SpanDecoder.readHeader(in, 0)});
    }

    /**
     * Finds where each run's part of each stream starts, the streams following the headers in
     * {@code in}, checks that they fit, and skips them.
     */
    private static Reader layOut(ByteSource in, int[] traceCounts, SpanDecoder.Header[] headers)
        throws CorruptDataException {
      long total = 0;
      for (SpanDecoder.Header header : headers) {
        total += header.streamBytes();
      }
      if (total > in.remaining()) {
        throw in.corrupt("streams of " + total + " bytes, " + in.remaining() + " left");
      }
      int offset = in.position();
      int[][] streamStarts = new int[headers.length][SpanCodec.STREAMS];
      for (int stream = 0; stream < SpanCodec.STREAMS; stream++) {
        for (int run = 0; run < headers.length; run++) {
          streamStarts[run][stream] = offset;
          offset += headers[run].lengths[stream];
        }
      }
      int[][] valueStarts = new int[headers.length][];
      int[] next = new int[headers.length];
      for (int run = 0; run < headers.length; run++) {
        valueStarts[run] = new int[headers[run].valueKeys.length];
      }
      for (int key : valueKeys(headers)) {
        for (int run = 0; run < headers.length; run++) {
          SpanDecoder.Header header = headers[run];
          if (next[run] < header.valueKeys.length && header.valueKeys[next[run]] == key) {
            valueStarts[run][next[run]] = offset;
            offset += header.valueLengths[next[run]];
            next[run]++;
          }
        }
      }
      in.skip((int) total);
      return new Reader(in.array(), traceCounts, headers, streamStarts, valueStarts);
    }

    /** Every key with a value stream in some run, ascending. */
    private static int[] valueKeys(SpanDecoder.Header[] headers) {
      BitSet keys = new BitSet();
      for (SpanDecoder.Header header : headers) {
        for (int key : header.valueKeys) {
          keys.set(key);
        }
      }
      return keys.stream().toArray();
    }

    int runCount() {
      return headers.length;
    }

    int traceCount(int run) {
      return traceCounts[run];
    }

    /**
     * The spans of {@code run}. Runs read in order, from the first, each go on from the string
     * table the run before left; any other run skims the dictionary parts of the runs before it.
     */
    List<Span> run(int run) throws CorruptDataException {
      if (run != nextRun) {
        int start = streamStarts[0][SpanCodec.DICTIONARY];
        strings = new SpanDecoder.Strings();
        strings.skim(new ByteSource(bytes, start, streamStarts[run][SpanCodec.DICTIONARY] - start,
            "span codec dictionary"));
      }
      nextRun = -1;
      List<Span> spans = SpanDecoder.decode(
          headers[run], bytes, streamStarts[run], valueStarts[run], strings);
      nextRun = run + 1;
      return spans;
    }
  }
}
