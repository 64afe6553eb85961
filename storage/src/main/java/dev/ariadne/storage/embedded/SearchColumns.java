package dev.ariadne.storage.embedded;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.DependencyLinker.CallSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search columns of a block: what {@link TraceQuery#matches} looks at, for every span, kept
 * apart from the spans so that a search never decodes a page. Rows are spans, grouped by trace
 * part in the order of the parts (see {@link TraceIndex}) and sorted by start within a part. Each
 * column is its own zstd chunk, so a search reads only what its criteria need. Strings are numbers
 * in the block's {@link StringTable}, and attribute values numbers in their key's value table. The
 * columns:
 *
 * <ul>
 *   <li>spans per part: a varint per trace part, mapping rows to parts;
 *   <li>resources: a varint per row into the resource table, which holds, per distinct resource,
 *       its service and its searchable attributes as (key, value) numbers: a resource's
 *       attributes and service cost one number per span;
 *   <li>span names: a varint per row;
 *   <li>kinds: a byte per row, kind code times 4 plus status code;
 *   <li>starts: per row, the start less the previous row's (zig-zag);
 *   <li>durations: a zig-zag varint per row;
 *   <li>shapes: a varint per row into the shape table, which holds, per distinct set of span
 *       attribute keys, their numbers sorted (a key twice if a span has it twice);
 *   <li>per attribute key (span or resource attribute with a searchable value), a value table (a
 *       {@link StringTable} of its {@linkplain TraceQuery#searchableText text values}; from format
 *       version 3 on, a compacted block's table is its sources' tables one after the other, so a
 *       value may have a number per source) and a values column: the value number of each of the
 *       key's span attributes, in row order.
 * </ul>
 *
 * The calls between services, found with {@link DependencyLinker#calls}, are a section of their
 * own: the call count, then per call the row of the callee span less the previous call's row, and
 * the caller's service number times 2 plus 1 for an error; the callee's start and service come
 * from the columns. It ends with the open traces: their count, then one part of each, as its
 * number less the previous one's. A trace is open when one of its spans here has a parent that is
 * not here (a late part, or an orphan): its calls with spans stored elsewhere are found at query
 * time.
 *
 * <p>This class is the column directory, read from the block's columns section: the row count,
 * the part count, the least and greatest duration (zig-zag), the extents of the columns above in
 * that order, then the attribute key count and per key its number and the extents of its value
 * table and values column. Immutable.
 */
final class SearchColumns {
  private static final int[] NO_PARTS = {};

  private final int rowCount;
  private final int partCount;
  private final long minDuration;
  private final long maxDuration;
  private final Extent spansPerPart;
  private final Extent resources;
  private final Extent resourceTable;
  private final Extent spanNames;
  private final Extent kinds;
  private final Extent starts;
  private final Extent durations;
  private final Extent shapes;
  private final Extent shapeTable;
  /** Attribute key number → its value table and values column. */
  private final Map<Integer, Extent[]> attributes;

  private SearchColumns(int rowCount, int partCount, long minDuration, long maxDuration,
      Extent[] fixed, Map<Integer, Extent[]> attributes) {
    this.rowCount = rowCount;
    this.partCount = partCount;
    this.minDuration = minDuration;
    this.maxDuration = maxDuration;
    this.spansPerPart = fixed[0];
    this.resources = fixed[1];
    this.resourceTable = fixed[2];
    this.spanNames = fixed[3];
    this.kinds = fixed[4];
    this.starts = fixed[5];
    this.durations = fixed[6];
    this.shapes = fixed[7];
    this.shapeTable = fixed[8];
    this.attributes = attributes;
  }

  int rowCount() {
    return rowCount;
  }

  int partCount() {
    return partCount;
  }

  long minDuration() {
    return minDuration;
  }

  long maxDuration() {
    return maxDuration;
  }

  /**
   * The extents of the fixed columns, in the directory's order: spans per part, resources,
   * resource table, span names, kinds, starts, durations, shapes, shape table.
   */
  Extent[] fixedColumns() {
    return new Extent[] {
      spansPerPart, resources, resourceTable, spanNames, kinds, starts, durations, shapes,
      shapeTable
    };
  }

  /** Attribute key number → the extents of its value table and values column. */
  Map<Integer, Extent[]> attributeColumns() {
    return attributes;
  }

  /**
   * The numbers, ascending, of the trace parts with a span that {@code query} matches, as {@link
   * TraceQuery#matches} decides, read from the columns the query's criteria need. {@code
   * startsCovered} tells that every span of the block starts in the query's time range.
   */
  int[] matchingParts(TraceQuery query, boolean startsCovered, StringTable names, BlockFile file)
      throws IOException {
    BitSet rows = null;
    for (Map.Entry<String, String> wanted : query.attributes().entrySet()) {
      rows = rowsWithAttribute(wanted.getKey(), wanted.getValue(), rows, names, file);
      if (rows.isEmpty()) {
        return NO_PARTS;
      }
    }
    if (query.serviceName().isPresent()) {
      int service = names.find(query.serviceName().get());
      if (service < 0) {
        return NO_PARTS;
      }
      BitSet ofService = new BitSet();
      ResourceTable table = resourceTable(names, file);
      for (int resource = 0; resource < table.services.length; resource++) {
        if (table.services[resource] == service) {
          ofService.set(resource);
        }
      }
      rows = rowsWithId(resources, "resources", ofService, rows, file);
    }
    if (query.spanName().isPresent() && !isEmpty(rows)) {
      int spanName = names.find(query.spanName().get());
      if (spanName < 0) {
        return NO_PARTS;
      }
      BitSet ids = new BitSet();
      ids.set(spanName);
      rows = rowsWithId(spanNames, "span names", ids, rows, file);
    }
    if ((query.kind().isPresent() || query.statusCode().isPresent()) && !isEmpty(rows)) {
      // One byte per row holds both: the kind code times 4, plus the status code.
      int mask = (query.kind().isPresent() ? ~3 : 0) | (query.statusCode().isPresent() ? 3 : 0);
      int wanted = query.kind().map(kind -> BlockFormat.kindCode(kind) << 2).orElse(0)
          | query.statusCode().map(BlockFormat::statusCode).orElse(0);
      rows = rowsWithKindAndStatus(mask, wanted, rows, file);
    }
    if (!startsCovered && !isEmpty(rows)) {
      rows = rowsStartingIn(query.startEpochNanos(), query.endEpochNanos(), rows, file);
    }
    if ((query.minDurationNanos() > minDuration || query.maxDurationNanos() < maxDuration)
        && !isEmpty(rows)) {
      rows = rowsLasting(query.minDurationNanos(), query.maxDurationNanos(), rows, file);
    }
    if (rows == null) {
      int[] every = new int[partCount];
      Arrays.setAll(every, part -> part);
      return every;
    }
    return rows.isEmpty() ? NO_PARTS : parts(rows, file);
  }

  private static boolean isEmpty(BitSet rows) {
    return rows != null && rows.isEmpty();
  }

  /** Rows whose span or resource has the attribute, among {@code rows} (null: all rows). */
  private BitSet rowsWithAttribute(
      String key, String text, BitSet rows, StringTable names, BlockFile file) throws IOException {
    int keyId = names.find(key);
    Extent[] columns = keyId < 0 ? null : attributes.get(keyId);
    if (columns == null || !StringTable.storedForm(text).equals(text)) {
      return new BitSet();
    }
    String what = label("attribute " + keyId + " value table");
    BitSet valueIds = StringTable.findAll(
        file.source(file.read(columns[0], what), what), text.getBytes(StandardCharsets.UTF_8));
    if (valueIds.isEmpty()) {
      return new BitSet();
    }
    BitSet matchingResources = new BitSet();
    ResourceTable table = resourceTable(names, file);
    for (int resource = 0; resource < table.services.length; resource++) {
      long[] pairs = table.attributes[resource];
      for (long pair : pairs) {
        if (pair >>> 32 == keyId && valueIds.get((int) pair)) {
          matchingResources.set(resource);
        }
      }
    }
    BitSet found = matchingResources.isEmpty()
        ? new BitSet(rowCount)
        : rowsWithId(resources, "resources", matchingResources, rows, file);
    String valuesWhat = label("attribute " + keyId + " values");
    ByteSource values = file.source(file.read(columns[1], valuesWhat), valuesWhat);
    int[] occurrences = keyOccurrences(keyId, file);
    if (occurrences.length == 0) {
      return checkEnd(values, found);
    }
    String shapesWhat = label("shapes");
    ByteSource shapeIds = file.source(file.read(shapes, shapesWhat), shapesWhat);
    for (int row = 0; row < rowCount; row++) {
      int shape = shapeIds.readCount(occurrences.length - 1);
      boolean candidate = rows == null || rows.get(row);
      for (int i = occurrences[shape]; i > 0; i--) {
        if (valueIds.get(values.readVarInt()) && candidate) {
          found.set(row);
        }
      }
    }
    checkEnd(shapeIds, found);
    return checkEnd(values, found);
  }

  /** How many times each shape holds the key; empty if none does. */
  private int[] keyOccurrences(int keyId, BlockFile file) throws IOException {
    String what = label("shape table");
    ByteSource in = file.source(file.read(shapeTable, what), what);
    int shapeCount = in.readCount(in.remaining());
    int[] occurrences = new int[shapeCount];
    boolean any = false;
    for (int shape = 0; shape < shapeCount; shape++) {
      int keys = in.readCount(in.remaining());
      for (int i = 0; i < keys; i++) {
        if (in.readVarInt() == keyId) {
          occurrences[shape]++;
          any = true;
        }
      }
    }
    checkEnd(in, null);
    return any ? occurrences : new int[0];
  }

  private ResourceTable resourceTable(StringTable names, BlockFile file) throws IOException {
    String what = label("resource table");
    ByteSource in = file.source(file.read(resourceTable, what), what);
    int count = in.readCount(in.remaining());
    int[] services = new int[count];
    long[][] pairs = new long[count][];
    for (int resource = 0; resource < count; resource++) {
      services[resource] = names.readId(in);
      pairs[resource] = new long[in.readCount(in.remaining() / 2)];
      for (int i = 0; i < pairs[resource].length; i++) {
        pairs[resource][i] = (long) names.readId(in) << 32 | (in.readVarInt() & 0xFFFFFFFFL);
      }
    }
    checkEnd(in, null);
    return new ResourceTable(services, pairs);
  }

  /** The resource table: each resource's service and (key &lt;&lt; 32 | value) pairs. */
  private static final class ResourceTable {
    final int[] services;
    final long[][] attributes;

    ResourceTable(int[] services, long[][] attributes) {
      this.services = services;
      this.attributes = attributes;
    }
  }

  /** Rows whose varint in {@code column} is one of {@code ids}, among {@code rows}. */
  private BitSet rowsWithId(Extent column, String name, BitSet ids, BitSet rows, BlockFile file)
      throws IOException {
    String what = label(name);
    ByteSource in = file.source(file.read(column, what), what);
    BitSet found = new BitSet(rowCount);
    for (int row = 0; row < rowCount; row++) {
      if (ids.get(in.readCount(Integer.MAX_VALUE)) && (rows == null || rows.get(row))) {
        found.set(row);
      }
    }
    return checkEnd(in, found);
  }

  /** Rows whose kinds byte, masked by {@code mask}, is {@code wanted}, among {@code rows}. */
  private BitSet rowsWithKindAndStatus(int mask, int wanted, BitSet rows, BlockFile file)
      throws IOException {
    String what = label("kinds");
    ByteSource in = file.source(file.read(kinds, what), what);
    BitSet found = new BitSet(rowCount);
    for (int row = 0; row < rowCount; row++) {
      if ((in.readByte() & mask) == wanted && (rows == null || rows.get(row))) {
        found.set(row);
      }
    }
    return checkEnd(in, found);
  }

  private BitSet rowsStartingIn(long from, long to, BitSet rows, BlockFile file)
      throws IOException {
    String what = label("starts");
    ByteSource in = file.source(file.read(starts, what), what);
    BitSet found = new BitSet(rowCount);
    long start = 0;
    for (int row = 0; row < rowCount; row++) {
      start += in.readZigZag();
      if (start >= from && start < to && (rows == null || rows.get(row))) {
        found.set(row);
      }
    }
    return checkEnd(in, found);
  }

  private BitSet rowsLasting(long min, long max, BitSet rows, BlockFile file) throws IOException {
    String what = label("durations");
    ByteSource in = file.source(file.read(durations, what), what);
    BitSet found = new BitSet(rowCount);
    for (int row = 0; row < rowCount; row++) {
      long duration = in.readZigZag();
      if (duration >= min && duration <= max && (rows == null || rows.get(row))) {
        found.set(row);
      }
    }
    return checkEnd(in, found);
  }

  /** The numbers of the parts that the rows belong to. */
  private int[] parts(BitSet rows, BlockFile file) throws IOException {
    String what = label("spans per part");
    ByteSource in = file.source(file.read(spansPerPart, what), what);
    int[] found = new int[Math.min(partCount, rows.cardinality())];
    int count = 0;
    int partEnd = 0;
    int row = rows.nextSetBit(0);
    for (int part = 0; part < partCount && row >= 0; part++) {
      partEnd += in.readCount(rowCount - partEnd);
      if (row < partEnd) {
        found[count++] = part;
        row = rows.nextSetBit(partEnd);
      }
    }
    if (row >= 0) {
      throw file.corrupt(what, "row " + row + " is in no part");
    }
    return Arrays.copyOf(found, count);
  }

  /**
   * Gives {@code sink} every call in the calls section {@code calls}, and answers a part of each
   * open trace: those with a span whose parent is not in this block.
   */
  int[] calls(ByteSource calls, StringTable names, BlockFile file, CallSink sink)
      throws IOException {
    int count = calls.readCount(calls.remaining() / 2);
    if (count == 0) {
      return openTraces(calls);
    }
    ResourceTable table = resourceTable(names, file);
    String startsWhat = label("starts");
    ByteSource startColumn = file.source(file.read(starts, startsWhat), startsWhat);
    String resourcesWhat = label("resources");
    ByteSource resourceColumn = file.source(file.read(resources, resourcesWhat), resourcesWhat);
    int row = -1;
    long start = 0;
    int resource = 0;
    int callRow = 0;
    for (int i = 0; i < count; i++) {
      callRow += calls.readCount(rowCount - 1 - callRow);
      while (row < callRow) {
        row++;
        start += startColumn.readZigZag();
        resource = resourceColumn.readCount(table.services.length - 1);
      }
      long caller = calls.readVarLong();
      if (caller >>> 1 >= names.size()) {
        throw calls.corrupt("service number " + (caller >>> 1) + " of " + names.size());
      }
      sink.call(start, names.get((int) (caller >>> 1)), names.get(table.services[resource]),
          (caller & 1) == 1);
    }
    return openTraces(calls);
  }

  private int[] openTraces(ByteSource calls) throws CorruptDataException {
    int count = calls.readCount(partCount);
    int[] parts = new int[count];
    int part = 0;
    for (int i = 0; i < count; i++) {
      part += calls.readCount(partCount - 1 - part);
      if (i > 0 && part == parts[i - 1]) {
        throw calls.corrupt("open trace part " + part + " listed twice");
      }
      parts[i] = part;
    }
    checkEnd(calls, null);
    return parts;
  }

  private static BitSet checkEnd(ByteSource in, BitSet found) throws CorruptDataException {
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after the last row");
    }
    return found;
  }

  /** {@code body} after a varint of {@code count}: a table with its entry count. */
  static ByteSink withCount(int count, ByteSink body) {
    ByteSink out = new ByteSink(body.size() + 5);
    out.writeVarInt(count);
    out.writeBytes(body.array(), 0, body.size());
    return out;
  }

  static String label(String column) {
    return BlockFormat.Section.COLUMNS.label() + ", " + column + " column";
  }

  static SearchColumns read(ByteSource in, StringTable names) throws CorruptDataException {
    int rowCount = in.readCount(Integer.MAX_VALUE);
    int partCount = in.readCount(rowCount);
    long minDuration = in.readZigZag();
    long maxDuration = in.readZigZag();
    Extent[] fixed = new Extent[9];
    for (int i = 0; i < fixed.length; i++) {
      fixed[i] = Extent.read(in);
    }
    int keyCount = in.readCount(names.size());
    Map<Integer, Extent[]> attributes = new HashMap<>(keyCount * 2);
    for (int i = 0; i < keyCount; i++) {
      attributes.put(names.readId(in), new Extent[] {Extent.read(in), Extent.read(in)});
    }
    if (in.hasRemaining() || attributes.size() != keyCount) {
      throw in.corrupt("repeated attribute key or bytes after the column directory");
    }
    return new SearchColumns(rowCount, partCount, minDuration, maxDuration, fixed, attributes);
  }

  /** Where {@link Writer} puts a finished column. */
  @FunctionalInterface
  interface ChunkSink {
    Extent append(ByteSink raw) throws IOException;
  }

  /**
   * The nine fixed columns as a block's writer or a merge fills them, row by row, and the start of
   * the column directory, which lists them in this order. Not thread-safe.
   */
  static final class FixedColumns {
    final ByteSink spansPerPart = new ByteSink(1 << 12);
    final ByteSink resourceIds = new ByteSink(1 << 12);
    final ByteSink resourceTable = new ByteSink(1 << 10);
    final ByteSink spanNames = new ByteSink(1 << 12);
    final ByteSink kinds = new ByteSink(1 << 12);
    final ByteSink starts = new ByteSink(1 << 12);
    final ByteSink durations = new ByteSink(1 << 12);
    final ByteSink shapeIds = new ByteSink(1 << 12);
    final ByteSink shapeTable = new ByteSink(1 << 10);

    /**
     * Starts the column directory with its counts and appends the fixed columns to {@code out},
     * each entered in the directory; the attribute columns follow.
     */
    ByteSink writeTo(ChunkSink out, int rowCount, int partCount, long minDuration,
        long maxDuration, int resourceCount, int shapeCount) throws IOException {
      ByteSink directory = new ByteSink(1024);
      directory.writeVarInt(rowCount);
      directory.writeVarInt(partCount);
      directory.writeZigZag(rowCount == 0 ? 0 : minDuration);
      directory.writeZigZag(rowCount == 0 ? 0 : maxDuration);
      for (ByteSink column : List.of(spansPerPart, resourceIds,
          withCount(resourceCount, resourceTable), spanNames, kinds, starts, durations, shapeIds,
          withCount(shapeCount, shapeTable))) {
        out.append(column).write(directory);
      }
      return directory;
    }
  }

  /** Builds the columns and the calls while a block is written, in memory. Not thread-safe. */
  static final class Writer {
    private final StringTable names;
    private final FixedColumns fixed = new FixedColumns();
    private final ByteSink calls = new ByteSink(1 << 12);
    private final Map<Resource, Integer> resources = new HashMap<>();
    /** The name numbers of the resources' services. */
    private final BitSet services = new BitSet();
    private final RecentResources recentResources = new RecentResources();
    private final Map<IntKey, Integer> shapes = new HashMap<>();
    /** By attribute key number; null for numbers that are not attribute keys. */
    private KeyColumn[] keys = new KeyColumn[64];
    private long[] rowPairs = new long[64];
    private int rowCount;
    private int traceCount;
    private long previousStart;
    private long minDuration = Long.MAX_VALUE;
    private long maxDuration = Long.MIN_VALUE;
    private int callCount;
    private int previousCallRow;
    private final ByteSink openTraces = new ByteSink(64);
    private int openTraceCount;
    private int previousOpenTrace;

    Writer(StringTable names) {
      this.names = names;
    }

    /** Adds the rows of a trace, whose spans are sorted by start, and the trace's calls. */
    void addTrace(List<Span> byStart) {
      traceCount++;
      fixed.spansPerPart.writeVarInt(byStart.size());
      int firstRow = rowCount;
      for (Span span : byStart) {
        addRow(span);
      }
      DependencyLinker.calls(byStart, new CallRows(byStart, firstRow));
      if (DependencyLinker.hasMissingParent(byStart)) {
        int ordinal = traceCount - 1;
        openTraces.writeVarInt(ordinal - previousOpenTrace);
        previousOpenTrace = ordinal;
        openTraceCount++;
      }
    }

    private void addRow(Span span) {
      fixed.resourceIds.writeVarInt(resourceId(span.resource()));
      fixed.spanNames.writeVarInt(names.add(span.name()));
      fixed.kinds.writeByte(BlockFormat.kindCode(span.kind()) << 2
          | BlockFormat.statusCode(span.statusCode()));
      fixed.starts.writeZigZag(span.startEpochNanos() - previousStart);
      previousStart = span.startEpochNanos();
      long duration = span.durationNanos();
      fixed.durations.writeZigZag(duration);
      minDuration = Math.min(minDuration, duration);
      maxDuration = Math.max(maxDuration, duration);
      int pairs = addPairs(span.attributes());
      Arrays.sort(rowPairs, 0, pairs);
      int[] shapeKeys = new int[pairs];
      for (int i = 0; i < pairs; i++) {
        shapeKeys[i] = (int) (rowPairs[i] >>> 32);
      }
      fixed.shapeIds.writeVarInt(shapeId(new IntKey(shapeKeys)));
      for (int i = 0; i < pairs; i++) {
        keys[shapeKeys[i]].valueIds.writeVarInt((int) rowPairs[i]);
      }
      rowCount++;
    }

    private int resourceId(Resource resource) {
      int recent = recentResources.get(resource);
      if (recent >= 0) {
        return recent;
      }
      Integer id = resources.get(resource);
      if (id == null) {
        id = resources.size();
        resources.put(resource, id);
        int service = names.add(resource.serviceName());
        services.set(service);
        fixed.resourceTable.writeVarInt(service);
        int pairs = addPairs(resource.attributes());
        fixed.resourceTable.writeVarInt(pairs);
        for (int i = 0; i < pairs; i++) {
          fixed.resourceTable.writeVarInt((int) (rowPairs[i] >>> 32));
          fixed.resourceTable.writeVarInt((int) rowPairs[i]);
        }
      }
      recentResources.put(resource, id);
      return id;
    }

    private int shapeId(IntKey shape) {
      Integer id = shapes.get(shape);
      if (id == null) {
        id = shapes.size();
        shapes.put(shape, id);
        fixed.shapeTable.writeVarInt(shape.values.length);
        for (int key : shape.values) {
          fixed.shapeTable.writeVarInt(key);
        }
      }
      return id;
    }

    /** Puts the (key number, value number) pairs of the searchable attributes in rowPairs. */
    private int addPairs(List<Attribute> attributes) {
      int pairs = 0;
      for (int i = 0; i < attributes.size(); i++) {
        Attribute attribute = attributes.get(i);
        String text = TraceQuery.searchableText(attribute.value());
        if (text == null) {
          continue;
        }
        int key = names.add(attribute.key());
        if (key >= keys.length) {
          keys = Arrays.copyOf(keys, Math.max(key + 1, keys.length * 2));
        }
        if (keys[key] == null) {
          keys[key] = new KeyColumn();
        }
        if (pairs == rowPairs.length) {
          rowPairs = Arrays.copyOf(rowPairs, pairs * 2);
        }
        rowPairs[pairs++] = (long) key << 32 | keys[key].values.add(text);
      }
      return pairs;
    }

    /** Appends every column and returns the column directory. */
    ByteSink finish(ChunkSink out) throws IOException {
      ByteSink directory = fixed.writeTo(out, rowCount, traceCount, minDuration, maxDuration,
          resources.size(), shapes.size());
      int keyCount = 0;
      for (KeyColumn key : keys) {
        keyCount += key == null ? 0 : 1;
      }
      directory.writeVarInt(keyCount);
      ByteSink buffer = new ByteSink(1 << 12);
      for (int key = 0; key < keys.length; key++) {
        if (keys[key] == null) {
          continue;
        }
        directory.writeVarInt(key);
        buffer.reset();
        keys[key].values.writeTo(buffer);
        out.append(buffer).write(directory);
        out.append(keys[key].valueIds).write(directory);
      }
      return directory;
    }

    /** The name numbers of the services of the rows added. */
    BitSet services() {
      return (BitSet) services.clone();
    }

    /** The calls section. */
    ByteSink finishCalls() {
      ByteSink out = withCount(callCount, calls);
      out.writeVarInt(openTraceCount);
      out.writeBytes(openTraces.array(), 0, openTraces.size());
      return out;
    }


    /**
     * Records the calls of one trace against the rows of their callee spans. {@link
     * DependencyLinker#calls} reports calls in the order of the spans it is given, so each callee
     * is the next row, after the previous callee's, with the call's start and service (any such
     * row stands for the same start and service).
     */
    private final class CallRows implements CallSink {
      private final List<Span> byStart;
      private final int firstRow;
      private int next;

      CallRows(List<Span> byStart, int firstRow) {
        this.byStart = byStart;
        this.firstRow = firstRow;
      }

      @Override
      public void call(long start, String parentService, String childService, boolean error) {
        while (byStart.get(next).startEpochNanos() != start
            || !byStart.get(next).serviceName().equals(childService)) {
          next++;
        }
        int row = firstRow + next++;
        calls.writeVarInt(row - previousCallRow);
        previousCallRow = row;
        calls.writeVarLong((long) names.add(parentService) << 1 | (error ? 1 : 0));
        callCount++;
      }
    }
  }

  /**
   * Numbers compared by their contents: a span's shape (its sorted attribute key numbers), or, in
   * {@link ColumnMerge}, a resource's service and attribute numbers.
   */
  static final class IntKey {
    final int[] values;

    IntKey(int[] values) {
      this.values = values;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof IntKey key && Arrays.equals(values, key.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  /** One attribute key's value table and values column while a block is written. */
  private static final class KeyColumn {
    final StringTable values = new StringTable();
    final ByteSink valueIds = new ByteSink(64);
  }
}
