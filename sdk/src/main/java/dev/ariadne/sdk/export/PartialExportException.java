package dev.ariadne.sdk.export;

/**
 * How an export's future fails when some of its spans were lost and the others sent, so that its
 * caller can count each span as the exporter did. The OTLP exporter, for one, splits a batch the
 * collector finds too large, and loses only the spans too large alone.
 */
public final class PartialExportException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int failedSpanCount;

  /**
   * @param failedSpanCount how many spans were lost, at least 1
   * @throws IllegalArgumentException if {@code failedSpanCount} is below 1
   */
  public PartialExportException(int failedSpanCount, String message, Throwable cause) {
    super(message, cause);
    if (failedSpanCount < 1) {
      throw new IllegalArgumentException(
          "failedSpanCount: " + failedSpanCount + " (expected: >= 1)");
    }
    this.failedSpanCount = failedSpanCount;
  }

  /** How many of the export's spans were lost; the others were sent. */
  public int getFailedSpanCount() {
    return failedSpanCount;
  }
}
