/**
 * Jaeger in: {@link dev.ariadne.model.jaeger.JaegerThriftDecoder} reads Jaeger's Thrift {@code
 * Batch} in the binary protocol (the body of {@code POST /api/traces}, {@code
 * application/x-thrift}, and agent port 6832) and the compact protocol (agent port 6831), either
 * bare or inside the {@code Agent.emitBatch} message that UDP clients send. The generated classes
 * of {@code io.jaegertracing:jaeger-thrift} and libthrift parse the bytes; this package maps them
 * to Ariadne's model. {@link dev.ariadne.model.jaeger.JaegerProtoDecoder} reads Jaeger's protobuf
 * {@code PostSpansRequest} ({@code jaeger.api_v2}, the gRPC collector on port 14250) with
 * protobuf-java's {@code CodedInputStream}, and maps each span the same way: a span gives the same
 * model in either IDL, except where the protobuf one carries more (nanoseconds, a process per
 * span).
 *
 * <h2>Jaeger to Ariadne</h2>
 *
 * <table>
 *   <caption>How a Jaeger Thrift span is decoded</caption>
 *   <tr><th>Jaeger</th><th>Ariadne</th></tr>
 *   <tr><td>{@code Process.serviceName}</td><td>{@code resource.serviceName} and resource attribute
 *       {@code service.name}; {@code unknown_service} when empty</td></tr>
 *   <tr><td>{@code Process.tags}</td><td>resource attributes, after {@code service.name}; a
 *       {@code service.name} tag is dropped, the process's name wins</td></tr>
 *   <tr><td>{@code traceIdHigh}, {@code traceIdLow}</td><td>{@code traceId}; a 64-bit ID ({@code
 *       traceIdHigh} 0) is left-padded</td></tr>
 *   <tr><td>{@code spanId}</td><td>{@code spanId}</td></tr>
 *   <tr><td>{@code parentSpanId}</td><td>{@code parentSpanId}; when 0, the first CHILD_OF reference
 *       in the span's trace, else the first such FOLLOWS_FROM (the rule of Ariadne's {@code
 *       SpanBuilder}), else 0 (a root span)</td></tr>
 *   <tr><td>{@code references}</td><td>links with attribute {@code opentracing.ref_type} = {@code
 *       child_of} or {@code follows_from}; a FOLLOWS_FROM link has {@code followsFrom} true, also
 *       when it gives the parent. The CHILD_OF reference that names the parent is not repeated as a
 *       link. A reference with a zero trace or span ID is dropped, counted in {@code
 *       droppedLinksCount} and named as a warning in the result's message</td></tr>
 *   <tr><td>{@code operationName}</td><td>{@code name}</td></tr>
 *   <tr><td>{@code flags}</td><td>{@code flags}: the sampled bit (0x1, the same as W3C's); the
 *       debug bit (0x2) as boolean attribute {@code jaeger.debug} (absent when not set); other bits
 *       dropped</td></tr>
 *   <tr><td>{@code startTime}, {@code duration} (microseconds)</td><td>{@code startEpochNanos} =
 *       startTime &times; 1000, {@code endEpochNanos} = (startTime + duration) &times; 1000, as
 *       received (a negative duration gives an end before the start)</td></tr>
 *   <tr><td>{@code tags} STRING, DOUBLE, BOOL, LONG, BINARY</td><td>attributes of type string,
 *       double, boolean, int, bytes, in the order of first appearance; a repeated key keeps its
 *       last value; a value field left unset reads as the type's zero ({@code ""}, 0, false, no
 *       bytes), as in Jaeger</td></tr>
 *   <tr><td>tag {@code span.kind} = {@code client}, {@code server}, {@code producer}, {@code
 *       consumer}, {@code internal}</td><td>{@code kind}; the tag is not kept</td></tr>
 *   <tr><td>no {@code span.kind} tag</td><td>{@code INTERNAL}: OpenTracing and OpenTelemetry leave
 *       the tag off in-process spans</td></tr>
 *   <tr><td>tag {@code span.kind}, any other value or type</td><td>{@code UNSPECIFIED}; the tag is
 *       kept</td></tr>
 *   <tr><td>tag {@code error} = {@code true} (boolean, or the string {@code "true"})</td><td>status
 *       {@code ERROR}, with {@code otel.status_description} as message when present; the tag is not
 *       kept, as the status carries it. Any other {@code error} value ({@code false}) stays an
 *       attribute and sets no status</td></tr>
 *   <tr><td>tags {@code otel.status_code} ({@code OK} or {@code ERROR}) and {@code
 *       otel.status_description}, as OpenTelemetry's Jaeger exporters write them</td><td>the status
 *       and, for ERROR, its message ({@code error=true} wins over OK); not kept as attributes.
 *       Another {@code otel.status_code} value stays an attribute</td></tr>
 *   <tr><td>tags {@code otel.scope.name}, {@code otel.scope.version} (or the older {@code
 *       otel.library.name}, {@code otel.library.version})</td><td>{@code scope}; not kept as
 *       attributes. Without them the scope is empty ({@link
 *       dev.ariadne.model.Scope#UNKNOWN})</td></tr>
 *   <tr><td>tag {@code w3c.tracestate}</td><td>{@code traceState}; not kept as an
 *       attribute</td></tr>
 *   <tr><td>{@code logs}</td><td>events at timestamp &times; 1000; named by the string field {@code
 *       event}, which is not kept as an attribute, else {@code "log"}; the other fields are the
 *       event's attributes, typed as tags are</td></tr>
 *   <tr><td>&mdash;</td><td>{@code statusCode} UNSET and an empty message unless a tag above says
 *       otherwise; dropped attribute and event counts 0</td></tr>
 * </table>
 *
 * <p>Lost on the way: flag bits other than sampled and debug, the earlier values of a repeated tag
 * key, a process's {@code service.name} tag, references with a zero ID (counted), and fields this
 * IDL version does not know (skipped).
 *
 * <p>Errors come in two kinds. A body that is not exactly one {@code Batch} (or {@code emitBatch}
 * message) in the decoder's protocol throws {@link dev.ariadne.model.MalformedException} naming the
 * protocol: empty, truncated, garbage, the other protocol, bytes after the end, a required field
 * missing (a span's IDs, name, flags or times, a tag's key or type, the process), an unknown tag or
 * reference type, a message other than {@code emitBatch}. So do hostile lengths, before anything is
 * allocated for them: a list, set or map declaring more elements than bytes are left, a string or
 * binary longer than the rest of the body, structs and containers nested deeper than 64 levels. A
 * span that parses but cannot be kept is rejected and counted in {@link
 * dev.ariadne.model.DecodeResult#rejectedCount()}, the first five named in its message, and the
 * other spans are accepted: a zero trace ID, a zero span ID, or a time that does not fit in
 * nanoseconds since 1970 (startTime or startTime + duration before 1970 or past the year 2262, a
 * log timestamp likewise).
 *
 * <h2>Jaeger protobuf to Ariadne</h2>
 *
 * <p>As Thrift above, field for field ({@code operation_name}, {@code flags}, {@code tags}, {@code
 * logs}, {@code references}, {@code Process.service_name} and {@code tags}), with these
 * differences:
 *
 * <table>
 *   <caption>How a Jaeger protobuf span differs from a Thrift one</caption>
 *   <tr><th>Jaeger protobuf</th><th>Ariadne</th></tr>
 *   <tr><td>{@code trace_id} (16 bytes, big-endian)</td><td>{@code traceId}; a 64-bit ID has a
 *       zero high half, as Jaeger writes it; 8 bytes are also read, left-padded</td></tr>
 *   <tr><td>{@code span_id} (8 bytes, big-endian)</td><td>{@code spanId}</td></tr>
 *   <tr><td>no {@code parentSpanId}</td><td>{@code parentSpanId}: the first CHILD_OF reference in
 *       the span's trace, else the first such FOLLOWS_FROM, else 0</td></tr>
 *   <tr><td>{@code SpanRef.trace_id}, {@code span_id}</td><td>as the span's IDs; a reference
 *       whose ID has another length is dropped like one with a zero ID, counted in {@code
 *       droppedLinksCount} and named as a warning</td></tr>
 *   <tr><td>{@code start_time} (Timestamp), {@code duration} (Duration)</td><td>{@code
 *       startEpochNanos} and {@code endEpochNanos} to the nanosecond; absent is 0</td></tr>
 *   <tr><td>{@code Log.timestamp} (Timestamp)</td><td>the event's time, to the nanosecond</td></tr>
 *   <tr><td>{@code v_type} STRING, BOOL, INT64, FLOAT64, BINARY</td><td>as Thrift's STRING, BOOL,
 *       LONG, DOUBLE, BINARY</td></tr>
 *   <tr><td>{@code Span.process}</td><td>the span's resource, instead of the batch's, as Jaeger's
 *       collector does</td></tr>
 *   <tr><td>{@code Batch.process}</td><td>the resource of the spans without their own; without
 *       either, {@code unknown_service}</td></tr>
 *   <tr><td>strings that are not UTF-8</td><td>read with U+FFFD for each bad sequence: Jaeger
 *       accepts them</td></tr>
 * </table>
 *
 * <p>Lost on the way, beyond what Thrift loses: {@code process_id} and {@code warnings} (the query
 * side's fields), and fields this IDL version does not know, or known numbers in another wire type
 * (skipped, as protobuf does). A message field that comes twice is merged, as protobuf does.
 *
 * <p>Errors: a body that is not a {@code PostSpansRequest} throws {@link
 * dev.ariadne.model.MalformedException} naming the byte where reading stopped: truncated, a length
 * that is negative or past the end of its message (refused before anything is allocated for it),
 * an invalid tag or wire type, an end-group tag without its group, groups nested deeper than
 * protobuf-java's limit of 100, a {@code v_type} or {@code ref_type} Jaeger does not have. An
 * empty body is a request without spans. A span is rejected, as in Thrift, for a zero trace or
 * span ID, and also for an ID of the wrong length, or a time out of range: {@code start_time}
 * before 1970 or past 2262 or with nanos outside 0 to 999,999,999; a {@code duration} whose
 * seconds and nanos differ in sign, or whose nanos pass &plusmn;999,999,999; a start plus
 * duration before 1970 or past 2262; a log timestamp like {@code start_time}.
 */
package dev.ariadne.model.jaeger;
