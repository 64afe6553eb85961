package dev.ariadne.api.common;

/** The value types an attribute may hold: the seed's tag types, and arrays of them. */
public enum AttributeType {
  STRING,
  BOOLEAN,
  LONG,
  DOUBLE,
  STRING_ARRAY,
  BOOLEAN_ARRAY,
  LONG_ARRAY,
  DOUBLE_ARRAY
}
