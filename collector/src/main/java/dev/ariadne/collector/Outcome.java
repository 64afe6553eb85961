package dev.ariadne.collector;

import static java.util.Objects.requireNonNull;

import com.google.rpc.Code;
import com.linecorp.armeria.common.HttpStatus;
import java.util.Locale;

/**
 * How the collector answered one request, before a receiver renders it in its protocol. {@code
 * message} names the problem (or, for {@link Kind#ACCEPTED}, the spans that were rejected) and
 * quotes request text: it is untrusted. {@code notStored} counts the valid spans of a request that
 * was decoded and then not stored (refused, over a limit, storage failed, the collector closed);
 * the UDP receivers, which cannot answer, count them as dropped.
 */
record Outcome(Kind kind, int accepted, int rejected, int notStored, String message) {

  /** What happened, with the HTTP status and the gRPC status code that say it. */
  enum Kind {
    /** Stored and acknowledged; {@code rejected} spans of the request were not. */
    ACCEPTED(HttpStatus.OK, Code.OK),
    /** The body could not be read, or no span in it was valid. */
    INVALID(HttpStatus.BAD_REQUEST, Code.INVALID_ARGUMENT),
    /** The body or its span count is over a configured limit; retrying will not help. */
    TOO_LARGE(HttpStatus.REQUEST_ENTITY_TOO_LARGE, Code.INVALID_ARGUMENT),
    /** The content type or content encoding is not one the receiver reads. */
    UNSUPPORTED(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Code.INVALID_ARGUMENT),
    /** The ingest queue is full: retry later. */
    REFUSED(HttpStatus.TOO_MANY_REQUESTS, Code.RESOURCE_EXHAUSTED),
    /** Storage failed, or the collector is closed: nothing was stored; retry later. */
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, Code.UNAVAILABLE),
    /** A bug: the collector failed in an unexpected way. */
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, Code.INTERNAL);

    private final HttpStatus httpStatus;
    private final Code rpcCode;

    Kind(HttpStatus httpStatus, Code rpcCode) {
      this.httpStatus = httpStatus;
      this.rpcCode = rpcCode;
    }

    HttpStatus httpStatus() {
      return httpStatus;
    }

    /** The {@code google.rpc.Code}, for gRPC and for OTLP/HTTP's {@code Status} bodies. */
    Code rpcCode() {
      return rpcCode;
    }

    /** Whether the client should retry after {@link Ingest#RETRY_AFTER_SECONDS}. */
    boolean retryable() {
      return this == REFUSED || this == UNAVAILABLE;
    }

    /** The value of the {@code outcome} tag. */
    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Outcome {
    requireNonNull(kind, "kind");
    requireNonNull(message, "message");
  }

  static Outcome accepted(int accepted, int rejected, String message) {
    return new Outcome(Kind.ACCEPTED, accepted, rejected, 0, message);
  }

  static Outcome failed(Kind kind, String message) {
    return new Outcome(kind, 0, 0, 0, message);
  }

  /** A request whose {@code spans} valid spans were decoded and then not stored. */
  static Outcome notStored(Kind kind, int spans, String message) {
    return new Outcome(kind, 0, 0, spans, message);
  }

  static Outcome invalid(int rejected, String message) {
    return new Outcome(Kind.INVALID, 0, rejected, 0, message);
  }
}
