package dev.ariadne.server.ui;

import dev.ariadne.server.LoopbackServer;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole server on free ports and a headless browser pointed at it, for the web UI tests of one
 * class: registered as a static {@code @RegisterExtension} field, it starts both before the
 * class's {@code @BeforeAll} methods (which send the class's traces), forgets the console's
 * messages before each test, and stops both after the class.
 */
final class UiServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private final Map<String, String> settings;
  LoopbackServer server;
  Browser browser;

  /** With the server's default settings. */
  UiServer() {
    this(Map.of());
  }

  /** With these settings on top of the test server's (see {@link LoopbackServer#start(Map)}). */
  UiServer(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = LoopbackServer.start(settings);
    browser = Browser.open(server.queryPort());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    browser.consoleErrors();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try (LoopbackServer stopping = server) {
      if (browser != null) {
        browser.close();
      }
    }
  }
}
