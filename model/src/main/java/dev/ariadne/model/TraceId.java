package dev.ariadne.model;

/**
 * A 128-bit trace ID. 64-bit IDs (older Zipkin and Jaeger clients) are kept with a zero high half,
 * which is the same as left-padding their hex form.
 */
public record TraceId(long high, long low) {

  /** True unless all 128 bits are zero. */
  public boolean isValid() {
    return high != 0 || low != 0;
  }

  /** 32 lower-case hex characters. */
  public String toHex() {
    return Ids.toHex(high) + Ids.toHex(low);
  }

  /**
   * Parses 1 to 32 hex characters, either case, left-padding shorter ones.
   *
   * @throws IllegalArgumentException naming the value if it is not such a string
   */
  public static TraceId fromHex(String hex) {
    if (hex == null || hex.isEmpty() || hex.length() > 32) {
      throw new IllegalArgumentException("trace ID: \"" + hex + "\" (expected: 1 to 32 hex characters)");
    }
    int split = Math.max(0, hex.length() - 16);
    long high = split == 0 ? 0 : Ids.parseHex(hex, 0, split, "trace ID");
    long low = Ids.parseHex(hex, split, hex.length(), "trace ID");
    return new TraceId(high, low);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
