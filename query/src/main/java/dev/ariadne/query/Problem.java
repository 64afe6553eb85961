package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpStatus;
import java.io.IOException;

/**
 * Why a request was not answered with 200. {@code parameter} names the bad query parameter of a
 * 400, {@code traceId} the unknown trace of a 404; each is null otherwise.
 */
record Problem(HttpStatus status, String parameter, String traceId, String message) {
  Problem {
    requireNonNull(status, "status");
    requireNonNull(message, "message");
  }

  /** How one API spells a problem as JSON. */
  @FunctionalInterface
  interface Format {
    void write(Problem problem, JsonGenerator json) throws IOException;
  }

  /**
   * Ariadne's own spelling, used by the native and the Zipkin API: {@code {"status": 400,
   * "parameter": "limit", "message": "..."}}.
   */
  static void writePlain(Problem problem, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeNumberField("status", problem.status().code());
    if (problem.parameter() != null) {
      json.writeStringField("parameter", problem.parameter());
    }
    if (problem.traceId() != null) {
      json.writeStringField("traceId", problem.traceId());
    }
    json.writeStringField("message", problem.message());
    json.writeEndObject();
  }
}
