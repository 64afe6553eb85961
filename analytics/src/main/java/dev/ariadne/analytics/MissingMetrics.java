package dev.ariadne.analytics;

/**
 * Metrics that an answer over a time range lacks, and why: what left them out ({@link Cause}, each
 * named after the setting that decides it), the part of the range they are missing from
 * ({@code fromMillis} to {@code toMillis}, epoch milliseconds), how many went uncounted since the
 * server started ({@code count}: for {@link Cause#MAX_SERIES} spans of RED metrics or calls of the
 * service graph, for {@link Cause#MAX_PENDING_CALLS} spans dropped from the pairing table; -1 when
 * it is not known whether any did, or for the other causes), and a sentence that says all this to
 * a user.
 */
public record MissingMetrics(
    Cause cause, long fromMillis, long toMillis, long count, String message) {

  /** What left metrics out. */
  public enum Cause {
    /**
     * Spans of series past {@code analytics.max-series}, counted in the overflow series instead:
     * from the start of the first such span to the start of the last.
     */
    MAX_SERIES("analytics.max-series"),
    /** Metrics older than {@code analytics.retention}: deleted, or never counted. */
    RETENTION("analytics.retention"),
    /** Hours dropped, oldest first, to keep within {@code analytics.memory-max}. */
    MEMORY_MAX("analytics.memory-max"),
    /**
     * Spans of the service graph not held for pairing because {@code analytics.max-pending-calls}
     * spans were waiting: the calls they made or received may be missing; from the start of the
     * first such span to the start of the last.
     */
    MAX_PENDING_CALLS("analytics.max-pending-calls"),
    /** Hours whose file failed its checksums and was set aside; no setting decides it. */
    CORRUPT(null);

    private final String setting;

    Cause(String setting) {
      this.setting = setting;
    }

    /** The setting that decides it, such as {@code analytics.max-series}; null for {@link #CORRUPT}. */
    public String setting() {
      return setting;
    }
  }
}
