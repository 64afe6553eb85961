package dev.ariadne.sdk.config;

import static dev.ariadne.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.CapturingSpanExporter;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.SpanLimits;
import dev.ariadne.sdk.TestObjects;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AutoConfigurationTest {
  private static final String ALWAYS_ON_PARENTS =
      "remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,"
          + "localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}";

  private SdkTracerProvider configured;

  @BeforeEach
  void forgetExporters() {
    CapturingExporterProvider.CREATED.clear();
  }

  @AfterEach
  void shutDown() throws Exception {
    if (configured != null) configured.shutdown().get(10, TimeUnit.SECONDS);
  }

  /** Configures from alternating names and values, with no exporter unless one is named. */
  private AutoConfiguration configure(String... namesAndValues) {
    Map<String, String> settings = new HashMap<>();
    settings.put("OTEL_TRACES_EXPORTER", "none");
    for (int i = 0; i < namesAndValues.length; i += 2)
      settings.put(namesAndValues[i], namesAndValues[i + 1]);
    AutoConfiguration auto = AutoConfiguration.configure(ConfigProperties.of(settings));
    configured = auto.getTracerProvider();
    return auto;
  }

  private static ConfigProperties config(String... namesAndValues) {
    Map<String, String> settings = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2)
      settings.put(namesAndValues[i], namesAndValues[i + 1]);
    return ConfigProperties.of(settings);
  }

  @Test
  void namesTheServiceFromOtelServiceNameOverResourceAttributes() {
    Resource resource =
        configure(
                "OTEL_SERVICE_NAME", "checkout",
                "OTEL_RESOURCE_ATTRIBUTES",
                    "service.name=ignored,deployment.environment=prod,team=a%20b")
            .getTracerProvider()
            .getResource();

    assertThat(resource.getServiceName()).isEqualTo("checkout");
    assertThat(resource.getAttribute(stringKey("deployment.environment"))).isEqualTo("prod");
    assertThat(resource.getAttribute(stringKey("team"))).isEqualTo("a b");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.name"))).isEqualTo("ariadne");
  }

  @Test
  void takesTheServiceNameFromResourceAttributesWhenNotSetAlone() {
    Resource resource =
        configure("OTEL_RESOURCE_ATTRIBUTES", "service.name=billing")
            .getTracerProvider()
            .getResource();

    assertThat(resource.getServiceName()).isEqualTo("billing");
  }

  @Test
  void keepsTheDefaultServiceNameWhenNothingIsSet() {
    assertThat(configure().getTracerProvider().getResource()).isEqualTo(Resource.getDefault());
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", " True "})
  void otelSdkDisabledRecordsNothingMakesNoExporterAndStillPropagates(String value) {
    AutoConfiguration auto = configure("OTEL_SDK_DISABLED", value,
        "OTEL_TRACES_EXPORTER", "capturing", "OTEL_PROPAGATORS", "b3");
    Span span = auto.getTracerProvider().get("test").spanBuilder("span").startSpan();

    assertThat(span.isRecording()).isFalse();
    assertThat(span.getSpanContext().isSampled()).isFalse();
    assertThat(CapturingExporterProvider.CREATED).as("no exporter made").isEmpty();
    assertThat(auto.getPropagator().fields()).containsExactly("b3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "FALSE", "", "yes", "1"})
  void otelSdkDisabledOtherThanTrueLeavesTheSdkOn(String value) {
    Span span = configure("OTEL_SDK_DISABLED", value).getTracerProvider().get("test")
        .spanBuilder("span").startSpan();

    assertThat(span.isRecording()).isTrue();
  }

  @Test
  void configuresAWorkingProviderWithoutExporters() {
    AutoConfiguration auto = configure();
    Span span = auto.getTracerProvider().get("test").spanBuilder("span").startSpan();

    assertThat(span.isRecording()).isTrue();
    assertThat(span.getSpanContext().isSampled()).isTrue();
    span.end();
    assertThat(auto.getTracerProvider().forceFlush()).isDone();
  }

  static Stream<Arguments> samplers() {
    return Stream.of(
        Arguments.of(null, null, "ParentBased{root:AlwaysOnSampler," + ALWAYS_ON_PARENTS),
        Arguments.of("always_on", null, "AlwaysOnSampler"),
        Arguments.of("always_off", null, "AlwaysOffSampler"),
        Arguments.of("traceidratio", "0.25", "TraceIdRatioBased{0.250000}"),
        Arguments.of("traceidratio", null, "TraceIdRatioBased{1.000000}"),
        Arguments.of(
            "parentbased_always_on", null, "ParentBased{root:AlwaysOnSampler," + ALWAYS_ON_PARENTS),
        Arguments.of(
            "parentbased_always_off",
            null,
            "ParentBased{root:AlwaysOffSampler," + ALWAYS_ON_PARENTS),
        Arguments.of(
            "parentbased_traceidratio",
            "0.5",
            "ParentBased{root:TraceIdRatioBased{0.500000}," + ALWAYS_ON_PARENTS),
        Arguments.of("ratelimiting", "3", "RateLimitingSampler{3.0}"),
        Arguments.of("ratelimiting", null, "RateLimitingSampler{1.0}"),
        Arguments.of(
            "parentbased_ratelimiting",
            "0.5",
            "ParentBased{root:RateLimitingSampler{0.5}," + ALWAYS_ON_PARENTS));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("samplers")
  void configuresEachSamplerByName(String name, String arg, String description) {
    Map<String, String> settings = new HashMap<>();
    settings.put("OTEL_TRACES_EXPORTER", "none");
    if (name != null) settings.put("OTEL_TRACES_SAMPLER", name);
    if (arg != null) settings.put("OTEL_TRACES_SAMPLER_ARG", arg);

    configured = AutoConfiguration.configure(ConfigProperties.of(settings)).getTracerProvider();

    assertThat(configured.getSampler().getDescription()).isEqualTo(description);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ALWAYS_ON, AlwaysOnSampler",
    "Always_Off, AlwaysOffSampler",
    "TRACEIDRATIO, TraceIdRatioBased{1.000000}",
    "RateLimiting, RateLimitingSampler{1.0}"
  })
  void readsTheSamplerNameInAnyCase(String name, String description) {
    assertThat(configure("OTEL_TRACES_SAMPLER", name).getTracerProvider().getSampler()
            .getDescription())
        .isEqualTo(description);
  }

  @Test
  void rejectsAnUnknownSamplerNamingItAsGiven() {
    assertThatThrownBy(() -> configure("OTEL_TRACES_SAMPLER", "Always_Maybe"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "OTEL_TRACES_SAMPLER (otel.traces.sampler): \"Always_Maybe\" is invalid (expected: one of"
                + " always_on, always_off,");
  }

  @Test
  void rejectsAnUnknownSamplerListingTheKnownOnes() {
    assertThatThrownBy(() -> configure("OTEL_TRACES_SAMPLER", "sometimes"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_TRACES_SAMPLER (otel.traces.sampler): \"sometimes\" is invalid (expected: one of"
                + " always_on, always_off, traceidratio, parentbased_always_on,"
                + " parentbased_always_off, parentbased_traceidratio, ratelimiting,"
                + " parentbased_ratelimiting)");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "traceidratio, 1.5, a ratio from 0.0 to 1.0",
    "traceidratio, -0.1, a ratio from 0.0 to 1.0",
    "traceidratio, NaN, a ratio from 0.0 to 1.0",
    "parentbased_traceidratio, 2, a ratio from 0.0 to 1.0",
    "traceidratio, half, a number",
    "ratelimiting, 0, 'traces per second, a number > 0'",
    "ratelimiting, -2, 'traces per second, a number > 0'",
    "ratelimiting, Infinity, 'traces per second, a number > 0'",
    "parentbased_ratelimiting, 0, 'traces per second, a number > 0'",
    "ratelimiting, fast, a number"
  })
  void rejectsAnInvalidSamplerArgument(String sampler, String arg, String expected) {
    assertThatThrownBy(
            () -> configure("OTEL_TRACES_SAMPLER", sampler, "OTEL_TRACES_SAMPLER_ARG", arg))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_TRACES_SAMPLER_ARG (otel.traces.sampler.arg): \""
                + arg
                + "\" is invalid (expected: "
                + expected
                + ")");
  }

  @Test
  void propagatesW3cTraceContextAndBaggageByDefault() {
    assertThat(configure().getPropagator().fields())
        .containsExactly("traceparent", "tracestate", "baggage");
  }

  @Test
  void propagatesTheFormatsNamed() {
    assertThat(configure("OTEL_PROPAGATORS", "b3multi, jaeger").getPropagator().fields())
        .contains("X-B3-TraceId", "X-B3-SpanId", "uber-trace-id")
        .doesNotContain("traceparent");
    assertThat(configure("OTEL_PROPAGATORS", "b3").getPropagator().fields()).containsExactly("b3");
  }

  @Test
  void propagatesNothingWithNone() {
    assertThat(configure("OTEL_PROPAGATORS", "none").getPropagator().fields()).isEmpty();
  }

  @Test
  void readsPropagatorNamesInAnyCase() {
    assertThat(configure("OTEL_PROPAGATORS", "B3,JAEGER").getPropagator().fields())
        .containsExactly("b3", "uber-trace-id");
    assertThat(configure("OTEL_PROPAGATORS", "None").getPropagator().fields()).isEmpty();
  }

  @Test
  void rejectsAnUnknownPropagatorListingTheKnownOnes() {
    assertThatThrownBy(() -> configure("OTEL_PROPAGATORS", "tracecontext,xray"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("OTEL_PROPAGATORS (otel.propagators): \"xray\" is invalid (expected: one of"
            + " tracecontext, baggage, b3, b3multi, jaeger, none)");
  }

  @Test
  void rejectsNoneWithOtherPropagators() {
    assertThatThrownBy(() -> configure("OTEL_PROPAGATORS", "none,b3"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("OTEL_PROPAGATORS (otel.propagators): \"none\" is invalid with other"
            + " propagators (got: none, b3)");
  }

  @Test
  void usesTheDefaultSpanLimitsWhenNoneAreSet() {
    assertThat(configure().getTracerProvider().getSpanLimits())
        .hasToString(SpanLimits.getDefault().toString());
  }

  @Test
  void appliesTheGeneralAttributeLimitsToSpansEventsAndLinks() {
    SpanLimits limits =
        configure("OTEL_ATTRIBUTE_COUNT_LIMIT", "10", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "100")
            .getTracerProvider()
            .getSpanLimits();

    assertThat(limits.getMaxAttributes()).isEqualTo(10);
    assertThat(limits.getMaxAttributesPerEvent()).isEqualTo(10);
    assertThat(limits.getMaxAttributesPerLink()).isEqualTo(10);
    assertThat(limits.getMaxAttributeValueLength()).isEqualTo(100);
    assertThat(limits.getMaxEvents()).isEqualTo(128);
    assertThat(limits.getMaxLinks()).isEqualTo(128);
  }

  @Test
  void letsTheSpecificLimitsOverrideTheGeneralOnes() {
    SpanLimits limits =
        configure(
                "OTEL_ATTRIBUTE_COUNT_LIMIT", "10",
                "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "100",
                "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "5",
                "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "50",
                "OTEL_SPAN_EVENT_COUNT_LIMIT", "6",
                "OTEL_SPAN_LINK_COUNT_LIMIT", "7",
                "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "8",
                "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "9")
            .getTracerProvider()
            .getSpanLimits();

    assertThat(limits)
        .hasToString(
            "SpanLimits{maxAttributes=5, maxAttributeValueLength=50, maxEvents=6, maxLinks=7,"
                + " maxAttributesPerEvent=8, maxAttributesPerLink=9}");
  }

  @ParameterizedTest
  @CsvSource({
    "OTEL_SPAN_EVENT_COUNT_LIMIT, -1, an integer >= 0",
    "OTEL_ATTRIBUTE_COUNT_LIMIT, -5, an integer >= 0",
    "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, many, an integer"
  })
  void rejectsAnInvalidSpanLimit(String name, String value, String expected) {
    String property = name.toLowerCase(Locale.ROOT).replace('_', '.');

    assertThatThrownBy(() -> configure(name, value))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            name
                + " ("
                + property
                + "): \""
                + value
                + "\" is invalid (expected: "
                + expected
                + ")");
  }

  @Test
  void configuresTheBatchProcessorFromOtelBsp() throws Exception {
    CapturingSpanExporter exporter = new CapturingSpanExporter();
    BatchSpanProcessor processor =
        AutoConfiguration.batchProcessor(
            config(
                "OTEL_BSP_MAX_QUEUE_SIZE", "1",
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1",
                "OTEL_BSP_SCHEDULE_DELAY", "5m",
                "OTEL_BSP_EXPORT_TIMEOUT", "10s"),
            exporter);
    try {
      exporter.behave(CapturingSpanExporter.Behavior.HOLD);
      processor.onEnd(TestObjects.span(0, true));
      assertThat(exporter.awaitExportCalls(1)).as("a batch of one goes out at once").isTrue();
      processor.onEnd(TestObjects.span(1, true));
      processor.onEnd(TestObjects.span(2, true));
      assertThat(processor.getDroppedCount()).as("a queue of one").isEqualTo(1);
    } finally {
      exporter.release();
      processor.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "OTEL_BSP_MAX_QUEUE_SIZE, 0, an integer >= 1 and <= 1073741824",
    "OTEL_BSP_MAX_QUEUE_SIZE, 1073741825, an integer >= 1 and <= 1073741824",
    "OTEL_BSP_MAX_QUEUE_SIZE, 2000000000, an integer >= 1 and <= 1073741824",
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 0, an integer >= 1",
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 4096, an integer >= 1 and <= OTEL_BSP_MAX_QUEUE_SIZE (2048)",
    "OTEL_BSP_SCHEDULE_DELAY, 0, a duration > 0",
    "OTEL_BSP_EXPORT_TIMEOUT, 0s, a duration > 0",
    "OTEL_BSP_EXPORT_TIMEOUT, soon, 'a duration such as 500, 500ms, 5s, 1m'",
    "OTEL_BSP_MAX_QUEUE_SIZE, big, an integer"
  })
  void rejectsAnInvalidBatchSetting(String name, String value, String expected) {
    String property = name.toLowerCase(Locale.ROOT).replace('_', '.');

    assertThatThrownBy(
            () ->
                AutoConfiguration.batchProcessor(config(name, value), new CapturingSpanExporter()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            name
                + " ("
                + property
                + "): \""
                + value
                + "\" is invalid (expected: "
                + expected
                + ")");
  }

  @Test
  void rejectsAnInvalidExitTimeoutNamingIt() {
    assertThatThrownBy(
            () ->
                AutoConfiguration.configure(
                    config("OTEL_TRACES_EXPORTER", "none", "ARIADNE_SDK_EXIT_TIMEOUT", "0")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "ARIADNE_SDK_EXIT_TIMEOUT (ariadne.sdk.exit.timeout): \"0\" is invalid"
                + " (expected: a duration > 0)");
  }

  @Test
  void rejectsABatchLargerThanTheQueueNamingBoth() {
    assertThatThrownBy(
            () ->
                AutoConfiguration.batchProcessor(
                    config(
                        "OTEL_BSP_MAX_QUEUE_SIZE", "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "200"),
                    new CapturingSpanExporter()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE (otel.bsp.max.export.batch.size): \"200\" is invalid"
                + " (expected: an integer >= 1 and <= OTEL_BSP_MAX_QUEUE_SIZE (100))");
  }

  @Test
  void rejectsAnUnknownExporterNamingTheChoices() {
    assertThatThrownBy(() -> configure("OTEL_TRACES_EXPORTER", "zipkin"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_TRACES_EXPORTER (otel.traces.exporter): \"zipkin\" is invalid (expected: one of"
                + " none; add ariadne-exporter-otlp to the class path for otlp and logging)");
  }

  @Test
  void exportsWithOtlpByDefaultAndSaysWhereToFindIt() {
    assertThatThrownBy(() -> AutoConfiguration.configure(ConfigProperties.of(Map.of())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("\"otlp\" is invalid")
        .hasMessageContaining("add ariadne-exporter-otlp to the class path");
  }

  @Test
  void readsNoneAsAnExporterNameInAnyCase() {
    assertThat(configure("OTEL_TRACES_EXPORTER", "NONE").getTracerProvider()).isNotNull();
    assertThat(CapturingExporterProvider.CREATED).isEmpty();
  }

  @Test
  void readsExporterNamesInAnyCase(@TempDir Path dir) throws Exception {
    withCapturingProvider(dir, () -> configure("OTEL_TRACES_EXPORTER", "CAPTURING"));

    assertThat(CapturingExporterProvider.CREATED).hasSize(1);
  }

  @Test
  void rejectsNoneWithOtherExportersInAnyCase() {
    assertThatThrownBy(() -> configure("OTEL_TRACES_EXPORTER", "None,OTLP"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_TRACES_EXPORTER (otel.traces.exporter): \"None,OTLP\" is invalid"
                + " (expected: \"none\" alone, or a list of exporters)");
  }

  @Test
  void rejectsNoneWithOtherExporters() {
    assertThatThrownBy(() -> configure("OTEL_TRACES_EXPORTER", "none,zipkin"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_TRACES_EXPORTER (otel.traces.exporter): \"none,zipkin\" is invalid"
                + " (expected: \"none\" alone, or a list of exporters)");
  }

  @Test
  void exportsThroughAnExporterFoundOnTheClassPath(@TempDir Path dir) throws Exception {
    AutoConfiguration auto =
        withCapturingProvider(
            dir,
            () ->
                configure(
                    "OTEL_TRACES_EXPORTER", "capturing",
                    "OTEL_SERVICE_NAME", "checkout",
                    "OTEL_BSP_SCHEDULE_DELAY", "5m"));
    auto.getTracerProvider().get("test").spanBuilder("exported").startSpan().end();

    auto.getTracerProvider().forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(CapturingExporterProvider.CREATED).hasSize(1);
    SpanData exported = CapturingExporterProvider.CREATED.get(0).spans().get(0);
    assertThat(exported.getName()).isEqualTo("exported");
    assertThat(exported.getResource().getServiceName()).isEqualTo("checkout");
  }

  @Test
  void listsTheExportersFoundOnTheClassPathWhenOneIsUnknown(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                withCapturingProvider(
                    dir, () -> configure("OTEL_TRACES_EXPORTER", "capturing,zipkin")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("\"zipkin\" is invalid (expected: one of capturing, none;");
  }

  @Test
  void validatesTheBatchSettingsOfEachExporter(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                withCapturingProvider(
                    dir,
                    () ->
                        configure(
                            "OTEL_TRACES_EXPORTER", "capturing",
                            "OTEL_BSP_MAX_QUEUE_SIZE", "10",
                            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "20")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE (otel.bsp.max.export.batch.size): \"20\"");
  }

  @Test
  void theExitHookLetsAProviderTheApplicationShutDownAndDroppedBeCollected(@TempDir Path dir)
      throws Exception {
    AutoConfiguration auto =
        withCapturingProvider(
            dir,
            () -> AutoConfiguration.configure(config("OTEL_TRACES_EXPORTER", "capturing")));
    Thread hook = auto.exitHook();
    WeakReference<SdkTracerProvider> provider = new WeakReference<>(auto.getTracerProvider());
    auto.getTracerProvider().shutdown().get(10, TimeUnit.SECONDS);
    auto = null;

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (provider.get() != null && System.nanoTime() - deadline < 0) {
      System.gc();
      Thread.sleep(10);
    }

    assertThat(provider.get()).as("the provider, once unreachable but for the hook").isNull();
    Reference.reachabilityFence(hook);
  }

  /**
   * Runs {@code action} with {@link CapturingExporterProvider} registered for {@link
   * java.util.ServiceLoader} through the thread's context class loader, so no other test sees it.
   */
  private static <T> T withCapturingProvider(Path dir, Callable<T> action) throws Exception {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(
        services.resolve(SpanExporterProvider.class.getName()),
        CapturingExporterProvider.class.getName());
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
      thread.setContextClassLoader(loader);
      return action.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
