package dev.ariadne.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.collector.Validator.Checked;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorTest {
  static final TraceId TRACE_ID = new TraceId(1, 2);
  /** A service whose name is within the name limit of {@link #validator}. */
  static final Resource SHORT_NAMED = new Resource("svc", List.of(), 0);
  final Validator validator = new Validator(2, 4, 4, 1000, 1000);

  static Span.Builder span(long spanId) {
    return Span.builder().traceId(TRACE_ID).spanId(spanId).startEpochNanos(10).endEpochNanos(20)
        .resource(SHORT_NAMED);
  }

  Checked check(Span... spans) {
    return validator.check(new DecodeResult(List.of(spans), 0, ""));
  }

  @Test
  void keepsASpanWithinTheLimitsAsItIs() {
    Span span = span(1).attributes(List.of(Attribute.of("k", "abcd"), Attribute.of("n", 5L)))
        .build();

    Checked checked = check(span);

    assertThat(checked.spans()).singleElement().isSameAs(span);
    assertThat(checked).extracting(Checked::rejected, Checked::message,
        Checked::droppedAttributes, Checked::truncatedValues, Checked::truncatedNames,
        Checked::truncatedTraceStates)
        .containsExactly(0, "", 0, 0, 0, 0);
  }

  @Test
  void acceptsAZeroLengthSpan() {
    assertThat(check(span(1).endEpochNanos(10).build()).spans()).hasSize(1);
  }

  @Test
  void rejectsASpanThatEndsBeforeItStarts() {
    Checked checked = check(span(1).build(), span(0xab).endEpochNanos(9).build());

    assertThat(checked.spans()).extracting(Span::spanId).containsExactly(1L);
    assertThat(checked.rejected()).isEqualTo(1);
    assertThat(checked.message()).isEqualTo(
        "span 00000000000000010000000000000002/00000000000000ab:"
            + " endTimeUnixNano 9 is before startTimeUnixNano 10");
  }

  @Test
  void rejectsASpanWithATimePastTheYear2262WhichNoAnswerCouldPrint() {
    long past2262 = Long.MIN_VALUE + 5; // 2^63 + 5 as OTLP's unsigned fixed64
    Checked checked = check(span(1).build(),
        span(2).startEpochNanos(past2262).endEpochNanos(past2262).build(),
        span(3).endEpochNanos(-2).build(),
        span(4).events(List.of(new Event(-1, "late", List.of(), 0))).build());

    assertThat(checked.spans()).extracting(Span::spanId).containsExactly(1L);
    assertThat(checked.rejected()).isEqualTo(3);
    assertThat(checked.message()).isEqualTo(
        "span 00000000000000010000000000000002/0000000000000002: startTimeUnixNano "
            + "9223372036854775813 is past the year 2262 (expected: nanoseconds since 1970 below"
            + " 2^63); span 00000000000000010000000000000002/0000000000000003: endTimeUnixNano "
            + "18446744073709551614 is past the year 2262 (expected: nanoseconds since 1970 below"
            + " 2^63); span 00000000000000010000000000000002/0000000000000004: event 0's "
            + "timeUnixNano 18446744073709551615 is past the year 2262 (expected: nanoseconds"
            + " since 1970 below 2^63)");
  }

  @Test
  void addsItsRejectionsToTheDecoders() {
    Checked checked = validator.check(new DecodeResult(
        List.of(span(1).endEpochNanos(0).build()), 2, "spans[0].traceId: missing"));

    assertThat(checked.rejected()).isEqualTo(3);
    assertThat(checked.message()).startsWith("spans[0].traceId: missing; span ");
  }

  @Test
  void quotesTheFirstFiveRejectionsAndCountsTheRest() {
    Span[] spans = new Span[7];
    for (int i = 0; i < spans.length; i++) {
      spans[i] = span(i + 1).endEpochNanos(0).build();
    }

    Checked checked = check(spans);

    assertThat(checked.rejected()).isEqualTo(7);
    assertThat(checked.message().split("; ")).hasSize(5);
    assertThat(checked.message()).endsWith(" (and 2 more)");
  }

  @Test
  void dropsAttributesPastTheLimitAndCountsThem() {
    Span span = span(1)
        .attributes(List.of(Attribute.of("a", 1L), Attribute.of("b", 2L), Attribute.of("c", 3L)))
        .droppedAttributesCount(5)
        .build();

    Checked checked = check(span);

    Span limited = checked.spans().get(0);
    assertThat(limited.attributes()).extracting(Attribute::key).containsExactly("a", "b");
    assertThat(limited.droppedAttributesCount()).isEqualTo(6);
    assertThat(checked.droppedAttributes()).isEqualTo(1);
  }

  @Test
  void cutsLongNamesAndValuesAtAnyDepthAndCountsThem() {
    Span span = span(1).attributes(List.of(
        Attribute.of("longkey", "v"),
        new Attribute("nested", new Value.Array(List.of(
            Value.of("abcdef"),
            new Value.KvList(List.of(new Attribute("k", new Value.Bytes(new byte[9])))))))))
        .build();

    Checked checked = check(span);

    assertThat(checked.spans().get(0).attributes()).containsExactly(
        Attribute.of("long", "v"),
        new Attribute("nest", new Value.Array(List.of(
            Value.of("abcd"),
            new Value.KvList(List.of(new Attribute("k", new Value.Bytes(new byte[4]))))))));
    assertThat(checked.truncatedValues()).isEqualTo(2);
    assertThat(checked.truncatedNames()).as("the keys").isEqualTo(2);
    assertThat(checked.droppedAttributes()).isZero();
  }

  @Test
  void neverCutsASurrogatePairInHalf() {
    Span span = span(1).attributes(List.of(Attribute.of("k", "abc\uD83D\uDE00"))).build();

    assertThat(check(span).spans().get(0).attributes())
        .containsExactly(Attribute.of("k", "abc"));
  }

  @Test
  void cutsTheServiceNameAsItsAttributeIsCut() {
    Validator validator = new Validator(2, 100, "service.name".length(), 1000, 1000);
    String name = "checkout-service-0001";
    Resource resource = new Resource(name, List.of(Attribute.of("service.name", name)), 0);

    Checked checked = validator.check(
        new DecodeResult(List.of(span(1).resource(resource).build()), 0, ""));

    Resource limited = checked.spans().get(0).resource();
    assertThat(limited.serviceName()).isEqualTo("checkout-ser");
    assertThat(limited.attributes()).containsExactly(Attribute.of("service.name", "checkout-ser"));
    assertThat(checked.truncatedNames()).as("one name, counted once").isEqualTo(1);
    assertThat(checked.truncatedValues()).isZero();
  }

  @Test
  void cutsAServiceNameThatIsNoAttributeAsAName() {
    Span span = span(1).resource(new Resource("checkout", List.of(), 0)).build();

    Checked checked = check(span);

    assertThat(checked.spans().get(0).resource().serviceName()).isEqualTo("chec");
    assertThat(checked.truncatedNames()).isEqualTo(1);
  }

  @Test
  void keepsAServiceNameWithinTheNameLimitAsItIs() {
    Span span = span(1).resource(new Resource("cart", List.of(), 0)).build();

    assertThat(check(span).spans()).singleElement().isSameAs(span);
  }

  /**
   * Storage lists names and analytics keys series by them: a span named after its request (a SQL
   * statement, a URL) must not make each copy of the name the size of a request.
   */
  @Test
  void cutsNamesToTheNameLimitAndValuesAndStatusMessagesToTheValueLimit() {
    Validator validator = new Validator(10, 8, 4, 1000, 1000);
    Span span = span(1)
        .name("checkout")
        .scope(new Scope("io.opentelemetry", "1.67.0", List.of()))
        .attributes(List.of(Attribute.of("http.method", "GET /cart/items"),
            Attribute.of("id", "abcdefg")))
        .events(List.of(new Event(15, "cache.miss", List.of(), 0)))
        .status(StatusCode.ERROR, "card declined")
        .build();

    Checked checked = validator.check(new DecodeResult(List.of(span), 0, ""));

    Span limited = checked.spans().get(0);
    assertThat(limited.name()).isEqualTo("chec");
    assertThat(limited.scope()).isEqualTo(new Scope("io.o", "1.67", List.of()));
    assertThat(limited.events()).extracting(Event::name).containsExactly("cach");
    assertThat(limited.attributes()).containsExactly(
        Attribute.of("http", "GET /car"), Attribute.of("id", "abcdefg"));
    assertThat(limited.statusMessage()).isEqualTo("card dec");
    assertThat(checked.truncatedNames()).isEqualTo(5);
    assertThat(checked.truncatedValues()).isEqualTo(2);
  }

  @Test
  void cutsTheTraceStatesOfSpansAndLinksToW3CLimitsAndCountsThem() {
    String fits = TraceStateLimitTest.members(32);
    String tooMany = TraceStateLimitTest.members(33);
    Span within = span(1).traceState(fits)
        .links(List.of(new Link(TRACE_ID, 9, fits, List.of(), 0, false))).build();
    Span past = span(2).traceState(tooMany)
        .links(List.of(new Link(TRACE_ID, 9, "vendor=" + "x".repeat(600), List.of(), 0, false)))
        .build();

    Checked checked = check(within, past);

    assertThat(checked.spans().get(0)).isSameAs(within);
    Span limited = checked.spans().get(1);
    assertThat(limited.traceState()).isEqualTo(fits);
    assertThat(limited.links()).extracting(Link::traceState).containsExactly("");
    assertThat(checked.truncatedTraceStates()).isEqualTo(2);
  }

  @Test
  void limitsEventLinkAndResourceAttributes() {
    List<Attribute> three =
        List.of(Attribute.of("a", 1L), Attribute.of("b", 2L), Attribute.of("c", 3L));
    Resource resource = new Resource("svc", three, 0);
    Span span = span(1)
        .resource(resource)
        .events(List.of(new Event(15, "e", three, 1)))
        .links(List.of(new Link(TRACE_ID, 9, "", three, 0, true)))
        .build();

    Checked checked = check(span, span(2).resource(resource).build());

    Span first = checked.spans().get(0);
    assertThat(first.resource().attributes()).hasSize(2);
    assertThat(first.resource().droppedAttributesCount()).isEqualTo(1);
    assertThat(first.events().get(0).attributes()).hasSize(2);
    assertThat(first.events().get(0).droppedAttributesCount()).isEqualTo(2);
    assertThat(first.links().get(0).attributes()).hasSize(2);
    assertThat(first.links().get(0).droppedAttributesCount()).isEqualTo(1);
    assertThat(first.links().get(0).followsFrom()).isTrue();
    assertThat(checked.spans().get(1).resource()).as("a shared resource is limited once")
        .isSameAs(first.resource());
    assertThat(checked.droppedAttributes()).isEqualTo(3);
  }
}
