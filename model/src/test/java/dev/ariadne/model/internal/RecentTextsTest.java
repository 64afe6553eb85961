package dev.ariadne.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecentTextsTest {

  @Test
  void aTextThatCameTwiceInARequestIsOneStringInTheNext() {
    byte[] first = "recent.route|recent.route".getBytes(StandardCharsets.UTF_8);
    byte[] second = "..recent.route".getBytes(StandardCharsets.UTF_8);

    SharedText firstRequest = new SharedText(first);
    String fromFirst = firstRequest.decode(0, 12);
    assertThat(firstRequest.decode(13, 12)).isSameAs(fromFirst);
    String fromSecond = new SharedText(second).decode(2, 12);

    assertThat(fromFirst).isEqualTo("recent.route");
    assertThat(fromSecond).isSameAs(fromFirst);
  }

  @Test
  void aDecoderOfStoredBytesFindsARecentTextWithoutAddingOne() {
    byte[] request = "stored.lookup stored.lookup".getBytes(StandardCharsets.UTF_8);
    SharedText requestTexts = new SharedText(request);
    String recent = requestTexts.decode(0, 13);
    requestTexts.decode(14, 13);
    byte[] stored = "xx stored.lookup stored.single".getBytes(StandardCharsets.UTF_8);

    assertThat(SharedText.recent(stored, 3, 13)).isSameAs(recent);
    // Looked up by a stored decoder twice, a text is still not a recent one.
    assertThat(SharedText.recent(stored, 17, 13)).isNull();
    assertThat(SharedText.recent(stored, 17, 13)).isNull();
  }

  @Test
  void aTextThatRequestsKeepFindingKeepsItsSlotAgainstAnotherOfTheSameSlot() {
    byte[] common = "second.chance.common".getBytes(StandardCharsets.UTF_8);
    byte[] other = "second.chance.other".getBytes(StandardCharsets.UTF_8);
    String commonText = "second.chance.common";
    String otherText = "second.chance.other";
    // One hash for both: one slot.
    int hash = 0x5ec0_0c4a;
    RecentTexts.remember(common, 0, common.length, hash, commonText);

    for (int request = 0; request < 10; request++) {
      assertThat(RecentTexts.find(common, 0, common.length, hash)).isSameAs(commonText);
      RecentTexts.remember(other, 0, other.length, hash, otherText);
    }
    assertThat(RecentTexts.find(other, 0, other.length, hash)).isNull();

    // Not found between two tries of the other, the common text gives its slot up.
    RecentTexts.remember(other, 0, other.length, hash, otherText);
    assertThat(RecentTexts.find(other, 0, other.length, hash)).isSameAs(otherText);
    assertThat(RecentTexts.find(common, 0, common.length, hash)).isNull();
  }

  @Test
  void aTextThatCameOnceIsNotCopiedForTheNextRequests() {
    byte[] first = "request-id-7f3a".getBytes(StandardCharsets.UTF_8);
    byte[] second = "request-id-7f3a".getBytes(StandardCharsets.UTF_8);

    String fromFirst = new SharedText(first).decode(0, first.length);
    String fromSecond = new SharedText(second).decode(0, second.length);

    assertThat(fromSecond).isEqualTo(fromFirst).isNotSameAs(fromFirst);
  }

  @Test
  void aTextOfTheSameLengthButOtherCharactersIsNotTakenForIt() {
    byte[] first = "GET /api/orders/1 GET /api/orders/1".getBytes(StandardCharsets.UTF_8);
    byte[] second = "GET /api/ordXrs/1".getBytes(StandardCharsets.UTF_8);

    SharedText firstRequest = new SharedText(first);
    String fromFirst = firstRequest.decode(0, 17);
    firstRequest.decode(18, 17);
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
