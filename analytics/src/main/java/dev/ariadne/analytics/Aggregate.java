package dev.ariadne.analytics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import dev.ariadne.model.TraceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a series holds for one time bucket: how many spans (or calls), how many failed, a DDSketch
 * of their durations in nanoseconds (mergeable, so percentiles over any window are merged from the
 * buckets' sketches, never averaged), and a few exemplars. Not thread-safe.
 */
final class Aggregate {
  /** Every percentile is within 1% of the true value (DDSketch's relative-error guarantee). */
  static final double RELATIVE_ACCURACY = 0.01;
  /** Past this many bins the lowest are collapsed: only durations far below the rest lose accuracy. */
  private static final int MAX_BINS = 2048;
  /** The slowest spans kept per bucket, and the slowest failed ones. */
  static final int EXEMPLARS = 2;
  private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);

  private long count;
  private long errors;
  private final DDSketch latency;
  private final List<Exemplar> slowest = new ArrayList<>(EXEMPLARS + 1);
  private final List<Exemplar> failed = new ArrayList<>(EXEMPLARS + 1);

  Aggregate() {
    this(new DDSketch(MAPPING, Aggregate::newStore));
  }

  private Aggregate(DDSketch latency) {
    this.latency = latency;
  }

  private static Store newStore() {
    return new CollapsingLowestDenseStore(MAX_BINS);
  }

  long count() {
    return count;
  }

  long errors() {
    return errors;
  }

  /**
   * The duration at quantile {@code q} in nanoseconds (within the sketch's 1%), or NaN when there
   * is none: the nearest rank, the {@code ceil(q·n)}-th shortest of {@code n}, so that at least
   * {@code q} of the requests took no longer. The sketch's own rank, {@code q·(n-1)} rounded down,
   * would make the p99 of 10 ms and 100 ms 10 ms.
   */
  double quantileNanos(double q) {
    if (latency.isEmpty()) {
      return Double.NaN;
    }
    double count = latency.getCount();
    if (count <= 1) {
      return latency.getValueAtQuantile(0);
    }
    double index = Math.max(0, Math.ceil(q * count) - 1);
    // Half a rank past the index: the sketch takes the value whose cumulative count passes it.
    return latency.getValueAtQuantile(Math.min(1, (index + 0.5) / (count - 1)));
  }

  /** The summed durations in nanoseconds. */
  double sumNanos() {
    return latency.getSum();
  }

  List<Exemplar> exemplars() {
    List<Exemplar> all = new ArrayList<>(slowest);
    for (Exemplar e : failed) {
      if (!all.contains(e)) {
        all.add(e);
      }
    }
    return all;
  }

  void add(long durationNanos, boolean error, TraceId traceId, long spanId, long startEpochNanos) {
    count++;
    latency.accept((double) Math.max(0, durationNanos));
    if (error) {
      errors++;
    }
    if (ranks(slowest, durationNanos, startEpochNanos)) {
      keep(slowest, new Exemplar(traceId, spanId, startEpochNanos, durationNanos, error));
    }
    if (error && ranks(failed, durationNanos, startEpochNanos)) {
      keep(failed, new Exemplar(traceId, spanId, startEpochNanos, durationNanos, true));
    }
  }

  void merge(Aggregate other) {
    count += other.count;
    errors += other.errors;
    latency.mergeWith(other.latency);
    other.slowest.forEach(e -> keep(slowest, e));
    other.failed.forEach(e -> keep(failed, e));
  }

  private static boolean ranks(List<Exemplar> kept, long durationNanos, long startEpochNanos) {
    return kept.size() < EXEMPLARS
        || slowerOrEarlier(durationNanos, startEpochNanos, kept.get(kept.size() - 1));
  }

  /**
   * Puts {@code exemplar} in its place among the slowest, after those as slow that started no
   * later, and drops what falls past {@link #EXEMPLARS}. An insertion, not a sort: this runs for
   * every span that ranks, and sorting with a composed comparator was an eighth of what analytics
   * cost at ingest (async-profiler, event=itimer).
   */
  private static void keep(List<Exemplar> kept, Exemplar exemplar) {
    if (kept.contains(exemplar)) {
      return;
    }
    int at = kept.size();
    while (at > 0
        && slowerOrEarlier(exemplar.durationNanos(), exemplar.startEpochNanos(), kept.get(at - 1))) {
      at--;
    }
    if (at < EXEMPLARS) {
      kept.add(at, exemplar);
      if (kept.size() > EXEMPLARS) {
        kept.remove(EXEMPLARS);
      }
    }
  }

  /** True if a span comes before {@code b}: it took longer, or as long and started earlier. */
  private static boolean slowerOrEarlier(long durationNanos, long startEpochNanos, Exemplar b) {
    return durationNanos > b.durationNanos()
        || (durationNanos == b.durationNanos() && startEpochNanos < b.startEpochNanos());
  }

  void write(RecordWriter out) {
    out.writeVarLong(count);
    out.writeVarLong(errors);
    GrowingByteArrayOutput sketch = GrowingByteArrayOutput.withInitialCapacity(64);
    try {
      latency.encode(sketch, true);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a sketch in memory", e);
    }
    out.writeVarLong(sketch.numWrittenBytes());
    out.writeBytes(sketch.backingArray(), 0, sketch.numWrittenBytes());
    writeExemplars(slowest, out);
    writeExemplars(failed, out);
  }

  private static void writeExemplars(List<Exemplar> exemplars, RecordWriter out) {
    out.writeByte(exemplars.size());
    for (Exemplar e : exemplars) {
      out.writeLong(e.traceId().high());
      out.writeLong(e.traceId().low());
      out.writeLong(e.spanId());
      out.writeVarLong(e.startEpochNanos());
      out.writeVarLong(e.durationNanos());
      out.writeByte(e.error() ? 1 : 0);
    }
  }

  static Aggregate read(RecordReader in) throws CorruptMetricsException {
    long count = in.readVarLong();
    long errors = in.readVarLong();
    if (count < 0 || errors < 0 || errors > count) {
      throw new CorruptMetricsException("counts " + count + " and " + errors + " errors");
    }
    int sketchLength = in.readLength(Integer.MAX_VALUE);
    int sketchStart = in.skip(sketchLength);
    DDSketch latency;
    try {
      latency = DDSketch.decode(
          ByteArrayInput.wrap(in.array(), sketchStart, sketchLength), Aggregate::newStore, MAPPING);
    } catch (IOException | RuntimeException e) {
      throw new CorruptMetricsException("a latency sketch does not decode: " + e.getMessage(), e);
    }
    Aggregate aggregate = new Aggregate(latency);
    aggregate.count = count;
    aggregate.errors = errors;
    readExemplars(in, aggregate.slowest);
    readExemplars(in, aggregate.failed);
    return aggregate;
  }

  private static void readExemplars(RecordReader in, List<Exemplar> into)
      throws CorruptMetricsException {
    int n = in.readByte();
    if (n > EXEMPLARS) {
      throw new CorruptMetricsException(n + " exemplars (at most " + EXEMPLARS + ")");
    }
    for (int i = 0; i < n; i++) {
      TraceId traceId = new TraceId(in.readLong(), in.readLong());
      long spanId = in.readLong();
      long start = in.readVarLong();
      long duration = in.readVarLong();
      boolean error = in.readByte() != 0;
      into.add(new Exemplar(traceId, spanId, start, duration, error));
    }
  }
}
