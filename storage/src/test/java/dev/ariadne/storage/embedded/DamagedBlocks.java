package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** Engines whose blocks have a bad page, for tests of what the query APIs say about them. */
public final class DamagedBlocks {
  private DamagedBlocks() {}

  /**
   * An engine in {@code directory} whose one block holds {@code spans} on a page that fails its
   * checksum. Maintenance is an hour away, so no merge salvages the block during a test.
   */
  public static EmbeddedStorage withBadPage(Path directory, List<Span> spans) throws IOException {
    EmbeddedStorage storage = EmbeddedStorage.builder(directory)
        .retention(Duration.ofDays(365_000))
        .maintenanceInterval(Duration.ofHours(1))
        .open();
    storage.write(spans);
    storage.cut();
    Path block;
    try (Stream<Path> files = Files.list(directory.resolve("blocks"))) {
      block = files.filter(f -> f.toString().endsWith(".block")).findFirst().orElseThrow();
    }
    Extent page = BlockLayout.index(block).page(0);
    try (RandomAccessFile file = new RandomAccessFile(block.toFile(), "rw")) {
      long at = page.offset() + page.length() / 2;
      file.seek(at);
      int b = file.read();
      file.seek(at);
      file.write(b ^ 0xFF);
    }
    return storage;
  }
}
