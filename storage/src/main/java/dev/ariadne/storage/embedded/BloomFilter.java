package dev.ariadne.storage.embedded;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.util.Arrays;

/**
 * Which trace IDs, or which service names, a block may hold: never wrong about one it holds, wrong
 * about 1% of the others. Lets a lookup by trace ID skip most blocks without touching their index,
 * and a search by a service that a block holds but does not list ({@link BlockMeta}) skip the
 * blocks without it. The bit positions come from two mixed 64-bit hashes of the ID or name
 * (Kirsch and Mitzenmacher), so IDs that are not random, such as 64-bit IDs with a zero high half,
 * and names that differ in a digit spread as well as random ones. A name's first hash is FNV-1a
 * over its UTF-16 code units, mixed: part of the format. Mutable while a block is written; read
 * back, safe to share between threads.
 */
final class BloomFilter {
  static final double FALSE_POSITIVE_RATE = 0.01;
  private static final int MAX_HASHES = 30;

  private final long[] words;
  private final int hashes;

  private BloomFilter(long[] words, int hashes) {
    this.words = words;
    this.hashes = hashes;
  }

  /** An empty filter sized for {@code expectedIds} IDs at {@link #FALSE_POSITIVE_RATE}. */
  static BloomFilter create(int expectedIds) {
    int ids = Math.max(1, expectedIds);
    double ln2 = Math.log(2);
    long bits = (long) Math.ceil(-ids * Math.log(FALSE_POSITIVE_RATE) / (ln2 * ln2));
    int wordCount = (int) Math.max(1, (bits + 63) / 64);
    int hashes = (int) Math.max(1, Math.min(MAX_HASHES,
        Math.round((double) wordCount * 64 / ids * ln2)));
    return new BloomFilter(new long[wordCount], hashes);
  }

  void add(TraceId traceId) {
    add(hash1(traceId));
  }

  void add(String name) {
    add(hash1(name));
  }

  private void add(long h1) {
    long h2 = hash2(h1);
    long bitCount = (long) words.length * 64;
    for (int i = 0; i < hashes; i++) {
      long bit = ((h1 + i * h2) & Long.MAX_VALUE) % bitCount;
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  /** False if the filter's block certainly does not hold the trace. */
  boolean mightContain(TraceId traceId) {
    return mightContain(hash1(traceId));
  }

  /** False if the filter's block certainly does not hold the name. */
  boolean mightContain(String name) {
    return mightContain(hash1(name));
  }

  private boolean mightContain(long h1) {
    long h2 = hash2(h1);
    long bitCount = (long) words.length * 64;
    for (int i = 0; i < hashes; i++) {
      long bit = ((h1 + i * h2) & Long.MAX_VALUE) % bitCount;
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** The hash count, a varint word count, then the words. */
  void writeTo(ByteSink out) {
    out.writeByte(hashes);
    out.writeVarInt(words.length);
    for (long word : words) {
      out.writeLongLe(word);
    }
  }

  static BloomFilter read(ByteSource in) throws CorruptDataException {
    int hashes = in.readByte();
    if (hashes < 1 || hashes > MAX_HASHES) {
      throw in.corrupt("hash count " + hashes + " (expected: 1 to " + MAX_HASHES + ")");
    }
    int wordCount = in.readCount(in.remaining() / 8);
    if (wordCount < 1) {
      throw in.corrupt("no bits");
    }
    long[] words = new long[wordCount];
    for (int i = 0; i < wordCount; i++) {
      words[i] = in.readLongLe();
    }
    return new BloomFilter(words, hashes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BloomFilter other && hashes == other.hashes
        && Arrays.equals(words, other.words);
  }

  @Override
  public int hashCode() {
    return 31 * hashes + Arrays.hashCode(words);
  }

  private static long hash1(TraceId traceId) {
    return mix(traceId.high() ^ mix(traceId.low()));
  }

  private static long hash1(String name) {
    long hash = 0xCBF29CE484222325L;
    for (int i = 0; i < name.length(); i++) {
      hash = (hash ^ name.charAt(i)) * 0x100000001B3L;
    }
    return mix(hash);
  }

  private static long hash2(long hash1) {
    return mix(hash1 ^ 0x9E3779B97F4A7C15L);
  }

  /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
  private static long mix(long value) {
    long z = (value ^ (value >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
