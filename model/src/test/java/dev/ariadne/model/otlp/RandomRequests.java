package dev.ariadne.model.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.Random;

/**
 * Random {@code ExportTraceServiceRequest}s built with the generated classes, using every field
 * and every kind of value: several resources and scopes or none, absent, empty and default
 * values, IDs of every wrong length and all zeros, enum numbers from a newer OTLP, uint32 counts
 * past {@code Integer.MAX_VALUE}, unknown fields of every wire type, and now and then attribute
 * values nested around the depth limit. The same seed gives the same requests.
 */
final class RandomRequests {
  private static final String[] TEXTS = {
    "", "a", "GET /users/{id}", "é", "中文", "😀 emoji", "service.name", "x".repeat(300),
  };
  private static final String[] KEYS = {
    "", "k", "http.request.method", "service.name", "opentracing.ref_type", "ключ", "k".repeat(90),
  };

  private final Random random;

  RandomRequests(Random random) {
    this.random = random;
  }

  ExportTraceServiceRequest request() {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int i = random.nextInt(4); i > 0; i--) {
      request.addResourceSpans(resourceSpans());
    }
    return request.setUnknownFields(unknownFields()).build();
  }

  private ResourceSpans resourceSpans() {
    ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder();
    if (random.nextInt(4) > 0) {
      resourceSpans.setResource(resource());
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      resourceSpans.addScopeSpans(scopeSpans());
    }
    if (random.nextBoolean()) {
      resourceSpans.setSchemaUrl(text());
    }
    return resourceSpans.setUnknownFields(unknownFields()).build();
  }

  private Resource resource() {
    Resource.Builder resource = Resource.newBuilder();
    for (int i = random.nextInt(5); i > 0; i--) {
      resource.addAttributes(keyValue(1));
    }
    if (random.nextInt(3) == 0) {
      resource.addAttributes(KeyValue.newBuilder().setKey("service.name").setValue(str(text())));
    }
    for (int i = random.nextInt(3) == 0 ? random.nextInt(3) : 0; i > 0; i--) {
      resource.addEntityRefs(EntityRef.newBuilder()
          .setSchemaUrl(text())
          .setType(text())
          .addIdKeys(text())
          .addDescriptionKeys(text())
          .setUnknownFields(unknownFields()));
    }
    return resource.setDroppedAttributesCount(count()).setUnknownFields(unknownFields()).build();
  }

  private ScopeSpans scopeSpans() {
    ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder();
    if (random.nextInt(3) > 0) {
      InstrumentationScope.Builder scope = InstrumentationScope.newBuilder()
          .setName(text())
          .setVersion(text())
          .setDroppedAttributesCount(count());
      for (int i = random.nextInt(3); i > 0; i--) {
        scope.addAttributes(keyValue(1));
      }
      scopeSpans.setScope(scope.setUnknownFields(unknownFields()));
    }
    for (int i = random.nextInt(5); i > 0; i--) {
      scopeSpans.addSpans(span());
    }
    if (random.nextBoolean()) {
      scopeSpans.setSchemaUrl(text());
    }
    return scopeSpans.setUnknownFields(unknownFields()).build();
  }

  private Span span() {
    Span.Builder span = Span.newBuilder()
        .setTraceId(id(16, 12))
        .setSpanId(id(8, 12))
        .setTraceState(text())
        .setFlags(random.nextInt(4) == 0 ? random.nextInt() : 0)
        .setName(text())
        .setKindValue(random.nextInt(8))
        .setStartTimeUnixNano(random.nextLong())
        .setEndTimeUnixNano(random.nextLong())
        .setDroppedAttributesCount(count())
        .setDroppedEventsCount(count())
        .setDroppedLinksCount(count());
    if (random.nextBoolean()) {
      span.setParentSpanId(id(8, 6));
    }
    for (int i = random.nextInt(6); i > 0; i--) {
      span.addAttributes(keyValue(1));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      Span.Event.Builder event = Span.Event.newBuilder()
          .setTimeUnixNano(random.nextLong())
          .setName(text())
          .setDroppedAttributesCount(count());
      for (int j = random.nextInt(3); j > 0; j--) {
        event.addAttributes(keyValue(1));
      }
      span.addEvents(event.setUnknownFields(unknownFields()));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      span.addLinks(link());
    }
    if (random.nextBoolean()) {
      span.setStatus(Status.newBuilder()
          .setCodeValue(random.nextInt(5))
          .setMessage(text())
          .setUnknownFields(unknownFields()));
    }
    return span.setUnknownFields(unknownFields()).build();
  }

  private Span.Link link() {
    Span.Link.Builder link = Span.Link.newBuilder()
        .setTraceState(text())
        .setDroppedAttributesCount(count())
        .setFlags(random.nextInt());
    if (random.nextInt(4) > 0) {
      link.setTraceId(id(16, 6));
    }
    if (random.nextInt(4) > 0) {
      link.setSpanId(id(8, 6));
    }
    if (random.nextBoolean()) {
      link.addAttributes(KeyValue.newBuilder()
          .setKey("opentracing.ref_type")
          .setValue(random.nextBoolean() ? str("follows_from") : anyValue(1)));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      link.addAttributes(keyValue(1));
    }
    return link.setUnknownFields(unknownFields()).build();
  }

  /** A KeyValue whose value is at {@code depth}: sometimes none, now and then nested deeply. */
  private KeyValue keyValue(int depth) {
    KeyValue.Builder keyValue = KeyValue.newBuilder().setKey(KEYS[random.nextInt(KEYS.length)]);
    if (random.nextInt(12) == 0) {
      keyValue.setKeyStrindex(random.nextInt());
    }
    int roll = random.nextInt(40);
    if (roll == 0) {
      return keyValue.build(); // no value at all
    }
    if (roll == 1 && depth == 1) {
      return keyValue.setValue(deep(28 + random.nextInt(26))).build();
    }
    return keyValue.setValue(anyValue(depth)).setUnknownFields(unknownFields()).build();
  }

  private AnyValue anyValue(int depth) {
    AnyValue.Builder value = AnyValue.newBuilder();
    int kinds = depth < 4 ? 10 : 8; // no more arrays and lists below depth 3
    switch (random.nextInt(kinds)) {
      case 0 -> {} // empty
      case 1 -> value.setStringValue(text());
      case 2 -> value.setBoolValue(random.nextBoolean());
      case 3 -> value.setIntValue(random.nextLong());
      case 4 -> value.setDoubleValue(
          random.nextInt(8) == 0 ? Double.NaN : random.nextGaussian() * 1e6);
      case 5 -> value.setBytesValue(bytes(random.nextInt(5)));
      case 6 -> value.setStringValueStrindex(random.nextInt(100));
      case 7 -> value.setStringValue("");
      case 8 -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.addValues(anyValue(depth + 1));
        }
        value.setArrayValue(array.setUnknownFields(unknownFields()));
      }
      default -> {
        KeyValueList.Builder list = KeyValueList.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.addValues(keyValue(depth + 1));
        }
        value.setKvlistValue(list.setUnknownFields(unknownFields()));
      }
    }
    return value.build();
  }

  /** A value of {@code levels} levels, arrays and lists mixed, with a string or nothing at the end. */
  AnyValue deep(int levels) {
    AnyValue value = random.nextBoolean() ? str("leaf") : AnyValue.getDefaultInstance();
    for (int i = 1; i < levels; i++) {
      if (random.nextBoolean()) {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        if (random.nextInt(4) == 0) {
          array.addValues(str("before"));
        }
        value = AnyValue.newBuilder().setArrayValue(array.addValues(value)).build();
      } else {
        KeyValueList.Builder list = KeyValueList.newBuilder();
        if (random.nextInt(4) == 0) {
          list.addValues(KeyValue.newBuilder().setKey("no value"));
        }
        list.addValues(KeyValue.newBuilder().setKey("k" + i).setValue(value));
        value = AnyValue.newBuilder().setKvlistValue(list).build();
      }
    }
    return value;
  }

  /** Unknown fields of every wire type, most of the time none. */
  UnknownFieldSet unknownFields() {
    if (random.nextInt(6) > 0) {
      return UnknownFieldSet.getDefaultInstance();
    }
    UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder();
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      int number = 100 + random.nextInt(1000);
      UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
      switch (random.nextInt(5)) {
        case 0 -> field.addVarint(random.nextLong());
        case 1 -> field.addFixed32(random.nextInt());
        case 2 -> field.addFixed64(random.nextLong());
        // Not UTF-8: unknown fields are not checked.
        case 3 -> field.addLengthDelimited(ByteString.copyFrom(new byte[] {(byte) 0xff, 1}));
        default -> field.addGroup(UnknownFieldSet.newBuilder()
            .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
            .build());
      }
      fields.mergeField(number, field.build());
    }
    return fields.build();
  }

  private AnyValue str(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private String text() {
    return TEXTS[random.nextInt(TEXTS.length)];
  }

  /** A uint32 count, now and then past {@code Integer.MAX_VALUE}. */
  private int count() {
    return switch (random.nextInt(6)) {
      case 0 -> random.nextInt();
      case 1 -> -1;
      default -> random.nextInt(4);
    };
  }

  /**
   * An ID of {@code size} random bytes; one time in {@code oneIn}, empty, of another length or
   * all zeros.
   */
  private ByteString id(int size, int oneIn) {
    if (random.nextInt(oneIn) > 0) {
      return bytes(size);
    }
    return switch (random.nextInt(4)) {
      case 0 -> ByteString.EMPTY;
      case 1 -> ByteString.copyFrom(new byte[size]);
      case 2 -> bytes(size - 1);
      default -> bytes(size + 1 + random.nextInt(9));
    };
  }

  private ByteString bytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }
}
