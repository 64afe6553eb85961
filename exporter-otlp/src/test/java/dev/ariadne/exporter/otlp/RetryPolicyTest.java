package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy DEFAULTS =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 1.5, Duration.ofSeconds(30));

  @Test
  void retriesOnlyTooManyRequestsAndTheGatewayErrors() {
    assertThat(List.of(429, 502, 503, 504)).allMatch(RetryPolicy::isRetryable);
    assertThat(List.of(200, 400, 401, 403, 404, 408, 413, 415, 500, 501, 505))
        .noneMatch(RetryPolicy::isRetryable);
  }

  @Test
  void growsTheBackoffByTheMultiplierUpToTheMaximum() {
    List<Long> millis = new ArrayList<>();
    long backoff = DEFAULTS.initialBackoffNanos;
    for (int i = 0; i < 7; i++) {
      millis.add(TimeUnit.NANOSECONDS.toMillis(backoff));
      backoff = DEFAULTS.nextBackoff(backoff);
    }

    assertThat(millis).containsExactly(1000L, 1500L, 2250L, 3375L, 5000L, 5000L, 5000L);
  }

  @Test
  void drawsEachDelayFromHalfToAllOfTheBackoff() {
    long backoff = TimeUnit.SECONDS.toNanos(2);
    long lowest = Long.MAX_VALUE;
    long highest = 0;
    for (int i = 0; i < 10_000; i++) {
      long delay = RetryPolicy.jitter(backoff);
      lowest = Math.min(lowest, delay);
      highest = Math.max(highest, delay);
    }

    assertThat(lowest).isGreaterThanOrEqualTo(backoff / 2).isLessThan(backoff * 6 / 10);
    assertThat(highest).isLessThanOrEqualTo(backoff).isGreaterThan(backoff * 9 / 10);
  }

  @Test
  void waitsTheLongerOfTheBackoffAndTheRetryAfterHint() {
    long backoff = TimeUnit.SECONDS.toNanos(2);

    for (int i = 0; i < 1_000; i++) {
      assertThat(RetryPolicy.delay(backoff, 0)).isBetween(backoff / 2, backoff);
      assertThat(RetryPolicy.delay(backoff, -1)).isBetween(backoff / 2, backoff);
    }
    assertThat(RetryPolicy.delay(backoff, TimeUnit.SECONDS.toNanos(10)))
        .isEqualTo(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void readsRetryAfterAsSecondsOrAsAnHttpDate() {
    Instant now = Instant.parse("2015-10-21T07:27:30Z");

    assertThat(RetryPolicy.retryAfterNanos("1", now)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(RetryPolicy.retryAfterNanos(" 120 ", now)).isEqualTo(TimeUnit.SECONDS.toNanos(120));
    assertThat(RetryPolicy.retryAfterNanos("Wed, 21 Oct 2015 07:28:00 GMT", now))
        .isEqualTo(TimeUnit.SECONDS.toNanos(30));
    assertThat(RetryPolicy.retryAfterNanos("Wed, 21 Oct 2015 07:00:00 GMT", now)).isZero();
    assertThat(RetryPolicy.retryAfterNanos("99999999999999999999", now)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void ignoresAMissingOrUnreadableRetryAfter() {
    Instant now = Instant.parse("2015-10-21T07:27:30Z");

    assertThat(RetryPolicy.retryAfterNanos(null, now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("soon", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("-5", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("1.5", now)).isEqualTo(-1);
  }

  @Test
  void readsRetryAfterInEachOfTheThreeHttpDateFormats() {
    Instant now = Instant.parse("1994-11-06T08:49:07Z");
    long thirtySeconds = TimeUnit.SECONDS.toNanos(30);

    assertThat(RetryPolicy.retryAfterNanos("Sun, 06 Nov 1994 08:49:37 GMT", now))
        .isEqualTo(thirtySeconds);
    assertThat(RetryPolicy.retryAfterNanos("Sunday, 06-Nov-94 08:49:37 GMT", now))
        .isEqualTo(thirtySeconds);
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov  6 08:49:37 1994", now))
        .isEqualTo(thirtySeconds);
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov 06 08:49:37 1994", now))
        .isEqualTo(thirtySeconds);
    assertThat(RetryPolicy.retryAfterNanos("Sunday, 06-Nov-94 08:00:00 GMT", now)).isZero();
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov  6 08:00:00 1994", now)).isZero();
  }

  @Test
  void readsATwoDigitYearMoreThanFiftyYearsAheadAsTheMostRecentPastYearWithThoseDigits() {
    Instant now = Instant.parse("2060-01-01T00:00:00Z");

    assertThat(RetryPolicy.retryAfterNanos("Wednesday, 01-Jan-10 00:00:00 GMT", now))
        .as("2110, exactly fifty years ahead")
        .isEqualTo(Duration.between(now, Instant.parse("2110-01-01T00:00:00Z")).toNanos());
    assertThat(RetryPolicy.retryAfterNanos("Tuesday, 31-Dec-09 23:59:59 GMT", now))
        .as("2109")
        .isEqualTo(Duration.between(now, Instant.parse("2109-12-31T23:59:59Z")).toNanos());
    assertThat(RetryPolicy.retryAfterNanos("Friday, 01-Jan-10 00:00:01 GMT", now))
        .as("2010, since 2110 would be more than fifty years ahead")
        .isZero();
    assertThat(RetryPolicy.retryAfterNanos("Sunday, 06-Nov-94 08:49:37 GMT", Instant.parse("2015-10-21T07:27:30Z")))
        .as("1994, not 2094")
        .isZero();
  }

  @Test
  void ignoresAMalformedHttpDate() {
    Instant now = Instant.parse("1994-11-06T08:49:07Z");

    assertThat(RetryPolicy.retryAfterNanos("Monday, 06-Nov-94 08:49:37 GMT", now))
        .as("the wrong day of the week")
        .isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Sun, 06-Nov-94 08:49:37 GMT", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Sunday, 06-Nov-94 08:49:37", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Wed Nov 31 08:49:37 1994", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov  6 24:49:37 1994", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov  6 08:49:37 1994 GMT", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov   6 08:49:37 1994", now)).isEqualTo(-1);
    assertThat(RetryPolicy.retryAfterNanos("Sun Nov  6 08:49:37 94", now)).isEqualTo(-1);
  }

  @Test
  void readsADateTooFarAheadToCountInNanosecondsAsTheLongestWait() {
    Instant now = Instant.parse("2015-10-21T07:27:30Z");

    assertThat(RetryPolicy.retryAfterNanos("Fri, 31 Dec 9999 23:59:59 GMT", now))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(RetryPolicy.retryAfterNanos("Fri Dec 31 23:59:59 9999", now))
        .isEqualTo(Long.MAX_VALUE);
  }
}
