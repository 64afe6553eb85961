package dev.ariadne.sdk.sampling;

/** What a sampler decided for a new span. */
public enum SamplingDecision {
  /** Not recorded, not exported; the span only propagates its context, flagged not sampled. */
  DROP,
  /** Recorded for local span processors but not exported, and flagged not sampled. */
  RECORD_ONLY,
  /** Recorded, exported, and flagged sampled so downstream services keep the trace too. */
  RECORD_AND_SAMPLE
}
