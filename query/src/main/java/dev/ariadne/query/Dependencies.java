package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import dev.ariadne.analytics.Analytics;
import dev.ariadne.analytics.MissingMetrics;
import dev.ariadne.analytics.ServiceEdge;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the dependency endpoints of every API read the {@link ServiceMap}: the service graph of
 * {@link Analytics}, computed at ingest, when analytics is on; else the links storage derives from
 * the stored traces. Analytics keeps calls in time buckets, so its window is widened to whole
 * buckets; it also says what the map lacks over that window.
 */
final class Dependencies {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final Storage storage;
  private final Analytics analytics;

  /** {@code analytics} may be null: the map then comes from storage. */
  Dependencies(Storage storage, Analytics analytics) {
    this.storage = requireNonNull(storage, "storage");
    this.analytics = analytics;
  }

  /**
   * The calls in {@code [startEpochNanos, endEpochNanos)}: from analytics, those whose calling span
   * started in the buckets that overlap it; from storage, those whose called span started in it.
   */
  ServiceMap between(long startEpochNanos, long endEpochNanos, Cancellation cancellation)
      throws IOException {
    if (analytics == null) {
      List<ServiceMap.Link> links = new ArrayList<>();
      for (DependencyLink link :
          storage.dependencies(startEpochNanos, endEpochNanos, cancellation)) {
        links.add(new ServiceMap.Link(link.parent(), link.child(), null, link.callCount(),
            link.errorCount(), List.of()));
      }
      return new ServiceMap(ServiceMap.Source.STORAGE, links, List.of());
    }
    long bucket = analytics.bucket().toMillis();
    long firstBucket = Math.floorDiv(Math.floorDiv(startEpochNanos, NANOS_PER_MILLI), bucket);
    long endBucket = -Math.floorDiv(Math.floorDiv(-endEpochNanos, NANOS_PER_MILLI), bucket);
    List<ServiceMap.Link> links = new ArrayList<>();
    for (ServiceEdge edge :
        analytics.edges(firstBucket * bucket, endBucket * bucket, ServiceMap.QUANTILES)) {
      List<Double> latencyMillis = new ArrayList<>(edge.quantileNanos().size());
      for (double nanos : edge.quantileNanos()) {
        latencyMillis.add(nanos / NANOS_PER_MILLI);
      }
      links.add(new ServiceMap.Link(edge.client(), edge.server(), edge.connectionType(),
          edge.calls(), edge.errors(), latencyMillis));
    }
    // After the edges: a read that finds an hour corrupt sets it aside, and the note names it.
    List<MissingMetrics> missing = analytics.missingCalls(firstBucket * bucket, endBucket * bucket);
    return new ServiceMap(ServiceMap.Source.ANALYTICS, links, missing);
  }
}
