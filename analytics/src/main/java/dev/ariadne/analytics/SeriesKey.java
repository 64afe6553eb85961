package dev.ariadne.analytics;

import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;

/**
 * What one stored series counts: the spans of one operation ({@link Operation}), of a whole
 * service ({@link Service}, kept apart so that a service's chart merges one series per bucket
 * rather than one per operation), or the calls along one edge of the service graph ({@link Edge}).
 */
sealed interface SeriesKey {
  /** The spans of one service, operation, span kind and status. */
  record Operation(String service, String operation, SpanKind kind, StatusCode status)
      implements SeriesKey {}

  /** The spans of one service, span kind and status, over all its operations. */
  record Service(String service, SpanKind kind, StatusCode status) implements SeriesKey {}

  /** Calls from one service (or peer) to another, of one connection type. */
  record Edge(String client, String server, String connectionType) implements SeriesKey {}

  int OPERATION = 1;
  int SERVICE = 2;
  int EDGE = 3;

  static void write(SeriesKey key, RecordWriter out) {
    if (key instanceof Operation o) {
      out.writeByte(OPERATION);
      out.writeString(o.service());
      out.writeString(o.operation());
      out.writeByte(kindCode(o.kind()));
      out.writeByte(statusCode(o.status()));
    } else if (key instanceof Service s) {
      out.writeByte(SERVICE);
      out.writeString(s.service());
      out.writeByte(kindCode(s.kind()));
      out.writeByte(statusCode(s.status()));
    } else {
      Edge e = (Edge) key;
      out.writeByte(EDGE);
      out.writeString(e.client());
      out.writeString(e.server());
      out.writeString(e.connectionType());
    }
  }

  static SeriesKey read(RecordReader in) throws CorruptMetricsException {
    int type = in.readByte();
    return switch (type) {
      case OPERATION -> new Operation(
          in.readString(), in.readString(), kind(in.readByte()), status(in.readByte()));
      case SERVICE -> new Service(in.readString(), kind(in.readByte()), status(in.readByte()));
      case EDGE -> new Edge(in.readString(), in.readString(), in.readString());
      default -> throw new CorruptMetricsException("unknown series type " + type);
    };
  }

  private static int kindCode(SpanKind kind) {
    return switch (kind) {
      case UNSPECIFIED -> 0;
      case INTERNAL -> 1;
      case SERVER -> 2;
      case CLIENT -> 3;
      case PRODUCER -> 4;
      case CONSUMER -> 5;
    };
  }

  private static SpanKind kind(int code) throws CorruptMetricsException {
    return switch (code) {
      case 0 -> SpanKind.UNSPECIFIED;
      case 1 -> SpanKind.INTERNAL;
      case 2 -> SpanKind.SERVER;
      case 3 -> SpanKind.CLIENT;
      case 4 -> SpanKind.PRODUCER;
      case 5 -> SpanKind.CONSUMER;
      default -> throw new CorruptMetricsException("unknown span kind " + code);
    };
  }

  private static int statusCode(StatusCode status) {
    return switch (status) {
      case UNSET -> 0;
      case OK -> 1;
      case ERROR -> 2;
    };
  }

  private static StatusCode status(int code) throws CorruptMetricsException {
    return switch (code) {
      case 0 -> StatusCode.UNSET;
      case 1 -> StatusCode.OK;
      case 2 -> StatusCode.ERROR;
      default -> throw new CorruptMetricsException("unknown status " + code);
    };
  }
}
