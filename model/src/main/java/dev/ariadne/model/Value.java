package dev.ariadne.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A typed attribute value as OpenTelemetry defines it: string, boolean, 64-bit integer, double,
 * bytes, an array of values, or a map of attributes. Immutable.
 */
public sealed interface Value {

  record Str(String value) implements Value {
    public Str {
      Objects.requireNonNull(value, "value");
    }
  }

  record Bool(boolean value) implements Value {}

  record Int(long value) implements Value {}

  record Dbl(double value) implements Value {}

  /** Bytes; the array is owned by the value and must not be changed. */
  final class Bytes implements Value {
    private final byte[] value;

    public Bytes(byte[] value) {
      this.value = Objects.requireNonNull(value, "value");
    }

    public byte[] value() {
      return value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bytes[" + value.length + "]";
    }
  }

  record Array(List<Value> values) implements Value {
    public Array {
      values = List.copyOf(values);
    }
  }

  record KvList(List<Attribute> attributes) implements Value {
    public KvList {
      attributes = List.copyOf(attributes);
    }
  }

  static Value of(String value) {
    return new Str(value);
  }

  static Value of(boolean value) {
    return new Bool(value);
  }

  static Value of(long value) {
    return new Int(value);
  }

  static Value of(double value) {
    return new Dbl(value);
  }
}
