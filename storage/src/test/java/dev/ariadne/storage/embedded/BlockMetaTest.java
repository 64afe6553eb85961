package dev.ariadne.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockMetaTest {
  private static final int VERSION = BlockFormat.VERSION;

  @Test
  void metadataWithAFilterOfServicesReadsBackEqual() throws CorruptDataException {
    BloomFilter services = BloomFilter.create(3);
    List.of("pod-1", "pod-2", "pod-3").forEach(services::add);
    BlockMeta meta = meta(Optional.of(services));

    BlockMeta read = BlockMeta.read(source(bytes(meta)), VERSION, 0);

    assertThat(read).isEqualTo(meta);
    assertThat(read.allServices().orElseThrow().mightContain("pod-2")).isTrue();
  }

  @Test
  void anUnknownFilterFlagIsCorrupt() {
    byte[] bytes = bytes(meta(Optional.empty()));
    bytes[bytes.length - 1] = 2;

    assertThatThrownBy(() -> BlockMeta.read(source(bytes), VERSION, 0))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("service filter flag 2");
  }

  @Test
  void aTruncatedFilterIsCorrupt() {
    BloomFilter services = BloomFilter.create(100);
    services.add("pod-1");
    byte[] whole = bytes(meta(Optional.of(services)));

    for (int cut = 1; cut < 40; cut += 7) {
      byte[] truncated = Arrays.copyOf(whole, whole.length - cut);
      assertThatThrownBy(() -> BlockMeta.read(source(truncated), VERSION, 0))
          .as("less %d bytes", cut)
          .isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void metadataOfVersionFourEndsBeforeTheFlag() throws CorruptDataException {
    byte[] bytes = bytes(meta(Optional.empty()));

    BlockMeta read = BlockMeta.read(source(Arrays.copyOf(bytes, bytes.length - 1)), 4, 0);

    assertThat(read).isEqualTo(meta(Optional.empty()));
  }

  private static BlockMeta meta(Optional<BloomFilter> services) {
    return new BlockMeta(7, 3, List.of(), 10, 20, 30, 1, 1, 1_000, 0, Map.of(), Map.of(),
        services);
  }

  private static byte[] bytes(BlockMeta meta) {
    ByteSink out = new ByteSink(64);
    meta.writeTo(out);
    return Arrays.copyOf(out.array(), out.size());
  }

  private static ByteSource source(byte[] bytes) {
    return new ByteSource(bytes, "metadata");
  }
}
