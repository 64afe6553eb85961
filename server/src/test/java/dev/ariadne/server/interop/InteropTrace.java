package dev.ariadne.server.interop;

/**
 * The trace every client sends, as far as its protocol lets it: a root span in {@value #FRONTEND}
 * and, propagated to {@value #CART} through HTTP headers by the client's own propagator, a child
 * span that fails. Times are fixed (whole milliseconds, so that every protocol carries them
 * exactly); trace and span IDs are the clients' own, random.
 *
 * <pre>
 * frontend SERVER "GET /checkout"  0..100 ms  attributes of every type, an event at 5 ms,
 *                                             a link (and a follows-from link, where carried)
 * cart     SERVER "GET /cart"     10..60 ms   ERROR "payment declined", an event at 20 ms
 * </pre>
 */
final class InteropTrace {
  static final String FRONTEND = "frontend";
  static final String CART = "cart";
  static final long MILLIS = 1_000_000;
  /** 2024-01-01T00:00:00Z in nanoseconds. */
  static final long START = 1_704_067_200_000_000_000L;

  static final long ROOT_START = START;
  static final long ROOT_END = START + 100 * MILLIS;
  static final long ROOT_EVENT = START + 5 * MILLIS;
  static final long CHILD_START = START + 10 * MILLIS;
  static final long CHILD_END = START + 60 * MILLIS;
  static final long CHILD_EVENT = START + 20 * MILLIS;
  static final String ERROR_MESSAGE = "payment declined";

  /** The span the root links to with a plain link (in another trace). */
  static final String LINKED_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String LINKED_SPAN_ID = "b7ad6b7169203331";
  /** The span followed from (the seed's FollowsFrom reference, in another trace). */
  static final String FOLLOWED_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String FOLLOWED_SPAN_ID = "00f067aa0ba902b7";

  private InteropTrace() {}
}
