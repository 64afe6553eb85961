package dev.ariadne.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Ids;
import dev.ariadne.model.Value;
import dev.ariadne.model.ValueJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;

/**
 * The one JSON factory of the query APIs. Attribute values are untrusted text, so besides what JSON
 * requires it escapes {@code < > &} (a response pasted into a page cannot open a tag), U+2028 and
 * U+2029 (line ends to JavaScript), and every surrogate as its own {@code \\uXXXX}, so that a lone
 * surrogate in a span cannot fail a response halfway through.
 */
final class Json {
  static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .characterEscapes(new UntrustedTextEscapes())
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();

  private Json() {}

  static JsonGenerator generator(OutputStream out) throws IOException {
    return FACTORY.createGenerator(out);
  }

  /** A value as JSON text, for APIs whose tags are strings: arrays and maps as JSON. */
  static String text(Value value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      ValueJson.write(value, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static String base64(Value.Bytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.value());
  }

  static String hex(long id) {
    return Ids.toHex(id);
  }

  static String lowerCase(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  private static final class UntrustedTextEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

    private final int[] asciiEscapes;

    UntrustedTextEscapes() {
      asciiEscapes = standardAsciiEscapesForJSON();
      asciiEscapes['<'] = ESCAPE_STANDARD;
      asciiEscapes['>'] = ESCAPE_STANDARD;
      asciiEscapes['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return asciiEscapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == '\u2028') {
        return LINE_SEPARATOR;
      } else if (ch == '\u2029') {
        return PARAGRAPH_SEPARATOR;
      } else if (ch >= Character.MIN_SURROGATE && ch <= Character.MAX_SURROGATE) {
        return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
      }
      return null;
    }
  }
}
