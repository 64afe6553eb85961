package dev.ariadne.storage.embedded;

import java.util.concurrent.TimeUnit;

/**
 * Named moments in the engine's background work where a crash test can stop the process. When
 * the system property {@code ariadne.storage.crashPoint} names the moment reached, the engine
 * prints {@code ariadne: crash point <name> reached} to standard error and waits forever, so that
 * the test kills the process there with SIGKILL. Unset, as in every real deployment, it costs one
 * property read per block written.
 */
final class CrashPoint {
  static final String PROPERTY = "ariadne.storage.crashPoint";

  private CrashPoint() {}

  static void reached(String name) {
    if (!name.equals(System.getProperty(PROPERTY))) {
      return;
    }
    System.err.println("ariadne: crash point " + name + " reached");
    System.err.flush();
    while (true) {
      try {
        TimeUnit.DAYS.sleep(1);
      } catch (InterruptedException e) {
        // Only SIGKILL ends the wait: that is the point.
      }
    }
  }
}
