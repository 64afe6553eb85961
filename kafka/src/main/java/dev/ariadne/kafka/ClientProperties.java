package dev.ariadne.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings of a Kafka client: those a builder passes through, and those it sets itself, which
 * the guarantees rest on and which may therefore not be passed through.
 */
final class ClientProperties {
  private final String client;
  private final Map<String, Object> passed = new HashMap<>();
  /** The settings the builder owns, each with what to use instead. */
  private final Map<String, String> owned;

  /**
   * @param client the client's builder, for messages: "KafkaSpanWriter"
   * @param owned the settings the builder sets itself, each with the builder method that sets it
   *     or why it cannot be changed
   */
  ClientProperties(String client, Map<String, String> owned) {
    this.client = client;
    this.owned = owned;
  }

  /**
   * {@code value}, a setting named {@code name} that may not be null or blank.
   *
   * @param expected what it should be, for the message: "host:port,...", or null
   */
  static String required(String name, String value, String expected) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          name + " is empty" + (expected == null ? "" : " (expected: " + expected + ")"));
    }
    return value;
  }

  /**
   * Passes {@code key} through to the client.
   *
   * @throws IllegalArgumentException if the builder sets {@code key} itself
   */
  void put(String key, String value) {
    String instead = owned.get(key);
    if (instead != null) {
      throw new IllegalArgumentException(
          client + " sets " + key + " itself: " + instead + " (not passed through)");
    }
    passed.put(key, value);
  }

  /** The settings passed through, then the builder's own. */
  Map<String, Object> with(Map<String, Object> own) {
    Map<String, Object> all = new HashMap<>(passed);
    all.putAll(own);
    return all;
  }
}
