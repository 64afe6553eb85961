package dev.ariadne.sdk.config;

import dev.ariadne.sdk.CapturingSpanExporter;
import dev.ariadne.sdk.export.SpanExporter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Provides the exporter named {@code capturing}. Public with a public constructor because {@link
 * java.util.ServiceLoader} instantiates it; {@link AutoConfigurationTest} registers it through a
 * class loader of its own, never on the shared class path.
 */
public final class CapturingExporterProvider implements SpanExporterProvider {
  static final List<CapturingSpanExporter> CREATED = new CopyOnWriteArrayList<>();

  public CapturingExporterProvider() {}

  @Override
  public String name() {
    return "capturing";
  }

  @Override
  public SpanExporter create(ConfigProperties config) {
    CapturingSpanExporter exporter = new CapturingSpanExporter();
    CREATED.add(exporter);
    return exporter;
  }
}
