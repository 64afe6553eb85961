package dev.ariadne.model.otlp;

import java.util.Arrays;

/**
 * Where a decoder is in the OTLP message tree, as field names and list indexes, rendered with the
 * OTLP/JSON names ({@code resourceSpans[0].scopeSpans[1].spans[3].traceId}) only when something is
 * wrong. Pushing and popping allocate nothing once the stack is deep enough.
 */
final class Path {
  private static final int MAX_RENDERED_NAME = 64;
  private static final int ELIDE_ABOVE = 24;
  private static final int KEEP_HEAD = 14;
  private static final int KEEP_TAIL = 6;

  private String[] names = new String[32];
  private int[] indexes = new int[32];
  private int size;

  void push(String name) {
    grow();
    names[size] = name;
    indexes[size++] = -1;
  }

  void push(int index) {
    grow();
    names[size] = null;
    indexes[size++] = index;
  }

  void pop() {
    names[--size] = null;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** This path followed by {@code .name}, for a message about a field that is no longer pushed. */
  String with(String name) {
    return size == 0 ? name : this + "." + name;
  }

  /** The path, with the middle elided when it is very deep, and very long names cut. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < size; i++) {
      if (size > ELIDE_ABOVE && i == KEEP_HEAD) {
        out.append(".…");
        i = size - KEEP_TAIL - 1;
        continue;
      }
      if (names[i] == null) {
        out.append('[').append(indexes[i]).append(']');
        continue;
      }
      if (out.length() > 0) {
        out.append('.');
      }
      String name = names[i];
      if (name.length() > MAX_RENDERED_NAME) {
        out.append(name, 0, MAX_RENDERED_NAME).append('…');
      } else {
        out.append(name);
      }
    }
    return out.toString();
  }

  private void grow() {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      indexes = Arrays.copyOf(indexes, size * 2);
    }
  }
}
