package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CatalogTest {
  private static Span spanOf(String service, String key, String text) {
    return span(TRACE_ID, 1, 0, service, "work", SpanKind.INTERNAL, TODAY, MILLIS)
        .attributes(List.of(Attribute.of(key, text)))
        .build();
  }

  @Test
  void theSameTextsUnderTwoServicesAreListedForEach() {
    String key = new String("http.route");
    String text = new String("/api/orders");
    Catalog catalog = new Catalog();

    catalog.add(spanOf("cart", key, text));
    catalog.add(spanOf("checkout", key, text));
    catalog.add(spanOf("cart", key, text));

    assertThat(catalog.attributeValues().get("cart").get("http.route"))
        .containsExactly("/api/orders");
    assertThat(catalog.attributeValues().get("checkout").get("http.route"))
        .containsExactly("/api/orders");
  }

  @Test
  void textsAddedAgainAsTheSameOrEqualInstancesKeepTheFirstValuesInSortOrder() {
    Random random = new Random(3);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 3 * Storage.MAX_VALUES_PER_KEY; i++) {
      texts.add(Integer.toString(random.nextInt(10 * Storage.MAX_VALUES_PER_KEY)));
    }
    Catalog catalog = new Catalog();
    TreeSet<String> all = new TreeSet<>();

    for (int round = 0; round < 3; round++) {
      for (String text : texts) {
        // Half the time the same instance again, half an equal copy.
        String added = random.nextBoolean() ? text : new String(text);
        catalog.add(spanOf("cart", "order.id", added));
        all.add(text);
      }
    }

    assertThat(catalog.attributeValues().get("cart").get("order.id"))
        .containsExactlyInAnyOrderElementsOf(
            all.stream().limit(Storage.MAX_VALUES_PER_KEY).toList());
  }

  @Test
  void aServiceKeepsItsFirstSpanNamesAndKeysHoweverManyArrive() {
    Random random = new Random(5);
    Catalog catalog = new Catalog();
    TreeSet<String> names = new TreeSet<>();
    TreeSet<String> keys = new TreeSet<>();

    for (int i = 0; i < 20 * Storage.MAX_NAMES_PER_SERVICE; i++) {
      String id = Integer.toString(random.nextInt(Integer.MAX_VALUE));
      names.add("GET /users/" + id);
      keys.add("user." + id);
      catalog.add(span(TRACE_ID, 1, 0, "users", "GET /users/" + id, SpanKind.SERVER, TODAY, MILLIS)
          .attributes(List.of(Attribute.of("user." + id, "x"))).build());
    }

    assertThat(catalog.operations().get("users")).extracting(Operation::spanName)
        .containsExactlyInAnyOrderElementsOf(
            names.stream().limit(Storage.MAX_NAMES_PER_SERVICE).toList());
    keys.add("service.name");
    assertThat(catalog.attributeValues().get("users").keySet())
        .containsExactlyInAnyOrderElementsOf(
            keys.stream().limit(Storage.MAX_NAMES_PER_SERVICE).toList());
  }

  @Test
  void keepsTheFirstServicesHoweverManyArrive() {
    Random random = new Random(7);
    Catalog catalog = new Catalog();
    TreeSet<String> services = new TreeSet<>();

    for (int i = 0; i < 5 * Storage.MAX_SERVICES; i++) {
      String service = "pod-" + random.nextInt(Integer.MAX_VALUE);
      services.add(service);
      catalog.add(spanOf(service, "k8s.pod.uid", service));
    }

    List<String> first = services.stream().limit(Storage.MAX_SERVICES).toList();
    assertThat(catalog.operations().keySet()).containsExactlyInAnyOrderElementsOf(first);
    assertThat(catalog.attributeValues().keySet()).containsExactlyInAnyOrderElementsOf(first);
    assertThat(catalog.attributeValues().get(first.get(0)).get("k8s.pod.uid"))
        .containsExactly(first.get(0));
  }
}
