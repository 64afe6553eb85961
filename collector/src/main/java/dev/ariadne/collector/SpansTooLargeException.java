package dev.ariadne.collector;

import dev.ariadne.model.Span;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Thrown by a {@link dev.ariadne.storage.SpanWriter} that refuses a write, before storing any of
 * it, because some of its spans are each too large for it (a Kafka writer's record limit), which
 * no retry changes. The collector answers the requests that held those spans as too large, with
 * the reason of their first such span, and writes the other requests of the write again, so that
 * one client's span does not fail another's request.
 */
public final class SpansTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient IdentityHashMap<Span, String> reasons;

  /**
   * @param reasons each span too large, the very object passed to the write, with why, as a
   *     client is told it
   */
  public SpansTooLargeException(IdentityHashMap<Span, String> reasons) {
    super(checked(reasons).size() + " span" + (reasons.size() == 1 ? " is" : "s are") + " too large: "
        + reasons.values().iterator().next());
    this.reasons = new IdentityHashMap<>(reasons);
  }

  private static IdentityHashMap<Span, String> checked(IdentityHashMap<Span, String> reasons) {
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("no span is named too large");
    }
    return reasons;
  }

  /** How many spans are too large. */
  public int count() {
    return reasons.size();
  }

  /** Why {@code span} is too large, or null if it is not one of them (compared by identity). */
  public String reason(Span span) {
    return reasons.get(span);
  }

  /** The first of {@code spans} that is too large, with why; null if none is. */
  String firstReason(List<Span> spans) {
    for (Span span : spans) {
      String reason = reasons.get(span);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }
}
