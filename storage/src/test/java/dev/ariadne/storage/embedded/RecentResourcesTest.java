package dev.ariadne.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentResourcesTest {
  private final RecentResources recent = new RecentResources();

  @Test
  void findsTheNumberOfTheVeryObjectPut() {
    Resource cart = resource("cart");
    recent.put(cart, 7);

    assertThat(recent.get(cart)).isEqualTo(7);
  }

  @Test
  void doesNotFindAnEqualObjectNorOneNeverPut() {
    recent.put(resource("cart"), 7);

    assertThat(recent.get(resource("cart"))).isEqualTo(-1);
    assertThat(recent.get(resource("checkout"))).isEqualTo(-1);
  }

  @Test
  void neverGivesOneResourceTheNumberOfAnotherWhenTheyPushEachOtherOut() {
    List<Resource> resources = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Resource resource = resource("service-" + i);
      resources.add(resource);
      recent.put(resource, i);
    }

    int found = 0;
    for (int i = 0; i < resources.size(); i++) {
      int number = recent.get(resources.get(i));
      assertThat(number).isIn(-1, i);
      found += number == i ? 1 : 0;
    }
    assertThat(found).isBetween(1, 16);
  }

  private static Resource resource(String service) {
    return new Resource(service, List.of(Attribute.of("service.name", service)), 0);
  }
}
