package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.client.StatsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hollerith serve} in a child JVM: SIGTERM stops it gracefully, with a final flush into the
 * store and exit status 0, so nothing received before the signal is lost.
 */
class GracefulShutdownTest {

  private static final Pattern STARTED = Pattern.compile("started: udp /127\\.0\\.0\\.1:(\\d+),");

  @TempDir Path dir;

  @Test
  void sigtermFlushesWhatWasReceivedAndExitsZero() throws Exception {
    Path data = dir.resolve("data");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "io.hollerith.server.cli.HollerithCommand", "serve",
        "--data-dir", data.toString()));
    for (String set : List.of("node_id=test-node", "listeners.udp.port=0", "listeners.udp.threads=1",
        "listeners.tcp.enabled=false", "listeners.management.enabled=false", "http.enabled=false",
        "aggregation.flush_interval=1h", "storage.retention=1h:30d")) {
      command.add("--set");
      command.add(set);
    }
    Path logFile = dir.resolve("serve.log");
    // Output goes to a file: a pipe read after the child exits can fail with "Stream closed".
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    try {
      int port = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (port < 0 && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(50);
        Matcher m = STARTED.matcher(Files.readString(logFile));
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertThat(port).as("start-up log:%n%s", Files.readString(logFile)).isPositive();

      try (StatsClient client = new StatsClient("127.0.0.1", port)) {
        client.incr("term.hits", 9);
      }
      Thread.sleep(500); // let the listener take the datagram before the signal
      child.destroy(); // SIGTERM
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
      String log = Files.readString(logFile);
      assertThat(child.exitValue()).as("exit status; log:%n%s", log).isZero();
      assertThat(log).contains("shutting down gracefully").contains("stopped");
    } finally {
      child.destroyForcibly();
    }

    try (ServerHarness h = ServerHarness.start(data)) {
      assertThat(ServerHarness.sumOfValues(h.series("term.hits", "&stat=count"))).isEqualTo(9.0);
    }
  }
}
