package dev.ariadne.sdk.config;

/** A setting has an invalid value; the message names the setting and what it allows. */
public final class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }
}
