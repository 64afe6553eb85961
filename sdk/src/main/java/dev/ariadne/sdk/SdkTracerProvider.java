package dev.ariadne.sdk;

import dev.ariadne.api.trace.Tracer;
import dev.ariadne.api.trace.TracerProvider;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.SpanProcessor;
import dev.ariadne.sdk.sampling.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The tracer provider that records spans: it holds the resource, sampler, span limits, ID
 * generator, clock and span processors that all its tracers share. Thread-safe. Call {@link
 * #shutdown()} at exit so the processors export what they hold.
 */
public final class SdkTracerProvider implements TracerProvider {
  private final Resource resource;
  private final Sampler sampler;
  private final SpanLimits spanLimits;
  private final IdGenerator idGenerator;
  private final Clock clock;
  private final SpanProcessor processor;
  private final ConcurrentMap<InstrumentationScope, SdkTracer> tracers = new ConcurrentHashMap<>();
  private volatile boolean shutdown;
  /** The first shutdown's future, which every later call returns; guarded by {@code this}. */
  private CompletableFuture<Void> shutdownResult;

  private SdkTracerProvider(Builder b) {
    resource = b.resource;
    sampler = b.sampler;
    spanLimits = b.spanLimits;
    idGenerator = b.idGenerator;
    clock = b.clock;
    List<SpanProcessor> guarded = new ArrayList<>(b.processors.size());
    for (SpanProcessor p : b.processors) guarded.add(new GuardedSpanProcessor(p));
    processor = SpanProcessor.composite(guarded);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Tracer get(String instrumentationName, String instrumentationVersion) {
    String name = instrumentationName == null || instrumentationName.isEmpty() ? "unknown" : instrumentationName;
    InstrumentationScope scope = InstrumentationScope.create(name, instrumentationVersion);
    return tracers.computeIfAbsent(scope, s -> new SdkTracer(this, s));
  }

  public Resource getResource() {
    return resource;
  }

  public Sampler getSampler() {
    return sampler;
  }

  public SpanLimits getSpanLimits() {
    return spanLimits;
  }

  /**
   * Completes when every processor has exported what it holds; fails if one failed or threw, after
   * the others have been asked too. Never throws.
   */
  public CompletableFuture<Void> forceFlush() {
    return processor.forceFlush();
  }

  /**
   * Flushes and stops the processors; spans started afterwards are not recorded. Completes when
   * every processor has; fails if one failed or threw, after the others have been shut down too.
   * Never throws. Calling it again returns the first call's future, so it completes only once the
   * first shutdown has.
   */
  public synchronized CompletableFuture<Void> shutdown() {
    if (shutdownResult == null) {
      shutdown = true;
      shutdownResult = processor.shutdown();
    }
    return shutdownResult;
  }

  IdGenerator idGenerator() {
    return idGenerator;
  }

  Clock clock() {
    return clock;
  }

  SpanProcessor processor() {
    return processor;
  }

  boolean isShutdown() {
    return shutdown;
  }

  @Override
  public String toString() {
    return "SdkTracerProvider{resource=" + resource + ", sampler=" + sampler.getDescription()
        + ", spanLimits=" + spanLimits + ", processor=" + processor + '}';
  }

  /** Builds an {@link SdkTracerProvider}. Defaults: default resource, parent-based always-on. */
  public static final class Builder {
    private Resource resource = Resource.getDefault();
    private Sampler sampler = Sampler.parentBased(Sampler.alwaysOn());
    private SpanLimits spanLimits = SpanLimits.getDefault();
    private IdGenerator idGenerator = IdGenerator.random();
    private Clock clock = Clock.system();
    private final List<SpanProcessor> processors = new ArrayList<>();

    private Builder() {}

    /** Sets the resource, which is merged over the default so {@code telemetry.sdk.*} stay. */
    public Builder setResource(Resource resource) {
      this.resource = Resource.getDefault().merge(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    public Builder setSampler(Sampler sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    public Builder setSpanLimits(SpanLimits spanLimits) {
      this.spanLimits = Objects.requireNonNull(spanLimits, "spanLimits");
      return this;
    }

    public Builder setIdGenerator(IdGenerator idGenerator) {
      this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
      return this;
    }

    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds a processor; processors are called in the order added. */
    public Builder addSpanProcessor(SpanProcessor processor) {
      processors.add(Objects.requireNonNull(processor, "processor"));
      return this;
    }

    public SdkTracerProvider build() {
      return new SdkTracerProvider(this);
    }
  }
}
