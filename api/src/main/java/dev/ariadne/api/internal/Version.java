package dev.ariadne.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of Ariadne's client libraries (api, sdk, exporter, shim; released together), as the
 * SDK reports it in {@code telemetry.sdk.version}. Read from a resource that the build writes
 * rather than from the jar's manifest, so that it survives the libraries being shaded into an
 * application's jar, whose manifest is the application's. Not part of the public API.
 */
public final class Version {
  private static final String VERSION = read();

  private Version() {}

  /** The version, for example {@code 0.1.0}; {@code unknown} if the resource was stripped. */
  public static String get() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
