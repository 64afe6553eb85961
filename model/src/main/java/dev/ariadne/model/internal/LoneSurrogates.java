package dev.ariadne.model.internal;

/**
 * Half of a surrogate pair alone, which JSON's {@code \u005cu} escapes can write ({@code
 * "\u005cud800"}) and no UTF-8 can hold: the JSON decoders read each as U+FFFD, as a decoder reads
 * bytes that are not UTF-8, so that what is stored, listed and answered is text every encoder
 * writes the same. The OTLP encoder writes them so too.
 */
public final class LoneSurrogates {
  public static final char REPLACEMENT = '\ufffd';

  private LoneSurrogates() {}

  /** True if any of the {@code length} chars at {@code offset} is a surrogate, paired or not. */
  public static boolean anySurrogate(char[] chars, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (Character.isSurrogate(chars[i])) {
        return true;
      }
    }
    return false;
  }

  /** Replaces, in place, each surrogate that is not half of a pair with {@link #REPLACEMENT}. */
  public static void replace(char[] chars, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        i++;
      } else if (Character.isSurrogate(c)) {
        chars[i] = REPLACEMENT;
      }
    }
  }

  /**
   * The text with each surrogate that is not half of a pair as {@link #REPLACEMENT}: the same
   * {@code String} if it has none.
   */
  public static String replace(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        char[] chars = text.toCharArray();
        replace(chars, i, chars.length - i);
        return new String(chars);
      }
    }
    return text;
  }
}
