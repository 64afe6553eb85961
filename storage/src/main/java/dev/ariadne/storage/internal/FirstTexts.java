package dev.ariadne.storage.internal;

import dev.ariadne.storage.Storage;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Of the texts put, a given number that sort first, each with a value of its own: what a backend
 * keeps of one attribute key for listing its values ({@link Storage#MAX_VALUES_PER_KEY}), and of
 * one service's span names and attribute keys ({@link Storage#MAX_NAMES_PER_SERVICE}).
 *
 * <p>A hash table holds the first texts and, until it holds twice as many, later texts that may
 * sort among them; then it is pruned back to the first, and a text that sorts after the last of
 * those is not taken any more. A text already held costs one hash lookup, and a new one about
 * twenty comparisons, amortized over the puts between two prunes. A sorted map that held exactly
 * the first cost a walk down its tree for every text of a key with many values (a path, an
 * address), and a rebalancing for each new one that sorted among them (see {@code
 * docs/benchmarks.md}).
 *
 * <p>A {@link StringIndex} numbers the texts held, with their values in an array by number: a
 * backend looks up every searchable attribute of every span here, and a {@code HashMap} loaded a
 * node and its key for each. Not thread-safe.
 */
public final class FirstTexts<V> {
  private static final int MIN_ENTRIES = 4;

  /** How many texts are kept: those that sort first. */
  private final int keep;

  /** The texts held, numbered; a text's value is at its number in {@link #values}. */
  private StringIndex texts = new StringIndex(MIN_ENTRIES);
  private Object[] values = new Object[MIN_ENTRIES];
  /**
   * A text that sorts after this is not among the first: the last of them at the latest prune;
   * null before the first prune, and again once fewer than {@link #keep} texts are held.
   */
  private String last;

  /** Keeps the {@code keep} texts that sort first. */
  public FirstTexts(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
    }
    this.keep = keep;
  }

  /** The value of {@code text}, or null if it is not held. */
  @SuppressWarnings("unchecked") // Only values of V are put.
  public V get(String text) {
    int entry = texts.find(text);
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
    int entry = texts.size();
    if (entry == values.length) {
      values = Arrays.copyOf(values, 2 * entry);
    }
    texts.indexOrAdd(text);
    values[entry] = value;
    if (texts.size() <= 2 * keep) {
      return 1;
    }
    last = sortedTexts()[keep - 1];
    keepOnly(held -> texts.get(held).compareTo(last) <= 0);
    return texts.size() - entry;
  }

  /**
   * Lets go of the texts whose value is {@code gone}. Once fewer than the first are held, texts
   * that sorted after them are taken again.
   *
   * @return whether any text was let go
   */
  @SuppressWarnings("unchecked") // Only values of V are put.
  public boolean removeIf(Predicate<V> gone) {
    int before = texts.size();
    keepOnly(entry -> !gone.test((V) values[entry]));
    if (texts.size() < keep) {
      last = null;
    }
    return texts.size() < before;
  }

  /**
   * The first texts held, in sort order, as a set that reads this one when it is read: guarded as
   * this one is.
   */
  public Set<String> first() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        String[] sorted = sortedTexts();
        return Arrays.asList(sorted).subList(0, Math.min(keep, sorted.length)).iterator();
      }

      @Override
      public int size() {
        return Math.min(keep, texts.size());
      }
    };
  }

  /** How many texts are held, the first and those that may sort among them. */
  public int size() {
    return texts.size();
  }

  /** Keeps the entries, in their order, that {@code kept} accepts, asked once per entry. */
  private void keepOnly(IntPredicate kept) {
    int size = texts.size();
    StringIndex keptTexts = new StringIndex(Math.max(MIN_ENTRIES, size));
    for (int entry = 0; entry < size; entry++) {
      if (kept.test(entry)) {
        values[keptTexts.size()] = values[entry];
        keptTexts.indexOrAdd(texts.get(entry));
      }
    }
    Arrays.fill(values, keptTexts.size(), size, null);
    texts = keptTexts;
  }

  private String[] sortedTexts() {
    String[] sorted = new String[texts.size()];
    Arrays.setAll(sorted, texts::get);
    Arrays.sort(sorted);
    return sorted;
  }
}
