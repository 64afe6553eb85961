package dev.ariadne.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The forwarder reads an upstream's {@code Retry-After} in both of HTTP's forms. */
class RetryAfterTest {
  @Test
  void readsSeconds() {
    assertThat(Forwarder.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Forwarder.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
  }

  @Test
  void readsAnHttpDateAsTheTimeUntilIt() {
    String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME
        .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));

    assertThat(Forwarder.retryAfter(inAMinute))
        .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
    assertThat(Forwarder.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
  }

  @Test
  void ignoresWhatItCannotRead() {
    assertThat(Forwarder.retryAfter(null)).isNull();
    assertThat(Forwarder.retryAfter("")).isNull();
    assertThat(Forwarder.retryAfter("-1")).isNull();
    assertThat(Forwarder.retryAfter("soon")).isNull();
    assertThat(Forwarder.retryAfter("99999999999999999999")).isNull();
  }
}
