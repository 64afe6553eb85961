package dev.ariadne.sdk.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PercentCodecTest {

  @Test
  void leavesSafeCharactersAsTheyAre() {
    String safe = "azAZ09-._~!$&'()*@:";

    assertThat(PercentCodec.encode(safe)).isSameAs(safe);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "a b|a%20b",
        "a,b;c=d|a%2Cb%3Bc%3Dd",
        "100%|100%25",
        "1+1|1%2B1",
        "\"q\"\\|%22q%22%5C",
        "é|%C3%A9",
        "€|%E2%82%AC",
        "😀|%F0%9F%98%80",
        "tab\t|tab%09"
      })
  void encodesUtf8BytesWithUpperCaseHex(String value, String encoded) {
    assertThat(PercentCodec.encode(value)).isEqualTo(encoded);
  }

  @Test
  void encodesAnUnpairedSurrogateAsTheReplacementCharacter() {
    assertThat(PercentCodec.encode("a\ud800b")).isEqualTo("a%EF%BF%BDb");
    assertThat(PercentCodec.encode("\udc00")).isEqualTo("%EF%BF%BD");
    assertThat(PercentCodec.encode("\ud83d")).isEqualTo("%EF%BF%BD");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a%20b|a b",
        "%c3%a9|é",
        "%C3%A9|é",
        "%E2%82%ACx%F0%9F%98%80|€x😀",
        "1+1|1+1",
        "plain|plain"
      })
  void decodesEscapesOfEitherCase(String encoded, String value) {
    assertThat(PercentCodec.decode(encoded, false)).isEqualTo(value);
  }

  @Test
  void decodesPlusAsSpaceOnlyInFormEncoding() {
    assertThat(PercentCodec.decode("a+b%2B", true)).isEqualTo("a b+");
    assertThat(PercentCodec.decode("a+b%2B", false)).isEqualTo("a+b+");
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "%2", "a%2", "%zz", "%2g", "%g2", "ok%20then%"})
  void rejectsIncompleteOrNonHexEscapes(String encoded) {
    assertThat(PercentCodec.decode(encoded, false)).isNull();
    assertThat(PercentCodec.decode(encoded, true)).isNull();
  }

  @Test
  void decodesMalformedUtf8AsTheReplacementCharacter() {
    assertThat(PercentCodec.decode("%FF", false)).isEqualTo("\ufffd");
    assertThat(PercentCodec.decode("a%C3", false)).isEqualTo("a\ufffd");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "x", " spaced  out ", "%41", "a+b", "\u0000\n\r", "ключ=значение", "😀😀"})
  void roundTrips(String value) {
    assertThat(PercentCodec.decode(PercentCodec.encode(value), false)).isEqualTo(value);
    assertThat(PercentCodec.decode(PercentCodec.encode(value), true)).isEqualTo(value);
  }
}
