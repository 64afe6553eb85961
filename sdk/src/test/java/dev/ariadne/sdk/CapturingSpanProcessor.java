package dev.ariadne.sdk;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.SpanProcessor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link SpanProcessor} that keeps every span it sees, sampled or not, started or ended. */
public final class CapturingSpanProcessor implements SpanProcessor {
  private final List<Span> started = new CopyOnWriteArrayList<>();
  private final List<Context> parentContexts = new CopyOnWriteArrayList<>();
  private final List<SpanData> ended = new CopyOnWriteArrayList<>();
  private final List<String> log;
  private final String name;
  private final AtomicInteger flushes = new AtomicInteger();
  private final AtomicInteger shutdowns = new AtomicInteger();

  public CapturingSpanProcessor() {
    this("processor", new CopyOnWriteArrayList<>());
  }

  /** A processor that also appends {@code name:onStart} and {@code name:onEnd} to a shared log. */
  public CapturingSpanProcessor(String name, List<String> log) {
    this.name = name;
    this.log = log;
  }

  @Override
  public void onStart(Context parentContext, Span span) {
    parentContexts.add(parentContext);
    started.add(span);
    log.add(name + ":onStart");
  }

  @Override
  public void onEnd(SpanData span) {
    ended.add(span);
    log.add(name + ":onEnd");
  }

  @Override
  public CompletableFuture<Void> forceFlush() {
    flushes.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    shutdowns.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  public List<Span> started() {
    return List.copyOf(started);
  }

  public List<Context> parentContexts() {
    return List.copyOf(parentContexts);
  }

  public List<SpanData> ended() {
    return List.copyOf(ended);
  }

  /** The only span ended so far; fails if there is not exactly one. */
  public SpanData onlyEnded() {
    if (ended.size() != 1) throw new AssertionError("expected one ended span, got " + ended);
    return ended.get(0);
  }

  public int flushCount() {
    return flushes.get();
  }

  public int shutdownCount() {
    return shutdowns.get();
  }
}
