package dev.ariadne.storage.internal;

import dev.ariadne.storage.Storage;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Of the texts put, the {@link Storage#MAX_VALUES_PER_KEY} that sort first, each with a value of
 * its own: what a backend keeps of one attribute key for listing its values.
 *
 * <p>A hash map holds the first texts and, until it holds twice as many, later texts that may sort
 * among them; then it is pruned back to the first, and a text that sorts after the last of those is
 * not taken any more. A text already held costs one hash lookup, and a new one about twenty
 * comparisons, amortized over the puts between two prunes. A sorted map that held exactly the first
 * cost a walk down its tree for every text of a key with many values (a path, an address), and a
 * rebalancing for each new one that sorted among them (see {@code docs/benchmarks.md}). Not
 * thread-safe.
 */
public final class FirstTexts<V> {
  private static final int FIRST = Storage.MAX_VALUES_PER_KEY;

  private final Map<String, V> held = new HashMap<>();
  /**
   * A text that sorts after this is not among the first: the last of them at the latest prune;
   * null before the first prune, and again once fewer than {@link #FIRST} texts are held.
   */
  private String last;

  /** The value of {@code text}, or null if it is not held. */
  public V get(String text) {
    return held.get(text);
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
    held.put(text, value);
    if (held.size() <= 2 * FIRST) {
      return 1;
    }
    int before = held.size() - 1;
    String[] texts = sortedTexts();
    for (int i = FIRST; i < texts.length; i++) {
      held.remove(texts[i]);
    }
    last = texts[FIRST - 1];
    return held.size() - before;
  }

  /**
   * Lets go of the texts whose value is {@code gone}. Once fewer than the first are held, texts
   * that sorted after them are taken again.
   *
   * @return whether any text was let go
   */
  public boolean removeIf(Predicate<V> gone) {
    boolean removed = held.values().removeIf(gone);
    if (held.size() < FIRST) {
      last = null;
    }
    return removed;
  }

  /**
   * The first texts held, in sort order, as a set that reads this one when it is read: guarded as
   * this one is.
   */
  public Set<String> first() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        String[] texts = sortedTexts();
        return Arrays.asList(texts).subList(0, Math.min(FIRST, texts.length)).iterator();
      }

      @Override
      public int size() {
        return Math.min(FIRST, held.size());
      }
    };
  }

  /** How many texts are held, the first and those that may sort among them. */
  public int size() {
    return held.size();
  }

  private String[] sortedTexts() {
    String[] texts = held.keySet().toArray(new String[0]);
    Arrays.sort(texts);
    return texts;
  }
}
