package dev.ariadne.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Base64;

/**
 * Writes a {@link Value} as plain JSON: strings, booleans and numbers as themselves, bytes as
 * base64, arrays as arrays, maps as objects. Shared by every API that renders attribute values.
 */
public final class ValueJson {
  private ValueJson() {}

  public static void write(Value value, JsonGenerator json) throws IOException {
    if (value instanceof Value.Str str) {
      json.writeString(str.value());
    } else if (value instanceof Value.Bool bool) {
      json.writeBoolean(bool.value());
    } else if (value instanceof Value.Int number) {
      json.writeNumber(number.value());
    } else if (value instanceof Value.Dbl number) {
      json.writeNumber(number.value());
    } else if (value instanceof Value.Bytes bytes) {
      json.writeString(Base64.getEncoder().encodeToString(bytes.value()));
    } else if (value instanceof Value.Array array) {
      json.writeStartArray();
      for (Value element : array.values()) write(element, json);
      json.writeEndArray();
    } else if (value instanceof Value.KvList list) {
      json.writeStartObject();
      for (Attribute attribute : list.attributes()) {
        json.writeFieldName(attribute.key());
        write(attribute.value(), json);
      }
      json.writeEndObject();
    }
  }
}
