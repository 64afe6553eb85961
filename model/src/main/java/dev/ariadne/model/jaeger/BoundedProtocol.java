package dev.ariadne.model.jaeger;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolDecorator;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TSet;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.transport.TMemoryInputTransport;

/**
 * Keeps libthrift's generated readers within what one request body can hold. A list, set or map may
 * not declare more elements than bytes are left (every element takes at least one byte), so a
 * forged length cannot make the generated code allocate gigabytes for its {@code ArrayList}; and
 * structs and containers nest at most {@link #MAX_DEPTH} deep, so skipping unknown fields (which
 * libthrift 0.15 does recursively, without a limit) cannot overflow the stack. Strings and binaries
 * are bounded by the transport, whose known message size is the body's length. One per body; not
 * thread-safe.
 */
final class BoundedProtocol extends TProtocolDecorator {
  /** A Jaeger batch nests 8 levels deep (message, batch, spans, span, logs, log, fields, tag). */
  static final int MAX_DEPTH = 64;

  private final TMemoryInputTransport body;
  private int depth;

  BoundedProtocol(TProtocol protocol, TMemoryInputTransport body) {
    super(protocol);
    this.body = body;
  }

  @Override
  public TStruct readStructBegin() throws TException {
    enter();
    return super.readStructBegin();
  }

  @Override
  public void readStructEnd() throws TException {
    super.readStructEnd();
    depth--;
  }

  @Override
  public TList readListBegin() throws TException {
    TList list = super.readListBegin();
    enter();
    checkFits("list", list.size);
    return list;
  }

  @Override
  public void readListEnd() throws TException {
    super.readListEnd();
    depth--;
  }

  @Override
  public TSet readSetBegin() throws TException {
    TSet set = super.readSetBegin();
    enter();
    checkFits("set", set.size);
    return set;
  }

  @Override
  public void readSetEnd() throws TException {
    super.readSetEnd();
    depth--;
  }

  @Override
  public TMap readMapBegin() throws TException {
    TMap map = super.readMapBegin();
    enter();
    checkFits("map", map.size);
    return map;
  }

  @Override
  public void readMapEnd() throws TException {
    super.readMapEnd();
    depth--;
  }

  private void enter() throws TProtocolException {
    if (++depth > MAX_DEPTH) {
      throw new TProtocolException(
          TProtocolException.DEPTH_LIMIT,
          "structs and containers nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private void checkFits(String container, int size) throws TProtocolException {
    int left = body.getBytesRemainingInBuffer();
    if (size < 0 || size > left) {
      throw new TProtocolException(
          TProtocolException.SIZE_LIMIT,
          container + " of " + size + " elements (expected: at most the " + left + " bytes left)");
    }
  }
}
