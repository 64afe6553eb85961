package dev.ariadne.storage.embedded;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    for (int attempt = 0; ; attempt++) {
      FileChannel current = channel();
      try {
        readFully(current, position, bytes, what);
        return bytes;
      } catch (ClosedChannelException e) {
        if (closed || attempt > 0 || Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }

  /**
   * Reads an extent, checks its CRC32C and decompresses it. Any mismatch is a {@link
   * CorruptDataException} naming the file and {@code what}.
   */
  byte[] read(Extent extent, String what) throws IOException {
    if (!extent.within(BlockFormat.HEADER_SIZE, dataEnd)) {
      throw corrupt(what, "extent " + extent + " outside the data bytes [" + BlockFormat.HEADER_SIZE
          + ", " + dataEnd + ")");
    }
    byte[] stored = read(extent.offset(), extent.length(), what);
    CRC32C crc = new CRC32C();
    crc.update(stored);
    if ((int) crc.getValue() != extent.crc()) {
      throw corrupt(what, "checksum mismatch (stored " + Integer.toHexString(extent.crc())
          + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
    }
    byte[] raw = new byte[extent.rawLength()];
    int size;
    try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
      size = zstd.decompressByteArray(raw, 0, raw.length, stored, 0, stored.length);
    } catch (ZstdException e) {
      throw new CorruptDataException(path + ": " + what + ": does not decompress", e);
    }
    if (size != raw.length) {
      throw corrupt(what, "decompressed to " + size + " bytes (expected: " + raw.length + ")");
    }
    return raw;
  }

  /** A reader of {@code bytes} whose errors name the file and {@code what}. */
  ByteSource source(byte[] bytes, String what) {
    return new ByteSource(bytes, path + ": " + what);
  }

  CorruptDataException corrupt(String what, String problem) {
    return new CorruptDataException(path + ": " + what + ": " + problem);
  }

  private void readFully(FileChannel from, long position, byte[] into, String what)
      throws IOException {
    int done = 0;
    while (done < into.length) {
      ByteBuffer slice = ByteBuffer.wrap(into, done, Math.min(READ_SLICE, into.length - done));
      int read = from.read(slice, position + done);
      if (read < 0) {
        throw corrupt(what, "file ends at byte " + (position + done) + ", "
            + (into.length - done) + " bytes short");
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

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      closed = true;
      channel.close();
    }
  }
}
