package io.hollerith.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.client.PystatsdVectors;
import io.hollerith.client.PystatsdVectors.Vector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hollerith send}, run through picocli against real UDP, TCP and Unix listeners. */
class SendCommandTest {

  private DatagramSocket udp;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void listen() throws IOException {
    udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    udp.setSoTimeout(5_000);
  }

  @AfterEach
  void close() {
    udp.close();
  }

  private int run(String... args) {
    SendCommand command = new SendCommand();
    command.random = () -> 0.25; // sampled in for any rate >= 0.25
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private int runUdp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(udp.getLocalPort())));
    return run(all.toArray(new String[0]));
  }

  private String receive() throws IOException {
    byte[] buf = new byte[65_536];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    udp.receive(p);
    return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
  }

  @Test
  void typedValuesOverUdp() throws IOException {
    assertThat(runUdp("counter", "hits", "1", "--rate", "0.5")).isZero();
    assertThat(receive()).isEqualTo("hits:1|c|@0.5");
    assertThat(runUdp("gauge", "temp", "21.5")).isZero();
    assertThat(receive()).isEqualTo("temp:21.5|g");
    assertThat(runUdp("gauge", "temp", "2", "--delta")).isZero();
    assertThat(receive()).isEqualTo("temp:+2|g");
    assertThat(runUdp("gauge", "temp", "-3", "--delta")).isZero();
    assertThat(receive()).isEqualTo("temp:-3|g");
    assertThat(runUdp("gauge", "temp", "-3")).isZero();
    assertThat(receive()).isEqualTo("temp:0|g\ntemp:-3|g");
    assertThat(runUdp("timing", "db.query", "12.5")).isZero();
    assertThat(receive()).isEqualTo("db.query:12.500000|ms");
    assertThat(runUdp("set", "users", "alice")).isZero();
    assertThat(receive()).isEqualTo("users:alice|s");
    assertThat(runUdp("c", "hits", "1.5")).isZero();
    assertThat(receive()).isEqualTo("hits:1.5|c");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void sampledOutSendsNothing() throws IOException {
    assertThat(runUdp("counter", "dropped", "1", "--rate", "0.1")).isZero();
    assertThat(runUdp("counter", "kept", "1")).isZero();
    assertThat(receive()).isEqualTo("kept:1|c");
  }

  @Test
  void prefixAndTags() throws IOException {
    assertThat(
            runUdp("counter", "hits", "2", "--prefix", "app", "--tag", "env:prod", "--tag", "az"))
        .isZero();
    assertThat(receive()).isEqualTo("app.hits:2|c|#env:prod,az");
  }

  @Test
  void rawLinesArePackedIntoOneDatagram() throws IOException {
    assertThat(runUdp("--line", "hits:1|c", "--line", "temp:21.5|g")).isZero();
    assertThat(receive()).isEqualTo("hits:1|c\ntemp:21.5|g");
  }

  /** Every pystatsd vector's lines, sent raw, arrive byte for byte (packed as the client packs). */
  @Test
  void rawLinesOfEveryPystatsdVectorArriveUnchanged() throws IOException {
    for (Vector v : PystatsdVectors.all()) {
      if (v.datagrams().size() != 1 || v.maxUdpSize() != 512) {
        continue;
      }
      List<String> args = new ArrayList<>();
      for (String line : v.lines()) {
        args.add("--line");
        args.add(line);
      }
      assertThat(runUdp(args.toArray(new String[0]))).as(v.name()).isZero();
      assertThat(receive()).as(v.name()).isEqualTo(v.datagrams().get(0));
    }
  }

  @Test
  void tcpAndUnix(@TempDir Path tmp) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> got =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept();
                    InputStream in = s.getInputStream()) {
                  return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertThat(
              run(
                  "gauge",
                  "g",
                  "-1",
                  "--tcp",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(server.getLocalPort())))
          .isZero();
      assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("g:0|g\ng:-1|g\n");
    }
    Path sock = tmp.resolve("h.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      CompletableFuture<String> got =
          CompletableFuture.supplyAsync(
              () -> {
                try (SocketChannel ch = server.accept();
                    InputStream in = Channels.newInputStream(ch)) {
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  in.transferTo(out);
                  return out.toString(StandardCharsets.US_ASCII);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertThat(run("--line", "a:1|c", "--line", "b:2|g", "--unix", sock.toString())).isZero();
      assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("a:1|c\nb:2|g\n");
    }
  }

  @Test
  void connectionRefusedExitsWithOne() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(
            run(
                "counter",
                "x",
                "1",
                "--tcp",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(port)))
        .isEqualTo(1);
    assertThat(err.toString()).contains("hollerith send: cannot connect to StatsD at");
  }

  @Test
  void badUsageExitsWithTwoAndSaysWhy() throws IOException {
    assertThat(runUdp("histogram", "x", "1")).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown TYPE 'histogram': expected counter, gauge, timing or set");
    assertThat(runUdp("gauge", "x", "12abc")).isEqualTo(2);
    assertThat(err.toString()).contains("VALUE must be a number, got '12abc'");
    assertThat(runUdp("counter", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("missing TYPE NAME VALUE");
    assertThat(runUdp("counter", "x", "1", "--delta")).isEqualTo(2);
    assertThat(err.toString()).contains("--delta applies to gauges only");
    assertThat(runUdp("counter", "x", "1", "--rate", "0")).isEqualTo(2);
    assertThat(runUdp("--line", "a:1|c", "--prefix", "p")).isEqualTo(2);
    assertThat(runUdp("set", "caf\u00e9", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("must be ASCII");
    assertThat(runUdp("counter", "ok", "1")).isZero();
    assertThat(receive()).as("nothing was sent by the bad invocations").isEqualTo("ok:1|c");
  }

  private int runWithEnvironment(Map<String, String> environment, String... args) {
    SendCommand command = new SendCommand();
    command.random = () -> 0.25;
    command.environment = environment;
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void withoutAPortItSendsToTheConfiguredUdpPortFromTheFileOrTheEnvironment(@TempDir Path dir)
      throws IOException {
    Path config = dir.resolve("hollerith.yml");
    Files.writeString(config, "listeners:\n  udp: {port: " + udp.getLocalPort() + "}\n");
    assertThat(
            runWithEnvironment(
                Map.of(),
                "--config",
                config.toString(),
                "--host",
                "127.0.0.1",
                "counter",
                "from.file",
                "1"))
        .isZero();
    assertThat(receive()).isEqualTo("from.file:1|c");
    assertThat(
            runWithEnvironment(
                Map.of("HOLLERITH_LISTENERS_UDP_PORT", String.valueOf(udp.getLocalPort())),
                "--host",
                "127.0.0.1",
                "counter",
                "from.env",
                "1"))
        .isZero();
    assertThat(receive()).isEqualTo("from.env:1|c");
  }

  @Test
  void aBadConfigurationForTheDefaultPortIsAUsageError() {
    assertThat(
            runWithEnvironment(
                Map.of("HOLLERITH_LISTENERS_UDP_PORT", "eighty"), "counter", "x", "1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("listeners.udp.port: 'eighty' is not allowed");
  }
}
