package dev.ariadne.api.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CarriersTest {

  @Test
  void mapGetterReadsFieldsByExactName() {
    Map<String, String> carrier = Map.of("traceparent", "value");

    assertThat(Carriers.mapGetter().get(carrier, "traceparent")).isEqualTo("value");
    assertThat(Carriers.mapGetter().get(carrier, "absent")).isNull();
    assertThat(Carriers.mapGetter().keys(carrier)).containsExactly("traceparent");
  }

  @Test
  void mapSetterWritesAndReplacesFields() {
    Map<String, String> carrier = new HashMap<>();

    Carriers.mapSetter().set(carrier, "k", "first");
    Carriers.mapSetter().set(carrier, "k", "second");

    assertThat(carrier).containsExactly(entry("k", "second"));
  }

  @Test
  void mapCarrierToleratesANullCarrier() {
    Carriers.mapSetter().set(null, "k", "v");

    assertThat(Carriers.mapGetter().get(null, "k")).isNull();
    assertThat(Carriers.mapGetter().keys(null)).isEmpty();
  }

  @Test
  void httpHeadersGetterMatchesNamesCaseInsensitively() {
    Map<String, List<String>> carrier = Map.of("TraceParent", List.of("value"));

    assertThat(Carriers.httpHeadersGetter().get(carrier, "traceparent")).isEqualTo("value");
    assertThat(Carriers.httpHeadersGetter().get(carrier, "TRACEPARENT")).isEqualTo("value");
    assertThat(Carriers.httpHeadersGetter().get(carrier, "TraceParent")).isEqualTo("value");
    assertThat(Carriers.httpHeadersGetter().keys(carrier)).containsExactly("TraceParent");
  }

  @Test
  void httpHeadersGetterJoinsRepeatedValuesWithCommas() {
    Map<String, List<String>> carrier = Map.of("baggage", List.of("a=1", "b=2", "c=3"));

    assertThat(Carriers.httpHeadersGetter().get(carrier, "Baggage")).isEqualTo("a=1,b=2,c=3");
  }

  @Test
  void httpHeadersGetterReturnsNullForAbsentOrEmptyHeaders() {
    Map<String, List<String>> carrier = Map.of("empty", List.of());

    assertThat(Carriers.httpHeadersGetter().get(carrier, "empty")).isNull();
    assertThat(Carriers.httpHeadersGetter().get(carrier, "absent")).isNull();
    assertThat(Carriers.httpHeadersGetter().get(carrier, null)).isNull();
    assertThat(Carriers.httpHeadersGetter().get(null, "absent")).isNull();
    assertThat(Carriers.httpHeadersGetter().keys(null)).isEmpty();
  }

  @Test
  void httpHeadersSetterReplacesEveryCaseVariantOfTheName() {
    Map<String, List<String>> carrier = new LinkedHashMap<>();
    carrier.put("TRACEPARENT", List.of("old"));
    carrier.put("TraceParent", List.of("older", "oldest"));
    carrier.put("other", List.of("kept"));

    Carriers.httpHeadersSetter().set(carrier, "traceparent", "new");

    assertThat(carrier)
        .containsOnly(entry("traceparent", List.of("new")), entry("other", List.of("kept")));
    assertThat(Carriers.httpHeadersGetter().get(carrier, "TraceParent")).isEqualTo("new");
  }

  @Test
  void httpHeadersSetterToleratesANullCarrier() {
    Carriers.httpHeadersSetter().set(null, "k", "v");

    assertThat(Carriers.httpHeadersGetter().get(null, "k")).isNull();
  }
}
