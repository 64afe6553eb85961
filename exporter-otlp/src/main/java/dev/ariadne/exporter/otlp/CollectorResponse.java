package dev.ariadne.exporter.otlp;

import static dev.ariadne.exporter.otlp.ProtoWriter.LENGTH_DELIMITED;
import static dev.ariadne.exporter.otlp.ProtoWriter.VARINT;
import static dev.ariadne.exporter.otlp.ProtoWriter.tag;

import java.nio.charset.StandardCharsets;

/**
 * What a collector's answer says beyond its status code: the partial success of an {@code
 * ExportTraceServiceResponse}, or the message of a {@code google.rpc.Status} error body.
 */
final class CollectorResponse {
  private static final int RESPONSE_PARTIAL_SUCCESS = tag(1, LENGTH_DELIMITED);
  private static final int PARTIAL_SUCCESS_REJECTED_SPANS = tag(1, VARINT);
  private static final int PARTIAL_SUCCESS_ERROR_MESSAGE = tag(2, LENGTH_DELIMITED);
  private static final int STATUS_MESSAGE = tag(2, LENGTH_DELIMITED);
  private static final int MAX_TEXT_IN_ERROR = 256;

  static final CollectorResponse FULL_SUCCESS = new CollectorResponse(0, "");

  final long rejectedSpans;
  final String errorMessage;

  private CollectorResponse(long rejectedSpans, String errorMessage) {
    this.rejectedSpans = rejectedSpans;
    this.errorMessage = errorMessage;
  }

  /** True if the collector rejected spans or had something to say about the request. */
  boolean isPartialSuccess() {
    return rejectedSpans != 0 || !errorMessage.isEmpty();
  }

  /**
   * Reads an {@code ExportTraceServiceResponse}; an empty body is full success.
   *
   * @throws IllegalArgumentException if the body is not a valid message
   */
  static CollectorResponse parse(byte[] body) {
    long rejected = 0;
    String message = "";
    ProtoReader response = ProtoReader.of(body);
    while (response.hasMore()) {
      int key = response.readKey();
      if (key != RESPONSE_PARTIAL_SUCCESS) {
        response.skip(key & 7);
        continue;
      }
      ProtoReader partialSuccess = response.readMessage();
      while (partialSuccess.hasMore()) {
        int field = partialSuccess.readKey();
        if (field == PARTIAL_SUCCESS_REJECTED_SPANS) {
          rejected = partialSuccess.readVarint();
        } else if (field == PARTIAL_SUCCESS_ERROR_MESSAGE) {
          message = partialSuccess.readString();
        } else {
          partialSuccess.skip(field & 7);
        }
      }
    }
    return rejected == 0 && message.isEmpty()
        ? FULL_SUCCESS
        : new CollectorResponse(rejected, message);
  }

  /**
   * A short description of an error body for an exception message: the {@code google.rpc.Status}
   * message if the body is protobuf, else the start of the body as text; empty if there is none.
   */
  static String describeError(String contentType, byte[] body) {
    if (body.length == 0) return "";
    if (contentType != null && contentType.contains("protobuf")) {
      try {
        ProtoReader status = ProtoReader.of(body);
        while (status.hasMore()) {
          int key = status.readKey();
          if (key == STATUS_MESSAGE) return status.readString();
          status.skip(key & 7);
        }
        return "";
      } catch (IllegalArgumentException e) {
        return "(unreadable protobuf body)";
      }
    }
    int length = Math.min(body.length, MAX_TEXT_IN_ERROR);
    String text = new String(body, 0, length, StandardCharsets.UTF_8);
    return text.strip().replace('\n', ' ').replace('\r', ' ');
  }
}
