package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hollerith.client.StatsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  private static final Pattern STARTED =
      Pattern.compile("started: udp /127\\.0\\.0\\.1:(\\d+), .*management /127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  @Test
  void sigtermFlushesWhatWasReceivedAndExitsZero() throws Exception {
    Path data = dir.resolve("data");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.hollerith.server.cli.HollerithCommand",
                "serve",
                "--data-dir",
                data.toString()));
    for (String set :
        List.of(
            "node_id=test-node",
            "listeners.udp.port=0",
            "listeners.udp.threads=1",
            "listeners.tcp.enabled=false",
            "listeners.management.port=0",
            "http.enabled=false",
            "aggregation.flush_interval=1h",
            "storage.retention=1h:30d")) {
      command.add("--set");
      command.add(set);
    }
    Path logFile = dir.resolve("serve.log");
    // Output goes to a file: a pipe read after the child exits can fail with "Stream closed".
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    try {
      await("the start-up log line")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !child.isAlive() || STARTED.matcher(Files.readString(logFile)).find());
      Matcher started = STARTED.matcher(Files.readString(logFile));
      assertThat(started.find()).as("start-up log:%n%s", Files.readString(logFile)).isTrue();
      int udpPort = Integer.parseInt(started.group(1));
      int managementPort = Integer.parseInt(started.group(2));

      try (StatsClient client = new StatsClient("127.0.0.1", udpPort)) {
        client.incr("term.hits", 9);
      }
      // The signal must come after the listener took the datagram: its counter shows it has.
      await("term.hits in the management counters")
          .atMost(Duration.ofSeconds(60))
          .until(() -> counters(managementPort).contains("'term.hits': 9"));
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

  /** The reply of the management interface's {@code counters} command. */
  private static String counters(int managementPort) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), managementPort)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("counters\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      while (!reply.toString(StandardCharsets.US_ASCII).endsWith("END\n\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        reply.write(b);
      }
      return reply.toString(StandardCharsets.US_ASCII);
    }
  }
}
