package dev.ariadne.sdk.propagation;

import dev.ariadne.api.internal.Hex;
import dev.ariadne.api.trace.SpanContext;

/** The start that B3's single header and Jaeger's {@code uber-trace-id} share. */
final class IdHeaders {
  /** Where the trace ID, a separator, the span ID and a separator end. */
  static final int IDS_LENGTH = 50;

  private IdHeaders() {}

  /**
   * A header of {@code length} ASCII bytes that starts with the 32-digit trace ID, {@code
   * separator}, the 16-digit span ID and {@code separator}; the caller fills in the rest.
   */
  static byte[] startingWithIds(SpanContext spanContext, int length, char separator) {
    byte[] ascii = new byte[length];
    Hex.writeLong(spanContext.getTraceIdHigh(), ascii, 0);
    Hex.writeLong(spanContext.getTraceIdLow(), ascii, 16);
    ascii[32] = (byte) separator;
    Hex.writeLong(spanContext.getSpanIdAsLong(), ascii, 33);
    ascii[49] = (byte) separator;
    return ascii;
  }
}
