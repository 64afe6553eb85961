package dev.ariadne.model.internal;

/** A count and its noun in the messages clients and users read: "1 span", "3 spans". */
public final class Counted {
  private Counted() {}

  /** {@code count} and {@code noun}, plural (an added s) unless the count is one. */
  public static String of(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
