package dev.ariadne.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies encoded before the run, so that a send costs the generator one copy and a few
 * byte writes instead of an encoding. Each body is handed out many times, and every time it must
 * carry new traces (a resent ID makes a server merge traces instead of storing new ones), so
 * {@link #body} hands out a patched copy:
 *
 * <ul>
 *   <li>trace IDs: the high 64 bits become a per-run salt and the round (how many times the body
 *       was handed out before); the low 64 bits are scrambled by the round, so they stay as random
 *       as real ones (Zipkin's storage, for one, indexes traces by the low 64 bits alone);
 *   <li>timestamps move on by the time the whole pool covers per round, so time keeps advancing
 *       as it does in a real stream of traces.
 * </ul>
 *
 * Thread-safe; the pooled bodies are never modified.
 */
final class BodyPool {
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** What a patch rewrites. */
  private enum Kind {
    /** 32 hex digits; the value is the original low half. */
    HEX_TRACE_ID,
    /** 16 bytes, big-endian; the value is the original low half. */
    BINARY_TRACE_ID,
    /** Decimal digits; the value is the original time. */
    DECIMAL_TIME,
    /** 8 bytes, little-endian (protobuf fixed64); the value is the original time. */
    FIXED64_TIME
  }

  /** One value in a pooled body that changes with each send: {@code width} bytes at {@code offset}. */
  private record Patch(int offset, int width, Kind kind, long value) {}

  private final byte[][] bodies;
  private final Patch[][] patches;
  private final int spansPerBody;
  private final int salt;
  /** How far timestamps move per round, in the format's time unit. */
  private final long period;

  private BodyPool(byte[][] bodies, Patch[][] patches, int spansPerBody, int salt, long period) {
    this.bodies = bodies;
    this.patches = patches;
    this.spansPerBody = spansPerBody;
    this.salt = salt;
    this.period = period;
  }

  /**
   * Encodes {@code size} bodies of {@code spansPerBody} spans each, taken in order from {@code
   * traces} (so a trace may span two bodies, as it does when its services report separately). With
   * {@code spansPerTrace} above 0, a body takes at most that many spans of a trace before it goes
   * on to the next of the traces it has open, as an exporter's batch holds a few spans of each of
   * many traces. {@code salt} must not be 0: it keeps rewritten IDs 128 bits long and apart from
   * other runs'.
   */
  static BodyPool encode(
      Format format, TraceGenerator traces, int size, int spansPerBody, int spansPerTrace, int salt) {
    if (salt == 0) {
      throw new IllegalArgumentException("salt: 0 (expected: not 0)");
    }
    long start = traces.nextTraceStart();
    byte[][] bodies = new byte[size][];
    Patch[][] patches = new Patch[size][];
    List<List<SyntheticSpan>> batches = batches(traces, size, spansPerBody, spansPerTrace);
    for (int i = 0; i < size; i++) {
      bodies[i] = format.encode(batches.get(i));
      patches[i] = patches(bodies[i], batches.get(i), format);
    }
    return new BodyPool(bodies, patches, spansPerBody, salt, (traces.nextTraceStart() - start) / format.timeUnitNanos);
  }

  /**
   * The spans of {@code size} bodies: whole traces in order ({@code spansPerTrace} 0), or runs of
   * at most {@code spansPerTrace} spans of each of {@code spansPerBody / spansPerTrace} open traces
   * in turn, each trace's spans in order.
   */
  static List<List<SyntheticSpan>> batches(TraceGenerator traces, int size, int spansPerBody, int spansPerTrace) {
    if (spansPerTrace < 0) {
      throw new IllegalArgumentException("spansPerTrace: " + spansPerTrace + " (expected: >= 0)");
    }
    int openTraces = spansPerTrace == 0 ? 1 : Math.max(1, spansPerBody / spansPerTrace);
    int run = spansPerTrace == 0 ? Integer.MAX_VALUE : spansPerTrace;
    ArrayDeque<ArrayDeque<SyntheticSpan>> open = new ArrayDeque<>();
    List<List<SyntheticSpan>> batches = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      List<SyntheticSpan> batch = new ArrayList<>(spansPerBody);
      while (batch.size() < spansPerBody) {
        while (open.size() < openTraces) {
          open.add(new ArrayDeque<>(traces.nextTrace()));
        }
        ArrayDeque<SyntheticSpan> trace = open.poll();
        for (int taken = 0; taken < run && !trace.isEmpty() && batch.size() < spansPerBody; taken++) {
          batch.add(trace.poll());
        }
        if (!trace.isEmpty()) {
          if (spansPerTrace == 0) {
            open.addFirst(trace);
          } else {
            open.addLast(trace);
          }
        }
      }
      batches.add(batch);
    }
    return batches;
  }

  int size() {
    return bodies.length;
  }

  int spansPerBody() {
    return spansPerBody;
  }

  /** The same bodies, whose times stay as encoded from round to round. */
  BodyPool withFixedTimes() {
    return new BodyPool(bodies, patches, spansPerBody, salt, 0);
  }

  /** A new copy of body {@code sequence % size()} with trace IDs no other sequence number gets. */
  byte[] body(long sequence) {
    int index = (int) (sequence % bodies.length);
    long round = sequence / bodies.length;
    long high = ((long) salt << 32) | (round & 0xffff_ffffL);
    long scramble = mix(round);
    long shift = round * period;
    byte[] body = bodies[index].clone();
    for (Patch patch : patches[index]) {
      switch (patch.kind) {
        case HEX_TRACE_ID -> {
          writeHex(body, patch.offset, high);
          writeHex(body, patch.offset + 16, patch.value ^ scramble);
        }
        case BINARY_TRACE_ID -> {
          writeBigEndian(body, patch.offset, high);
          writeBigEndian(body, patch.offset + 8, patch.value ^ scramble);
        }
        case DECIMAL_TIME -> writeDecimal(body, patch.offset, patch.width, patch.value + shift);
        case FIXED64_TIME -> writeLittleEndian(body, patch.offset, patch.value + shift);
      }
    }
    return body;
  }

  /**
   * Where the trace IDs and times of {@code spans} are in {@code body}, found in one pass: runs of
   * hex digits in JSON, 8-byte windows in protobuf, each looked up among the values the spans hold.
   */
  private static Patch[] patches(byte[] body, List<SyntheticSpan> spans, Format format) {
    Set<TraceId> traceIds = new HashSet<>();
    Set<Long> highs = new HashSet<>();
    Set<Long> times = new HashSet<>();
    for (SyntheticSpan span : spans) {
      traceIds.add(new TraceId(span.traceIdHigh(), span.traceIdLow()));
      highs.add(span.traceIdHigh());
      times.add(span.startEpochNanos() / format.timeUnitNanos);
      times.add(span.endEpochNanos() / format.timeUnitNanos); // absent from Zipkin's formats
      span.events().forEach(e -> times.add(e.epochNanos() / format.timeUnitNanos));
    }
    List<Patch> patches = new ArrayList<>();
    if (format.text) {
      int i = 0;
      while (i < body.length) {
        int start = i;
        boolean decimal = true;
        while (i < body.length && isLowerHex(body[i])) {
          decimal &= body[i] <= '9';
          i++;
        }
        int width = i - start;
        if (width == 32 && traceIds.contains(new TraceId(hex(body, start), hex(body, start + 16)))) {
          patches.add(new Patch(start, width, Kind.HEX_TRACE_ID, hex(body, start + 16)));
        } else if (decimal && width > 0 && width <= 19 && times.contains(decimal(body, start, width))) {
          patches.add(new Patch(start, width, Kind.DECIMAL_TIME, decimal(body, start, width)));
        }
        i = Math.max(i, start + 1);
      }
    } else {
      for (int i = 0; i + 8 <= body.length; i++) {
        long high = bigEndian(body, i);
        if (i + 16 <= body.length && highs.contains(high) && traceIds.contains(new TraceId(high, bigEndian(body, i + 8)))) {
          patches.add(new Patch(i, 16, Kind.BINARY_TRACE_ID, bigEndian(body, i + 8)));
          i += 15;
        } else if (times.contains(littleEndian(body, i))) {
          patches.add(new Patch(i, 8, Kind.FIXED64_TIME, littleEndian(body, i)));
          i += 7;
        }
      }
    }
    long ids = patches.stream().filter(p -> p.kind == Kind.HEX_TRACE_ID || p.kind == Kind.BINARY_TRACE_ID).count();
    if (ids != spans.size() || patches.size() - ids < spans.size()) {
      throw new IllegalStateException("found " + ids + " trace IDs and " + (patches.size() - ids)
          + " times in a body of " + spans.size() + " spans (expected: a trace ID and at least a time per span)");
    }
    return patches.toArray(new Patch[0]);
  }

  private record TraceId(long high, long low) {}

  private static boolean isLowerHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
  }

  private static long hex(byte[] from, int offset) {
    long value = 0;
    for (int i = offset; i < offset + 16; i++) {
      value = (value << 4) | Character.digit(from[i], 16);
    }
    return value;
  }

  private static long decimal(byte[] from, int offset, int width) {
    long value = 0;
    for (int i = offset; i < offset + width; i++) {
      value = value * 10 + (from[i] - '0');
    }
    return value;
  }

  private static long bigEndian(byte[] from, int offset) {
    long value = 0;
    for (int i = offset; i < offset + 8; i++) {
      value = (value << 8) | (from[i] & 0xff);
    }
    return value;
  }

  private static long littleEndian(byte[] from, int offset) {
    long value = 0;
    for (int i = offset + 7; i >= offset; i--) {
      value = (value << 8) | (from[i] & 0xff);
    }
    return value;
  }

  private static void writeHex(byte[] to, int offset, long value) {
    for (int i = 0; i < 16; i++) {
      to[offset + i] = HEX_DIGITS[(int) (value >>> (60 - 4 * i)) & 0xf];
    }
  }

  private static void writeBigEndian(byte[] to, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      to[offset + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  private static void writeLittleEndian(byte[] to, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      to[offset + i] = (byte) (value >>> (8 * i));
    }
  }

  /** Writes {@code value} right-aligned in {@code width} digits (it never grows wider in a run). */
  private static void writeDecimal(byte[] to, int offset, int width, long value) {
    for (int i = offset + width - 1; i >= offset; i--) {
      to[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** SplitMix64's finalizer over the round: a different, random-looking mask per round. */
  private static long mix(long round) {
    long z = (round + 1) * 0x9e37_79b9_7f4a_7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
    return z ^ (z >>> 31);
  }
}
