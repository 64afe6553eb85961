package dev.ariadne.sdk;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.SpanProcessor;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a processor's failures from the application: what one of its methods throws is caught,
 * counted and logged, at most once a minute, and the span goes on without it; a flush or shutdown
 * that throws, or returns no future, fails the future returned instead. Only the errors that leave
 * the JVM itself unsound ({@link VirtualMachineError}: out of memory, stack overflow, …) and a
 * {@link ThreadDeath} pass through; a {@link LinkageError} is the processor's own class path and is
 * caught like an exception. A call that does not throw costs no allocation and no volatile read.
 */
final class GuardedSpanProcessor implements SpanProcessor {
  private static final System.Logger LOG = System.getLogger(SdkTracerProvider.class.getName());
  /** At most one warning of a processor's failures in this time. */
  private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final SpanProcessor processor;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong failuresWarnedOf = new AtomicLong();
  private final AtomicLong lastWarning;

  GuardedSpanProcessor(SpanProcessor processor) {
    this.processor = processor;
    lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);
  }

  @Override
  public void onStart(Context parentContext, Span span) {
    try {
      processor.onStart(parentContext, span);
    } catch (Throwable e) {
      failed("onStart", e);
    }
  }

  @Override
  public void onEnd(SpanData span) {
    try {
      processor.onEnd(span);
    } catch (Throwable e) {
      failed("onEnd", e);
    }
  }

  @Override
  public CompletableFuture<Void> forceFlush() {
    try {
      return orFailure(processor.forceFlush(), "forceFlush");
    } catch (Throwable e) {
      failed("forceFlush", e);
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    try {
      return orFailure(processor.shutdown(), "shutdown");
    } catch (Throwable e) {
      failed("shutdown", e);
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Void> orFailure(CompletableFuture<Void> future, String method) {
    if (future != null) return future;
    NullPointerException e = new NullPointerException(method + " returned no future");
    failed(method, e);
    return CompletableFuture.failedFuture(e);
  }

  /** Rethrows what must not be caught; counts the rest, and says so if a minute has passed. */
  private void failed(String method, Throwable e) {
    if (e instanceof VirtualMachineError || e instanceof ThreadDeath) throw (Error) e;
    long total = failures.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last < WARNING_INTERVAL_NANOS || !lastWarning.compareAndSet(last, now)) return;
    long count = total - failuresWarnedOf.getAndSet(total);
    LOG.log(Level.WARNING, "span processor " + processor + " failed " + count
        + (count == 1 ? " time" : " times") + " since the last such line, this time in " + method
        + "; the SDK caught it and went on, tracing without it; at most one such line a minute per"
        + " processor", e);
  }

  @Override
  public String toString() {
    return processor.toString();
  }
}
