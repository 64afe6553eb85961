package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A 200 JSON response body, written on a blocking thread and sent in chunks of {@value #CHUNK_SIZE}
 * bytes. A body that fits in one chunk is answered whole, with a content length; a larger one
 * becomes a streamed response at its first full chunk, so a 50,000-span trace is never held as one
 * array. After {@value #MAX_UNCONSUMED_CHUNKS} chunks the writer waits until the client has taken
 * them (for at most {@value #CONSUME_TIMEOUT_SECONDS} s), so a slow reader holds one blocking
 * thread, not the whole trace in buffers. Not thread-safe: one request's thread owns it.
 */
final class ResponseBody extends OutputStream {
  static final int CHUNK_SIZE = 64 * 1024;
  private static final int MAX_UNCONSUMED_CHUNKS = 4;
  private static final long CONSUME_TIMEOUT_SECONDS = 60;

  private final CompletableFuture<HttpResponse> response;
  private final ResponseHeadersBuilder headers =
      ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8);
  private final byte[] buffer = new byte[CHUNK_SIZE];
  private int count;
  private HttpResponseWriter writer;
  private int unconsumedChunks;
  private JsonGenerator json;

  ResponseBody(CompletableFuture<HttpResponse> response) {
    this.response = requireNonNull(response, "response");
  }

  /** A generator writing into this body; the same one on every call. */
  JsonGenerator json() throws IOException {
    if (json == null) {
      json = Json.generator(this);
    }
    return json;
  }

  /** Adds a response header; only before the first byte is written. */
  void header(String name, String value) {
    if (writer != null || count > 0) {
      throw new IllegalStateException("header " + name + " after the body started");
    }
    headers.add(name, value);
  }

  /** True once headers and a first chunk are sent: an error can then only abort the stream. */
  boolean committed() {
    return writer != null;
  }

  @Override
  public void write(int b) throws IOException {
    if (count == CHUNK_SIZE) {
      send();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (count == CHUNK_SIZE) {
        send();
      }
      int n = Math.min(length, CHUNK_SIZE - count);
      System.arraycopy(bytes, offset, buffer, count, n);
      count += n;
      offset += n;
      length -= n;
    }
  }

  /** Chunks are sent when full or at {@link #finish()}, never on a generator's flush. */
  @Override
  public void flush() {}

  /** Sends what is left and ends the response. */
  void finish() throws IOException {
    if (json != null) {
      json.close();
    }
    if (writer == null) {
      response.complete(HttpResponse.of(
          headers.contentLength(count).build(), HttpData.copyOf(buffer, 0, count)));
      return;
    }
    if (count > 0) {
      send();
    }
    writer.close();
  }

  /** Ends a streamed response that failed halfway; the client sees a broken stream. */
  void abort(Throwable cause) {
    if (writer != null) {
      writer.close(cause);
    }
  }

  private void send() throws IOException {
    if (writer == null) {
      writer = HttpResponse.streaming();
      writer.write(headers.build());
      if (!response.complete(writer)) {
        throw new IOException("the request was answered before its body: it timed out");
      }
    }
    HttpData chunk = HttpData.wrap(Arrays.copyOf(buffer, count));
    count = 0;
    if (!writer.tryWrite(chunk)) {
      throw new IOException("response closed before it was complete: the client went away");
    }
    if (++unconsumedChunks >= MAX_UNCONSUMED_CHUNKS) {
      awaitConsumed();
      unconsumedChunks = 0;
    }
  }

  private void awaitConsumed() throws IOException {
    try {
      writer.whenConsumed().get(CONSUME_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the client read the response");
    } catch (ExecutionException e) {
      throw new IOException("response closed before it was complete", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "client read nothing for " + CONSUME_TIMEOUT_SECONDS + " s; response abandoned", e);
    }
  }
}
