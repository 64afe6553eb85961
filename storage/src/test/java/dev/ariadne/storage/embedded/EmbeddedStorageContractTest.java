package dev.ariadne.storage.embedded;

import dev.ariadne.storage.Storage;
import dev.ariadne.storage.StorageContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The shared backend suite against the engine as configured by default: reads from the head. */
class EmbeddedStorageContractTest extends StorageContract {
  @TempDir Path directory;

  @Override
  protected Storage newStorage() throws Exception {
    // The suite's spans are from 2024; retention must not delete them while it runs.
    return EmbeddedStorage.builder(directory).retention(Duration.ofDays(365_000)).open();
  }
}
