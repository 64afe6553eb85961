package dev.ariadne.storage.embedded;

import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.SpanCodec;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The layout of a block file, shared by {@link BlockWriter} and {@link Block}. All integers are
 * little-endian; every stored unit is a zstd frame with a CRC32C of its stored bytes.
 *
 * <pre>
 * header    magic "ARBK", format version
 * chunks    pages (a {@link SpanPage} of whole traces), trace summary chunks, search columns;
 *           located by the index and column sections
 * sections  names, index, bloom, columns, calls, metadata
 * footer    an {@link Extent} per section, their CRC32C, format version, magic
 * </pre>
 *
 * Opening a block reads the footer and the metadata section only; the other sections load on first
 * use, and chunks are read one by one.
 */
final class BlockFormat {
  /** "ARBK" as a little-endian int. */
  static final int MAGIC = 0x4B425241;
  /**
   * The version blocks are written in: since 2, a page is a {@link SpanPage} of runs; since 3, the
   * index places trace parts ({@link TraceIndex}), so that compaction can keep its sources' pages
   * as they are, and a compacted block's value tables may hold a value once per source; since 4,
   * the metadata ends with when the block's spans were stored ({@link BlockMeta}); since 5, then
   * with a filter of all the block's services when it holds more than it lists.
   */
  static final int VERSION = 5;
  /**
   * The oldest version compaction merges: versions 3 to 5 differ only in their metadata, which a
   * merge writes anew.
   */
  static final int OLDEST_MERGED_VERSION = 3;
  /**
   * The oldest version still read. Version 2 differs in its index, which has no placement (one
   * part per trace, in ordinal order); version 1 also in its pages: each is one span codec call,
   * which is read as a page of one run.
   */
  static final int OLDEST_VERSION = 1;
  static final int HEADER_SIZE = 8;
  static final int FOOTER_SIZE = Section.values().length * Extent.FIXED_SIZE + 12;
  static final String SUFFIX = ".block";
  static final String TEMPORARY_SUFFIX = ".block.tmp";

  /** Span kinds by their stored code; part of the format, never reordered. */
  static final SpanKind[] KINDS = {
    SpanKind.UNSPECIFIED, SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER,
    SpanKind.CONSUMER
  };
  /** Status codes by their stored code; part of the format. */
  static final StatusCode[] STATUSES = {StatusCode.UNSET, StatusCode.OK, StatusCode.ERROR};

  /** The sections the footer locates, in the order they are written. */
  enum Section {
    NAMES,
    INDEX,
    BLOOM,
    COLUMNS,
    CALLS,
    META;

    /** How errors name the section. */
    String label() {
      return name().toLowerCase(Locale.ROOT) + " section";
    }
  }

  private BlockFormat() {}

  /** The file name of block {@code id}: 16 hex digits and {@value #SUFFIX}. */
  static String fileName(long id) {
    return HexFormat.of().toHexDigits(id) + SUFFIX;
  }

  /** The name block {@code id} is written under until it is complete. */
  static String temporaryFileName(long id) {
    return HexFormat.of().toHexDigits(id) + TEMPORARY_SUFFIX;
  }

  static int kindCode(SpanKind kind) {
    return SpanCodec.code(KINDS, kind);
  }

  static int statusCode(StatusCode status) {
    return SpanCodec.code(STATUSES, status);
  }

  /**
   * Where a stored unit lies in the file and how to check it: {@code length} stored bytes at
   * {@code offset} whose CRC32C is {@code crc}, holding a zstd frame of {@code rawLength} bytes.
   */
  record Extent(long offset, int length, int rawLength, int crc) {
    static final int FIXED_SIZE = 20;

    void writeFixed(ByteSink out) {
      out.writeLongLe(offset);
      out.writeIntLe(length);
      out.writeIntLe(rawLength);
      out.writeIntLe(crc);
    }

    static Extent readFixed(ByteSource in) throws CorruptDataException {
      return new Extent(in.readLongLe(), in.readIntLe(), in.readIntLe(), in.readIntLe());
    }

    void write(ByteSink out) {
      out.writeVarLong(offset);
      out.writeVarInt(length);
      out.writeVarInt(rawLength);
      out.writeIntLe(crc);
    }

    static Extent read(ByteSource in) throws CorruptDataException {
      return new Extent(in.readVarLong(), in.readVarInt(), in.readVarInt(), in.readIntLe());
    }

    /** True if the extent lies in {@code [start, end)} of the file and its lengths are sane. */
    boolean within(long start, long end) {
      return offset >= start && length >= 0 && rawLength >= 0 && offset <= end - length;
    }
  }
}
