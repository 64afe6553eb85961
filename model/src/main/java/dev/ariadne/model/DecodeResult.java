package dev.ariadne.model;

import java.util.List;
import java.util.Objects;

/**
 * What a decoder made of a request that could be parsed: the spans it accepted, how many spans it
 * rejected, and why. It is what a receiver needs to answer, for example OTLP's partial success
 * ({@code ExportTracePartialSuccess.rejected_spans} and {@code error_message}).
 *
 * <p>{@code errorMessage} is empty when nothing was wrong; otherwise it holds the first few
 * problems, each with its place in the request, joined by {@code "; "}. It can be non-empty with
 * {@code rejectedCount} 0 when a span was accepted without a part of it (an invalid link), which
 * OTLP lets a server report as a warning. Messages quote request text: treat them as untrusted.
 */
public record DecodeResult(List<Span> spans, int rejectedCount, String errorMessage) {
  public DecodeResult {
    spans = List.copyOf(spans);
    if (rejectedCount < 0) {
      throw new IllegalArgumentException("rejectedCount: " + rejectedCount + " (expected: >= 0)");
    }
    Objects.requireNonNull(errorMessage, "errorMessage");
  }
}
