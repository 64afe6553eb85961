package dev.ariadne.sdk.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.internal.Hex;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import io.opentelemetry.api.baggage.BaggageEntryMetadata;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ariadne's propagators and OpenTelemetry Java's understand each other in both directions: for
 * edge-case and random contexts, what one injects the other extracts identically.
 */
class OpenTelemetryInteropTest {
  private static final int RANDOM_CASES = 500;

  private static final TextMapGetter<Map<String, String>> OTEL_GETTER =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // OpenTelemetry's Jaeger propagator still reads keys
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };
  private static final TextMapSetter<Map<String, String>> OTEL_SETTER = Map::put;

  /** Each format as a pair of the two implementations, and what the format carries. */
  enum Format {
    TRACECONTEXT(
        Propagators.w3cTraceContext(), W3CTraceContextPropagator.getInstance(), true, true, false),
    BAGGAGE(Propagators.w3cBaggage(), W3CBaggagePropagator.getInstance(), false, false, true),
    TRACECONTEXT_AND_BAGGAGE(
        Propagators.fromNames(List.of("tracecontext", "baggage")),
        io.opentelemetry.context.propagation.TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()),
        true,
        true,
        true),
    B3_SINGLE(Propagators.b3Single(), B3Propagator.injectingSingleHeader(), true, false, false),
    B3_MULTI(Propagators.b3Multi(), B3Propagator.injectingMultiHeaders(), true, false, false),
    B3_SINGLE_WITH_OTEL_MULTI(
        Propagators.b3Single(), B3Propagator.injectingMultiHeaders(), true, false, false),
    B3_MULTI_WITH_OTEL_SINGLE(
        Propagators.b3Multi(), B3Propagator.injectingSingleHeader(), true, false, false),
    JAEGER(Propagators.jaeger(), otelJaeger(), true, false, true);

    final TextMapPropagator ariadne;
    final io.opentelemetry.context.propagation.TextMapPropagator otel;
    final boolean span;
    final boolean traceState;
    final boolean baggage;

    Format(
        TextMapPropagator ariadne,
        io.opentelemetry.context.propagation.TextMapPropagator otel,
        boolean span,
        boolean traceState,
        boolean baggage) {
      this.ariadne = ariadne;
      this.otel = otel;
      this.span = span;
      this.traceState = traceState;
      this.baggage = baggage;
    }

    /** Jaeger baggage has no metadata and its values are not decoded by OpenTelemetry. */
    boolean plainBaggage() {
      return this == JAEGER;
    }
  }

  @SuppressWarnings("deprecation") // OpenTelemetry deprecated its Jaeger propagator, not the format
  private static io.opentelemetry.context.propagation.TextMapPropagator otelJaeger() {
    return io.opentelemetry.extension.trace.propagation.JaegerPropagator.getInstance();
  }

  /** What crosses the wire, as neutral values both sides can be compared on. */
  record Propagated(
      String traceId,
      String spanId,
      boolean sampled,
      List<String> traceState,
      Map<String, Entry> baggage) {

    /** The part of this that {@code format} carries. */
    Propagated carriedBy(Format format) {
      return new Propagated(
          format.span ? traceId : "",
          format.span ? spanId : "",
          format.span && sampled,
          format.traceState ? traceState : List.of(),
          format.baggage ? baggage : Map.of());
    }
  }

  record Entry(String value, String metadata) {}

  @ParameterizedTest
  @EnumSource(Format.class)
  void openTelemetryExtractsWhatAriadneInjects(Format format) {
    for (Propagated original : cases(format)) {
      Map<String, String> carrier = new LinkedHashMap<>();
      format.ariadne.inject(toAriadne(original), carrier, Carriers.mapSetter());

      io.opentelemetry.context.Context extracted =
          format.otel.extract(io.opentelemetry.context.Context.root(), carrier, OTEL_GETTER);

      assertThat(fromOtel(extracted))
          .as("%s carried in %s", original, carrier)
          .isEqualTo(original.carriedBy(format));
    }
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void ariadneExtractsWhatOpenTelemetryInjects(Format format) {
    for (Propagated original : cases(format)) {
      Map<String, String> carrier = new LinkedHashMap<>();
      format.otel.inject(toOtel(original), carrier, OTEL_SETTER);

      Context extracted = format.ariadne.extract(Context.root(), carrier, Carriers.mapGetter());

      assertThat(fromAriadne(extracted))
          .as("%s carried in %s", original, carrier)
          .isEqualTo(original.carriedBy(format));
      if (format.span) assertThat(Span.fromContext(extracted).getSpanContext().isRemote()).isTrue();
    }
  }

  /** Baggage is left out: OpenTelemetry writes baggage members sorted by key, we keep order. */
  @ParameterizedTest
  @EnumSource(names = {"TRACECONTEXT", "B3_SINGLE", "B3_MULTI", "JAEGER"})
  void writesTheSameHeadersAsOpenTelemetry(Format format) {
    for (Propagated original : cases(format)) {
      Map<String, String> ours = new LinkedHashMap<>();
      Map<String, String> theirs = new LinkedHashMap<>();
      format.ariadne.inject(toAriadne(original), ours, Carriers.mapSetter());
      format.otel.inject(toOtel(original), theirs, OTEL_SETTER);

      assertThat(ours).as("%s", original).isEqualTo(theirs);
    }
  }

  @Test
  void keepsTheFlagsByteOpenTelemetryInjects() {
    io.opentelemetry.api.trace.SpanContext spanContext =
        io.opentelemetry.api.trace.SpanContext.create(
            TestContexts.TRACE_ID,
            TestContexts.SPAN_ID,
            TraceFlags.fromByte((byte) 0x03),
            io.opentelemetry.api.trace.TraceState.getDefault());
    Map<String, String> carrier = new LinkedHashMap<>();
    W3CTraceContextPropagator.getInstance()
        .inject(
            io.opentelemetry.context.Context.root()
                .with(io.opentelemetry.api.trace.Span.wrap(spanContext)),
            carrier,
            OTEL_SETTER);

    Context extracted = TestContexts.extract(Propagators.w3cTraceContext(), carrier);

    assertThat(Span.fromContext(extracted).getSpanContext().getTraceFlags()).isEqualTo((byte) 3);
  }

  // --- cases -------------------------------------------------------------------------------

  private static List<Propagated> cases(Format format) {
    List<Propagated> cases = new ArrayList<>(edgeCases(format));
    Random random = new Random(format.ordinal() * 7919L + 1);
    for (int i = 0; i < RANDOM_CASES; i++) cases.add(randomCase(random, format));
    return cases;
  }

  private static List<Propagated> edgeCases(Format format) {
    long[][] ids = {
      {0, 1, 1},
      {0, -1, -1},
      {-1, -1, Long.MIN_VALUE},
      {1, 0, Long.MAX_VALUE},
      {Long.MIN_VALUE, 0, 1},
      {0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0x00f067aa0ba902b7L}
    };
    List<List<String>> traceStates = new ArrayList<>();
    traceStates.add(List.of());
    traceStates.add(List.of("k" + "a".repeat(255) + "=" + "v".repeat(256)));
    traceStates.add(
        List.of("t".repeat(241) + "@" + "v".repeat(14) + "=x", "0t@v=leading digit tenant"));
    traceStates.add(List.of("a=" + printableTraceStateValue(), "b_-*/9= spaces inside"));
    List<String> full = new ArrayList<>();
    for (int i = 0; i < 32; i++) full.add("k" + i + "=v" + i);
    traceStates.add(full);

    List<Map<String, Entry>> baggages = new ArrayList<>();
    baggages.add(Map.of());
    if (format.plainBaggage()) {
      baggages.add(Map.of("user-id", new Entry("alice", ""), "empty", new Entry("", "")));
      baggages.add(Map.of("k", new Entry("AZaz09-._~", "")));
    } else {
      Map<String, Entry> special = new LinkedHashMap<>();
      special.put("ascii", new Entry(allAscii(), ""));
      special.put("unicode", new Entry("é€ключ😀\u0000", "p"));
      special.put("empty", new Entry("", "p=v;q"));
      special.put("!#$%&'*+-.^_`|~", new Entry("token key", "p = v ; q"));
      special.put("spaces", new Entry("  both ends  ", "p=%20;q=x"));
      baggages.add(special);
    }

    List<Propagated> cases = new ArrayList<>();
    int n = 0;
    for (long[] id : ids) {
      for (List<String> traceState : traceStates) {
        Map<String, Entry> baggage = baggages.get(n++ % baggages.size());
        cases.add(
            new Propagated(
                Hex.toHex(id[0], id[1]), Hex.toHex(id[2]), n % 2 == 0, traceState, baggage));
      }
    }
    return cases;
  }

  private static Propagated randomCase(Random random, Format format) {
    long high = random.nextInt(4) == 0 ? 0 : random.nextLong();
    long low = random.nextLong();
    long span = random.nextLong();
    if (high == 0 && low == 0) low = 1;
    if (span == 0) span = 1;

    List<String> traceState = new ArrayList<>();
    int members = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(32);
    List<String> keys = new ArrayList<>();
    while (keys.size() < members) {
      String key = randomTraceStateKey(random);
      if (!keys.contains(key)) keys.add(key);
    }
    for (String key : keys) traceState.add(key + "=" + randomTraceStateValue(random));

    Map<String, Entry> baggage = new LinkedHashMap<>();
    int entries = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(10);
    for (int i = 0; i < entries; i++) {
      if (format.plainBaggage()) {
        baggage.put(
            randomString(random, 1, 10, "abcdefghijklmnopqrstuvwxyz0123456789-_."),
            new Entry(randomString(random, 0, 20, UNRESERVED), ""));
      } else {
        baggage.put(
            randomString(random, 1, 10, TCHAR),
            new Entry(randomUnicode(random), randomProperties(random)));
      }
    }
    return new Propagated(
        Hex.toHex(high, low), Hex.toHex(span), random.nextBoolean(), traceState, baggage);
  }

  private static final String LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String KEY_CHARS = LOWER_DIGITS + "_-*/";
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String UNRESERVED = ALPHANUMERIC + "-._~";
  private static final String TCHAR = ALPHANUMERIC + "!#$%&'*+-.^_`|~";
  private static final String BAGGAGE_OCTETS = ALPHANUMERIC + "!#$%&'()*+-./:<=>?@[]^_`{|}~";

  private static String randomTraceStateKey(Random random) {
    String first = randomString(random, 1, 1, "abcdefghijklmnopqrstuvwxyz");
    if (random.nextInt(3) > 0) return first + randomString(random, 0, 20, KEY_CHARS);
    String tenant =
        randomString(random, 1, 1, LOWER_DIGITS) + randomString(random, 0, 20, KEY_CHARS);
    return tenant + "@" + first + randomString(random, 0, 13, KEY_CHARS);
  }

  private static String randomTraceStateValue(Random random) {
    StringBuilder value = new StringBuilder();
    int length = 1 + random.nextInt(40);
    for (int i = 0; i < length; i++) {
      char c = (char) (0x20 + random.nextInt(0x5f));
      value.append(c == ',' || c == '=' ? '_' : c);
    }
    if (value.charAt(length - 1) == ' ') value.setCharAt(length - 1, '.');
    return value.toString();
  }

  private static String randomUnicode(Random random) {
    StringBuilder value = new StringBuilder();
    int length = random.nextInt(16);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(4)) {
        case 0:
          value.append((char) (0x20 + random.nextInt(0x5f)));
          break;
        case 1:
          value.append((char) random.nextInt(0x20));
          break;
        case 2:
          value.append((char) (0xa0 + random.nextInt(0xd000)));
          break;
        default:
          value.appendCodePoint(0x10000 + random.nextInt(0x10000));
      }
    }
    return value.toString();
  }

  private static String randomProperties(Random random) {
    List<String> properties = new ArrayList<>();
    int count = random.nextInt(3);
    for (int i = 0; i < count; i++) {
      String key = randomString(random, 1, 8, TCHAR);
      properties.add(
          random.nextBoolean() ? key : key + "=" + randomString(random, 0, 8, BAGGAGE_OCTETS));
    }
    return String.join(random.nextBoolean() ? ";" : " ; ", properties);
  }

  private static String randomString(Random random, int min, int max, String alphabet) {
    int length = min + random.nextInt(max - min + 1);
    StringBuilder result = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      result.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return result.toString();
  }

  private static String printableTraceStateValue() {
    StringBuilder value = new StringBuilder();
    for (char c = 0x20; c < 0x7f; c++) {
      if (c != ',' && c != '=') value.append(c);
    }
    return value.toString();
  }

  private static String allAscii() {
    StringBuilder value = new StringBuilder();
    for (char c = 0; c < 0x80; c++) value.append(c);
    return value.toString();
  }

  // --- conversions -------------------------------------------------------------------------

  private static Context toAriadne(Propagated p) {
    TraceState.Builder traceState = TraceState.builder();
    for (int i = p.traceState().size() - 1; i >= 0; i--) {
      String member = p.traceState().get(i);
      int equals = member.indexOf('=');
      traceState.put(member.substring(0, equals), member.substring(equals + 1));
    }
    SpanContext spanContext =
        SpanContext.fromHex(
            p.traceId(),
            p.spanId(),
            p.sampled() ? SpanContext.FLAG_SAMPLED : 0,
            traceState.build(),
            false);
    Baggage.Builder baggage = Baggage.builder();
    p.baggage().forEach((key, entry) -> baggage.put(key, entry.value(), entry.metadata()));
    return Context.root().with(Span.wrap(spanContext)).with(baggage.build());
  }

  private static Propagated fromAriadne(Context context) {
    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    List<String> traceState = new ArrayList<>();
    spanContext.getTraceState().asMap().forEach((key, value) -> traceState.add(key + "=" + value));
    Map<String, Entry> baggage = new LinkedHashMap<>();
    Baggage.fromContext(context)
        .forEach(
            (key, entry) -> baggage.put(key, new Entry(entry.getValue(), entry.getMetadata())));
    boolean valid = spanContext.isValid();
    return new Propagated(
        valid ? spanContext.getTraceId() : "",
        valid ? spanContext.getSpanId() : "",
        spanContext.isSampled(),
        traceState,
        baggage);
  }

  private static io.opentelemetry.context.Context toOtel(Propagated p) {
    io.opentelemetry.api.trace.TraceStateBuilder traceState =
        io.opentelemetry.api.trace.TraceState.builder();
    for (int i = p.traceState().size() - 1; i >= 0; i--) {
      String member = p.traceState().get(i);
      int equals = member.indexOf('=');
      traceState.put(member.substring(0, equals), member.substring(equals + 1));
    }
    io.opentelemetry.api.trace.SpanContext spanContext =
        io.opentelemetry.api.trace.SpanContext.create(
            p.traceId(),
            p.spanId(),
            p.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            traceState.build());
    io.opentelemetry.api.baggage.BaggageBuilder baggage =
        io.opentelemetry.api.baggage.Baggage.builder();
    p.baggage()
        .forEach(
            (key, entry) ->
                baggage.put(key, entry.value(), BaggageEntryMetadata.create(entry.metadata())));
    return io.opentelemetry.context.Context.root()
        .with(io.opentelemetry.api.trace.Span.wrap(spanContext))
        .with(baggage.build());
  }

  private static Propagated fromOtel(io.opentelemetry.context.Context context) {
    io.opentelemetry.api.trace.SpanContext spanContext =
        io.opentelemetry.api.trace.Span.fromContext(context).getSpanContext();
    List<String> traceState = new ArrayList<>();
    spanContext.getTraceState().forEach((key, value) -> traceState.add(key + "=" + value));
    Map<String, Entry> baggage = new LinkedHashMap<>();
    io.opentelemetry.api.baggage.Baggage.fromContext(context)
        .forEach(
            (key, entry) ->
                baggage.put(key, new Entry(entry.getValue(), entry.getMetadata().getValue())));
    boolean valid = spanContext.isValid();
    return new Propagated(
        valid ? spanContext.getTraceId() : "",
        valid ? spanContext.getSpanId() : "",
        spanContext.isSampled(),
        traceState,
        baggage);
  }
}
