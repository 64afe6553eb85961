package dev.ariadne.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Span;
import java.io.IOException;
import java.util.List;

/**
 * Stops an engine's WAL with a real failed fsync, for tests of what follows: a write under the
 * interval sync policy leaves bytes unsynced, and the cut's roll of the WAL, which syncs them,
 * runs on an interrupted thread, so that {@link java.nio.channels.FileChannel} closes itself
 * inside the fsync and the fsync throws, as a failing disk would make it throw.
 */
public final class WalFaults {
  private WalFaults() {}

  /** Writes {@code spans} and then fails the fsync that would cover them. */
  public static void failAnFsyncAfter(EmbeddedStorage storage, List<Span> spans)
      throws IOException {
    storage.write(spans);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(storage::cut).hasMessageStartingWith("fsync of WAL segment");
    } finally {
      Thread.interrupted();
    }
    assertThat(storage.stopped()).isPresent();
  }
}
