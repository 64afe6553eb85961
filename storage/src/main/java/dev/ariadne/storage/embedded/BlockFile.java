package dev.ariadne.storage.embedded;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.CRC32C;

/**
 * Positional, checked reads of one block file, safe from many threads at once. A read whose
 * channel was closed under it by another thread's interrupt (which closes a {@link FileChannel} for
 * every user) reopens the file and tries once more, so one cancelled query cannot break the block
 * for the others.
 */
final class BlockFile implements Closeable {
  /** Reads are sliced so the JDK's per-thread temporary direct buffers stay this small. */
  private static final int READ_SLICE = 256 * 1024;
  /**
   * Buffers {@link #readPooled} keeps for the next read: as many as the reads usually under way
   * at once, and none larger than this, so that the pool holds a few megabytes at most.
   */
  private static final int POOLED_BUFFERS = 4;
  private static final int MAX_POOLED_BYTES = 8 << 20;
  private static final ArrayBlockingQueue<Buffers> POOL = new ArrayBlockingQueue<>(POOLED_BUFFERS);

  private final Path path;
  private final Object lock = new Object();
  private volatile FileChannel channel;
  private volatile boolean closed;
  /** Where chunks and sections may end: before the footer; nothing is readable until it is set. */
  private volatile long dataEnd;

  BlockFile(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
  }

  Path path() {
    return path;
  }

  long size() throws IOException {
    return channel().size();
  }

  /** Bounds later extents to the bytes before the footer, once the footer is known. */
  void dataEnd(long dataEnd) {
    this.dataEnd = dataEnd;
  }

  /** Reads {@code length} bytes at {@code position}; a short file is corrupt. */
  byte[] read(long position, int length, String what) throws IOException {
    byte[] bytes = new byte[length];
    readFully(position, bytes, length, what);
    return bytes;
  }

  /**
   * Reads an extent, checks its CRC32C and decompresses it. Any mismatch is a {@link
   * CorruptDataException} naming the file and {@code what}.
   */
  byte[] read(Extent extent, String what) throws IOException {
    byte[] raw = new byte[extent.rawLength()];
    readInto(extent, what, new byte[extent.length()], raw);
    return raw;
  }

  /**
   * Reads an extent as {@link #read(Extent, String)} does, and gives its bytes to {@code reader}
   * in buffers that are used again once {@code reader} returns, so it must not keep them. For
   * pages: a trace lookup reads a page of some 600 KB to decode one run of it, and a fresh array
   * per lookup made most of the young collections during lookups.
   */
  <T> T readPooled(Extent extent, String what, PooledReader<T> reader) throws IOException {
    Buffers buffers = POOL.poll();
    if (buffers == null) {
      buffers = new Buffers();
    }
    try {
      buffers.fit(extent);
      readInto(extent, what, buffers.stored, buffers.raw);
      return reader.read(new ByteSource(buffers.raw, 0, extent.rawLength(), path + ": " + what));
    } finally {
      if (buffers.raw.length <= MAX_POOLED_BYTES) {
        POOL.offer(buffers);
      }
    }
  }

  /** Reads what {@link #readPooled} lends. */
  interface PooledReader<T> {
    T read(ByteSource in) throws IOException;
  }

  /**
   * Reads an extent's stored bytes, compressed as they are, and checks their CRC32C: what
   * compaction copies into a new block without decompressing it.
   */
  byte[] readStored(Extent extent, String what) throws IOException {
    byte[] stored = new byte[extent.length()];
    readStoredInto(extent, what, stored);
    return stored;
  }

  private void readStoredInto(Extent extent, String what, byte[] stored) throws IOException {
    if (!extent.within(BlockFormat.HEADER_SIZE, dataEnd)) {
      throw corrupt(what, "extent " + extent + " outside the data bytes [" + BlockFormat.HEADER_SIZE
          + ", " + dataEnd + ")");
    }
    readFully(extent.offset(), stored, extent.length(), what);
    CRC32C crc = new CRC32C();
    crc.update(stored, 0, extent.length());
    if ((int) crc.getValue() != extent.crc()) {
      throw corrupt(what, "checksum mismatch (stored " + Integer.toHexString(extent.crc())
          + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
    }
  }

  private void readInto(Extent extent, String what, byte[] stored, byte[] raw)
      throws IOException {
    readStoredInto(extent, what, stored);
    int size;
    try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
      size = zstd.decompressByteArray(raw, 0, extent.rawLength(), stored, 0, extent.length());
    } catch (ZstdException e) {
      throw new CorruptDataException(path + ": " + what + ": does not decompress", e);
    }
    if (size != extent.rawLength()) {
      throw corrupt(what, "decompressed to " + size + " bytes (expected: " + extent.rawLength()
          + ")");
    }
  }

  /** A reader of {@code bytes} whose errors name the file and {@code what}. */
  ByteSource source(byte[] bytes, String what) {
    return new ByteSource(bytes, path + ": " + what);
  }

  CorruptDataException corrupt(String what, String problem) {
    return new CorruptDataException(path + ": " + what + ": " + problem);
  }

  /** Reads {@code length} bytes at {@code position} into {@code into}; a short file is corrupt. */
  private void readFully(long position, byte[] into, int length, String what) throws IOException {
    for (int attempt = 0; ; attempt++) {
      FileChannel current = channel();
      try {
        readFully(current, position, into, length, what);
        return;
      } catch (ClosedChannelException e) {
        if (closed || attempt > 0 || Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }

  private void readFully(FileChannel from, long position, byte[] into, int length, String what)
      throws IOException {
    int done = 0;
    while (done < length) {
      ByteBuffer slice = ByteBuffer.wrap(into, done, Math.min(READ_SLICE, length - done));
      int read = from.read(slice, position + done);
      if (read < 0) {
        throw corrupt(what, "file ends at byte " + (position + done) + ", "
            + (length - done) + " bytes short");
      }
      done += read;
    }
  }

  private FileChannel channel() throws IOException {
    FileChannel current = channel;
    if (current.isOpen()) {
      return current;
    }
    synchronized (lock) {
      if (closed) {
        throw new ClosedChannelException();
      }
      if (!channel.isOpen()) {
        channel = FileChannel.open(path, StandardOpenOption.READ);
      }
      return channel;
    }
  }

  /** A read's stored and decompressed bytes, grown to fit the extents read. */
  private static final class Buffers {
    byte[] stored = new byte[0];
    byte[] raw = new byte[0];

    void fit(Extent extent) {
      if (stored.length < extent.length()) {
        stored = new byte[extent.length()];
      }
      if (raw.length < extent.rawLength()) {
        raw = new byte[extent.rawLength()];
      }
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      closed = true;
      channel.close();
    }
  }
}
