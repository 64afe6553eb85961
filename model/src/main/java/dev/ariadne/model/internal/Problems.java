package dev.ariadne.model.internal;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * The rejected spans and warnings of one request: counts them all and keeps the first few
 * messages, so a request full of bad spans cannot make the answer as large as the request. For the
 * same reason, request text in a message is cut short ({@link #quote}, {@link #cut}, {@link
 * #cutMessage}). Not thread-safe.
 */
public final class Problems {
  /** How many messages a result quotes; every rejection is counted. */
  public static final int MAX_MESSAGES = 5;
  /** How much of a value from a request a message quotes. */
  private static final int MAX_QUOTED = 40;
  /** How much of a parser's message, which may quote a whole struct, a message keeps. */
  private static final int MAX_MESSAGE_CHARS = 200;

  private final List<String> messages = new ArrayList<>(MAX_MESSAGES);
  private int total;
  private int rejected;

  /** One span is not accepted, for the reason given. */
  public void reject(String message) {
    rejected++;
    note(message);
  }

  /** Part of a span was dropped, but the span is accepted. */
  public void warn(String message) {
    note(message);
  }

  /** How many spans were rejected so far. */
  public int rejectedCount() {
    return rejected;
  }

  /** The accepted {@code spans}, the rejected count and the first messages. */
  public DecodeResult result(List<Span> spans) {
    String message = String.join("; ", messages);
    if (total > messages.size()) {
      message += " (and " + (total - messages.size()) + " more)";
    }
    return new DecodeResult(spans, rejected, message);
  }

  /** {@code "value"}, cut short. */
  public static String quote(String value) {
    return '"' + cut(value) + '"';
  }

  /** A value from a request, cut short. */
  public static String cut(String value) {
    return cut(value, MAX_QUOTED);
  }

  /** A parser's message about a request, cut short: it may quote the request at length. */
  public static String cutMessage(String message) {
    return cut(message, MAX_MESSAGE_CHARS);
  }

  /** The first {@code max} characters and an ellipsis, never half of a surrogate pair. */
  private static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }

  private void note(String message) {
    total++;
    if (messages.size() < MAX_MESSAGES) {
      messages.add(message);
    }
  }
}
