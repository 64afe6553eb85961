package dev.ariadne.exporter.otlp;

import dev.ariadne.sdk.config.ConfigProperties;
import dev.ariadne.sdk.config.SpanExporterProvider;
import dev.ariadne.sdk.export.SpanExporter;

/**
 * Makes a {@link LoggingSpanExporter} for {@code OTEL_TRACES_EXPORTER=logging}; it takes no
 * settings. Found through {@link java.util.ServiceLoader}; stateless.
 */
public final class LoggingSpanExporterProvider implements SpanExporterProvider {
  @Override
  public String name() {
    return "logging";
  }

  @Override
  public SpanExporter create(ConfigProperties config) {
    return LoggingSpanExporter.create();
  }
}
