package dev.ariadne.storage.embedded;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.internal.RepeatedFailure;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.DroppedSpans;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.Operations;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.internal.TracePart;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The embedded storage engine: one data directory, no external service. A write is appended to a
 * write-ahead log and, once the log is synced as the {@link SyncPolicy} says, added to the head,
 * the recent spans in memory. The head is cut, by size or by age, into an immutable, compressed
 * block file with a trace-ID index, a bloom filter and search columns; a background thread merges
 * small and overlapping blocks (bringing the parts of a late trace together) and deletes blocks
 * past the retention age or over the disk cap. Open with {@link #builder(Path)}.
 *
 * <p>The directory holds {@code wal/} (log segments) and {@code blocks/} (block files); a block
 * that fails its checksums is renamed to {@code *.corrupt} with an error naming it, and the rest
 * keeps serving, but for a bad page, which reads leave out, and a block whose index can still be
 * read, which a merge rewrites from what it can read (keeping a copy aside): a read that finds
 * such a block bad leaves it out until the next maintenance round merges it. Only one process may
 * open a directory at a time.
 */
public final class EmbeddedStorage implements Storage {
  private static final System.Logger LOG = System.getLogger(EmbeddedStorage.class.getName());
  /** A WAL record of spans as one span codec call (written by earlier versions; still read). */
  private static final byte RECORD_SPANS = 1;
  /** A WAL record of spans as one span codec call per trace (see {@link Head#encode}). */
  private static final byte RECORD_TRACES = 2;
  /** A search asks whether it has found enough at least once per this many traces of a head. */
  private static final int HEAD_TRACES_PER_ASK = 64;
  /** How long a block stays open after it was deleted, for the reads that may still use it. */
  private static final long RETIRED_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
  /**
   * The most bytes of names (as written, see {@link Block#namesBytes}) a merge takes from its
   * sources. A merge holds its block's whole names table in memory, at about 100 bytes of heap a
   * name, and names made from IDs (a span named after its URL, a service per pod) give a block as
   * many names as spans: 1.6 million of them ran a 512 MiB heap out. Four MiB is about 200,000
   * such names, where the load generator's blocks have a few kilobytes of names.
   */
  static final long COMPACTION_TARGET_NAMES_BYTES = 4 << 20;
  private static final String BLOCK_SUFFIX = ".block";
  /**
   * Where a merge writes what it salvages of a damaged source, under the data directory; emptied
   * by the merge, and at start-up after a crash in one.
   */
  private static final String SALVAGE_DIRECTORY = "salvage";
  /** How often a background task that keeps failing is reported at most. */
  private static final Duration FAILURE_REPORT_INTERVAL = Duration.ofMinutes(1);

  private final Path directory;
  private final Path blockDirectory;
  private final Path salvageDirectory;
  private final Builder settings;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock directoryLock;
  private final Wal wal;
  /** Counts of spans not stored because their trace reached the per-trace limit. */
  private final DroppedLog droppedLog;
  private final TraceLimit traceLimit;
  /** Writers hold it shared across WAL append and head add; a cut holds it exclusively. */
  private final ReentrantReadWriteLock cutLock = new ReentrantReadWriteLock();
  /** Serialises cuts, whichever thread asks for one. */
  private final Lock cutWorkLock = new ReentrantLock();
  /** Cut heads whose blocks are still to be written, oldest first; guarded by cutWorkLock. */
  private final ArrayDeque<Frozen> unwrittenCuts = new ArrayDeque<>();
  /** Whether a cut block listed the most services there are; guarded by cutWorkLock. */
  private boolean warnedOfServices;
  /** Serialises compaction and expiry, whichever thread asks for them. */
  private final Lock workLock = new ReentrantLock();
  private final Lock maintenanceLock = new ReentrantLock();
  private final Condition maintenanceWanted = maintenanceLock.newCondition();
  /** Signalled when a cut head's block is in place, which makes room for writes. */
  private final Condition headRoom = maintenanceLock.newCondition();
  /** Cuts the head when it is due; on its own so that a long compaction never delays a cut. */
  private final Thread cutter;
  /** Compaction, expiry, and closing retired blocks. */
  private final Thread maintenance;
  private final ThreadLocal<ByteSink> recordBuffers = ThreadLocal.withInitial(() -> new ByteSink(64 * 1024));
  private final AtomicLong nextBlockId;
  /**
   * The ID of the block a merge failed to write, or -1: its retry writes under the same ID, so that
   * a failure that repeats (a full disk) reads the same each time and is logged as one. Guarded by
   * {@link #workLock}.
   */
  private long unwrittenMergeId = -1;
  private final AtomicLong cuts = new AtomicLong();
  private final AtomicLong cutNanos = new AtomicLong();
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong compactionNanos = new AtomicLong();
  private final AtomicLong backgroundFailures = new AtomicLong();
  private final AtomicLong expiredBlocks = new AtomicLong();
  private final AtomicLong corruptBlocks = new AtomicLong();
  private final AtomicLong corruptPages = new AtomicLong();
  private final AtomicLong lostSpans = new AtomicLong();
  private final LongAdder searchedBlocks = new LongAdder();
  /** Guards every change of {@link #state} and {@link #retired}. */
  private final Object stateLock = new Object();
  private final List<Retired> retired = new ArrayList<>();
  private volatile State state;
  /** What the blocks list together, for listings; made again when they change. */
  private volatile BlocksCatalog blocksCatalog = new BlocksCatalog(List.of(), Map.of(), Map.of());
  private final Object blocksCatalogLock = new Object();
  private volatile boolean closed;
  private boolean maintenanceRequested;

  /** What reads see: the head taking writes, cut heads whose blocks are being written, blocks. */
  private record State(Head head, List<Head> cut, List<Block> blocks) {
    State {
      cut = List.copyOf(cut);
      blocks = List.copyOf(blocks);
    }

    Stream<Head> heads() {
      return Stream.concat(Stream.of(head), cut.stream());
    }
  }

  /**
   * A head cut from writes, at {@code storedEpochMillis}, whose block {@code blockId} is not
   * written yet; its spans are in the WAL segments before {@code segment}.
   */
  private record Frozen(Head head, long segment, long blockId, long storedEpochMillis) {}

  /** A block removed from the state, closed once no read can still be using it. */
  private record Retired(Block block, long sinceNanos) {}

  private EmbeddedStorage(Builder settings) throws IOException {
    this.settings = settings;
    this.directory = settings.directory;
    this.clock = settings.clock;
    this.blockDirectory = directory.resolve("blocks");
    Files.createDirectories(blockDirectory);
    salvageDirectory = directory.resolve(SALVAGE_DIRECTORY);
    lockChannel = FileChannel.open(directory.resolve("lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new FileSystemException(directory.toAbsolutePath().toString(), null,
          "in use by another Ariadne server (its lock file is held)");
    }
    directoryLock = lock;
    try {
      deleteTree(salvageDirectory);
      List<Block> blocks = new ArrayList<>(openBlocks());
      long covered = blocks.stream().mapToLong(b -> b.meta().coveredWalSegment()).max().orElse(0);
      nextBlockId = new AtomicLong(blocks.stream()
          .flatMap(b -> Stream.concat(Stream.of(b.meta().id()), b.meta().sources().stream()))
          .mapToLong(Long::longValue).max().orElse(0) + 1);
      Path walDirectory = directory.resolve("wal");
      boolean[] writing = {true};
      wal = Wal.open(walDirectory, settings.syncPolicy, settings.syncInterval,
          (segment, bytes, offset, length) -> {
            if (segment < covered) {
              return;
            }
            Frozen replaying = unwrittenCuts.peekLast();
            if (replaying == null || replaying.segment() != segment + 1) {
              writing[0] = writing[0] && writeReplayedCuts(blocks);
              long written = Files.getLastModifiedTime(walDirectory.resolve(Wal.fileName(segment)))
                  .toMillis();
              replaying = new Frozen(new Head(System.nanoTime()), segment + 1,
                  nextBlockId.getAndIncrement(), Math.min(written, clock.millis()));
              unwrittenCuts.add(replaying);
            }
            addRecord(replaying.head(), bytes, offset, length);
          });
      wal.deleteSegmentsBefore(
          blocks.stream().mapToLong(b -> b.meta().coveredWalSegment()).max().orElse(0));
      if (!unwrittenCuts.isEmpty()) {
        wal.roll();
      }
      droppedLog = DroppedLog.open(directory.resolve("dropped"), settings.syncPolicy,
          settings.syncInterval, clock.millis());
      state = new State(new Head(System.nanoTime()),
          unwrittenCuts.stream().map(Frozen::head).toList(), blocks);
    } catch (IOException | RuntimeException e) {
      directoryLock.release();
      lockChannel.close();
      throw e;
    }
    traceLimit = settings.maxSpansPerTrace == 0 ? null
        : new TraceLimit(settings.maxSpansPerTrace, this::spanCount);
    cutter = new Thread(() -> backgroundLoop(true,
        List.of(new Task("Cutting the head into a block", this::cutIfDue))),
        "ariadne-storage-cut");
    cutter.setDaemon(true);
    cutter.start();
    // Retention first: when the disk is full, deleting blocks is what makes room for the rest.
    maintenance = new Thread(() -> backgroundLoop(false, List.of(
        new Task("Deleting blocks past retention or the disk cap", this::expire),
        new Task("Compacting blocks", this::compact),
        new Task("Closing replaced blocks", this::closeRetired))),
        "ariadne-storage-maintenance");
    maintenance.setDaemon(true);
    maintenance.start();
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  @Override
  public void write(List<Span> spans) throws IOException {
    requireNonNull(spans, "spans");
    if (spans.isEmpty()) {
      return;
    }
    awaitHeadRoom();
    TraceLimit.Split split =
        traceLimit == null ? new TraceLimit.Split(spans, Map.of()) : traceLimit.split(spans);
    List<Span> kept = split.kept();
    ByteSink record = recordBuffers.get();
    record.reset();
    record.writeByte(RECORD_TRACES);
    List<Head.Group> groups = Head.encode(kept, record);
    Head head;
    cutLock.readLock().lock();
    try {
      checkOpen();
      head = state.head;
      if (!kept.isEmpty()) {
        wal.append(record.array(), 0, record.size());
        head.add(record.array(), 0, record.size(), groups);
      }
      if (!split.dropped().isEmpty()) {
        droppedLog.append(split.dropped(), clock.millis());
      }
    } finally {
      cutLock.readLock().unlock();
    }
    if (record.array().length > 4 * 1024 * 1024) {
      recordBuffers.remove();
    }
    if (head.isFull(settings.headMaxSpans, settings.headMaxBytes)) {
      requestMaintenance();
    }
  }

  /** Adds a WAL record's spans to {@code head}, as a write would have. */
  private static void addRecord(Head head, byte[] bytes, int offset, int length)
      throws CorruptDataException {
    ByteSource in = new ByteSource(bytes, offset, length, "WAL record");
    int type = in.readByte();
    if (type == RECORD_TRACES) {
      List<Head.Group> groups = Head.readGroups(in);
      if (in.hasRemaining()) {
        throw in.corrupt(in.remaining() + " bytes after the last group");
      }
      head.add(bytes, offset, length, groups);
    } else if (type == RECORD_SPANS) {
      List<Span> spans = SpanCodec.decode(in);
      ByteSink record = new ByteSink(length + 64);
      record.writeByte(RECORD_TRACES);
      List<Head.Group> groups = Head.encode(spans, record);
      head.add(record.array(), 0, record.size(), groups);
    } else {
      throw in.corrupt("unknown record type " + type);
    }
  }

  /** From the heads' entries and the blocks' trace summaries, without decoding spans. */
  @Override
  public int spanCount(TraceId traceId) throws IOException {
    requireNonNull(traceId, "traceId");
    State current = state;
    long count = current.heads().mapToLong(head -> head.spanCount(traceId)).sum();
    for (Block block : current.blocks) {
      Optional<TracePart> part = readBlock(block,
          b -> b.mayContain(traceId) ? b.part(traceId) : Optional.<TracePart>empty());
      if (part != null && part.isPresent()) {
        count += part.get().spanCount();
      }
    }
    return (int) Math.min(count, Integer.MAX_VALUE);
  }

  @Override
  public List<DroppedSpans> droppedSpans(TraceId traceId) {
    requireNonNull(traceId, "traceId");
    return droppedLog.counts(traceId);
  }

  /**
   * The spans of the trace that blocks hold on pages found failing their checksums (the trace's
   * own read finds its pages), counted from the blocks' trace summaries; a block with no bad page
   * answers at once, so a sound trace's read costs nothing more; a merge salvages what can be read of such a block, and after it the
   * lost spans are no longer counted here (only in {@link #lostSpans()}).
   */
  @Override
  public int unreadableSpans(TraceId traceId) throws IOException {
    requireNonNull(traceId, "traceId");
    long count = 0;
    for (Block block : state.blocks) {
      Integer unreadable = readBlock(block, b -> b.unreadableSpans(traceId));
      if (unreadable != null) {
        count += unreadable;
      }
    }
    return (int) Math.min(count, Integer.MAX_VALUE);
  }

  /**
   * Spans not stored because their trace had reached the per-trace limit: those counted by the
   * records within retention when the engine opened, and those since.
   */
  public long droppedSpanCount() {
    return droppedLog.spanCount();
  }

  @Override
  public List<Span> trace(TraceId traceId) throws IOException {
    requireNonNull(traceId, "traceId");
    State current = state;
    List<Span> spans = new ArrayList<>();
    current.heads().forEach(head -> spans.addAll(head.trace(traceId)));
    for (Block block : current.blocks) {
      readBlock(block, b -> {
        if (b.mayContain(traceId)) {
          spans.addAll(b.trace(traceId));
        }
        return null;
      });
    }
    return List.copyOf(spans);
  }

  @Override
  public List<TraceSummary> search(TraceQuery query) throws IOException {
    requireNonNull(query, "query");
    State current = state;
    // Each place (a head or a block) gives the parts of the traces that match in it.
    Map<Object, Map<TraceId, TracePart>> matchedByPlace = new HashMap<>();
    Map<TraceId, TracePart> matched = new HashMap<>();
    // Places newest first, a block at a time and a trace of a head at a time: once `limit`
    // traces found start after every span of the places left, those cannot hold a newer trace,
    // and are not read.
    List<Place> places = new ArrayList<>();
    Cancellation cancellation = query.cancellation();
    cancellation.check();
    current.heads().forEach(head -> head.candidates(query)
        .forEach(held -> places.add(new Place(held.maxStart, null, head, held))));
    for (Block block : current.blocks) {
      cancellation.check();
      if (Boolean.TRUE.equals(readBlock(block, b -> b.mayMatch(query)))) {
        places.add(new Place(block.meta().maxStartEpochNanos(), block, null, null));
      }
    }
    places.sort(Comparator.comparingLong(Place::maxStart).reversed());
    int matchedWhenAsked = -1;
    for (int i = 0; i < places.size(); i++) {
      cancellation.check();
      Place place = places.get(i);
      // Asking costs a pass over what matched: for a head's trace, only ask once more matched
      // or every so many traces.
      boolean ask = place.block != null || matched.size() != matchedWhenAsked
          || i % HEAD_TRACES_PER_ASK == 0;
      if (ask) {
        matchedWhenAsked = matched.size();
        if (foundNewer(place.maxStart, query.limit(), matched, current, matchedByPlace,
            cancellation)) {
          break;
        }
      }
      if (place.block != null) {
        searchedBlocks.increment();
        List<TracePart> parts = readBlock(place.block, b -> b.search(query));
        if (parts != null) {
          collect(place.block, parts, matchedByPlace, matched);
        }
      } else if (place.held.matches(query)) {
        matchedByPlace.computeIfAbsent(place.head, head -> new HashMap<>())
            .put(place.held.traceId, place.held.part);
        matched.merge(place.held.traceId, place.held.part, TracePart::merge);
      }
    }
    // A trace's start is the earliest of all its parts, so parts found elsewhere can only make it
    // older: walk candidates from the newest start found so far, completing each, until no later
    // candidate can beat the oldest of the newest `limit`.
    List<TracePart> candidates = new ArrayList<>(matched.values());
    candidates.sort(Comparator.comparingLong(TracePart::startEpochNanos).reversed());
    Comparator<TracePart> newestFirst = Comparator.comparingLong(TracePart::startEpochNanos)
        .reversed().thenComparing(TracePart::traceId, Head.TRACE_ID_ORDER);
    PriorityQueue<TracePart> newest = new PriorityQueue<>(newestFirst.reversed());
    for (TracePart candidate : candidates) {
      cancellation.check();
      if (newest.size() == query.limit()
          && candidate.startEpochNanos() < newest.peek().startEpochNanos()) {
        break;
      }
      newest.add(whole(candidate.traceId(), current, matchedByPlace));
      if (newest.size() > query.limit()) {
        newest.poll();
      }
    }
    List<TracePart> found = new ArrayList<>(newest);
    found.sort(newestFirst);
    List<TraceSummary> summaries = new ArrayList<>(found.size());
    for (TracePart part : found) {
      summaries.add(part.summary());
    }
    return List.copyOf(summaries);
  }

  /** A block, or a trace of a head, that a search reads, by the latest start of its spans. */
  private record Place(long maxStart, Block block, Head head, Head.Held held) {}

  /**
   * True when at least {@code limit} of the matched traces start after {@code start}. The
   * traces matched in a head are taken as they come: a head's part of a trace is read from the
   * head (cheap) when no match there put it in {@code matchedByPlace}.
   */
  private boolean foundNewer(long start, int limit, Map<TraceId, TracePart> matched,
      State current, Map<Object, Map<TraceId, TracePart>> matchedByPlace,
      Cancellation cancellation) throws IOException {
    if (matched.size() < limit) {
      return false;
    }
    // A part starts no earlier than its trace: only traces whose parts found so far start after
    // `start` may, and their whole trace says whether they do.
    List<TracePart> newer = new ArrayList<>();
    for (TracePart part : matched.values()) {
      if (part.startEpochNanos() > start) {
        newer.add(part);
      }
    }
    if (newer.size() < limit) {
      return false;
    }
    newer.sort(Comparator.comparingLong(TracePart::startEpochNanos).reversed());
    int confirmed = 0;
    for (TracePart part : newer) {
      cancellation.check();
      if (whole(part.traceId(), current, matchedByPlace).startEpochNanos() > start
          && ++confirmed == limit) {
        return true;
      }
    }
    return false;
  }

  private static void collect(Object place, List<TracePart> parts,
      Map<Object, Map<TraceId, TracePart>> matchedByPlace, Map<TraceId, TracePart> matched) {
    Map<TraceId, TracePart> here = new HashMap<>();
    for (TracePart part : parts) {
      here.put(part.traceId(), part);
      matched.merge(part.traceId(), part, TracePart::merge);
    }
    matchedByPlace.put(place, here);
  }

  /** The part of every place that holds the trace, merged. */
  private TracePart whole(TraceId traceId, State current,
      Map<Object, Map<TraceId, TracePart>> matchedByPlace) throws IOException {
    TracePart whole = null;
    for (Head head : (Iterable<Head>) current.heads()::iterator) {
      whole = merge(whole, partIn(head, traceId, matchedByPlace, () -> head.part(traceId)));
    }
    for (Block block : current.blocks) {
      whole = merge(whole, partIn(block, traceId, matchedByPlace, () -> {
        Optional<TracePart> found = readBlock(block,
            b -> b.mayContain(traceId) ? b.part(traceId) : Optional.<TracePart>empty());
        return found == null ? Optional.empty() : found;
      }));
    }
    return whole;
  }

  private static TracePart merge(TracePart whole, TracePart part) {
    if (whole == null) {
      return part;
    }
    return part == null ? whole : whole.merge(part);
  }

  /** Reads a part of a trace from one place. */
  @FunctionalInterface
  private interface PartReader {
    Optional<TracePart> read() throws IOException;
  }

  private static TracePart partIn(Object place, TraceId traceId,
      Map<Object, Map<TraceId, TracePart>> matchedByPlace, PartReader reader) throws IOException {
    Map<TraceId, TracePart> matchedHere = matchedByPlace.get(place);
    TracePart part = matchedHere == null ? null : matchedHere.get(traceId);
    return part != null ? part : reader.read().orElse(null);
  }

  @Override
  public List<String> services() throws IOException {
    return List.copyOf(listedServices(state));
  }

  @Override
  public List<Operation> operations(String serviceName) throws IOException {
    requireNonNull(serviceName, "serviceName");
    State current = state;
    if (!listedServices(current).contains(serviceName)) {
      return List.of();
    }
    TreeSet<Operation> operations = new TreeSet<>(Operations.ORDER);
    forEachCatalog(current,
        (ops, values) -> operations.addAll(ops.getOrDefault(serviceName, Set.of())));
    return Operations.ofFirstNames(operations);
  }

  @Override
  public List<String> attributeKeys(Optional<String> serviceName, int limit)
      throws IOException {
    return firstSorted(serviceName, limit, Storage.MAX_NAMES_PER_SERVICE, Map::keySet);
  }

  @Override
  public List<String> attributeValues(Optional<String> serviceName, String key, int limit)
      throws IOException {
    requireNonNull(key, "key");
    return firstSorted(serviceName, limit, Storage.MAX_VALUES_PER_KEY,
        values -> values.getOrDefault(key, Set.of()));
  }

  /**
   * The first {@code limit} of the sorted union, over one or all listed services, of the first
   * {@code kept} strings of each: what every catalog keeps of a service, since each keeps its
   * first. Only listed services are gathered, each only to its first {@code kept}: blocks that
   * each list 10,000 services made from IDs hold millions of them together.
   */
  private List<String> firstSorted(Optional<String> serviceName, int limit, int kept,
      Function<Map<String, Set<String>>, Collection<String>> strings) throws IOException {
    requireNonNull(serviceName, "serviceName");
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    State current = state;
    Set<String> listed = listedServices(current);
    if (serviceName.isPresent() && !listed.contains(serviceName.get())) {
      return List.of();
    }
    Map<String, TreeSet<String>> byService = new HashMap<>();
    forEachCatalog(current, (operations, values) -> {
      for (String service : serviceName.map(Set::of).orElse(listed)) {
        Map<String, Set<String>> keys = values.get(service);
        if (keys != null) {
          addFirst(byService.computeIfAbsent(service, name -> new TreeSet<>()),
              strings.apply(keys), kept);
        }
      }
    });
    TreeSet<String> sorted = new TreeSet<>();
    byService.values().forEach(service -> addFirst(sorted, service, limit));
    return List.copyOf(sorted);
  }

  /**
   * The services listed: the first {@value Storage#MAX_SERVICES} of all catalogs' services
   * together. Each catalog keeps its first, so these are listed whole, and of the others nothing
   * is.
   */
  private NavigableSet<String> listedServices(State current) throws IOException {
    TreeSet<String> first = new TreeSet<>();
    forEachCatalog(current,
        (operations, values) -> addFirst(first, operations.keySet(), Storage.MAX_SERVICES));
    return first;
  }

  /** Adds {@code strings} to {@code first}, keeping only the first {@code kept} of them all. */
  private static void addFirst(NavigableSet<String> first, Collection<String> strings, int kept) {
    for (String string : strings) {
      if (first.size() < kept || string.compareTo(first.last()) < 0) {
        first.add(string);
        if (first.size() > kept) {
          first.pollLast();
        }
      }
    }
  }

  /** Passes each head's catalog maps, then those of the blocks together, to {@code reader}. */
  private void forEachCatalog(State current,
      BiConsumer<Map<String, Set<Operation>>, Map<String, Map<String, Set<String>>>> reader)
      throws IOException {
    current.heads().forEach(head -> head.readCatalog(reader));
    BlocksCatalog blocks = blocksCatalog(current.blocks);
    reader.accept(blocks.operations(), blocks.attributeValues());
  }

  /**
   * The catalog of some blocks together: the union of their listings, as one block holding all
   * their spans would list them. Not changed once made, so its maps are safe to share.
   */
  private record BlocksCatalog(List<Block> blocks, Map<String, Set<Operation>> operations,
      Map<String, Map<String, Set<String>>> attributeValues) {}

  /**
   * The catalog of {@code blocks} together, made again only when the blocks have changed: from
   * the one made before and the new blocks' listings, when every block gone since is a source of
   * a new one (a compaction, whose block lists what its sources did); from every block's listing
   * otherwise (retention, a block moved aside). Listing so reads each block's listing about once,
   * however many listings are asked for, where a block of services made from IDs may have to read
   * its listing from the file again each time.
   */
  private BlocksCatalog blocksCatalog(List<Block> blocks) throws IOException {
    BlocksCatalog made = blocksCatalog;
    if (made.blocks().equals(blocks)) {
      return made;
    }
    // One listing makes it; the others asking meanwhile wait for it rather than read every block
    // too (about 45 ms a block of services made from IDs).
    synchronized (blocksCatalogLock) {
      made = blocksCatalog;
      return made.blocks().equals(blocks) ? made : makeBlocksCatalog(made, blocks);
    }
  }

  private BlocksCatalog makeBlocksCatalog(BlocksCatalog made, List<Block> blocks)
      throws IOException {
    Set<Long> mergedSources = new HashSet<>();
    Set<Block> had = new HashSet<>(made.blocks());
    List<Block> added = new ArrayList<>();
    for (Block block : blocks) {
      if (!had.remove(block)) {
        added.add(block);
        mergedSources.addAll(block.meta().sources());
      }
    }
    boolean onlyMerged = had.stream().allMatch(gone -> mergedSources.contains(gone.meta().id()));
    Catalog catalog = new Catalog();
    if (onlyMerged) {
      catalog.addAll(made.operations(), made.attributeValues());
    }
    for (Block block : onlyMerged ? added : blocks) {
      BlockMeta listing = readBlock(block, Block::listing);
      if (listing != null) {
        catalog.addAll(listing.operations(), listing.attributeValues());
      }
    }
    // Copied out of the catalog's tables, which would otherwise stay in memory with their values:
    // about 250 bytes a key of a service.
    Map<String, Map<String, Set<String>>> values = catalog.attributeValues();
    values.values().forEach(keys -> keys.replaceAll((key, texts) -> Set.copyOf(texts)));
    BlocksCatalog remade = new BlocksCatalog(blocks, catalog.operations(), values);
    blocksCatalog = remade;
    return remade;
  }

  @Override
  public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
      Cancellation cancellation) throws IOException {
    requireNonNull(cancellation, "cancellation");
    if (endEpochNanos <= startEpochNanos) {
      throw new IllegalArgumentException("endEpochNanos: " + endEpochNanos
          + " (expected: > startEpochNanos " + startEpochNanos + ")");
    }
    cancellation.check();
    State current = state;
    DependencyLinker linker = new DependencyLinker(startEpochNanos, endEpochNanos);
    // Each place counts the calls within its part of each trace; a trace with a part whose
    // parent is elsewhere is open: its parts' calls are taken back and the whole trace counted.
    Set<TraceId> open = new HashSet<>();
    current.heads().forEach(
        head -> head.calls(startEpochNanos, endEpochNanos, linker::putCall, open));
    for (Block block : current.blocks) {
      cancellation.check();
      BlockMeta meta = block.meta();
      if (meta.maxStartEpochNanos() >= startEpochNanos
          && meta.minStartEpochNanos() < endEpochNanos) {
        List<TraceId> openHere = readBlock(block, b -> b.calls(linker::putCall));
        if (openHere != null) {
          open.addAll(openHere);
        }
      }
    }
    for (TraceId traceId : open) {
      cancellation.check();
      List<Span> whole = new ArrayList<>();
      for (Head head : (Iterable<Head>) current.heads()::iterator) {
        List<Span> part = head.trace(traceId);
        linker.removeCalls(part);
        whole.addAll(part);
      }
      for (Block block : current.blocks) {
        List<Span> part = readBlock(block,
            b -> b.mayContain(traceId) ? b.trace(traceId) : List.<Span>of());
        if (part != null) {
          linker.removeCalls(part);
          whole.addAll(part);
        }
      }
      linker.putTrace(whole);
    }
    return List.copyOf(linker.links());
  }

  /** Spans in the head and in heads being cut. */
  public long headSpanCount() {
    return state.heads().mapToLong(Head::spanCount).sum();
  }

  /** Bytes of spans in the heads, as the WAL holds them. */
  public long headBytes() {
    return state.heads().mapToLong(Head::byteCount).sum();
  }

  public int blockCount() {
    return state.blocks.size();
  }

  /** Bytes in block files. */
  public long blockBytes() {
    return state.blocks.stream().mapToLong(b -> b.meta().sizeBytes()).sum();
  }

  /** Bytes in WAL segments. */
  public long walBytes() {
    return wal.sizeBytes();
  }

  /** Spans in blocks. */
  public long blockSpanCount() {
    return state.blocks.stream().mapToLong(b -> b.meta().spanCount()).sum();
  }

  public long walSyncCount() {
    return wal.syncCount();
  }

  /** Blocks written from cut heads. */
  public long cuts() {
    return cuts.get();
  }

  /** Seconds spent writing the blocks of {@link #cuts()}. */
  public double cutSeconds() {
    return cutNanos.get() / 1e9;
  }

  public long compactions() {
    return compactions.get();
  }

  /** Seconds spent in {@link #compactions()}. */
  public double compactionSeconds() {
    return compactionNanos.get() / 1e9;
  }

  /**
   * Rounds of background work that failed (cuts, compactions, retention, closing replaced blocks),
   * each retried at the next round; the log says which and why.
   */
  public long backgroundFailures() {
    return backgroundFailures.get();
  }

  /** Blocks deleted for retention or for the disk cap. */
  public long expiredBlocks() {
    return expiredBlocks.get();
  }

  /** Blocks whose spans a search has read, once per search and block. */
  public long searchedBlocks() {
    return searchedBlocks.sum();
  }

  /**
   * Blocks found corrupt, each once: moved aside, or merged from what could be read of them (a
   * block a read found bad, or one with bad pages that a merge took).
   */
  public long corruptBlocks() {
    return corruptBlocks.get();
  }

  /**
   * Pages of blocks found corrupt (and bloom filters), each counted once per start: their trace
   * parts are left out of reads while the rest of the block serves.
   */
  public long corruptPages() {
    return corruptPages.get();
  }

  /** Spans a merge left out of its block because they were on a corrupt page of a source. */
  public long lostSpans() {
    return lostSpans.get();
  }

  /** Reads a block. */
  @FunctionalInterface
  private interface BlockRead<T> {
    T read(Block block) throws IOException;
  }

  /**
   * Reads a block, or answers null without reading it: a block found corrupt is left out of reads,
   * and the read goes on without it. One whose index cannot be read is moved aside, since nothing
   * of it can be found; any other is left for the next maintenance round to salvage.
   */
  private <T> T readBlock(Block block, BlockRead<T> read) throws IOException {
    if (block.damage().isPresent()) {
      return null;
    }
    try {
      return read.read(block);
    } catch (CorruptDataException e) {
      leaveOut(block, e);
      return null;
    }
  }

  /**
   * Leaves a block that a read found corrupt out of reads from now on: moved aside if its index
   * cannot be read, else marked for {@link #doCompact} to salvage (a merge of it alone if nothing
   * else is due), which keeps every trace of its sound pages.
   */
  private void leaveOut(Block block, CorruptDataException found) throws IOException {
    try {
      block.index();
    } catch (CorruptDataException indexBad) {
      if (indexBad != found) {
        found.addSuppressed(indexBad);
      }
      quarantine(block, found);
      return;
    }
    if (block.damaged(found)) {
      corruptBlocks.incrementAndGet();
      LOG.log(Level.ERROR, "Block " + block.file() + " is corrupt (" + found.getMessage()
          + "); left out of reads until the next maintenance round merges what can be read of it"
          + " (logged once)");
    }
  }

  private void quarantine(Block block, CorruptDataException e) {
    synchronized (stateLock) {
      State current = state;
      if (!current.blocks.contains(block)) {
        return;
      }
      List<Block> blocks = new ArrayList<>(current.blocks);
      blocks.remove(block);
      state = new State(current.head, current.cut, blocks);
      // Closed after the grace period, as compacted blocks are: reads that took the block list
      // before this one still find it open (and corrupt again), rather than closed under them.
      retired.add(new Retired(block, System.nanoTime()));
    }
    if (block.damage().isEmpty()) {
      corruptBlocks.incrementAndGet();
    }
    LOG.log(Level.ERROR, "Block " + block.file() + " is corrupt (" + e.getMessage()
        + "); moved aside, its spans are no longer served");
    try {
      Files.move(block.file(), aside(block.file()), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException moveFailed) {
      LOG.log(Level.ERROR, "Could not move corrupt block " + block.file() + " aside", moveFailed);
    }
  }

  /**
   * Writes what can be read of a damaged block into the salvage directory, for a merge to take in
   * its place, and keeps the block's file aside for the operator (a second name for it, so that
   * the merge deletes it as any source). False if nothing can be read of it: then it is moved
   * aside as a read would.
   */
  private boolean salvage(Block damaged, Map<Block, Salvaged> salvaged,
      CorruptDataException found) throws IOException {
    try {
      salvaged.put(damaged, new Salvaged(BlockWriter.salvage(damaged,
          salvageDirectory.resolve(Long.toString(damaged.meta().id()))), found));
    } catch (CorruptDataException e) {
      if (found != null) {
        e.addSuppressed(found);
      }
      quarantine(damaged, e);
      return false;
    }
    Path aside = aside(damaged.file());
    if (!Files.exists(aside)) {
      try {
        Files.createLink(aside, damaged.file());
      } catch (UnsupportedOperationException | IOException e) {
        Files.copy(damaged.file(), aside);
      }
    }
    return true;
  }

  /**
   * What was salvaged of a damaged block: blocks of what could be read of it, and the damage that
   * a merge found, if it was not a page already found bad.
   */
  private record Salvaged(List<Block> pieces, CorruptDataException found) {}

  /** The sources of a merge: each damaged block replaced by what was salvaged of it. */
  private static List<Block> sources(List<Block> group, Map<Block, Salvaged> salvaged) {
    List<Block> sources = new ArrayList<>();
    for (Block block : group) {
      Salvaged salvage = salvaged.get(block);
      sources.addAll(salvage == null ? List.of(block) : salvage.pieces());
    }
    return sources;
  }

  /** Deletes a directory and everything in it, if it exists. */
  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static Path aside(Path file) {
    return file.resolveSibling(file.getFileName() + ".corrupt");
  }

  /** Opens every block; drops blocks a compacted block replaced and moves corrupt ones aside. */
  private List<Block> openBlocks() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(blockDirectory)) {
      files = listing.sorted().toList();
    }
    List<Block> blocks = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(".tmp")) {
        LOG.log(Level.WARNING, "Deleting " + file + ", a block whose write did not finish");
        Files.delete(file);
      } else if (name.endsWith(BLOCK_SUFFIX)) {
        try {
          Block block = Block.open(file);
          block.countDamageIn(corruptPages);
          blocks.add(block);
        } catch (CorruptDataException e) {
          corruptBlocks.incrementAndGet();
          LOG.log(Level.ERROR, "Block " + file + " is corrupt (" + e.getMessage()
              + "); moved aside, its spans are not served");
          Files.move(file, aside(file), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
    Set<Long> replaced = new HashSet<>();
    blocks.forEach(block -> replaced.addAll(block.meta().sources()));
    List<Block> live = new ArrayList<>();
    for (Block block : blocks) {
      if (replaced.contains(block.meta().id())) {
        LOG.log(Level.INFO, "Deleting " + block.file() + ", replaced by a compacted block");
        block.close();
        Files.delete(block.file());
      } else {
        live.add(block);
      }
    }
    return live;
  }

  /**
   * Wakes the cutter at once (a write filled the head, or waits for room) and the other background
   * threads only to see that the engine closed: maintenance keeps to its interval.
   */
  private void requestMaintenance() {
    maintenanceLock.lock();
    try {
      maintenanceRequested = true;
      maintenanceWanted.signalAll();
    } finally {
      maintenanceLock.unlock();
    }
  }

  /** One round of background work. */
  @FunctionalInterface
  private interface Work {
    void run() throws IOException;
  }

  /** Background work and the log of its failures. */
  private record Task(Work work, RepeatedFailure failures) {
    Task(String what, Work work) {
      this(work, new RepeatedFailure(LOG, Level.ERROR, what, FAILURE_REPORT_INTERVAL));
    }
  }

  /**
   * Runs each of {@code tasks} every maintenance interval until closed, and at once when a write
   * asks for it if {@code onRequest}: otherwise a wake-up short of the interval only looks whether
   * the engine closed. A failure is logged and the task retried next round, the others run
   * regardless: a full disk or running out of memory must not stop cuts, compaction or retention
   * for good.
   */
  private void backgroundLoop(boolean onRequest, List<Task> tasks) {
    while (!closed) {
      maintenanceLock.lock();
      try {
        if (onRequest) {
          if (!maintenanceRequested) {
            maintenanceWanted.await(settings.maintenanceInterval.toNanos(), TimeUnit.NANOSECONDS);
          }
          maintenanceRequested = false;
        } else {
          long left = settings.maintenanceInterval.toNanos();
          while (left > 0 && !closed) {
            left = maintenanceWanted.awaitNanos(left);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        maintenanceLock.unlock();
      }
      if (closed) {
        return;
      }
      for (Task task : tasks) {
        try {
          task.work().run();
          task.failures().succeeded();
        } catch (IOException | RuntimeException | Error e) {
          backgroundFailures.incrementAndGet();
          task.failures().failed(e);
        }
      }
    }
  }

  /**
   * Writes the blocks of earlier cuts that failed, then cuts the head if it holds {@code
   * headMaxSpans} spans or {@code headMaxBytes} bytes, or is {@code headMaxAge} old.
   */
  private void cutIfDue() throws IOException {
    cutWorkLock.lock();
    try {
      writeUnwrittenCuts();
      Head head = state.head;
      long age = System.nanoTime() - head.createdNanos();
      if (head.isFull(settings.headMaxSpans, settings.headMaxBytes)
          || (head.spanCount() > 0 && age >= settings.headMaxAge.toNanos())) {
        doCut();
      }
    } finally {
      cutWorkLock.unlock();
    }
  }

  /**
   * Heads may hold this many times {@code headMaxSpans} spans or {@code headMaxBytes} bytes before
   * writes wait.
   */
  static final int HEAD_BACKLOG = 3;

  private static final Duration HEAD_ROOM_WAIT = Duration.ofSeconds(5);

  /**
   * Waits while the heads hold {@value #HEAD_BACKLOG} times {@code headMaxSpans} spans or {@code
   * headMaxBytes} bytes, which happens only when blocks are written more slowly than spans arrive: the write is held back, so
   * the collector's bounded queue fills and clients are refused with a retry hint, instead of the
   * heads growing until memory runs out. Gives up after {@link #HEAD_ROOM_WAIT} with an error.
   */
  private void awaitHeadRoom() throws IOException {
    long most = (long) settings.headMaxSpans * HEAD_BACKLOG;
    long mostBytes = settings.headMaxBytes > Long.MAX_VALUE / HEAD_BACKLOG ? Long.MAX_VALUE
        : settings.headMaxBytes * HEAD_BACKLOG;
    if (headSpanCount() < most && headBytes() < mostBytes) {
      return;
    }
    requestMaintenance();
    long deadline = System.nanoTime() + HEAD_ROOM_WAIT.toNanos();
    maintenanceLock.lock();
    try {
      while (true) {
        long spans = headSpanCount();
        long bytes = headBytes();
        if (spans < most && bytes < mostBytes) {
          break;
        }
        checkOpen();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(spans >= most
              ? "the storage is behind: " + spans + " spans wait in memory to be written to"
                  + " blocks (at most " + most + "); retry later"
              : "the storage is behind: " + bytes + " bytes of spans wait in memory to be"
                  + " written to blocks (at most " + mostBytes + "); retry later");
        }
        headRoom.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the head to be cut");
    } finally {
      maintenanceLock.unlock();
    }
  }

  /** Cuts the head into a block; then the WAL segments it covered are deleted. */
  void cut() throws IOException {
    cutWorkLock.lock();
    try {
      writeUnwrittenCuts();
      doCut();
    } finally {
      cutWorkLock.unlock();
    }
  }

  /** Freezes the head, starting a new one and a new WAL segment, and writes its block. */
  private void doCut() throws IOException {
    Head frozen;
    long segment;
    cutLock.writeLock().lock();
    try {
      checkOpen();
      frozen = state.head;
      if (frozen.spanCount() == 0) {
        return;
      }
      segment = wal.roll();
      synchronized (stateLock) {
        State current = state;
        List<Head> cut = new ArrayList<>(current.cut);
        cut.add(frozen);
        state = new State(new Head(System.nanoTime()), cut, current.blocks);
      }
    } finally {
      cutLock.writeLock().unlock();
    }
    unwrittenCuts.add(
        new Frozen(frozen, segment, nextBlockId.getAndIncrement(), clock.millis()));
    writeUnwrittenCuts();
  }

  /**
   * Writes the blocks of the WAL segments replayed so far, each a head of its own, stored when its
   * segment was last written to (so that retention counts from then, not from the restart): a
   * replay then holds about one segment's spans in memory, not the whole WAL's, which after a
   * backlog of cuts may be more than the heap. One that cannot be written (a full disk) is left,
   * with those after it, to the cutter thread, which retries; false then.
   */
  private boolean writeReplayedCuts(List<Block> blocks) throws IOException {
    while (!unwrittenCuts.isEmpty()) {
      try {
        blocks.add(writeOldestCut());
      } catch (IOException e) {
        LOG.log(Level.WARNING, "Could not write the block of a WAL segment replayed at start; its"
            + " spans stay in memory and the block is written in the background: " + e);
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the block of the oldest frozen head still without one, takes the head off that list
   * and counts the cut; the caller puts the block in service.
   */
  private Block writeOldestCut() throws IOException {
    long started = System.nanoTime();
    Frozen next = unwrittenCuts.peekFirst();
    Block block = BlockWriter.write(blockDirectory, next.blockId(), next.segment(), List.of(),
        next.storedEpochMillis(), next.head().sortedTraces(), next.head().catalog());
    unwrittenCuts.removeFirst();
    block.countDamageIn(corruptPages);
    warnIfServicesPastListed(block);
    cutNanos.addAndGet(System.nanoTime() - started);
    cuts.incrementAndGet();
    return block;
  }

  /**
   * Writes the block of each frozen head still without one, oldest first, and deletes the WAL
   * segments it covers. A head whose block fails (a full disk) stays frozen, readable and in the
   * WAL, and is written again at the next cut round; its failure is thrown, and no later head is
   * written before it, since deleting a later head's segments would delete this head's too.
   */
  private void writeUnwrittenCuts() throws IOException {
    for (Frozen next = unwrittenCuts.peekFirst(); next != null; next = unwrittenCuts.peekFirst()) {
      Block block = writeOldestCut();
      CrashPoint.reached("cut-written");
      synchronized (stateLock) {
        State current = state;
        List<Head> cut = new ArrayList<>(current.cut);
        cut.remove(next.head());
        List<Block> blocks = new ArrayList<>(current.blocks);
        blocks.add(block);
        state = new State(current.head, cut, blocks);
      }
      maintenanceLock.lock();
      try {
        headRoom.signalAll();
      } finally {
        maintenanceLock.unlock();
      }
      wal.deleteSegmentsBefore(next.segment());
    }
  }

  /**
   * Tells the operator, once, when a block holds more services than are listed: usually a {@code
   * service.name} made from a pod, host or request ID.
   */
  private void warnIfServicesPastListed(Block block) throws IOException {
    Map<String, Set<Operation>> services = block.listing().operations();
    if (services.size() >= Storage.MAX_SERVICES && !warnedOfServices) {
      warnedOfServices = true;
      LOG.log(Level.WARNING, "Block " + block.file().getFileName() + " has spans of "
          + Storage.MAX_SERVICES + " services or more, the most that are listed: services,"
          + " operations and attribute keys list only the first " + Storage.MAX_SERVICES
          + " by name (the last " + Collections.max(services.keySet()) + "), and search finds the"
          + " spans of the others by their service name. Is service.name made from a pod, host or"
          + " request ID? (logged once)");
    }
  }

  /**
   * Merges one group of blocks, tier by tier: as many blocks of the same size tier as the fan-in
   * ({@link Builder#compactionFanIn}), next to each other in start order, become one block of the
   * next tier, as long as they fit in the target size together. A block is so copied about once
   * per tier (the logarithm, base the fan-in, of the target over the head size), not once per
   * merge: with the defaults, 16 cuts of 100,000 spans become one block of 1.6 million. A merge
   * copies its sources' pages as they are (see {@link BlockWriter#compact}), so each span is
   * encoded and compressed once, by its cut.
   */
  void compact() throws IOException {
    workLock.lock();
    try {
      doCompact();
    } finally {
      workLock.unlock();
    }
  }

  private void doCompact() throws IOException {
    List<Block> live = state.blocks;
    List<Block> group = compactionGroup(live, settings.headMaxSpans,
        settings.compactionTargetSpans, settings.compactionFanIn, COMPACTION_TARGET_NAMES_BYTES);
    if (group.isEmpty()) {
      // A block a read found corrupt is salvaged by a merge of its own when no other is due.
      group = live.stream().filter(block -> block.damage().isPresent()).limit(1).toList();
    }
    if (group.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    if (unwrittenMergeId < 0) {
      unwrittenMergeId = nextBlockId.getAndIncrement();
    }
    // Each damaged source by what could be read of it.
    Map<Block, Salvaged> salvaged = new LinkedHashMap<>();
    Block merged;
    try {
      for (Block block : group) {
        boolean damaged = !block.badPages().isEmpty() || block.damage().isPresent();
        if (damaged && !salvage(block, salvaged, block.damage().orElse(null))) {
          return;
        }
      }
      while (true) {
        List<Block> sources = sources(group, salvaged);
        if (sources.isEmpty()) {
          // Nothing could be read of any of them.
          salvaged.keySet().forEach(block -> quarantine(block,
              new CorruptDataException(block.file() + ": no page is readable")));
          return;
        }
        try {
          merged = BlockWriter.compact(blockDirectory, unwrittenMergeId, sources);
          break;
        } catch (CorruptDataException e) {
          // A source that fails its checksums is merged from what can be read of it; if nothing
          // can (its index is bad), it is moved aside as a read would, so that the next round
          // merges the others: retried as it was, the merge would fail every round for good.
          Block corrupt = group.stream()
              .filter(block -> e.getMessage().startsWith(block.file() + ": "))
              .findFirst().orElse(null);
          if (corrupt == null || salvaged.containsKey(corrupt)) {
            throw e;
          }
          if (!salvage(corrupt, salvaged, e)) {
            return;
          }
        }
      }
    } finally {
      for (Salvaged damaged : salvaged.values()) {
        for (Block piece : damaged.pieces()) {
          piece.close();
        }
      }
      deleteTree(salvageDirectory);
    }
    merged.countDamageIn(corruptPages);
    Path mergedFile = merged.file();
    salvaged.forEach((damaged, salvage) -> {
      long kept = salvage.pieces().stream().mapToLong(piece -> piece.meta().spanCount()).sum();
      long lost = damaged.meta().spanCount() - kept;
      lostSpans.addAndGet(lost);
      if (damaged.damage().isEmpty()) {
        corruptBlocks.incrementAndGet();
      }
      String found = salvage.found() != null ? salvage.found().getMessage()
          : damaged.badPages().values().iterator().next().getMessage();
      LOG.log(Level.ERROR, "Block " + damaged.file() + " is corrupt (" + found + "); merged into "
          + mergedFile.getFileName() + " from what could be read: " + damaged.badPages().size()
          + " bad pages and " + lost + " of its " + damaged.meta().spanCount()
          + " spans left out; the block is kept aside as " + aside(damaged.file()).getFileName());
    });
    unwrittenMergeId = -1;
    CrashPoint.reached("compaction-written");
    synchronized (stateLock) {
      State current = state;
      List<Block> blocks = new ArrayList<>(current.blocks);
      blocks.removeAll(group);
      blocks.add(merged);
      state = new State(current.head, current.cut, blocks);
      long now = System.nanoTime();
      group.forEach(block -> retired.add(new Retired(block, now)));
    }
    for (Block block : group) {
      Files.deleteIfExists(block.file());
    }
    compactionNanos.addAndGet(System.nanoTime() - started);
    compactions.incrementAndGet();
  }

  /**
   * The blocks to merge next, or none: the first {@code fanIn} consecutive blocks, in start order,
   * of the lowest size tier that has them, whose spans fit in {@code targetSpans} and whose names
   * fit in {@code targetNamesBytes} together; a block of more names is not merged. Tier 0
   * holds blocks of fewer than {@code unitSpans} × {@code fanIn} spans, tier 1 fewer than {@code
   * fanIn} times that, and so on. Blocks of a format version before {@link
   * BlockFormat#OLDEST_MERGED_VERSION} are left as they are, until retention deletes them.
   */
  static List<Block> compactionGroup(
      List<Block> blocks, long unitSpans, long targetSpans, int fanIn, long targetNamesBytes) {
    List<Block> byStart = new ArrayList<>(blocks);
    byStart.removeIf(block -> block.version() < BlockFormat.OLDEST_MERGED_VERSION);
    byStart.sort(Comparator.comparingLong((Block b) -> b.meta().minStartEpochNanos())
        .thenComparingLong(b -> b.meta().id()));
    long tierEnd = unitSpans * fanIn;
    for (long tierStart = 0; tierStart < targetSpans; tierStart = tierEnd, tierEnd *= fanIn) {
      List<Block> run = new ArrayList<>();
      long spans = 0;
      long namesBytes = 0;
      for (Block block : byStart) {
        long count = block.meta().spanCount();
        if (count >= tierStart && count < tierEnd) {
          run.add(block);
          spans += count;
          namesBytes += block.namesBytes();
          if (run.size() == fanIn) {
            if (spans <= targetSpans && namesBytes <= targetNamesBytes) {
              return run;
            }
            Block first = run.remove(0);
            spans -= first.meta().spanCount();
            namesBytes -= first.namesBytes();
          }
        } else {
          run.clear();
          spans = 0;
          namesBytes = 0;
        }
      }
      if (tierEnd > Long.MAX_VALUE / fanIn) {
        break;
      }
    }
    return List.of();
  }

  /**
   * Deletes blocks stored longer ago than the retention, then the oldest while the blocks and the
   * WAL together are over the disk cap, and the counts of dropped spans recorded longer ago than
   * the retention.
   */
  void expire() throws IOException {
    workLock.lock();
    try {
      doExpire();
      long now = clock.millis();
      droppedLog.expire(oldestKept(now, settings.retention),
          now - DroppedLog.rollAfter(settings.retention).toMillis());
    } finally {
      workLock.unlock();
    }
  }

  private void doExpire() throws IOException {
    long oldestKept = oldestKept(clock.millis(), settings.retention);
    List<Block> expired = new ArrayList<>();
    synchronized (stateLock) {
      State current = state;
      List<Block> blocks = new ArrayList<>(current.blocks);
      blocks.sort(Comparator.comparingLong((Block b) -> b.meta().storedEpochMillis())
          .thenComparingLong(b -> b.meta().maxEndEpochNanos())
          .thenComparingLong(b -> b.meta().id()));
      // The WAL counts too: it is what the heads hold, which no deletion of blocks can shrink.
      long bytes = blocks.stream().mapToLong(b -> b.meta().sizeBytes()).sum() + wal.sizeBytes();
      for (Block block : blocks) {
        boolean tooOld = block.meta().storedEpochMillis() < oldestKept;
        boolean overCap = settings.maxDiskBytes > 0 && bytes > settings.maxDiskBytes;
        if (!tooOld && !overCap) {
          break;
        }
        expired.add(block);
        bytes -= block.meta().sizeBytes();
      }
      if (expired.isEmpty()) {
        return;
      }
      List<Block> kept = new ArrayList<>(current.blocks);
      kept.removeAll(expired);
      state = new State(current.head, current.cut, kept);
      long now = System.nanoTime();
      expired.forEach(block -> retired.add(new Retired(block, now)));
    }
    for (Block block : expired) {
      String reason = block.meta().storedEpochMillis() < oldestKept
          ? "stored longer ago than the retention of " + settings.retention
          : "over the disk cap of " + settings.maxDiskBytes + " bytes";
      LOG.log(Level.INFO, "Deleting block " + block.file() + " (stored "
          + Instant.ofEpochMilli(block.meta().storedEpochMillis()) + ", spans up to "
          + Instant.ofEpochSecond(0, block.meta().maxEndEpochNanos()) + "): " + reason);
      Files.deleteIfExists(block.file());
      expiredBlocks.incrementAndGet();
    }
  }

  /** The time before which data is past retention; retention may be longer than the epoch. */
  private static long oldestKept(long nowMillis, Duration retention) {
    try {
      return Math.subtractExact(nowMillis, retention.toMillis());
    } catch (ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }

  private void closeRetired() throws IOException {
    List<Block> closing = new ArrayList<>();
    synchronized (stateLock) {
      long now = System.nanoTime();
      retired.removeIf(r -> {
        if (closed || now - r.sinceNanos >= RETIRED_GRACE_NANOS) {
          closing.add(r.block);
          return true;
        }
        return false;
      });
    }
    for (Block block : closing) {
      block.close();
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the embedded storage is closed");
    }
  }

  /** Stopped once the WAL refuses appends: after a failed fsync, only a restart's replay helps. */
  @Override
  public Optional<String> stopped() {
    return wal.failure();
  }

  /** Stops the background work and closes the WAL and the blocks; the head stays in the WAL. */
  @Override
  public void close() throws IOException {
    cutLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      cutLock.writeLock().unlock();
    }
    // Not interrupted: an interrupt closes the file channel a cut may be using.
    requestMaintenance();
    try {
      cutter.join(TimeUnit.SECONDS.toMillis(30));
      maintenance.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    IOException failure = null;
    for (Closeable log : List.<Closeable>of(wal, droppedLog)) {
      try {
        log.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    closeRetired();
    for (Block block : state.blocks) {
      try {
        block.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    directoryLock.release();
    lockChannel.close();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Settings of the embedded engine; every one has a default. Not thread-safe.
   */
  public static final class Builder {
    private final Path directory;
    private SyncPolicy syncPolicy = SyncPolicy.ALWAYS;
    private Duration syncInterval = Duration.ofMillis(200);
    private int headMaxSpans = 100_000;
    private long headMaxBytes = 64L << 20;
    private Duration headMaxAge = Duration.ofMinutes(1);
    private long compactionTargetSpans = 2_000_000;
    private int compactionFanIn = 16;
    private Duration retention = Duration.ofDays(7);
    private long maxDiskBytes;
    private int maxSpansPerTrace;
    private Duration maintenanceInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();

    private Builder(Path directory) {
      this.directory = requireNonNull(directory, "directory");
    }

    /** When a write is durable; {@link SyncPolicy#ALWAYS} by default. */
    public Builder syncPolicy(SyncPolicy syncPolicy) {
      this.syncPolicy = requireNonNull(syncPolicy, "syncPolicy");
      return this;
    }

    /** How often {@link SyncPolicy#INTERVAL} syncs; 200 ms by default. */
    public Builder syncInterval(Duration syncInterval) {
      this.syncInterval = positive(syncInterval, "syncInterval");
      return this;
    }

    /** The head is cut into a block once it holds this many spans; 100,000 by default. */
    public Builder headMaxSpans(int headMaxSpans) {
      if (headMaxSpans < 1) {
        throw new IllegalArgumentException("headMaxSpans: " + headMaxSpans + " (expected: >= 1)");
      }
      this.headMaxSpans = headMaxSpans;
      return this;
    }

    /**
     * The head is cut into a block once its spans take this many bytes (as the WAL holds them),
     * even short of {@link #headMaxSpans}: large spans would otherwise fill the heap first; 64 MiB
     * by default.
     */
    public Builder headMaxBytes(long headMaxBytes) {
      if (headMaxBytes < 1) {
        throw new IllegalArgumentException("headMaxBytes: " + headMaxBytes + " (expected: >= 1)");
      }
      this.headMaxBytes = headMaxBytes;
      return this;
    }

    /** The head is cut into a block once it is this old; 1 minute by default. */
    public Builder headMaxAge(Duration headMaxAge) {
      this.headMaxAge = positive(headMaxAge, "headMaxAge");
      return this;
    }

    /** Compaction merges blocks up to about this many spans; 2,000,000 by default. */
    public Builder compactionTargetSpans(long compactionTargetSpans) {
      if (compactionTargetSpans < 1) {
        throw new IllegalArgumentException(
            "compactionTargetSpans: " + compactionTargetSpans + " (expected: >= 1)");
      }
      this.compactionTargetSpans = compactionTargetSpans;
      return this;
    }

    /**
     * How many blocks of one size tier compaction merges into one; 16 by default. A higher fan-in
     * copies each block fewer times, for more blocks on the way: on the load generator's workload,
     * when a merge still decoded and rewrote every span, 16 instead of 4 took durable ingest from
     * 72.0 to 52.2 µs of server CPU per span (blocks of 100,000 spans merged into 1.6 million at
     * once, instead of through 400,000).
     */
    public Builder compactionFanIn(int compactionFanIn) {
      if (compactionFanIn < 2) {
        throw new IllegalArgumentException(
            "compactionFanIn: " + compactionFanIn + " (expected: >= 2)");
      }
      this.compactionFanIn = compactionFanIn;
      return this;
    }

    /**
     * Blocks stored longer ago than this are deleted, counted from when their spans were stored,
     * not from the spans' own times, and so are the counts of spans dropped by the per-trace limit
     * ({@link #maxSpansPerTrace}) recorded longer ago; 7 days by default.
     */
    public Builder retention(Duration retention) {
      this.retention = positive(retention, "retention");
      return this;
    }

    /**
     * The oldest blocks are deleted while block files and WAL segments take more; 0 (the default)
     * is no cap.
     */
    public Builder maxDiskBytes(long maxDiskBytes) {
      if (maxDiskBytes < 0) {
        throw new IllegalArgumentException("maxDiskBytes: " + maxDiskBytes + " (expected: >= 0)");
      }
      this.maxDiskBytes = maxDiskBytes;
      return this;
    }

    /**
     * A trace's spans past this many are not stored; each trace keeps a count of those per service
     * and span name ({@link #droppedSpans}). 0, the default, is no limit.
     */
    public Builder maxSpansPerTrace(int maxSpansPerTrace) {
      if (maxSpansPerTrace < 0) {
        throw new IllegalArgumentException(
            "maxSpansPerTrace: " + maxSpansPerTrace + " (expected: >= 0)");
      }
      this.maxSpansPerTrace = maxSpansPerTrace;
      return this;
    }

    /** How often background work looks for something to do; 1 second by default. */
    Builder maintenanceInterval(Duration maintenanceInterval) {
      this.maintenanceInterval = positive(maintenanceInterval, "maintenanceInterval");
      return this;
    }

    /** The clock retention is measured with. */
    Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Opens the directory, creating it if needed, and replays its WAL. */
    public EmbeddedStorage open() throws IOException {
      return new EmbeddedStorage(this);
    }

    private static Duration positive(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
