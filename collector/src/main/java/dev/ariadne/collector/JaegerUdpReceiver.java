package dev.ariadne.collector;

import dev.ariadne.collector.Outcome.Kind;
import dev.ariadne.model.internal.Counted;
import dev.ariadne.model.jaeger.JaegerThriftDecoder;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Jaeger agent's UDP port: each datagram holds one Thrift {@code Agent.emitBatch} call, in the
 * compact protocol (port 6831, what every Jaeger client's UdpSender sends) or the binary one (port
 * 6832). A thread of its own receives the datagrams and hands each to the collector's ingest, as
 * the HTTP receivers hand a body. Nobody can be answered over UDP, so a datagram whose spans are
 * not stored is counted in {@code ariadne.collector.datagrams.dropped} by {@code protocol} and
 * {@code reason} (its valid spans in {@code ariadne.collector.datagram.spans.dropped}) and logged,
 * at most one line every ten seconds. Once the collector drains, datagrams are still
 * received and counted as dropped with reason {@code stopping}, so that none is lost uncounted;
 * those taken before are stored as usual. {@link #close()} stops receiving and releases the port.
 */
public final class JaegerUdpReceiver implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(JaegerUdpReceiver.class.getName());

  /**
   * The receive buffer: larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6), so
   * that no datagram is cut short.
   */
  static final int MAX_DATAGRAM_BYTES = 65_536;
  /**
   * The socket receive buffer asked of the OS, for bursts while a datagram is decoded: 4 MiB, about
   * 64 full datagrams. Linux grants at most {@code net.core.rmem_max}; what it granted is logged.
   */
  static final int SOCKET_BUFFER_BYTES = 4 << 20;
  /** The least time between two log lines about dropped datagrams. */
  static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Why a datagram was not stored: the {@code reason} tag. */
  enum Drop {
    /** Not one {@code emitBatch} call in the protocol: garbage, truncated, empty. */
    MALFORMED,
    /** Parsed, but none of its spans could be kept (counted in {@code spans.invalid}). */
    INVALID,
    /** More valid spans than {@code maxQueuedSpans}. */
    TOO_LARGE,
    /** The ingest queue was full. */
    REFUSED,
    /** Storage failed to write its spans. */
    STORAGE_FAILED,
    /** The collector was draining or closed. */
    STOPPING,
    /** A bug: the collector failed in an unexpected way. */
    INTERNAL;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Ingest ingest;
  private final Meters meters;
  private final Intake intake;
  private final Protocol protocol;
  private final Ingest.Decoder decoder;
  private final String name;
  private final DatagramChannel channel;
  private final InetSocketAddress localAddress;
  private final Map<Drop, Counter> droppedDatagrams = new EnumMap<>(Drop.class);
  private final Map<Drop, Counter> droppedSpans = new EnumMap<>(Drop.class);
  private final Thread thread;
  private final Object logLock = new Object();
  private long lastLogNanos;
  private long unlogged;
  private volatile boolean closed;

  private JaegerUdpReceiver(Ingest ingest, Meters meters, Intake intake,
      JaegerThriftDecoder decoder, DatagramChannel channel) throws IOException {
    this.ingest = ingest;
    this.meters = meters;
    this.intake = intake;
    this.protocol = switch (decoder) {
      case COMPACT -> Protocol.JAEGER_COMPACT;
      case BINARY -> Protocol.JAEGER_BINARY;
    };
    this.decoder = decoder::decodeEmitBatch;
    this.channel = channel;
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    this.name = "Jaeger " + decoder.name().toLowerCase(Locale.ROOT) + " UDP on "
        + localAddress.getHostString() + ":" + localAddress.getPort();
    for (Drop drop : Drop.values()) {
      droppedDatagrams.put(drop, meters.counter("datagrams.dropped",
          "UDP datagrams whose spans were not stored, by reason", protocol, "reason", drop.tag()));
      droppedSpans.put(drop, meters.counter("datagram.spans.dropped",
          "Valid spans in UDP datagrams that were not stored, by reason", protocol,
          "reason", drop.tag()));
    }
    lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
    thread = new Thread(this::receive, "ariadne-collector-" + protocol.tag() + "-udp");
    thread.setDaemon(true);
  }

  /** Binds {@code address} and starts receiving. */
  static JaegerUdpReceiver start(Ingest ingest, Meters meters, Intake intake,
      JaegerThriftDecoder decoder, InetSocketAddress address) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    JaegerUdpReceiver receiver;
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
      channel.bind(address);
      receiver = new JaegerUdpReceiver(ingest, meters, intake, decoder, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    int granted = channel.getOption(StandardSocketOptions.SO_RCVBUF);
    if (granted < SOCKET_BUFFER_BYTES) {
      LOG.log(Level.INFO, receiver.name + ": the OS granted a receive buffer of " + granted
          + " bytes of the " + SOCKET_BUFFER_BYTES + " asked (Linux: net.core.rmem_max);"
          + " a burst larger than it is dropped by the OS, uncounted");
    }
    receiver.thread.start();
    return receiver;
  }

  /** The address the socket is bound to, with the port it picked if it was asked for port 0. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * Stops receiving and releases the port; datagrams already received go on to storage. Waits for
   * the receiving thread to end. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Closing " + name + " failed", e);
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM_BYTES);
    while (!closed) {
      buffer.clear();
      SocketAddress sender;
      try {
        sender = channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!channel.isOpen()) {
          return;
        }
        LOG.log(Level.WARNING, "Receiving on " + name + " failed", e);
        continue;
      }
      take(Arrays.copyOf(buffer.array(), buffer.position()), sender);
    }
  }

  /** Hands one datagram to the ingest; its outcome is counted when it is known. */
  private void take(byte[] datagram, SocketAddress sender) {
    long start = System.nanoTime();
    if (!intake.take()) {
      meters.request(protocol.tag(), Kind.UNAVAILABLE, System.nanoTime() - start);
      dropped(Drop.STOPPING, 0, sender, Intake.STOPPING.message());
      return;
    }
    try {
      ingest.submit(protocol, datagram, false, decoder).whenComplete((outcome, error) -> {
        intake.finish();
        Outcome result = error == null ? outcome
            : Outcome.failed(Kind.INTERNAL, "internal error: " + error);
        meters.request(protocol.tag(), result.kind(), System.nanoTime() - start);
        counted(result, sender);
      });
    } catch (RuntimeException e) {
      intake.finish();
      meters.request(protocol.tag(), Kind.INTERNAL, System.nanoTime() - start);
      dropped(Drop.INTERNAL, 0, sender, "internal error: " + e);
    }
  }

  private void counted(Outcome outcome, SocketAddress sender) {
    Drop drop = switch (outcome.kind()) {
      case ACCEPTED -> null;
      case INVALID -> outcome.rejected() == 0 ? Drop.MALFORMED : Drop.INVALID;
      case TOO_LARGE -> Drop.TOO_LARGE;
      case REFUSED -> Drop.REFUSED;
      case UNAVAILABLE -> Ingest.closed(outcome) ? Drop.STOPPING : Drop.STORAGE_FAILED;
      case UNSUPPORTED, INTERNAL -> Drop.INTERNAL;
    };
    if (drop != null) {
      dropped(drop, drop == Drop.INVALID ? outcome.rejected() : outcome.notStored(), sender,
          outcome.message());
    }
  }

  /**
   * Counts the datagram and, unless a line was logged less than the interval ago, logs it. Its
   * spans are counted first, so that whoever sees the datagram counted sees them counted too.
   */
  private void dropped(Drop drop, int spans, SocketAddress sender, String message) {
    droppedSpans.get(drop).increment(spans);
    droppedDatagrams.get(drop).increment();
    long now = System.nanoTime();
    long before;
    synchronized (logLock) {
      if (now - lastLogNanos < LOG_INTERVAL_NANOS) {
        unlogged++;
        return;
      }
      lastLogNanos = now;
      before = unlogged;
      unlogged = 0;
    }
    LOG.log(Level.WARNING, name + " dropped a datagram from " + text(sender) + " (" + drop.tag()
        + (spans > 0 ? ", " + Counted.of(spans, "span") : "") + "): " + message
        + (before > 0 ? "; and " + Counted.of(before, "more datagram") + " since the last line,"
            + " counted in ariadne_collector_datagrams_dropped_total" : ""));
  }

  /** {@code host:port}, without the slash {@link InetSocketAddress#toString()} adds. */
  private static String text(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        ? inet.getHostString() + ":" + inet.getPort()
        : String.valueOf(address);
  }
}
