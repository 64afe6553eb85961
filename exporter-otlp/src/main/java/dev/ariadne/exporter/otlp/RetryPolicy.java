package dev.ariadne.exporter.otlp;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to send a failed request again: after an exponentially growing, jittered backoff, or after
 * the collector's {@code Retry-After} hint when that is longer, for as long as the next attempt can
 * start within the retry time bound counted from the first attempt. Immutable.
 */
final class RetryPolicy {
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
   * HTTP-date; 0 for a date in the past; -1 if the value is absent or unreadable.
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
    try {
      Instant date = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return date.isAfter(now) ? Duration.between(now, date).toNanos() : 0;
    } catch (DateTimeParseException e) {
      return -1;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return true;
  }
}
