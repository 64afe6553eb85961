package dev.ariadne.exporter.otlp;

import dev.ariadne.sdk.config.ConfigProperties;
import dev.ariadne.sdk.config.SpanExporterProvider;
import dev.ariadne.sdk.export.SpanExporter;
import java.time.Duration;

/**
 * Makes an {@link OtlpHttpSpanExporter} for {@code OTEL_TRACES_EXPORTER=otlp} from the standard
 * OpenTelemetry settings; a {@code _TRACES_} setting wins over its general form: {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (the base URL, {@code /v1/traces} appended), {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (used as given), {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code
 * OTEL_EXPORTER_OTLP_TIMEOUT}, {@code OTEL_EXPORTER_OTLP_COMPRESSION} ({@code gzip} or {@code
 * none}) and {@code OTEL_EXPORTER_OTLP_PROTOCOL} (only {@code http/protobuf}, in any case).
 * Found through {@link java.util.ServiceLoader}; stateless.
 */
public final class OtlpHttpSpanExporterProvider implements SpanExporterProvider {
  static final String ENDPOINT = "otel.exporter.otlp.endpoint";
  static final String TRACES_ENDPOINT = "otel.exporter.otlp.traces.endpoint";
  static final String HEADERS = "otel.exporter.otlp.headers";
  static final String TRACES_HEADERS = "otel.exporter.otlp.traces.headers";
  static final String TIMEOUT = "otel.exporter.otlp.timeout";
  static final String TRACES_TIMEOUT = "otel.exporter.otlp.traces.timeout";
  static final String COMPRESSION = "otel.exporter.otlp.compression";
  static final String TRACES_COMPRESSION = "otel.exporter.otlp.traces.compression";
  static final String PROTOCOL = "otel.exporter.otlp.protocol";
  static final String TRACES_PROTOCOL = "otel.exporter.otlp.traces.protocol";

  private static final String URL_EXPECTED = "an http:// or https:// URL with a host";

  @Override
  public String name() {
    return "otlp";
  }

  @Override
  public SpanExporter create(ConfigProperties config) {
    OtlpHttpSpanExporter.Builder builder = OtlpHttpSpanExporter.builder();

    String protocolSetting = specific(config, TRACES_PROTOCOL, PROTOCOL);
    String protocol = config.getString(protocolSetting);
    if (protocol != null && !protocol.equalsIgnoreCase("http/protobuf")) {
      throw ConfigProperties.invalid(
          protocolSetting, protocol, "http/protobuf, the only protocol this exporter speaks");
    }

    String tracesEndpoint = config.getString(TRACES_ENDPOINT);
    String endpoint = config.getString(ENDPOINT);
    try {
      if (tracesEndpoint != null) {
        builder.setTracesEndpoint(tracesEndpoint);
      } else if (endpoint != null) {
        builder.setEndpoint(endpoint);
      }
    } catch (IllegalArgumentException e) {
      throw tracesEndpoint != null
          ? ConfigProperties.invalid(TRACES_ENDPOINT, tracesEndpoint, URL_EXPECTED)
          : ConfigProperties.invalid(ENDPOINT, endpoint, URL_EXPECTED);
    }

    addHeaders(builder, config, HEADERS);
    addHeaders(builder, config, TRACES_HEADERS);

    String timeoutSetting = specific(config, TRACES_TIMEOUT, TIMEOUT);
    Duration timeout = config.getDuration(timeoutSetting, Duration.ofSeconds(10));
    if (timeout.isNegative() || timeout.isZero()) {
      throw ConfigProperties.invalid(
          timeoutSetting, config.getString(timeoutSetting), "a positive duration such as 10s");
    }
    builder.setTimeout(timeout);

    String compressionSetting = specific(config, TRACES_COMPRESSION, COMPRESSION);
    String compression = config.getString(compressionSetting);
    if (compression != null) {
      try {
        builder.setCompression(compression);
      } catch (IllegalArgumentException e) {
        throw ConfigProperties.invalid(compressionSetting, compression, "gzip, none");
      }
    }
    return builder.build();
  }

  /** The traces-specific setting's name if it is set, else the general one's. */
  private static String specific(ConfigProperties config, String traces, String general) {
    return config.getString(traces) != null ? traces : general;
  }

  private static void addHeaders(
      OtlpHttpSpanExporter.Builder builder, ConfigProperties config, String setting) {
    config
        .getMap(setting)
        .forEach(
            (name, value) -> {
              try {
                builder.addHeader(name, value);
              } catch (IllegalArgumentException e) {
                // The value is left out of the message: headers often carry credentials.
                throw ConfigProperties.invalid(
                    setting,
                    name + "=(value hidden)",
                    "headers the JDK HTTP client may send, with valid names and values;"
                        + " connection, content-length, expect, host and upgrade are reserved");
              }
            });
  }
}
