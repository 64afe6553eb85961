package dev.ariadne.model.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The log of a failure that can repeat many times a second, such as a full disk refusing every
 * write or a background task retried every second: one line when it starts, one line per interval
 * saying how many times it came back, and one line when it ends, instead of a line (and a stack
 * trace) per occurrence, which would bury the cause and could fill the very disk that is full.
 *
 * <p>An occurrence whose text differs from the one being repeated is logged at once. The failure
 * ends at the first success that comes {@link #SETTLE} after its last occurrence, so that work
 * which fails and succeeds by turns (a disk with a little room now and then) is one failure, not
 * a start and an end per turn. A failure that is an {@link IOException} is logged as its messages
 * alone: it comes from the environment, and its messages say what happened. Any other carries its
 * stack trace, which is what finds a bug. Thread-safe; {@link #succeeded()} costs a volatile read
 * while nothing is failing.
 */
public final class RepeatedFailure {
  /** How long work must go without failing before a success ends the failure. */
  static final Duration SETTLE = Duration.ofSeconds(5);
  /** How deep {@link #messages} follows causes, so that a cycle of causes cannot loop. */
  private static final int MAX_CAUSES = 8;

  private final Logger log;
  private final Level level;
  private final String what;
  private final long intervalNanos;
  private final LongSupplier nanoTime;

  private volatile boolean failing;
  private String text;
  private long sinceNanos;
  private long lastNanos;
  private long reportedNanos;
  private long unreported;
  private long total;

  /**
   * @param what the work that fails, as the subject of a sentence: "Writing spans to storage"
   * @param interval how often a repeating failure is reported at most
   */
  public RepeatedFailure(Logger log, Level level, String what, Duration interval) {
    this(log, level, what, interval, System::nanoTime);
  }

  RepeatedFailure(Logger log, Level level, String what, Duration interval, LongSupplier nanoTime) {
    this.log = log;
    this.level = level;
    this.what = what;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Records one occurrence of {@code failure}, logging it if it starts or changes. */
  public synchronized void failed(Throwable failure) {
    String occurrence = messages(failure);
    long now = nanoTime.getAsLong();
    lastNanos = now;
    if (!failing) {
      failing = true;
      sinceNanos = now;
      total = 0;
    }
    total++;
    if (occurrence.equals(text)) {
      unreported++;
      if (now - reportedNanos >= intervalNanos) {
        report(now);
      }
      return;
    }
    if (unreported > 0) {
      report(now);
    }
    text = occurrence;
    reportedNanos = now;
    if (failure instanceof IOException) {
      log.log(level, what + " failed: " + occurrence);
    } else {
      log.log(level, what + " failed: " + occurrence, failure);
    }
  }

  /** Records a success, logging the end of the failure if one was going on and has settled. */
  public void succeeded() {
    if (!failing) {
      return;
    }
    synchronized (this) {
      if (!failing || nanoTime.getAsLong() - lastNanos < SETTLE.toNanos()) {
        return;
      }
      String times = total == 1 ? "once"
          : total + " times over " + seconds(lastNanos - sinceNanos);
      log.log(Level.INFO, what + " works again, after failing " + times + " (the last time: "
          + text + ")");
      failing = false;
      text = null;
      unreported = 0;
    }
  }

  private void report(long now) {
    log.log(level, what + " failed " + (unreported == 1 ? "once" : unreported + " times")
        + " more in the last " + seconds(now - reportedNanos) + ": " + text);
    unreported = 0;
    reportedNanos = now;
  }

  /**
   * The messages of {@code failure} and its causes, joined by ": ", each left out when the one
   * before already holds it (as a wrapping exception's message often holds its cause's).
   */
  static String messages(Throwable failure) {
    StringBuilder result = new StringBuilder();
    String previous = "";
    int depth = 0;
    for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (!previous.contains(message)) {
        if (result.length() > 0) {
          result.append(": ");
        }
        result.append(message);
      }
      previous = message;
    }
    return result.toString();
  }

  private static String seconds(long nanos) {
    return Counted.of(Math.max(1, Math.round(nanos / 1e9)), "second");
  }
}
