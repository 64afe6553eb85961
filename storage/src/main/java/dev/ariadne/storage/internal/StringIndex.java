package dev.ariadne.storage.internal;

/**
 * Numbers distinct strings in the order they are first added: the string table of one {@link
 * SpanEncoder} call, and the lookup side of a {@link StringTable}. Open addressing without boxing,
 * with the hashes kept beside the keys so that probing past other strings does not touch them;
 * the encoder looks up every name, key and string value of every span, and a block's writer does
 * again for its search columns. Not thread-safe.
 */
public final class StringIndex {
  private String[] keys;
  private int[] hashes;
  private int[] indexes;
  private int size;
  /** 32 minus the log2 of the capacity: a hash's top bits pick its first slot. */
  private int shift;

  public StringIndex(int expectedSize) {
    int capacity = Integer.highestOneBit(Math.max(8, expectedSize) * 2 - 1) * 2;
    keys = new String[capacity];
    hashes = new int[capacity];
    indexes = new int[capacity];
    shift = Integer.numberOfLeadingZeros(capacity) + 1;
  }

  public int size() {
    return size;
  }

  /** The index of {@code value}, or -1 after adding it with the index {@link #size()} had. */
  public int indexOrAdd(String value) {
    int hash = value.hashCode();
    int slot = slot(value, hash);
    if (keys[slot] != null) {
      return indexes[slot];
    }
    keys[slot] = value;
    hashes[slot] = hash;
    indexes[slot] = size++;
    if (size * 2 > keys.length) {
      grow();
    }
    return -1;
  }

  /** The index of {@code value}, or -1 if it was never added. */
  public int find(String value) {
    int slot = slot(value, value.hashCode());
    return keys[slot] == null ? -1 : indexes[slot];
  }

  /**
   * The slot holding {@code value}, or the empty slot where it would go. An equal string of
   * another instance takes the held one's place, so that the next lookup of the instance that the
   * decoders' recent texts hand out finds it by identity (the first instance added may be one that
   * no later span shares).
   */
  @SuppressWarnings("ReferenceEquality") // The same instance again: a shortcut past equals.
  private int slot(String value, int hash) {
    int mask = keys.length - 1;
    for (int slot = firstSlot(hash); ; slot = (slot + 1) & mask) {
      String key = keys[slot];
      if (key == null || key == value) {
        return slot;
      }
      if (hashes[slot] == hash && key.equals(value)) {
        keys[slot] = value;
        return slot;
      }
    }
  }

  private void grow() {
    String[] oldKeys = keys;
    int[] oldHashes = hashes;
    int[] oldIndexes = indexes;
    keys = new String[oldKeys.length * 2];
    hashes = new int[oldKeys.length * 2];
    indexes = new int[oldKeys.length * 2];
    shift--;
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = firstSlot(oldHashes[i]);
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        hashes[slot] = oldHashes[i];
        indexes[slot] = oldIndexes[i];
      }
    }
  }

  private int firstSlot(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }
}
