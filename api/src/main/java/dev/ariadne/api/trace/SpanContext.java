package dev.ariadne.api.trace;

import dev.ariadne.api.internal.Hex;
import java.util.Objects;

/**
 * The part of a span that crosses process boundaries: a 128-bit trace ID, a 64-bit span ID, the
 * trace flags (bit 0: sampled), the trace state, and whether it was extracted from a remote
 * process. IDs are kept as longs and rendered as lower-case hex only when asked. Immutable.
 */
public final class SpanContext {
  /** The trace flags bit that says the trace is sampled. */
  public static final byte FLAG_SAMPLED = 0x01;

  private static final SpanContext INVALID =
      new SpanContext(0, 0, 0, (byte) 0, TraceState.empty(), false);

  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanId;
  private final byte traceFlags;
  private final TraceState traceState;
  private final boolean remote;

  private SpanContext(
      long traceIdHigh,
      long traceIdLow,
      long spanId,
      byte traceFlags,
      TraceState traceState,
      boolean remote) {
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
    this.traceState = traceState;
    this.remote = remote;
  }

  /** The context of no span: all-zero IDs, not sampled. */
  public static SpanContext invalid() {
    return INVALID;
  }

  /** A context created in this process. */
  public static SpanContext create(
      long traceIdHigh, long traceIdLow, long spanId, byte traceFlags, TraceState traceState) {
    return new SpanContext(
        traceIdHigh, traceIdLow, spanId, traceFlags, Objects.requireNonNull(traceState, "traceState"), false);
  }

  /** A context extracted from a carrier that another process injected. */
  public static SpanContext createFromRemoteParent(
      long traceIdHigh, long traceIdLow, long spanId, byte traceFlags, TraceState traceState) {
    return new SpanContext(
        traceIdHigh, traceIdLow, spanId, traceFlags, Objects.requireNonNull(traceState, "traceState"), true);
  }

  /**
   * A context from hex IDs: a 32-character (or 16-character, left-padded) trace ID and a
   * 16-character span ID, lower or upper case. Returns {@link #invalid()} if either is malformed;
   * a null trace state is taken as empty.
   */
  public static SpanContext fromHex(
      String traceId, String spanId, byte traceFlags, TraceState traceState, boolean remote) {
    if (traceId == null || spanId == null || spanId.length() != 16) return INVALID;
    int traceLength = traceId.length();
    if (traceLength != 32 && traceLength != 16) return INVALID;
    if (!isHex(traceId) || !isHex(spanId)) return INVALID;
    long high = traceLength == 32 ? Hex.parseLong(traceId, 0, 16) : 0;
    long low = Hex.parseLong(traceId, traceLength - 16, 16);
    long span = Hex.parseLong(spanId, 0, 16);
    if ((high == 0 && low == 0) || span == 0) return INVALID;
    return new SpanContext(
        high, low, span, traceFlags, traceState == null ? TraceState.empty() : traceState, remote);
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Hex.digit(s.charAt(i)) < 0) return false;
    }
    return true;
  }

  public long getTraceIdHigh() {
    return traceIdHigh;
  }

  public long getTraceIdLow() {
    return traceIdLow;
  }

  /** The trace ID as 32 lower-case hex characters. */
  public String getTraceId() {
    return Hex.toHex(traceIdHigh, traceIdLow);
  }

  /** The span ID as a long; see {@link #getSpanId()} for hex. */
  public long getSpanIdAsLong() {
    return spanId;
  }

  /** The span ID as 16 lower-case hex characters. */
  public String getSpanId() {
    return Hex.toHex(spanId);
  }

  public byte getTraceFlags() {
    return traceFlags;
  }

  public boolean isSampled() {
    return (traceFlags & FLAG_SAMPLED) != 0;
  }

  public TraceState getTraceState() {
    return traceState;
  }

  /** True if this context was extracted from another process. */
  public boolean isRemote() {
    return remote;
  }

  /** True if both the trace ID and the span ID are non-zero. */
  public boolean isValid() {
    return (traceIdHigh != 0 || traceIdLow != 0) && spanId != 0;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof SpanContext)) return false;
    SpanContext that = (SpanContext) o;
    return traceIdHigh == that.traceIdHigh
        && traceIdLow == that.traceIdLow
        && spanId == that.spanId
        && traceFlags == that.traceFlags
        && remote == that.remote
        && traceState.equals(that.traceState);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(traceIdHigh);
    h = h * 31 + Long.hashCode(traceIdLow);
    h = h * 31 + Long.hashCode(spanId);
    h = h * 31 + traceFlags;
    h = h * 31 + traceState.hashCode();
    return h * 31 + (remote ? 1 : 0);
  }

  @Override
  public String toString() {
    return "SpanContext{traceId=" + getTraceId() + ", spanId=" + getSpanId()
        + ", flags=" + traceFlags + ", traceState=" + traceState + ", remote=" + remote + '}';
  }
}
