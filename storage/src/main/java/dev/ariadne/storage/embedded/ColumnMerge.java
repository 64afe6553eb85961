package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.SearchColumns.ChunkSink;
import dev.ariadne.storage.embedded.SearchColumns.IntKey;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.DependencyLinker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the search columns and the calls of compaction's sources without decoding their spans, in
 * the layout {@link SearchColumns} describes: the rows of one source after the other, as their
 * parts are placed, with the numbers that differ from block to block (names, resources, shapes,
 * attribute values) renumbered, and each key's value table its sources' tables one after the
 * other. The calls are the sources' own, except those of the traces that more than one source
 * holds: their calls, and whether they are open, are found again from their spans, since a call
 * may cross from one source's part to another's. Not thread-safe; one merge per instance.
 */
final class ColumnMerge {
  /** The spans of a trace that more than one source holds, by its ordinal in the new block. */
  @FunctionalInterface
  interface TraceSpans {
    List<Span> of(int ordinal) throws IOException;
  }

  /**
   * One source: its block, the new block's number of each of its names, where its parts start
   * among the new block's parts, and the new ordinal of each of its traces.
   */
  static final class Source {
    final Block block;
    final int[] nameIds;
    final int partOffset;
    final int[] ordinals;

    Source(Block block, int[] nameIds, int partOffset, int[] ordinals) {
      this.block = block;
      this.nameIds = nameIds;
      this.partOffset = partOffset;
      this.ordinals = ordinals;
    }
  }

  private final StringTable names;
  /** The new ordinals of the traces that more than one source holds. */
  private final BitSet spread;
  private final SearchColumns.FixedColumns fixedColumns = new SearchColumns.FixedColumns();
  private final Map<IntKey, Integer> resources = new HashMap<>();
  private int[] resourceServices = new int[64];
  private final Map<IntKey, Integer> shapes = new HashMap<>();
  private final Map<Integer, KeyColumn> keys = new TreeMap<>();
  private int rowCount;
  private int partCount;
  private long previousStart;
  private long minDuration = Long.MAX_VALUE;
  private long maxDuration = Long.MIN_VALUE;
  /** Calls as (callee row &lt;&lt; 32 | caller service number &lt;&lt; 1 | error). */
  private long[] calls = new long[1024];
  private int callCount;
  private int[] openParts = new int[64];
  private int openCount;
  /** The rows of each spread trace: (row, start, service number) each. */
  private final Map<Integer, List<long[]>> spreadRows = new TreeMap<>();
  private final Map<Integer, Integer> spreadFirstParts = new HashMap<>();

  ColumnMerge(StringTable names, BitSet spread) {
    this.names = names;
    this.spread = spread;
  }

  /** Adds the next source's rows and calls. */
  void add(Source source) throws IOException {
    SearchColumns columns = source.block.columns();
    TraceIndex index = source.block.index();
    BlockFile file = source.block.data();
    int[] nameIds = source.nameIds;
    int firstRow = rowCount;
    int sourceRows = columns.rowCount();
    int sourceParts = columns.partCount();
    if (sourceRows > 0) {
      minDuration = Math.min(minDuration, columns.minDuration());
      maxDuration = Math.max(maxDuration, columns.maxDuration());
    }

    int[] valueOffsets = new int[nameIds.length];
    for (Map.Entry<Integer, Extent[]> key : columns.attributeColumns().entrySet()) {
      valueOffsets[key.getKey()] = addKey(nameIds[key.getKey()], key.getValue(), file);
    }
    Extent[] fixed = columns.fixedColumns();
    int[] resourceMap = mergeResources(read(file, fixed[2], "resource table"), nameIds,
        valueOffsets);
    int[] shapeMap = mergeShapes(read(file, fixed[8], "shape table"), nameIds);

    ByteSource perPart = read(file, fixed[0], "spans per part");
    int[] partEnds = new int[sourceParts];
    int end = 0;
    for (int part = 0; part < sourceParts; part++) {
      end += perPart.readCount(sourceRows - end);
      partEnds[part] = end;
    }
    checkEnd(perPart);
    if (end != sourceRows) {
      throw perPart.corrupt(sourceParts + " parts of " + end + " rows of " + sourceRows);
    }
    append(fixedColumns.spansPerPart, perPart);

    ByteSource resourceColumn = read(file, fixed[1], "resources");
    ByteSource nameColumn = read(file, fixed[3], "span names");
    ByteSource startColumn = read(file, fixed[5], "starts");
    ByteSource shapeColumn = read(file, fixed[7], "shapes");
    int part = 0;
    long start = 0;
    for (int row = 0; row < sourceRows; row++) {
      int resource = resourceMap[resourceColumn.readCount(resourceMap.length - 1)];
      fixedColumns.resourceIds.writeVarInt(resource);
      fixedColumns.spanNames.writeVarInt(nameIds[nameColumn.readCount(nameIds.length - 1)]);
      start += startColumn.readZigZag();
      fixedColumns.starts.writeZigZag(start - previousStart);
      previousStart = start;
      fixedColumns.shapeIds.writeVarInt(shapeMap[shapeColumn.readCount(shapeMap.length - 1)]);
      while (row >= partEnds[part]) {
        part++;
      }
      int ordinal = source.ordinals[index.ordinalOf(part)];
      if (spread.get(ordinal)) {
        spreadRows.computeIfAbsent(ordinal, o -> new ArrayList<>())
            .add(new long[] {firstRow + row, start, resourceServices[resource]});
        spreadFirstParts.merge(ordinal, source.partOffset + part, Math::min);
      }
    }
    for (ByteSource column : List.of(resourceColumn, nameColumn, startColumn, shapeColumn)) {
      checkEnd(column);
    }
    append(fixedColumns.kinds, read(file, fixed[4], "kinds"));
    append(fixedColumns.durations, read(file, fixed[6], "durations"));
    rowCount += sourceRows;
    partCount += sourceParts;

    addCalls(source, index, partEnds, firstRow);
  }

  /** Appends a source's key: its value table after the key's others; answers their count. */
  private int addKey(int key, Extent[] extents, BlockFile file) throws IOException {
    KeyColumn column = keys.computeIfAbsent(key, k -> new KeyColumn());
    ByteSource table = read(file, extents[0], "attribute value table");
    int count = table.readCount(table.remaining());
    int offset = column.count;
    column.entries.writeBytes(table.array(), table.position(), table.remaining());
    column.count += count;
    ByteSource values = read(file, extents[1], "attribute values");
    while (values.hasRemaining()) {
      column.valueIds.writeVarInt(offset + values.readCount(count - 1));
    }
    return offset;
  }

  private int[] mergeResources(ByteSource in, int[] nameIds, int[] valueOffsets)
      throws CorruptDataException {
    int count = in.readCount(in.remaining());
    int[] map = new int[count];
    for (int resource = 0; resource < count; resource++) {
      int service = nameIds[in.readCount(nameIds.length - 1)];
      long[] pairs = new long[in.readCount(in.remaining() / 2)];
      for (int i = 0; i < pairs.length; i++) {
        int key = in.readCount(nameIds.length - 1);
        int value = valueOffsets[key] + in.readCount(Integer.MAX_VALUE);
        pairs[i] = (long) nameIds[key] << 32 | value;
      }
      Arrays.sort(pairs);
      int[] parts = new int[1 + 2 * pairs.length];
      parts[0] = service;
      for (int i = 0; i < pairs.length; i++) {
        parts[1 + 2 * i] = (int) (pairs[i] >>> 32);
        parts[2 + 2 * i] = (int) pairs[i];
      }
      map[resource] = resources.computeIfAbsent(new IntKey(parts), k -> {
        int id = resources.size();
        fixedColumns.resourceTable.writeVarInt(service);
        fixedColumns.resourceTable.writeVarInt(pairs.length);
        for (long pair : pairs) {
          fixedColumns.resourceTable.writeVarInt((int) (pair >>> 32));
          fixedColumns.resourceTable.writeVarInt((int) pair);
        }
        if (id == resourceServices.length) {
          resourceServices = Arrays.copyOf(resourceServices, id * 2);
        }
        resourceServices[id] = service;
        return id;
      });
    }
    checkEnd(in);
    return map;
  }

  private int[] mergeShapes(ByteSource in, int[] nameIds) throws CorruptDataException {
    int count = in.readCount(in.remaining());
    int[] map = new int[count];
    for (int shape = 0; shape < count; shape++) {
      int[] shapeKeys = new int[in.readCount(in.remaining())];
      for (int i = 0; i < shapeKeys.length; i++) {
        shapeKeys[i] = nameIds[in.readCount(nameIds.length - 1)];
      }
      Arrays.sort(shapeKeys);
      map[shape] = shapes.computeIfAbsent(new IntKey(shapeKeys), k -> {
        fixedColumns.shapeTable.writeVarInt(shapeKeys.length);
        for (int key : shapeKeys) {
          fixedColumns.shapeTable.writeVarInt(key);
        }
        return shapes.size();
      });
    }
    checkEnd(in);
    return map;
  }

  /**
   * Keeps the source's calls and open traces, renumbered, except those of spread traces, which
   * {@link #finish} finds again.
   */
  private void addCalls(Source source, TraceIndex index, int[] partEnds, int firstRow)
      throws IOException {
    ByteSource in = source.block.callsSection();
    int sourceRows = partEnds.length == 0 ? 0 : partEnds[partEnds.length - 1];
    int count = in.readCount(in.remaining() / 2);
    int row = 0;
    int part = 0;
    for (int i = 0; i < count; i++) {
      row += in.readCount(sourceRows - 1 - row);
      long caller = in.readVarLong();
      if (caller >>> 1 >= source.nameIds.length) {
        throw in.corrupt("service number " + (caller >>> 1) + " of " + source.nameIds.length);
      }
      while (row >= partEnds[part]) {
        part++;
      }
      if (!spread.get(source.ordinals[index.ordinalOf(part)])) {
        addCall(firstRow + row, source.nameIds[(int) (caller >>> 1)], (caller & 1) == 1);
      }
    }
    int open = in.readCount(partEnds.length);
    int openPart = 0;
    for (int i = 0; i < open; i++) {
      openPart += in.readCount(partEnds.length - 1 - openPart);
      if (!spread.get(source.ordinals[index.ordinalOf(openPart)])) {
        addOpenPart(source.partOffset + openPart);
      }
    }
    checkEnd(in);
  }

  private void addCall(int row, int callerService, boolean error) {
    if (callCount == calls.length) {
      calls = Arrays.copyOf(calls, callCount * 2);
    }
    calls[callCount++] = (long) row << 32 | (long) callerService << 1 | (error ? 1 : 0);
  }

  private void addOpenPart(int part) {
    if (openCount == openParts.length) {
      openParts = Arrays.copyOf(openParts, openCount * 2);
    }
    openParts[openCount++] = part;
  }

  /** The name numbers of the services of the rows added. */
  BitSet services() {
    BitSet services = new BitSet();
    for (int resource = 0; resource < resources.size(); resource++) {
      services.set(resourceServices[resource]);
    }
    return services;
  }

  /**
   * Finds the calls and openness of the spread traces from their spans, then appends every column
   * through {@code out}; answers the column directory and, in {@code callsSection}, the calls.
   */
  ByteSink finish(TraceSpans spans, ChunkSink out, ByteSink callsSection) throws IOException {
    for (Map.Entry<Integer, List<long[]>> trace : spreadRows.entrySet()) {
      addSpreadCalls(trace.getKey(), trace.getValue(), spans.of(trace.getKey()));
    }
    Arrays.sort(calls, 0, callCount);
    callsSection.writeVarInt(callCount);
    int previousRow = 0;
    for (int i = 0; i < callCount; i++) {
      int row = (int) (calls[i] >>> 32);
      callsSection.writeVarInt(row - previousRow);
      previousRow = row;
      callsSection.writeVarLong(calls[i] & 0xFFFFFFFFL);
    }
    Arrays.sort(openParts, 0, openCount);
    callsSection.writeVarInt(openCount);
    int previousPart = 0;
    for (int i = 0; i < openCount; i++) {
      callsSection.writeVarInt(openParts[i] - previousPart);
      previousPart = openParts[i];
    }

    ByteSink directory = fixedColumns.writeTo(out, rowCount, partCount, minDuration, maxDuration,
        resources.size(), shapes.size());
    directory.writeVarInt(keys.size());
    for (Map.Entry<Integer, KeyColumn> key : keys.entrySet()) {
      KeyColumn column = key.getValue();
      directory.writeVarInt(key.getKey());
      out.append(SearchColumns.withCount(column.count, column.entries)).write(directory);
      out.append(column.valueIds).write(directory);
    }
    return directory;
  }

  /**
   * The calls of one spread trace, each against the row of its callee span: the first row not yet
   * taken with the callee's start and service (any such row stands for the same call).
   */
  private void addSpreadCalls(int ordinal, List<long[]> rows, List<Span> spans)
      throws CorruptDataException {
    rows.sort(Comparator.comparingLong(row -> row[1]));
    List<Span> byStart = new ArrayList<>(spans);
    byStart.sort(Comparator.comparingLong(Span::startEpochNanos));
    boolean[] taken = new boolean[rows.size()];
    List<String> unmatched = new ArrayList<>();
    DependencyLinker.calls(byStart, (start, parentService, childService, error) -> {
      for (int i = firstAtOrAfter(rows, start); i < rows.size() && rows.get(i)[1] == start; i++) {
        if (!taken[i] && names.get((int) rows.get(i)[2]).equals(childService)) {
          taken[i] = true;
          addCall((int) rows.get(i)[0], names.add(parentService), error);
          return;
        }
      }
      unmatched.add(childService + " at " + start);
    });
    if (!unmatched.isEmpty() || rows.size() != spans.size()) {
      throw new CorruptDataException("trace " + ordinal + " of the merged block: " + spans.size()
          + " spans against " + rows.size() + " rows; calls without a row: " + unmatched);
    }
    if (DependencyLinker.hasMissingParent(byStart)) {
      addOpenPart(spreadFirstParts.get(ordinal));
    }
  }

  private static int firstAtOrAfter(List<long[]> rows, long start) {
    int low = 0;
    int high = rows.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (rows.get(middle)[1] < start) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private static ByteSource read(BlockFile file, Extent extent, String column)
      throws IOException {
    String what = SearchColumns.label(column);
    return file.source(file.read(extent, what), what);
  }

  private static void append(ByteSink into, ByteSource column) {
    into.writeBytes(column.array(), 0, column.array().length);
  }

  private static void checkEnd(ByteSource in) throws CorruptDataException {
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after the last entry");
    }
  }

  /** One key's value tables, one after the other, and its values column. */
  private static final class KeyColumn {
    final ByteSink entries = new ByteSink(1 << 10);
    final ByteSink valueIds = new ByteSink(1 << 10);
    int count;
  }
}
