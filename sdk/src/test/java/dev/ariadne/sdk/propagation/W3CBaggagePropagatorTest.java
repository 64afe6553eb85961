package dev.ariadne.sdk.propagation;

import static dev.ariadne.sdk.propagation.TestContexts.carrier;
import static dev.ariadne.sdk.propagation.TestContexts.extract;
import static dev.ariadne.sdk.propagation.TestContexts.inject;
import static dev.ariadne.sdk.propagation.TestContexts.withBaggage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.baggage.BaggageEntry;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class W3CBaggagePropagatorTest {
  final TextMapPropagator propagator = Propagators.w3cBaggage();

  @Test
  void namesItsField() {
    assertThat(propagator.fields()).containsExactly("baggage");
  }

  @Test
  void injectsEntriesInOrder() {
    Baggage baggage = Baggage.builder().put("userId", "alice").put("serverNode", "DF28").build();

    assertThat(inject(propagator, withBaggage(baggage)))
        .containsExactly(Map.entry("baggage", "userId=alice,serverNode=DF28"));
  }

  @Test
  void percentEncodesValues() {
    Baggage baggage = Baggage.builder().put("k", "a b,c;d=e%\"\\é").build();

    assertThat(inject(propagator, withBaggage(baggage)))
        .containsEntry("baggage", "k=a%20b%2Cc%3Bd%3De%25%22%5C%C3%A9");
  }

  @Test
  void injectsMetadataAsProperties() {
    Baggage baggage =
        Baggage.builder().put("a", "1", "p1;p2=x").put("b", "2", "  flag  ").put("c", "3").build();

    assertThat(inject(propagator, withBaggage(baggage)))
        .containsEntry("baggage", "a=1;p1;p2=x,b=2;flag,c=3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a=b", "a,b", "a;b", "(a)", "a/b", "ключ", "a\"b", "a@b"})
  void skipsEntriesWhoseKeyIsNotAToken(String key) {
    Baggage baggage = Baggage.builder().put("before", "1").put(key, "x").put("after", "2").build();

    assertThat(inject(propagator, withBaggage(baggage)))
        .containsEntry("baggage", "before=1,after=2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a,b", "p=\"q\"", "p=\\", ";", "p;;q", "p;", "=v", "p=v w", "é"})
  void skipsEntriesWhoseMetadataIsNotAPropertyList(String metadata) {
    Baggage baggage =
        Baggage.builder().put("before", "1").put("k", "x", metadata).put("after", "2").build();

    assertThat(inject(propagator, withBaggage(baggage)))
        .containsEntry("baggage", "before=1,after=2");
  }

  @Test
  void injectsNothingForEmptyBaggageOrOnlyInvalidEntries() {
    Baggage onlyInvalid = Baggage.builder().put("a b", "v").build();

    assertThat(inject(propagator, Context.root())).isEmpty();
    assertThat(inject(propagator, withBaggage(onlyInvalid))).isEmpty();
  }

  @Test
  void stopsInjectingAtOneHundredEightyMembers() {
    Baggage.Builder builder = Baggage.builder();
    for (int i = 0; i < 200; i++) builder.put("k" + i, "v");

    String header = inject(propagator, withBaggage(builder.build())).get("baggage");

    assertThat(header.split(",")).hasSize(180);
    assertThat(header).endsWith(",k179=v");
  }

  @Test
  void passesOnEveryMemberOfAnExtractedHeaderUpToEightKilobytes() {
    StringJoiner received = new StringJoiner(",");
    for (int i = 0; i < 60; i++) received.add("k" + i + "=" + "v".repeat(120));

    Context extracted = extract(propagator, carrier("baggage", received.toString()));

    assertThat(received.length()).isGreaterThan(7000);
    assertThat(inject(propagator, extracted))
        .containsExactly(Map.entry("baggage", received.toString()));
  }

  @Test
  void stopsInjectingBeforeTheMemberThatWouldPassEightKilobytes() {
    Baggage baggage =
        Baggage.builder()
            .put("a", "x".repeat(8000))
            .put("b", "x".repeat(200))
            .put("c", "fits but comes after the one that did not")
            .build();

    assertThat(inject(propagator, withBaggage(baggage)))
        .containsExactly(Map.entry("baggage", "a=" + "x".repeat(8000)));
  }

  @Test
  void injectsAHeaderOfExactlyEightKilobytes() {
    // "a=" + 4000 + "," + "b=" + 4187 = 8192 characters
    Baggage baggage =
        Baggage.builder().put("a", "x".repeat(4000)).put("b", "y".repeat(4187)).build();

    assertThat(inject(propagator, withBaggage(baggage)).get("baggage")).hasSize(8192);
  }

  @Test
  void countsTheEncodedLengthAgainstTheLimit() {
    // 2800 spaces encode to 8400 characters.
    Baggage baggage = Baggage.builder().put("a", " ".repeat(2800)).build();

    assertThat(inject(propagator, withBaggage(baggage))).isEmpty();
  }

  @Test
  void extractsEntries() {
    Baggage extracted = extractBaggage("userId=alice,serverNode=DF28,isProduction=false");

    assertThat(extracted.asMap())
        .containsExactly(
            Map.entry("userId", BaggageEntry.create("alice", "")),
            Map.entry("serverNode", BaggageEntry.create("DF28", "")),
            Map.entry("isProduction", BaggageEntry.create("false", "")));
  }

  @Test
  void percentDecodesValues() {
    assertThat(extractBaggage("k=a%20b%2Cc%3B%E2%82%AC").getEntryValue("k")).isEqualTo("a b,c;€");
  }

  @Test
  void keepsPlusSignsInValues() {
    assertThat(extractBaggage("k=1+1").getEntryValue("k")).isEqualTo("1+1");
  }

  @Test
  void takesKeysLiterallyWithoutPercentDecoding() {
    assertThat(extractBaggage("a%20b=1").asMap()).containsOnlyKeys("a%20b");
  }

  @Test
  void acceptsEqualsSignsAndEmptinessInValues() {
    Baggage extracted = extractBaggage("a=x=y==,b=");

    assertThat(extracted.getEntryValue("a")).isEqualTo("x=y==");
    assertThat(extracted.getEntryValue("b")).isEmpty();
  }

  @Test
  void skipsWhiteSpaceAroundMembersKeysValuesAndProperties() {
    Baggage extracted = extractBaggage(" a = 1 ;\tp = x ; q ,\tb\t=\t2\t, ,");

    assertThat(extracted.asMap())
        .containsExactly(
            Map.entry("a", BaggageEntry.create("1", "p = x ; q")),
            Map.entry("b", BaggageEntry.create("2", "")));
  }

  @Test
  void keepsPropertiesAsMetadata() {
    Baggage extracted = extractBaggage("a=1;p1;p2=x%20y,b=2;flag,c=3;");

    assertThat(extracted.getEntry("a")).isEqualTo(BaggageEntry.create("1", "p1;p2=x%20y"));
    assertThat(extracted.getEntry("b")).isEqualTo(BaggageEntry.create("2", "flag"));
    assertThat(extracted.getEntry("c")).isEqualTo(BaggageEntry.create("3", ""));
  }

  static Stream<Arguments> invalidMembers() {
    return Stream.of(
        Arguments.of("no equals", "k"),
        Arguments.of("empty key", "=v"),
        Arguments.of("space in key", "k e=v"),
        Arguments.of("separator in key", "k(=v"),
        Arguments.of("non-ASCII key", "ключ=v"),
        Arguments.of("space in value", "k=v v"),
        Arguments.of("quote in value", "k=\"v\""),
        Arguments.of("backslash in value", "k=v\\"),
        Arguments.of("non-ASCII value", "k=é"),
        Arguments.of("control in value", "k=v\u0001"),
        Arguments.of("non-hex escape", "k=%zz"),
        Arguments.of("incomplete escape", "k=%4"),
        Arguments.of("empty property", "k=v;;p"),
        Arguments.of("property without key", "k=v;=x"),
        Arguments.of("property with quote", "k=v;p=\"x\""),
        Arguments.of("property with space in value", "k=v;p=x y"),
        Arguments.of("trailing empty property", "k=v;p;"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidMembers")
  void skipsAnInvalidMemberAndKeepsTheOthers(String why, String member) {
    assertThat(extractBaggage("before=1," + member + ",after=2").asMap())
        .containsOnlyKeys("before", "after");
  }

  @Test
  void readsBaggageHeadersJoinedByTheGetter() {
    Map<String, List<String>> headers = Map.of("Baggage", List.of("a=1,b=2", "c=3"));

    Baggage extracted =
        Baggage.fromContext(
            propagator.extract(Context.root(), headers, Carriers.httpHeadersGetter()));

    assertThat(extracted.asMap()).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void extractsAHeaderOfExactlyEightKilobytes() {
    String header = "k=" + "v".repeat(8190);

    assertThat(extractBaggage(header).getEntryValue("k")).hasSize(8190);
  }

  @Test
  void ignoresAHeaderOverEightKilobytes() {
    Context context = Context.root();
    String header = "a=1,k=" + "v".repeat(8187);

    assertThat(propagator.extract(context, carrier("baggage", header), Carriers.mapGetter()))
        .isSameAs(context);
  }

  @Test
  void keepsTheFirstOneHundredEightyMembers() {
    StringJoiner header = new StringJoiner(",");
    header.add("bad key=0");
    for (int i = 0; i < 200; i++) header.add("k" + i + "=" + i);

    Baggage extracted = extractBaggage(header.toString());

    assertThat(extracted.size()).isEqualTo(180);
    assertThat(extracted.getEntryValue("k179")).isEqualTo("179");
    assertThat(extracted.getEntryValue("k180")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",", " , ", "bad key=1", "k=%", "no-equals"})
  void returnsTheContextUnchangedWithoutAValidMember(String header) {
    Context context = Context.root();

    assertThat(propagator.extract(context, carrier("baggage", header), Carriers.mapGetter()))
        .isSameAs(context);
  }

  @Test
  void addsExtractedEntriesToTheBaggageOfTheContext() {
    Context context = withBaggage(Baggage.builder().put("x", "old").put("y", "kept").build());

    Context extracted =
        propagator.extract(context, carrier("baggage", "x=new,z=added"), Carriers.mapGetter());

    assertThat(Baggage.fromContext(extracted).asMap())
        .containsOnly(
            Map.entry("x", BaggageEntry.create("new", "")),
            Map.entry("y", BaggageEntry.create("kept", "")),
            Map.entry("z", BaggageEntry.create("added", "")));
  }

  @Test
  void letsALaterDuplicateKeyWin() {
    assertThat(extractBaggage("k=1,k=2").getEntryValue("k")).isEqualTo("2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " leading and trailing ",
        "a,b;c=d",
        "100%",
        "%41",
        "+plus+",
        "emoji 😀 and ключ",
        "\u0000\t\r\n",
        "quote\" backslash\\",
        "=equals="
      })
  void roundTripsAnyValue(String value) {
    Baggage baggage = Baggage.builder().put("k", value, "p=1").build();

    assertThat(Baggage.fromContext(extract(propagator, inject(propagator, withBaggage(baggage)))))
        .isEqualTo(baggage);
  }

  private Baggage extractBaggage(String header) {
    return Baggage.fromContext(extract(propagator, carrier("baggage", header)));
  }
}
