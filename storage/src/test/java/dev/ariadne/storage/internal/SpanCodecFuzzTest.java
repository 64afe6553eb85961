package dev.ariadne.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.embedded.RealisticSpans;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Decodes thousands of random mutations of valid encodings: each must decode or throw {@link
 * CorruptDataException}, never anything else, within a bounded time and allocating no more than a
 * constant times its length.
 */
class SpanCodecFuzzTest {
  private static final int MUTATIONS = 20_000;
  /** Decoded spans take more room than their bytes; this much more is allowed, and no more. */
  private static final long ALLOCATION_PER_BYTE = 200;
  private static final long ALLOCATION_SLACK = 1 << 20;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void mutatedEncodingsDecodeOrAreCorrupt() {
    List<byte[]> valid = validEncodings();
    Random random = new Random(0x5eed);
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      warmUp(valid);
      int corrupt = 0;
      for (int i = 0; i < MUTATIONS; i++) {
        byte[] base = valid.get(random.nextInt(valid.size()));
        byte[] mutated = mutate(base, valid.get(random.nextInt(valid.size())), random);
        if (!decodesOrIsCorrupt(i, mutated)) {
          corrupt++;
        }
      }
      // Most mutations break something; a fuzzer whose inputs all decoded would test nothing.
      assertThat(corrupt).isGreaterThan(MUTATIONS / 2);
    });
  }

  @Test
  void randomBytesAreCorrupt() {
    Random random = new Random(42);
    assertTimeoutPreemptively(Duration.ofMinutes(1), () -> {
      warmUp(validEncodings());
      for (int i = 0; i < 5_000; i++) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
          bytes[0] = SpanCodec.VERSION;
        }
        decodesOrIsCorrupt(i, bytes);
      }
    });
  }

  /**
   * Decodes every encoding and some corruptions of them on this thread, so that loading classes
   * and linking call sites, which allocate, happen before allocations are measured.
   */
  private static void warmUp(List<byte[]> valid) {
    Random random = new Random(1);
    for (int i = 0; i < 1_000; i++) {
      byte[] base = valid.get(i % valid.size());
      try {
        SpanCodec.decode(new ByteSource(i < valid.size() ? base : mutate(base, base, random),
            "warm-up"));
      } catch (CorruptDataException | RuntimeException ignored) {
        // Only the allocations of the first calls matter here.
      }
    }
  }

  /** True if {@code bytes} decoded; fails the test on anything but a CorruptDataException. */
  private boolean decodesOrIsCorrupt(int attempt, byte[] bytes) {
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    CorruptDataException corrupt = null;
    try {
      SpanCodec.decode(new ByteSource(bytes, "fuzz"));
    } catch (CorruptDataException e) {
      corrupt = e;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("attempt " + attempt + " threw " + e + " decoding "
          + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 512)), e);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    if (allocated > ALLOCATION_SLACK + ALLOCATION_PER_BYTE * bytes.length) {
      fail("attempt %d allocated %d bytes decoding %d bytes", attempt, allocated, bytes.length);
    }
    if (corrupt != null) {
      assertThat(corrupt.getMessage()).isNotBlank();
    }
    return corrupt == null;
  }


  private static byte[] mutate(byte[] base, byte[] other, Random random) {
    byte[] bytes = base.clone();
    int kind = random.nextInt(8);
    switch (kind) {
      case 0 -> { // flip a few bits
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          int bit = random.nextInt(bytes.length * 8);
          bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        }
      }
      case 1 -> { // overwrite a few bytes, often with extremes
        for (int writes = 1 + random.nextInt(4); writes > 0; writes--) {
          int at = random.nextInt(bytes.length);
          int choice = random.nextInt(4);
          bytes[at] = (byte) (choice == 0 ? 0 : choice == 1 ? 0xFF : choice == 2 ? 0x7F
              : random.nextInt(256));
        }
      }
      case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 3 -> { // insert random bytes
        int at = random.nextInt(bytes.length + 1);
        byte[] inserted = new byte[1 + random.nextInt(16)];
        random.nextBytes(inserted);
        bytes = splice(bytes, at, at, inserted);
      }
      case 4 -> { // delete a range
        int from = random.nextInt(bytes.length);
        bytes = splice(bytes, from, Math.min(bytes.length, from + 1 + random.nextInt(16)),
            new byte[0]);
      }
      case 5 -> { // duplicate a range
        int from = random.nextInt(bytes.length);
        int to = Math.min(bytes.length, from + 1 + random.nextInt(64));
        bytes = splice(bytes, to, to, Arrays.copyOfRange(bytes, from, to));
      }
      case 6 -> { // a header byte (version, counts, stream lengths) set to something large
        int at = random.nextInt(Math.min(bytes.length, 40));
        bytes[at] = (byte) (0x80 | random.nextInt(128));
      }
      default -> { // the head of one encoding on the tail of another
        int at = random.nextInt(Math.min(bytes.length, other.length));
        bytes = splice(bytes, at, bytes.length, Arrays.copyOfRange(other, at, other.length));
      }
    }
    return bytes;
  }

  private static byte[] splice(byte[] bytes, int from, int to, byte[] replacement) {
    byte[] result = new byte[bytes.length - (to - from) + replacement.length];
    System.arraycopy(bytes, 0, result, 0, from);
    System.arraycopy(replacement, 0, result, from, replacement.length);
    System.arraycopy(bytes, to, result, from + replacement.length, bytes.length - to);
    return result;
  }

  private static List<byte[]> validEncodings() {
    List<byte[]> encodings = new ArrayList<>();
    RealisticSpans realistic = new RealisticSpans(3);
    encodings.add(SpanCodec.encode(realistic.traces(3)));
    encodings.add(SpanCodec.encode(realistic.trace().subList(0, 2)));
    encodings.add(SpanCodec.encode(List.of()));
    TraceId trace = new TraceId(1, 2);
    List<Attribute> everyType = List.of(
        Attribute.of("s", "text ü \uD800"),
        Attribute.of("b", true),
        Attribute.of("i", -5L),
        Attribute.of("d", Double.NaN),
        Attribute.of("dec", 12.5),
        new Attribute("bytes", new Value.Bytes(new byte[] {1, 2, 3})),
        new Attribute("array", new Value.Array(List.of(Value.of(1L), new Value.Array(List.of(
            Value.of("x")))))),
        new Attribute("kv", new Value.KvList(List.of(Attribute.of("k", false)))));
    encodings.add(SpanCodec.encode(List.of(
        Span.builder()
            .traceId(trace)
            .spanId(5)
            .parentSpanId(6)
            .name("every field")
            .kind(SpanKind.CONSUMER)
            .startEpochNanos(1_000_000)
            .endEpochNanos(2_000_000)
            .resource(new Resource("svc", everyType, 1))
            .scope(new Scope("scope", "1", everyType))
            .attributes(everyType)
            .events(List.of(new Event(1_500_000, "event", everyType, 2)))
            .links(List.of(new Link(new TraceId(3, 4), 7, "state", everyType, 3, true)))
            .status(StatusCode.ERROR, "message")
            .traceState("a=b")
            .flags(1)
            .droppedAttributesCount(1)
            .droppedEventsCount(2)
            .droppedLinksCount(3)
            .build(),
        Span.builder().traceId(trace).spanId(6).build())));
    return encodings;
  }
}
