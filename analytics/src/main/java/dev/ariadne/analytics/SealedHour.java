package dev.ariadne.analytics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One hour of metrics in its final form: per series, the hour's total (so that a window of whole
 * hours merges one aggregate per hour) and the aggregate of each bucket. Written once, whole; held
 * as a file, of which only the index is kept in memory, or as bytes for the memory backend.
 *
 * <p>Layout: {@code "ARH1"}, then per series a record {@code [crc32c int][length varint][key][hour
 * aggregate][bucket count varint]([bucket offset ms varint][aggregate])*}, then the index {@code
 * [series count varint]([key][record offset varint][record length varint])*}, then the footer
 * {@code [index offset long][index crc32c int][covered log generation long]["ARH1"]}.
 */
final class SealedHour implements Closeable {
  static final byte[] MAGIC = "ARH1".getBytes(StandardCharsets.US_ASCII);
  static final int FOOTER_BYTES = 8 + 4 + 8 + 4;

  /** One series' hour: its total and its buckets by start (epoch milliseconds). */
  record Series(Aggregate total, NavigableMap<Long, Aggregate> buckets) {}

  private record Location(long offset, int length) {}

  final long hourStart;
  /** The log generations up to this one are contained here; their files are stale. */
  final long coveredGeneration;
  private final Map<SeriesKey, Location> index;
  private final Path file;
  /** Open while the hour is: reading a series then costs one positional read, not an open. */
  private final FileChannel channel;
  private final byte[] bytes;
  private final long size;

  private SealedHour(long hourStart, long coveredGeneration, Map<SeriesKey, Location> index,
      Path file, FileChannel channel, byte[] bytes, long size) {
    this.hourStart = hourStart;
    this.coveredGeneration = coveredGeneration;
    this.index = index;
    this.file = file;
    this.channel = channel;
    this.bytes = bytes;
    this.size = size;
  }

  long size() {
    return size;
  }

  Set<SeriesKey> keys() {
    return index.keySet();
  }

  /** Encodes {@code series} into the sealed layout. */
  static byte[] encode(long hourStart, long coveredGeneration, Map<SeriesKey, Series> series) {
    RecordWriter out = new RecordWriter(1024);
    out.writeBytes(MAGIC, 0, MAGIC.length);
    Map<SeriesKey, Location> index = new HashMap<>();
    RecordWriter record = new RecordWriter(256);
    for (Map.Entry<SeriesKey, Series> entry : series.entrySet()) {
      record.reset();
      SeriesKey.write(entry.getKey(), record);
      entry.getValue().total().write(record);
      NavigableMap<Long, Aggregate> buckets = entry.getValue().buckets();
      record.writeVarLong(buckets.size());
      for (Map.Entry<Long, Aggregate> bucket : buckets.entrySet()) {
        record.writeVarLong(bucket.getKey() - hourStart);
        bucket.getValue().write(record);
      }
      long offset = out.size();
      out.writeInt(crc(record.array(), 0, record.size()));
      out.writeVarLong(record.size());
      out.writeBytes(record.array(), 0, record.size());
      index.put(entry.getKey(), new Location(offset, (int) (out.size() - offset)));
    }
    long indexOffset = out.size();
    out.writeVarLong(index.size());
    index.forEach((key, location) -> {
      SeriesKey.write(key, out);
      out.writeVarLong(location.offset());
      out.writeVarLong(location.length());
    });
    int indexCrc = crc(out.array(), (int) indexOffset, (int) (out.size() - indexOffset));
    out.writeLong(indexOffset);
    out.writeInt(indexCrc);
    out.writeLong(coveredGeneration);
    out.writeBytes(MAGIC, 0, MAGIC.length);
    return out.toByteArray();
  }

  static SealedHour inMemory(long hourStart, byte[] bytes) throws CorruptMetricsException {
    if (bytes.length < MAGIC.length + FOOTER_BYTES) {
      throw new CorruptMetricsException("a sealed hour of " + bytes.length + " bytes, too short");
    }
    return parse(hourStart, null, null, bytes, bytes.length, bytes, 0);
  }

  /** Reads the footer and the index of a sealed file; the records stay on disk. */
  static SealedHour open(long hourStart, Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (size < MAGIC.length + FOOTER_BYTES) {
        throw new CorruptMetricsException(file + " is " + size + " bytes, too short");
      }
      byte[] footer = read(channel, size - FOOTER_BYTES, FOOTER_BYTES);
      RecordReader in = new RecordReader(footer, 0, footer.length);
      long indexOffset = in.readLong();
      if (indexOffset < MAGIC.length || indexOffset > size - FOOTER_BYTES) {
        throw new CorruptMetricsException(file + ": index offset " + indexOffset + " out of range");
      }
      byte[] indexAndFooter = read(channel, indexOffset, (int) (size - indexOffset));
      return parse(hourStart, file, channel, null, size, indexAndFooter, indexOffset);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Parses the index from {@code region}, which holds the file from {@code regionOffset} to its end
   * (the whole file for the memory backend, where {@code regionOffset} is 0).
   */
  private static SealedHour parse(long hourStart, Path file, FileChannel channel, byte[] whole,
      long size, byte[] region, long regionOffset) throws CorruptMetricsException {
    int footerAt = region.length - FOOTER_BYTES;
    RecordReader footer = new RecordReader(region, footerAt, FOOTER_BYTES);
    long indexOffset = footer.readLong();
    int indexCrc = footer.readInt();
    long covered = footer.readLong();
    for (int i = 0; i < MAGIC.length; i++) {
      if (footer.readByte() != (MAGIC[i] & 0xFF)) {
        throw new CorruptMetricsException(where(file) + ": no end marker");
      }
    }
    long indexStart = indexOffset - regionOffset;
    if (indexStart < 0 || indexStart > footerAt) {
      throw new CorruptMetricsException(where(file) + ": index offset " + indexOffset + " out of range");
    }
    if (crc(region, (int) indexStart, footerAt - (int) indexStart) != indexCrc) {
      throw new CorruptMetricsException(where(file) + ": the index does not match its checksum");
    }
    RecordReader in = new RecordReader(region, (int) indexStart, footerAt - (int) indexStart);
    int count = in.readLength(footerAt);
    Map<SeriesKey, Location> index = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      SeriesKey key = SeriesKey.read(in);
      long offset = in.readVarLong();
      int length = in.readLength(Integer.MAX_VALUE);
      if (offset < MAGIC.length || offset + length > indexOffset) {
        throw new CorruptMetricsException(where(file) + ": a record out of range");
      }
      index.put(key, new Location(offset, length));
    }
    return new SealedHour(hourStart, covered, index, file, channel, whole, size);
  }

  /** The series of {@code key} in this hour, or null. */
  Series read(SeriesKey key) throws IOException {
    RecordReader body = body(key);
    if (body == null) {
      return null;
    }
    Aggregate total = Aggregate.read(body);
    int buckets = body.readLength(body.remaining());
    NavigableMap<Long, Aggregate> byStart = new TreeMap<>();
    for (int i = 0; i < buckets; i++) {
      long bucketStart = hourStart + body.readVarLong();
      byStart.put(bucketStart, Aggregate.read(body));
    }
    return new Series(total, byStart);
  }

  /**
   * The hour's total of {@code key}, or null; without decoding its buckets, which a window of
   * whole hours does not need (decoding an hour's 60 sketches to use none was most of the time a
   * day's operation table took).
   */
  Aggregate total(SeriesKey key) throws IOException {
    RecordReader body = body(key);
    return body == null ? null : Aggregate.read(body);
  }

  /** The checked record of {@code key}, positioned after the key; null when the hour lacks it. */
  private RecordReader body(SeriesKey key) throws IOException {
    Location location = index.get(key);
    if (location == null) {
      return null;
    }
    byte[] record;
    int start;
    if (bytes != null) {
      record = bytes;
      start = (int) location.offset();
    } else {
      record = read(channel, location.offset(), location.length());
      start = 0;
    }
    RecordReader in = new RecordReader(record, start, location.length());
    int crc = in.readInt();
    int length = in.readLength(location.length());
    int payload = in.skip(length);
    if (crc(record, payload, length) != crc) {
      throw new CorruptMetricsException(where(file) + ": the record of " + key + " does not match its checksum");
    }
    RecordReader body = new RecordReader(record, payload, length);
    SeriesKey stored = SeriesKey.read(body);
    if (!stored.equals(key)) {
      throw new CorruptMetricsException(where(file) + ": the index points " + key + " at " + stored);
    }
    return body;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }

  private static String where(Path file) {
    return file == null ? "a sealed hour in memory" : file.toString();
  }

  private static byte[] read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new CorruptMetricsException("unexpected end of file at " + (position + buffer.position()));
      }
    }
    return buffer.array();
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
