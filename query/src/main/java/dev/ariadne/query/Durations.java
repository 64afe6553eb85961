package dev.ariadne.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as Go writes them and Jaeger's UI sends them ({@code 100ms}, {@code 1.2s},
 * {@code 1h30m}, units {@code ns us µs ms s m h}; {@code 0} alone needs no unit, as in Go), plus
 * {@code d} for days as in the UI's lookback; and prints short ones as Go does.
 */
final class Durations {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)");
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  /**
   * The longest duration read: more than any real one takes ({@code 2562047h47m16.854775807s}
   * is 24), and short enough that no text costs more than a moment to read.
   */
  static final int MAX_LENGTH = 64;

  private Durations() {}

  /**
   * Nanoseconds in {@code text}.
   *
   * @throws BadParameterException naming {@code parameter} if the text is no such duration
   */
  static long parseNanos(String parameter, String text) {
    if (text.equals("0")) {
      return 0;
    }
    if (text.length() > MAX_LENGTH) {
      throw new BadParameterException(parameter, parameter + ": " + Params.quote(text) + " is "
          + text.length() + " characters long (expected: a duration of at most " + MAX_LENGTH
          + ", such as 250ms, 1.5s or 2h)");
    }
    Matcher part = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int position = 0;
    // Each part is matched where the last one ended, never searched for from every position.
    while (position < text.length() && part.region(position, text.length()).lookingAt()) {
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unitNanos(part.group(2))));
      position = part.end();
    }
    if (text.isEmpty() || position != text.length() || nanos.compareTo(MAX_NANOS) > 0) {
      throw new BadParameterException(parameter, parameter + ": " + Params.quote(text)
          + " (expected: a duration such as 250ms, 1.5s or 2h; units ns, us, ms, s, m, h, d)");
    }
    return nanos.setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /**
   * The last nanosecond of the microsecond that {@code nanos} is in, at most {@link Long#MAX_VALUE}:
   * the inclusive bound of a time or duration that Jaeger and Zipkin show in whole microseconds.
   */
  static long lastNanoOfMicrosecond(long nanos) {
    long microsecond = Math.floorDiv(nanos, 1_000L) * 1_000L;
    return microsecond > Long.MAX_VALUE - 999 ? Long.MAX_VALUE : microsecond + 999;
  }

  /** The first nanosecond of the first whole microsecond at or after {@code nanos}. */
  static long firstNanoOfMicrosecondFrom(long nanos) {
    long microsecond = Math.floorDiv(nanos, 1_000L) * 1_000L;
    if (microsecond == nanos) {
      return nanos;
    }
    return microsecond > Long.MAX_VALUE - 1_000L ? Long.MAX_VALUE : microsecond + 1_000L;
  }

  /** A duration as Go prints short ones: {@code 1.5ms}, {@code 250µs}, {@code 2s}. */
  static String format(long nanos) {
    String[] units = {"s", "ms", "\u00b5s"};
    long[] sizes = {1_000_000_000L, 1_000_000L, 1_000L};
    for (int i = 0; i < units.length; i++) {
      if (nanos >= sizes[i]) {
        return BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(sizes[i]))
            .stripTrailingZeros().toPlainString() + units[i];
      }
    }
    return nanos + "ns";
  }

  private static BigDecimal unitNanos(String unit) {
    return BigDecimal.valueOf(switch (unit) {
      case "ns" -> 1L;
      case "us", "\u00b5s", "\u03bcs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> 86_400_000_000_000L;
    });
  }
}
