package dev.ariadne.collector;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.SpansTooLargeException;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A memory store whose writes a test controls: after {@link #closeGate()} each write waits at the
 * gate until {@link #open()}; {@link #entered} counts the writes that reached it; {@link
 * #failWith(IOException)} makes writes throw instead of storing; {@link #refuseAsTooLarge} makes
 * them keep every span but those of one span ID, as a Kafka writer keeps every span but those larger
 * than a record. Reads go straight to the memory.
 */
final class GatedStorage implements Storage {
  final MemoryStorage memory = MemoryStorage.create(100_000);
  /** The size of every batch written, in order. */
  final List<Integer> writes = new CopyOnWriteArrayList<>();
  final Semaphore entered = new Semaphore(0);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile IOException failure;
  private volatile long tooLargeSpanId;

  /** Makes later writes wait at the gate. */
  void closeGate() {
    gate = new CountDownLatch(1);
  }

  void open() {
    gate.countDown();
  }

  void failWith(IOException failure) {
    this.failure = failure;
  }

  /** Makes later writes refuse, as too large, every span whose span ID is {@code spanId}. */
  void refuseAsTooLarge(long spanId) {
    this.tooLargeSpanId = spanId;
  }

  /** Waits until a write reached the gate. */
  void awaitWrite() throws InterruptedException {
    if (!entered.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no write reached the storage");
    }
  }

  @Override
  public void write(List<Span> spans) throws IOException {
    entered.release();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IOException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    IOException failure = this.failure;
    if (failure != null) {
      throw failure;
    }
    IdentityHashMap<Span, String> tooLarge = new IdentityHashMap<>();
    List<Span> kept = new ArrayList<>(spans.size());
    for (Span span : spans) {
      if (span.spanId() == tooLargeSpanId) {
        tooLarge.put(span, "span " + span.spanId() + " of trace " + span.traceId().toHex()
            + " is too large");
      } else {
        kept.add(span);
      }
    }
    writes.add(kept.size());
    memory.write(kept);
    if (!tooLarge.isEmpty()) {
      throw new SpansTooLargeException(tooLarge);
    }
  }

  @Override
  public List<Span> trace(TraceId traceId) {
    return memory.trace(traceId);
  }

  @Override
  public List<TraceSummary> search(TraceQuery query) throws IOException {
    return memory.search(query);
  }

  @Override
  public List<String> services() {
    return memory.services();
  }

  @Override
  public List<Operation> operations(String serviceName) {
    return memory.operations(serviceName);
  }

  @Override
  public List<String> attributeKeys(Optional<String> serviceName, int limit) {
    return memory.attributeKeys(serviceName, limit);
  }

  @Override
  public List<String> attributeValues(Optional<String> serviceName, String key, int limit) {
    return memory.attributeValues(serviceName, key, limit);
  }

  @Override
  public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
      Cancellation cancellation) throws IOException {
    return memory.dependencies(startEpochNanos, endEpochNanos, cancellation);
  }

  @Override
  public void close() {
    memory.close();
  }
}
