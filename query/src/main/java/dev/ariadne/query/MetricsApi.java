package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.analytics.Exemplar;
import dev.ariadne.analytics.MissingMetrics;
import dev.ariadne.analytics.OperationSummary;
import dev.ariadne.analytics.RedPoint;
import dev.ariadne.analytics.RedQuery;
import dev.ariadne.model.SpanKind;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * RED metrics over HTTP: Ariadne's own {@code /api/v1/metrics/red} and its per-operation table,
 * and Jaeger's monitoring API ({@code /api/metrics/calls}, {@code errors}, {@code latencies},
 * {@code minstep}) in Jaeger's shape, so that Jaeger UI's Monitor tab works against Ariadne.
 */
final class MetricsApi {
  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long HOUR_MILLIS = 3_600_000L;
  /** A chart needs no more points than this; the default step keeps under it. */
  private static final int DEFAULT_POINTS = 300;
  private static final int MAX_POINTS = 20_000;
  private static final List<String> QUANTILE_NAMES = List.of("p50", "p75", "p90", "p95", "p99");
  /** Jaeger's defaults: an hour back, a point per 5 s (here rounded up to the bucket), rates over 10 minutes. */
  private static final long JAEGER_LOOKBACK_MILLIS = HOUR_MILLIS;
  private static final long JAEGER_STEP_MILLIS = 5_000;
  private static final long JAEGER_RATE_PER_MILLIS = 600_000;

  private final Analytics analytics;

  MetricsApi(Analytics analytics) {
    this.analytics = requireNonNull(analytics, "analytics");
  }

  Handler.Answer red(Params params) {
    String service = params.required("service");
    Optional<String> operation = params.optional("operation");
    Optional<SpanKind> kind = params.kind("spanKind");
    Window window = nativeWindow(params);
    List<RedPoint> points;
    try {
      points = analytics.red(new RedQuery(service, operation.orElse(null),
          kind.map(Set::of).orElse(Set.of()),
          window.startMillis, window.endMillis, window.stepMillis, RedQuery.STANDARD_QUANTILES));
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("step", "step: " + e.getMessage());
    }
    List<MissingMetrics> missing = analytics.missing(
        service, operation.orElse(null), window.startMillis, window.coveredEnd());
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("service", service);
      if (operation.isPresent()) {
        json.writeStringField("operation", operation.get());
      }
      if (kind.isPresent()) {
        json.writeStringField("spanKind", kind.get().name().toLowerCase(Locale.ROOT));
      }
      writeWindow(window, json);
      writeMissing(missing, json);
      json.writeArrayFieldStart("points");
      for (RedPoint point : points) {
        json.writeStartObject();
        json.writeStringField("start", Long.toString(point.startMillis() * NANOS_PER_MILLI));
        writeRed(point.requests(), point.errors(), window.covered(point.startMillis()),
            point.quantileNanos(), json);
        json.writeArrayFieldStart("exemplars");
        for (Exemplar exemplar : point.exemplars()) {
          json.writeStartObject();
          json.writeStringField("traceId", exemplar.traceId().toHex());
          json.writeStringField("spanId", String.format("%016x", exemplar.spanId()));
          json.writeStringField("startEpochNanos", Long.toString(exemplar.startEpochNanos()));
          json.writeNumberField("durationNanos", exemplar.durationNanos());
          json.writeBooleanField("error", exemplar.error());
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  Handler.Answer operations(Params params) {
    String service = params.required("service");
    SpanKind kind = params.kind("spanKind").orElse(null);
    Window window = nativeWindow(params);
    List<OperationSummary> rows = analytics.operations(
        service, kind, window.startMillis, window.endMillis, RedQuery.STANDARD_QUANTILES);
    long spanMillis = window.coveredEnd() - Math.floorDiv(window.startMillis, window.bucketMillis)
        * window.bucketMillis;
    List<MissingMetrics> missing =
        analytics.missing(service, null, window.startMillis, window.coveredEnd());
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("service", service);
      writeWindow(window, json);
      writeMissing(missing, json);
      json.writeArrayFieldStart("operations");
      for (OperationSummary row : rows) {
        json.writeStartObject();
        json.writeStringField("operation", row.operation());
        json.writeStringField("spanKind", row.kind().name().toLowerCase(Locale.ROOT));
        writeRed(row.requests(), row.errors(), spanMillis, row.quantileNanos(), json);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  private static void writeMissing(List<MissingMetrics> missing, JsonGenerator json)
      throws IOException {
    json.writeArrayFieldStart("missing");
    for (MissingMetrics m : missing) {
      json.writeStartObject();
      writeMissingFields(
          m, m.cause() == MissingMetrics.Cause.MAX_SERIES ? "uncountedSpans" : null, json);
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /**
   * What a {@link MissingMetrics} says, as fields of the object being written; its count, if
   * {@code countField} is not null, under that name (null when not known).
   */
  static void writeMissingFields(MissingMetrics missing, String countField, JsonGenerator json)
      throws IOException {
    json.writeStringField("cause", missing.cause().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    json.writeStringField("setting", missing.cause().setting());
    json.writeStringField("from", Long.toString(missing.fromMillis() * NANOS_PER_MILLI));
    json.writeStringField("to", Long.toString(missing.toMillis() * NANOS_PER_MILLI));
    if (countField != null) {
      if (missing.count() < 0) {
        json.writeNullField(countField);
      } else {
        json.writeNumberField(countField, missing.count());
      }
    }
    json.writeStringField("message", missing.message());
  }

  private static void writeRed(long requests, long errors, long overMillis, List<Double> quantiles,
      JsonGenerator json) throws IOException {
    json.writeNumberField("requests", requests);
    json.writeNumberField("errors", errors);
    json.writeNumberField("rate", requests * 1000.0 / Math.max(1, overMillis));
    json.writeNumberField("errorRatio", requests == 0 ? 0 : (double) errors / requests);
    json.writeObjectFieldStart("latencyNanos");
    for (int i = 0; i < QUANTILE_NAMES.size(); i++) {
      double value = quantiles.get(i);
      if (Double.isNaN(value)) {
        json.writeNullField(QUANTILE_NAMES.get(i));
      } else {
        json.writeNumberField(QUANTILE_NAMES.get(i), Math.round(value));
      }
    }
    json.writeEndObject();
  }

  private void writeWindow(Window window, JsonGenerator json) throws IOException {
    json.writeStringField("start", Long.toString(window.startMillis * NANOS_PER_MILLI));
    json.writeStringField("end", Long.toString(window.endMillis * NANOS_PER_MILLI));
    json.writeNumberField("stepNanos", window.stepMillis * NANOS_PER_MILLI);
    json.writeNumberField("bucketNanos", analytics.bucket().toNanos());
  }

  /** A native RED query's time range and step, in epoch milliseconds. */
  private record Window(long startMillis, long endMillis, long stepMillis, long bucketMillis) {
    /** The end of the last bucket counted: the buckets that start before the end count whole. */
    long coveredEnd() {
      return roundUp(endMillis, bucketMillis);
    }

    /**
     * The time a point's figures cover: its step, or the part of it up to {@link #coveredEnd()}
     * when the end cuts it short, so that a rate over it is not diluted by time not counted.
     */
    long covered(long pointMillis) {
      return Math.min(pointMillis + stepMillis, coveredEnd()) - pointMillis;
    }
  }

  /**
   * start and end as epoch nanoseconds or RFC 3339, start by default the lookback (a duration, one
   * hour by default) before the end, which is by default now; step as a duration.
   */
  private Window nativeWindow(Params params) {
    long endNanos = params.epochNanos("end").orElse(params.nowEpochNanos());
    OptionalLong start = params.epochNanos("start");
    long startNanos = start.isPresent() ? start.getAsLong() : NativeApi.saturatedSubtract(
        endNanos, params.duration("lookback").orElse(HOUR_MILLIS * NANOS_PER_MILLI));
    if (endNanos < startNanos) {
      throw new BadParameterException("end", "end: before start");
    }
    long startMillis = Math.floorDiv(startNanos, NANOS_PER_MILLI);
    // Rounded up: a span that started within the end's millisecond, before the end, counts.
    long endMillis = -Math.floorDiv(-endNanos, NANOS_PER_MILLI);
    long bucket = analytics.bucket().toMillis();
    long step;
    if (params.optional("step").isPresent()) {
      step = params.duration("step").getAsLong() / NANOS_PER_MILLI;
      if (step <= 0 || step % bucket != 0) {
        throw new BadParameterException("step", "step: " + Params.quote(params.required("step"))
            + " (expected: a multiple of the bucket, " + bucket + "ms)");
      }
    } else {
      long wanted = Math.max(bucket, (endMillis - startMillis) / DEFAULT_POINTS);
      // Past an hour, whole hours: analytics reads a whole hour's total, not its buckets.
      long unit = wanted > HOUR_MILLIS ? HOUR_MILLIS : bucket;
      step = (wanted + unit - 1) / unit * unit;
    }
    if ((endMillis - startMillis) / step > MAX_POINTS) {
      throw new BadParameterException("step", "step: " + step + "ms gives more than " + MAX_POINTS
          + " points between start and end (expected: a larger step or a shorter window)");
    }
    return new Window(startMillis, endMillis, step, bucket);
  }

  /** The three series Jaeger's monitoring API serves. */
  private enum JaegerMetric {
    CALLS("service_call_rate", "service_operation_call_rate", "calls/sec, grouped by service"),
    ERRORS("service_error_rate", "service_operation_error_rate",
        "error rate, computed as a fraction of errors/sec over calls/sec, grouped by service"),
    LATENCIES("service_latencies", "service_operation_latencies",
        "0.95th quantile latency, grouped by service");

    final String name;
    final String operationName;
    final String help;

    JaegerMetric(String name, String operationName, String help) {
      this.name = name;
      this.operationName = operationName;
      this.help = help;
    }
  }

  Handler.Answer jaegerCalls(Params params) {
    return jaeger(params, JaegerMetric.CALLS);
  }

  Handler.Answer jaegerErrors(Params params) {
    return jaeger(params, JaegerMetric.ERRORS);
  }

  Handler.Answer jaegerLatencies(Params params) {
    return jaeger(params, JaegerMetric.LATENCIES);
  }

  Handler.Answer jaegerMinStep(Params params) {
    long bucketMillis = analytics.bucket().toMillis();
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("minStep", (bucketMillis / 1000) + "s");
      json.writeEndObject();
    };
  }

  private record JaegerSeries(String service, String operation, List<RedPoint> points) {}

  private Handler.Answer jaeger(Params params, JaegerMetric metric) {
    List<String> services = params.all("service");
    if (services.isEmpty()) {
      throw new BadParameterException("service", "service: missing (expected: at least one service name)");
    }
    double quantile = metric == JaegerMetric.LATENCIES ? quantile(params) : 0.5;
    boolean byOperation = bool(params, "groupByOperation");
    Set<SpanKind> kinds = jaegerKinds(params);
    long bucket = analytics.bucket().toMillis();
    long endMillis = params.nanosFromUnits("endTs", NANOS_PER_MILLI, "epoch milliseconds")
        .orElse(params.nowEpochNanos()) / NANOS_PER_MILLI;
    long lookback = millis(params, "lookback", JAEGER_LOOKBACK_MILLIS);
    long step = roundUp(millis(params, "step", JAEGER_STEP_MILLIS), bucket);
    long ratePer = roundUp(millis(params, "ratePer", JAEGER_RATE_PER_MILLIS), bucket);
    if (lookback / step > MAX_POINTS) {
      throw new BadParameterException("step", "step: " + step + "ms gives more than " + MAX_POINTS
          + " points over the lookback (expected: a larger step or a shorter lookback)");
    }
    long startMillis = endMillis - lookback;
    List<JaegerSeries> series = new ArrayList<>();
    for (String service : services) {
      List<String> operations = new ArrayList<>();
      if (byOperation) {
        for (OperationSummary row :
            analytics.operations(service, null, startMillis - ratePer, endMillis, List.of())) {
          if (kinds.contains(row.kind()) && !operations.contains(row.operation())) {
            operations.add(row.operation());
          }
        }
      } else {
        operations.add(null);
      }
      for (String operation : operations) {
        series.add(new JaegerSeries(service, operation, analytics.trailing(new RedQuery(
            service, operation, kinds, startMillis, endMillis, step, List.of(quantile)), ratePer)));
      }
    }
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("name", byOperation ? metric.operationName : metric.name);
      json.writeStringField("type", "GAUGE");
      json.writeStringField("help", metric == JaegerMetric.LATENCIES
          ? quantile + "th quantile latency, grouped by service" : metric.help);
      json.writeArrayFieldStart("metrics");
      for (JaegerSeries s : series) {
        json.writeStartObject();
        json.writeArrayFieldStart("labels");
        writeLabel("service_name", s.service(), json);
        if (s.operation() != null) {
          writeLabel("operation", s.operation(), json);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("metricPoints");
        for (RedPoint point : s.points()) {
          double value = switch (metric) {
            case CALLS -> point.requests() * 1000.0 / ratePer;
            case ERRORS -> point.requests() == 0 ? 0 : (double) point.errors() / point.requests();
            case LATENCIES -> point.quantileNanos().get(0) / NANOS_PER_MILLI;
          };
          json.writeStartObject();
          json.writeObjectFieldStart("gaugeValue");
          json.writeNumberField("doubleValue", value);
          json.writeEndObject();
          json.writeStringField("timestamp", Instant.ofEpochMilli(point.startMillis()).toString());
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  private static void writeLabel(String name, String value, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", name);
    json.writeStringField("value", value);
    json.writeEndObject();
  }

  private static Set<SpanKind> jaegerKinds(Params params) {
    List<String> texts = params.all("spanKind");
    if (texts.isEmpty()) {
      return Set.of(SpanKind.SERVER);
    }
    Set<SpanKind> kinds = new HashSet<>();
    for (String text : texts) {
      SpanKind kind = switch (text) {
        case "SPAN_KIND_UNSPECIFIED" -> SpanKind.UNSPECIFIED;
        case "SPAN_KIND_INTERNAL" -> SpanKind.INTERNAL;
        case "SPAN_KIND_SERVER" -> SpanKind.SERVER;
        case "SPAN_KIND_CLIENT" -> SpanKind.CLIENT;
        case "SPAN_KIND_PRODUCER" -> SpanKind.PRODUCER;
        case "SPAN_KIND_CONSUMER" -> SpanKind.CONSUMER;
        default -> throw new BadParameterException("spanKind", "spanKind: " + Params.quote(text)
            + " (expected: SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_PRODUCER,"
            + " SPAN_KIND_CONSUMER, SPAN_KIND_INTERNAL or SPAN_KIND_UNSPECIFIED)");
      };
      kinds.add(kind);
    }
    return kinds;
  }

  private static double quantile(Params params) {
    String text = params.required("quantile");
    try {
      double q = Double.parseDouble(text);
      if (q >= 0 && q <= 1) {
        return q;
      }
    } catch (NumberFormatException ignored) {
      // Answered below.
    }
    throw new BadParameterException("quantile",
        "quantile: " + Params.quote(text) + " (expected: a number from 0 to 1, such as 0.95)");
  }

  private static boolean bool(Params params, String name) {
    Optional<String> text = params.optional(name);
    if (text.isEmpty()) {
      return false;
    }
    return switch (text.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "t" -> true;
      case "false", "0", "f" -> false;
      default -> throw new BadParameterException(name, name + ": " + Params.quote(text.get())
          + " (expected: true or false)");
    };
  }

  private static long millis(Params params, String name, long defaultMillis) {
    long millis = params.nanosFromUnits(name, NANOS_PER_MILLI, "milliseconds")
        .orElse(defaultMillis * NANOS_PER_MILLI) / NANOS_PER_MILLI;
    if (millis <= 0) {
      throw new BadParameterException(name, name + ": 0 (expected: >= 1)");
    }
    return millis;
  }

  private static long roundUp(long millis, long bucket) {
    return Math.floorDiv(millis + bucket - 1, bucket) * bucket;
  }
}
