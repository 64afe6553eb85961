package dev.ariadne.query;

import java.io.IOException;

/**
 * One endpoint: reads its parameters and storage on a blocking thread, then says what to answer.
 * Throws {@link BadParameterException} for a 400 and {@link NotFoundException} for a 404.
 */
@FunctionalInterface
interface Handler {
  Answer handle(Params params) throws IOException;

  /** A 200 answer, written as JSON into the body, possibly in many chunks. */
  @FunctionalInterface
  interface Answer {
    void writeTo(ResponseBody body) throws IOException;
  }
}
