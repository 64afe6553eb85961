package dev.ariadne.storage.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * Numbers distinct strings in the order they are first added, and gives them back by number: the
 * string table of one {@link SpanEncoder} call, the lookup side of a block's string tables, and
 * the texts a {@link FirstTexts} holds. Open addressing without boxing over one {@code long} per
 * slot, a string's hash beside its number, so that a string not held is found absent, and probing
 * past other strings done, without loading those strings; the encoder looks up every name, key and
 * string value of every span, a block's writer does again for its search columns, and a catalog
 * for its values. An equal string of another instance takes the held one's place, so that the
 * next lookup of the instance that the decoders' recent texts hand out finds it by identity (the
 * first instance added may be one that no later span shares). Not thread-safe.
 */
public final class StringIndex {
  /** By slot: 0 if empty, else a string's hash in the high half and its number plus one below. */
  private long[] slots;
  /** By number: half as many as there are slots, so that at most half the slots are taken. */
  private String[] strings;
  private int size;
  /** 32 minus the log2 of the slot count: a hash's top bits pick its first slot. */
  private int shift;

  public StringIndex(int expectedSize) {
    int capacity = Integer.highestOneBit(Math.max(8, expectedSize) * 2 - 1) * 2;
    slots = new long[capacity];
    strings = new String[capacity / 2];
    shift = Integer.numberOfLeadingZeros(capacity) + 1;
  }

  public int size() {
    return size;
  }

  /** The string numbered {@code index}. */
  public String get(int index) {
    return strings[Objects.checkIndex(index, size)];
  }

  /** The index of {@code value}, or -1 after adding it with the index {@link #size()} had. */
  public int indexOrAdd(String value) {
    int hash = value.hashCode();
    int slot = slot(value, hash);
    if (slots[slot] != 0) {
      return (int) slots[slot] - 1;
    }
    strings[size++] = value;
    slots[slot] = (long) hash << 32 | size;
    if (size == strings.length) {
      grow();
    }
    return -1;
  }

  /** The index of {@code value}, or -1 if it was never added. */
  public int find(String value) {
    return (int) slots[slot(value, value.hashCode())] - 1;
  }

  /** The slot holding {@code value}, or the empty slot where it would go. */
  @SuppressWarnings("ReferenceEquality") // The same instance again: a shortcut past equals.
  private int slot(String value, int hash) {
    int mask = slots.length - 1;
    for (int slot = firstSlot(hash); ; slot = (slot + 1) & mask) {
      long taken = slots[slot];
      if (taken == 0) {
        return slot;
      }
      if ((int) (taken >>> 32) == hash) {
        int index = (int) taken - 1;
        String held = strings[index];
        if (held == value) {
          return slot;
        }
        if (held.equals(value)) {
          strings[index] = value;
          return slot;
        }
      }
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    strings = Arrays.copyOf(strings, slots.length / 2);
    shift--;
    int mask = slots.length - 1;
    for (long taken : old) {
      if (taken != 0) {
        int slot = firstSlot((int) (taken >>> 32));
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = taken;
      }
    }
  }

  private int firstSlot(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }
}
