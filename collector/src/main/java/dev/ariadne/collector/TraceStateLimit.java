package dev.ariadne.collector;

/**
 * W3C Trace Context's limits on a trace state: at most 32 list members, and at most 512
 * characters, past which the specification lets a vendor cut it. A trace state past them is cut at
 * list members as the specification recommends: members longer than 128 characters go first, then
 * members from the end; empty members (which the specification allows) are left out. One that no
 * such cut brings within the limits is dropped whole. A trace state within the limits is kept as it
 * is, valid or not.
 */
final class TraceStateLimit {
  static final int MAX_MEMBERS = 32;
  static final int MAX_LENGTH = 512;
  /** The longest member kept when a trace state is cut. */
  static final int MAX_MEMBER_LENGTH = 128;

  private TraceStateLimit() {}

  static boolean fits(String traceState) {
    if (traceState.length() > MAX_LENGTH) {
      return false;
    }
    int members = 0;
    for (int start = 0; start <= traceState.length(); ) {
      int end = endOfMember(traceState, start);
      if (!isBlank(traceState, start, end) && ++members > MAX_MEMBERS) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }

  /**
   * The trace state cut to the limits: its members in order, each without the white space around
   * it, leaving out empty ones and those longer than {@link #MAX_MEMBER_LENGTH}, up to the first
   * that would pass a limit; empty if none is left.
   */
  static String cut(String traceState) {
    StringBuilder kept = new StringBuilder(MAX_LENGTH);
    int members = 0;
    for (int start = 0; start <= traceState.length() && members < MAX_MEMBERS; ) {
      int end = endOfMember(traceState, start);
      int from = start;
      int to = end;
      while (from < to && isWhiteSpace(traceState.charAt(from))) {
        from++;
      }
      while (to > from && isWhiteSpace(traceState.charAt(to - 1))) {
        to--;
      }
      int length = to - from;
      if (length > 0 && length <= MAX_MEMBER_LENGTH) {
        int separator = members == 0 ? 0 : 1;
        if (kept.length() + separator + length > MAX_LENGTH) {
          break;
        }
        kept.append(members == 0 ? "" : ",").append(traceState, from, to);
        members++;
      }
      start = end + 1;
    }
    return kept.toString();
  }

  private static int endOfMember(String traceState, int start) {
    int comma = traceState.indexOf(',', start);
    return comma < 0 ? traceState.length() : comma;
  }

  private static boolean isBlank(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isWhiteSpace(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** HTTP's optional white space, which the specification allows around members. */
  private static boolean isWhiteSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
