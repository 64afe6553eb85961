package dev.ariadne.api.common;


/** {@link Attributes} over a flat array of alternating keys and values. */
final class ArrayAttributes implements Attributes {
  static final ArrayAttributes EMPTY = new ArrayAttributes(new Object[0]);

  private final Object[] entries;

  ArrayAttributes(Object[] entries) {
    this.entries = entries;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    for (int i = 0; i < entries.length; i += 2) {
      if (key.equals(entries[i])) return (T) entries[i + 1];
    }
    return null;
  }

  @Override
  public int size() {
    return entries.length / 2;
  }

  @Override
  public boolean isEmpty() {
    return entries.length == 0;
  }

  @Override
  public AttributeKey<?> getKey(int index) {
    return (AttributeKey<?>) entries[index * 2];
  }

  @Override
  public Object getValue(int index) {
    return entries[index * 2 + 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes && asMap().equals(((Attributes) o).asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
