package dev.ariadne.sdk.propagation;

import static dev.ariadne.sdk.propagation.TestContexts.inject;
import static dev.ariadne.sdk.propagation.TestContexts.spanContext;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.TraceState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Feeds mangled and random headers to every propagator: none may throw. */
class MalformedInputTest {
  private static final String ALPHABET =
      "0123456789abcdefABCDEF-:;,=% \t+d\u00e9\ud83d\ude00\u0000";

  static Stream<TextMapPropagator> propagators() {
    return Stream.of(
        Propagators.w3cTraceContext(),
        Propagators.w3cBaggage(),
        Propagators.b3Single(),
        Propagators.b3Multi(),
        Propagators.jaeger());
  }

  @ParameterizedTest
  @MethodSource("propagators")
  void neverThrowsOnMangledHeaders(TextMapPropagator propagator) {
    Random random = new Random(42);
    Context context =
        TestContexts.withSpan(
                0x4bf92f3577b34da6L,
                0xa3ce929d0e0e4736L,
                0x00f067aa0ba902b7L,
                (byte) 1,
                TraceState.builder().put("a", "1").put("t@v", "2").build())
            .with(Baggage.builder().put("k", "v a;l", "p=1;q").put("x", "").build());
    Map<String, String> valid = inject(propagator, context);
    valid.put("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-05e3ac9a4f6e3b90");

    for (int i = 0; i < 20_000; i++) {
      Map<String, String> carrier = new LinkedHashMap<>();
      valid.forEach((key, value) -> carrier.put(key, mangle(value, random)));
      if (random.nextInt(4) == 0) carrier.put("uberctx-" + random.nextInt(9), randomText(random));
      if (random.nextInt(4) == 0) carrier.put("tracestate", randomText(random));

      Context extracted = propagator.extract(Context.root(), carrier, Carriers.mapGetter());

      assertThat(extracted == Context.root() || spanContext(extracted).isValid()
              || !Baggage.fromContext(extracted).isEmpty())
          .as("extracted from %s", carrier)
          .isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("propagators")
  void neverThrowsOnRandomHeaders(TextMapPropagator propagator) {
    Random random = new Random(7);
    List<String> fields =
        List.of("traceparent", "tracestate", "baggage", "b3", "X-B3-TraceId", "X-B3-SpanId",
            "X-B3-Sampled", "X-B3-Flags", "uber-trace-id", "uberctx-k");

    for (int i = 0; i < 20_000; i++) {
      Map<String, String> carrier = new LinkedHashMap<>();
      for (String field : fields) {
        if (random.nextBoolean()) carrier.put(field, randomText(random));
      }

      propagator.extract(Context.root(), carrier, Carriers.mapGetter());
    }
  }

  private static String mangle(String value, Random random) {
    StringBuilder result = new StringBuilder(value);
    int edits = random.nextInt(4);
    for (int e = 0; e < edits && result.length() > 0; e++) {
      int at = random.nextInt(result.length());
      switch (random.nextInt(3)) {
        case 0:
          result.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          break;
        case 1:
          result.deleteCharAt(at);
          break;
        default:
          result.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    return result.toString();
  }

  private static String randomText(Random random) {
    int length = random.nextInt(70);
    StringBuilder result = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      result.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return result.toString();
  }
}
