package dev.ariadne.testservers;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server running in a child JVM on the classpath its build resolved, with its output in a log
 * file: started by {@link #start}, ready once it accepts connections on a port, stopped by {@link
 * #close} (SIGTERM, then SIGKILL if it has not gone within 30 seconds). A shutdown hook stops it
 * too, so a test JVM that exits without closing it leaves no server behind.
 */
public final class ChildJvm implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread hook;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.hook = new Thread(process::destroyForcibly, name + "-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code mainClass} with the classpath in resource {@code <server>.classpath} of this
   * package, and waits until it accepts connections on {@code readyPort} of 127.0.0.1.
   *
   * @throws IllegalStateException naming the log's last lines if the JVM exits or is not ready in
   *     time
   */
  static ChildJvm start(String server, List<String> jvmOptions, String mainClass,
      List<String> arguments, Path log, int readyPort, Duration readyTimeout) throws IOException {
    Process process = launch(server, jvmOptions, mainClass, arguments, log);
    ChildJvm jvm = new ChildJvm(server, process, log);
    try {
      jvm.awaitPort(readyPort, readyTimeout);
    } catch (RuntimeException | IOException e) {
      jvm.close();
      throw e;
    }
    return jvm;
  }

  /** Runs {@code mainClass} to completion, as a tool is run; throws with its output if it fails. */
  static void run(String server, List<String> jvmOptions, String mainClass, List<String> arguments,
      Path log, Duration timeout) throws IOException {
    Process process = launch(server, jvmOptions, mainClass, arguments, log);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            mainClass + " did not finish within " + timeout + "; its output:\n" + tail(log));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + mainClass, e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          mainClass + " exited with " + process.exitValue() + "; its output:\n" + tail(log));
    }
  }

  private static Process launch(String server, List<String> jvmOptions, String mainClass,
      List<String> arguments, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath(server));
    command.add(mainClass);
    command.addAll(arguments);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** A port of 127.0.0.1 that no socket holds now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  /** The last lines of the server's log, for a failure message. */
  String logTail() {
    return tail(log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
  void kill() {
    process.destroyForcibly();
    awaitExit(STOP_TIMEOUT);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!awaitExit(STOP_TIMEOUT)) {
        process.destroyForcibly();
        awaitExit(STOP_TIMEOUT);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: the process is gone either way.
    }
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private void awaitPort(int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + " before it accepted connections on port " + port + "; its log:\n" + tail(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " did not accept connections on port " + port
              + " within " + timeout + "; its log:\n" + tail(log), notYet);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
    }
  }

  private static String classpath(String server) throws IOException {
    String resource = server + ".classpath";
    try (InputStream in = ChildJvm.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " beside " + ChildJvm.class.getName()
            + ": build the test-servers module with Maven, which resolves the server's classpath");
      }
      return new String(in.readAllBytes(), UTF_8).strip();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(its log could not be read: " + e + ")";
    }
  }
}
