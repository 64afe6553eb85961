package dev.ariadne.collector;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.model.Span;
import dev.ariadne.model.jaeger.JaegerThriftDecoder;
import dev.ariadne.storage.SpanWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Receives spans over OTLP/HTTP, OTLP/gRPC, Zipkin's HTTP API, Jaeger's Thrift over HTTP, Jaeger's
 * gRPC and the Jaeger agent's UDP ports, validates them and writes them to a {@link SpanWriter}.
 * Mount its services on an Armeria server: {@link #otlpHttp()} at {@code POST /v1/traces}, {@link
 * #otlpGrpc()} as is, {@link #zipkinHttp()} at {@code POST /api/v2/spans}, {@link
 * #jaegerThriftHttp()} at {@code POST /api/traces}, {@link #jaegerGrpc()} as is; {@link
 * #jaegerUdp} binds a UDP port of its own.
 *
 * <p>Promises: event loops never decode nor wait for storage; a request is acknowledged only after
 * {@link SpanWriter#write} returned for its spans (a failed write answers 503 / {@code UNAVAILABLE};
 * spans a writer refuses as too large are named as rejected, the rest of their request stored);
 * past its bounded queues the collector refuses work with 429 / {@code RESOURCE_EXHAUSTED} and a
 * retry hint instead of buffering it; once it {@link #drain drains} it refuses new work with 503 /
 * {@code UNAVAILABLE} and a retry hint; a bad request is answered 400 / {@code INVALID_ARGUMENT}
 * (413 when too large, 415 for an unsupported content type or encoding) with a message naming the
 * problem, and harms no other request. Thread-safe. {@link #close()} does not close the storage.
 */
public final class Collector implements AutoCloseable {
  private final Meters meters;
  private final Ingest ingest;
  private final Intake intake = new Intake();
  private final HttpService otlpHttp;
  private final GrpcService otlpGrpc;
  private final HttpService zipkinHttp;
  private final HttpService jaegerThriftHttp;
  private final GrpcService jaegerGrpc;
  private final List<JaegerUdpReceiver> udpReceivers = new ArrayList<>();
  private boolean closed;

  private Collector(Builder builder) {
    meters = new Meters(builder.meterRegistry);
    ingest = new Ingest(
        builder.storage,
        builder.onStored,
        new Validator(builder.maxAttributes, builder.maxAttributeValueLength,
            Validator.MAX_NAME_LENGTH, builder.maxEventsPerSpan, builder.maxLinksPerSpan),
        meters,
        builder.maxRequestBytes,
        builder.maxQueuedSpans,
        builder.maxQueuedBytes,
        Ingest.INLINE_DECODE_BYTES,
        builder.decoderThreads,
        builder.writerThreads);
    meters.gauge("requests.in.flight", "Ingest requests taken and not yet answered", intake,
        Intake::inFlight);
    Duration timeout = builder.requestTimeout;
    otlpHttp = new OtlpHttpReceiver(ingest, meters, builder.maxRequestBytes, intake, timeout);
    otlpGrpc = OtlpGrpcReceiver.service(ingest, meters, intake, builder.maxRequestBytes);
    zipkinHttp = new ZipkinHttpReceiver(ingest, meters, builder.maxRequestBytes, intake, timeout);
    jaegerThriftHttp =
        new JaegerThriftHttpReceiver(ingest, meters, builder.maxRequestBytes, intake, timeout);
    jaegerGrpc = JaegerGrpcReceiver.service(ingest, meters, intake, builder.maxRequestBytes);
  }

  /** A builder of a collector that writes to {@code storage}: a {@code Storage}, or a forwarder. */
  public static Builder builder(SpanWriter storage) {
    return new Builder(requireNonNull(storage, "storage"));
  }

  /**
   * OTLP/HTTP traces, to serve at {@code POST /v1/traces}: {@code application/x-protobuf} or
   * {@code application/json} bodies, optionally gzip-encoded. Answers in the request's format, with
   * OTLP partial success when some spans were rejected.
   */
  public HttpService otlpHttp() {
    return otlpHttp;
  }

  /** OTLP/gRPC: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}. */
  public GrpcService otlpGrpc() {
    return otlpGrpc;
  }

  /**
   * Zipkin v2 spans, to serve at {@code POST /api/v2/spans}: {@code application/json} or {@code
   * application/x-protobuf} (proto3) bodies, optionally gzip-encoded. Answers 202 when stored.
   */
  public HttpService zipkinHttp() {
    return zipkinHttp;
  }

  /**
   * Jaeger Thrift spans, to serve at {@code POST /api/traces}: a {@code Batch} in the binary
   * protocol ({@code application/x-thrift}, as jaeger-client's HttpSender sends it, or {@code
   * application/vnd.apache.thrift.binary}) or the compact one ({@code
   * application/vnd.apache.thrift.compact}), optionally gzip-encoded. Answers 202 when stored.
   */
  public HttpService jaegerThriftHttp() {
    return jaegerThriftHttp;
  }

  /**
   * Jaeger's gRPC collector: {@code jaeger.api_v2.CollectorService/PostSpans}, a protobuf {@code
   * PostSpansRequest}. Answers an empty {@code PostSpansResponse} when stored.
   */
  public GrpcService jaegerGrpc() {
    return jaegerGrpc;
  }

  /**
   * Binds a UDP socket to {@code address} (port 0 picks a free one) and receives the Jaeger agent's
   * datagrams on it, on a thread of its own: each one Thrift {@code Agent.emitBatch} call in {@code
   * protocol}, {@link JaegerThriftDecoder#COMPACT compact} as every Jaeger client's UdpSender sends
   * to port 6831, or {@link JaegerThriftDecoder#BINARY binary} as to port 6832. Their spans go
   * through the same validation and queues as a request's; a datagram whose spans are not stored
   * cannot be answered, so it is counted in {@code ariadne.collector.datagrams.dropped} by {@code
   * reason} and logged (at most a line every ten seconds). Closing the collector closes the
   * receiver.
   *
   * @throws IOException if the socket cannot be bound, such as when the port is in use
   * @throws IllegalStateException if the collector is closed
   */
  public JaegerUdpReceiver jaegerUdp(JaegerThriftDecoder protocol, InetSocketAddress address)
      throws IOException {
    requireNonNull(protocol, "protocol");
    requireNonNull(address, "address");
    synchronized (udpReceivers) {
      if (closed) {
        throw new IllegalStateException("the collector is closed");
      }
      JaegerUdpReceiver receiver = JaegerUdpReceiver.start(ingest, meters, intake, protocol,
          address);
      udpReceivers.add(receiver);
      return receiver;
    }
  }

  /**
   * Begins the drain: from now on every new request is refused at once with 503 / {@code
   * UNAVAILABLE} and a retry hint, so that its client sends it again later or elsewhere, and every
   * new UDP datagram is dropped and counted (reason {@code stopping}); the requests and datagrams
   * already taken go on, and the requests are acknowledged once stored.
   */
  public void drain() {
    intake.drain();
  }

  /**
   * Waits, after {@link #drain()}, until every request taken before it has been answered, at most
   * {@code timeout}. Returns whether none is left.
   */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    return intake.awaitDrained(timeout);
  }

  /** Requests taken and not yet answered. */
  int inFlight() {
    return intake.inFlight();
  }

  /**
   * Stops taking requests (later ones answer 503 / {@code UNAVAILABLE} with a retry hint), answers
   * uploads whose body is still arriving the same way (nothing of them is stored), closes the UDP
   * receivers, finishes decoding and writing the requests already taken, waiting up to ten seconds
   * for each, and removes the collector's meters.
   */
  @Override
  public void close() {
    intake.drain();
    intake.cutArriving();
    synchronized (udpReceivers) {
      closed = true;
      udpReceivers.forEach(JaegerUdpReceiver::close);
    }
    ingest.close();
    meters.close();
  }

  /** Configures a {@link Collector}; every setting has a default. Not thread-safe. */
  public static final class Builder {
    private static final int MAX_REQUEST_BYTES_LIMIT = 1 << 30;

    private final SpanWriter storage;
    private int maxRequestBytes = 4 * 1024 * 1024;
    private int maxQueuedSpans = 100_000;
    private long maxQueuedBytes = 64L * 1024 * 1024;
    private int maxAttributes = 1024;
    private int maxAttributeValueLength = 64 * 1024;
    private int maxEventsPerSpan = 1000;
    private int maxLinksPerSpan = 1000;
    private MeterRegistry meterRegistry;
    private int decoderThreads = Runtime.getRuntime().availableProcessors();
    private int writerThreads = 2;
    private Consumer<List<Span>> onStored = spans -> {};
    private Duration requestTimeout = Duration.ofSeconds(30);

    private Builder(SpanWriter storage) {
      this.storage = storage;
    }

    /**
     * The largest request body, in bytes, both as received and once gzip is inflated; a larger
     * one is answered 413 (gRPC: {@code INVALID_ARGUMENT}) naming this setting. Default 4 MiB.
     * For gRPC the server's own {@code maxRequestLength} (10 MiB by default) must allow it too.
     */
    public Builder maxRequestBytes(int maxRequestBytes) {
      if (maxRequestBytes < 1 || maxRequestBytes > MAX_REQUEST_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxRequestBytes: " + maxRequestBytes
            + " (expected: 1 to " + MAX_REQUEST_BYTES_LIMIT + ")");
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /**
     * The most valid spans waiting for, or in, a storage write; past it requests are refused with
     * 429 / {@code RESOURCE_EXHAUSTED}. Default 100,000.
     */
    public Builder maxQueuedSpans(int maxQueuedSpans) {
      if (maxQueuedSpans < 1) {
        throw new IllegalArgumentException(
            "maxQueuedSpans: " + maxQueuedSpans + " (expected: > 0)");
      }
      this.maxQueuedSpans = maxQueuedSpans;
      return this;
    }

    /**
     * The most request body bytes waiting to be decoded (each request also counts 1 KiB); past it
     * requests are refused with 429 / {@code RESOURCE_EXHAUSTED}. At least {@link
     * #maxRequestBytes}. Default 64 MiB.
     */
    public Builder maxQueuedBytes(long maxQueuedBytes) {
      if (maxQueuedBytes < 1) {
        throw new IllegalArgumentException(
            "maxQueuedBytes: " + maxQueuedBytes + " (expected: > 0)");
      }
      this.maxQueuedBytes = maxQueuedBytes;
      return this;
    }

    /**
     * The most attributes kept in one list (of a span, an event, a link or a resource); the rest
     * are dropped and added to the list's dropped count. Default 1024.
     */
    public Builder maxAttributes(int maxAttributes) {
      if (maxAttributes < 0) {
        throw new IllegalArgumentException(
            "maxAttributes: " + maxAttributes + " (expected: >= 0)");
      }
      this.maxAttributes = maxAttributes;
      return this;
    }

    /**
     * The longest attribute name, string value (in UTF-16 characters) or bytes value kept, at any
     * depth of arrays and maps; longer ones are cut to it. Default 65,536.
     */
    public Builder maxAttributeValueLength(int maxAttributeValueLength) {
      if (maxAttributeValueLength < 1) {
        throw new IllegalArgumentException("maxAttributeValueLength: " + maxAttributeValueLength
            + " (expected: > 0)");
      }
      this.maxAttributeValueLength = maxAttributeValueLength;
      return this;
    }

    /**
     * The most events kept on one span; the rest are dropped and added to the span's dropped
     * events count. Default 1,000.
     */
    public Builder maxEventsPerSpan(int maxEventsPerSpan) {
      if (maxEventsPerSpan < 0) {
        throw new IllegalArgumentException(
            "maxEventsPerSpan: " + maxEventsPerSpan + " (expected: >= 0)");
      }
      this.maxEventsPerSpan = maxEventsPerSpan;
      return this;
    }

    /**
     * The most links kept on one span; the rest are dropped and added to the span's dropped links
     * count. Default 1,000.
     */
    public Builder maxLinksPerSpan(int maxLinksPerSpan) {
      if (maxLinksPerSpan < 0) {
        throw new IllegalArgumentException(
            "maxLinksPerSpan: " + maxLinksPerSpan + " (expected: >= 0)");
      }
      this.maxLinksPerSpan = maxLinksPerSpan;
      return this;
    }

    /** Where the {@code ariadne.collector.*} meters go. Default: a private registry. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * Threads that inflate, decode and validate gzip bodies and bodies of more than 256 KiB
     * (smaller plain bodies are decoded on the event loop that read them). Default: the number of
     * processors.
     */
    public Builder decoderThreads(int decoderThreads) {
      if (decoderThreads < 1) {
        throw new IllegalArgumentException(
            "decoderThreads: " + decoderThreads + " (expected: > 0)");
      }
      this.decoderThreads = decoderThreads;
      return this;
    }

    /**
     * Threads that call {@link SpanWriter#write}, each with a batch of queued requests. Default 2.
     */
    public Builder writerThreads(int writerThreads) {
      if (writerThreads < 1) {
        throw new IllegalArgumentException(
            "writerThreads: " + writerThreads + " (expected: > 0)");
      }
      this.writerThreads = writerThreads;
      return this;
    }

    /**
     * How long an HTTP request's body may take to arrive, from its headers: past it the request is
     * answered 503 with {@code Retry-After}, which OTLP exporters retry, and nothing of it is
     * stored. This replaces Armeria's request timeout for the HTTP receivers, whose 408 exporters
     * drop; the gRPC receivers keep the server's. Default 30 s.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "requestTimeout: " + requestTimeout + " (expected: > 0)");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Called by a writer thread with the spans of each successful storage write, after their
     * requests are answered (analytics is computed here). It must be quick; what it throws is
     * logged and ignored.
     */
    public Builder onStored(Consumer<List<Span>> listener) {
      this.onStored = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * A running collector.
     *
     * @throws IllegalStateException if {@code maxQueuedBytes} is less than {@code maxRequestBytes}
     */
    public Collector build() {
      if (maxQueuedBytes < maxRequestBytes) {
        throw new IllegalStateException("maxQueuedBytes: " + maxQueuedBytes
            + " (expected: >= maxRequestBytes, " + maxRequestBytes + ")");
      }
      if (meterRegistry == null) {
        meterRegistry = new SimpleMeterRegistry();
      }
      return new Collector(this);
    }
  }
}
