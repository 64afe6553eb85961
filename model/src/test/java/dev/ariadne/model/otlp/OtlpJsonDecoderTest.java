package dev.ariadne.model.otlp;

import dev.ariadne.model.DecodeResult;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.otlp.OtlpFixtures.JsonStyle;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OtlpJsonDecoderTest {
  private static final String SPANS = "resourceSpans[0].scopeSpans[0].spans[0]";
  private static final String UINT64_RANGE = "(expected: 0 to 18446744073709551615)";
  private static final String NOT_HEX = " is not hex (expected: %d hex characters; "
      + "OTLP/JSON IDs are hex, not base64)";

  /** A complete request as an OpenTelemetry SDK writes it, every field set. */
  private static final String FULL = """
      {
        "resourceSpans": [{
          "resource": {
            "attributes": [
              {"key": "service.name", "value": {"stringValue": "checkout"}},
              {"key": "host.name", "value": {"stringValue": "h1"}}
            ],
            "droppedAttributesCount": 1,
            "entityRefs": [{"type": "service", "idKeys": ["service.name"]}]
          },
          "schemaUrl": "https://opentelemetry.io/schemas/1.24.0",
          "scopeSpans": [{
            "scope": {
              "name": "io.ariadne.http", "version": "1.2.3",
              "attributes": [{"key": "scope.attr", "value": {"boolValue": true}}],
              "droppedAttributesCount": 9
            },
            "spans": [{
              "traceId": "5B8EFFF798038103D269B633813FC60C",
              "spanId": "eee19b7ec3c1b174",
              "parentSpanId": "eee19b7ec3c1b173",
              "traceState": "rojo=00f067aa0ba902b7",
              "flags": 769,
              "name": "POST /cart",
              "kind": 3,
              "startTimeUnixNano": "1544712660000000000",
              "endTimeUnixNano": "1544712661000000000",
              "attributes": [
                {"key": "s", "value": {"stringValue": "text"}},
                {"key": "b", "value": {"boolValue": false}},
                {"key": "i", "value": {"intValue": "-9223372036854775808"}},
                {"key": "d", "value": {"doubleValue": 0.25}},
                {"key": "bytes", "value": {"bytesValue": "AAH/"}},
                {"key": "array", "value": {"arrayValue": {"values": [
                  {"stringValue": "a"}, {"intValue": 7}, {"arrayValue": {}}
                ]}}},
                {"key": "map", "value": {"kvlistValue": {"values": [
                  {"key": "k", "value": {"doubleValue": "NaN"}}
                ]}}}
              ],
              "droppedAttributesCount": 2,
              "events": [
                {"timeUnixNano": "1544712660500000000", "name": "cache miss",
                 "attributes": [{"key": "key", "value": {"stringValue": "cart:1"}}],
                 "droppedAttributesCount": 3}
              ],
              "droppedEventsCount": 4,
              "links": [
                {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
                 "traceState": "congo=t61rcWkgMzE",
                 "attributes": [{"key": "opentracing.ref_type", "value": {"stringValue": "follows_from"}}],
                 "droppedAttributesCount": 5, "flags": 256}
              ],
              "droppedLinksCount": 6,
              "status": {"code": 2, "message": "card declined"}
            }]
          }]
        }]
      }
      """;

  @Test
  void decodesEveryFieldOfAHandWrittenRequest() throws Exception {
    DecodeResult result = decode(FULL);

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
    assertThat(result.spans()).hasSize(1);
    Span span = result.spans().get(0);
    assertThat(span.traceId()).isEqualTo(TraceId.fromHex("5b8efff798038103d269b633813fc60c"));
    assertThat(span.spanId()).isEqualTo(0xeee19b7ec3c1b174L);
    assertThat(span.parentSpanId()).isEqualTo(0xeee19b7ec3c1b173L);
    assertThat(span.traceState()).isEqualTo("rojo=00f067aa0ba902b7");
    assertThat(span.flags()).isEqualTo(0x301);
    assertThat(span.name()).isEqualTo("POST /cart");
    assertThat(span.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.startEpochNanos()).isEqualTo(1544712660000000000L);
    assertThat(span.endEpochNanos()).isEqualTo(1544712661000000000L);
    assertThat(span.resource()).isEqualTo(new Resource(
        "checkout",
        List.of(Attribute.of("service.name", "checkout"), Attribute.of("host.name", "h1")),
        1));
    assertThat(span.scope()).isEqualTo(
        new Scope("io.ariadne.http", "1.2.3", List.of(Attribute.of("scope.attr", true))));
    assertThat(span.attributes()).containsExactly(
        Attribute.of("s", "text"),
        Attribute.of("b", false),
        Attribute.of("i", Long.MIN_VALUE),
        Attribute.of("d", 0.25),
        new Attribute("bytes", new Value.Bytes(new byte[] {0, 1, -1})),
        new Attribute("array", new Value.Array(
            List.of(Value.of("a"), Value.of(7), new Value.Array(List.of())))),
        new Attribute("map", new Value.KvList(List.of(Attribute.of("k", Double.NaN)))));
    assertThat(span.droppedAttributesCount()).isEqualTo(2);
    assertThat(span.events()).containsExactly(new Event(
        1544712660500000000L, "cache miss", List.of(Attribute.of("key", "cart:1")), 3));
    assertThat(span.droppedEventsCount()).isEqualTo(4);
    assertThat(span.links()).containsExactly(new Link(
        TraceId.fromHex("0af7651916cd43dd8448eb211c80319c"),
        0xb7ad6b7169203331L,
        "congo=t61rcWkgMzE",
        List.of(Attribute.of("opentracing.ref_type", "follows_from")),
        5,
        true));
    assertThat(span.droppedLinksCount()).isEqualTo(6);
    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("card declined");
  }

  @ParameterizedTest
  @EnumSource(JsonStyle.class)
  void decodesTheSameSpansAsTheProtobufDecoder(JsonStyle style) throws Exception {
    byte[] json = OtlpFixtures.toOtlpJson(OtlpFixtures.fullRequest(), style);

    DecodeResult result = OtlpJsonDecoder.decode(json);

    assertThat(result.spans()).isEqualTo(OtlpFixtures.fullRequestSpans());
    assertThat(result.spans())
        .isEqualTo(OtlpProtobufDecoder.decode(OtlpFixtures.fullRequest().toByteArray()).spans());
  }

  @Test
  void givesTheSpansOfARequestOneStringForEachTextThatComesAgain() throws Exception {
    String span = """
        {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
         "name": "GET /cart",
         "attributes": [{"key": "http.route", "value": {"stringValue": "/cart"}}]}""";
    List<Span> spans = decode("""
        {"resourceSpans": [{"scopeSpans": [{"spans": [%s, %s]}]}]}
        """.formatted(span, span)).spans();

    assertThat(spans.get(1).name()).isEqualTo("GET /cart").isSameAs(spans.get(0).name());
    Attribute first = spans.get(0).attributes().get(0);
    Attribute second = spans.get(1).attributes().get(0);
    assertThat(second.key()).isEqualTo("http.route").isSameAs(first.key());
    assertThat(((Value.Str) second.value()).value())
        .isEqualTo("/cart")
        .isSameAs(((Value.Str) first.value()).value());
  }

  @Test
  void readsFieldsInAnyOrderWithTheResourceAndScopeLast() throws Exception {
    Span span = decode("""
        {"resourceSpans": [{
          "scopeSpans": [{
            "spans": [{"name": "late", "spanId": "0000000000000001", "traceId": "00000000000000000000000000000002"}],
            "scope": {"name": "lib"}
          }],
          "resource": {"attributes": [{"value": {"stringValue": "svc"}, "key": "service.name"}]}
        }]}
        """).spans().get(0);

    assertThat(span.serviceName()).isEqualTo("svc");
    assertThat(span.scope().name()).isEqualTo("lib");
    assertThat(span.traceId()).isEqualTo(new TraceId(0, 2));
  }

  @Test
  void acceptsEnumNamesNumericStringsAndIntegralNumbersInAnyForm() throws Exception {
    Span span = decode(request("""
        "kind": "SPAN_KIND_PRODUCER", "status": {"code": "STATUS_CODE_OK"},
        "startTimeUnixNano": 1.5e3, "endTimeUnixNano": "2000.0", "droppedEventsCount": "7",
        "attributes": [{"key": "i", "value": {"intValue": 1E2}}, {"key": "b", "value": {"boolValue": "true"}}]
        """)).spans().get(0);

    assertThat(span.kind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(span.statusCode()).isEqualTo(StatusCode.OK);
    assertThat(span.startEpochNanos()).isEqualTo(1500);
    assertThat(span.endEpochNanos()).isEqualTo(2000);
    assertThat(span.droppedEventsCount()).isEqualTo(7);
    assertThat(span.attributes()).containsExactly(Attribute.of("i", 100), Attribute.of("b", true));
  }

  @Test
  void acceptsTimesUpToTheLargestUnsigned64BitNumber() throws Exception {
    Span span = decode(request("\"endTimeUnixNano\": \"18446744073709551615\"")).spans().get(0);

    assertThat(span.endEpochNanos()).isEqualTo(-1L);
  }

  @Test
  void ignoresUnknownFieldsAndReadsNullAsAbsent() throws Exception {
    Span span = decode(request("""
        "name": null, "kind": null, "attributes": null,
        "futureField": {"deep": [[[{"x": [1, "two", null, true]}]]]},
        "instrumentationLibrary": "old",
        "links": [{"traceId": null, "spanId": "", "unknown": 1}]
        """)).spans().get(0);

    assertThat(span.name()).isEmpty();
    assertThat(span.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(span.attributes()).isEmpty();
    assertThat(span.links())
        .containsExactly(new Link(new TraceId(0, 0), 0, "", List.of(), 0, false));
  }

  @Test
  void leavesOutEmptyValuesAndCountsThemAsDropped() throws Exception {
    Span span = decode(request("""
        "attributes": [
          {"key": "no value"},
          {"key": "empty", "value": {}},
          {"key": "null", "value": {"stringValue": null}},
          {"key": "profiles only", "value": {"stringValueStrindex": 3}},
          {"key": "kept", "value": {"arrayValue": {"values": [{}, {"boolValue": true}]}}}
        ]
        """)).spans().get(0);

    assertThat(span.attributes())
        .containsExactly(new Attribute("kept", new Value.Array(List.of(Value.of(true)))));
    assertThat(span.droppedAttributesCount()).isEqualTo(4);
  }

  @Test
  void acceptsUrlSafeBase64WithoutPadding() throws Exception {
    Span span = decode(request(attribute("{\"bytesValue\": \"-_8\"}"))).spans().get(0);

    assertThat(span.attributes())
        .containsExactly(new Attribute("deep", new Value.Bytes(new byte[] {-5, -1})));
  }

  @Test
  void readsAnEmptyOrBlankBodyOrEmptyObjectAsAnEmptyRequest() throws Exception {
    for (String body : List.of("", " \n", "{}", "{\"resourceSpans\": []}")) {
      DecodeResult result = decode(body);

      assertThat(result.spans()).as(body).isEmpty();
      assertThat(result.rejectedCount()).isZero();
    }
  }

  @Test
  void rejectsOnlyTheSpanWhoseIdIsBase64() throws Exception {
    DecodeResult result = decode("""
        {"resourceSpans": [{"scopeSpans": [{"spans": [
          {"traceId": "W47/95gDgQPSabYzgT/GDA==", "spanId": "eee19b7ec3c1b174"},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "ok"}
        ]}]}]}
        """);

    assertThat(result.spans()).extracting(Span::name).containsExactly("ok");
    assertThat(result.rejectedCount()).isEqualTo(1);
    assertThat(result.errorMessage())
        .isEqualTo(SPANS + ".traceId: \"W47/95gDgQPSabYzgT/GDA==\"" + NOT_HEX.formatted(32));
  }

  @Test
  void rejectsSpansWithMissingShortZeroOrNonHexIds() throws Exception {
    DecodeResult result = decode("""
        {"resourceSpans": [{"scopeSpans": [{"spans": [
          {"spanId": "eee19b7ec3c1b174"},
          {"traceId": "5b8efff798038103d269b633813fc60", "spanId": "eee19b7ec3c1b174"},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "0000000000000000"},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b17٤"},
          {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "parentSpanId": "zz"}
        ]}]}]}
        """);

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isEqualTo(5);
    String spans = "resourceSpans[0].scopeSpans[0].spans";
    assertThat(result.errorMessage()).isEqualTo(String.join("; ",
        spans + "[0].traceId: missing (expected: 32 hex characters)",
        spans + "[1].traceId: \"5b8efff798038103d269b633813fc60\" has 31 hex characters (expected: 32)",
        spans + "[2].spanId: all zeros (expected: at least one non-zero byte)",
        spans + "[3].spanId: \"eee19b7ec3c1b17٤\"" + NOT_HEX.formatted(16),
        spans + "[4].parentSpanId: \"zz\"" + NOT_HEX.formatted(16)));
  }

  @Test
  void dropsALinkWithABadIdAndWarns() throws Exception {
    DecodeResult result =
        decode(request("\"links\": [{\"traceId\": \"abc\"}], \"droppedLinksCount\": 1"));

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage())
        .isEqualTo(SPANS + ".links[0].traceId: \"abc\" has 3 hex characters (expected: 32); "
            + "link dropped");
    assertThat(result.spans().get(0).links()).isEmpty();
    assertThat(result.spans().get(0).droppedLinksCount()).isEqualTo(2);
  }

  @Test
  void refusesAWrongTypeNamingItsPath() {
    String body = """
        {"resourceSpans": [{"scopeSpans": [{}, {"spans": [{}, {}, {}, {"startTimeUnixNano": true}]}]}]}
        """;

    assertMalformed(body, "OTLP/JSON: resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: "
        + "expected a number or a numeric string, got true");
  }

  @Test
  void refusesNonNumericTextInA64BitField() {
    assertRefused(attribute("{\"intValue\": \"12abc\"}"),
        "attributes[0].value.intValue: expected a number or a numeric string, got \"12abc\"");
    assertRefused("\"startTimeUnixNano\": \"١٢٣\"",
        "startTimeUnixNano: expected a number or a numeric string, got \"١٢٣\"");
  }

  @Test
  void refusesNumbersOutOfRangeWithoutComputingThem() {
    assertRefused("\"startTimeUnixNano\": \"18446744073709551616\"",
        "startTimeUnixNano: 18446744073709551616 is out of range " + UINT64_RANGE);
    assertRefused("\"endTimeUnixNano\": -1", "endTimeUnixNano: -1 is out of range " + UINT64_RANGE);
    assertRefused("\"startTimeUnixNano\": \"1e999999999\"",
        "startTimeUnixNano: 1e999999999 is out of range " + UINT64_RANGE);
    assertRefused("\"startTimeUnixNano\": \"1e9999999999\"",
        "startTimeUnixNano: 1e9999999999 is out of range " + UINT64_RANGE);
    assertRefused("\"startTimeUnixNano\": 1e-999999999",
        "startTimeUnixNano: 1e-999999999 is not an integer " + UINT64_RANGE);
    assertRefused("\"startTimeUnixNano\": " + "9".repeat(500),
        "startTimeUnixNano: " + "9".repeat(40) + "… is out of range " + UINT64_RANGE);
    assertRefused(attribute("{\"intValue\": 9223372036854775808}"),
        "attributes[0].value.intValue: 9223372036854775808 is out of range "
            + "(expected: -9223372036854775808 to 9223372036854775807)");
    assertRefused("\"droppedLinksCount\": 4294967296",
        "droppedLinksCount: 4294967296 is out of range (expected: 0 to 4294967295)");
    assertRefused(attribute("{\"doubleValue\": 1e400}"),
        "attributes[0].value.doubleValue: 1e400 is out of range (expected: a double)");
  }

  @Test
  void refusesAFractionInAnIntegerField() {
    assertRefused("\"flags\": 1.5", "flags: 1.5 is not an integer (expected: 0 to 4294967295)");
  }

  @Test
  void refusesUnknownEnumNamesButKeepsUnknownNumbers() throws Exception {
    assertMalformed(request("\"kind\": \"SERVER\""),
        "OTLP/JSON: " + SPANS + ".kind: expected a SpanKind number or name, got \"SERVER\"");

    Span span = decode(request("\"kind\": 42, \"status\": {\"code\": \"9\"}")).spans().get(0);

    assertThat(span.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void refusesObjectsWhereArraysBelongAndTheReverse() {
    assertMalformed("{\"resourceSpans\": {}}",
        "OTLP/JSON: resourceSpans: expected an array, got an object");
    assertMalformed("{\"resourceSpans\": [[]]}",
        "OTLP/JSON: resourceSpans[0]: expected an object, got an array");
    assertMalformed("[]", "OTLP/JSON: expected an object, got an array");
    assertMalformed("null", "OTLP/JSON: expected an object, got null");
    assertRefused("\"name\": 5", "name: expected a string, got 5");
  }

  @Test
  void refusesInvalidBase64() {
    assertRefused(attribute("{\"bytesValue\": \"not base64!\"}"),
        "attributes[0].value.bytesValue: \"not base64!\" is not base64");
  }

  @Test
  void refusesTwoValuesInOneAnyValue() {
    assertRefused(attribute("{\"intValue\": 1, \"stringValue\": \"1\"}"),
        "attributes[0].value.stringValue: a second value in one AnyValue (expected: at most one)");
  }

  @Test
  void refusesInvalidJsonNamingLineAndColumn() {
    assertThatThrownBy(() -> decode("{\"resourceSpans\": [\n  {\"scopeSpans\": x}]}"))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("OTLP/JSON: resourceSpans[0].scopeSpans: Unrecognized token 'x'")
        .hasMessageEndingWith("(line 2, column 18)");
  }

  @Test
  void refusesATruncatedBody() {
    String truncated = FULL.substring(0, FULL.indexOf("\"links\""));

    assertThatThrownBy(() -> decode(truncated))
        .isInstanceOf(MalformedException.class)
        .hasMessageMatching("OTLP/JSON: unexpected end of the body \\(line \\d+, column \\d+\\)");
    String endsInAString = "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": \"x";
    assertThatThrownBy(() -> decode(endsInAString))
        .isInstanceOf(MalformedException.class)
        .hasMessage("OTLP/JSON: unexpected end of the body (line 1, column 58)");
  }

  @Test
  void refusesContentAfterTheRequest() {
    assertMalformed("{} {}",
        "OTLP/JSON: expected the end of the body after the request object, got an object");
  }

  @Test
  void refusesAttributeValuesNestedDeeperThanThirtyTwoLevels() throws Exception {
    assertThat(decode(request(attribute(nestedKvlists(32)))).spans()).hasSize(1);

    assertThatThrownBy(() -> decode(request(attribute(nestedKvlists(33)))))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("OTLP/JSON: " + SPANS
            + ".attributes[0].value.kvlistValue.values[0].value.kvlistValue.…")
        .hasMessageEndingWith(": attribute values nested deeper than 32 levels");
  }

  @Test
  void refusesHostileNestingQuicklyAndWithoutStackOverflow() {
    assertThatThrownBy(() -> decode(request(attribute(nestedKvlists(100_000)))))
        .isInstanceOf(MalformedException.class)
        .hasMessageEndingWith(": attribute values nested deeper than 32 levels");
    assertThatThrownBy(() -> decode(request("\"unknown\": " + "[".repeat(100_000))))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("nesting depth (257) exceeds the maximum allowed (256");
  }

  /**
   * JSON's escapes can write half of a surrogate pair alone, which no UTF-8 holds: it is read as
   * U+FFFD, as bytes that are not UTF-8 are, so that storage, listings and answers agree on it.
   */
  @Test
  void readsHalfASurrogatePairAloneAsTheReplacementCharacter() throws Exception {
    String body = FULL
        .replace("\"POST /cart\"", "\"POST \\ud800/cart\\udc00\"")
        .replace("\"checkout\"", "\"check\\ud83d\\ude00out\\ud83d\"")
        .replace("\"key\": \"s\"", "\"key\": \"s\\udc00\\ud800\"")
        .replace("\"rojo=00f067aa0ba902b7\"", "\"rojo=\\udfff\"");

    Span span = decode(body).spans().get(0);

    assertThat(span.name()).isEqualTo("POST \uFFFD/cart\uFFFD");
    assertThat(span.serviceName()).as("a pair is kept").isEqualTo("check\uD83D\uDE00out\uFFFD");
    assertThat(span.attributes().get(0).key()).isEqualTo("s\uFFFD\uFFFD");
    assertThat(span.traceState()).isEqualTo("rojo=\uFFFD");
  }

  private static DecodeResult decode(String body) throws MalformedException {
    return OtlpJsonDecoder.decode(body.getBytes(UTF_8));
  }

  private static void assertMalformed(String body, String message) {
    assertThatThrownBy(() -> decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessage(message);
  }

  /** Asserts that a valid span with {@code fields} added is refused, at the span's path. */
  private static void assertRefused(String fields, String messageFromSpan) {
    assertMalformed(request(fields), "OTLP/JSON: " + SPANS + "." + messageFromSpan);
  }

  /** A request with one valid span that also has {@code fields}. */
  private static String request(String fields) {
    return """
        {"resourceSpans": [{"scopeSpans": [{"spans": [{
          "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
          %s
        }]}]}]}
        """.formatted(fields);
  }

  private static String attribute(String anyValue) {
    return "\"attributes\": [{\"key\": \"deep\", \"value\": " + anyValue + "}]";
  }

  /** An AnyValue of the given depth: key-value lists around a string. */
  private static String nestedKvlists(int depth) {
    StringBuilder json = new StringBuilder();
    for (int i = 1; i < depth; i++) {
      json.append("{\"kvlistValue\": {\"values\": [{\"key\": \"k\", \"value\": ");
    }
    json.append("{\"stringValue\": \"leaf\"}");
    for (int i = 1; i < depth; i++) {
      json.append("}]}}");
    }
    return json.toString();
  }
}
