package dev.ariadne.storage.embedded;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.Operations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a block holds, read when it is opened so that the engine can list services, operations and
 * attribute values, and skip blocks, without touching anything else. Times are the block's span
 * starts and ends; an empty block has {@link Long#MAX_VALUE} as its minimum and {@link
 * Long#MIN_VALUE} as its maxima. Immutable.
 *
 * @param coveredWalSegment the last WAL segment whose spans the block holds
 * @param storedEpochMillis when the block's newest spans were stored: when the head was cut, or
 *     the latest of a compacted block's sources. Retention counts a block's age from it, so spans
 *     whose own times are long past (a backfill, a client's clock) are kept as long as any. A
 *     block of a version before 4 does not have it and reads its latest span end instead
 * @param sources the blocks this one was compacted from; empty for a block cut from the head
 * @param sizeBytes the file's size; not stored, but measured when the block is opened
 * @param operations each service's span names with the kinds they were seen with; this and {@code
 *     attributeValues} are the block's listing, which a block with a filter of all its services
 *     holds apart ({@link Block#listing}), so that they are empty in its {@link Block#meta}
 * @param attributeValues each service's searchable attribute keys (span and resource attributes)
 *     with their {@linkplain TraceQuery#searchableText text values}, as a {@link Catalog} keeps
 *     them: for each key, the {@value Storage#MAX_VALUES_PER_KEY} values that sort first, or all
 *     of them if it has fewer
 * @param allServices when the block holds more services than the {@value Storage#MAX_SERVICES}
 *     it lists, a filter of every one of them, so that a search for one past the listed need not
 *     read a block that does not hold it; empty otherwise, and in blocks of a version before 5
 */
record BlockMeta(
    long id,
    long coveredWalSegment,
    List<Long> sources,
    long minStartEpochNanos,
    long maxStartEpochNanos,
    long maxEndEpochNanos,
    long spanCount,
    long traceCount,
    long storedEpochMillis,
    long sizeBytes,
    Map<String, Set<Operation>> operations,
    Map<String, Map<String, Set<String>>> attributeValues,
    Optional<BloomFilter> allServices) {

  BlockMeta {
    requireNonNull(allServices, "allServices");
    sources = List.copyOf(sources);
    // Equal names, operations, sets and maps are held once: the metadata stays in memory while
    // the block is open, and services made from IDs (a service per pod) repeat the same span
    // names, keys and values in each of thousands of services: a block listing 10,000 services
    // of one span name and two keys each held 6.3 MB of metadata before, 2.3 MB after.
    Map<Object, Object> held = new HashMap<>();
    Map<String, Set<Operation>> operationsCopy = new HashMap<>();
    operations.forEach((service, set) -> {
      List<Operation> copy = new ArrayList<>(set.size());
      set.forEach(operation -> copy.add(once(held, operation)));
      operationsCopy.put(once(held, service), once(held, Set.copyOf(copy)));
    });
    operations = Map.copyOf(operationsCopy);
    Map<String, Map<String, Set<String>>> valuesCopy = new HashMap<>();
    attributeValues.forEach((service, keys) -> {
      Map<String, Set<String>> keysCopy = new HashMap<>();
      keys.forEach((key, values) -> {
        List<String> copy = new ArrayList<>(values.size());
        values.forEach(value -> copy.add(once(held, value)));
        keysCopy.put(once(held, key), once(held, Set.copyOf(copy)));
      });
      valuesCopy.put(once(held, service), once(held, Map.copyOf(keysCopy)));
    });
    attributeValues = Map.copyOf(valuesCopy);
  }

  /** The value in {@code held} equal to {@code value}, which it becomes if there is none. */
  @SuppressWarnings("unchecked") // held maps each value to itself
  private static <T> T once(Map<Object, Object> held, T value) {
    Object earlier = held.putIfAbsent(value, value);
    return earlier == null ? value : (T) earlier;
  }

  /**
   * False when no span of this block can match {@code query}, as far as the metadata tells: no
   * span starts in its time range, or its service, span name, kind or an attribute value is not
   * in the block. The services, a service's span names, keys and a key's values are only the
   * first that many ({@link Catalog}): once that many are held, one that sorts after the last held
   * may be there, with any names, unless the filter of all services rules it out; and a value too
   * long to list may be there whatever the values held.
   */
  boolean mayMatch(TraceQuery query) {
    if (!mayHold(query)) {
      return false;
    }
    if (query.serviceName().isPresent()) {
      String service = query.serviceName().get();
      Set<Operation> serviceOperations = operations.get(service);
      return serviceOperations == null
          ? mayHoldPast(operations.keySet(), service, Storage.MAX_SERVICES)
          : mayMatch(query, serviceOperations, attributeValues.getOrDefault(service, Map.of()));
    }
    if (operations.size() >= Storage.MAX_SERVICES) {
      return true;
    }
    for (String service : operations.keySet()) {
      if (mayMatch(query, operations.get(service),
          attributeValues.getOrDefault(service, Map.of()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * False when the time range, or the filter of all services, tells that no span of this block can
   * match {@code query}: what {@link #mayMatch} finds without the listing.
   */
  boolean mayHold(TraceQuery query) {
    return query.endEpochNanos() > minStartEpochNanos
        && query.startEpochNanos() <= maxStartEpochNanos
        && query.serviceName().map(service ->
            allServices.map(filter -> filter.mightContain(service)).orElse(true)).orElse(true);
  }

  /**
   * This metadata without its listing (services, operations and attribute values), for a block
   * that holds its listing apart.
   */
  BlockMeta withoutListing() {
    return new BlockMeta(id, coveredWalSegment, sources, minStartEpochNanos, maxStartEpochNanos,
        maxEndEpochNanos, spanCount, traceCount, storedEpochMillis, sizeBytes, Map.of(), Map.of(),
        allServices);
  }

  private static boolean mayMatch(
      TraceQuery query, Set<Operation> operations, Map<String, Set<String>> values) {
    if (operations.isEmpty()) {
      return false;
    }
    if ((query.spanName().isPresent() || query.kind().isPresent())
        && !mayHoldOperation(query, operations)) {
      return false;
    }
    for (Map.Entry<String, String> wanted : query.attributes().entrySet()) {
      Set<String> seen = values.get(wanted.getKey());
      if (seen == null
          ? !mayHoldPast(values.keySet(), wanted.getKey(), Storage.MAX_NAMES_PER_SERVICE)
          : seen.size() < Storage.MAX_VALUES_PER_KEY
              && wanted.getValue().length() <= Storage.MAX_LISTED_VALUE_LENGTH
              && !seen.contains(wanted.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean mayHoldOperation(TraceQuery query, Set<Operation> operations) {
    String lastName = "";
    for (Operation operation : operations) {
      if (query.spanName().map(operation.spanName()::equals).orElse(true)
          && query.kind().map(operation.kind()::equals).orElse(true)) {
        return true;
      }
      if (operation.spanName().compareTo(lastName) > 0) {
        lastName = operation.spanName();
      }
    }
    // Counting operations, not names: a block with fewer names is only skipped less often.
    String last = lastName;
    return operations.size() >= Storage.MAX_NAMES_PER_SERVICE
        && query.spanName().map(name -> name.compareTo(last) > 0).orElse(true);
  }

  /**
   * True if {@code text}, not among {@code held}, may still be in the block: {@code held} are the
   * first {@code kept} texts, and it sorts after the last of them.
   */
  private static boolean mayHoldPast(Set<String> held, String text, int kept) {
    return held.size() >= kept && held.stream().allMatch(h -> h.compareTo(text) < 0);
  }

  /** Everything but {@code sizeBytes}, services and their contents sorted. */
  void writeTo(ByteSink out) {
    out.writeLongLe(id);
    out.writeLongLe(coveredWalSegment);
    out.writeVarInt(sources.size());
    for (long source : sources) {
      out.writeLongLe(source);
    }
    out.writeLongLe(minStartEpochNanos);
    out.writeLongLe(maxStartEpochNanos);
    out.writeLongLe(maxEndEpochNanos);
    out.writeVarLong(spanCount);
    out.writeVarLong(traceCount);
    out.writeVarInt(operations.size());
    for (Map.Entry<String, Set<Operation>> service : new TreeMap<>(operations).entrySet()) {
      out.writeString(service.getKey());
      List<Operation> sorted = new ArrayList<>(service.getValue());
      sorted.sort(Operations.ORDER);
      out.writeVarInt(sorted.size());
      for (Operation operation : sorted) {
        out.writeString(operation.spanName());
        out.writeByte(BlockFormat.kindCode(operation.kind()));
      }
    }
    out.writeVarInt(attributeValues.size());
    for (Map.Entry<String, Map<String, Set<String>>> service
        : new TreeMap<>(attributeValues).entrySet()) {
      out.writeString(service.getKey());
      out.writeVarInt(service.getValue().size());
      for (Map.Entry<String, Set<String>> key : new TreeMap<>(service.getValue()).entrySet()) {
        out.writeString(key.getKey());
        out.writeVarInt(key.getValue().size());
        for (String value : new TreeSet<>(key.getValue())) {
          out.writeString(value);
        }
      }
    }
    out.writeLongLe(storedEpochMillis);
    out.writeByte(allServices.isPresent() ? 1 : 0);
    allServices.ifPresent(filter -> filter.writeTo(out));
  }

  /** Reads metadata that {@link #writeTo} wrote, in the given format version. */
  static BlockMeta read(ByteSource in, int version, long sizeBytes) throws CorruptDataException {
    long id = in.readLongLe();
    long coveredWalSegment = in.readLongLe();
    int sourceCount = in.readCount(in.remaining() / 8);
    List<Long> sources = new ArrayList<>(sourceCount);
    for (int i = 0; i < sourceCount; i++) {
      sources.add(in.readLongLe());
    }
    long minStart = in.readLongLe();
    long maxStart = in.readLongLe();
    long maxEnd = in.readLongLe();
    long spanCount = in.readVarLong();
    long traceCount = in.readVarLong();
    int serviceCount = in.readCount(in.remaining());
    Map<String, Set<Operation>> operations = new HashMap<>();
    for (int s = 0; s < serviceCount; s++) {
      String service = StringTable.readString(in);
      int count = in.readCount(in.remaining() / 2);
      Set<Operation> set = new HashSet<>();
      for (int o = 0; o < count; o++) {
        String name = StringTable.readString(in);
        int kind = in.readByte();
        if (kind >= BlockFormat.KINDS.length) {
          throw in.corrupt("span kind " + kind);
        }
        set.add(new Operation(name, BlockFormat.KINDS[kind]));
      }
      operations.put(service, set);
    }
    int valueServiceCount = in.readCount(in.remaining());
    Map<String, Map<String, Set<String>>> attributeValues = new HashMap<>();
    for (int s = 0; s < valueServiceCount; s++) {
      String service = StringTable.readString(in);
      int keyCount = in.readCount(in.remaining());
      Map<String, Set<String>> keys = new HashMap<>();
      for (int k = 0; k < keyCount; k++) {
        String key = StringTable.readString(in);
        int valueCount = in.readCount(Math.min(Storage.MAX_VALUES_PER_KEY, in.remaining()));
        Set<String> values = new HashSet<>();
        for (int v = 0; v < valueCount; v++) {
          values.add(StringTable.readString(in));
        }
        keys.put(key, values);
      }
      attributeValues.put(service, keys);
    }
    long stored = version >= 4 ? in.readLongLe() : Math.floorDiv(maxEnd, 1_000_000L);
    Optional<BloomFilter> allServices = Optional.empty();
    if (version >= 5) {
      int present = in.readByte();
      if (present > 1) {
        throw in.corrupt("service filter flag " + present);
      }
      allServices = present == 1 ? Optional.of(BloomFilter.read(in)) : Optional.empty();
    }
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after the metadata");
    }
    return new BlockMeta(id, coveredWalSegment, sources, minStart, maxStart, maxEnd, spanCount,
        traceCount, stored, sizeBytes, operations, attributeValues, allServices);
  }

  /**
   * Gathers the counts and times of the spans of a block as they are written; their names come
   * from the block's {@link Catalog}. Not thread-safe.
   */
  static final class Builder {
    private long minStart = Long.MAX_VALUE;
    private long maxStart = Long.MIN_VALUE;
    private long maxEnd = Long.MIN_VALUE;
    private long spanCount;
    private long traceCount;

    void addTrace(List<Span> spans) {
      traceCount++;
      for (int i = 0; i < spans.size(); i++) {
        Span span = spans.get(i);
        spanCount++;
        minStart = Math.min(minStart, span.startEpochNanos());
        maxStart = Math.max(maxStart, span.startEpochNanos());
        maxEnd = Math.max(maxEnd, span.endEpochNanos());
      }
    }

    /** The metadata, with a {@code sizeBytes} of 0 since the file is not written yet. */
    BlockMeta build(long id, long coveredWalSegment, List<Long> sources, long storedEpochMillis,
        Catalog catalog, Optional<BloomFilter> allServices) {
      return new BlockMeta(id, coveredWalSegment, requireNonNull(sources, "sources"), minStart,
          maxStart, maxEnd, spanCount, traceCount, storedEpochMillis, 0, catalog.operations(),
          catalog.attributeValues(), allServices);
    }
  }
}
