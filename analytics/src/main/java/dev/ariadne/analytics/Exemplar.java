package dev.ariadne.analytics;

import dev.ariadne.model.TraceId;

/**
 * A real span behind a metric point, so that a chart can link to its trace: one of the slowest
 * spans of the point's bucket, or one of its failed ones.
 */
public record Exemplar(
    TraceId traceId, long spanId, long startEpochNanos, long durationNanos, boolean error) {}
