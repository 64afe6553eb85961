package dev.ariadne.server;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a started server or agent in the foreground until SIGTERM or Ctrl-C, then stops it: the
 * one way both commands report their settings' warnings and errors, start, say where they listen
 * and stop.
 */
final class Foreground {
  /** A server or an agent once started. */
  interface Running extends AutoCloseable {
    /** Says where it listens, and what else a user needs to know at start. */
    void printEndpoints(PrintStream out);

    /** Drains and stops. */
    @Override
    void close();
  }

  /** Reads the settings and starts the process. */
  interface Starter {
    Running start() throws ConfigException;
  }

  private Foreground() {}

  /**
   * Starts with {@code starter} and waits for the stop; the exit status: 2 for invalid settings, 1
   * when it cannot start (a port in use), 0 once stopped. Every line it writes starts with {@code
   * command} ({@code "ariadne server"}); {@code stopping} is the line that says the stop began.
   */
  static int run(String command, String stopping, Starter starter) throws InterruptedException {
    for (String warning : Settings.unknownEnvironment(System.getenv())) {
      System.err.println(command + ": " + warning);
    }
    Running process;
    try {
      process = starter.start();
    } catch (ConfigException e) {
      System.err.println(command + ": " + e.getMessage());
      return 2;
    } catch (StartException e) {
      System.err.println(command + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // The hook is in place before the process says where it listens: whoever waits for that line
    // may send SIGTERM at once.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(stopping);
                  process.close();
                  stopped.countDown();
                },
                "ariadne-shutdown"));
    process.printEndpoints(System.out);
    stopped.await();
    return 0;
  }
}
