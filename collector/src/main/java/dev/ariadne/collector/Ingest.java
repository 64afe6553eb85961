package dev.ariadne.collector;

import dev.ariadne.collector.Outcome.Kind;
import dev.ariadne.collector.Validator.Checked;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.internal.RepeatedFailure;
import dev.ariadne.storage.SpanWriter;
import dev.ariadne.storage.SpansTooLargeException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The path from a request body to storage, in two bounded stages.
 *
 * <ol>
 *   <li>Decoding: a plain body of at most {@code inlineDecodeBytes} is decoded and validated on
 *       the thread that submits it, the receiver's event loop, which waits at most about a
 *       millisecond for it: handing such a body to another thread cost more CPU than decoding it
 *       (measured, see {@code docs/benchmarks.md}). Larger and gzip bodies wait for a decoder
 *       thread while the bytes waiting stay within {@code maxQueuedBytes}; each decoder inflates,
 *       decodes and validates a body.
 *   <li>Writing: valid spans wait in the ingest queue while it holds at most {@code maxQueuedSpans}
 *       spans; writer threads take the queued requests, as many as fit in one batch, call {@link
 *       SpanWriter#write} once for them, and only then complete each request's outcome; then they
 *       pass the stored spans to the listener (analytics).
 * </ol>
 *
 * <p>A body that finds either stage full is refused at once ({@link Kind#REFUSED}). Thread-safe;
 * {@link #submit} never waits for another thread.
 */
final class Ingest implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Ingest.class.getName());

  /** The seconds a client is asked to wait after a refusal or a storage failure. */
  static final int RETRY_AFTER_SECONDS = 1;
  /** What a waiting body costs beyond its bytes, so empty bodies cannot queue without bound. */
  static final long REQUEST_OVERHEAD_BYTES = 1024;
  /**
   * The largest plain body decoded on the submitting thread: an exporter's usual batch (512 spans,
   * the OpenTelemetry SDK's batch processor's, are about 230 KB of the load generator's OTLP
   * protobuf) takes about a millisecond to decode, which is as long as a body may hold an event
   * loop.
   */
  static final int INLINE_DECODE_BYTES = 256 * 1024;
  /** A writer stops adding requests to a batch once it holds this many spans. */
  static final int MAX_BATCH_SPANS = 8192;
  private static final long CLOSE_TIMEOUT_SECONDS = 10;
  private static final String CLOSED_MESSAGE = "the collector is closed";
  private static final Outcome CLOSED = Outcome.failed(Kind.UNAVAILABLE, CLOSED_MESSAGE);
  /** How often storage writes that keep failing are reported at most. */
  private static final Duration FAILURE_REPORT_INTERVAL = Duration.ofMinutes(1);
  /** Tells a writer to stop; queued after every real request when closing. */
  private static final Pending STOP = new Pending(null, null, null);

  /** Reads one body format. */
  @FunctionalInterface
  interface Decoder {
    DecodeResult decode(byte[] body) throws MalformedException;
  }

  /** A request whose spans wait in the queue; compared by identity. */
  private static final class Pending {
    final Protocol protocol;
    final Checked checked;
    final CompletableFuture<Outcome> result;

    Pending(Protocol protocol, Checked checked, CompletableFuture<Outcome> result) {
      this.protocol = protocol;
      this.checked = checked;
      this.result = result;
    }
  }

  private final SpanWriter storage;
  private final Consumer<List<Span>> onStored;
  private final Validator validator;
  private final Meters meters;
  private final int maxRequestBytes;
  private final int maxQueuedSpans;
  private final long maxQueuedBytes;
  private final int inlineDecodeBytes;
  private final ExecutorService decoders;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private final AtomicLong queuedSpans = new AtomicLong();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final RepeatedFailure writeFailures = new RepeatedFailure(LOG, Level.WARNING,
      "Writing spans to storage", FAILURE_REPORT_INTERVAL);
  /** An agent's writes, which forward rather than store. */
  private final RepeatedFailure forwardFailures = new RepeatedFailure(LOG, Level.WARNING,
      "Forwarding spans", FAILURE_REPORT_INTERVAL);
  private volatile boolean closed;
  private volatile boolean writersDone;

  Ingest(SpanWriter storage, Consumer<List<Span>> onStored, Validator validator, Meters meters,
      int maxRequestBytes, int maxQueuedSpans, long maxQueuedBytes, int inlineDecodeBytes,
      int decoderThreads, int writerThreads) {
    this.storage = storage;
    this.onStored = onStored;
    this.validator = validator;
    this.meters = meters;
    this.maxRequestBytes = maxRequestBytes;
    this.maxQueuedSpans = maxQueuedSpans;
    this.maxQueuedBytes = maxQueuedBytes;
    this.inlineDecodeBytes = inlineDecodeBytes;
    AtomicInteger decoderCount = new AtomicInteger();
    decoders = new ThreadPoolExecutor(
        decoderThreads, decoderThreads, 0, TimeUnit.MILLISECONDS,
        // Unbounded in tasks, bounded in bytes by submit.
        new LinkedBlockingQueue<>(),
        task -> daemon(task, "ariadne-collector-decoder-" + decoderCount.incrementAndGet()));
    for (int i = 1; i <= writerThreads; i++) {
      Thread writer = daemon(this::writeLoop, "ariadne-collector-writer-" + i);
      writers.add(writer);
      writer.start();
    }
    meters.gauge("queue.depth", "Spans in the ingest queue, waiting for or in a storage write",
        queuedSpans, AtomicLong::get);
    meters.gauge("queue.capacity", "The most spans the ingest queue holds (maxQueuedSpans)",
        this, ingest -> ingest.maxQueuedSpans);
    meters.gauge("decode.queue.bytes", "Request body bytes waiting to be decoded",
        queuedBytes, AtomicLong::get);
  }

  /**
   * Decodes, validates and stores {@code body}: decoded on the calling thread if it is plain and
   * at most {@code inlineDecodeBytes}, else on a decoder thread; stored on a writer thread. The
   * outcome completes once the spans are stored, or as soon as the body is refused or found
   * invalid; it never fails exceptionally.
   */
  CompletableFuture<Outcome> submit(
      Protocol protocol, byte[] body, boolean gzip, Decoder decoder) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    if (closed) {
      result.complete(CLOSED);
      return result;
    }
    if (!gzip && body.length <= inlineDecodeBytes) {
      decode(protocol, body, false, decoder, result);
      return result;
    }
    long cost = body.length + REQUEST_OVERHEAD_BYTES;
    if (!reserve(queuedBytes, cost, maxQueuedBytes)) {
      result.complete(Outcome.failed(Kind.REFUSED,
          "the collector is busy: request bodies waiting to be decoded are at maxQueuedBytes ("
              + maxQueuedBytes + "); retry later"));
      return result;
    }
    try {
      decoders.execute(() -> {
        try {
          decode(protocol, body, gzip, decoder, result);
        } finally {
          queuedBytes.addAndGet(-cost);
        }
      });
    } catch (RejectedExecutionException e) {
      queuedBytes.addAndGet(-cost);
      result.complete(CLOSED);
    }
    return result;
  }

  long queuedSpans() {
    return queuedSpans.get();
  }

  private void decode(Protocol protocol, byte[] body, boolean gzip, Decoder decoder,
      CompletableFuture<Outcome> result) {
    Meters.SpanCounters counters = meters.spans(protocol);
    Checked checked;
    try {
      checked = validator.check(decoder.decode(gzip ? Gzip.inflate(body, maxRequestBytes) : body));
    } catch (MalformedException e) {
      result.complete(Outcome.failed(Kind.INVALID, e.getMessage()));
      return;
    } catch (Gzip.TooLargeException e) {
      result.complete(Outcome.failed(Kind.TOO_LARGE, e.getMessage()));
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "Could not decode a " + protocol.tag() + " request", e);
      result.complete(Outcome.failed(Kind.INTERNAL, "internal error while decoding: " + e));
      return;
    }
    int valid = checked.spans().size();
    counters.received.increment(valid + checked.rejected());
    counters.invalid.increment(checked.rejected());
    counters.attributesDropped.increment(checked.droppedAttributes());
    counters.attributesTruncated.increment(checked.truncatedValues());
    counters.namesTruncated.increment(checked.truncatedNames());
    counters.traceStatesTruncated.increment(checked.truncatedTraceStates());
    counters.eventsDropped.increment(checked.droppedEvents());
    counters.linksDropped.increment(checked.droppedLinks());
    if (valid == 0) {
      result.complete(checked.rejected() == 0
          ? Outcome.accepted(0, 0, checked.message())
          : Outcome.invalid(checked.rejected(), checked.message()));
      return;
    }
    if (valid > maxQueuedSpans) {
      counters.refused.increment(valid);
      result.complete(Outcome.notStored(Kind.TOO_LARGE, valid, "request has " + valid
          + " valid spans, more than maxQueuedSpans (" + maxQueuedSpans + ")"));
      return;
    }
    if (!reserve(queuedSpans, valid, maxQueuedSpans)) {
      counters.refused.increment(valid);
      result.complete(Outcome.notStored(Kind.REFUSED, valid,
          "the collector is busy: the ingest queue is at maxQueuedSpans (" + maxQueuedSpans
              + "); retry later"));
      return;
    }
    Pending pending = new Pending(protocol, checked, result);
    queue.add(pending);
    // Closing fails whatever it finds queued after the writers are gone; this is the other half.
    if (writersDone && queue.remove(pending)) {
      queuedSpans.addAndGet(-valid);
      fail(List.of(pending), CLOSED);
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      Pending next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (next == STOP) {
        return;
      }
      int spans = 0;
      while (next != null) {
        if (next == STOP) {
          stop = true;
          break;
        }
        batch.add(next);
        spans += next.checked.spans().size();
        next = spans < MAX_BATCH_SPANS ? queue.poll() : null;
      }
      write(batch, spans);
      batch.clear();
    }
  }

  /** Writes the batch's spans in one call, then completes each request. */
  private void write(List<Pending> batch, int spanCount) {
    List<Span> spans;
    if (batch.size() == 1) {
      spans = batch.get(0).checked.spans();
    } else {
      spans = new ArrayList<>(spanCount);
      for (Pending pending : batch) {
        spans.addAll(pending.checked.spans());
      }
    }
    long start = System.nanoTime();
    boolean written = false;
    SpansTooLargeException tooLarge = null;
    String failure = "storage failed; nothing was stored";
    try {
      storage.write(spans);
      written = true;
    } catch (SpansTooLargeException e) {
      written = true;
      tooLarge = e;
    } catch (UpstreamException e) {
      forwardFailures.failed(e);
      failure = "forwarding failed; nothing was stored: " + e.getMessage();
    } catch (IOException | RuntimeException e) {
      writeFailures.failed(e);
    } finally {
      meters.storageWrite(written, System.nanoTime() - start);
      queuedSpans.addAndGet(-spanCount);
      if (written) {
        writeFailures.succeeded();
        forwardFailures.succeeded();
        if (tooLarge == null) {
          for (Pending pending : batch) {
            Checked checked = pending.checked;
            meters.spans(pending.protocol).accepted.increment(checked.spans().size());
            pending.result.complete(
                Outcome.accepted(checked.spans().size(), checked.rejected(), checked.message()));
          }
          notifyStored(spans);
        } else {
          notifyStored(answerKept(batch, spanCount, tooLarge));
        }
      } else {
        fail(batch, Outcome.failed(Kind.UNAVAILABLE, failure));
      }
    }
  }

  /**
   * Completes each request of {@code batch} with the spans of it that the writer kept, naming the
   * ones it refused as too large as rejected (or, if it kept none of a request, answering that
   * request as too large), and returns the spans kept. A writer that names spans not in its write
   * is reported before any request is answered.
   */
  private List<Span> answerKept(List<Pending> batch, int spanCount,
      SpansTooLargeException tooLarge) {
    List<Span> kept = new ArrayList<>(spanCount);
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    int named = 0;
    for (Pending pending : batch) {
      Checked checked = pending.checked;
      int refused = 0;
      String reason = null;
      for (Span span : checked.spans()) {
        String why = tooLarge.reason(span);
        if (why == null) {
          kept.add(span);
        } else {
          refused++;
          reason = reason == null ? why : reason;
        }
      }
      named += refused;
      int stored = checked.spans().size() - refused;
      Meters.SpanCounters counters = meters.spans(pending.protocol);
      counters.accepted.increment(stored);
      counters.failed.increment(refused);
      if (refused == 0) {
        outcomes.add(Outcome.accepted(stored, checked.rejected(), checked.message()));
        continue;
      }
      String message = (refused == 1 ? "" : refused + " spans are too large; the first: ")
          + reason + (checked.message().isEmpty() ? "" : "; " + checked.message());
      outcomes.add(stored == 0
          ? Outcome.notStored(Kind.TOO_LARGE, refused, message)
          : Outcome.accepted(stored, checked.rejected() + refused, message));
    }
    if (named < tooLarge.count()) {
      LOG.log(Level.ERROR, "the span writer refused " + (tooLarge.count() - named)
          + " spans as too large that were not in its write", tooLarge);
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result.complete(outcomes.get(i));
    }
    return kept;
  }

  private void notifyStored(List<Span> spans) {
    try {
      onStored.accept(spans);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "the listener of stored spans failed for " + spans.size() + " spans", e);
    }
  }

  /** Completes each request of {@code batch} as not stored, with {@code outcome}'s kind. */
  private void fail(List<Pending> batch, Outcome outcome) {
    for (Pending pending : batch) {
      int spans = pending.checked.spans().size();
      meters.spans(pending.protocol).failed.increment(spans);
      pending.result.complete(Outcome.notStored(outcome.kind(), spans, outcome.message()));
    }
  }

  /** Whether {@code outcome} says the collector was closed, rather than that storage failed. */
  static boolean closed(Outcome outcome) {
    return outcome.kind() == Kind.UNAVAILABLE && outcome.message().equals(CLOSED_MESSAGE);
  }

  /**
   * Stops taking requests, decodes and writes what was already taken, and waits up to ten seconds
   * per stage; requests still queued after that are answered as unavailable.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    decoders.shutdown();
    try {
      if (!decoders.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        decoders.shutdownNow();
      }
      for (int i = 0; i < writers.size(); i++) {
        queue.add(STOP);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
      for (Thread writer : writers) {
        TimeUnit.NANOSECONDS.timedJoin(writer, Math.max(1, deadline - System.nanoTime()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writersDone = true;
    List<Pending> left = new ArrayList<>();
    for (Pending pending; (pending = queue.poll()) != null; ) {
      if (pending != STOP) {
        left.add(pending);
        queuedSpans.addAndGet(-pending.checked.spans().size());
      }
    }
    fail(left, CLOSED);
  }

  /** Adds {@code amount} to {@code counter} unless that would pass {@code max}. */
  private static boolean reserve(AtomicLong counter, long amount, long max) {
    while (true) {
      long current = counter.get();
      if (current + amount > max) {
        return false;
      }
      if (counter.compareAndSet(current, current + amount)) {
        return true;
      }
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
