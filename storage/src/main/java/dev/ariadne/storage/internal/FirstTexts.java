package dev.ariadne.storage.internal;

import dev.ariadne.storage.Storage;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Of the texts put, the {@link Storage#MAX_VALUES_PER_KEY} that sort first, each with a value of
 * its own: what a backend keeps of one attribute key for listing its values.
 *
 * <p>A hash table holds the first texts and, until it holds twice as many, later texts that may
 * sort among them; then it is pruned back to the first, and a text that sorts after the last of
 * those is not taken any more. A text already held costs one hash lookup, and a new one about
 * twenty comparisons, amortized over the puts between two prunes. A sorted map that held exactly
 * the first cost a walk down its tree for every text of a key with many values (a path, an
 * address), and a rebalancing for each new one that sorted among them (see {@code
 * docs/benchmarks.md}).
 *
 * <p>The table is open addressing over one {@code long} per slot, a text's hash beside its entry
 * number, with the texts and values in arrays by entry: a text that is not held is found absent
 * from the slots alone, without loading the texts that share its first slot. A {@code HashMap}
 * loaded a node and often its key for that, and a backend looks up every searchable attribute of
 * every span here. Not thread-safe.
 */
public final class FirstTexts<V> {
  private static final int FIRST = Storage.MAX_VALUES_PER_KEY;
  private static final int MIN_SLOTS = 8;

  /** By slot: 0 if empty, else a text's hash in the high half and its entry plus one below. */
  private long[] slots = new long[MIN_SLOTS];
  /** 32 minus the log2 of the slot count: a hash's top bits pick its first slot. */
  private int shift = Integer.numberOfLeadingZeros(MIN_SLOTS) + 1;
  /** By entry: half as many as there are slots, so that at most half the slots are taken. */
  private String[] texts = new String[MIN_SLOTS / 2];
  private Object[] values = new Object[MIN_SLOTS / 2];
  private int size;
  /**
   * A text that sorts after this is not among the first: the last of them at the latest prune;
   * null before the first prune, and again once fewer than {@link #FIRST} texts are held.
   */
  private String last;

  /** The value of {@code text}, or null if it is not held. */
  @SuppressWarnings("unchecked") // Only values of V are put.
  public V get(String text) {
    int entry = entry(text);
    return entry < 0 ? null : (V) values[entry];
  }

  /** True if {@code text} sorts after the first texts: it is neither held nor taken. */
  public boolean isPast(String text) {
    return last != null && text.compareTo(last) > 0;
  }

  /**
   * Holds {@code text}, which is not held and not {@linkplain #isPast past}, with {@code value}.
   *
   * @return how many more texts are held than before: 1, or less if this pruned the others
   */
  public int put(String text, V value) {
    if (size == texts.length) {
      grow();
    }
    texts[size] = text;
    values[size] = value;
    size++;
    place(text.hashCode(), size);
    if (size <= 2 * FIRST) {
      return 1;
    }
    int before = size - 1;
    String[] sorted = Arrays.copyOf(texts, size);
    Arrays.sort(sorted);
    last = sorted[FIRST - 1];
    keepOnly(entry -> texts[entry].compareTo(last) <= 0);
    return size - before;
  }

  /**
   * Lets go of the texts whose value is {@code gone}. Once fewer than the first are held, texts
   * that sorted after them are taken again.
   *
   * @return whether any text was let go
   */
  @SuppressWarnings("unchecked") // Only values of V are put.
  public boolean removeIf(Predicate<V> gone) {
    int before = size;
    keepOnly(entry -> !gone.test((V) values[entry]));
    if (size < FIRST) {
      last = null;
    }
    return size < before;
  }

  /**
   * The first texts held, in sort order, as a set that reads this one when it is read: guarded as
   * this one is.
   */
  public Set<String> first() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        String[] sorted = Arrays.copyOf(texts, size);
        Arrays.sort(sorted);
        return Arrays.asList(sorted).subList(0, Math.min(FIRST, sorted.length)).iterator();
      }

      @Override
      public int size() {
        return Math.min(FIRST, size);
      }
    };
  }

  /** How many texts are held, the first and those that may sort among them. */
  public int size() {
    return size;
  }

  /**
   * The entry of {@code text}, or -1 if it is not held. An equal text of another instance takes
   * the held one's place: the first instance put may be one that no later request shares, and the
   * latest is the one that the recent texts of the decoders hand out, so the next lookup finds it
   * by identity instead of comparing characters.
   */
  @SuppressWarnings("ReferenceEquality") // The same instance again: a shortcut past equals.
  private int entry(String text) {
    int hash = text.hashCode();
    int mask = slots.length - 1;
    for (int slot = firstSlot(hash); ; slot = (slot + 1) & mask) {
      long taken = slots[slot];
      if (taken == 0) {
        return -1;
      }
      if ((int) (taken >>> 32) == hash) {
        int entry = (int) taken - 1;
        String held = texts[entry];
        if (held == text) {
          return entry;
        }
        if (held.equals(text)) {
          texts[entry] = text;
          return entry;
        }
      }
    }
  }

  /** Takes the first empty slot from {@code hash}'s for the entry numbered {@code entryPlusOne}. */
  private void place(int hash, int entryPlusOne) {
    int mask = slots.length - 1;
    int slot = firstSlot(hash);
    while (slots[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    slots[slot] = (long) hash << 32 | entryPlusOne;
  }

  /** Keeps the entries, in their order, that {@code kept} accepts, asked once per entry. */
  private void keepOnly(IntPredicate kept) {
    int count = 0;
    for (int entry = 0; entry < size; entry++) {
      if (kept.test(entry)) {
        texts[count] = texts[entry];
        values[count] = values[entry];
        count++;
      }
    }
    Arrays.fill(texts, count, size, null);
    Arrays.fill(values, count, size, null);
    size = count;
    Arrays.fill(slots, 0);
    for (int entry = 0; entry < size; entry++) {
      place(texts[entry].hashCode(), entry + 1);
    }
  }

  private void grow() {
    slots = new long[slots.length * 2];
    shift--;
    texts = Arrays.copyOf(texts, slots.length / 2);
    values = Arrays.copyOf(values, slots.length / 2);
    for (int entry = 0; entry < size; entry++) {
      place(texts[entry].hashCode(), entry + 1);
    }
  }

  private int firstSlot(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }
}
