package dev.ariadne.model.zipkin;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.internal.Problems;
import dev.ariadne.model.internal.SharedText;

/**
 * Decodes the body of a Zipkin {@code POST /api/v2/spans}: a JSON array of v2 spans or a proto3
 * {@code ListOfSpans}. Each format is read in one pass straight into the model, by the rules of
 * Zipkin's own codec (what it accepts, refuses and normalizes, and its messages), and each span is
 * mapped as the package documentation describes. Stateless and thread-safe.
 */
public enum ZipkinDecoder {
  /** Zipkin v2 JSON ({@code application/json}); an empty body is malformed. */
  JSON_V2("Zipkin v2 JSON", "json", false),
  /** Zipkin proto3 ({@code application/x-protobuf}); an empty body is an empty list. */
  PROTO3("Zipkin proto3", "proto3", true);

  private final String format;
  /** The end of every message about a malformed body, as Zipkin's codec words it. */
  private final String reading;
  private final boolean emptyBodyIsEmptyList;

  ZipkinDecoder(String format, String codec, boolean emptyBodyIsEmptyList) {
    this.format = format;
    this.reading = " reading List<Span> from " + codec;
    this.emptyBodyIsEmptyList = emptyBodyIsEmptyList;
  }

  /**
   * The spans in {@code body}. A span that parses but cannot be kept (no timestamp, a zero span
   * ID, a time past the year 2262) is counted in {@link DecodeResult#rejectedCount()} and named in
   * its message; the other spans are still accepted.
   *
   * @throws MalformedException if {@code body} is not a list of spans in this format
   */
  public DecodeResult decode(byte[] body) throws MalformedException {
    requireNonNull(body, "body");
    if (body.length == 0 && !emptyBodyIsEmptyList) {
      throw new MalformedException(format + ": empty body (expected: a list of spans)");
    }
    SharedText texts = new SharedText(body);
    SpanMapper mapper = new SpanMapper(texts);
    try {
      if (this == JSON_V2) {
        JsonV2Reader.read(body, mapper, texts);
      } else {
        Proto3Reader.read(body, mapper, texts);
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedException(
          format + ": " + Problems.cutMessage(e.getMessage() + reading), e);
    }
    return mapper.result();
  }
}
