package dev.ariadne.sdk.config;

import dev.ariadne.sdk.export.SpanExporter;

/**
 * Makes an exporter from settings, found through {@link java.util.ServiceLoader} so that {@code
 * OTEL_TRACES_EXPORTER=otlp} works whenever an exporter module is on the class path.
 */
public interface SpanExporterProvider {

  /** The name used in {@code OTEL_TRACES_EXPORTER}, such as {@code otlp}. */
  String name();

  /** Creates the exporter, or throws {@link ConfigurationException} for an invalid setting. */
  SpanExporter create(ConfigProperties config);
}
