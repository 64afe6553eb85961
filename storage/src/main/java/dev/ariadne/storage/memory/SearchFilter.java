package dev.ariadne.storage.memory;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.storage.TraceQuery;
import java.util.List;
import java.util.Map;

/**
 * A Bloom filter of what the spans of one group can be searched by: each span's name, and each
 * searchable attribute of the span and of its resource, as its key and {@linkplain
 * TraceQuery#searchableText text}. A search decodes a group only if the filter may hold its span
 * name and every one of its attributes; without it, a search for a value few traces have decoded
 * nearly every held span. About ten bits per entry and three hashes: about 2% false positives.
 */
final class SearchFilter {
  private static final int BITS_PER_ENTRY = 10;
  private static final int HASHES = 3;
  private static final long NAME_SEED = 0x5851_F42D_4C95_7F2DL;

  private SearchFilter() {}

  /** The filter of {@code spans}, one group's. */
  // Identity is the point: spans of one resource share the object, whose equals() is deep.
  @SuppressWarnings("ReferenceEquality")
  static long[] of(List<Span> spans) {
    int entries = 0;
    Resource last = null;
    for (Span span : spans) {
      entries += 1 + span.attributes().size();
      if (span.resource() != last) {
        last = span.resource();
        entries += last.attributes().size();
      }
    }
    long[] words = new long[Math.max(1, Integer.highestOneBit(entries * BITS_PER_ENTRY - 1) >>> 5)];
    last = null;
    for (Span span : spans) {
      add(words, nameHash(span.name()));
      addAttributes(words, span.attributes());
      if (span.resource() != last) {
        last = span.resource();
        addAttributes(words, last.attributes());
      }
    }
    return words;
  }

  /** What a group's filter must hold for a span of it to match {@code query}: none, any group. */
  static long[] probe(TraceQuery query) {
    Map<String, String> attributes = query.attributes();
    long[] hashes = new long[attributes.size() + (query.spanName().isPresent() ? 1 : 0)];
    int i = 0;
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      hashes[i++] = attributeHash(attribute.getKey(), attribute.getValue());
    }
    if (query.spanName().isPresent()) {
      hashes[i] = nameHash(query.spanName().get());
    }
    return hashes;
  }

  /** False if no span of the group whose filter is {@code words} can match {@code probe}. */
  static boolean mayMatch(long[] words, long[] probe) {
    for (long hash : probe) {
      if (!mayHold(words, hash)) {
        return false;
      }
    }
    return true;
  }

  private static void addAttributes(long[] words, List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        add(words, attributeHash(attribute.key(), text));
      }
    }
  }

  private static void add(long[] words, long hash) {
    for (int i = 0; i < HASHES; i++) {
      int bit = bit(words, hash, i);
      words[bit >>> 6] |= 1L << bit;
    }
  }

  private static boolean mayHold(long[] words, long hash) {
    for (int i = 0; i < HASHES; i++) {
      int bit = bit(words, hash, i);
      if ((words[bit >>> 6] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** The {@code i}-th bit of {@code hash} in a filter of {@code words}: double hashing. */
  private static int bit(long[] words, long hash, int i) {
    int h1 = (int) hash;
    int h2 = (int) (hash >>> 32) | 1;
    return (h1 + i * h2) & (words.length * Long.SIZE - 1);
  }

  private static long attributeHash(String key, String text) {
    return mix(key.hashCode() * 0x9E37_79B9_7F4A_7C15L + text.hashCode());
  }

  private static long nameHash(String name) {
    return mix(name.hashCode() + NAME_SEED);
  }

  /** MurmurHash3's 64-bit finalizer: every bit of the input moves every bit of the output. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    return h ^ (h >>> 33);
  }
}
