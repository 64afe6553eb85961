package dev.ariadne.storage.embedded;

import java.io.IOException;

/** Stored bytes that fail their checksum or do not decode: a torn write, a bad disk, or tampering. */
final class CorruptDataException extends IOException {
  private static final long serialVersionUID = 1L;

  CorruptDataException(String message) {
    super(message);
  }

  CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
