package dev.ariadne.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

class RepeatedFailureTest {
  /** One line of the log: its level, its text, and whether a stack trace came with it. */
  record Line(Level level, String text, boolean trace) {}

  private final List<Line> lines = new ArrayList<>();
  private final Logger log = new Logger() {
    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(new Line(level, msg, thrown != null));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(new Line(level, format, false));
    }
  };
  private long now = 1_000_000_000L;
  private final RepeatedFailure failures = new RepeatedFailure(
      log, Level.WARNING, "Writing spans to storage", Duration.ofSeconds(60), () -> now);

  private static IOException diskFull() {
    return new IOException("appending to WAL segment 4.wal failed",
        new IOException("No space left on device"));
  }

  @Test
  void logsTheFirstFailureAtOnceWithTheMessagesOfItsCauses() {
    failures.failed(diskFull());

    assertThat(lines).containsExactly(new Line(Level.WARNING, "Writing spans to storage failed: "
        + "appending to WAL segment 4.wal failed: No space left on device", false));
  }

  @Test
  void countsRepeatsAndReportsThemOncePerInterval() {
    failures.failed(diskFull());
    for (int i = 0; i < 500; i++) {
      now += 100_000_000L;
      failures.failed(diskFull());
    }

    assertThat(lines).hasSize(1);
    now += 10_000_000_000L;
    failures.failed(diskFull());

    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo(new Line(Level.WARNING, "Writing spans to storage failed "
        + "501 times more in the last 60 seconds: appending to WAL segment 4.wal failed: "
        + "No space left on device", false));
  }

  @Test
  void logsADifferentFailureAtOnceAfterTheRepeatsOfTheLastOne() {
    failures.failed(diskFull());
    now += 1_000_000_000L;
    failures.failed(diskFull());
    now += 1_000_000_000L;
    failures.failed(new IOException("Permission denied"));

    assertThat(lines).extracting(Line::text).containsExactly(
        "Writing spans to storage failed: appending to WAL segment 4.wal failed: "
            + "No space left on device",
        "Writing spans to storage failed once more in the last 2 seconds: appending to WAL "
            + "segment 4.wal failed: No space left on device",
        "Writing spans to storage failed: Permission denied");
  }

  @Test
  void logsTheEndOfAFailureOnceWithHowOftenAndHowLongItFailed() {
    failures.failed(diskFull());
    now += 30_000_000_000L;
    failures.failed(diskFull());
    now += 45_000_000_000L;
    failures.succeeded();
    failures.succeeded();

    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).isEqualTo(new Line(Level.INFO, "Writing spans to storage works "
        + "again, after failing 2 times over 30 seconds (the last time: appending to WAL segment "
        + "4.wal failed: No space left on device)", false));
  }

  @Test
  void workThatFailsAndSucceedsByTurnsIsOneFailureUntilItSettles() {
    failures.failed(diskFull());
    for (int i = 0; i < 10; i++) {
      now += 1_000_000_000L;
      failures.succeeded();
      failures.failed(diskFull());
    }
    assertThat(lines).hasSize(1);

    now += RepeatedFailure.SETTLE.toNanos();
    failures.succeeded();

    assertThat(lines).extracting(Line::text).containsExactly(
        "Writing spans to storage failed: appending to WAL segment 4.wal failed: "
            + "No space left on device",
        "Writing spans to storage works again, after failing 11 times over 10 seconds (the last "
            + "time: appending to WAL segment 4.wal failed: No space left on device)");
  }

  @Test
  void logsNothingForSuccessesAlone() {
    failures.succeeded();

    assertThat(lines).isEmpty();
  }

  @Test
  void startsAfreshAfterAnEnd() {
    String failed = "Writing spans to storage failed: appending to WAL segment 4.wal failed: "
        + "No space left on device";
    String ended = "Writing spans to storage works again, after failing once (the last time: "
        + "appending to WAL segment 4.wal failed: No space left on device)";
    failures.failed(diskFull());
    now += 6_000_000_000L;
    failures.succeeded();
    now += 1_000_000_000L;
    failures.failed(diskFull());
    now += 6_000_000_000L;
    failures.succeeded();

    assertThat(lines).extracting(Line::text).containsExactly(failed, ended, failed, ended);
  }

  @Test
  void keepsTheStackTraceOfAFailureThatIsNotAnIoError() {
    failures.failed(new IllegalStateException("head is closed"));

    assertThat(lines).containsExactly(
        new Line(Level.WARNING, "Writing spans to storage failed: head is closed", true));
  }

  @Test
  void leavesOutACauseWhoseMessageTheWrapperAlreadyHolds() {
    IOException cause = new IOException("No space left on device");
    RuntimeException wrapper = new RuntimeException(cause);

    assertThat(RepeatedFailure.messages(wrapper)).isEqualTo("java.io.IOException: No space left "
        + "on device");
    assertThat(RepeatedFailure.messages(new IOException((String) null)))
        .isEqualTo("IOException");
  }

  @Test
  void stopsFollowingCausesThatFormACycle() {
    IOException first = new IOException("first");
    IOException second = new IOException("second", first);
    first.initCause(second);

    assertThat(RepeatedFailure.messages(first).split(": ")).hasSize(8);
  }
}
