package io.hollerith.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.HollerithServer;
import io.hollerith.server.config.ConfigLoader;
import io.hollerith.server.datadir.DataDirectoryInUseException;
import io.hollerith.server.datadir.DataDirectoryLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hollerith serve} as its own process: how it refuses to start, and its data directory lock.
 */
class ServeProcessTest {

  private static final List<String> EPHEMERAL_PORTS =
      List.of(
          "--set",
          "listeners.udp.port=0",
          "--set",
          "listeners.tcp.port=0",
          "--set",
          "listeners.management.port=0",
          "--set",
          "http.port=0");

  @TempDir Path tmp;

  private static ProcessBuilder serve(Path data, Path stdout, Path stderr, String... extra) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                HollerithCommand.class.getName(),
                "serve",
                "--data-dir",
                data.toString()));
    command.addAll(EPHEMERAL_PORTS);
    command.addAll(List.of(extra));
    return new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
  }

  @Test
  void aPortInUsePrintsOneLineWithoutAStackTraceAndExitsNonZero() throws Exception {
    Path data = tmp.resolve("data");
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process child =
          serve(data, out, err, "--set", "listeners.tcp.port=" + taken.getLocalPort()).start();
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the refused start ends").isTrue();
      assertThat(child.exitValue()).isEqualTo(1);
      List<String> errLines = Files.readAllLines(err);
      assertThat(errLines)
          .singleElement()
          .asString()
          .startsWith(
              "hollerith: cannot start: tcp listener: cannot bind 127.0.0.1:"
                  + taken.getLocalPort());
      assertThat(Files.readString(out) + Files.readString(err))
          .doesNotContain("\tat ", "Exception in thread");
    }
    assertThat(data).doesNotExist();
  }

  @Test
  void aSecondServerIsRefusedWhileTheFirstLivesAndTheLockDiesWithItsProcess() throws Exception {
    Path data = tmp.resolve("data");
    Process first = serve(data, tmp.resolve("out.txt"), tmp.resolve("err.txt")).start();
    try {
      Path lockFile = data.resolve(DataDirectoryLock.FILE_NAME);
      String pid = Long.toString(first.pid());
      await("the first server to hold the lock")
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                assertThat(first.isAlive())
                    .as("the first server runs: %s", Files.readString(tmp.resolve("err.txt")))
                    .isTrue();
                return Files.exists(lockFile) && Files.readString(lockFile).trim().equals(pid);
              });
      assertThat(Files.readString(lockFile).trim()).isEqualTo(pid);

      Path err2 = tmp.resolve("err2.txt");
      Process second = serve(data, tmp.resolve("out2.txt"), err2).start();
      assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).isEqualTo(1);
      assertThat(Files.readAllLines(err2))
          .containsExactly(
              "hollerith: cannot start: data directory "
                  + data.toAbsolutePath()
                  + " is in use by another Hollerith server (pid "
                  + pid
                  + "); stop that server or set another data_dir");
      assertThatThrownBy(() -> startInThisProcess(data))
          .isInstanceOf(DataDirectoryInUseException.class)
          .hasMessageContaining("(pid " + pid + ")");
    } finally {
      first.destroyForcibly();
      first.waitFor(60, TimeUnit.SECONDS);
    }
    startInThisProcess(data).close();
  }

  private static HollerithServer startInThisProcess(Path data) throws Exception {
    List<String> sets = new ArrayList<>(List.of("data_dir=" + data, "node_id=n1"));
    for (int i = 1; i < EPHEMERAL_PORTS.size(); i += 2) {
      sets.add(EPHEMERAL_PORTS.get(i));
    }
    HollerithServer server =
        new HollerithServer(
            new ConfigLoader().load(null, Map.of(), sets),
            Clock.systemUTC(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      server.start();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * The management memory probe against a server in its own small heap: thousands of {@code
   * counters} commands from readers that never read leave the port answering, and SIGTERM still
   * stops the server cleanly.
   */
  @Test
  void aManagementFloodInASmallHeapLeavesThePortAnsweringAndSigtermWorking() throws Exception {
    Path out = tmp.resolve("out.txt");
    Path data = tmp.resolve("data");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-cp",
                System.getProperty("java.class.path"),
                HollerithCommand.class.getName(),
                "serve",
                "--data-dir",
                data.toString(),
                "--set",
                "listeners.udp.threads=1"));
    command.addAll(EPHEMERAL_PORTS);
    Process server =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    List<Socket> floods = new ArrayList<>();
    try {
      Matcher started =
          awaitLine(
              server,
              out,
              Pattern.compile(
                  "started: udp /127\\.0\\.0\\.1:(\\d+), .*management /127\\.0\\.0\\.1:(\\d+)"));
      int udpPort = Integer.parseInt(started.group(1));
      int managementPort = Integer.parseInt(started.group(2));
      try (DatagramSocket udp = new DatagramSocket()) {
        for (int packet = 0; packet < 100; packet++) {
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < 50; i++) {
            lines.append("flood.service.requests.").append(packet * 50 + i).append(":1|c\n");
          }
          byte[] bytes = lines.toString().getBytes(StandardCharsets.US_ASCII);
          udp.send(
              new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), udpPort));
        }
      }
      byte[] flood = "counters\n".repeat(7_000).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 8; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), managementPort);
        floods.add(socket);
        socket.getOutputStream().write(flood);
        socket.getOutputStream().flush();
      }
      for (int i = 0; i < 3; i++) {
        try (Socket health = new Socket(InetAddress.getLoopbackAddress(), managementPort)) {
          health.setSoTimeout(60_000);
          health.getOutputStream().write("health\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(new String(health.getInputStream().readNBytes(11), StandardCharsets.US_ASCII))
              .isEqualTo("health: up\n");
        }
      }
      server.destroy();
      assertThat(server.waitFor(120, TimeUnit.SECONDS)).as("SIGTERM stops the server").isTrue();
      assertThat(server.exitValue()).isZero();
      assertThat(Files.readString(out)).doesNotContain("OutOfMemoryError").contains("stopped");
    } finally {
      for (Socket socket : floods) {
        socket.close();
      }
      server.destroyForcibly();
      server.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static Matcher awaitLine(Process process, Path output, Pattern pattern) throws Exception {
    await("the server to report its addresses")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              assertThat(process.isAlive())
                  .as("the server runs: %s", Files.readString(output))
                  .isTrue();
              return pattern.matcher(Files.readString(output)).find();
            });
    Matcher m = pattern.matcher(Files.readString(output));
    assertThat(m.find()).isTrue();
    return m;
  }
}
