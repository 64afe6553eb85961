package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Parent links no tree can hold, from a buggy or hostile client: a span that is its own parent,
 * two spans naming each other (with a child under one), and two different spans under one ID. The
 * trace view shows every span, and says what is wrong above the timeline and in the span's detail.
 */
class ParentCycleIT {
  private static final String SELF = "00000000000000000000000000005e11";
  private static final String LOOP = "00000000000000000000000000005e12";
  private static final String COLLISION = "00000000000000000000000000005e13";
  private static final String ROOT = "0000000000000001";
  private static final long MS = 1_000_000L;
  @RegisterExtension static final UiServer ui = new UiServer();

  @BeforeAll
  static void sendTraces() throws Exception {
    long start = TestTraces.millisAgo(60_000);
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(SELF, ROOT, "frontend", "GET /", start, 100 * MS).kind("SERVER"),
        TestTraces.span(SELF, "0000000000000003", "cart", "itself", start + 2 * MS, 20 * MS)
            .parent("0000000000000003").kind("SERVER"),
        TestTraces.span(LOOP, ROOT, "frontend", "GET /", start, 100 * MS).kind("SERVER"),
        TestTraces.span(LOOP, "000000000000000a", "cart", "a", start + MS, 50 * MS)
            .parent("000000000000000b").kind("CLIENT"),
        TestTraces.span(LOOP, "000000000000000b", "payment", "b", start + 2 * MS, 40 * MS)
            .parent("000000000000000a").kind("SERVER"),
        TestTraces.span(LOOP, "000000000000000c", "cart", "under a", start + 3 * MS, 10 * MS)
            .parent("000000000000000a"),
        TestTraces.span(COLLISION, ROOT, "frontend", "GET /", start, 100 * MS).kind("SERVER"),
        TestTraces.span(COLLISION, "0000000000000009", "cart", "one", start + MS, 60 * MS)
            .parent(ROOT).kind("CLIENT"),
        TestTraces.span(COLLISION, "0000000000000009", "payment", "two", start + 2 * MS, 30 * MS)
            .parent(ROOT).kind("CLIENT")));
  }

  private static List<String> rowNames() {
    return ui.browser.texts(".trace-view .rows .row .name");
  }

  private static WebElement completeness(String item) {
    return ui.browser.await(By.cssSelector(".trace-view .completeness ." + item));
  }

  @Test
  void aSpanThatIsItsOwnParentIsShownAndNamedAsACycle() {
    ui.browser.open("/trace/" + SELF);
    assertThat(completeness("cyclic").getText())
        .contains("1 span whose parents form a cycle", "cart: itself (0000000000000003)");
    assertThat(ui.browser.await(By.cssSelector(".trace-view .completeness strong")).getText())
        .isEqualTo("This trace is incomplete");
    assertThat(rowNames()).containsExactly("GET /", "itself");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void twoSpansNamingEachOtherAreShownWithTheSpanUnderThem() {
    ui.browser.open("/trace/" + LOOP + "?span=000000000000000b");
    assertThat(completeness("cyclic").getText()).contains("2 spans whose parents form a cycle",
        "cart: a (000000000000000a)", "payment: b (000000000000000b)");
    assertThat(rowNames()).containsExactlyInAnyOrder("GET /", "a", "b", "under a");
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "b");
    assertThat(ui.browser.await(By.cssSelector(".trace-view aside.detail .warning")).getText())
        .contains("Its parents form a cycle");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void differentSpansUnderOneIdAreBothShownAndTheIdIsNamed() {
    ui.browser.open("/trace/" + COLLISION);
    assertThat(completeness("colliding").getText()).contains(
        "1 span ID given to different spans", "0000000000000009", "cart: one", "payment: two");
    assertThat(rowNames()).containsExactly("GET /", "one", "two");
    ui.browser.driver().findElements(By.cssSelector(".trace-view .rows .row")).get(2).click();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "two");
    assertThat(ui.browser.await(By.cssSelector(".trace-view aside.detail .warning")).getText())
        .contains("Another span of this trace has the same span ID");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
