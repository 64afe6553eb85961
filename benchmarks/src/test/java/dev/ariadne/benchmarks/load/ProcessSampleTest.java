package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcessSampleTest {
  /** A process named "java (worker) 2": spaces and parentheses, as a thread can name itself. */
  private static final String STAT = "4242 (java (worker) 2) S 1 4242 4242 0 -1 4194560 91235 0 12 0"
      + " 2507 733 0 0 20 0 38 0 641458 4631449600 98304 18446744073709551615 1 1 0 0 0 0 0 4096 16384"
      + " 0 0 0 17 1 0 0 0 0 0\n";

  private static final String STATUS = "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t4242\n"
      + "VmPeak:\t 5061232 kB\nVmSize:\t 4522908 kB\nVmHWM:\t  412736 kB\nVmRSS:\t  398120 kB\nThreads:\t38\n";

  @Test
  void addsUserAndSystemTicksCountedAfterTheProcessName() {
    assertThat(ProcessSample.cpuTicks(STAT)).isEqualTo(2507 + 733);
  }

  @Test
  void readsPeakRssInKibibytes() {
    assertThat(ProcessSample.peakRssKb(STATUS)).isEqualTo(412_736);
  }

  @Test
  void readsResidentSetSizeInKibibytes() {
    assertThat(ProcessSample.statusKb(STATUS, "VmRSS")).isEqualTo(398_120);
  }

  @Test
  void rejectsAStatusWithoutTheLineAsked() {
    assertThatThrownBy(() -> ProcessSample.statusKb(STATUS, "VmSwap"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no VmSwap line");
    assertThatThrownBy(() -> ProcessSample.statusKb("VmRSS:\t kB\n", "VmRSS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no number on the VmRSS line");
  }

  @Test
  void rejectsATruncatedStatLine() {
    assertThatThrownBy(() -> ProcessSample.cpuTicks("4242 (java) S 1 4242"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fewer than 15 fields");
  }

  @Test
  void tellsTheJitCompilerThreadsByName() {
    assertThat(ProcessSample.isJitThread(STAT)).isFalse();
    assertThat(ProcessSample.isJitThread(STAT.replace("java (worker) 2", "C2 CompilerThre"))).isTrue();
    assertThat(ProcessSample.isJitThread(STAT.replace("java (worker) 2", "C1 CompilerThre"))).isTrue();
    assertThat(ProcessSample.isJitThread(STAT.replace("java (worker) 2", "GC Thread#0"))).isFalse();
    assertThatThrownBy(() -> ProcessSample.isJitThread("4242 java S 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsTheJitCompilerThreadsOfThisProcessWithinItsTime() throws IOException {
    // By now the test JVM has compiled thousands of methods (JUnit's, AssertJ's, the JDK's).
    ProcessSample sample = ProcessSample.read(ProcessHandle.current().pid());
    assertThat(sample.jitTicks()).isPositive().isLessThan(sample.cpuTicks());
  }

  @Test
  void readsThisProcess() throws IOException {
    ProcessSample sample = ProcessSample.read(ProcessHandle.current().pid());
    assertThat(sample.cpuTicks()).isPositive();
    assertThat(sample.peakRssKb()).isPositive();
    ProcessSample.Memory memory = ProcessSample.memory(ProcessHandle.current().pid());
    assertThat(memory.rssKb()).isPositive().isLessThanOrEqualTo(memory.peakRssKb());
  }
}
