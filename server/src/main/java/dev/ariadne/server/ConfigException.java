package dev.ariadne.server;

/** A setting has an invalid value; the message names the setting and the allowed values. */
final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }
}
