package dev.ariadne.model.zipkin;

import static dev.ariadne.model.zipkin.Fixtures.CLIENT_SPAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Whatever arrives, the decoder answers with spans or a {@link MalformedException} that names the
 * problem and where it is, never another exception, and costs no more than the body's size.
 */
class ZipkinDecoderHostileInputTest {
  private static final List<zipkin2.Span> SPANS = List.of(
      CLIENT_SPAN,
      CLIENT_SPAN.toBuilder().id(7).name("Ünïcödé 😀").putTag("error", "x\"\n").build(),
      CLIENT_SPAN.toBuilder().id(8).localEndpoint(null).clearAnnotations().build());

  @Test
  void everyTruncationOfAJsonBodyIsMalformed() {
    byte[] json = SpanBytesEncoder.JSON_V2.encodeList(SPANS);
    for (int length = 1; length < json.length; length++) {
      byte[] truncated = Arrays.copyOf(json, length);

      assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(truncated))
          .as("cut at %s of %s", length, json.length)
          .isInstanceOf(MalformedException.class)
          .hasMessageStartingWith("Zipkin v2 JSON: ")
          .hasMessageEndingWith(" reading List<Span> from json");
    }
  }

  @Test
  void everyTruncationOfAProto3BodyIsMalformedUnlessItEndsBetweenSpans() throws Exception {
    List<Integer> ends = new ArrayList<>();
    int end = 0;
    for (zipkin2.Span span : SPANS) {
      end += SpanBytesEncoder.PROTO3.encodeList(List.of(span)).length;
      ends.add(end);
    }
    byte[] proto3 = SpanBytesEncoder.PROTO3.encodeList(SPANS);
    for (int length = 1; length < proto3.length; length++) {
      byte[] truncated = Arrays.copyOf(proto3, length);
      int spans = ends.indexOf(length) + 1;
      if (spans > 0) {
        assertThat(ZipkinDecoder.PROTO3.decode(truncated).spans()).hasSize(spans);
        continue;
      }
      assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(truncated))
          .as("cut at %s of %s", length, proto3.length)
          .isInstanceOf(MalformedException.class)
          .hasMessageStartingWith("Zipkin proto3: Truncated: ")
          .hasMessageContaining(" at byte ");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":true}"
          + "| Expected a number but was true at $[0].timestamp",
      "{\"traceId\":\"1\",\"id\":\"2\",\"duration\":\"soon\"}"
          + "| Expected a number but was \"soon\" at $[0].duration",
      "{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":1.5}"
          + "| Expected a whole number of at most 64 bits but was 1.5 at $[0].timestamp",
      "{\"traceId\":\"1\",\"id\":\"2\",\"name\":{}}"
          + "| Expected a string but was an object at $[0].name",
      "{\"traceId\":\"1\",\"id\":\"2\",\"kind\":\"client\"}"
          + "| kind \"client\" (expected: CLIENT, SERVER, PRODUCER or CONSUMER) at $[0].kind",
      "{\"traceId\":\"1\",\"id\":\"2\",\"debug\":\"true\"}"
          + "| Expected a boolean but was \"true\" at $[0].debug",
      "{\"traceId\":\"1\",\"id\":\"2\",\"localEndpoint\":[]}"
          + "| Expected an endpoint object but was a list at $[0].localEndpoint",
      "{\"traceId\":\"1\",\"id\":\"2\",\"remoteEndpoint\":{\"port\":\"http\"}}"
          + "| Expected a whole number of at most 32 bits but was \"http\""
          + " at $[0].remoteEndpoint.port",
      "{\"traceId\":\"1\",\"id\":\"2\",\"annotations\":{}}"
          + "| Expected a list of annotations but was an object at $[0].annotations",
      "{\"traceId\":\"1\",\"id\":\"2\",\"annotations\":[1]}"
          + "| Expected an annotation object but was 1 at $[0].annotations[0]",
      "{\"traceId\":\"1\",\"id\":\"2\",\"annotations\":[{\"value\":\"cs\"}]}"
          + "| Incomplete annotation at $[0].annotations[0]",
      "{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"retry\":true}}"
          + "| Expected a string but was true at $[0].tags.retry",
      "{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"retry\":null}}"
          + "| No value at $[0].tags.retry",
      "{\"traceId\":null,\"id\":\"2\"}| Expected a string but was null at $[0].traceId",
      "7| Expected a span object but was 7 at $[0]",
  })
  void jsonOfTheWrongTypeIsMalformedNamingWhatAndWhere(String span, String problem) {
    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8("[" + span + "]")))
        .isInstanceOf(MalformedException.class)
        .hasMessage("Zipkin v2 JSON: " + problem + " reading List<Span> from json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "\"spans\"", "null", " "})
  void aJsonBodyThatIsNotAListIsMalformed(String json) {
    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Zipkin v2 JSON: Expected a list of spans but was ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[", "{\"a\":", "[{\"a\":"})
  void deeplyNestedJsonIsMalformedWithoutRecursion(String open) {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"unknown\":"
        + open.repeat(100_000) + "}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void jsonNestedWithinTheLimitIsSkipped() throws Exception {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":1,\"unknown\":"
        + "[".repeat(250) + "]".repeat(250) + "}]";

    assertThat(ZipkinDecoder.JSON_V2.decode(utf8(json)).spans()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "99999999999999999999", "-99999999999999999999", "1e400", "\"1e400\"", "NaN", "\"NaN\"",
      "\"0x10\""})
  void hugeOrOddTimestampsAreMalformed(String timestamp) {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":" + timestamp + "}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("$[0].timestamp");
  }

  @Test
  void aNumberTooLongToReadIsMalformed() {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":" + "9".repeat(5000) + "}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("Number value length");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4294967296", "65536", "\"70000\"", "1e10"})
  void aPortOutOfRangeIsMalformed(String port) {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"localEndpoint\":{\"port\":" + port + "}}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .hasMessageMatching("Zipkin v2 JSON: (invalid port|Expected a whole number).*");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"traceId\":\"XYZ\",\"id\":\"2\"| XYZ should be lower-hex encoded with no prefix",
      "\"traceId\":\"463AC35C9F6413AD\",\"id\":\"2\""
          + "| 463AC35C9F6413AD should be lower-hex encoded with no prefix",
      "\"traceId\":\"0x1\",\"id\":\"2\"| 0x1 should be lower-hex encoded with no prefix",
      "\"traceId\":\"\",\"id\":\"2\"| traceId is empty",
      "\"traceId\":\"123456789012345678901234567890123\",\"id\":\"2\"| traceId.length > 32",
      "\"traceId\":\"000\",\"id\":\"2\"| traceId is all zeros",
      "\"traceId\":\"1\",\"id\":\"é\"| é should be lower-hex encoded with no prefix",
      "\"traceId\":\"ééééééééééééééééé\",\"id\":\"2\""
          + "| ééééééééééééééééé should be lower-hex encoded with no prefix",
      "\"traceId\":\"ééééééééééééééééééééééééééééééééé\",\"id\":\"2\"| traceId.length > 32",
      "\"traceId\":\"1\",\"id\":\"😀😀😀😀😀😀😀😀😀\"| id.length > 16",
      "\"traceId\":\"1\",\"id\":\"2\",\"parentId\":\"ééééééééé\""
          + "| ééééééééé should be lower-hex encoded with no prefix",
      "\"traceId\":\"1\",\"id\":\"0000000000000000\"| id is all zeros",
      "\"traceId\":\"1\",\"id\":\"12345678901234567\"| id.length > 16",
      "\"traceId\":\"1\",\"id\":\"\"| id is empty",
      "\"traceId\":\"1\",\"id\":\"2\",\"parentId\":\"\"| parentId is empty",
      "\"traceId\":\"1\",\"id\":\"2\",\"parentId\":\"g\""
          + "| g should be lower-hex encoded with no prefix",
      "\"traceId\":\"1\",\"id\":\"2\",\"parentId\":\"12345678901234567\"| parentId.length > 16",
      "\"id\":\"2\"| Missing : traceId",
      "\"traceId\":\"1\"| Missing : id",
      "\"name\":\"x\"| Missing : traceId id",
      "\"traceId\":\"1\",\"id\":\"2\",\"localEndpoint\":{\"port\":65536}| invalid port 65536",
  })
  void invalidIdsAreMalformedWithZipkinsMessage(String fields, String problem) {
    byte[] json = utf8("[{" + fields + "}]");
    String message = "Zipkin v2 JSON: " + problem + " reading List<Span> from json";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(json)).hasMessage(message);
    assertThatThrownBy(() -> ReferenceDecoder.JSON_V2.decode(json)).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0| 0| traceId == null",
      "17| 8| traceId.length > 32",
      "33| 8| hex field greater than 32 chars long: 33",
      "16| 0| id == null",
      "16| 9| id.length > 16",
      "16| 33| hex field greater than 32 chars long: 33",
  })
  void proto3IdsOfTheWrongLengthAreMalformedWithZipkinsMessage(
      int traceIdLength, int idLength, String problem) throws Exception {
    byte[] traceId = new byte[traceIdLength];
    Arrays.fill(traceId, (byte) 1);
    byte[] id = new byte[idLength];
    Arrays.fill(id, (byte) 2);
    byte[] body = proto3Span(traceId, id);
    String message = "Zipkin proto3: " + problem + " reading List<Span> from proto3";

    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(body)).hasMessage(message);
    assertThatThrownBy(() -> ReferenceDecoder.PROTO3.decode(body)).hasMessage(message);
  }

  @Test
  void proto3AllZeroIdsAreMalformedWithZipkinsMessage() throws Exception {
    byte[] zeroTrace = proto3Span(new byte[16], new byte[] {1});
    byte[] zeroId = proto3Span(new byte[] {1}, new byte[8]);

    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(zeroTrace))
        .hasMessage("Zipkin proto3: traceId is all zeros reading List<Span> from proto3");
    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(zeroId))
        .hasMessage("Zipkin proto3: id is all zeros reading List<Span> from proto3");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // a length of 2^31 - 1, then of 2^32 - 1 (negative as an int), then of 2^32
      "0a ff ff ff ff 07| Truncated: length 2147483647 > bytes available 0 at byte 6",
      "0a ff ff ff ff 0f| Malformed: negative length -1 at byte 6",
      "0a 80 80 80 80 10| Greater than 32-bit varint at byte 6",
      "0a 80 80 80 80 80 80 80 80 80 80 01| Malformed: a varint of more than 10 bytes at byte 11",
      "0a 80| Truncated: a varint runs past the end at byte 2",
      "0a 02 0b 00| Malformed: invalid wireType 3 at byte 3",
      "0a 02 0f 00| Malformed: invalid wireType 7 at byte 3",
      "0a 02 60 02| Malformed: invalid boolean value at byte 4",
      "0a 02 20 ff ff ff ff 0f| Truncated: a varint runs past the end at byte 4",
      "0a 06 20 ff ff ff ff 0f| Malformed: kind -1 at byte 8",
      "0a 03 42 01 20| Truncated: a varint runs past the end at byte 5",
      "0a 04 42 02 20 80| Truncated: a varint runs past the end at byte 6",
      "0a 02 31 00| Truncated: length 8 > bytes available 1 at byte 3",
      "0a 02 0d 00| Truncated: length 4 > bytes available 1 at byte 3",
      "0a 03 2a 05 61| Truncated: length 5 > bytes available 1 at byte 4",
  })
  void badProto3IsMalformedNamingWhatAndWhere(String hex, String problem) {
    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(bytes(hex)))
        .isInstanceOf(MalformedException.class)
        .hasMessage("Zipkin proto3: " + problem + " reading List<Span> from proto3")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "c3 28| a continuation byte missing",
      "80| a continuation byte alone",
      "c0 af| an overlong encoding",
      "e0 80 af| an overlong encoding of three bytes",
      "ed a0 80| an encoded surrogate",
      "f4 90 80 80| a code point past U+10FFFF",
      "f8 88 80 80 80| a five-byte sequence",
      "ff| a byte that is never UTF-8",
      "e2 82| a sequence cut short",
  })
  void invalidUtf8IsMalformedNamingTheByte(String hex, String what) throws Exception {
    byte[] invalid = bytes(hex);
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    json.write(utf8("[{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"k\":\"ok"));
    int at = json.size();
    json.write(invalid);
    json.write(utf8("\"}}]"));

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(json.toByteArray()))
        .as(what)
        .isInstanceOf(MalformedException.class)
        .hasMessage(
            "Zipkin v2 JSON: Invalid UTF-8 at byte " + at + " reading List<Span> from json");

    byte[] value = new byte[2 + invalid.length];
    value[0] = 'o';
    value[1] = 'k';
    System.arraycopy(invalid, 0, value, 2, invalid.length);
    byte[] proto3 = proto3Tag(utf8("k"), value);
    int valueAt = proto3.length - value.length;
    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(proto3))
        .as(what)
        .isInstanceOf(MalformedException.class)
        .hasMessage("Zipkin proto3: Invalid UTF-8 at byte " + (valueAt + 2)
            + " reading List<Span> from proto3");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void randomBytesAreMalformedOrDecodeNeverAnotherException(ZipkinDecoder decoder) {
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      byte[] body = new byte[random.nextInt(64)];
      random.nextBytes(body);
      if (decoder == ZipkinDecoder.JSON_V2 && body.length > 0) {
        body[0] = '[';
      }
      decodeOrMalformed(decoder, body);
    }
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void mutatedAndTruncatedBodiesAreMalformedOrDecodeNeverAnotherException(ZipkinDecoder decoder) {
    SpanBytesEncoder encoder =
        decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
    Random random = new Random(4);
    for (int seed = 0; seed < 5_000; seed++) {
      byte[] body = encoder.encodeList(new RandomZipkin(seed).spans(3));
      if (body.length == 0) {
        continue;
      }
      for (int flips = random.nextInt(4); flips > 0; flips--) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      if (random.nextBoolean()) {
        body = Arrays.copyOf(body, random.nextInt(body.length));
      }
      decodeOrMalformed(decoder, body);
    }
  }

  @Test
  void jsonTokenSoupIsMalformedOrDecodesNeverAnotherException() {
    String[] tokens = {
      "[", "]", "{", "}", ",", ":", "\"traceId\"", "\"id\"", "\"parentId\"", "\"tags\"",
      "\"annotations\"", "\"localEndpoint\"", "\"timestamp\"", "\"ipv4\"", "\"port\"", "\"1\"",
      "\"abc\"", "1", "-1", "1e999", "1.5", "true", "null", "\"\\u0000\"", "\"\\ud800\"", " "};
    Random random = new Random(5);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder json = new StringBuilder("[{\"traceId\":\"1\",\"id\":\"2\",");
      for (int length = random.nextInt(12); length > 0; length--) {
        json.append(tokens[random.nextInt(tokens.length)]);
      }
      decodeOrMalformed(ZipkinDecoder.JSON_V2, utf8(json.toString()));
    }
  }

  @Test
  void manyDistinctTextsAndEndpointsAreAllKept() throws Exception {
    List<zipkin2.Span> spans = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      spans.add(CLIENT_SPAN.toBuilder()
          .id(i)
          .localEndpoint(zipkin2.Endpoint.newBuilder().serviceName("service-" + i).build())
          .putTag("key-" + i, "value-" + i)
          .build());
    }
    for (ZipkinDecoder decoder : ZipkinDecoder.values()) {
      SpanBytesEncoder encoder =
          decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
      byte[] body = encoder.encodeList(spans);

      DecodeResult result = decoder.decode(body);

      assertThat(result).isEqualTo(
          (decoder == ZipkinDecoder.JSON_V2 ? ReferenceDecoder.JSON_V2 : ReferenceDecoder.PROTO3)
              .decode(body));
      assertThat(result.spans().get(499).serviceName()).isEqualTo("service-500");
    }
  }

  private static void decodeOrMalformed(ZipkinDecoder decoder, byte[] body) {
    try {
      decoder.decode(body);
    } catch (MalformedException expected) {
      assertThat(expected.getMessage()).startsWith(
          decoder == ZipkinDecoder.JSON_V2 ? "Zipkin v2 JSON: " : "Zipkin proto3: ");
    } catch (RuntimeException e) {
      fail("not a MalformedException for " + Arrays.toString(body), e);
    }
  }

  /** One proto3 span with these trace ID and ID bytes. */
  private static byte[] proto3Span(byte[] traceId, byte[] id) throws Exception {
    ByteArrayOutputStream span = new ByteArrayOutputStream();
    field(span, 1, traceId);
    field(span, 3, id);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    field(body, 1, span.toByteArray());
    return body.toByteArray();
  }

  /** One proto3 span with a valid trace ID and ID and one tag. */
  private static byte[] proto3Tag(byte[] key, byte[] value) throws Exception {
    ByteArrayOutputStream tag = new ByteArrayOutputStream();
    field(tag, 1, key);
    field(tag, 2, value);
    ByteArrayOutputStream span = new ByteArrayOutputStream();
    field(span, 1, new byte[] {1});
    field(span, 3, new byte[] {2});
    field(span, 11, tag.toByteArray());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    field(body, 1, span.toByteArray());
    return body.toByteArray();
  }

  /** A length-delimited field whose length fits in one byte. */
  private static void field(ByteArrayOutputStream out, int number, byte[] value) throws Exception {
    out.write(number << 3 | 2);
    out.write(value.length);
    out.write(value);
  }

  private static byte[] bytes(String hex) {
    String[] parts = hex.trim().split(" ");
    byte[] bytes = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
