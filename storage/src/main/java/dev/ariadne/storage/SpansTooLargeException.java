package dev.ariadne.storage;

import dev.ariadne.model.Span;
import java.io.IOException;
import java.util.IdentityHashMap;

/**
 * Thrown by a {@link SpanWriter} that kept every span of a write but some that are each too large
 * for it (larger than a Kafka record, a Cassandra row or the collector an agent forwards to takes),
 * which no retry changes. Unlike any other exception of {@link SpanWriter#write}, it says that the
 * rest of the write was kept: the collector answers each request with the spans of it that were
 * kept and names the others as rejected, so that one client's span does not fail another's
 * request, nor the other spans of its own.
 */
public final class SpansTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient IdentityHashMap<Span, String> reasons;

  /**
   * @param reasons each span too large, the very object passed to the write, with why, as a
   *     client is told it
   */
  public SpansTooLargeException(IdentityHashMap<Span, String> reasons) {
    super(checked(reasons).size() + " span" + (reasons.size() == 1 ? " is" : "s are")
        + " too large: " + reasons.values().iterator().next());
    this.reasons = new IdentityHashMap<>(reasons);
  }

  private static IdentityHashMap<Span, String> checked(IdentityHashMap<Span, String> reasons) {
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("no span is named too large");
    }
    return reasons;
  }

  /**
   * Why {@code span}, {@code otlpBytes} long as OTLP, is too large, in the words every writer uses:
   * "span … of trace … takes N bytes as OTLP, more than {@code limit}; it cannot be {@code
   * consequence}".
   *
   * @param limit what it is more than, such as "a Kafka record holds (3968 bytes)"
   * @param consequence what cannot be done with it: "written", "stored", "forwarded"
   */
  public static String reason(Span span, int otlpBytes, String limit, String consequence) {
    return "span " + String.format("%016x", span.spanId()) + " of trace "
        + span.traceId().toHex() + " takes " + otlpBytes + " bytes as OTLP, more than " + limit
        + "; it cannot be " + consequence;
  }

  /** How many spans are too large. */
  public int count() {
    return reasons.size();
  }

  /** Why {@code span} is too large, or null if it is not one of them (compared by identity). */
  public String reason(Span span) {
    return reasons.get(span);
  }
}
