package dev.ariadne.model.jaeger;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * The rejected spans and warnings of one request: counts them all and keeps the first few messages,
 * so a request full of bad spans cannot make the answer as large as the request.
 */
final class Problems {
  static final int MAX_MESSAGES = 5;

  private final List<String> messages = new ArrayList<>(MAX_MESSAGES);
  private int total;
  private int rejected;

  /** One span is not accepted, for the reason given. */
  void reject(String message) {
    rejected++;
    note(message);
  }

  /** Part of a span was dropped, but the span is accepted. */
  void warn(String message) {
    note(message);
  }

  DecodeResult result(List<Span> spans) {
    String message = String.join("; ", messages);
    if (total > messages.size()) {
      message += " (and " + (total - messages.size()) + " more)";
    }
    return new DecodeResult(spans, rejected, message);
  }

  private void note(String message) {
    total++;
    if (messages.size() < MAX_MESSAGES) {
      messages.add(message);
    }
  }
}
