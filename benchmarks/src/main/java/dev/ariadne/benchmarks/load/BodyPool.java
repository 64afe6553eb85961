package dev.ariadne.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies encoded before the run, so that a send costs the generator one copy and a few
 * byte writes instead of an encoding. Each body is handed out many times, and every time it must
 * carry new traces (a resent ID makes a server merge traces instead of storing new ones), so
 * {@link #body} patches it in place:
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
   * traces} (so a trace may span two bodies, as it does when its services report separately).
   * {@code salt} must not be 0: it keeps rewritten IDs 128 bits long and apart from other runs'.
   */
  static BodyPool encode(Format format, TraceGenerator traces, int size, int spansPerBody, int salt) {
    if (salt == 0) {
      throw new IllegalArgumentException("salt: 0 (expected: not 0)");
    }
    long start = traces.nextTraceStart();
    byte[][] bodies = new byte[size][];
    Patch[][] patches = new Patch[size][];
    ArrayDeque<SyntheticSpan> pending = new ArrayDeque<>();
    for (int i = 0; i < size; i++) {
      List<SyntheticSpan> batch = new ArrayList<>(spansPerBody);
      while (batch.size() < spansPerBody) {
        if (pending.isEmpty()) {
          pending.addAll(traces.nextTrace());
        }
        batch.add(pending.poll());
      }
      bodies[i] = format.encode(batch);
      patches[i] = patches(bodies[i], batch, format);
    }
    return new BodyPool(bodies, patches, spansPerBody, salt, (traces.nextTraceStart() - start) / format.timeUnitNanos);
  }

  int size() {
    return bodies.length;
  }

  int spansPerBody() {
    return spansPerBody;
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

  /** Where the trace IDs and times of {@code spans} are in {@code body}. */
  private static Patch[] patches(byte[] body, List<SyntheticSpan> spans, Format format) {
    Set<List<Long>> traceIds = new LinkedHashSet<>();
    Set<Long> times = new LinkedHashSet<>();
    for (SyntheticSpan span : spans) {
      traceIds.add(List.of(span.traceIdHigh(), span.traceIdLow()));
      times.add(span.startEpochNanos() / format.timeUnitNanos);
      times.add(span.endEpochNanos() / format.timeUnitNanos); // absent from Zipkin's formats
      span.events().forEach(e -> times.add(e.epochNanos() / format.timeUnitNanos));
    }
    List<Patch> patches = new ArrayList<>();
    for (List<Long> traceId : traceIds) {
      Kind kind = format.text ? Kind.HEX_TRACE_ID : Kind.BINARY_TRACE_ID;
      find(body, traceIdBytes(traceId.get(0), traceId.get(1), format.text), kind, traceId.get(1), patches);
    }
    if (patches.size() != spans.size()) {
      throw new IllegalStateException(
          "found " + patches.size() + " trace IDs in a body of " + spans.size() + " spans (expected: one per span)");
    }
    for (long time : times) {
      byte[] pattern = format.text
          ? Long.toString(time).getBytes(StandardCharsets.US_ASCII)
          : littleEndian(time);
      find(body, pattern, format.text ? Kind.DECIMAL_TIME : Kind.FIXED64_TIME, time, patches);
    }
    if (patches.size() < 2 * spans.size()) {
      throw new IllegalStateException("found the start time of fewer than " + spans.size() + " spans in a body");
    }
    return patches.toArray(new Patch[0]);
  }

  private static void find(byte[] body, byte[] pattern, Kind kind, long value, List<Patch> patches) {
    for (int i = 0; i <= body.length - pattern.length; i++) {
      if (body[i] == pattern[0] && Arrays.equals(body, i, i + pattern.length, pattern, 0, pattern.length)) {
        patches.add(new Patch(i, pattern.length, kind, value));
        i += pattern.length - 1;
      }
    }
  }

  private static byte[] traceIdBytes(long high, long low, boolean hex) {
    byte[] bytes = new byte[hex ? 32 : 16];
    if (hex) {
      writeHex(bytes, 0, high);
      writeHex(bytes, 16, low);
    } else {
      writeBigEndian(bytes, 0, high);
      writeBigEndian(bytes, 8, low);
    }
    return bytes;
  }

  private static byte[] littleEndian(long value) {
    byte[] bytes = new byte[8];
    writeLittleEndian(bytes, 0, value);
    return bytes;
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
