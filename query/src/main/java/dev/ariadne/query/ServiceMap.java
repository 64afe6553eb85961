package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import dev.ariadne.analytics.MissingMetrics;
import dev.ariadne.storage.DependencyLink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The calls between services over a time range, as the dependency endpoints serve them, where
 * they came from, and what they are known to lack. From analytics a link is an edge of the service
 * graph, with its connection type and latency percentiles, and may lead to a peer that sends no
 * spans; from storage a link has neither connection type nor latency, and nothing is known to be
 * missing.
 */
record ServiceMap(Source source, List<Link> links, List<MissingMetrics> missing) {
  /** The latency percentiles of a link from analytics. */
  static final List<Double> QUANTILES = List.of(0.5, 0.95, 0.99);
  /** The names of {@link #QUANTILES}. */
  static final List<String> QUANTILE_NAMES = List.of("p50", "p95", "p99");
  /** The connection types of calls to a peer that sends no spans, as analytics names them. */
  private static final Set<String> PEER_CONNECTIONS = Set.of("database", "virtual_node");

  ServiceMap {
    requireNonNull(source, "source");
    links = List.copyOf(links);
    missing = List.copyOf(missing);
  }

  /** Where a map came from, as the native API names it. */
  enum Source {
    ANALYTICS("analytics"),
    STORAGE("storage");

    final String label;

    Source(String label) {
      this.label = label;
    }
  }

  /**
   * Calls from {@code parent} to {@code child}.
   *
   * @param connectionType {@code ""}, {@code messaging_system}, {@code database} or {@code
   *     virtual_node}; null from storage
   * @param latencyMillis the latency at each of {@link #QUANTILES}; empty from storage
   */
  record Link(String parent, String child, String connectionType, long callCount,
      long errorCount, List<Double> latencyMillis) {
    Link {
      requireNonNull(parent, "parent");
      requireNonNull(child, "child");
      latencyMillis = List.copyOf(latencyMillis);
    }

    boolean toPeer() {
      return connectionType != null && PEER_CONNECTIONS.contains(connectionType);
    }
  }

  /** A service, which sends spans, or a peer: only ever called, as a database or virtual node. */
  record Node(String name, boolean peer) {
    String kind() {
      return peer ? "peer" : "service";
    }
  }

  /**
   * One link per parent and child, its calls summed over connection types, sorted by parent then
   * child: the map as Jaeger and Zipkin draw it.
   */
  List<DependencyLink> pairs() {
    Map<Pair, long[]> counts = new TreeMap<>(
        Comparator.comparing(Pair::parent).thenComparing(Pair::child));
    for (Link link : links) {
      long[] count =
          counts.computeIfAbsent(new Pair(link.parent(), link.child()), pair -> new long[2]);
      count[0] += link.callCount();
      count[1] += link.errorCount();
    }
    List<DependencyLink> pairs = new ArrayList<>(counts.size());
    counts.forEach((pair, count) ->
        pairs.add(new DependencyLink(pair.parent(), pair.child(), count[0], count[1])));
    return pairs;
  }

  private record Pair(String parent, String child) {}

  /** Every service and peer of the links, sorted by name. */
  List<Node> nodes() {
    Set<String> names = new TreeSet<>();
    Set<String> services = new TreeSet<>();
    for (Link link : links) {
      names.add(link.parent());
      names.add(link.child());
      services.add(link.parent());
      if (!link.toPeer()) {
        services.add(link.child());
      }
    }
    List<Node> nodes = new ArrayList<>(names.size());
    for (String name : names) {
      nodes.add(new Node(name, !services.contains(name)));
    }
    return nodes;
  }
}
