package dev.ariadne.storage.internal;

import java.io.IOException;

/** Stored bytes that fail their checksum or do not decode: a torn write, a bad disk, or tampering. */
public final class CorruptDataException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptDataException(String message) {
    super(message);
  }

  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
