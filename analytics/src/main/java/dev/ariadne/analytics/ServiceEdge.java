package dev.ariadne.analytics;

import java.util.List;

/**
 * An edge of the service map over a window: calls from {@code client} to {@code server}, of a
 * connection type ({@code ""} for a plain request, {@code "messaging_system"}, {@code "database"},
 * or {@code "virtual_node"} for a peer that sends no spans of its own), how many failed, and their
 * latency at each quantile asked for (nanoseconds).
 */
public record ServiceEdge(
    String client, String server, String connectionType, long calls, long errors,
    List<Double> quantileNanos) {
  public ServiceEdge {
    quantileNanos = List.copyOf(quantileNanos);
  }
}
