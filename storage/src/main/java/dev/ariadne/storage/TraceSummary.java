package dev.ariadne.storage;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.TraceId;
import java.util.List;
import java.util.Optional;

/**
 * One trace as a search lists it. The root is the span without a parent (the earliest, if there
 * are several); both root fields are empty when no root span is stored, which a UI shows as an
 * incomplete trace. {@code startEpochNanos} is the earliest span start and {@code durationNanos}
 * runs from there to the latest span end. {@code errorCount} counts spans with status ERROR;
 * {@code services} are sorted by name.
 */
public record TraceSummary(
    TraceId traceId,
    Optional<String> rootServiceName,
    Optional<String> rootSpanName,
    long startEpochNanos,
    long durationNanos,
    int spanCount,
    int errorCount,
    List<ServiceSpans> services) {

  public TraceSummary {
    requireNonNull(traceId, "traceId");
    requireNonNull(rootServiceName, "rootServiceName");
    requireNonNull(rootSpanName, "rootSpanName");
    services = List.copyOf(services);
  }

  /** How many spans of the trace a service has. */
  public record ServiceSpans(String serviceName, int spanCount) {
    public ServiceSpans {
      requireNonNull(serviceName, "serviceName");
    }
  }
}
