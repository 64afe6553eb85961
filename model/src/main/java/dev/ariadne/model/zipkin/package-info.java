/**
 * Zipkin v2 in and out: {@link dev.ariadne.model.zipkin.ZipkinDecoder} reads the JSON and proto3
 * bodies of {@code POST /api/v2/spans}, {@link dev.ariadne.model.zipkin.ZipkinEncoder} writes the
 * JSON of the Zipkin-compatible query API. The decoder reads the bytes in one pass straight into
 * Ariadne's model (JSON with a reader of its own, proto3 with protobuf's {@code
 * CodedInputStream}), by the rules of Zipkin's own codec ({@code io.zipkin.zipkin2:zipkin}): what
 * it accepts, refuses and normalizes, and its messages. The encoder maps the model to Zipkin's
 * spans and writes them with that library.
 *
 * <h2>Zipkin to Ariadne</h2>
 *
 * <table>
 *   <caption>How a Zipkin v2 span is decoded</caption>
 *   <tr><th>Zipkin</th><th>Ariadne</th></tr>
 *   <tr><td>{@code traceId}, 16 or 32 hex</td><td>{@code traceId}; a 64-bit ID gets a zero high
 *       half (left-padded)</td></tr>
 *   <tr><td>{@code id}, {@code parentId}</td><td>{@code spanId}, {@code parentSpanId} (0 when
 *       absent, or when equal to {@code id}, which Zipkin drops)</td></tr>
 *   <tr><td>{@code name}</td><td>{@code name} (empty when absent; Zipkin lower-cases it)</td></tr>
 *   <tr><td>{@code kind} CLIENT, SERVER, PRODUCER, CONSUMER</td><td>the same kind</td></tr>
 *   <tr><td>no {@code kind}</td><td>{@code INTERNAL}: Zipkin means an in-process span, and RED
 *       metrics and the service map count only SERVER/CONSUMER and CLIENT/PRODUCER spans</td></tr>
 *   <tr><td>{@code timestamp}, {@code duration} (microseconds)</td><td>{@code startEpochNanos} =
 *       timestamp &times; 1000, {@code endEpochNanos} = (timestamp + duration) &times; 1000; no
 *       duration gives a zero-length span</td></tr>
 *   <tr><td>{@code localEndpoint.serviceName}</td><td>{@code resource.serviceName} and resource
 *       attribute {@code service.name}; {@code unknown_service} when absent</td></tr>
 *   <tr><td>{@code localEndpoint.ipv4}, {@code ipv6}</td><td>resource attribute {@code host.ip}, a
 *       string array (IPv4 first)</td></tr>
 *   <tr><td>{@code localEndpoint.port}</td><td>resource attribute {@code network.local.port}
 *       (int)</td></tr>
 *   <tr><td>{@code remoteEndpoint.serviceName}</td><td>attribute {@code peer.service}</td></tr>
 *   <tr><td>{@code remoteEndpoint.ipv4}, else {@code ipv6}</td><td>attribute {@code
 *       network.peer.address} (the IPv6 address is dropped when both are present)</td></tr>
 *   <tr><td>{@code remoteEndpoint.port}</td><td>attribute {@code network.peer.port} (int)</td></tr>
 *   <tr><td>{@code tags}</td><td>string attributes, in key order, except the tags below; an
 *       attribute taken from the remote endpoint or a flag wins over a tag of the same
 *       name</td></tr>
 *   <tr><td>tag {@code error}</td><td>status {@code ERROR} with the tag value as message ({@code
 *       ""} and {@code "true"} give no message); the tag is not kept, as the status carries it.
 *       Any value counts, {@code "false"} included, as in Zipkin</td></tr>
 *   <tr><td>tags {@code otel.status_code} ({@code OK} or {@code ERROR}) and {@code
 *       otel.status_description}, as OpenTelemetry's Zipkin exporters write them</td><td>the status
 *       and its message (the {@code error} tag wins); not kept as attributes</td></tr>
 *   <tr><td>tags {@code otel.scope.name}, {@code otel.scope.version}</td><td>{@code scope}; without
 *       them the scope is empty ({@link dev.ariadne.model.Scope#UNKNOWN}): Zipkin does not say
 *       which library made a span</td></tr>
 *   <tr><td>{@code annotations}</td><td>events: name = value, time = timestamp &times; 1000, no
 *       attributes</td></tr>
 *   <tr><td>{@code debug: true}, {@code shared: true}</td><td>boolean attributes {@code
 *       zipkin.debug}, {@code zipkin.shared} (absent when false)</td></tr>
 *   <tr><td>&mdash;</td><td>{@code flags} 0, {@code traceState} empty, no links, dropped counts
 *       0</td></tr>
 * </table>
 *
 * <p>A body that Zipkin cannot parse (not JSON or proto3, truncated, a field of the wrong type, an
 * ID that is not lower-case hex or is too long, an all-zero trace ID or 16-digit span ID, a port
 * above 65535) throws {@link dev.ariadne.model.MalformedException} naming the format and the
 * problem, cut to 200 characters: in Zipkin's words where Zipkin's span builder has them (IDs,
 * missing fields, the port), else with the JSON path ({@code $[0].tags.retry}) or the byte offset
 * in proto3. An empty JSON body is malformed, an empty proto3 body is an empty list. A span that
 * parses but cannot be kept is rejected and counted in {@link
 * dev.ariadne.model.DecodeResult#rejectedCount()}, the first five named in its message, and
 * the other spans are accepted: no timestamp (absent, 0 or negative), a span ID of zero written
 * short ({@code "0"}, which Zipkin's JSON reader lets through), or a time that does not fit in
 * nanoseconds (timestamp + duration past the year 2262, an annotation before 1970 or past 2262).
 * As in Zipkin, the JSON reader ignores anything after the closing bracket and the proto3 reader
 * anything after an empty span. Unlike Zipkin's codec, which decoded such bytes as U+FFFD, text
 * that is not valid UTF-8 makes the body malformed, and so does a proto3 field that runs past the
 * end of its message (Zipkin checked only the end of the body). Half of a surrogate pair alone,
 * which only a JSON {@code \u005cu} escape can write ({@code "\u005cud800"}), is read as U+FFFD,
 * where Zipkin kept it (and its encoder wrote {@code ?}).
 *
 * <p>The spans of one request share what they have in common: one {@link
 * dev.ariadne.model.Resource} for each local endpoint, the attributes of each remote endpoint, and
 * one {@code String} for each short text that comes again (tag keys and values, names, services).
 * None of it outlives the request, except that a short text which comes twice in a request is also
 * kept in a bounded table of recent texts shared by all requests, as for OTLP.
 *
 * <h2>Ariadne to Zipkin</h2>
 *
 * <table>
 *   <caption>How a span is encoded as Zipkin v2 JSON</caption>
 *   <tr><th>Ariadne</th><th>Zipkin</th></tr>
 *   <tr><td>{@code traceId}</td><td>16 hex when the high half is zero (as the 64-bit client sent
 *       it; Zipkin itself shortens such IDs), else 32 hex</td></tr>
 *   <tr><td>{@code kind} CLIENT, SERVER, PRODUCER, CONSUMER</td><td>the same kind</td></tr>
 *   <tr><td>{@code kind} INTERNAL, UNSPECIFIED</td><td>no kind</td></tr>
 *   <tr><td>start, end</td><td>{@code timestamp} = start / 1000; {@code duration} = (end &minus;
 *       start) / 1000, at least 1 when end &gt; start, absent otherwise</td></tr>
 *   <tr><td>{@code resource.serviceName}</td><td>{@code localEndpoint.serviceName} (lower-cased by
 *       Zipkin)</td></tr>
 *   <tr><td>resource {@code host.ip} (at most one IPv4 and one IPv6), {@code network.local.port}
 *       (1 to 65535)</td><td>{@code localEndpoint} address and port</td></tr>
 *   <tr><td>other resource attributes</td><td>tags (a span attribute of the same name
 *       wins)</td></tr>
 *   <tr><td>{@code peer.service}, {@code network.peer.address} (an IP), {@code network.peer.port}
 *       </td><td>{@code remoteEndpoint}</td></tr>
 *   <tr><td>{@code zipkin.debug}, {@code zipkin.shared} (booleans)</td><td>{@code debug}, {@code
 *       shared} (Zipkin drops {@code shared} on a CLIENT span)</td></tr>
 *   <tr><td>{@code jaeger.debug} (a boolean: the Jaeger decoders' mark of the debug flag)</td>
 *       <td>{@code debug: true} when true, not a tag</td></tr>
 *   <tr><td>other attributes</td><td>tags: strings as they are, booleans and numbers as Java prints
 *       them ({@code true}, {@code 42}, {@code 1.5}), bytes as base64, arrays and key-value lists
 *       as JSON ({@code ["a","b"]}, {@code {"k":1}}); an {@code error} attribute of {@code false}
 *       is left out, as OpenTelemetry's Zipkin mapping says. An attribute that does not fit its
 *       endpoint field (say {@code network.peer.address} holding a host name) stays a tag</td></tr>
 *   <tr><td>events</td><td>annotations at epochNanos / 1000; the value is the name, or {@code
 *       "name":{attributes as JSON}} when the event has attributes</td></tr>
 *   <tr><td>status ERROR</td><td>tag {@code error} = the message, or {@code "true"} when
 *       empty</td></tr>
 *   <tr><td>status OK</td><td>tag {@code otel.status_code} = {@code OK}</td></tr>
 *   <tr><td>{@code scope} name and version</td><td>tags {@code otel.scope.name}, {@code
 *       otel.scope.version} when not empty</td></tr>
 *   <tr><td>links (follows-from included), traceState, flags, scope attributes, dropped
 *       counts</td><td>dropped: Zipkin v2 has no field for them</td></tr>
 * </table>
 *
 * <p>So a span decoded from Zipkin and encoded again gives the same Zipkin span, except that a
 * missing local service becomes {@code unknown_service}, a remote IPv6 address beside an IPv4 one
 * is lost, an empty {@code error} tag comes back as {@code "true"}, and {@code otel.status_*} tags
 * come back as the {@code error} tag (ERROR) or {@code otel.status_code} alone (OK). A span from
 * another protocol loses what the second table drops, the case of its name and service, and time
 * below a microsecond; decoding its JSON again gives string attributes in key order, resource
 * attributes as span attributes, INTERNAL for UNSPECIFIED, and event attributes inside the event
 * name.
 */
package dev.ariadne.model.zipkin;
