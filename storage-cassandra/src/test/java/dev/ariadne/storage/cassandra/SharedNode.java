package dev.ariadne.storage.cassandra;

import dev.ariadne.testservers.CassandraNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Cassandra node with the schema made in keyspace {@link #KEYSPACE}, shared by the test classes
 * that register this: started before the first of them, stopped (its files deleted) at the end of
 * the run. A test class that kills its node starts one of its own.
 */
final class SharedNode implements BeforeAllCallback {
  static final String KEYSPACE = "contract";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedNode.class);

  private CassandraNode node;

  @Override
  public void beforeAll(ExtensionContext context) {
    node = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Started.class, key -> Started.start(), Started.class).node();
  }

  /** The node, once the class's tests are about to run. */
  CassandraNode node() {
    return node;
  }

  /** The node and its directory, closed by JUnit after the last test. */
  private record Started(CassandraNode node, Path directory) implements AutoCloseable {
    static Started start() {
      try {
        Path directory = Files.createTempDirectory("cassandra-node");
        CassandraNode node = CassandraNode.start(directory);
        try {
          CassandraStorageTest.builder(node).build().close();
        } catch (IOException e) {
          node.close();
          throw e;
        }
        return new Started(node, directory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      node.close();
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
