package dev.ariadne.model.zipkin;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.Ids;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.Problems;
import dev.ariadne.model.internal.SharedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Maps the Zipkin spans of one request to the model, as the package documentation describes, and
 * collects them into a {@link DecodeResult}: a span that cannot be kept is counted and the first
 * few are named. Spans with the same local endpoint share one {@link Resource}, and spans with the
 * same remote endpoint its attributes, so a request of a few services makes a few of them, not
 * some for each span; nothing outlives the request. A reader fills {@link #span()} and calls
 * {@link #add()} for each span. Not thread-safe.
 */
final class SpanMapper {
  /** The latest time in microseconds whose nanoseconds still fit in a long (the year 2262). */
  static final long MAX_MICROS = Long.MAX_VALUE / 1000;

  /** How many distinct endpoints of a request share resources or attributes; more get their own. */
  private static final int MAX_SHARED = 32;

  private static final Attribute DEBUG = Attribute.of(Keys.ZIPKIN_DEBUG, true);
  private static final Attribute SHARED = Attribute.of(Keys.ZIPKIN_SHARED, true);
  private static final Comparator<Event> EVENT_ORDER =
      Comparator.comparingLong(Event::epochNanos).thenComparing(Event::name);

  private final ZipkinSpan span;
  private final List<Span> spans = new ArrayList<>();
  private final Problems problems = new Problems();

  private final ZipkinEndpoint[] locals = new ZipkinEndpoint[MAX_SHARED];
  private final Resource[] resources = new Resource[MAX_SHARED];
  private int resourceCount;
  private final ZipkinEndpoint[] remotes = new ZipkinEndpoint[MAX_SHARED];
  private final Attribute[][] remoteAttributes = new Attribute[MAX_SHARED][];
  private int remoteCount;

  // What attributes(ZipkinSpan) finds besides the attributes.
  private StatusCode statusCode;
  private String statusMessage;
  private Scope scope;

  SpanMapper(SharedText texts) {
    span = new ZipkinSpan(texts);
  }

  /** The span to read into, cleared. */
  ZipkinSpan span() {
    span.clear();
    return span;
  }

  /**
   * Checks the span read into {@link #span()} as zipkin2 would, then accepts or rejects it.
   *
   * @throws IllegalArgumentException with Zipkin's message if it lacks a trace ID or ID
   */
  void add() {
    span.complete();
    int index = spans.size() + problems.rejectedCount();
    String problem = problem(span);
    if (problem == null) {
      spans.add(toSpan(span));
      return;
    }
    problems.reject("[" + index + "] span " + Ids.toHex(span.id) + " of trace "
        + span.traceIdHex() + ": " + problem);
  }

  DecodeResult result() {
    return problems.result(spans);
  }

  /** Why a span cannot be kept, or null if it can. */
  private static String problem(ZipkinSpan span) {
    if (span.id == 0) {
      return "span ID is zero";
    }
    long timestamp = span.timestamp;
    if (timestamp == 0) {
      return "no timestamp (expected: microseconds since the epoch)";
    }
    long duration = span.duration;
    if (timestamp > MAX_MICROS || duration > MAX_MICROS - timestamp) {
      return "timestamp + duration: "
          + timestamp + " + " + duration + " (expected: <= " + MAX_MICROS + " microseconds)";
    }
    // Zipkin sorts annotations by time: the one to name is the earliest out of range.
    boolean outOfRange = false;
    long earliest = Long.MAX_VALUE;
    for (int i = 0; i < span.annotationCount; i++) {
      long time = span.annotationTimestamps[i];
      if ((time < 0 || time > MAX_MICROS) && time <= earliest) {
        outOfRange = true;
        earliest = time;
      }
    }
    if (outOfRange) {
      return "annotation timestamp: "
          + earliest + " (expected: 0 to " + MAX_MICROS + " microseconds)";
    }
    return null;
  }

  private Span toSpan(ZipkinSpan zipkin) {
    long start = zipkin.timestamp * 1000;
    List<Attribute> attributes = attributes(zipkin);
    return new Span(
        new TraceId(zipkin.traceIdHigh, zipkin.traceIdLow),
        zipkin.id,
        zipkin.parentId,
        Objects.requireNonNullElse(zipkin.name, ""),
        zipkin.kind == null ? SpanKind.INTERNAL : zipkin.kind,
        start,
        start + zipkin.duration * 1000,
        resource(zipkin.localEndpoint),
        scope,
        attributes,
        events(zipkin),
        List.of(),
        statusCode,
        statusMessage,
        "",
        0,
        0,
        0,
        0);
  }

  /** The resource of a local endpoint, shared with the spans before it that have the same one. */
  private Resource resource(ZipkinEndpoint local) {
    for (int i = 0; i < resourceCount; i++) {
      if (locals[i].sameAs(local)) {
        return resources[i];
      }
    }
    Resource resource = newResource(local);
    if (resourceCount < MAX_SHARED) {
      ZipkinEndpoint key = new ZipkinEndpoint();
      key.copy(local);
      locals[resourceCount] = key;
      resources[resourceCount++] = resource;
    }
    return resource;
  }

  private static Resource newResource(ZipkinEndpoint local) {
    String serviceName = local.serviceName == null ? Resource.UNKNOWN_SERVICE : local.serviceName;
    List<Attribute> attributes = new ArrayList<>(3);
    attributes.add(Attribute.of(Keys.SERVICE_NAME, serviceName));
    if (local.ipv4 != null || local.ipv6 != null) {
      List<Value> ips = local.ipv4 == null
          ? List.of(Value.of(local.ipv6))
          : local.ipv6 == null
              ? List.of(Value.of(local.ipv4))
              : List.of(Value.of(local.ipv4), Value.of(local.ipv6));
      attributes.add(new Attribute(Keys.HOST_IP, new Value.Array(ips)));
    }
    if (local.port != 0) {
      attributes.add(Attribute.of(Keys.NETWORK_LOCAL_PORT, (long) local.port));
    }
    return new Resource(serviceName, attributes, 0);
  }

  /** Annotations as events, in Zipkin's order (time, then value) without duplicates. */
  private static List<Event> events(ZipkinSpan zipkin) {
    int count = zipkin.annotationCount;
    if (count == 0) {
      return List.of();
    }
    Event[] events = new Event[count];
    boolean sorted = true;
    for (int i = 0; i < count; i++) {
      events[i] = new Event(
          zipkin.annotationTimestamps[i] * 1000, zipkin.annotationValues[i], List.of(), 0);
      sorted &= i == 0 || EVENT_ORDER.compare(events[i - 1], events[i]) < 0;
    }
    if (sorted) {
      return List.of(events);
    }
    Arrays.sort(events, EVENT_ORDER);
    int distinct = 1;
    for (int i = 1; i < count; i++) {
      if (!events[i].equals(events[distinct - 1])) {
        events[distinct++] = events[i];
      }
    }
    return List.of(Arrays.copyOf(events, distinct));
  }

  /**
   * The attributes of a span: its tags, less those that give its status and scope (which this
   * sets), and its remote endpoint and flags, which replace tags of the same name in place or
   * follow them.
   */
  private List<Attribute> attributes(ZipkinSpan zipkin) {
    zipkin.sortTags();
    String[] keys = zipkin.tagKeys;
    String[] values = zipkin.tagValues;
    int count = zipkin.tagCount;
    int errorTag = -1;
    int codeTag = -1;
    int descriptionTag = -1;
    int scopeNameTag = -1;
    int scopeVersionTag = -1;
    int peerServiceTag = -1;
    int peerAddressTag = -1;
    int peerPortTag = -1;
    int debugTag = -1;
    int sharedTag = -1;
    for (int i = 0; i < count; i++) {
      switch (keys[i]) {
        case Keys.ERROR -> errorTag = i;
        case Keys.OTEL_STATUS_CODE -> codeTag = i;
        case Keys.OTEL_STATUS_DESCRIPTION -> descriptionTag = i;
        case Keys.OTEL_SCOPE_NAME -> scopeNameTag = i;
        case Keys.OTEL_SCOPE_VERSION -> scopeVersionTag = i;
        case Keys.PEER_SERVICE -> peerServiceTag = i;
        case Keys.NETWORK_PEER_ADDRESS -> peerAddressTag = i;
        case Keys.NETWORK_PEER_PORT -> peerPortTag = i;
        case Keys.ZIPKIN_DEBUG -> debugTag = i;
        case Keys.ZIPKIN_SHARED -> sharedTag = i;
        default -> { }
      }
    }

    String code = codeTag < 0 ? null : values[codeTag];
    boolean otelStatus = "OK".equals(code) || "ERROR".equals(code);
    String description = "";
    if (!otelStatus) {
      codeTag = -1; // kept as an attribute, and the description too
      descriptionTag = -1;
    } else if (descriptionTag >= 0) {
      description = values[descriptionTag];
    }
    statusCode = StatusCode.UNSET;
    statusMessage = "";
    if (errorTag >= 0) {
      String error = values[errorTag];
      statusCode = StatusCode.ERROR;
      statusMessage = error.isEmpty() || error.equals("true") ? description : error;
    } else if (otelStatus) {
      statusCode = code.equals("OK") ? StatusCode.OK : StatusCode.ERROR;
      statusMessage = code.equals("ERROR") ? description : "";
    }
    if (scopeNameTag >= 0) {
      String version = scopeVersionTag < 0 ? "" : values[scopeVersionTag];
      scope = new Scope(values[scopeNameTag], version, List.of());
    } else {
      scope = Scope.UNKNOWN;
      scopeVersionTag = -1; // kept as an attribute
    }

    Attribute[] remote = remote(zipkin.remoteEndpoint);
    Attribute peerService = remote[0];
    Attribute peerAddress = remote[1];
    Attribute peerPort = remote[2];
    Attribute debug = zipkin.debug ? DEBUG : null;
    Attribute shared = zipkin.shared ? SHARED : null;

    int size = count
        - taken(errorTag) - taken(codeTag) - taken(descriptionTag) - taken(scopeNameTag)
        - taken(scopeVersionTag)
        + added(peerService, peerServiceTag) + added(peerAddress, peerAddressTag)
        + added(peerPort, peerPortTag) + added(debug, debugTag) + added(shared, sharedTag);
    Attribute[] attributes = new Attribute[size];
    int next = 0;
    for (int i = 0; i < count; i++) {
      if (i == errorTag || i == codeTag || i == descriptionTag || i == scopeNameTag
          || i == scopeVersionTag) {
        continue;
      }
      Attribute attribute;
      if (i == peerServiceTag && peerService != null) {
        attribute = peerService;
      } else if (i == peerAddressTag && peerAddress != null) {
        attribute = peerAddress;
      } else if (i == peerPortTag && peerPort != null) {
        attribute = peerPort;
      } else if (i == debugTag && debug != null) {
        attribute = debug;
      } else if (i == sharedTag && shared != null) {
        attribute = shared;
      } else {
        attribute = new Attribute(keys[i], new Value.Str(values[i]));
      }
      attributes[next++] = attribute;
    }
    next = append(attributes, next, peerService, peerServiceTag);
    next = append(attributes, next, peerAddress, peerAddressTag);
    next = append(attributes, next, peerPort, peerPortTag);
    next = append(attributes, next, debug, debugTag);
    append(attributes, next, shared, sharedTag);
    return List.of(attributes);
  }

  private static int taken(int tag) {
    return tag >= 0 ? 1 : 0;
  }

  /** 1 if {@code attribute} follows the tags: there is one, and no tag of its name. */
  private static int added(Attribute attribute, int tag) {
    return attribute != null && tag < 0 ? 1 : 0;
  }

  private static int append(Attribute[] attributes, int next, Attribute attribute, int tag) {
    if (attribute != null && tag < 0) {
      attributes[next++] = attribute;
    }
    return next;
  }

  /**
   * The {@code peer.service}, {@code network.peer.address} and {@code network.peer.port}
   * attributes of a remote endpoint (each null when it has none), shared with the spans before it
   * that have the same remote endpoint.
   */
  private Attribute[] remote(ZipkinEndpoint remote) {
    for (int i = 0; i < remoteCount; i++) {
      if (remotes[i].sameAs(remote)) {
        return remoteAttributes[i];
      }
    }
    String ip = remote.ipv4 != null ? remote.ipv4 : remote.ipv6;
    Attribute[] attributes = {
      remote.serviceName == null ? null : Attribute.of(Keys.PEER_SERVICE, remote.serviceName),
      ip == null ? null : Attribute.of(Keys.NETWORK_PEER_ADDRESS, ip),
      remote.port == 0 ? null : Attribute.of(Keys.NETWORK_PEER_PORT, (long) remote.port)
    };
    if (remoteCount < MAX_SHARED) {
      ZipkinEndpoint key = new ZipkinEndpoint();
      key.copy(remote);
      remotes[remoteCount] = key;
      remoteAttributes[remoteCount++] = attributes;
    }
    return attributes;
  }
}
