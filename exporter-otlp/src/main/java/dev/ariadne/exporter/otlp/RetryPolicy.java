package dev.ariadne.exporter.otlp;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to send a failed request again: after an exponentially growing, jittered backoff, or after
 * the collector's {@code Retry-After} hint when that is longer, for as long as the next attempt can
 * start within the retry time bound counted from the first attempt. Immutable.
 */
final class RetryPolicy {
  /** RFC 1123's {@code Sun, 06 Nov 1994 08:49:37 GMT}, IMF-fixdate, and its older variants. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withResolverStyle(ResolverStyle.STRICT);
  private static final Map<Long, String> DAY_NAMES =
      Map.of(
          1L, "Monday", 2L, "Tuesday", 3L, "Wednesday", 4L, "Thursday", 5L, "Friday",
          6L, "Saturday", 7L, "Sunday");
  private static final Map<Long, String> DAY_ABBREVIATIONS =
      Map.of(1L, "Mon", 2L, "Tue", 3L, "Wed", 4L, "Thu", 5L, "Fri", 6L, "Sat", 7L, "Sun");
  private static final Map<Long, String> MONTH_NAMES =
      Map.ofEntries(
          Map.entry(1L, "Jan"), Map.entry(2L, "Feb"), Map.entry(3L, "Mar"), Map.entry(4L, "Apr"),
          Map.entry(5L, "May"), Map.entry(6L, "Jun"), Map.entry(7L, "Jul"), Map.entry(8L, "Aug"),
          Map.entry(9L, "Sep"), Map.entry(10L, "Oct"), Map.entry(11L, "Nov"),
          Map.entry(12L, "Dec"));
  private static final DateTimeFormatter TIME =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .toFormatter(Locale.ROOT);
  /** ANSI C's asctime(), {@code Sun Nov  6 08:49:37 1994}: a day below 10 padded with a space or a zero. */
  private static final DateTimeFormatter ASCTIME =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendText(ChronoField.DAY_OF_WEEK, DAY_ABBREVIATIONS)
          .appendLiteral(' ')
          .appendText(ChronoField.MONTH_OF_YEAR, MONTH_NAMES)
          .appendLiteral(' ')
          .padNext(2)
          .appendValue(ChronoField.DAY_OF_MONTH)
          .appendLiteral(' ')
          .append(TIME)
          .appendLiteral(' ')
          .appendValue(ChronoField.YEAR, 4)
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT)
          .withChronology(IsoChronology.INSTANCE)
          .withZone(ZoneOffset.UTC);

  final long initialBackoffNanos;
  final long maxBackoffNanos;
  final double multiplier;
  final long maxRetryTimeNanos;

  RetryPolicy(
      Duration initialBackoff, Duration maxBackoff, double multiplier, Duration maxRetryTime) {
    this.initialBackoffNanos = initialBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.multiplier = multiplier;
    this.maxRetryTimeNanos = maxRetryTime.toNanos();
  }

  /** The statuses OTLP/HTTP says to retry: too many requests, and the gateway's three. */
  static boolean isRetryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** The backoff after {@code backoffNanos}: grown by the multiplier, at most the maximum. */
  long nextBackoff(long backoffNanos) {
    return (long) Math.min((double) maxBackoffNanos, backoffNanos * multiplier);
  }

  /**
   * A delay drawn uniformly from half the backoff to the whole of it, so clients that failed
   * together do not all come back together.
   */
  static long jitter(long backoffNanos) {
    long half = backoffNanos / 2;
    return half + ThreadLocalRandom.current().nextLong(backoffNanos - half + 1);
  }

  /**
   * The wait before the next attempt: the jittered backoff, or the {@code Retry-After} delay if it
   * is longer ({@code retryAfterNanos} below zero when there was none). The hint is a minimum, not
   * a replacement: a collector answering {@code Retry-After: 0} must not make clients retry at
   * once.
   */
  static long delay(long backoffNanos, long retryAfterNanos) {
    return Math.max(retryAfterNanos, jitter(backoffNanos));
  }

  /**
   * The delay a {@code Retry-After} value asks for in nanoseconds, from delay-seconds or an
   * HTTP-date in any of its three formats (RFC 9110, section 5.6.7); 0 for a date in the past; -1
   * if the value is absent or unreadable.
   */
  static long retryAfterNanos(String value, Instant now) {
    if (value == null) return -1;
    String trimmed = value.trim();
    if (trimmed.isEmpty()) return -1;
    if (isDigits(trimmed)) {
      try {
        return Duration.ofSeconds(Long.parseLong(trimmed)).toNanos();
      } catch (ArithmeticException | NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }
    Instant date = httpDate(trimmed, now);
    if (date == null) return -1;
    try {
      return date.isAfter(now) ? Duration.between(now, date).toNanos() : 0;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The instant an IMF-fixdate, RFC 850 or asctime date names, or null if it is none of them. */
  private static Instant httpDate(String value, Instant now) {
    Instant date = parse(value, IMF_FIXDATE);
    if (date == null) date = parse(value, ASCTIME);
    return date != null ? date : rfc850Date(value, now);
  }

  /**
   * An RFC 850 date, whose two-digit year is the latest with those digits not more than 50 years
   * after {@code now}, as RFC 9110 says: first in the hundred years up to that bound, and a
   * century earlier if the date falls after the bound within its last year.
   */
  private static Instant rfc850Date(String value, Instant now) {
    ZonedDateTime latest = now.atZone(ZoneOffset.UTC).plusYears(50);
    Instant date = parse(value, rfc850(latest.getYear() - 99));
    if (date == null || date.isAfter(latest.toInstant())) {
      date = parse(value, rfc850(latest.getYear() - 199));
    }
    return date;
  }

  private static Instant parse(String value, DateTimeFormatter format) {
    try {
      return ZonedDateTime.parse(value, format).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** RFC 850's {@code Sunday, 06-Nov-94 08:49:37 GMT}, its year read from {@code baseYear} on. */
  private static DateTimeFormatter rfc850(int baseYear) {
    return new DateTimeFormatterBuilder()
        .parseCaseInsensitive()
        .appendText(ChronoField.DAY_OF_WEEK, DAY_NAMES)
        .appendLiteral(", ")
        .appendValue(ChronoField.DAY_OF_MONTH, 2)
        .appendLiteral('-')
        .appendText(ChronoField.MONTH_OF_YEAR, MONTH_NAMES)
        .appendLiteral('-')
        .appendValueReduced(ChronoField.YEAR, 2, 2, baseYear)
        .appendLiteral(' ')
        .append(TIME)
        .appendLiteral(" GMT")
        .toFormatter(Locale.ROOT)
        .withResolverStyle(ResolverStyle.STRICT)
        .withChronology(IsoChronology.INSTANCE)
        .withZone(ZoneOffset.UTC);
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return true;
  }
}
