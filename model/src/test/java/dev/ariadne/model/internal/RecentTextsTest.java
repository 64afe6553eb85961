package dev.ariadne.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecentTextsTest {

  @Test
  void theSameTextInTwoRequestsIsOneString() {
    byte[] first = "..http.route".getBytes(StandardCharsets.UTF_8);
    byte[] second = "http.route....".getBytes(StandardCharsets.UTF_8);

    String fromFirst = new SharedText(first).decode(2, 10);
    String fromSecond = new SharedText(second).decode(0, 10);

    assertThat(fromFirst).isEqualTo("http.route");
    assertThat(fromSecond).isSameAs(fromFirst);
  }

  @Test
  void aTextOfTheSameLengthButOtherCharactersIsNotTakenForIt() {
    byte[] first = "GET /api/orders/1".getBytes(StandardCharsets.UTF_8);
    byte[] second = "GET /api/ordXrs/1".getBytes(StandardCharsets.UTF_8);

    String fromFirst = new SharedText(first).decode(0, first.length);
    String fromSecond = new SharedText(second).decode(0, second.length);

    assertThat(fromFirst).isEqualTo("GET /api/orders/1");
    assertThat(fromSecond).isEqualTo("GET /api/ordXrs/1");
  }

  @Test
  void textsBeyondAsciiDecodeAsUtf8AndInvalidBytesAreStillRefused() {
    byte[] cafe = "café".getBytes(StandardCharsets.UTF_8);

    assertThat(new SharedText(cafe).decode(0, cafe.length)).isEqualTo("café");
    assertThat(new SharedText(cafe).decode(0, cafe.length)).isEqualTo("café");
    // The Latin-1 byte of é alone is not UTF-8.
    assertThatThrownBy(() -> new SharedText(new byte[] {(byte) 0xe9}).decode(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
