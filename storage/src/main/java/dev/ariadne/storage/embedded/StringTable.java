package dev.ariadne.storage.embedded;

import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.SpanEncoder;
import dev.ariadne.storage.internal.StringIndex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The strings a block refers to by number: service names, span names and attribute keys, or the
 * text values of one attribute key. Numbers are given in order of first use, so the most common
 * strings tend to get the smallest. Grows while a block is written; read back, it is only read
 * and so safe to share between threads.
 */
final class StringTable {
  private final StringIndex ids;

  StringTable() {
    ids = new StringIndex(16);
  }

  private StringTable(StringIndex ids) {
    this.ids = ids;
  }

  /**
   * The number of {@code string}, given it now if it has none yet. A string that UTF-8 cannot
   * hold as is (a lone surrogate) is stored as it will read back, and shares the number of that
   * form, so the table never holds two strings that read back alike.
   */
  int add(String string) {
    int id = ids.find(string);
    if (id >= 0) {
      return id;
    }
    String stored = SpanEncoder.hasUnpairedSurrogate(string) ? storedForm(string) : string;
    id = ids.indexOrAdd(stored);
    return id >= 0 ? id : ids.size() - 1;
  }

  /** The number of {@code string}, or -1 if the table does not hold it. */
  int find(String string) {
    return ids.find(string);
  }

  /**
   * The numbers of the strings whose UTF-8 form is {@code utf8} in a table written by {@link
   * #writeTo} or made of several such tables one after the other (a compacted block's value
   * tables), found by comparing bytes without building the table; empty if it holds none.
   */
  static BitSet findAll(ByteSource in, byte[] utf8) throws CorruptDataException {
    int count = in.readCount(in.remaining());
    byte[] bytes = in.array();
    BitSet found = new BitSet();
    for (int i = 0; i < count; i++) {
      int length = in.readCount(in.remaining());
      int start = in.position();
      in.skip(length);
      if (length == utf8.length
          && Arrays.equals(bytes, start, start + length, utf8, 0, utf8.length)) {
        found.set(i);
      }
    }
    return found;
  }

  /**
   * Reads what {@link ByteSink#writeString} wrote, checking the length against the bytes left
   * after it ({@link ByteSource#readString} checks it against those before it).
   */
  static String readString(ByteSource in) throws CorruptDataException {
    long length = in.readVarLong();
    if (length < 0 || length > in.remaining()) {
      throw in.corrupt("string of " + Long.toUnsignedString(length) + " bytes, "
          + in.remaining() + " left");
    }
    int start = in.position();
    in.skip((int) length);
    return new String(in.array(), start, (int) length, StandardCharsets.UTF_8);
  }

  /** The string as it reads back after being written as UTF-8. */
  static String storedForm(String string) {
    return new String(string.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  String get(int id) {
    return ids.get(id);
  }

  int size() {
    return ids.size();
  }

  /** A varint count, then each string. */
  void writeTo(ByteSink out) {
    out.writeVarInt(ids.size());
    for (int id = 0; id < ids.size(); id++) {
      out.writeString(ids.get(id));
    }
  }

  /** Reads what {@link #writeTo} wrote; a repeated string is corrupt. */
  static StringTable read(ByteSource in) throws CorruptDataException {
    int count = in.readCount(in.remaining());
    // Grown as strings are read: a corrupt count must not size the table.
    StringIndex ids = new StringIndex(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      if (ids.indexOrAdd(readString(in)) >= 0) {
        throw in.corrupt("repeated string in a table of " + count);
      }
    }
    return new StringTable(ids);
  }

  /** A string number read from {@code in}, which must be one of this table's. */
  int readId(ByteSource in) throws CorruptDataException {
    return in.readCount(ids.size() - 1);
  }
}
