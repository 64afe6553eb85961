package dev.ariadne.sdk.propagation;

import dev.ariadne.api.internal.Hex;
import dev.ariadne.api.trace.SpanContext;

/**
 * The part that W3C's {@code traceparent}, B3's single header and Jaeger's {@code uber-trace-id}
 * share: the 32-digit trace ID, a separator, the 16-digit span ID and a separator.
 */
final class IdHeaders {
  /** How many bytes {@link #writeIds} writes. */
  static final int IDS_LENGTH = 50;

  private IdHeaders() {}

  /** Writes the IDs of {@code spanContext}, each followed by {@code separator}, at {@code offset}. */
  static void writeIds(SpanContext spanContext, byte[] dest, int offset, char separator) {
    Hex.writeLong(spanContext.getTraceIdHigh(), dest, offset);
    Hex.writeLong(spanContext.getTraceIdLow(), dest, offset + 16);
    dest[offset + 32] = (byte) separator;
    Hex.writeLong(spanContext.getSpanIdAsLong(), dest, offset + 33);
    dest[offset + 49] = (byte) separator;
  }
}
