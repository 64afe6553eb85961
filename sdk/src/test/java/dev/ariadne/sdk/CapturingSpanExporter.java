package dev.ariadne.sdk;

import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.SpanExporter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * An in-memory {@link SpanExporter} that keeps every batch it is handed and can be told to fail,
 * throw, never answer, or block its caller, so that processors can be tested against each. Its
 * waits are bounded so a broken processor fails a test instead of hanging it.
 */
public final class CapturingSpanExporter implements SpanExporter {
  /** How {@link #export} answers. */
  public enum Behavior {
    /** Completes the future at once. */
    SUCCEED,
    /** Completes the future exceptionally at once. */
    FAIL,
    /** Throws from {@code export} instead of returning a future. */
    THROW,
    /** Returns a future that completes only on {@link #release()}. */
    HOLD,
    /** Blocks the calling thread until {@link #release()}, then succeeds. */
    BLOCK
  }

  private static final Duration MAX_WAIT = Duration.ofSeconds(10);

  private final CountDownLatch released = new CountDownLatch(1);
  private final List<List<SpanData>> batches = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final List<CompletableFuture<Void>> held = new ArrayList<>();
  private volatile Behavior behavior = Behavior.SUCCEED;
  private volatile boolean blockShutdown;
  private volatile boolean throwFromFlushAndShutdown;
  private final AtomicReference<Runnable> onNextFlush = new AtomicReference<>();

  public CapturingSpanExporter behave(Behavior behavior) {
    this.behavior = behavior;
    return this;
  }

  @Override
  public CompletableFuture<Void> export(Collection<SpanData> spans) {
    List<SpanData> batch = List.copyOf(spans); // the caller may reuse its collection
    Behavior now = behavior;
    synchronized (this) {
      batches.add(batch);
      calls.add("export:" + batch.size());
      notifyAll();
    }
    switch (now) {
      case FAIL:
        return CompletableFuture.failedFuture(new IOException("export failed on purpose"));
      case THROW:
        throw new IllegalStateException("exporter threw on purpose");
      case HOLD:
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
          held.add(future);
        }
        if (released.getCount() == 0) future.complete(null);
        return future;
      case BLOCK:
        awaitRelease();
        return CompletableFuture.completedFuture(null);
      default:
        return CompletableFuture.completedFuture(null);
    }
  }

  @Override
  public CompletableFuture<Void> flush() {
    synchronized (this) {
      calls.add("flush");
    }
    Runnable hook = onNextFlush.getAndSet(null);
    if (hook != null) hook.run();
    if (throwFromFlushAndShutdown) throw new IllegalStateException("flush threw on purpose");
    return CompletableFuture.completedFuture(null);
  }

  /** Runs {@code hook} on the caller's thread inside the next call to {@link #flush()}. */
  public CapturingSpanExporter onNextFlush(Runnable hook) {
    onNextFlush.set(hook);
    return this;
  }

  /** Makes {@link #flush()} and {@link #shutdown()} throw instead of returning a future. */
  public CapturingSpanExporter throwFromFlushAndShutdown() {
    throwFromFlushAndShutdown = true;
    return this;
  }

  /** Makes {@link #shutdown()} block its caller until {@link #release()}. */
  public CapturingSpanExporter blockShutdown() {
    blockShutdown = true;
    return this;
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    synchronized (this) {
      calls.add("shutdown");
      notifyAll();
    }
    if (blockShutdown) awaitRelease();
    if (throwFromFlushAndShutdown) throw new IllegalStateException("shutdown threw on purpose");
    return CompletableFuture.completedFuture(null);
  }

  /** Unblocks {@link Behavior#BLOCK} callers and completes {@link Behavior#HOLD} futures. */
  public void release() {
    released.countDown();
    List<CompletableFuture<Void>> toComplete;
    synchronized (this) {
      toComplete = List.copyOf(held);
    }
    toComplete.forEach(f -> f.complete(null));
  }

  /** The futures {@link Behavior#HOLD} returned, in order. */
  public synchronized List<CompletableFuture<Void>> heldFutures() {
    return List.copyOf(held);
  }

  /** Every batch handed to {@link #export}, whatever the answer was. */
  public synchronized List<List<SpanData>> batches() {
    return List.copyOf(batches);
  }

  /** Every span handed to {@link #export}, in order. */
  public synchronized List<SpanData> spans() {
    List<SpanData> all = new ArrayList<>();
    batches.forEach(all::addAll);
    return all;
  }

  /** The calls received, in order: {@code export:<size>}, {@code flush}, {@code shutdown}. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** Waits until {@link #export} has been called {@code count} times; false after 10 seconds. */
  public synchronized boolean awaitExportCalls(int count) throws InterruptedException {
    return awaitCalls(() -> batches.size() >= count);
  }

  /** Waits until {@link #shutdown()} has been called; false after 10 seconds. */
  public synchronized boolean awaitShutdownCall() throws InterruptedException {
    return awaitCalls(() -> calls.contains("shutdown"));
  }

  private boolean awaitCalls(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private void awaitRelease() {
    try {
      released.await(MAX_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "CapturingSpanExporter";
  }
}
