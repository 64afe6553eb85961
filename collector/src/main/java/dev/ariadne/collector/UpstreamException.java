package dev.ariadne.collector;

import java.io.IOException;

/**
 * Thrown by a {@link dev.ariadne.storage.SpanWriter} that forwards spans (an agent's) when the
 * collector it forwards to did not acknowledge them. Its message names that collector and its
 * answer, and the collector tells it to the clients whose spans were in the write, in place of the
 * "storage failed" it says for any other failure (whose message may name a storage backend's
 * files). Nothing of the write counts as kept.
 */
public final class UpstreamException extends IOException {
  private static final long serialVersionUID = 1L;

  public UpstreamException(String message) {
    super(message);
  }
}
