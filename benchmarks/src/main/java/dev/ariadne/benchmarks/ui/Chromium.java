package dev.ariadne.benchmarks.ui;

import dev.ariadne.benchmarks.Directories;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through its ChromeDriver, with the flags the web UI's browser tests use
 * on this kind of machine and a fresh profile, that loads pages with the render probe ({@code
 * render-probe.js}) injected before the page's own scripts and hands back what it measured.
 */
final class Chromium implements AutoCloseable {
  private static final String PROBE = "render-probe.js";
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  /**
   * Selenium warns that it has no typed DevTools domains for this Chromium; they are not used
   * (ChromeDriver's own CDP command is), so the warning is kept out of the benchmark's output.
   * Held here: the logging framework keeps loggers only weakly.
   */
  private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts the browser; {@code windowSize} is as Chromium takes it, such as {@code 1400,900}. */
  static Chromium start(Path chromium, Path chromedriver, String windowSize) throws IOException {
    for (Path executable : new Path[] {chromium, chromedriver}) {
      if (!Files.isExecutable(executable)) {
        throw new IllegalStateException(executable + " is not an executable file: install Chromium"
            + " and ChromeDriver (.ci/install-browser) or name them with --chromium and"
            + " --chromedriver");
      }
    }
    DEVTOOLS_LOG.setLevel(Level.SEVERE);
    Path profile = Files.createTempDirectory("ariadne-ui-bench-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=" + windowSize,
        // performance.memory in bytes, not in coarse buckets updated now and then.
        "--enable-precise-memory-info",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver.toString()))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      Directories.delete(profile);
      throw e;
    }
    Chromium browser = new Chromium(driver, profile);
    try {
      driver.manage().timeouts().scriptTimeout(PATIENCE).pageLoadTimeout(PATIENCE);
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", probeSource()));
    } catch (RuntimeException e) {
      browser.close();
      throw e;
    }
    return browser;
  }

  /** The browser's version, as ChromeDriver reports it. */
  String version() {
    return driver.getCapabilities().getBrowserVersion();
  }

  /**
   * Loads {@code url} afresh (from a blank page, so that nothing of the last page is reused or
   * torn down during the load) and returns the probe's figures once the page is drawn.
   */
  Map<String, Object> load(String url) {
    driver.get("about:blank");
    driver.get(url);
    return probe();
  }

  /**
   * Loads {@code url} as {@link #load} does, with V8's sampling profiler running from just before
   * the navigation until the page is drawn, and returns the probe's figures and the profile.
   * {@code sameOrigin}, a page of the same server, is loaded first instead of a blank page, so that
   * the trace page gets the renderer process the profiler runs in.
   */
  @SuppressWarnings("unchecked")
  Profiled profile(String url, String sameOrigin, int samplingMicros) {
    driver.get(sameOrigin);
    driver.executeCdpCommand("Profiler.enable", Map.of());
    driver.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", samplingMicros));
    driver.executeCdpCommand("Profiler.start", Map.of());
    Map<String, Object> probe;
    Object profile;
    try {
      driver.get(url);
      probe = probe();
    } finally {
      profile = driver.executeCdpCommand("Profiler.stop", Map.of()).get("profile");
      driver.executeCdpCommand("Profiler.disable", Map.of());
    }
    if (!(profile instanceof Map)) {
      throw new IllegalStateException("Profiler.stop answered no profile object: " + profile);
    }
    return new Profiled(probe, (Map<String, Object>) profile);
  }

  /** The probe's figures of a profiled load, and the profile as the DevTools protocol gave it. */
  record Profiled(Map<String, Object> probe, Map<String, Object> profile) {}

  @SuppressWarnings("unchecked")
  private Map<String, Object> probe() {
    Object answer = driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + " if (window.__ariadneRender) {"
            + "   window.__ariadneRender.then(done, (e) => done({error: String(e)}));"
            + " } else {"
            + "   done({error: 'the render probe is not in the page'});"
            + " }");
    if (!(answer instanceof Map)) {
      throw new IllegalStateException("the render probe answered " + answer
          + " (expected: an object)");
    }
    return (Map<String, Object>) answer;
  }

  private static String probeSource() {
    try (InputStream in = Chromium.class.getResourceAsStream(PROBE)) {
      if (in == null) {
        throw new IllegalStateException(PROBE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      Directories.delete(profile);
    }
  }
}
