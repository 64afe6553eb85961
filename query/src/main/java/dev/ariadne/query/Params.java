package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.QueryParams;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * The parameters of one request, read with the checks every API shares. An empty value counts as
 * absent, as in Jaeger and Zipkin; of a repeated single-valued parameter the first counts. Every
 * failure is a {@link BadParameterException} naming the parameter.
 */
final class Params {
  /** The most traces or names one request may ask for. */
  static final int MAX_LIMIT = 10_000;
  private static final int MAX_QUOTED = 100;

  private final QueryParams query;
  private final Map<String, String> path;
  private final long nowEpochNanos;
  private final Cancellation cancellation;

  Params(QueryParams query, Map<String, String> path, long nowEpochNanos,
      Cancellation cancellation) {
    this.query = requireNonNull(query, "query");
    this.path = requireNonNull(path, "path");
    this.nowEpochNanos = nowEpochNanos;
    this.cancellation = requireNonNull(cancellation, "cancellation");
  }

  long nowEpochNanos() {
    return nowEpochNanos;
  }

  /** Cancelled once the request has timed out or its client has gone away. */
  Cancellation cancellation() {
    return cancellation;
  }

  Optional<String> optional(String name) {
    String value = query.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  String required(String name) {
    return optional(name).orElseThrow(
        () -> new BadParameterException(name, name + ": missing (expected: a value)"));
  }

  /** Every non-empty value of a repeatable parameter. */
  List<String> all(String name) {
    List<String> values = new ArrayList<>();
    for (String value : query.getAll(name)) {
      if (!value.isEmpty()) {
        values.add(value);
      }
    }
    return values;
  }

  String path(String name) {
    String value = path.get(name);
    if (value == null || value.isEmpty()) {
      throw new BadParameterException(name, name + ": missing (expected: a value)");
    }
    return value;
  }

  TraceId traceId(String name, String text) {
    try {
      return TraceId.fromHex(text);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException(
          name, name + ": " + quote(text) + " (expected: 1 to 32 hex characters)");
    }
  }

  int limit(String name, int defaultLimit) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return defaultLimit;
    }
    try {
      int limit = Integer.parseInt(text.get());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // Answered below.
    }
    throw new BadParameterException(name, name + ": " + quote(text.get())
        + " (expected: an integer from 1 to " + MAX_LIMIT + ")");
  }

  /** A non-negative integer. */
  OptionalLong count(String name) {
    return atLeast(name, 0);
  }

  private OptionalLong atLeast(String name, long min) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long value = Long.parseLong(text.get());
      if (value >= min) {
        return OptionalLong.of(value);
      }
    } catch (NumberFormatException ignored) {
      // Answered below.
    }
    throw new BadParameterException(
        name, name + ": " + quote(text.get()) + " (expected: an integer >= " + min + ")");
  }

  /** A non-negative integer in {@code unitNanos} units, as nanoseconds. */
  OptionalLong nanosFromUnits(String name, long unitNanos, String unitName) {
    return nanos(name, count(name), unitNanos, unitName);
  }

  /** A positive integer in {@code unitNanos} units, as nanoseconds: the length of a window. */
  OptionalLong positiveNanosFromUnits(String name, long unitNanos, String unitName) {
    return nanos(name, atLeast(name, 1), unitNanos, unitName);
  }

  private static OptionalLong nanos(String name, OptionalLong units, long unitNanos,
      String unitName) {
    if (units.isEmpty()) {
      return units;
    }
    try {
      return OptionalLong.of(Math.multiplyExact(units.getAsLong(), unitNanos));
    } catch (ArithmeticException e) {
      throw new BadParameterException(name, name + ": " + units.getAsLong()
          + " (expected: " + unitName + " before the year 2262)");
    }
  }

  /** A duration such as {@code 250ms}; see {@link Durations}. */
  OptionalLong duration(String name) {
    Optional<String> text = optional(name);
    return text.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(Durations.parseNanos(name, text.get()));
  }

  /** Epoch nanoseconds, as an integer or as an RFC 3339 time such as 2024-01-01T00:00:00Z. */
  OptionalLong epochNanos(String name) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    String value = text.get();
    try {
      if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
        return OptionalLong.of(Long.parseLong(value));
      }
      Instant instant = Instant.parse(value);
      return OptionalLong.of(
          Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L),
              instant.getNano()));
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new BadParameterException(name, name + ": " + quote(value)
          + " (expected: epoch nanoseconds or an RFC 3339 time such as 2024-01-01T00:00:00Z)");
    }
  }

  /** A span kind by its name in any case; {@code UNSPECIFIED} is not searchable. */
  Optional<SpanKind> kind(String name) {
    return oneOf(name, List.of(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER,
        SpanKind.CONSUMER, SpanKind.INTERNAL));
  }

  /** A span status, {@code error}, {@code ok} or {@code unset} in any case. */
  Optional<StatusCode> statusCode(String name) {
    return oneOf(name, List.of(StatusCode.ERROR, StatusCode.OK, StatusCode.UNSET));
  }

  /** One of {@code allowed}, named in any case. */
  private <E extends Enum<E>> Optional<E> oneOf(String name, List<E> allowed) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    for (E value : allowed) {
      if (value.name().equalsIgnoreCase(text.get())) {
        return Optional.of(value);
      }
    }
    StringJoiner names = new StringJoiner(", ");
    allowed.forEach(value -> names.add(value.name().toLowerCase(Locale.ROOT)));
    throw new BadParameterException(name, name + ": " + quote(text.get())
        + " (expected: one of " + names + ")");
  }

  /** A value for an error message: quoted, and cut to 100 characters. */
  static String quote(String value) {
    String cut = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
    return "\"" + cut + "\"";
  }
}
