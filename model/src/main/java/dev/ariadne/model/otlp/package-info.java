/**
 * Decoding of OTLP trace requests ({@code ExportTraceServiceRequest}), OTLP/protobuf and OTLP/JSON,
 * into the span model, and encoding of the model as OTLP/protobuf. Both decoders map a request the
 * same way:
 *
 * <table>
 *   <caption>OTLP field to model</caption>
 *   <tr><th>OTLP</th><th>model</th><th>notes</th></tr>
 *   <tr><td>{@code resource.attributes}</td><td>{@code Resource.attributes}</td>
 *       <td>all kept, {@code service.name} included</td></tr>
 *   <tr><td>{@code service.name} attribute</td><td>{@code Resource.serviceName}</td>
 *       <td>{@code unknown_service} when missing, empty or not a string</td></tr>
 *   <tr><td>{@code resource.dropped_attributes_count}</td>
 *       <td>{@code Resource.droppedAttributesCount}</td><td></td></tr>
 *   <tr><td>{@code scope.name, version, attributes}</td><td>{@code Scope}</td>
 *       <td>no scope: {@code Scope.UNKNOWN}</td></tr>
 *   <tr><td>{@code trace_id}</td><td>{@code Span.traceId}</td>
 *       <td>16 bytes (JSON: 32 hex characters), not all zeros, else the span is rejected</td></tr>
 *   <tr><td>{@code span_id}</td><td>{@code Span.spanId}</td>
 *       <td>8 bytes (JSON: 16 hex characters), not all zeros, else the span is rejected</td></tr>
 *   <tr><td>{@code parent_span_id}</td><td>{@code Span.parentSpanId}</td>
 *       <td>empty: 0 (a root span); otherwise 8 bytes, else the span is rejected</td></tr>
 *   <tr><td>{@code trace_state, flags, name}</td><td>same</td>
 *       <td>all 32 bits of {@code flags} kept</td></tr>
 *   <tr><td>{@code kind}</td><td>{@code SpanKind}</td>
 *       <td>an unknown number becomes {@code UNSPECIFIED}</td></tr>
 *   <tr><td>{@code start/end_time_unix_nano}</td><td>{@code start/endEpochNanos}</td>
 *       <td>as received; the 64 bits of the unsigned value kept in a {@code long}</td></tr>
 *   <tr><td>{@code attributes} (span, event, link, resource, scope)</td>
 *       <td>{@code Attribute}, {@code Value}</td>
 *       <td>string, bool, int, double, bytes, array and kvlist kept; an empty AnyValue is left
 *       out (of a list: the attribute; of an array: the element) and counted as a dropped
 *       attribute where the owner has a count</td></tr>
 *   <tr><td>{@code dropped_*_count}</td><td>{@code dropped*Count}</td>
 *       <td>plus what the decoder dropped; saturates at {@code Integer.MAX_VALUE}</td></tr>
 *   <tr><td>{@code events}</td><td>{@code Event}</td><td>all fields</td></tr>
 *   <tr><td>{@code links}</td><td>{@code Link}</td>
 *       <td>{@code followsFrom} when {@code opentracing.ref_type=follows_from}, the attribute
 *       kept; empty or zero IDs allowed; an ID of the wrong length drops the link, with a
 *       warning, and counts it in {@code droppedLinksCount}</td></tr>
 *   <tr><td>{@code status.code, status.message}</td><td>{@code statusCode, statusMessage}</td>
 *       <td>an unknown code becomes {@code UNSET}</td></tr>
 * </table>
 *
 * <p>Lost on the way: {@code schema_url} (resource and scope), {@code entity_refs}, the scope's
 * {@code dropped_attributes_count}, {@code Link.flags}, empty AnyValues, the profiles-only
 * {@code string_value_strindex} and {@code key_strindex} (treated as absent, as OTLP asks), the
 * number of an unknown enum value, and fields this OTLP version does not know.
 *
 * <p>Errors come in two kinds. A body that cannot be read at all (not protobuf, not JSON, a value
 * of the wrong JSON type, attribute values nested deeper than 32 levels) throws {@link
 * dev.ariadne.model.MalformedException} naming the place. A span with a bad ID is rejected alone:
 * the {@link dev.ariadne.model.DecodeResult} carries the accepted spans, the rejected count
 * and the first few messages, for OTLP's partial success answer. An empty request, including an
 * empty body, has no spans and no errors.
 *
 * <p>{@link dev.ariadne.model.otlp.OtlpProtobufEncoder} writes the model back as OTLP/protobuf, for
 * the agent's forwarding to a collector: every span a decoder of the project gives comes back
 * from {@code OtlpProtobufDecoder} equal, grouped by resource and then scope as the request
 * groups them. A resource whose attributes do not give its service name, or a follows-from link
 * without {@code opentracing.ref_type=follows_from}, which no decoder makes, gets that attribute
 * first; half of a surrogate pair alone is written as U+FFFD.
 *
 * <p>OTLP/JSON follows the OTLP rules: lowerCamelCase names (proto names also accepted), hex IDs,
 * 64-bit integers as numbers or decimal strings, enums as numbers (names also accepted), base64
 * {@code bytesValue}, unknown fields ignored, {@code null} read as absent. Text that is not UTF-8
 * makes the body malformed, as in protobuf; half of a surrogate pair alone, which only a {@code
 * \u005cu} escape can write ({@code "\u005cud800"}), is read as U+FFFD.
 */
package dev.ariadne.model.otlp;
