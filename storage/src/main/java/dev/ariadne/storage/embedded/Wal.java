package dev.ariadne.storage.embedded;

import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The embedded engine's write-ahead log: every span batch is appended here, and made durable per
 * the {@link SyncPolicy}, before it is acknowledged, so that killing the server at any moment
 * loses nothing acknowledged. Records are opaque payloads; the engine decides what they hold.
 *
 * <p>Files: segments named {@code <16 hex digits id>.wal} in one directory, ids increasing. A
 * segment starts with an 8-byte header (the magic {@code AWAL}, then the u32 LE format version)
 * and holds records framed as {@code [u32 LE payload length][u32 LE CRC32C of the payload]
 * [payload]}. Payloads are 1 byte to {@link #MAX_RECORD_BYTES}: a zero length is never written,
 * so a zero-filled tail reads as damage rather than as empty records, and the bound keeps a
 * corrupt length from causing a huge allocation on replay.
 *
 * <p>Group commit ({@link SyncPolicy#ALWAYS}): appenders write their record under a lock, so
 * records never interleave, then wait for an fsync covering their record. The first waiter to find
 * no fsync running leads one for everything written so far; the others wait for it, and one of
 * those still uncovered leads the next. There is no linger: batching comes from the appends that
 * arrive while an fsync runs.
 *
 * <p>A failed write (a full disk) throws from the append that made it, after truncating the
 * segment back to the record before, so the log stays whole and appends go on once there is room
 * again. Fail-stop after a failed fsync, or a write whose truncation fails too: the appends it
 * covers throw, and so does every later append, roll and sync, until the engine is restarted and
 * replays the log. Pages whose fsync failed may be dropped by the kernel, so retrying would claim
 * durability that does not exist.
 * {@link FileChannel} closes itself when a thread using it is interrupted, which also stops the
 * WAL; an append whose thread is already interrupted throws {@link InterruptedIOException} before
 * touching the file, but interrupting a thread inside {@link #roll()} or {@link #close()} stops
 * the WAL.
 *
 * <p>Recovery, in {@link #open}: segments are replayed oldest first. A record whose checksum
 * fails with a whole record after it, in any segment, is corruption that a crash cannot leave (it
 * leaves damage at the end): it is logged as an ERROR, its bytes are copied to {@code <segment
 * name>.corrupt-<offset>} beside the segment, and replay goes on after it, so that the records
 * after it, acknowledged ones among them, are not lost. The segment keeps it, and says so again
 * at each start until a block covers the segment and it is deleted. A record whose frame is bad (a
 * corrupt length: zero, too large, past the end, or pointing mid-record so that its checksum
 * fails and what follows does not frame) gives no place for the next record: replay looks for the
 * first offset after it from which whole records run exactly to the end of the segment, and skips
 * the bytes up to there as it skips a record whose checksum fails. A crash leaves no whole record
 * after its torn write, so none is found in a torn tail; damage followed by whole records and then
 * a torn tail is taken for a torn tail as a whole. Past the last whole record, a
 * bad record in the last segment is a torn tail (the crash came mid-write, before an
 * acknowledgement): it is logged as a WARNING and the segment truncated there; appends go on from
 * that point. In an earlier segment it is corruption: it is logged as an ERROR, the bytes from
 * the bad record on are copied to {@code <segment name>.corrupt-<offset>} beside it and the
 * segment truncated to its good prefix. A segment whose header is not a WAL header is renamed to
 * {@code <segment name>.corrupt-0}, except a last segment shorter than a header, which is a torn
 * creation and gets its header rewritten. A segment of another format version stops {@link #open}
 * instead, since it may be a newer release's log. Every case is in the {@link #replayReport()}.
 */
final class Wal implements Closeable {
  /** The largest payload {@link #append} takes. */
  static final int MAX_RECORD_BYTES = 64 << 20;

  static final int HEADER_BYTES = 8;
  static final int FRAME_BYTES = 8;
  static final int FORMAT_VERSION = 1;

  /** "AWAL" read as a little-endian u32. */
  static final int MAGIC = 0x4C415741;

  private static final System.Logger LOG = System.getLogger(Wal.class.getName());
  private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9a-f]{16}\\.wal");
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Receives every record on replay; {@code bytes} is reused after the call returns. A segment's
   * records are replayed before any repair of it, so its file is as found, last-modified time
   * included.
   */
  @FunctionalInterface
  interface Replay {
    void record(long segment, byte[] bytes, int offset, int length) throws IOException;
  }

  /**
   * What {@link #open} found.
   *
   * @param segments the segment files read
   * @param records the records replayed
   * @param payloadBytes the bytes of their payloads
   * @param damage every torn tail, corrupt record and bad header met, in replay order
   */
  record ReplayReport(int segments, long records, long payloadBytes, List<Damage> damage) {
    ReplayReport {
      damage = List.copyOf(damage);
    }

    boolean clean() {
      return damage.isEmpty();
    }
  }

  /**
   * Bytes of a segment that could not be replayed.
   *
   * @param file the segment
   * @param offset where the bad bytes start
   * @param reason what was wrong there
   * @param bytes how many bytes, from {@code offset} to the end of the file, were not replayed
   * @param setAside where they were moved, or null when they were truncated away as a torn tail
   */
  record Damage(Path file, long offset, String reason, long bytes, Path setAside) {}

  /** An open segment. */
  private record Segment(long id, Path file, FileChannel channel) {}

  private final Path directory;
  private final SyncPolicy policy;
  private final ReplayReport replayReport;
  private final ScheduledExecutorService syncer;

  /** Ids and sizes of the segments before the current one. */
  private final ConcurrentSkipListMap<Long, Long> olderSegments;

  private final Object deleteLock = new Object();

  /** Guards writes to the current segment and the fields below. */
  private final ReentrantLock writeLock = new ReentrantLock();

  private Segment current;
  private long currentBytes;
  private volatile long currentId;
  private boolean closed;

  /** Guards the fields below, which follow what is written and what is synced. */
  private final Object syncState = new Object();

  /** Record bytes written by this instance, over all segments: the position fsyncs aim for. */
  private long written;

  private Segment writtenTo;
  private long synced;
  private boolean syncing;
  private long syncs;
  private IOException failure;

  private Wal(
      Path directory,
      SyncPolicy policy,
      Duration syncInterval,
      ReplayReport replayReport,
      Map<Long, Long> olderSegments,
      Segment current,
      long currentBytes) {
    this.directory = directory;
    this.policy = policy;
    this.replayReport = replayReport;
    this.olderSegments = new ConcurrentSkipListMap<>(olderSegments);
    this.current = current;
    this.currentBytes = currentBytes;
    this.currentId = current.id();
    this.writtenTo = current;
    if (policy == SyncPolicy.INTERVAL) {
      syncer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ariadne-wal-sync");
        thread.setDaemon(true);
        return thread;
      });
      long nanos = syncInterval.toNanos();
      syncer.scheduleWithFixedDelay(this::syncInBackground, nanos, nanos, TimeUnit.NANOSECONDS);
    } else {
      syncer = null;
    }
  }

  /**
   * Opens or creates the WAL in {@code directory} (creating it), replaying every record of every
   * segment, oldest first, to {@code replay} before returning. Damage is repaired as the class
   * describes and reported in {@link #replayReport()}; an exception from {@code replay} fails the
   * open. {@code syncInterval} is used, and must be positive, only with {@link
   * SyncPolicy#INTERVAL}.
   */
  static Wal open(Path directory, SyncPolicy policy, Duration syncInterval, Replay replay)
      throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(replay, "replay");
    if (policy == SyncPolicy.INTERVAL
        && (syncInterval == null || syncInterval.isNegative() || syncInterval.isZero())) {
      throw new IllegalArgumentException(
          "syncInterval: " + syncInterval + " (expected: positive with SyncPolicy.INTERVAL)");
    }
    Files.createDirectories(directory);
    List<Long> ids = segmentIds(directory);
    Recovery recovery = new Recovery(directory, replay);
    for (int i = 0; i < ids.size(); i++) {
      recovery.replay(ids.get(i), i == ids.size() - 1);
    }
    TreeMap<Long, Long> kept = recovery.kept;
    Segment current;
    long currentBytes;
    if (!ids.isEmpty() && kept.containsKey(ids.get(ids.size() - 1))) {
      long id = kept.pollLastEntry().getKey();
      Path file = directory.resolve(fileName(id));
      FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
      try {
        // After a process crash the replayed tail may be in the page cache only.
        channel.force(false);
        currentBytes = channel.size();
        channel.position(currentBytes);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      current = new Segment(id, file, channel);
    } else {
      current = createSegment(directory, ids.isEmpty() ? 1 : ids.get(ids.size() - 1) + 1);
      currentBytes = HEADER_BYTES;
    }
    return new Wal(directory, policy, syncInterval, recovery.report(), kept, current,
        currentBytes);
  }

  /**
   * Appends one record and returns the id of the segment it went to, once durable per the policy.
   * Thread-safe. Throws {@link IllegalArgumentException} for an empty payload or one over {@link
   * #MAX_RECORD_BYTES}, and {@link IOException} when the record cannot count as durable: the WAL is
   * closed, its write failed (nothing of it is kept), an fsync failed (the WAL then refuses every
   * later append), or the thread was interrupted.
   */
  long append(byte[] payload, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, payload.length);
    if (length == 0) {
      throw new IllegalArgumentException("empty WAL record: a payload needs at least 1 byte");
    }
    if (length > MAX_RECORD_BYTES) {
      throw new IllegalArgumentException("WAL record of " + length
          + " bytes is over the maximum of " + MAX_RECORD_BYTES + " bytes");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted before appending to the WAL");
    }
    CRC32C crc = new CRC32C();
    crc.update(payload, offset, length);
    ByteSink frame = new ByteSink(FRAME_BYTES + length);
    frame.writeIntLe(length);
    frame.writeIntLe((int) crc.getValue());
    frame.writeBytes(payload, offset, length);
    long segment;
    long end;
    writeLock.lock();
    try {
      checkWritable();
      ByteBuffer buffer = ByteBuffer.wrap(frame.array(), 0, frame.size());
      try {
        while (buffer.hasRemaining()) {
          current.channel().write(buffer);
        }
      } catch (IOException e) {
        throw takeBack(e);
      }
      currentBytes += frame.size();
      segment = current.id();
      synchronized (syncState) {
        written += frame.size();
        writtenTo = current;
        end = written;
      }
    } finally {
      writeLock.unlock();
    }
    if (policy == SyncPolicy.ALWAYS) {
      awaitSynced(end);
    }
    return segment;
  }

  /**
   * Syncs and closes the current segment and starts a new one; returns the new segment's id.
   * Records appended afterwards go to it.
   */
  long roll() throws IOException {
    writeLock.lock();
    try {
      checkWritable();
      syncWritten();
      Segment next = createSegment(directory, current.id() + 1);
      Segment previous = current;
      olderSegments.put(previous.id(), currentBytes);
      current = next;
      currentBytes = HEADER_BYTES;
      currentId = next.id();
      synchronized (syncState) {
        writtenTo = next;
      }
      closeQuietly(previous);
      return next.id();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Deletes every segment with an id lower than {@code segment}, which must not be above the
   * current segment: their records are covered by a block.
   */
  void deleteSegmentsBefore(long segment) throws IOException {
    long currentSegment = currentId;
    if (segment > currentSegment) {
      throw new IllegalArgumentException("segment: " + segment
          + " (expected: at most the current segment " + currentSegment + ")");
    }
    synchronized (deleteLock) {
      Map<Long, Long> doomed = olderSegments.headMap(segment);
      if (doomed.isEmpty()) {
        return;
      }
      for (Long id : List.copyOf(doomed.keySet())) {
        Files.deleteIfExists(directory.resolve(fileName(id)));
        olderSegments.remove(id);
      }
      syncDirectory(directory);
    }
  }

  long currentSegment() {
    return currentId;
  }

  /** Why the WAL refuses appends until a restart, or empty while it takes them. */
  Optional<String> failure() {
    synchronized (syncState) {
      return failure == null ? Optional.empty() : Optional.of(failure.getMessage());
    }
  }

  /**
   * The fsyncs that made records durable so far: group commits, background syncs and those of
   * {@link #roll()} and {@link #close()} (not the fsyncs of new segment headers).
   */
  long syncCount() {
    synchronized (syncState) {
      return syncs;
    }
  }

  /** The bytes of all segments, headers included. */
  long sizeBytes() {
    writeLock.lock();
    try {
      long total = currentBytes;
      for (long bytes : olderSegments.values()) {
        total += bytes;
      }
      return total;
    } finally {
      writeLock.unlock();
    }
  }

  ReplayReport replayReport() {
    return replayReport;
  }

  /**
   * Syncs what was written and closes the current segment. After a failure it only closes. Later
   * calls do nothing; appends and rolls throw.
   */
  @Override
  public void close() throws IOException {
    if (syncer != null) {
      syncer.shutdown();
      try {
        syncer.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      boolean failed;
      synchronized (syncState) {
        failed = failure != null;
      }
      try {
        if (!failed) {
          syncWritten();
        }
      } finally {
        current.channel().close();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Throws unless appends and rolls may go on; under the write lock. */
  private void checkWritable() throws IOException {
    if (closed) {
      throw new IOException("the WAL in " + directory + " is closed");
    }
    synchronized (syncState) {
      if (failure != null) {
        throw failed();
      }
    }
  }

  private void syncWritten() throws IOException {
    long end;
    synchronized (syncState) {
      end = written;
    }
    awaitSynced(end);
  }

  private void syncInBackground() {
    try {
      syncWritten();
    } catch (IOException e) {
      // stop() has logged the failure; appends report it.
    }
  }

  /**
   * Returns once an fsync covering the written bytes up to {@code end} has completed: leads one
   * for everything written so far when none is running, or waits for the running one.
   */
  private void awaitSynced(long end) throws IOException {
    Segment target;
    long upTo;
    synchronized (syncState) {
      while (true) {
        if (synced >= end) {
          return;
        }
        if (failure != null) {
          throw failed();
        }
        if (!syncing) {
          break;
        }
        try {
          syncState.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(
              "interrupted while waiting for the WAL fsync; the record may or may not be durable");
        }
      }
      syncing = true;
      target = writtenTo;
      upTo = written;
    }
    // Bytes before upTo in older segments were synced by roll(), which waits for this fsync
    // to end before closing the segment it syncs.
    boolean forced = false;
    try {
      target.channel().force(false);
      forced = true;
    } catch (IOException e) {
      throw stop("fsync of WAL segment " + target.file() + " failed", e);
    } finally {
      synchronized (syncState) {
        syncing = false;
        if (forced) {
          synced = upTo;
          syncs++;
        }
        syncState.notifyAll();
      }
    }
  }

  /**
   * After a write to the current segment failed (a full disk, a file size limit), truncates the
   * segment back to its last whole record, so that nothing of the failed record stays and later
   * appends can go on once the cause is gone; returns the exception to throw. Nothing of the
   * record was acknowledged, and the bytes before it are untouched. Stops the WAL if the
   * truncation fails too, since the segment's tail is then unknown. Under the write lock.
   */
  private IOException takeBack(IOException cause) {
    try {
      current.channel().truncate(currentBytes);
    } catch (IOException e) {
      cause.addSuppressed(e);
      return stop("writing to WAL segment " + current.file() + " failed, and so did truncating "
          + "it back to its last record", cause);
    }
    return new IOException("appending to WAL segment " + current.file()
        + " failed; nothing of the record was kept", cause);
  }

  /** Stops the WAL for good after {@code cause}; returns the exception to throw. */
  private IOException stop(String what, IOException cause) {
    synchronized (syncState) {
      if (failure == null) {
        failure = new IOException(what + "; the WAL in " + directory
            + " refuses appends from now on: restart to replay it", cause);
        LOG.log(Level.ERROR, failure.getMessage(), cause);
        syncState.notifyAll();
      }
      return failed();
    }
  }

  /** A fresh exception for one caller, carrying the failure that stopped the WAL. */
  private IOException failed() {
    return new IOException(failure.getMessage(), failure.getCause());
  }

  private static void closeQuietly(Segment segment) {
    try {
      segment.channel().close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "closing synced WAL segment " + segment.file() + " failed", e);
    }
  }

  static String fileName(long id) {
    return HEX.toHexDigits(id) + ".wal";
  }

  private static List<Long> segmentIds(Path directory) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (SEGMENT_NAME.matcher(name).matches()) {
          long id = Long.parseUnsignedLong(name.substring(0, 16), 16);
          if (id < 0) {
            throw new IOException("WAL segment " + file + " has an id over 2^63");
          }
          ids.add(id);
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  /** Creates segment {@code id} with its header, durably, and opens it for appending. */
  private static Segment createSegment(Path directory, long id) throws IOException {
    Path file = directory.resolve(fileName(id));
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      writeHeader(channel);
      syncDirectory(directory);
      return new Segment(id, file, channel);
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw e;
    }
  }

  private static void writeHeader(FileChannel channel) throws IOException {
    ByteSink header = new ByteSink(HEADER_BYTES);
    header.writeIntLe(MAGIC);
    header.writeIntLe(FORMAT_VERSION);
    ByteBuffer buffer = ByteBuffer.wrap(header.array(), 0, header.size());
    while (buffer.hasRemaining()) {
      channel.write(buffer, buffer.position());
    }
    channel.position(HEADER_BYTES);
    channel.force(true);
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Replays segments and repairs their damage, counting what it finds. */
  private static final class Recovery {
    private final Path directory;
    private final Replay replay;
    private final List<Damage> damage = new ArrayList<>();

    /** The segments that remain, with their sizes. */
    final TreeMap<Long, Long> kept = new TreeMap<>();

    private int segments;
    private long records;
    private long payloadBytes;
    private byte[] payload = new byte[64 << 10];

    Recovery(Path directory, Replay replay) {
      this.directory = directory;
      this.replay = replay;
    }

    ReplayReport report() {
      return new ReplayReport(segments, records, payloadBytes, damage);
    }

    void replay(long id, boolean last) throws IOException {
      Path file = directory.resolve(fileName(id));
      segments++;
      long size = Files.size(file);
      Scan scan = scan(id, file, size);
      for (Skipped record : scan.skipped()) {
        setAsideRecord(file, record);
      }
      if (scan.problem() == null) {
        kept.put(id, size);
      } else if (scan.badHeader()) {
        if (last && size < HEADER_BYTES) {
          rewriteTornHeader(file, scan.problem(), size);
          kept.put(id, (long) HEADER_BYTES);
        } else {
          setAsideWhole(file, scan.problem(), size);
        }
      } else if (last) {
        truncateTornTail(file, scan.end(), scan.problem(), size);
        kept.put(id, scan.end());
      } else {
        setAsideTail(file, scan.end(), scan.problem(), size);
        kept.put(id, scan.end());
      }
    }

    /**
     * What replaying a segment of {@code size} bytes found.
     *
     * @param end where the replayed records end
     * @param problem what is wrong at {@code end}, or null when the segment is whole
     * @param badHeader whether the problem is the segment header
     * @param skipped the records before {@code end} whose checksum failed, each followed by a whole
     *     record
     */
    private record Scan(long end, String problem, boolean badHeader, List<Skipped> skipped) {
      Scan(long end, String problem, boolean badHeader) {
        this(end, problem, badHeader, List.of());
      }
    }

    /** A record whose checksum failed, {@code bytes} long with its frame, that replay went past. */
    private record Skipped(long offset, long bytes, String reason) {}

    private Scan scan(long id, Path file, long size) throws IOException {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      try {
        byte[] header = new byte[HEADER_BYTES];
        int headerRead = in.readNBytes(header, 0, HEADER_BYTES);
        if (headerRead < HEADER_BYTES) {
          return new Scan(0, "incomplete segment header: " + headerRead + " of " + HEADER_BYTES
              + " bytes", true);
        }
        ByteSource source = new ByteSource(header, "WAL segment header of " + file);
        int magic = source.readIntLe();
        int version = source.readIntLe();
        if (magic != MAGIC) {
          return new Scan(0, "not a WAL segment header", true);
        }
        if (version != FORMAT_VERSION) {
          throw new IOException("WAL segment " + file + " has format version "
              + Integer.toUnsignedString(version) + "; this release reads version "
              + FORMAT_VERSION);
        }
        long offset = HEADER_BYTES;
        CRC32C crc = new CRC32C();
        byte[] frame = new byte[FRAME_BYTES];
        List<Skipped> skipped = new ArrayList<>();
        while (true) {
          // Records whose checksum failed since the last whole one: skipped once a whole one
          // follows them, else the start of the damage.
          List<Skipped> unconfirmed = new ArrayList<>();
          String problem = null;
          boolean badFrame = false;
          while (offset < size) {
            long left = size - offset;
            if (left < FRAME_BYTES) {
              problem = "incomplete record header: " + left + " of " + FRAME_BYTES + " bytes";
              badFrame = true;
              break;
            }
            if (in.readNBytes(frame, 0, FRAME_BYTES) < FRAME_BYTES) {
              problem = "the file shrank while being read";
              break;
            }
            ByteSource frameSource = new ByteSource(frame, "WAL record header in " + file);
            int length = frameSource.readIntLe();
            int checksum = frameSource.readIntLe();
            if (length <= 0 || length > MAX_RECORD_BYTES) {
              problem = "bad record length " + Integer.toUnsignedString(length)
                  + " (expected: 1 to " + MAX_RECORD_BYTES + ")";
              badFrame = true;
              break;
            }
            if (length > left - FRAME_BYTES) {
              problem = "record of " + length + " bytes runs past the end of the file ("
                  + (left - FRAME_BYTES) + " bytes left)";
              badFrame = true;
              break;
            }
            if (length > payload.length) {
              payload =
                  new byte[Math.min(MAX_RECORD_BYTES, Math.max(length, payload.length * 2))];
            }
            if (in.readNBytes(payload, 0, length) < length) {
              problem = "the file shrank while being read";
              break;
            }
            crc.reset();
            crc.update(payload, 0, length);
            if ((int) crc.getValue() != checksum) {
              unconfirmed.add(new Skipped(offset, FRAME_BYTES + length,
                  "CRC32C mismatch in a record of " + length + " bytes"));
            } else {
              skipped.addAll(unconfirmed);
              unconfirmed.clear();
              replay.record(id, payload, 0, length);
              records++;
              payloadBytes += length;
            }
            offset += FRAME_BYTES + length;
          }
          long damageAt;
          String reason;
          if (!unconfirmed.isEmpty()) {
            damageAt = unconfirmed.get(0).offset();
            reason = unconfirmed.get(0).reason();
          } else if (badFrame) {
            damageAt = offset;
            reason = problem;
          } else {
            return new Scan(offset, problem, false, skipped);
          }
          // The damage gives no place for the next record: whole records may follow it all the
          // same (a corrupt length), or it runs to the end, as a crash leaves it.
          long resumeAt = wholeRecordsToTheEnd(file, damageAt, size);
          if (resumeAt < 0) {
            return new Scan(damageAt, reason, false, skipped);
          }
          skipped.add(new Skipped(damageAt, resumeAt - damageAt, reason));
          in.close();
          in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
          in.skipNBytes(resumeAt);
          offset = resumeAt;
        }
      } finally {
        in.close();
      }
    }

    /**
     * The first offset after {@code damageAt} from which whole records, each framed within the
     * file and matching its checksum, run exactly to the end of the segment, or -1 when there is
     * none (or the segment is over 2 GiB, where none is looked for). A crash leaves no whole record
     * after its torn write, so there is none in a torn tail; and a record is taken only with every
     * record after it whole, so that a chance match of a checksum in damaged bytes (one in 2^32
     * per place that frames) is not replayed unless the records after it frame and match as well.
     */
    private static long wholeRecordsToTheEnd(Path file, long damageAt, long size)
        throws IOException {
      if (size > Integer.MAX_VALUE) {
        return -1;
      }
      ByteBuffer bytes;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size)
            .order(ByteOrder.LITTLE_ENDIAN);
      }
      RecordSearch search = new RecordSearch(bytes, (int) size);
      for (int start = (int) damageAt + 1; start < size - FRAME_BYTES; start++) {
        if (search.wholeToTheEnd(start)) {
          return start;
        }
      }
      return -1;
    }

    private void rewriteTornHeader(Path file, String reason, long size) throws IOException {
      LOG.log(Level.WARNING, "WAL segment {0}: torn tail at offset 0 ({1}); rewrote the header",
          file, reason);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(0);
        writeHeader(channel);
      }
      damage.add(new Damage(file, 0, reason, size, null));
    }

    private void truncateTornTail(Path file, long offset, String reason, long size)
        throws IOException {
      LOG.log(Level.WARNING,
          "WAL segment {0}: torn tail at offset {1} ({2}); truncated the {3} bytes from there",
          file, Long.toString(offset), reason, Long.toString(size - offset));
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(offset);
        channel.force(true);
      }
      damage.add(new Damage(file, offset, reason, size - offset, null));
    }

    /** Copies a skipped record beside the segment, which keeps it. */
    private void setAsideRecord(Path file, Skipped record) throws IOException {
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + record.offset());
      LOG.log(Level.ERROR,
          "WAL segment {0}: corrupt record at offset {1} ({2}, with whole records after it);"
              + " copied its {3} bytes to {4} and replayed the records after it",
          file, Long.toString(record.offset()), record.reason(), Long.toString(record.bytes()),
          aside);
      try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
          FileChannel target = FileChannel.open(aside, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        long copied = 0;
        while (copied < record.bytes()) {
          copied += source.transferTo(record.offset() + copied, record.bytes() - copied, target);
        }
        target.force(true);
      }
      syncDirectory(directory);
      damage.add(new Damage(file, record.offset(), record.reason() + ", with whole records after it",
          record.bytes(), aside));
    }

    /** Copies the bytes from {@code offset} on beside the segment, then truncates it there. */
    private void setAsideTail(Path file, long offset, String reason, long size)
        throws IOException {
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + offset);
      LOG.log(Level.ERROR,
          "WAL segment {0}: corrupt record at offset {1} ({2}); moved the {3} bytes from there to"
              + " {4} and replayed the records before it",
          file, Long.toString(offset), reason, Long.toString(size - offset), aside);
      try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ,
              StandardOpenOption.WRITE);
          FileChannel target = FileChannel.open(aside, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        long copied = 0;
        while (copied < size - offset) {
          copied += source.transferTo(offset + copied, size - offset - copied, target);
        }
        target.force(true);
        syncDirectory(directory);
        source.truncate(offset);
        source.force(true);
      }
      damage.add(new Damage(file, offset, reason, size - offset, aside));
    }

    private void setAsideWhole(Path file, String reason, long size) throws IOException {
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt-0");
      LOG.log(Level.ERROR, "WAL segment {0}: {1} at offset 0; moved the segment to {2}",
          file, reason, aside);
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(directory);
      damage.add(new Damage(file, 0, reason, size, aside));
    }
  }

  /**
   * Tells whether whole records run from an offset to the end of a segment. Each offset on a run
   * of several records that breaks (a record that does not frame or whose checksum fails) is
   * remembered, so that a search from every offset of a segment whose records break twice (a
   * corrupt length, and a torn tail after it) walks the records between once, not once per
   * record before them.
   */
  private static final class RecordSearch {
    /** Runs of fewer records are left unremembered: damaged bytes seldom frame even twice. */
    private static final int REMEMBERED_RUN = 8;

    private final ByteBuffer bytes;
    private final int end;
    private final CRC32C crc = new CRC32C();
    private final Set<Integer> broken = new HashSet<>();
    private final List<Integer> run = new ArrayList<>();

    RecordSearch(ByteBuffer bytes, int end) {
      this.bytes = bytes;
      this.end = end;
    }

    boolean wholeToTheEnd(int start) {
      run.clear();
      int at = start;
      while (at < end) {
        if (at != start && broken.contains(at)) {
          return broke(run.size());
        }
        int length = end - at < FRAME_BYTES ? 0 : bytes.getInt(at);
        if (length <= 0 || length > MAX_RECORD_BYTES || length > end - at - FRAME_BYTES) {
          return broke(run.size());
        }
        run.add(at);
        at += FRAME_BYTES + length;
      }
      for (int i = 0; i < run.size(); i++) {
        int record = run.get(i);
        crc.reset();
        crc.update(bytes.slice(record + FRAME_BYTES, bytes.getInt(record)));
        if ((int) crc.getValue() != bytes.getInt(record + 4)) {
          return broke(i + 1);
        }
      }
      return true;
    }

    /** Remembers the first {@code records} of the run, past its start, as leading to a break. */
    private boolean broke(int records) {
      if (records >= REMEMBERED_RUN) {
        broken.addAll(run.subList(1, records));
      }
      return false;
    }
  }
}
