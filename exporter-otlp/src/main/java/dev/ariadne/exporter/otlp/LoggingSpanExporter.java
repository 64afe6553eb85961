package dev.ariadne.exporter.otlp;

import static java.util.Objects.requireNonNull;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.AttributeType;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.SpanExporter;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Writes each span as one line of text, for local debugging: trace ID, span ID, parent, name,
 * kind, duration, status, attributes, events and links. Strings are quoted with control characters
 * escaped, so a stack trace stays on its span's line. Writes to {@link System.Logger} at INFO, or
 * to a given {@link PrintStream}, on the calling thread. Thread-safe.
 *
 * <p>Spans the logger is given while the JVM exits are printed on standard error instead: the
 * logging framework may have closed by then, as {@code java.util.logging} does in a shutdown hook
 * of its own, which runs alongside the one that exports the spans still queued.
 */
public final class LoggingSpanExporter implements SpanExporter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Consumer<String> sink;
  /** Whether {@link #sink} is a logger, which may be closed while the JVM exits. */
  private final boolean logger;
  private volatile boolean shutdown;

  private LoggingSpanExporter(Consumer<String> sink, boolean logger) {
    this.sink = sink;
    this.logger = logger;
  }

  /**
   * Logs to the {@code System.Logger} named after this class, at INFO; while the JVM exits, prints
   * on standard error.
   */
  public static LoggingSpanExporter create() {
    System.Logger logger = System.getLogger(LoggingSpanExporter.class.getName());
    return new LoggingSpanExporter(line -> logger.log(Level.INFO, line), true);
  }

  /** Prints each span as a line on {@code out}. */
  public static LoggingSpanExporter create(PrintStream out) {
    requireNonNull(out, "out");
    return new LoggingSpanExporter(out::println, false);
  }

  @Override
  public CompletableFuture<Void> export(Collection<SpanData> spans) {
    if (shutdown) {
      return CompletableFuture.failedFuture(new IllegalStateException("exporter is shut down"));
    }
    Consumer<String> to = logger && exiting() ? System.err::println : sink;
    try {
      for (SpanData span : spans) to.accept(format(span));
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> flush() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    shutdown = true;
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Whether the JVM has begun to exit: shutdown hooks can no longer be added then. Costs a thread
   * object and two registry updates, not a thread: fine for a debugging exporter.
   */
  private static boolean exiting() {
    Thread probe = new Thread(() -> {}, "ariadne-exit-probe");
    try {
      Runtime.getRuntime().addShutdownHook(probe);
    } catch (IllegalStateException e) {
      return true;
    }
    Runtime.getRuntime().removeShutdownHook(probe);
    return false;
  }

  static String format(SpanData span) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    StringBuilder line = new StringBuilder(256);
    line.append("span ").append(context.getTraceId()).append(' ').append(context.getSpanId());
    line.append(" parent=").append(parent.isValid() ? parent.getSpanId() : "-");
    line.append(" name=");
    quote(line, span.getName());
    line.append(" kind=").append(span.getKind());
    line.append(" duration=");
    millis(line, span.getEndEpochNanos() - span.getStartEpochNanos());
    line.append(" status=").append(span.getStatusCode());
    String description = span.getStatusDescription();
    if (description != null && !description.isEmpty()) {
      line.append('(');
      quote(line, description);
      line.append(')');
    }
    line.append(" attributes=");
    attributes(line, span.getAttributes());
    line.append(" events=[");
    List<EventData> events = span.getEvents();
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      if (i > 0) line.append(", ");
      quote(line, event.getName());
      line.append(" at +");
      millis(line, event.getEpochNanos() - span.getStartEpochNanos());
      line.append(' ');
      attributes(line, event.getAttributes());
    }
    line.append("] links=[");
    List<LinkData> links = span.getLinks();
    for (int i = 0; i < links.size(); i++) {
      SpanContext linked = links.get(i).getSpanContext();
      if (i > 0) line.append(", ");
      line.append(linked.getTraceId()).append(' ').append(linked.getSpanId()).append(' ');
      attributes(line, links.get(i).getAttributes());
    }
    line.append("] scope=").append(span.getInstrumentationScope());
    return line.append(" service=").append(span.getResource().getServiceName()).toString();
  }

  private static void attributes(StringBuilder line, Attributes attributes) {
    line.append('{');
    for (int i = 0; i < attributes.size(); i++) {
      AttributeKey<?> key = attributes.getKey(i);
      if (i > 0) line.append(", ");
      line.append(key.getName()).append('=');
      Object value = attributes.getValue(i);
      if (key.getType() == AttributeType.STRING) {
        quote(line, (String) value);
      } else if (key.getType() == AttributeType.STRING_ARRAY) {
        List<?> values = (List<?>) value;
        line.append('[');
        for (int j = 0; j < values.size(); j++) {
          if (j > 0) line.append(", ");
          quote(line, (String) values.get(j));
        }
        line.append(']');
      } else {
        line.append(value);
      }
    }
    line.append('}');
  }

  /** Appends nanoseconds as milliseconds with three decimals: {@code 12.345ms}. */
  private static void millis(StringBuilder line, long nanos) {
    if (nanos < 0) line.append('-');
    long micros = Math.abs(nanos / 1000);
    line.append(micros / 1000).append('.');
    long fraction = micros % 1000;
    if (fraction < 100) line.append('0');
    if (fraction < 10) line.append('0');
    line.append(fraction).append("ms");
  }

  private static void quote(StringBuilder line, String s) {
    if (s == null) {
      line.append("null");
      return;
    }
    line.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          line.append("\\\"");
          break;
        case '\\':
          line.append("\\\\");
          break;
        case '\n':
          line.append("\\n");
          break;
        case '\r':
          line.append("\\r");
          break;
        case '\t':
          line.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            line.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xf])
                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
          } else {
            line.append(c);
          }
      }
    }
    line.append('"');
  }
}
