package dev.ariadne.model.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Rewrites of a serialized {@code ExportTraceServiceRequest}, field by field, guided by the
 * descriptors of the generated classes: what a generated serializer never writes but another
 * writer (or an attacker) may. Both decoders must read the result alike, valid or not.
 */
final class WireEdits {
  private static final Descriptor REQUEST = ExportTraceServiceRequest.getDescriptor();

  private WireEdits() {}

  /**
   * The body with, at every level, its fields in a random order, message fields now and then
   * split into two occurrences (which protobuf merges; for a repeated field, two elements), and
   * now and then a field added with a random number and wire type: most often unknown, or known
   * with another wire type (also unknown, then), sometimes a known one whose content is invalid.
   */
  static byte[] shuffle(byte[] body, Random random) {
    return join(shuffled(body, REQUEST, random));
  }

  private static List<byte[]> shuffled(byte[] message, Descriptor type, Random random) {
    List<byte[]> fields = new ArrayList<>();
    for (Field field : fields(message)) {
      FieldDescriptor descriptor = type.findFieldByNumber(field.number);
      if (field.wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED
          && descriptor != null
          && descriptor.getType() == FieldDescriptor.Type.MESSAGE
          && isMessage(field.payload(message))) {
        List<byte[]> inner = shuffled(field.payload(message), descriptor.getMessageType(), random);
        if (random.nextInt(4) == 0) {
          int split = random.nextInt(inner.size() + 1);
          fields.add(lengthDelimited(field.number, join(inner.subList(0, split))));
          fields.add(lengthDelimited(field.number, join(inner.subList(split, inner.size()))));
        } else {
          fields.add(lengthDelimited(field.number, join(inner)));
        }
      } else {
        fields.add(field.bytes(message));
      }
    }
    if (random.nextInt(8) == 0) {
      int number = 1 + random.nextInt(20); // often a known field, with any wire type
      fields.add(random.nextInt(fields.size() + 1), otherField(number, random));
    }
    if (random.nextInt(3) > 0) {
      Collections.shuffle(fields, random);
    }
    return fields;
  }

  /** False for the payload of a field an earlier shuffle added: not always a valid message. */
  private static boolean isMessage(byte[] payload) {
    try {
      fields(payload);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A field of a random wire type, a group included. */
  private static byte[] otherField(int number, Random random) {
    return write(out -> {
      switch (random.nextInt(5)) {
        case 0 -> out.writeUInt64(number, random.nextLong());
        case 1 -> out.writeFixed64(number, random.nextLong());
        case 2 -> out.writeFixed32(number, random.nextInt());
        case 3 -> {
          out.writeTag(number, WireFormat.WIRETYPE_START_GROUP);
          out.writeUInt32(1, 7);
          out.writeTag(number, WireFormat.WIRETYPE_END_GROUP);
        }
        default -> out.writeByteArray(number, new byte[] {(byte) 0xc3}); // not UTF-8
      }
    });
  }

  /**
   * Where the strings of the known string fields are, at any depth, as {@code {offset, length}}
   * of their bytes: each is a place to put invalid UTF-8.
   */
  static List<int[]> strings(byte[] body) {
    List<int[]> found = new ArrayList<>();
    walk(body, 0, body.length, REQUEST, (field, descriptor, offset, length) -> {
      if (descriptor != null && descriptor.getType() == FieldDescriptor.Type.STRING) {
        found.add(new int[] {offset, length});
      }
    });
    return found;
  }

  /**
   * Where the lengths of the length-delimited fields are, at any depth, known or unknown, as
   * {@code {offset of the length's varint, its size in bytes, the length}}.
   */
  static List<int[]> lengths(byte[] body) {
    List<int[]> found = new ArrayList<>();
    walk(body, 0, body.length, REQUEST, (field, descriptor, offset, length) -> {
      int varintSize = CodedOutputStream.computeUInt32SizeNoTag(length);
      found.add(new int[] {offset - varintSize, varintSize, length});
    });
    return found;
  }

  /** {@code body} with {@code size} bytes at {@code offset} replaced by {@code replacement}. */
  static byte[] replace(byte[] body, int offset, int size, byte[] replacement) {
    byte[] edited = new byte[body.length - size + replacement.length];
    System.arraycopy(body, 0, edited, 0, offset);
    System.arraycopy(replacement, 0, edited, offset, replacement.length);
    System.arraycopy(
        body, offset + size, edited, offset + replacement.length, body.length - offset - size);
    return edited;
  }

  /** Visits every length-delimited field, descending into the known message fields. */
  private static void walk(byte[] body, int from, int to, Descriptor type, Visitor visitor) {
    for (Field field : fields(Arrays.copyOfRange(body, from, to))) {
      if (field.wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        continue;
      }
      FieldDescriptor descriptor = type.findFieldByNumber(field.number);
      int offset = from + field.payloadOffset;
      visitor.visit(field, descriptor, offset, field.payloadLength);
      if (descriptor != null && descriptor.getType() == FieldDescriptor.Type.MESSAGE) {
        walk(body, offset, offset + field.payloadLength, descriptor.getMessageType(), visitor);
      }
    }
  }

  private interface Visitor {
    void visit(Field field, FieldDescriptor descriptor, int offset, int length);
  }

  /** One field of a valid message: where it is, and for a length-delimited one its payload. */
  private record Field(
      int number, int wireType, int offset, int end, int payloadOffset, int payloadLength) {
    byte[] bytes(byte[] message) {
      return Arrays.copyOfRange(message, offset, end);
    }

    byte[] payload(byte[] message) {
      return Arrays.copyOfRange(message, payloadOffset, payloadOffset + payloadLength);
    }
  }

  private static List<Field> fields(byte[] message) {
    List<Field> fields = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    try {
      while (true) {
        int offset = in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag == 0) {
          return fields;
        }
        int wireType = WireFormat.getTagWireType(tag);
        int payloadOffset = -1;
        int payloadLength = -1;
        if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          payloadLength = in.readRawVarint32();
          payloadOffset = in.getTotalBytesRead();
          in.skipRawBytes(payloadLength);
        } else {
          in.skipField(tag);
        }
        fields.add(new Field(WireFormat.getTagFieldNumber(tag), wireType, offset,
            in.getTotalBytesRead(), payloadOffset, payloadLength));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid message", e);
    }
  }

  private static byte[] lengthDelimited(int number, byte[] payload) {
    return write(out -> out.writeByteArray(number, payload));
  }

  private static byte[] join(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writer.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
