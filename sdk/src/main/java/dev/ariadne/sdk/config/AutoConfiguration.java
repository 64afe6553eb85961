package dev.ariadne.sdk.config;

import dev.ariadne.api.GlobalTracing;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.common.AttributesBuilder;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.SpanLimits;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.export.SpanExporter;
import dev.ariadne.sdk.propagation.Propagators;
import dev.ariadne.sdk.sampling.Sampler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Builds a tracer provider and propagator from the OpenTelemetry environment variables and system
 * properties that deployments already set: {@code OTEL_SERVICE_NAME}, {@code
 * OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_TRACES_SAMPLER(_ARG)}, {@code OTEL_PROPAGATORS}, {@code
 * OTEL_TRACES_EXPORTER}, {@code OTEL_EXPORTER_OTLP_*} (read by the exporter), {@code OTEL_BSP_*},
 * the span limits and {@code OTEL_SDK_DISABLED}. Names of samplers, propagators and exporters are
 * read in any case, as the specification recommends for enumerations. An invalid value fails with
 * a {@link ConfigurationException} that names the setting, the value as given and the allowed
 * values.
 */
public final class AutoConfiguration {
  private static final String SAMPLERS =
      "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off,"
          + " parentbased_traceidratio, ratelimiting, parentbased_ratelimiting";

  /**
   * How long the exit gives the batch processors by default: what OpenTelemetry's SDK waits for
   * its shutdown at exit ({@code OpenTelemetrySdk.close()}), and a third of the 30 s Kubernetes
   * leaves between asking a pod to stop and killing it.
   */
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
  private static final System.Logger LOGGER = System.getLogger(AutoConfiguration.class.getName());

  private final SdkTracerProvider tracerProvider;
  private final TextMapPropagator propagator;
  private final List<BatchSpanProcessor> processors;
  private final List<SpanExporter> exporters;
  /** How long the processors' shutdown at exit may take. */
  private final Duration exitTimeout;

  private AutoConfiguration(
      SdkTracerProvider tracerProvider,
      TextMapPropagator propagator,
      List<BatchSpanProcessor> processors,
      List<SpanExporter> exporters,
      Duration exitTimeout) {
    this.tracerProvider = tracerProvider;
    this.propagator = propagator;
    this.processors = processors;
    this.exporters = exporters;
    this.exitTimeout = exitTimeout;
  }

  /**
   * Configures from this process's system properties and environment. The batch processors are
   * shut down when the JVM exits, so that the spans still queued then are exported, as
   * OpenTelemetry's autoconfiguration does. Their shutdown then ends within {@code
   * ARIADNE_SDK_EXIT_TIMEOUT} (10 s by default) or the export timeout, whichever is shorter, and
   * says on standard error how many spans could not be exported.
   */
  public static AutoConfiguration fromEnvironment() {
    AutoConfiguration configured = configure(ConfigProperties.fromEnvironment());
    if (!configured.processors.isEmpty()) {
      Runtime.getRuntime().addShutdownHook(configured.exitHook());
    }
    return configured;
  }

  /** The thread that shuts the batch processors down at exit. */
  Thread exitHook() {
    return new Thread(new ExitHook(processors, exitTimeout, exporters), "ariadne-sdk-shutdown");
  }

  /**
   * Configures from {@code config}; the caller shuts the tracer provider down. With {@code
   * OTEL_SDK_DISABLED=true} the provider records nothing and no exporter is made, while the
   * propagator still carries the callers' context through.
   */
  public static AutoConfiguration configure(ConfigProperties config) {
    TextMapPropagator propagator = propagator(config);
    if (disabled(config)) {
      return new AutoConfiguration(
          SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build(),
          propagator, List.of(), List.of(), Duration.ZERO);
    }
    SdkTracerProvider.Builder provider =
        SdkTracerProvider.builder()
            .setResource(resource(config))
            .setSampler(sampler(config))
            .setSpanLimits(spanLimits(config));
    List<SpanExporter> exporters = exporters(config);
    List<BatchSpanProcessor> processors = new ArrayList<>();
    for (SpanExporter exporter : exporters) {
      BatchSpanProcessor processor = batchProcessor(config, exporter);
      processors.add(processor);
      provider.addSpanProcessor(processor);
    }
    Duration exitTimeout = positive(config, "ariadne.sdk.exit.timeout", EXIT_TIMEOUT);
    if (exitTimeout.compareTo(exportTimeout(config)) > 0) exitTimeout = exportTimeout(config);
    return new AutoConfiguration(
        provider.build(), propagator, List.copyOf(processors), List.copyOf(exporters), exitTimeout);
  }

  public SdkTracerProvider getTracerProvider() {
    return tracerProvider;
  }

  public TextMapPropagator getPropagator() {
    return propagator;
  }

  /** Installs the provider and propagator into {@link GlobalTracing}. */
  public AutoConfiguration installGlobally() {
    GlobalTracing.install(tracerProvider, propagator);
    return this;
  }

  /**
   * {@code OTEL_SDK_DISABLED}: only {@code true}, in any case, disables, as the specification has
   * it; a value other than that, {@code false} or nothing is read as false, with a warning.
   */
  static boolean disabled(ConfigProperties config) {
    String value = config.getString("otel.sdk.disabled");
    if (value == null || value.equalsIgnoreCase("false")) return false;
    if (value.equalsIgnoreCase("true")) return true;
    LOGGER.log(Level.WARNING, "OTEL_SDK_DISABLED (otel.sdk.disabled): \"" + value
        + "\" is neither true nor false, and is read as false: the SDK is on");
    return false;
  }

  static Resource resource(ConfigProperties config) {
    AttributesBuilder attributes = Attributes.builder();
    config.getMap("otel.resource.attributes").forEach(attributes::put);
    String serviceName = config.getString("otel.service.name");
    if (serviceName != null) attributes.put(Resource.SERVICE_NAME, serviceName);
    return Resource.create(attributes.build());
  }

  static Sampler sampler(ConfigProperties config) {
    String name = config.getString("otel.traces.sampler", "parentbased_always_on");
    switch (name.toLowerCase(Locale.ROOT)) {
      case "always_on":
        return Sampler.alwaysOn();
      case "always_off":
        return Sampler.alwaysOff();
      case "traceidratio":
        return Sampler.traceIdRatioBased(ratio(config));
      case "parentbased_always_on":
        return Sampler.parentBased(Sampler.alwaysOn());
      case "parentbased_always_off":
        return Sampler.parentBased(Sampler.alwaysOff());
      case "parentbased_traceidratio":
        return Sampler.parentBased(Sampler.traceIdRatioBased(ratio(config)));
      case "ratelimiting":
        return Sampler.rateLimiting(tracesPerSecond(config));
      case "parentbased_ratelimiting":
        return Sampler.parentBased(Sampler.rateLimiting(tracesPerSecond(config)));
      default:
        throw ConfigProperties.invalid("otel.traces.sampler", name, "one of " + SAMPLERS);
    }
  }

  private static double ratio(ConfigProperties config) {
    double ratio = config.getDouble("otel.traces.sampler.arg", 1.0);
    if (!(ratio >= 0 && ratio <= 1)) {
      throw ConfigProperties.invalid(
          "otel.traces.sampler.arg", config.getString("otel.traces.sampler.arg"), "a ratio from 0.0 to 1.0");
    }
    return ratio;
  }

  private static double tracesPerSecond(ConfigProperties config) {
    double rate = config.getDouble("otel.traces.sampler.arg", 1.0);
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw ConfigProperties.invalid(
          "otel.traces.sampler.arg", config.getString("otel.traces.sampler.arg"),
          "traces per second, a number > 0");
    }
    return rate;
  }

  static TextMapPropagator propagator(ConfigProperties config) {
    List<String> names = config.getList("otel.propagators");
    if (names.isEmpty()) names = List.of("tracecontext", "baggage");
    try {
      return Propagators.fromNames(names);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("OTEL_PROPAGATORS (otel.propagators): " + e.getMessage());
    }
  }

  static SpanLimits spanLimits(ConfigProperties config) {
    int attributeCount = nonNegative(config, "otel.attribute.count.limit", 128);
    int valueLength = nonNegative(config, "otel.attribute.value.length.limit", Integer.MAX_VALUE);
    return SpanLimits.builder()
        .setMaxAttributes(nonNegative(config, "otel.span.attribute.count.limit", attributeCount))
        .setMaxAttributeValueLength(
            nonNegative(config, "otel.span.attribute.value.length.limit", valueLength))
        .setMaxEvents(nonNegative(config, "otel.span.event.count.limit", 128))
        .setMaxLinks(nonNegative(config, "otel.span.link.count.limit", 128))
        .setMaxAttributesPerEvent(nonNegative(config, "otel.event.attribute.count.limit", attributeCount))
        .setMaxAttributesPerLink(nonNegative(config, "otel.link.attribute.count.limit", attributeCount))
        .build();
  }

  private static int nonNegative(ConfigProperties config, String name, int defaultValue) {
    int value = config.getInt(name, defaultValue);
    if (value < 0) throw ConfigProperties.invalid(name, String.valueOf(value), "an integer >= 0");
    return value;
  }

  private static int positive(ConfigProperties config, String name, int defaultValue) {
    int value = config.getInt(name, defaultValue);
    if (value < 1) throw ConfigProperties.invalid(name, String.valueOf(value), "an integer >= 1");
    return value;
  }

  static BatchSpanProcessor batchProcessor(ConfigProperties config, SpanExporter exporter) {
    int queueSize = config.getInt("otel.bsp.max.queue.size", 2048);
    if (queueSize < 1 || queueSize > BatchSpanProcessor.MAX_QUEUE_SIZE) {
      throw ConfigProperties.invalid(
          "otel.bsp.max.queue.size", String.valueOf(queueSize),
          "an integer >= 1 and <= " + BatchSpanProcessor.MAX_QUEUE_SIZE);
    }
    int batchSize = positive(config, "otel.bsp.max.export.batch.size", 512);
    if (batchSize > queueSize) {
      throw ConfigProperties.invalid(
          "otel.bsp.max.export.batch.size", String.valueOf(batchSize),
          "an integer >= 1 and <= OTEL_BSP_MAX_QUEUE_SIZE (" + queueSize + ")");
    }
    Duration delay = positive(config, "otel.bsp.schedule.delay", Duration.ofSeconds(5));
    Duration timeout = exportTimeout(config);
    return BatchSpanProcessor.builder(exporter)
        .setMaxQueueSize(queueSize)
        .setMaxExportBatchSize(batchSize)
        .setScheduleDelay(delay)
        .setExportTimeout(timeout)
        .build();
  }

  /** {@code OTEL_BSP_EXPORT_TIMEOUT}, which also bounds a batch processor's shutdown. */
  private static Duration exportTimeout(ConfigProperties config) {
    return positive(config, "otel.bsp.export.timeout", Duration.ofSeconds(30));
  }

  private static Duration positive(ConfigProperties config, String name, Duration defaultValue) {
    Duration value = config.getDuration(name, defaultValue);
    if (value.isZero()) throw ConfigProperties.invalid(name, config.getString(name), "a duration > 0");
    return value;
  }

  static List<SpanExporter> exporters(ConfigProperties config) {
    List<String> names = config.getList("otel.traces.exporter");
    if (names.isEmpty()) names = List.of("otlp");
    if (names.stream().anyMatch("none"::equalsIgnoreCase)) {
      if (names.size() > 1) {
        throw ConfigProperties.invalid(
            "otel.traces.exporter", String.join(",", names), "\"none\" alone, or a list of exporters");
      }
      return List.of();
    }
    Map<String, SpanExporterProvider> available = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (SpanExporterProvider provider : ServiceLoader.load(SpanExporterProvider.class)) {
      available.put(provider.name(), provider);
    }
    List<SpanExporter> exporters = new ArrayList<>();
    for (String name : names) {
      SpanExporterProvider provider = available.get(name);
      if (provider == null) {
        throw ConfigProperties.invalid(
            "otel.traces.exporter", name,
            "one of " + String.join(", ", available.keySet()) + (available.isEmpty() ? "" : ", ")
                + "none; add ariadne-exporter-otlp to the class path for otlp and logging");
      }
      exporters.add(provider.create(config));
    }
    return exporters;
  }
}
