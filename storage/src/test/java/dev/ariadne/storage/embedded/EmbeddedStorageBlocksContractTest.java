package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.StorageContract;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared backend suite with every write cut into its own block at once, and blocks compacted
 * after every other write: every read is served from blocks, many of them merged.
 */
class EmbeddedStorageBlocksContractTest extends StorageContract {
  @TempDir Path directory;

  @Override
  protected Storage newStorage() throws Exception {
    EmbeddedStorage engine = EmbeddedStorage.builder(directory)
        .retention(Duration.ofDays(365_000))
        .compactionTargetSpans(1_000)
        .compactionFanIn(2)
        .open();
    return new CuttingStorage(engine);
  }

  /** Cuts the head after each write and compacts after every second one. */
  private static final class CuttingStorage implements Storage {
    private final EmbeddedStorage engine;
    private int writes;

    CuttingStorage(EmbeddedStorage engine) {
      this.engine = engine;
    }

    @Override
    public void write(List<Span> spans) throws IOException {
      engine.write(spans);
      engine.cut();
      if (++writes % 2 == 0) {
        engine.compact();
      }
    }

    @Override
    public List<Span> trace(TraceId traceId) throws IOException {
      return engine.trace(traceId);
    }

    @Override
    public int spanCount(TraceId traceId) throws IOException {
      return engine.spanCount(traceId);
    }

    @Override
    public List<TraceSummary> search(TraceQuery query) throws IOException {
      return engine.search(query);
    }

    @Override
    public List<String> services() throws IOException {
      return engine.services();
    }

    @Override
    public List<Operation> operations(String serviceName) throws IOException {
      return engine.operations(serviceName);
    }

    @Override
    public List<String> attributeKeys(Optional<String> serviceName, int limit) throws IOException {
      return engine.attributeKeys(serviceName, limit);
    }

    @Override
    public List<String> attributeValues(Optional<String> serviceName, String key, int limit)
        throws IOException {
      return engine.attributeValues(serviceName, key, limit);
    }

    @Override
    public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
        Cancellation cancellation) throws IOException {
      return engine.dependencies(startEpochNanos, endEpochNanos, cancellation);
    }

    @Override
    public void close() throws IOException {
      engine.close();
    }
  }
}
