package dev.ariadne.collector;

/**
 * The trace every interoperability test sends, whatever the client: a root span in {@value
 * #FRONTEND} and, propagated to {@value #CART} through HTTP headers, a child span that fails. Times
 * are fixed so the stored spans can be checked to the nanosecond the protocol carries.
 *
 * <pre>
 * frontend SERVER "GET /checkout"  0..100 ms   attributes of every type, an event at 5 ms,
 *                                              a link and a follows-from link (where carried)
 * cart     SERVER "GET /cart"     10..60 ms    ERROR "payment declined", event at 20 ms
 * </pre>
 */
final class InteropTrace {
  static final String FRONTEND = "frontend";
  static final String CART = "cart";
  /** 2024-01-01T00:00:00Z in nanoseconds. */
  static final long START = TestRequests.START;
  static final long MILLIS = 1_000_000;

  static final long ROOT_START = START;
  static final long ROOT_END = START + 100 * MILLIS;
  static final long ROOT_EVENT = START + 5 * MILLIS;
  static final long CHILD_START = START + 10 * MILLIS;
  static final long CHILD_END = START + 60 * MILLIS;
  static final long CHILD_EVENT = START + 20 * MILLIS;
  static final String ERROR_MESSAGE = "payment declined";

  /** The IDs a client chose, as lower-case hex. */
  record Sent(String traceId, String rootSpanId, String childSpanId) {}

  private InteropTrace() {}
}
