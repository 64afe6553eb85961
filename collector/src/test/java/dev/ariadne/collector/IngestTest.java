package dev.ariadne.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.ariadne.collector.Outcome.Kind;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.SpanWriter;
import dev.ariadne.storage.SpansTooLargeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ingest pipeline alone: decoders are lambdas, storage is gated. */
class IngestTest {
  final GatedStorage storage = new GatedStorage();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Meters meters = new Meters(registry);
  Ingest ingest = ingest(4, 1L << 20, 1);

  Ingest ingest(int maxQueuedSpans, long maxQueuedBytes, int writerThreads) {
    return ingest(maxQueuedSpans, maxQueuedBytes, Ingest.INLINE_DECODE_BYTES, writerThreads);
  }

  Ingest ingest(int maxQueuedSpans, long maxQueuedBytes, int inlineDecodeBytes, int writerThreads) {
    return new Ingest(storage, spans -> {}, new Validator(100, 100, 100, 1000, 1000), meters,
        1 << 20, maxQueuedSpans, maxQueuedBytes, inlineDecodeBytes, 1, writerThreads);
  }

  @AfterEach
  void close() {
    storage.open();
    ingest.close();
    meters.close();
  }

  /** A decoder that ignores the body and returns {@code count} valid spans of a new trace. */
  static Ingest.Decoder spans(int count) {
    TraceId traceId = TestRequests.randomTraceId();
    List<Span> spans = LongStream.rangeClosed(1, count)
        .mapToObj(id -> Span.builder().traceId(traceId).spanId(id).endEpochNanos(1).build())
        .toList();
    return body -> new DecodeResult(spans, 0, "");
  }

  CompletableFuture<Outcome> submit(Ingest.Decoder decoder) {
    return ingest.submit(Protocol.OTLP_HTTP, new byte[0], false, decoder);
  }

  @Test
  void acknowledgesOnlyAfterTheWriteReturned() throws Exception {
    storage.closeGate();
    CompletableFuture<Outcome> outcome = submit(spans(2));
    storage.awaitWrite();

    Thread.sleep(100);
    assertThat(outcome).isNotDone();

    storage.open();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.accepted(2, 0, ""));
    assertThat(storage.writes).containsExactly(2);
  }

  @Test
  void answersUnavailableWhenTheWriteFailsAndStoresNothing() throws Exception {
    storage.failWith(new IOException("disk full"));

    Outcome outcome = submit(spans(2)).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(outcome.message()).isEqualTo("storage failed; nothing was stored");
    assertThat(storage.memory.spanCount()).isZero();
    assertThat(meters.spans(Protocol.OTLP_HTTP).failed.count()).isEqualTo(2);
    assertThat(ingest.queuedSpans()).isZero();
  }

  @Test
  void aSpanTheWriterRefusesAsTooLargeIsNamedAsRejectedAndTheRestOfItsRequestIsStored()
      throws Exception {
    BlockingQueue<List<Span>> stored = new LinkedBlockingQueue<>();
    ingest.close();
    ingest = new Ingest(storage, stored::add, new Validator(100, 100, 100, 1000, 1000), meters,
        1 << 20, 4, 1L << 20, Ingest.INLINE_DECODE_BYTES, 1, 1);
    storage.refuseAsTooLarge(2);

    Outcome outcome = submit(spans(3)).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(outcome.accepted()).isEqualTo(2);
    assertThat(outcome.rejected()).isEqualTo(1);
    assertThat(outcome.message()).startsWith("span 2 of trace ").endsWith(" is too large");
    assertThat(storage.memory.spanCount()).isEqualTo(2);
    assertThat(stored.poll(10, TimeUnit.SECONDS)).as("heard of once stored, after the answer")
        .extracting(Span::spanId).containsExactly(1L, 3L);
    assertThat(meters.spans(Protocol.OTLP_HTTP).accepted.count()).isEqualTo(2);
    assertThat(meters.spans(Protocol.OTLP_HTTP).failed.count()).isEqualTo(1);
    assertThat(ingest.queuedSpans()).isZero();
  }

  @Test
  void aRequestWhoseEverySpanTheWriterRefusesAsTooLargeIsAnswered413() throws Exception {
    storage.refuseAsTooLarge(1);

    Outcome outcome = submit(spans(1)).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.TOO_LARGE);
    assertThat(outcome.message()).startsWith("span 1 of trace ").endsWith(" is too large");
    assertThat(outcome.notStored()).isEqualTo(1);
    assertThat(storage.memory.spanCount()).isZero();
    assertThat(meters.spans(Protocol.OTLP_HTTP).failed.count()).isEqualTo(1);
    assertThat(ingest.queuedSpans()).isZero();
  }

  @Test
  void aSpanTooLargeFailsNoOtherRequestOfItsWrite() throws Exception {
    ingest.close();
    ingest = ingest(16, 1L << 20, 1);
    storage.closeGate();
    CompletableFuture<Outcome> first = submit(spans(1));
    storage.awaitWrite();
    storage.refuseAsTooLarge(3);
    CompletableFuture<Outcome> withTooLarge = submit(spans(3));
    CompletableFuture<Outcome> other = submit(spans(2));
    Thread.sleep(100);

    storage.open();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.accepted(1, 0, ""));
    assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.accepted(2, 0, ""));
    assertThat(withTooLarge.get(10, TimeUnit.SECONDS))
        .extracting(Outcome::kind, Outcome::accepted, Outcome::rejected)
        .containsExactly(Kind.ACCEPTED, 2, 1);
    assertThat(storage.writes).as("the two later requests in one write").containsExactly(1, 4);
  }

  @Test
  void aWriterThatNamesSpansNotInItsWriteIsLoggedAndTheWriteCountsAsKept() throws Exception {
    Span foreign = Span.builder().traceId(TestRequests.randomTraceId()).spanId(9)
        .endEpochNanos(1).build();
    IdentityHashMap<Span, String> reasons = new IdentityHashMap<>();
    reasons.put(foreign, "not in the write");
    SpanWriter naming = spans -> {
      storage.memory.write(spans);
      throw new SpansTooLargeException(reasons);
    };
    ingest.close();
    ingest = new Ingest(naming, spans -> {}, new Validator(100, 100, 100, 1000, 1000), meters,
        1 << 20, 4, 1L << 20, Ingest.INLINE_DECODE_BYTES, 1, 1);

    List<LogRecord> logged = logged(() ->
        assertThat(submit(spans(2)).get(10, TimeUnit.SECONDS))
            .isEqualTo(Outcome.accepted(2, 0, "")));

    assertThat(logged).extracting(LogRecord::getLevel, LogRecord::getMessage).containsExactly(
        tuple(Level.SEVERE, "the span writer refused 1 spans as too large that were not in its"
            + " write"));
    assertThat(ingest.queuedSpans()).isZero();
  }

  @Test
  void answersAForwardingFailureWithTheUpstreamsAnswer() throws Exception {
    storage.failWith(new UpstreamException("the collector at http://upstream:4318 answered 400"));

    Outcome outcome = submit(spans(2)).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(outcome.message()).isEqualTo("forwarding failed; nothing was stored:"
        + " the collector at http://upstream:4318 answered 400");
    assertThat(meters.spans(Protocol.OTLP_HTTP).failed.count()).isEqualTo(2);
  }

  private interface Work {
    void run() throws Exception;
  }

  /** What {@link Ingest} logs while {@code work} runs. */
  private static List<LogRecord> logged(Work work) throws Exception {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(Ingest.class.getName());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try {
      work.run();
    } finally {
      logger.removeHandler(handler);
    }
    return logged;
  }

  @Test
  void logsAForwardingFailureAsOneAndNotAsAStorageFailure() throws Exception {
    List<LogRecord> logged = logged(() -> {
      storage.failWith(new UpstreamException("the collector at http://upstream:4318 answered 400"));
      assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.UNAVAILABLE);
    });

    assertThat(logged).extracting(LogRecord::getMessage).containsExactly(
        "Forwarding spans failed: the collector at http://upstream:4318 answered 400");
  }

  @Test
  void logsAStorageFailureWhenItStartsNotAtEveryWrite() throws Exception {
    List<LogRecord> logged = logged(() -> {
      storage.failWith(new IOException("disk full"));
      for (int i = 0; i < 5; i++) {
        assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.UNAVAILABLE);
      }
      storage.failWith(null);
      assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
      assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
    });

    // Its end is logged once writes have gone on without failing for a while (RepeatedFailure).
    assertThat(logged).extracting(LogRecord::getLevel, LogRecord::getMessage, LogRecord::getThrown)
        .containsExactly(tuple(Level.WARNING, "Writing spans to storage failed: disk full", null));
  }

  @Test
  void passesOnlyStoredSpansToTheListener() throws Exception {
    ingest.close();
    LinkedBlockingQueue<List<Span>> stored =
        new LinkedBlockingQueue<>();
    ingest = new Ingest(storage, stored::add, new Validator(100, 100, 100, 1000, 1000), meters,
        1 << 20, 100, 1L << 20, Ingest.INLINE_DECODE_BYTES, 1, 1);

    assertThat(submit(spans(3)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(stored.poll(10, TimeUnit.SECONDS)).hasSize(3);

    storage.failWith(new IOException("disk full"));
    assertThat(submit(spans(2)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(stored.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aFailingListenerNeitherFailsTheRequestNorStopsTheWriter() throws Exception {
    ingest.close();
    ingest = new Ingest(storage, spans -> {
      throw new IllegalStateException("listener bug");
    }, new Validator(100, 100, 100, 1000, 1000), meters, 1 << 20, 100, 1L << 20,
        Ingest.INLINE_DECODE_BYTES, 1, 1);

    assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
  }

  @Test
  void refusesSpansPastMaxQueuedSpans() throws Exception {
    storage.closeGate();
    CompletableFuture<Outcome> writing = submit(spans(3));
    storage.awaitWrite();

    Outcome refused = submit(spans(2)).get(10, TimeUnit.SECONDS);

    assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
    assertThat(refused.message()).isEqualTo(
        "the collector is busy: the ingest queue is at maxQueuedSpans (4); retry later");
    assertThat(meters.spans(Protocol.OTLP_HTTP).refused.count()).isEqualTo(2);
    assertThat(submit(spans(1))).as("one more span still fits").isNotDone();
  }

  @Test
  void answersTooLargeWhenOneRequestHasMoreSpansThanTheQueueHolds() throws Exception {
    Outcome outcome = submit(spans(5)).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.TOO_LARGE);
    assertThat(outcome.message())
        .isEqualTo("request has 5 valid spans, more than maxQueuedSpans (4)");
  }

  /** Submits {@code body} and answers the thread that decoded it, once it is stored. */
  Thread decodingThread(byte[] body, boolean gzip) throws Exception {
    List<Thread> decodedOn = new ArrayList<>();
    Ingest.Decoder spans = spans(1);

    Outcome outcome = ingest.submit(Protocol.OTLP_HTTP, body, gzip, decoded -> {
      decodedOn.add(Thread.currentThread());
      return spans.decode(decoded);
    }).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
    return decodedOn.get(0);
  }

  @Test
  void decodesSmallPlainBodiesOnTheSubmittingThread() throws Exception {
    assertThat(decodingThread(new byte[Ingest.INLINE_DECODE_BYTES], false))
        .isSameAs(Thread.currentThread());
  }

  @Test
  void decodesLargerAndGzipBodiesOnADecoderThread() throws Exception {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(new byte[10]);
    }

    assertThat(decodingThread(new byte[Ingest.INLINE_DECODE_BYTES + 1], false).getName())
        .startsWith("ariadne-collector-decoder-");
    assertThat(decodingThread(gzipped.toByteArray(), true).getName())
        .startsWith("ariadne-collector-decoder-");
  }

  @Test
  void refusesBodiesPastMaxQueuedBytes() throws Exception {
    ingest.close();
    ingest = ingest(100, 3000, 0, 1);
    CountDownLatch decoding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Outcome> first = ingest.submit(Protocol.OTLP_HTTP, new byte[1000], false,
        body -> {
          decoding.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new DecodeResult(List.of(), 0, "");
        });
    assertThat(decoding.await(10, TimeUnit.SECONDS)).isTrue();
    // Waiting: 1000 + 1024 bytes for the first body (being decoded) is still counted.

    Outcome refused = ingest.submit(Protocol.OTLP_HTTP, new byte[1000], false, spans(1))
        .get(10, TimeUnit.SECONDS);

    assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
    assertThat(refused.message()).isEqualTo("the collector is busy: request bodies waiting to be "
        + "decoded are at maxQueuedBytes (3000); retry later");
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
  }

  @Test
  void writesQueuedRequestsInOneBatch() throws Exception {
    ingest.close();
    ingest = ingest(100, 1L << 20, 1);
    storage.closeGate();
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    outcomes.add(submit(spans(1)));
    storage.awaitWrite();
    for (int i = 0; i < 3; i++) {
      outcomes.add(submit(spans(2)));
    }
    while (ingest.queuedSpans() < 7) {
      Thread.sleep(5);
    }

    storage.open();

    assertThat(outcomes).allSatisfy(outcome ->
        assertThat(outcome.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED));
    assertThat(storage.writes).containsExactly(1, 6);
  }

  @Test
  void answersInvalidForAMalformedBody() throws Exception {
    Outcome outcome = submit(body -> {
      throw new MalformedException("OTLP protobuf: nonsense");
    }).get(10, TimeUnit.SECONDS);

    assertThat(outcome).isEqualTo(Outcome.failed(Kind.INVALID, "OTLP protobuf: nonsense"));
  }

  @Test
  void survivesADecoderBug() throws Exception {
    Outcome outcome = submit(body -> {
      throw new IllegalStateException("bug");
    }).get(10, TimeUnit.SECONDS);

    assertThat(outcome.kind()).isEqualTo(Kind.INTERNAL);
    assertThat(submit(spans(1)).get(10, TimeUnit.SECONDS).kind()).isEqualTo(Kind.ACCEPTED);
  }

  @Test
  void closeWritesWhatWasTakenAndRefusesTheRest() throws Exception {
    storage.closeGate();
    CompletableFuture<Outcome> taken = submit(spans(1));
    storage.awaitWrite();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(ingest::close);
    Thread.sleep(100);

    storage.open();
    closing.get(10, TimeUnit.SECONDS);

    assertThat(taken.get().kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(submit(spans(1)).get()).isEqualTo(
        Outcome.failed(Kind.UNAVAILABLE, "the collector is closed"));
  }
}
