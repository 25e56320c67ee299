package io.hollerith.server.flush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundPriorityTest {

  private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

  @Test
  void aLoweredTaskRunsThatManyNiceStepsBelowTheProcessAndLeavesOtherThreadsAlone()
      throws Exception {
    assumeTrue(Files.exists(THREAD_STAT), "needs Linux's /proc/thread-self");
    int process = BackgroundPriority.niceOf(Path.of("/proc/self/stat")).orElseThrow();
    AtomicReference<OptionalInt> seen = new AtomicReference<>();
    Thread t =
        new Thread(
            BackgroundPriority.lowered(7, () -> seen.set(BackgroundPriority.niceOf(THREAD_STAT))));
    t.start();
    t.join();
    assertThat(seen.get()).hasValue(Math.min(BackgroundPriority.LOWEST, process + 7));
    assertThat(BackgroundPriority.niceOf(THREAD_STAT)).hasValue(process);
  }

  @Test
  void anIncrementPastTheLowestPriorityStopsThere() throws Exception {
    assumeTrue(Files.exists(THREAD_STAT), "needs Linux's /proc/thread-self");
    AtomicReference<OptionalInt> seen = new AtomicReference<>();
    Thread t =
        new Thread(
            BackgroundPriority.lowered(
                BackgroundPriority.LOWEST, () -> seen.set(BackgroundPriority.niceOf(THREAD_STAT))));
    t.start();
    t.join();
    assertThat(seen.get()).hasValue(BackgroundPriority.LOWEST);
  }

  @Test
  void zeroRunsTheTaskAsItIsAndAnythingOutsideZeroToNineteenIsRefused() {
    Runnable task = () -> {};
    assertThat(BackgroundPriority.lowered(0, task)).isSameAs(task);
    assertThatThrownBy(() -> BackgroundPriority.lowered(-1, task))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("increment must be 0 to 19, got -1");
    assertThatThrownBy(() -> BackgroundPriority.lowered(20, task))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theNiceValueIsReadPastACommandNameWithSpacesAndParentheses(@TempDir Path dir)
      throws Exception {
    Path stat = dir.resolve("stat");
    Files.writeString(
        stat, "4242 (odd) name (x) S 1 4242 4242 0 -1 4194560 5 0 0 0 3 1 0 0 25 5 1 0 17\n");
    assertThat(BackgroundPriority.niceOf(stat)).hasValue(5);
    Files.writeString(stat, "4242 (truncated) S 1 2\n");
    assertThat(BackgroundPriority.niceOf(stat)).isEmpty();
    assertThat(BackgroundPriority.niceOf(dir.resolve("missing"))).isEmpty();
  }
}
