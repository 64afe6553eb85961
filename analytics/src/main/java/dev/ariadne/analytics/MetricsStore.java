package dev.ariadne.analytics;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time-bucketed aggregates per series, kept by the hour: durable in a directory, or in memory.
 *
 * <p>Flushed aggregates are partial (a bucket may be flushed many times as spans arrive), so an
 * hour that is still open is an append-only log of partial aggregates ({@code HOUR-GEN.log},
 * framed records with a CRC-32C, fsynced at every append) plus their merge in memory. Once the
 * hour is over by {@code sealDelay}, it is sealed: merged per series with the hour's total, written
 * to {@code HOUR.hour} (temporary name, fsync, rename), and its logs deleted. Spans that arrive
 * later for a sealed hour open a new log generation, sealed in its turn. Hours past the retention
 * are deleted whole; the memory backend also drops its oldest hours past a byte budget.
 *
 * <p>Thread-safe: one lock, held briefly by the flusher, maintenance and queries.
 */
final class MetricsStore implements AggregateStore {
  private static final System.Logger LOG = System.getLogger(MetricsStore.class.getName());
  static final long HOUR_MILLIS = 3_600_000L;
  private static final int MAX_RECORD_BYTES = 64 << 20;
  private static final Pattern LOG_NAME = Pattern.compile("(\\d+)-(\\d+)\\.log");
  private static final Pattern SEALED_NAME = Pattern.compile("(\\d+)\\.hour");
  private static final Pattern CORRUPT_NAME = Pattern.compile("(\\d+)\\.hour\\.corrupt(-\\d+)?");

  /** What one hour holds: its sealed part, and what was appended since. */
  private static final class Hour {
    final long start;
    SealedHour sealed;
    final Map<SeriesKey, TreeMap<Long, byte[]>> open = new HashMap<>();
    long openBytes;
    /** The newest log generation of this hour; the next log is {@code generation + 1}. */
    long generation;
    FileChannel log;

    Hour(long start) {
      this.start = start;
    }
  }

  private final Path dir;
  private final long bucketMillis;
  private final long retentionMillis;
  private final long sealDelayMillis;
  private final long maxMemoryBytes;
  private final LongSupplier clock;
  private final TreeMap<Long, Hour> hours = new TreeMap<>();
  private long evictedHours;
  /** The end of the newest hour dropped to keep the byte budget (epoch ms). */
  private long evictedThrough = Long.MIN_VALUE;
  private long corruptFiles;
  /**
   * The starts of the hours within the retention whose file was set aside as corrupt, by this
   * store or, as their {@code .corrupt} files tell, an earlier one in the same directory.
   */
  private final TreeSet<Long> corruptHours = new TreeSet<>();

  private MetricsStore(Path dir, long bucketMillis, long retentionMillis, long sealDelayMillis,
      long maxMemoryBytes, LongSupplier clock) {
    if (bucketMillis <= 0 || HOUR_MILLIS % bucketMillis != 0) {
      throw new IllegalArgumentException(
          "the bucket must divide an hour evenly, not " + bucketMillis + " ms");
    }
    this.dir = dir;
    this.bucketMillis = bucketMillis;
    this.retentionMillis = retentionMillis;
    this.sealDelayMillis = sealDelayMillis;
    this.maxMemoryBytes = maxMemoryBytes;
    this.clock = clock;
  }

  /** A store that keeps everything in memory, at most {@code maxBytes} of sealed hours. */
  static MetricsStore inMemory(long bucketMillis, long retentionMillis, long sealDelayMillis,
      long maxBytes, LongSupplier clock) {
    return new MetricsStore(null, bucketMillis, retentionMillis, sealDelayMillis, maxBytes, clock);
  }

  /** Opens (creating it if needed) a durable store in {@code dir}, replaying its logs. */
  static MetricsStore open(Path dir, long bucketMillis, long retentionMillis, long sealDelayMillis,
      LongSupplier clock) throws IOException {
    Files.createDirectories(dir);
    MetricsStore store =
        new MetricsStore(dir, bucketMillis, retentionMillis, sealDelayMillis, Long.MAX_VALUE, clock);
    store.recover();
    return store;
  }

  long bucketMillis() {
    return bucketMillis;
  }

  @Override
  public synchronized long evictedHours() {
    return evictedHours;
  }

  /** The end of the newest hour dropped to keep the byte budget; {@code Long.MIN_VALUE} if none. */
  @Override
  public synchronized long evictedThrough() {
    return evictedThrough;
  }

  @Override
  public synchronized long corrupt() {
    return corruptFiles;
  }

  /** The starts of the hours set aside as corrupt that overlap [start, end), in order. */
  @Override
  public synchronized List<Long> corruptHours(long start, long end) {
    if (end <= start) {
      return List.of();
    }
    return new ArrayList<>(corruptHours.subSet(hourOf(start), true, hourOf(end - 1), true));
  }

  synchronized int hourCount() {
    return hours.size();
  }

  /** Adds partial aggregates, keyed by series and bucket start; durable when this returns. */
  @Override
  public synchronized void append(Map<SeriesKey, Map<Long, Aggregate>> batch) throws IOException {
    Map<Long, List<byte[]>> recordsByHour = new TreeMap<>();
    RecordWriter record = new RecordWriter(256);
    for (Map.Entry<SeriesKey, Map<Long, Aggregate>> series : batch.entrySet()) {
      for (Map.Entry<Long, Aggregate> bucket : series.getValue().entrySet()) {
        long bucketStart = bucket.getKey();
        record.reset();
        SeriesKey.write(series.getKey(), record);
        record.writeLong(bucketStart);
        bucket.getValue().write(record);
        recordsByHour.computeIfAbsent(hourOf(bucketStart), h -> new ArrayList<>())
            .add(record.toByteArray());
      }
    }
    for (Map.Entry<Long, List<byte[]>> entry : recordsByHour.entrySet()) {
      Hour hour = hours.computeIfAbsent(entry.getKey(), Hour::new);
      if (dir != null) {
        writeLog(hour, entry.getValue());
      }
      for (byte[] bytes : entry.getValue()) {
        mergeOpen(hour, bytes);
      }
    }
  }

  private void writeLog(Hour hour, List<byte[]> records) throws IOException {
    if (hour.log == null) {
      hour.generation++;
      hour.log = FileChannel.open(logFile(hour.start, hour.generation), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    RecordWriter frames = new RecordWriter(records.size() * 128);
    for (byte[] bytes : records) {
      frames.writeInt(bytes.length);
      frames.writeInt(SealedHour.crc(bytes, 0, bytes.length));
      frames.writeBytes(bytes, 0, bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(frames.array(), 0, frames.size());
    long before = hour.log.size();
    try {
      while (buffer.hasRemaining()) {
        hour.log.write(buffer);
      }
      hour.log.force(false);
    } catch (IOException e) {
      takeBack(hour, before, e);
      throw new IOException("appending to metrics log " + logFile(hour.start, hour.generation)
          + " failed; nothing of the flush was kept", e);
    }
  }

  /**
   * After a failed append (a full disk), truncates the hour's log back to its last whole record,
   * so that the records of later flushes do not follow a torn one, which start-up would cut off
   * with it. If that fails too, the log is closed, and the next flush starts a new generation.
   */
  private static void takeBack(Hour hour, long size, IOException failure) {
    try {
      hour.log.truncate(size);
    } catch (IOException e) {
      failure.addSuppressed(e);
      try {
        closeLog(hour);
      } catch (IOException closing) {
        failure.addSuppressed(closing);
        hour.log = null;
      }
    }
  }

  /** Merges one log record (key, bucket start, aggregate) into the hour's open part. */
  private static void mergeOpen(Hour hour, byte[] bytes) throws CorruptMetricsException {
    RecordReader in = new RecordReader(bytes, 0, bytes.length);
    SeriesKey key = SeriesKey.read(in);
    long bucketStart = in.readLong();
    if (hourOf(bucketStart) != hour.start) {
      throw new CorruptMetricsException("a bucket at " + bucketStart + " in the hour at " + hour.start);
    }
    Aggregate aggregate = Aggregate.read(in);
    TreeMap<Long, byte[]> buckets = hour.open.computeIfAbsent(key, k -> new TreeMap<>());
    byte[] existing = buckets.get(bucketStart);
    if (existing != null) {
      aggregate.merge(decode(existing));
      hour.openBytes -= existing.length;
    }
    RecordWriter out = new RecordWriter(128);
    aggregate.write(out);
    byte[] merged = out.toByteArray();
    buckets.put(bucketStart, merged);
    hour.openBytes += merged.length;
  }

  private static Aggregate decode(byte[] bytes) throws CorruptMetricsException {
    return Aggregate.read(new RecordReader(bytes, 0, bytes.length));
  }

  /** The aggregate of each bucket of {@code key} that starts in [start, end), merged. */
  @Override
  public synchronized NavigableMap<Long, Aggregate> buckets(SeriesKey key, long start, long end)
      throws IOException {
    NavigableMap<Long, Aggregate> result = new TreeMap<>();
    for (Hour hour : hoursIn(start, end)) {
      SealedHour.Series series = readSealed(hour, sealed -> sealed.read(key));
      if (series != null) {
        series.buckets().subMap(start, end).forEach((t, a) -> merge(result, t, a));
      }
      TreeMap<Long, byte[]> open = hour.open.get(key);
      if (open != null) {
        for (Map.Entry<Long, byte[]> bucket : open.subMap(start, end).entrySet()) {
          merge(result, bucket.getKey(), decode(bucket.getValue()));
        }
      }
    }
    return result;
  }

  /** Here: a sealed hour's total, merged with the hour's buckets not yet sealed. */
  @Override
  public synchronized NavigableMap<Long, Aggregate> hours(SeriesKey key, long start, long end)
      throws IOException {
    NavigableMap<Long, Aggregate> result = new TreeMap<>();
    for (Hour hour : hoursIn(start, end)) {
      Aggregate total = readSealed(hour, sealed -> sealed.total(key));
      TreeMap<Long, byte[]> open = hour.open.get(key);
      if (open != null) {
        for (byte[] bytes : open.values()) {
          total = plus(total, decode(bytes));
        }
      }
      if (total != null) {
        result.put(hour.start, total);
      }
    }
    return result;
  }

  /** Every series with data in an hour that overlaps [start, end). */
  @Override
  public synchronized Set<SeriesKey> keys(long start, long end) {
    Set<SeriesKey> keys = new HashSet<>();
    for (Hour hour : hoursIn(start, end)) {
      if (hour.sealed != null) {
        keys.addAll(hour.sealed.keys());
      }
      keys.addAll(hour.open.keySet());
    }
    return keys;
  }

  private static Aggregate plus(Aggregate total, Aggregate a) {
    if (total == null) {
      return a;
    }
    total.merge(a);
    return total;
  }

  private static void merge(NavigableMap<Long, Aggregate> into, long time, Aggregate a) {
    Aggregate existing = into.get(time);
    if (existing == null) {
      into.put(time, a);
    } else {
      existing.merge(a);
    }
  }

  private List<Hour> hoursIn(long start, long end) {
    if (end <= start) {
      return List.of();
    }
    return new ArrayList<>(hours.subMap(hourOf(start), true, hourOf(end - 1), true).values());
  }

  static long hourOf(long millis) {
    return Math.floorDiv(millis, HOUR_MILLIS) * HOUR_MILLIS;
  }

  /** Seals the hours that are over, deletes those past the retention, and keeps the byte budget. */
  @Override
  public synchronized void maintain() throws IOException {
    long now = clock.getAsLong();
    List<Hour> expired = new ArrayList<>(hours.headMap(hourOf(now - retentionMillis)).values());
    corruptHours.headSet(hourOf(now - retentionMillis)).clear();
    for (Hour hour : expired) {
      if (hour.start + HOUR_MILLIS <= now - retentionMillis) {
        drop(hour);
      }
    }
    for (Hour hour : new ArrayList<>(hours.values())) {
      if (!hour.open.isEmpty() && hour.start + HOUR_MILLIS + sealDelayMillis <= now) {
        seal(hour);
      }
    }
    while (hours.size() > 1 && memoryBytes() > maxMemoryBytes) {
      Hour oldest = hours.firstEntry().getValue();
      drop(oldest);
      evictedThrough = Math.max(evictedThrough, oldest.start + HOUR_MILLIS);
      if (evictedHours++ == 0) {
        LOG.log(Level.WARNING, "analytics: the metrics in memory reached analytics.memory-max"
            + " (" + maxMemoryBytes + " bytes); dropping their oldest hours, the first one at "
            + Instant.ofEpochMilli(oldest.start) + " (counted in ariadne_analytics_evicted_hours_total)");
      }
    }
  }

  private long memoryBytes() {
    long bytes = 0;
    for (Hour hour : hours.values()) {
      bytes += hour.openBytes + (hour.sealed == null ? 0 : hour.sealed.size());
    }
    return bytes;
  }

  private void seal(Hour hour) throws IOException {
    Map<SeriesKey, SealedHour.Series> merged = readSealed(hour, MetricsStore::readAll);
    if (merged == null) {
      merged = new HashMap<>();
    }
    for (Map.Entry<SeriesKey, TreeMap<Long, byte[]>> series : hour.open.entrySet()) {
      SealedHour.Series into = merged.computeIfAbsent(
          series.getKey(), k -> new SealedHour.Series(new Aggregate(), new TreeMap<>()));
      for (Map.Entry<Long, byte[]> bucket : series.getValue().entrySet()) {
        Aggregate a = decode(bucket.getValue());
        into.total().merge(a);
        merge(into.buckets(), bucket.getKey(), a);
      }
    }
    byte[] bytes = SealedHour.encode(hour.start, hour.generation, merged);
    SealedHour replaced = hour.sealed;
    if (dir == null) {
      hour.sealed = SealedHour.inMemory(hour.start, bytes);
    } else {
      Path target = dir.resolve(hour.start + ".hour");
      Path temporary = dir.resolve(hour.start + ".hour.tmp");
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory();
      hour.sealed = SealedHour.open(hour.start, target);
      if (replaced != null) {
        replaced.close();
      }
      closeLog(hour);
      for (long generation = 1; generation <= hour.generation; generation++) {
        Files.deleteIfExists(logFile(hour.start, generation));
      }
    }
    hour.open.clear();
    hour.openBytes = 0;
  }

  private static Map<SeriesKey, SealedHour.Series> readAll(SealedHour sealed) throws IOException {
    Map<SeriesKey, SealedHour.Series> all = new HashMap<>();
    for (SeriesKey key : sealed.keys()) {
      all.put(key, sealed.read(key));
    }
    return all;
  }

  /** What one read takes from a sealed hour. */
  private interface SealedRead<T> {
    T from(SealedHour sealed) throws IOException;
  }

  /**
   * What {@code read} takes from the hour's sealed part; null when it has none, or when the read
   * finds its file corrupt: the file is then moved aside, and the hour's later spans are served
   * without it.
   */
  private <T> T readSealed(Hour hour, SealedRead<T> read) throws IOException {
    if (hour.sealed == null) {
      return null;
    }
    try {
      return read.from(hour.sealed);
    } catch (CorruptMetricsException e) {
      if (dir == null) {
        throw e;
      }
      hour.sealed.close();
      hour.sealed = null;
      quarantine(dir.resolve(hour.start + ".hour"), e);
      return null;
    }
  }

  private void drop(Hour hour) throws IOException {
    hours.remove(hour.start);
    if (hour.sealed != null) {
      hour.sealed.close();
    }
    if (dir != null) {
      closeLog(hour);
      Files.deleteIfExists(dir.resolve(hour.start + ".hour"));
      for (long generation = 1; generation <= hour.generation; generation++) {
        Files.deleteIfExists(logFile(hour.start, generation));
      }
    }
  }

  private Path logFile(long hourStart, long generation) {
    return dir.resolve(hourStart + "-" + generation + ".log");
  }

  private void syncDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the rename is then as durable as they make it.
      LOG.log(Level.DEBUG, "cannot fsync " + dir, e);
    }
  }

  private static void closeLog(Hour hour) throws IOException {
    if (hour.log != null) {
      hour.log.close();
      hour.log = null;
    }
  }

  private void recover() throws IOException {
    List<Path> logs = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        Matcher sealed = SEALED_NAME.matcher(name);
        if (sealed.matches()) {
          long start = Long.parseLong(sealed.group(1));
          try {
            Hour hour = hours.computeIfAbsent(start, Hour::new);
            hour.sealed = SealedHour.open(start, file);
            hour.generation = Math.max(hour.generation, hour.sealed.coveredGeneration);
          } catch (CorruptMetricsException e) {
            quarantine(file, e);
          }
        } else if (LOG_NAME.matcher(name).matches()) {
          logs.add(file);
        } else if (CORRUPT_NAME.matcher(name).matches()) {
          rememberCorrupt(CORRUPT_NAME, file);
        } else if (name.endsWith(".hour.tmp")) {
          Files.delete(file);
        }
      }
    }
    logs.sort(null);
    for (Path file : logs) {
      Matcher m = LOG_NAME.matcher(file.getFileName().toString());
      if (!m.matches()) {
        continue;
      }
      long start = Long.parseLong(m.group(1));
      long generation = Long.parseLong(m.group(2));
      Hour hour = hours.computeIfAbsent(start, Hour::new);
      if (hour.sealed != null && generation <= hour.sealed.coveredGeneration) {
        Files.delete(file);
        continue;
      }
      replay(hour, file);
      hour.generation = Math.max(hour.generation, generation);
    }
  }

  /** Merges a log's records into the hour; a torn or corrupt tail is cut off with a warning. */
  private void replay(Hour hour, Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    RecordReader in = new RecordReader(bytes, 0, bytes.length);
    int good = 0;
    String problem = null;
    while (in.hasRemaining()) {
      try {
        int length = in.readInt();
        int crc = in.readInt();
        if (length < 0 || length > MAX_RECORD_BYTES) {
          throw new CorruptMetricsException("a record of " + length + " bytes");
        }
        int start = in.skip(length);
        if (SealedHour.crc(bytes, start, length) != crc) {
          throw new CorruptMetricsException("a record that does not match its checksum");
        }
        byte[] record = new byte[length];
        System.arraycopy(bytes, start, record, 0, length);
        mergeOpen(hour, record);
        good = in.position();
      } catch (CorruptMetricsException e) {
        problem = e.getMessage();
        break;
      }
    }
    if (problem != null) {
      LOG.log(Level.WARNING, "metrics log " + file + ": " + problem + " at byte " + good
          + " of " + bytes.length + "; the rest is cut off and start-up goes on");
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(good);
        channel.force(true);
      }
    }
  }

  /**
   * Moves a corrupt file aside as {@code NAME.corrupt}, or {@code NAME.corrupt-2}, {@code -3}, …
   * when its hour was set aside before (late spans sealed again), keeping every copy.
   */
  private void quarantine(Path file, CorruptMetricsException e) throws IOException {
    corruptFiles++;
    rememberCorrupt(SEALED_NAME, file);
    Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
    for (int copy = 2; ; copy++) {
      try {
        Files.move(file, aside);
        break;
      } catch (FileAlreadyExistsException taken) {
        aside = file.resolveSibling(file.getFileName() + ".corrupt-" + copy);
      }
    }
    LOG.log(Level.ERROR, "metrics file " + file + " is corrupt (" + e.getMessage()
        + "); moved aside to " + aside + ", its hour is missing from the metrics");
  }

  /** Notes the hour of a sealed file set aside, unless it is past the retention. */
  private void rememberCorrupt(Pattern name, Path file) {
    Matcher m = name.matcher(file.getFileName().toString());
    if (m.matches()) {
      long start = Long.parseLong(m.group(1));
      if (start >= hourOf(clock.getAsLong() - retentionMillis)) {
        corruptHours.add(start);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    for (Hour hour : hours.values()) {
      closeLog(hour);
      if (hour.sealed != null) {
        hour.sealed.close();
      }
    }
  }
}
