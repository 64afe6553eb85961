package dev.ariadne.model.zipkin;

import static dev.ariadne.model.zipkin.ZipkinDecoderEquivalenceTest.assertSameOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON reader's grammar, case by case against zipkin2's codec ({@link ReferenceDecoder}):
 * escapes, numbers, literals, white space and broken structure, in the fields it reads and in the
 * values it skips.
 */
class ZipkinJsonSyntaxTest {
  private static final String SPAN =
      "{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":1,\"duration\":2";

  @ParameterizedTest
  @ValueSource(strings = {
      ",\"name\":\"a\\u00e9b\\n\\t\\\"\\\\\\/\\b\\f\\r\"",
      ",\"name\":\"\\ud83d\\ude00\\u0041\\u00E9\"",
      ",\"name\":\"\\'\"",
      ",\"name\":\"a\\\nb\"",
      ",\"name\":\"\\x\"",
      ",\"name\":\"\\é\"",
      ",\"name\":\"\\u00\"",
      ",\"name\":\"\\u00zz\"",
      ",\"name\":\"tab\tand\u0001control\"",
      ",\"na\\u006de\":\"escaped name\"",
      ",\"tags\":{\"k\\u00e9y\":\"v\\u00e9\",\"plain\":\"\\\"quoted\\\"\",\"ü\":\"ü\"}",
      ",\"parentId\":\"\\u0033\"",
      ",\"traceId\":\"\\u0061\"",
      ",\"traceId\":123",
      ",\"timestamp\":1.0",
      ",\"timestamp\":1e3",
      ",\"timestamp\":1E+3",
      ",\"timestamp\":10e-1",
      ",\"timestamp\":-0",
      ",\"timestamp\":01",
      ",\"timestamp\":1.",
      ",\"timestamp\":.5",
      ",\"timestamp\":+1",
      ",\"timestamp\":-",
      ",\"timestamp\":1e",
      ",\"timestamp\":0x10",
      ",\"timestamp\":1234567890123456789",
      ",\"timestamp\":9223372036854775807",
      ",\"timestamp\":9223372036854775808",
      ",\"timestamp\":-9223372036854775809",
      ",\"timestamp\":\"1234567890123456789\"",
      ",\"timestamp\":\"\\u0031\"",
      ",\"duration\":\" 5\"",
      ",\"localEndpoint\":{\"port\":2147483647}",
      ",\"localEndpoint\":{\"port\":2147483648}",
      ",\"localEndpoint\":{\"port\":-2147483649}",
      ",\"localEndpoint\":{\"port\":\"80\"}",
      ",\"localEndpoint\":{\"port\":80.0}",
      ",\"localEndpoint\":{\"serviceName\":\"\\u0041pi\",\"port\":1e2}",
      ",\"debug\":tru",
      ",\"debug\":truex",
      ",\"shared\":nul",
      ",\"unknown\":[1,2,]",
      ",\"unknown\":{\"a\":1,}",
      ",\"unknown\":{\"a\" 1}",
      ",\"unknown\":{a:1}",
      ",\"unknown\":'x'",
      ",\"unknown\":[1 2]",
      ",\"unknown\":{\"a\":[{\"b\":[null,true,false,-1.5e-3,\"\\\"\"]}],\"c\":{}}",
      ",\"unknown\":\u0001",
      ",\t\n\r \"name\" \t:\n\"spaced\"\r\n",
      ",,\"name\":\"x\"",
      ",\"name\":\"x\",",
      ",\"name\":\"x\" \"kind\":\"CLIENT\"",
      // Longer than the reader's first buffer for unescaped text.
      ",\"\\u0061aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1",
      ",\"traceId\":\"\\u0061aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
      ",\"name\":\"\\u0041aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
      ",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":[1,]",
  })
  void syntaxIsReadAsZipkinReadsIt(String fields) {
    String json = "[" + SPAN + fields + "}]";

    assertSameOutcome(ZipkinDecoder.JSON_V2, json.getBytes(StandardCharsets.UTF_8), json);
  }

  /**
   * JSON's escapes can write half of a surrogate pair alone, which no UTF-8 holds: it is read as
   * U+FFFD, where Zipkin's reader keeps it and its encoder then writes {@code ?}.
   */
  @Test
  void readsHalfASurrogatePairAloneAsTheReplacementCharacter() throws Exception {
    String json = "[" + SPAN + ",\"name\":\"get \\ud800/\\ud83d\\ude00\\udc00\""
        + ",\"tags\":{\"k\\ud800\":\"\\ud83d\"}}]";

    Span span = ZipkinDecoder.JSON_V2.decode(json.getBytes(StandardCharsets.UTF_8)).spans().get(0);

    assertThat(span.name()).isEqualTo("get \uFFFD/\uD83D\uDE00\uFFFD");
    assertThat(span.attributes()).contains(Attribute.of("k\uFFFD", "\uFFFD"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"True", "FALSE", "Null"})
  void literalsInOtherCasesAreMalformedThoughGsonReadsThem(String literal) {
    String json = "[" + SPAN + ",\"debug\":" + literal + "}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("at byte 60 path $[0].debug");
  }
}
