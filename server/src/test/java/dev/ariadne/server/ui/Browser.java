package dev.ariadne.server.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven through its ChromeDriver ({@code .ci/install-browser} installs
 * both), for the web UI's end-to-end tests. One per test class; {@link #close} ends the browser.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Where {@link #screenshot} saves, relative to the module (failsafe's working directory). */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final ChromeDriver driver;
  private final Path profile;
  private final String base;

  private Browser(ChromeDriver driver, Path profile, String base) {
    this.driver = driver;
    this.profile = profile;
    this.base = base;
  }

  /** Opens a browser whose relative URLs resolve against {@code http://127.0.0.1:port}. */
  static Browser open(int port) throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "Chromium and ChromeDriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER
              + ": run .ci/install-browser (the build runs it before the integration tests)");
    }
    Path profile = Files.createTempDirectory("ariadne-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1400,900",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(PATIENCE);
    return new Browser(driver, profile, "http://127.0.0.1:" + port);
  }

  WebDriver driver() {
    return driver;
  }

  /** Loads a path of the server, such as {@code /trace/abc}. */
  void open(String path) {
    driver.get(base + path);
  }

  /** The current URL's path and query, such as {@code /search?service=cart}. */
  String location() {
    return (String) script("return location.pathname + location.search");
  }

  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * Waits until the condition gives something other than null or false, and returns it. An element
   * that went stale while the condition read it (views redraw, virtual rows are replaced as they
   * scroll) counts as not yet.
   */
  <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, PATIENCE)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** The text of every element matching a CSS selector, read in one step in the page. */
  @SuppressWarnings("unchecked")
  List<String> texts(String cssSelector) {
    return (List<String>) script("return Array.from(document.querySelectorAll(arguments[0]),"
        + " e => e.innerText.trim())", cssSelector);
  }

  /** Waits for an element that is displayed, and returns it. */
  WebElement await(By by) {
    return await(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst()
        .orElse(null));
  }

  /** Waits for an element showing exactly this text (after trimming). */
  WebElement awaitText(By by, String text) {
    return await(d -> d.findElements(by).stream()
        .filter(e -> e.getText().trim().equals(text)).findFirst().orElse(null));
  }

  /**
   * Saves a PNG of the window (1400×900) as {@code target/screenshots/NAME.png}: the pictures of
   * docs/ui.md are copies of these.
   */
  void screenshot(String name) throws IOException {
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException(
          "a screenshot's name is lowercase letters, digits and dashes: \"" + name + "\"");
    }
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  /** The console messages at SEVERE level since the last call: script errors among them. */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() throws Exception {
    driver.quit();
    try (var files = Files.walk(profile)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
