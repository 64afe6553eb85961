package dev.ariadne.storage.cassandra;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The Cassandra backend's meters, named {@code ariadne.cassandra.*} (Prometheus: {@code
 * ariadne_cassandra_*}). Thread-safe.
 */
final class Meters {
  static final String PREFIX = "ariadne.cassandra.";

  private final Counter written;
  private final Counter notWritten;
  private final Counter tooLarge;
  private final Counter unreadable;
  private final Counter failedReads;
  private final Timer stored;
  private final Timer failed;

  Meters(MeterRegistry registry) {
    written = Counter.builder(PREFIX + "spans.written")
        .description("Spans Cassandra acknowledged, with every index row of them")
        .register(registry);
    notWritten = Counter.builder(PREFIX + "spans.not.written")
        .description("Spans of writes that failed (Cassandra unreachable, timed out or"
            + " refusing); the writer was told and may send them again")
        .register(registry);
    tooLarge = Counter.builder(PREFIX + "spans.too.large")
        .description("Spans left out of a write because their encoded form is larger than one"
            + " Cassandra row may be")
        .register(registry);
    unreadable = Counter.builder(PREFIX + "spans.unreadable")
        .description("Stored spans left out of a read because their bytes do not decode to a"
            + " span of the trace (damaged, or written by something else); counted per read")
        .register(registry);
    failedReads = Counter.builder(PREFIX + "reads.failed")
        .description("Reads (a trace, a search, a listing, shared metrics) that failed in"
            + " Cassandra")
        .register(registry);
    stored = Timer.builder(PREFIX + "writes")
        .description("Writes of a batch of spans, by how they ended")
        .tag("outcome", "stored")
        .register(registry);
    failed = Timer.builder(PREFIX + "writes")
        .description("Writes of a batch of spans, by how they ended")
        .tag("outcome", "failed")
        .register(registry);
  }

  void written(int spans, long nanos) {
    written.increment(spans);
    stored.record(nanos, TimeUnit.NANOSECONDS);
  }

  void notWritten(int spans, long nanos) {
    notWritten.increment(spans);
    failed.record(nanos, TimeUnit.NANOSECONDS);
  }

  void tooLarge() {
    tooLarge.increment();
  }

  void unreadable(int spans) {
    unreadable.increment(spans);
  }

  void failedRead() {
    failedReads.increment();
  }
}
