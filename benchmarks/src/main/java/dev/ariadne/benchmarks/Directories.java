package dev.ariadne.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The temporary directories the benchmarks write into: the storage and analytics benchmarks' data,
 * and the browser profile of the UI benchmark.
 */
public final class Directories {
  private Directories() {}

  /**
   * Deletes {@code directory} and everything in it, deepest first. A file already gone is no
   * error: a browser may still be removing its own files while its profile is deleted.
   */
  public static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
