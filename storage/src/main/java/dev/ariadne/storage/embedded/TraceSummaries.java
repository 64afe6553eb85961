package dev.ariadne.storage.embedded;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.TracePart;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The byte form of a chunk of {@link TracePart}s: what a search result or a merge across blocks
 * needs of a trace, readable without the trace's page. Strings are numbers in the block's {@link
 * StringTable}; times are deltas, so an entry takes a few bytes.
 *
 * <p>Layout: the first trace's start (8 bytes), then for each trace: its start less the first's
 * (zig-zag), end less start (zig-zag), span count, error count, the root's service number plus 1
 * or 0 for none and, with a root, the root's name number and start less the trace start (zig-zag),
 * then the service count and each service's number and span count.
 */
final class TraceSummaries {
  private TraceSummaries() {}

  static void write(List<TracePart> parts, StringTable names, ByteSink out) {
    long base = parts.isEmpty() ? 0 : parts.get(0).startEpochNanos();
    out.writeLongLe(base);
    for (TracePart part : parts) {
      out.writeZigZag(part.startEpochNanos() - base);
      out.writeZigZag(part.endEpochNanos() - part.startEpochNanos());
      out.writeVarInt(part.spanCount());
      out.writeVarInt(part.errorCount());
      if (part.rootServiceName() == null) {
        out.writeVarInt(0);
      } else {
        out.writeVarInt(names.add(part.rootServiceName()) + 1);
        out.writeVarInt(names.add(part.rootSpanName()));
        out.writeZigZag(part.rootStartEpochNanos() - part.startEpochNanos());
      }
      out.writeVarInt(part.serviceSpans().size());
      for (Map.Entry<String, Integer> service : part.serviceSpans().entrySet()) {
        out.writeVarInt(names.add(service.getKey()));
        out.writeVarInt(service.getValue());
      }
    }
  }

  /**
   * Reads the {@code traceIds.length} entries of a chunk and adds the parts of those whose index
   * in the chunk is {@code wanted} to {@code into}.
   */
  static void read(ByteSource in, TraceId[] traceIds, StringTable names, IntPredicate wanted,
      List<TracePart> into) throws CorruptDataException {
    long base = in.readLongLe();
    for (int i = 0; i < traceIds.length; i++) {
      long start = base + in.readZigZag();
      long end = start + in.readZigZag();
      int spanCount = in.readVarInt();
      int errorCount = in.readVarInt();
      int root = in.readCount(names.size());
      String rootService = null;
      String rootName = null;
      long rootStart = Long.MAX_VALUE;
      if (root > 0) {
        rootService = names.get(root - 1);
        rootName = names.get(names.readId(in));
        rootStart = start + in.readZigZag();
      }
      int serviceCount = in.readCount(names.size());
      Map<String, Integer> services = new HashMap<>(serviceCount * 2);
      for (int s = 0; s < serviceCount; s++) {
        services.put(names.get(names.readId(in)), in.readVarInt());
      }
      if (wanted.test(i)) {
        into.add(new TracePart(traceIds[i], start, end, rootService, rootName, rootStart,
            spanCount, errorCount, services));
      }
    }
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after " + traceIds.length + " trace summaries");
    }
  }
}
