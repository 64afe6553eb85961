package dev.ariadne.model.jaeger;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.Counted;
import dev.ariadne.model.internal.Problems;
import io.jaegertracing.agent.thrift.Agent;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.SpanRef;
import io.jaegertracing.thriftjava.SpanRefType;
import io.jaegertracing.thriftjava.Tag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * Decodes Jaeger's Thrift spans ({@code jaeger.thrift}): a {@code Batch}, as jaeger-client's
 * HttpSender posts it to {@code /api/traces}, or the {@code Agent.emitBatch} message that clients
 * send to an agent over UDP. libthrift's generated classes parse the bytes, within limits that keep
 * a hostile body from allocating more than a small multiple of its size; each span is then mapped
 * as the package documentation describes. Stateless and thread-safe.
 */
public enum JaegerThriftDecoder {
  /**
   * {@code TBinaryProtocol}: the body of {@code POST /api/traces} ({@code application/x-thrift}),
   * and the datagrams of agent port 6832.
   */
  BINARY("Jaeger Thrift binary"),
  /** {@code TCompactProtocol}: the datagrams of agent port 6831. */
  COMPACT("Jaeger Thrift compact");

  /** The latest time in microseconds whose nanoseconds still fit in a long (the year 2262). */
  private static final long MAX_MICROS = Long.MAX_VALUE / 1000;

  private static final String EMIT_BATCH = "emitBatch";

  /**
   * No limit of its own: the transport learns each body's length, and a read past it fails before
   * anything is allocated for it.
   */
  private static final TConfiguration UNLIMITED = TConfiguration.custom()
      .setMaxMessageSize(Integer.MAX_VALUE)
      .setMaxFrameSize(Integer.MAX_VALUE)
      .build();

  private final String format;

  JaegerThriftDecoder(String format) {
    this.format = format;
  }

  /**
   * The spans of the {@code Batch} in {@code body}. A span that parses but cannot be kept (a zero
   * trace or span ID, a time before 1970 or past the year 2262) is counted in {@link
   * DecodeResult#rejectedCount()} and named in its message; the other spans are still accepted.
   *
   * @throws MalformedException if {@code body} is not exactly one {@code Batch} in this protocol
   */
  public DecodeResult decode(byte[] body) throws MalformedException {
    requireNonNull(body, "body");
    Batch batch = new Batch();
    read(body, batch::read);
    return decode(batch);
  }

  /**
   * The spans of an {@code Agent.emitBatch} message, one UDP datagram as jaeger-client's UdpSender
   * sends it; rejected spans as in {@link #decode(byte[])}.
   *
   * @throws MalformedException if {@code message} is not exactly one {@code emitBatch} call in this
   *     protocol
   */
  public DecodeResult decodeEmitBatch(byte[] message) throws MalformedException {
    requireNonNull(message, "message");
    Agent.emitBatch_args args = new Agent.emitBatch_args();
    read(message, protocol -> {
      TMessage header = protocol.readMessageBegin();
      boolean call = header.type == TMessageType.ONEWAY || header.type == TMessageType.CALL;
      if (!call || !header.name.equals(EMIT_BATCH)) {
        throw new TProtocolException(TProtocolException.INVALID_DATA, "message \""
            + Problems.cutMessage(header.name) + "\" of type " + header.type
            + " (expected: a call of emitBatch)");
      }
      args.read(protocol);
      protocol.readMessageEnd();
      if (args.batch == null) {
        throw new TProtocolException(TProtocolException.INVALID_DATA, "emitBatch without a batch");
      }
    });
    return decode(args.batch);
  }

  private interface Reader {
    void read(TProtocol protocol) throws TException;
  }

  private void read(byte[] bytes, Reader reader) throws MalformedException {
    TMemoryInputTransport transport = transport(bytes);
    TProtocol protocol = switch (this) {
      case BINARY -> new TBinaryProtocol(transport);
      case COMPACT -> new TCompactProtocol(transport);
    };
    try {
      reader.read(new BoundedProtocol(protocol, transport));
    } catch (TTransportException e) {
      throw new MalformedException(
          format + ": the body ends before the data it declares (" + bytes.length + " bytes)", e);
    } catch (TException e) {
      throw new MalformedException(
          format + ": " + Problems.cutMessage(String.valueOf(e.getMessage()))
              + " (at byte " + transport.getBufferPosition() + ")", e);
    } catch (IndexOutOfBoundsException e) {
      // libthrift 0.15 reads a value that lies in its buffer without checking every bound (a
      // negative string length, a varint of more than 5 or 10 bytes); the JDK's check stops it.
      throw new MalformedException(format + ": a length or varint out of range (near byte "
          + transport.getBufferPosition() + ")", e);
    }
    int left = transport.getBytesRemainingInBuffer();
    if (left > 0) {
      throw new MalformedException(format + ": " + left + " bytes after the end of the batch");
    }
  }

  private static TMemoryInputTransport transport(byte[] bytes) {
    try {
      return new TMemoryInputTransport(UNLIMITED, bytes);
    } catch (TTransportException e) {
      // Only thrown for a body larger than the configured maximum, which no array can be.
      throw new IllegalStateException(e);
    }
  }

  private static DecodeResult decode(Batch batch) {
    Resource resource = JaegerSpans.resource(batch.process.serviceName, tags(batch.process.tags));
    List<Span> spans = new ArrayList<>(batch.spans.size());
    Problems problems = new Problems();
    for (int i = 0; i < batch.spans.size(); i++) {
      io.jaegertracing.thriftjava.Span jaeger = batch.spans.get(i);
      String problem = problem(jaeger);
      if (problem == null) {
        spans.add(toSpan(jaeger, resource, i, problems));
      } else {
        problems.reject(where(i, jaeger) + ": " + problem);
      }
    }
    return problems.result(spans);
  }

  private static String where(int index, io.jaegertracing.thriftjava.Span jaeger) {
    return JaegerSpans.where(
        index, jaeger.spanId, new TraceId(jaeger.traceIdHigh, jaeger.traceIdLow));
  }

  /** Why a parsed span cannot be kept, or null if it can. */
  private static String problem(io.jaegertracing.thriftjava.Span jaeger) {
    if (jaeger.traceIdHigh == 0 && jaeger.traceIdLow == 0) {
      return "trace ID is zero";
    }
    if (jaeger.spanId == 0) {
      return "span ID is zero";
    }
    long start = jaeger.startTime;
    if (start < 0 || start > MAX_MICROS) {
      return "startTime: " + start + " (expected: 0 to " + MAX_MICROS + " microseconds)";
    }
    long duration = jaeger.duration;
    if (duration > MAX_MICROS - start || duration < -start) {
      return "startTime + duration: " + start + " + " + duration
          + " (expected: 0 to " + MAX_MICROS + " microseconds)";
    }
    if (jaeger.logs != null) {
      for (Log log : jaeger.logs) {
        if (log.timestamp < 0 || log.timestamp > MAX_MICROS) {
          return "log timestamp: "
              + log.timestamp + " (expected: 0 to " + MAX_MICROS + " microseconds)";
        }
      }
    }
    return null;
  }

  private static Span toSpan(
      io.jaegertracing.thriftjava.Span jaeger, Resource resource, int index, Problems problems) {
    List<SpanRef> refs = jaeger.references == null ? List.of() : jaeger.references;
    List<JaegerSpans.Reference> references = new ArrayList<>(refs.size());
    int dropped = 0;
    for (SpanRef ref : refs) {
      if (ref.spanId == 0 || (ref.traceIdHigh == 0 && ref.traceIdLow == 0)) {
        dropped++;
      } else {
        references.add(new JaegerSpans.Reference(ref.refType == SpanRefType.FOLLOWS_FROM,
            new TraceId(ref.traceIdHigh, ref.traceIdLow), ref.spanId));
      }
    }
    if (dropped > 0) {
      problems.warn(where(index, jaeger) + ": " + Counted.of(dropped, "reference")
          + " with a zero ID dropped");
    }
    return JaegerSpans.toSpan(new JaegerSpans.Parts(
        new TraceId(jaeger.traceIdHigh, jaeger.traceIdLow),
        jaeger.spanId,
        jaeger.parentSpanId,
        jaeger.operationName,
        jaeger.startTime * 1000,
        (jaeger.startTime + jaeger.duration) * 1000,
        jaeger.flags,
        resource,
        references,
        dropped,
        tags(jaeger.tags),
        events(jaeger.logs)));
  }

  private static List<Event> events(List<Log> logs) {
    if (logs == null) {
      return List.of();
    }
    List<Event> events = new ArrayList<>(logs.size());
    for (Log log : logs) {
      events.add(JaegerSpans.event(log.timestamp * 1000, tags(log.fields)));
    }
    return events;
  }

  /** Tags by key, in the order of first appearance; a repeated key keeps its last value. */
  private static Map<String, Value> tags(List<Tag> tags) {
    if (tags == null) {
      return new LinkedHashMap<>();
    }
    Map<String, Value> map = new LinkedHashMap<>();
    for (Tag tag : tags) {
      map.put(tag.key, value(tag));
    }
    return map;
  }

  /** A tag's value, of its type; an unset value is the type's zero ({@code ""}, 0, false, none). */
  private static Value value(Tag tag) {
    return switch (tag.vType) {
      case STRING -> Value.of(tag.vStr == null ? "" : tag.vStr);
      case DOUBLE -> Value.of(tag.vDouble);
      case BOOL -> Value.of(tag.vBool);
      case LONG -> Value.of(tag.vLong);
      case BINARY -> new Value.Bytes(copy(tag.vBinary));
    };
  }

  /** The bytes, copied: libthrift's buffer may be a view of the request body. */
  private static byte[] copy(ByteBuffer buffer) {
    if (buffer == null) {
      return new byte[0];
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
