package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.Span;
import dev.ariadne.exporter.otlp.OtlpHttpSpanExporter;
import dev.ariadne.model.TraceId;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.internal.samplers.HttpSamplingManager;
import io.jaegertracing.internal.samplers.http.SamplingStrategyResponse;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.extension.trace.jaeger.sampler.JaegerRemoteSampler;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ariadne agent} in front of an all-in-one server, both on free loopback ports. */
class AriadneAgentTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private AriadneServer server;
  private AriadneAgent agent;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> serverFlags = new HashMap<>(Map.of(
        "host", "127.0.0.1",
        "storage", "memory",
        "query.port", "0",
        "receivers.otlp-grpc.port", "0",
        "receivers.otlp-http.port", "0",
        "receivers.zipkin.port", "0",
        "receivers.jaeger-thrift-http.port", "0",
        "receivers.jaeger-grpc.port", "0",
        "shutdown.drain-seconds", "1"));
    serverFlags.put("sampling.port", "0");
    serverFlags.put("receivers.jaeger-compact.port", "0");
    serverFlags.put("receivers.jaeger-binary.port", "0");
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), serverFlags)));
    int upstream = server.ports().get("OTLP HTTP (/v1/traces)");
    Map<String, String> agentFlags = new HashMap<>(Map.of(
        "host", "127.0.0.1",
        "agent.collector-endpoint", "http://127.0.0.1:" + upstream,
        "agent.tags", "zone=eu-1",
        "sampling.port", "0",
        "agent.admin-port", "0",
        "receivers.otlp-grpc.port", "0",
        "receivers.otlp-http.port", "0",
        "receivers.zipkin.port", "0",
        "receivers.jaeger-thrift-http.port", "0",
        "shutdown.drain-seconds", "1"));
    agentFlags.put("receivers.jaeger-grpc.port", "0");
    agentFlags.put("agent.sampling-endpoint", "http://127.0.0.1:"
        + server.ports().get("Jaeger Thrift HTTP (/api/traces, /api/sampling)"));
    agentFlags.put("receivers.jaeger-compact.port", "0");
    agentFlags.put("receivers.jaeger-binary.port", "0");
    agent = AriadneAgent.start(
        AgentConfig.from(Settings.load(Settings.AGENT_DEFAULTS, null, Map.of(), agentFlags)));
  }

  @AfterEach
  void stop() {
    if (agent != null) agent.close();
    server.close();
  }

  @Test
  void spansSentToTheAgentAreStoredByTheServerWithTheAgentsTags() throws Exception {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(Resource.SERVICE_NAME, "checkout")))
        .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + agent.ports().get("OTLP HTTP (/v1/traces)"))
            .build()))
        .build();
    Span span;
    try {
      span = provider.get("test").spanBuilder("POST /cart").startSpan();
      span.end();
      provider.forceFlush().get(10, TimeUnit.SECONDS);
    } finally {
      provider.shutdown().get(10, TimeUnit.SECONDS);
    }

    var stored = server.storage().trace(TraceId.fromHex(span.getSpanContext().getTraceId()));
    assertThat(stored).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("POST /cart");
      assertThat(s.resource().attributes())
          .contains(dev.ariadne.model.Attribute.of("zone", "eu-1"));
    });
    String metrics = get(agent.ports().get("admin (/metrics, /health)"), "/metrics").body();
    assertThat(metrics).contains("ariadne_agent_spans_forwarded_total 1.0",
        "ariadne_agent_forward_requests_seconds_count{outcome=\"accepted\"} 1");
    assertThat(get(agent.ports().get("admin (/metrics, /health)"), "/health").body())
        .isEqualTo("ok");
  }

  @Test
  void spansJaegerClientsUdpSenderReportsToTheAgentAreStoredByTheServer() throws Exception {
    UdpSender sender = new UdpSender("127.0.0.1",
        agent.ports().get("Jaeger compact Thrift (UDP)"), 0);
    JaegerTracer tracer = new JaegerTracer.Builder("inventory")
        .withSampler(new ConstSampler(true))
        .withReporter(new RemoteReporter.Builder().withSender(sender).build())
        .build();
    JaegerSpan span = tracer.buildSpan("GET /stock").start();
    span.finish();
    tracer.close(); // flushes the reporter: the datagram is sent

    TraceId traceId = new TraceId(span.context().getTraceIdHigh(), span.context().getTraceIdLow());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.storage().trace(traceId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.storage().trace(traceId)).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("GET /stock");
      assertThat(s.serviceName()).isEqualTo("inventory");
    });
  }

  @Test
  void jaegerClientsSamplingManagerReadsTheServersStrategyThroughTheAgent() throws Exception {
    HttpSamplingManager manager = new HttpSamplingManager(
        "127.0.0.1:" + agent.ports().get("sampling (GET /sampling, GET /)"));

    SamplingStrategyResponse strategy = manager.getSamplingStrategy("checkout");

    // Without a strategies file the server samples every service at probability 1.
    assertThat(strategy.getProbabilisticSampling().getSamplingRate()).isEqualTo(1.0);
  }

  @Test
  void openTelemetrysJaegerRemoteSamplerReadsTheServersStrategyAtTheAgentsJaegerGrpcPort()
      throws Exception {
    try (JaegerRemoteSampler sampler = JaegerRemoteSampler.builder()
        .setEndpoint("http://127.0.0.1:" + agent.ports().get("Jaeger gRPC"))
        .setServiceName("checkout")
        .setPollingInterval(Duration.ofMillis(50))
        .setInitialSampler(Sampler.alwaysOff())
        .build()) {
      ServerSamplingTest.awaitRatioOne(sampler);
      String traceId = io.opentelemetry.api.trace.TraceId.fromLongs(7, 9);
      assertThat(sampler.shouldSample(Context.root(), traceId, "GET /cart", SpanKind.SERVER,
          io.opentelemetry.api.common.Attributes.empty(), List.of()).getDecision())
          .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }
  }

  @Test
  void theStartUpLinesSayWhereItListensAndWhereSpansGo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    agent.printEndpoints(new PrintStream(out, true, StandardCharsets.UTF_8));

    String upstream = "http://127.0.0.1:" + server.ports().get("OTLP HTTP (/v1/traces)");
    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .first().isEqualTo("ariadne agent: listening");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("  OTLP gRPC +port \\d+\n")
        .containsPattern("  sampling \\(GET /sampling, GET /\\) +port \\d+\n")
        .containsPattern("  Jaeger compact Thrift \\(UDP\\) +port \\d+\n")
        .containsPattern("  Jaeger binary Thrift \\(UDP\\) +port \\d+\n")
        .containsPattern("  admin \\(/metrics, /health\\) +port \\d+\n")
        .contains("ariadne agent: forwarding spans to " + upstream
            + " (OTLP/HTTP, /v1/traces), adding the tags [zone]\n")
        .contains("ariadne agent: sampling strategies from http://127.0.0.1:"
            + server.ports().get("Jaeger Thrift HTTP (/api/traces, /api/sampling)") + " (/api/sampling)");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
