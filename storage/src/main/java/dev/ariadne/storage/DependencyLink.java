package dev.ariadne.storage;

import static java.util.Objects.requireNonNull;

/**
 * Calls from one service to another in some time range: {@code callCount} calls, of which {@code
 * errorCount} failed. See {@link Storage#dependencies} for how calls are counted.
 */
public record DependencyLink(String parent, String child, long callCount, long errorCount) {
  public DependencyLink {
    requireNonNull(parent, "parent");
    requireNonNull(child, "child");
    if (callCount < 1) {
      throw new IllegalArgumentException("callCount: " + callCount + " (expected: >= 1)");
    }
    if (errorCount < 0 || errorCount > callCount) {
      throw new IllegalArgumentException(
          "errorCount: " + errorCount + " (expected: 0 to callCount " + callCount + ")");
    }
  }
}
