package dev.ariadne.collector;

import dev.ariadne.model.MalformedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Inflates gzip request bodies without ever holding more than the configured limit. */
final class Gzip {
  private Gzip() {}

  /** The body is larger than the limit once inflated. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The inflated body, at most {@code limit} bytes.
   *
   * @throws MalformedException if the body is not gzip, or is truncated
   * @throws TooLargeException if it inflates to more than {@code limit} bytes
   */
  static byte[] inflate(byte[] body, int limit) throws MalformedException, TooLargeException {
    byte[] inflated;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      inflated = in.readNBytes(limit + 1);
    } catch (IOException e) {
      // ZipException, EOFException: reading from memory fails only on the body's bytes.
      String reason = e.getMessage() == null ? "unexpected end of the body" : e.getMessage();
      throw new MalformedException("gzip: " + reason + " (Content-Encoding: gzip)", e);
    }
    if (inflated.length > limit) {
      throw new TooLargeException(
          "request body inflates to more than maxRequestBytes (" + limit + " bytes)");
    }
    return inflated;
  }
}
