package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hollerith.server.flush.BackgroundPriority;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The threads that work on closed intervals run below the ingest threads' CPU priority. */
class BackgroundThreadsTest {

  @TempDir Path dir;

  @Test
  void theFlusherAndTheStoreWriterRunTenNiceStepsBelowTheProcess() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "needs Linux's /proc");
    int process = BackgroundPriority.niceOf(Path.of("/proc/self/stat")).orElseThrow();
    int lowered = Math.min(BackgroundPriority.LOWEST, process + 10);
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      assertThat(h.server.storeSink()).as("the store writer runs").isNotNull();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(nicesOf("hollerith-flusher")).isNotEmpty().containsOnly(lowered);
                assertThat(nicesOf("hollerith-store-writer")).isNotEmpty().containsOnly(lowered);
              });
      assertThat(nicesOf("hollerith-udp")).isNotEmpty().containsOnly(process);
    }
  }

  /**
   * The nice values of this process's threads whose Java name starts with {@code prefix}, found
   * through the JVM's thread dump, which gives each thread's Linux id ({@code nid}).
   */
  private static List<Integer> nicesOf(String prefix) throws Exception {
    String dump =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "threadPrint",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    Matcher thread =
        Pattern.compile(
                "^\"(" + Pattern.quote(prefix) + "[^\"]*)\".* nid=(0x\\p{XDigit}+|\\d+) ",
                Pattern.MULTILINE)
            .matcher(dump);
    List<Integer> nices = new ArrayList<>();
    while (thread.find()) {
      String nid = thread.group(2);
      long tid = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
      BackgroundPriority.niceOf(Path.of("/proc/self/task/" + tid + "/stat")).ifPresent(nices::add);
    }
    return nices;
  }
}
