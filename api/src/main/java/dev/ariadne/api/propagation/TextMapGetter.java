package dev.ariadne.api.propagation;

/**
 * Reads fields from a carrier of type {@code C} (the seed's "carrier": headers, a message
 * envelope, a map) during extract.
 */
public interface TextMapGetter<C> {

  /** The field names present in the carrier. */
  Iterable<String> keys(C carrier);

  /** The value of field {@code key}, or null; HTTP carriers match the name case-insensitively. */
  String get(C carrier, String key);
}
