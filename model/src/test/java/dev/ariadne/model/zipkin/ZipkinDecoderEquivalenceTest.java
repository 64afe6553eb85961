package dev.ariadne.model.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.codec.SpanBytesEncoder;

/**
 * The one-pass decoder gives exactly what zipkin2's codec followed by the old mapping gave ({@link
 * ReferenceDecoder}): for spans that zipkin2 encodes, and for hand-written bodies with what other
 * clients may send (fields in any order or twice, nulls, numbers as strings, unknown fields, tags
 * out of order, odd addresses). Where the reference refuses a body, so must the decoder.
 */
class ZipkinDecoderEquivalenceTest {
  private static final int LISTS = 3000;

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void spansEncodedByZipkinDecodeAsBefore(ZipkinDecoder decoder) {
    SpanBytesEncoder encoder =
        decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
    int rejected = 0;
    for (int seed = 0; seed < LISTS; seed++) {
      byte[] body = encoder.encodeList(new RandomZipkin(seed).spans(6));
      Object outcome = assertSameOutcome(decoder, body, "seed " + seed);
      rejected += outcome instanceof DecodeResult result ? result.rejectedCount() : 0;
    }
    assertThat(rejected).as("rejected spans, compared too").isPositive();
  }

  @Test
  void handWrittenJsonDecodesAsBefore() {
    int decoded = 0;
    for (int seed = 0; seed < LISTS; seed++) {
      RandomZipkin random = new RandomZipkin(seed);
      List<String> spans = new ArrayList<>();
      for (int i = random.nextInt(4); i >= 0; i--) {
        spans.add(jsonSpan(random));
      }
      String json = space(random) + "[" + String.join("," + space(random), spans) + "]"
          + (random.maybe(0.1) ? " trailing text, which Zipkin ignores" : "");
      Object outcome = assertSameOutcome(
          ZipkinDecoder.JSON_V2, json.getBytes(StandardCharsets.UTF_8), json);
      decoded += outcome instanceof DecodeResult ? 1 : 0;
    }
    assertThat(decoded).as("bodies decoded, not refused").isGreaterThan(LISTS / 3);
  }

  @Test
  void handWrittenProto3DecodesAsBefore() throws IOException {
    int decoded = 0;
    for (int seed = 0; seed < LISTS; seed++) {
      RandomZipkin random = new RandomZipkin(seed);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int i = random.nextInt(4); i >= 0; i--) {
        message(body, 1, proto3Span(random));
      }
      Object outcome = assertSameOutcome(ZipkinDecoder.PROTO3, body.toByteArray(), "seed " + seed);
      decoded += outcome instanceof DecodeResult ? 1 : 0;
    }
    assertThat(decoded).as("bodies decoded, not refused").isGreaterThan(LISTS / 3);
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void mutatedBodiesThatBothDecodeGiveTheSameSpans(ZipkinDecoder decoder) {
    SpanBytesEncoder encoder =
        decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
    Random random = new Random(7);
    int bothDecoded = 0;
    for (int seed = 0; seed < LISTS; seed++) {
      byte[] body = encoder.encodeList(new RandomZipkin(seed).spans(3));
      if (body.length == 0) {
        continue;
      }
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(128);
      }
      Object expected = outcome(() -> reference(decoder).decode(body));
      Object actual = outcome(() -> decoder.decode(body));
      if (expected instanceof DecodeResult && actual instanceof DecodeResult) {
        assertThat(actual).as("seed %s", seed).isEqualTo(expected);
        bothDecoded++;
      }
    }
    assertThat(bothDecoded).isPositive();
  }

  /** Asserts that the decoder gives what the reference gives, and returns it. */
  static Object assertSameOutcome(ZipkinDecoder decoder, byte[] body, String description) {
    Object expected = outcome(() -> reference(decoder).decode(body));
    Object actual = outcome(() -> decoder.decode(body));
    if (expected instanceof Malformed && actual instanceof Malformed) {
      return actual; // both refuse; the wording of structural errors differs
    }
    assertThat(actual).as(description).isEqualTo(expected);
    return actual;
  }

  private static ReferenceDecoder reference(ZipkinDecoder decoder) {
    return decoder == ZipkinDecoder.JSON_V2 ? ReferenceDecoder.JSON_V2 : ReferenceDecoder.PROTO3;
  }

  /** A refused body, with its message for the assertion's description. */
  record Malformed(String message) {}

  private interface Decoding {
    DecodeResult decode() throws MalformedException;
  }

  private static Object outcome(Decoding decoding) {
    try {
      return decoding.decode();
    } catch (MalformedException e) {
      return new Malformed(e.getMessage());
    }
  }

  // Hand-written JSON: each quirk is one a client could send, most of them valid for Zipkin.

  private static String jsonSpan(RandomZipkin random) {
    List<String> fields = new ArrayList<>();
    fields.add(field("traceId", random.maybe(0.02)
        ? random.pick(new String[] {"null", "1", "\"ABC\"", "\"\"", "true"})
        : random.maybe(0.05) ? "123" : quote(random.traceIdHex())));
    fields.add(field("id", random.maybe(0.02)
        ? random.pick(new String[] {"null", "\"0000000000000000\"", "\"0x1\"", "{}"})
        : quote(random.spanIdHex(false))));
    optional(random, fields, "parentId", () -> random.maybe(0.02)
        ? random.pick(new String[] {"\"\"", "\"00000000000000000\"", "[]"})
        : quote(random.spanIdHex(true)));
    optional(random, fields, "kind", () -> random.maybe(0.02)
        ? quote("client")
        : quote(random.pick(new String[] {"CLIENT", "SERVER", "PRODUCER", "CONSUMER"})));
    optional(random, fields, "name", () -> random.maybe(0.05)
        ? "42"
        : quote(random.pick(new String[] {"Get /API", "", "ünï", "😀", "a\u0001b"})));
    optional(random, fields, "timestamp", () -> number(random, random.time()));
    optional(random, fields, "duration", () -> number(random, random.duration()));
    optional(random, fields, "localEndpoint", () -> jsonEndpoint(random));
    optional(random, fields, "remoteEndpoint", () -> jsonEndpoint(random));
    optional(random, fields, "annotations", () -> {
      List<String> annotations = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        List<String> annotation = new ArrayList<>();
        if (random.maybe(0.98)) {
          annotation.add(field("timestamp", number(random, random.time())));
        }
        if (random.maybe(0.98)) {
          annotation.add(field("value", quote(random.pick(new String[] {"cs", "sr", "", "é"}))));
        }
        if (random.maybe(0.2)) {
          annotation.add(field("endpoint", "{\"serviceName\":\"x\"}"));
        }
        Collections.shuffle(annotation, new Random(random.nextInt(1000)));
        annotations.add("{" + String.join(",", annotation) + "}");
      }
      return "[" + String.join(",", annotations) + "]";
    });
    optional(random, fields, "tags", () -> {
      List<String> tags = new ArrayList<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        String value = random.maybe(0.1)
            ? random.pick(new String[] {"200", "1.5", "-0", "1e3"})
            : random.maybe(0.01) ? random.pick(new String[] {"null", "true", "{}"})
            : quote(random.pick(new String[] {"GET", "", "true", "OK", "ERROR", "x", "ü"}));
        tags.add(field(random.pick(new String[] {
          "http.method", "error", "otel.status_code", "otel.status_description",
          "otel.scope.name", "otel.scope.version", "peer.service", "network.peer.port",
          "zipkin.debug", "b", "a", "B", "", "ü"}), value));
      }
      return "{" + String.join(",", tags) + "}";
    });
    optional(random, fields, "debug", () -> random.maybe(0.02) ? "\"true\"" : bool(random));
    optional(random, fields, "shared", () -> random.maybe(0.02) ? "1" : bool(random));
    if (random.maybe(0.3)) {
      fields.add(field("unknown", random.pick(new String[] {
        "null", "1", "\"x\"", "[1,[2,{\"a\":null}],{}]", "{\"traceId\":\"zz\",\"b\":[true]}"})));
    }
    if (random.maybe(0.1) && !fields.isEmpty()) {
      fields.add(fields.get(random.nextInt(fields.size()))); // a field twice
    }
    Collections.shuffle(fields, new Random(random.nextInt(1000)));
    return "{" + String.join("," + space(random), fields) + "}";
  }

  private static String jsonEndpoint(RandomZipkin random) {
    if (random.maybe(0.1)) {
      return random.pick(new String[] {"{}", "{\"serviceName\":null}", "{\"unknown\":[1]}"});
    }
    List<String> fields = new ArrayList<>();
    if (random.maybe(0.8)) {
      fields.add(field("serviceName",
          quote(random.pick(new String[] {"frontend", "Frontend", "", "Ünï"}))));
    }
    if (random.maybe(0.6)) {
      fields.add(field("ipv4", quote(random.ip())));
    }
    if (random.maybe(0.4)) {
      fields.add(field("ipv6", random.maybe(0.1) ? "null" : quote(random.ip())));
    }
    if (random.maybe(0.5)) {
      fields.add(field("port", random.maybe(0.02)
          ? random.pick(new String[] {"70000", "\"port\"", "8080.5"})
          : random.pick(new String[] {"8080", "\"9411\"", "443.0", "-1", "0", "65535"})));
    }
    Collections.shuffle(fields, new Random(random.nextInt(1000)));
    return "{" + String.join(",", fields) + "}";
  }

  private static void optional(
      RandomZipkin random, List<String> fields, String name, Supplier<String> value) {
    if (random.maybe(0.1)) {
      fields.add(field(name, "null"));
    } else if (random.maybe(0.8)) {
      fields.add(field(name, value.get()));
    }
  }

  /** A whole number as Gson reads one: plain, quoted, with a zero fraction or an exponent. */
  private static String number(RandomZipkin random, long value) {
    return switch (random.nextInt(12)) {
      case 0 -> quote(Long.toString(value));
      case 1 -> value + ".0";
      case 2 -> value % 1000 == 0 && value != 0 ? (value / 1000) + "e3" : Long.toString(value);
      case 3 -> random.maybe(0.1) ? "\"soon\"" : Long.toString(value);
      default -> Long.toString(value);
    };
  }

  private static String bool(RandomZipkin random) {
    return random.maybe(0.5) ? "true" : "false";
  }

  private static String field(String name, String value) {
    return quote(name) + ":" + value;
  }

  private static String space(RandomZipkin random) {
    return random.maybe(0.2) ? " \n\t" : "";
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '/' -> out.append("\\/");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  // Hand-written proto3: fields in any order or twice, unknown fields of every wire type, empty
  // strings, annotations and tags that Zipkin drops, addresses of every length.

  private static byte[] proto3Span(RandomZipkin random) throws IOException {
    List<Consumer<CodedOutputStream>> fields = new ArrayList<>();
    fields.add(out -> bytes(out, 1, random.maybe(0.02)
        ? new byte[random.pick(new Integer[] {0, 17, 33})]
        : hexBytes(random.traceIdHex())));
    fields.add(out -> bytes(out, 3, random.maybe(0.02)
        ? new byte[random.pick(new Integer[] {0, 8, 9})]
        : hexBytes(random.spanIdHex(false))));
    if (random.maybe(0.7)) {
      fields.add(out -> bytes(out, 2, random.maybe(0.05)
          ? new byte[random.pick(new Integer[] {0, 1, 8})]
          : hexBytes(random.spanIdHex(true))));
    }
    if (random.maybe(0.7)) {
      int kind = random.nextInt(7);
      fields.add(out -> write(() -> out.writeUInt32(4, kind)));
    }
    if (random.maybe(0.8)) {
      String name = random.pick(new String[] {"Get /API", "", "ünï", "😀"});
      fields.add(out -> write(() -> out.writeString(5, name)));
    }
    if (random.maybe(0.9)) {
      long timestamp = random.time();
      fields.add(out -> write(() -> out.writeFixed64(6, timestamp)));
    }
    if (random.maybe(0.8)) {
      long duration = random.duration();
      fields.add(out -> write(() -> out.writeUInt64(7, duration)));
    }
    if (random.maybe(0.8)) {
      byte[] endpoint = proto3Endpoint(random);
      fields.add(out -> bytes(out, 8, endpoint));
    }
    if (random.maybe(0.5)) {
      byte[] endpoint = proto3Endpoint(random);
      fields.add(out -> bytes(out, 9, endpoint));
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      List<Consumer<CodedOutputStream>> annotation = new ArrayList<>();
      if (random.maybe(0.95)) {
        long timestamp = random.maybe(0.1) ? 0 : random.time();
        annotation.add(out -> write(() -> out.writeFixed64(1, timestamp)));
      }
      if (random.maybe(0.95)) {
        String value = random.pick(new String[] {"cs", "sr", "", "é"});
        annotation.add(out -> write(() -> out.writeString(2, value)));
      }
      unknownFields(random, annotation);
      byte[] message = message(random, annotation);
      fields.add(out -> bytes(out, 10, message));
    }
    for (int i = random.nextInt(6); i > 0; i--) {
      List<Consumer<CodedOutputStream>> tag = new ArrayList<>();
      if (random.maybe(0.95)) {
        String key = random.pick(new String[] {
          "http.method", "error", "otel.status_code", "otel.scope.name", "peer.service", "b", "a",
          ""});
        tag.add(out -> write(() -> out.writeString(1, key)));
      }
      for (int values = random.nextInt(3); values > 0; values--) {
        String value = random.pick(new String[] {"GET", "", "true", "OK", "ERROR", "ü"});
        tag.add(out -> write(() -> out.writeString(2, value)));
      }
      unknownFields(random, tag);
      byte[] message = message(random, tag);
      fields.add(out -> bytes(out, 11, message));
    }
    if (random.maybe(0.3)) {
      int debug = random.maybe(0.02) ? 2 : random.nextInt(2);
      fields.add(out -> write(() -> out.writeUInt32(12, debug)));
    }
    if (random.maybe(0.3)) {
      int shared = random.nextInt(2);
      fields.add(out -> write(() -> out.writeUInt32(13, shared)));
    }
    unknownFields(random, fields);
    if (random.maybe(0.1)) {
      fields.add(fields.get(random.nextInt(fields.size()))); // a field twice
    }
    return message(random, fields);
  }

  private static byte[] proto3Endpoint(RandomZipkin random) throws IOException {
    List<Consumer<CodedOutputStream>> fields = new ArrayList<>();
    if (random.maybe(0.8)) {
      String name = random.pick(new String[] {"frontend", "Frontend", "", "Ünï"});
      fields.add(out -> write(() -> out.writeString(1, name)));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      byte[] address = address(random);
      int field = random.maybe(0.5) ? 2 : 3;
      fields.add(out -> bytes(out, field, address));
    }
    if (random.maybe(0.5)) {
      int port = random.maybe(0.02) ? 70_000 : random.nextInt(65_536);
      fields.add(out -> write(() -> out.writeUInt32(4, port)));
    }
    unknownFields(random, fields);
    return message(random, fields);
  }

  private static byte[] address(RandomZipkin random) {
    byte[] address = new byte[random.pick(new Integer[] {4, 4, 16, 16, 16, 0, 3})];
    switch (address.length == 0 ? 2 : random.nextInt(4)) {
      case 0 -> address[address.length - 1] = 1; // ::1, or 0.0.0.1
      case 1 -> {
        if (address.length == 16) {
          address[12] = 10; // IPv4-compatible ::10.0.0.0
        }
      }
      case 2 -> { } // all zeros
      default -> {
        for (int i = 0; i < address.length; i++) {
          address[i] = (byte) random.nextInt(256);
        }
      }
    }
    return address;
  }

  /** Fields Zipkin does not know, including known numbers of an unexpected wire type. */
  private static void unknownFields(RandomZipkin random, List<Consumer<CodedOutputStream>> fields) {
    if (random.maybe(0.2)) {
      int number = random.pick(new Integer[] {0, 1, 4, 14, 99, 536_870_911});
      switch (random.nextInt(4)) {
        case 0 -> fields.add(out -> write(() -> out.writeUInt64(number, -1L)));
        case 1 -> fields.add(out -> write(() -> out.writeFixed64(number, 42)));
        case 2 -> fields.add(out -> write(() -> out.writeFixed32(number, 42)));
        default -> fields.add(out -> write(() -> out.writeString(number, "unknown")));
      }
    }
  }

  private static byte[] message(RandomZipkin random, List<Consumer<CodedOutputStream>> fields)
      throws IOException {
    Collections.shuffle(fields, new Random(random.nextInt(1000)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (Consumer<CodedOutputStream> field : fields) {
      field.accept(out);
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static void message(ByteArrayOutputStream body, int number, byte[] message)
      throws IOException {
    CodedOutputStream out = CodedOutputStream.newInstance(body);
    out.writeByteArray(number, message);
    out.flush();
  }

  private static void bytes(CodedOutputStream out, int number, byte[] value) {
    write(() -> out.writeBytes(number, ByteString.copyFrom(value)));
  }

  private static byte[] hexBytes(String hex) {
    String even = hex.length() % 2 == 0 ? hex : "0" + hex;
    byte[] bytes = new byte[even.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(even.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }

  private interface Write {
    void run() throws IOException;
  }

  private static void write(Write write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
