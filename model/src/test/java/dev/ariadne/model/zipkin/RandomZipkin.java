package dev.ariadne.model.zipkin;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import zipkin2.Endpoint;

/**
 * Random but reproducible Zipkin spans and the odd values a decoder must treat as Zipkin does:
 * IDs of every length, mixed-case names and services, addresses of every form Zipkin parses (and
 * some it ignores), tags that map to the status, scope and remote endpoint, times at the edges.
 */
final class RandomZipkin {
  static final long MAX_MICROS = Long.MAX_VALUE / 1000;

  private static final String[] NAMES = {
    "get /api", "GET /API/Items/{id}", "", "Ünïcödé Näme", "select", "😀 emoji",
    "x\"<script>\n",
  };
  private static final String[] SERVICES = {
    "frontend", "Frontend", "CART", "checkout", "", "ümlaut-service", "svc with space",
  };
  private static final String[] TAG_KEYS = {
    "http.method", "http.path", "error", "otel.status_code", "otel.status_description",
    "otel.scope.name", "otel.scope.version", "peer.service", "network.peer.address",
    "network.peer.port", "zipkin.debug", "zipkin.shared", "", "A", "a", "é", "😀", "z.last",
  };
  private static final String[] TAG_VALUES = {
    "GET", "", "true", "false", "OK", "ERROR", "UNSET", "boom", "1.2.3", "503", "ünï", "😀",
    "x\"<script>\n\u0000\u2028",
  };
  private static final String[] ANNOTATION_VALUES = {"cs", "cr", "ws", "wr", "", "é", "😀"};

  private final Random random;

  RandomZipkin(long seed) {
    random = new Random(seed);
  }

  List<zipkin2.Span> spans(int max) {
    int count = random.nextInt(max + 1);
    List<zipkin2.Span> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spans.add(span());
    }
    return spans;
  }

  zipkin2.Span span() {
    zipkin2.Span.Builder span = zipkin2.Span.newBuilder()
        .traceId(traceIdHex())
        .id(spanIdHex(false))
        .kind(pick(zipkin2.Span.Kind.values(), true))
        .name(pick(NAMES))
        .timestamp(time())
        .duration(duration())
        .localEndpoint(maybe(0.9) ? endpoint() : null)
        .remoteEndpoint(maybe(0.5) ? endpoint() : null);
    if (maybe(0.7)) {
      span.parentId(spanIdHex(true));
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      span.addAnnotation(maybe(0.9) ? time() : random.nextLong(), pick(ANNOTATION_VALUES));
    }
    for (int i = random.nextInt(8); i > 0; i--) {
      span.putTag(pick(TAG_KEYS), pick(TAG_VALUES));
    }
    if (maybe(0.3)) {
      span.debug(random.nextBoolean());
    }
    if (maybe(0.3)) {
      span.shared(random.nextBoolean());
    }
    return span.build();
  }

  /** 1 to 32 lower-case hex digits, not all zero. */
  String traceIdHex() {
    String hex;
    do {
      hex = hex(random.nextBoolean() ? 16 : random.nextBoolean() ? 32 : 1 + random.nextInt(32));
    } while (hex.chars().allMatch(c -> c == '0'));
    return hex;
  }

  /** 1 to 16 hex digits, not all 16 zero; short zeros ({@code "0"}) now and then. */
  String spanIdHex(boolean parent) {
    if (maybe(0.02)) {
      return "0";
    }
    String hex;
    do {
      hex = hex(random.nextBoolean() ? 16 : 1 + random.nextInt(16));
    } while (!parent && hex.equals("0000000000000000"));
    return hex;
  }

  private String hex(int length) {
    StringBuilder hex = new StringBuilder(length);
    boolean zeros = maybe(0.2);
    for (int i = 0; i < length; i++) {
      hex.append(zeros && i < length / 2 ? '0' : "0123456789abcdef".charAt(random.nextInt(16)));
    }
    return hex.toString();
  }

  /** Mostly now-ish, sometimes absent, negative or near and past the year 2262. */
  long time() {
    return switch (random.nextInt(20)) {
      case 0 -> 0;
      case 1 -> -1 - random.nextInt(1000);
      case 2 -> MAX_MICROS - random.nextInt(3);
      case 3 -> MAX_MICROS + 1 + random.nextInt(1000);
      default -> 1_700_000_000_000_000L + random.nextInt(1_000_000_000);
    };
  }

  long duration() {
    return switch (random.nextInt(10)) {
      case 0 -> 0;
      case 1 -> -5;
      case 2 -> Long.MAX_VALUE / 2;
      default -> random.nextInt(10_000_000);
    };
  }

  Endpoint endpoint() {
    Endpoint.Builder endpoint = Endpoint.newBuilder();
    if (maybe(0.8)) {
      endpoint.serviceName(pick(SERVICES));
    }
    if (maybe(0.7)) {
      endpoint.parseIp(ip());
    }
    if (maybe(0.3)) {
      endpoint.parseIp(ip());
    }
    if (maybe(0.5)) {
      endpoint.port(random.nextInt(65_536));
    }
    return endpoint.build();
  }

  /** Text that may or may not be an address in one of the forms Zipkin knows. */
  String ip() {
    int a = random.nextInt(256);
    int b = random.nextInt(256);
    String hextet = Integer.toHexString(random.nextInt(0x10000));
    return switch (random.nextInt(24)) {
      case 0 -> "10.0." + a + "." + b;
      case 1 -> a + "." + b + "." + random.nextInt(300) + "." + random.nextInt(10);
      case 2 -> "010.001.1.1";
      case 3 -> "1.2.3";
      case 4 -> "1.2.3.4.5";
      case 5 -> "2001:db8::" + hextet;
      case 6 -> "2001:DB8:0:0:0:0:0:" + hextet.toUpperCase(java.util.Locale.ROOT);
      case 7 -> "::1";
      case 8 -> "::";
      case 9 -> "::" + a + "." + b + ".1.2";
      case 10 -> "::ffff:" + a + "." + b + ".1.2";
      case 11 -> "::FFFF:" + a + ".1.1.1";
      case 12 -> "::0000:1.1.1.1";
      case 13 -> "1::2::3";
      case 14 -> "1:2:3:4:5:6:7:8";
      case 15 -> "1:2:3:4:5:6:7:8:9";
      case 16 -> "1:0:0:2:0:0:0:0";
      case 17 -> ":1:2:3:4:5:6:7";
      case 18 -> "1:2:3:4:5:6:7:";
      case 19 -> "fe80::" + hextet + ":0:0:" + hextet;
      case 20 -> "0:0:0:0:0:0:" + a + "." + b + ".0.1";
      case 21 -> "::0:" + hextet;
      case 22 -> "12345::1";
      default -> "localhost";
    };
  }

  boolean maybe(double probability) {
    return random.nextDouble() < probability;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private <T> T pick(T[] values, boolean orNull) {
    return orNull && random.nextInt(values.length + 1) == 0 ? null : pick(values);
  }
}
