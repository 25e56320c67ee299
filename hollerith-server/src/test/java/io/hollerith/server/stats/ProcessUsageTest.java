package io.hollerith.server.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** getrusage figures from /proc files. */
class ProcessUsageTest {

  @TempDir Path dir;

  @Test
  void readsCpuTimesAndTheRssHighWaterMarkFromProcFiles() throws Exception {
    // A command name with spaces and parentheses must not shift the fields.
    Files.writeString(
        dir.resolve("stat"),
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0\n");
    Files.writeString(
        dir.resolve("status"),
        "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t 100 kB\n");
    ProcessUsage usage = new ProcessUsage(dir);
    assertThat(usage.userSeconds()).hasValue(12.34);
    assertThat(usage.systemSeconds()).hasValue(5.67);
    assertThat(usage.maxRssBytes()).hasValue(204_800L * 1024);
  }

  @Test
  void unknownFiguresAreEmptyRatherThanMadeUp() {
    ProcessUsage usage = new ProcessUsage(dir.resolve("missing"));
    assertThat(usage.systemSeconds()).isEmpty();
    assertThat(usage.maxRssBytes()).isEmpty();
  }
}
