package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.client.PystatsdVectors.Vector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire-format vectors (the client's agreed list, pystatsd 4.x's own test expectations, and
 * Python's number formatting at the edges), each run through a real UDP, TCP and Unix stream
 * socket. Expectations are written as the UDP datagrams; on a stream the same bytes arrive joined
 * by {@code \n} and newline-terminated.
 */
class WireFormatTest {

  @TempDir static Path tmp;
  private static UdpCapture udp;
  private static StreamCapture tcp;
  private static StreamCapture unix;

  @BeforeAll
  static void listen() throws IOException {
    udp = new UdpCapture();
    tcp = StreamCapture.tcp();
    unix = StreamCapture.unix(tmp.resolve("statsd.sock"));
  }

  @AfterAll
  static void stop() throws IOException {
    udp.close();
    tcp.close();
    unix.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (ClientTransport t : ClientTransport.values()) {
      for (Vector v : PystatsdVectors.all()) {
        all.add(Arguments.of(t, v));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void putsPystatsdBytesOnTheWire(ClientTransport transport, Vector v) throws Exception {
    InetSocketAddress udpAddress =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.port());
    InetSocketAddress tcpAddress =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.port());
    StatsClientBase c =
        transport.open(
            udpAddress,
            tcpAddress,
            tmp.resolve("statsd.sock"),
            v.prefix(),
            v.maxUdpSize(),
            v::random);
    if (c instanceof StatsClient u) {
      try (u) {
        v.calls().accept(u);
        assertThat(udp.receive(v.datagrams().size())).containsExactlyElementsOf(v.datagrams());
        udp.assertNothingMore();
        assertThat(u.sendFailures()).isZero();
      }
    } else {
      checkStream((StreamStatsClient) c, transport == ClientTransport.TCP ? tcp : unix, v);
    }
  }

  private static void checkStream(StreamStatsClient c, StreamCapture server, Vector v)
      throws Exception {
    assertThat(c.isConnected()).as("connects lazily").isFalse();
    v.calls().accept(c);
    if (v.datagrams().isEmpty()) {
      assertThat(c.isConnected()).as("nothing sent, so never connected").isFalse();
      c.close();
      assertThat(server.noMoreConnections()).isTrue();
      return;
    }
    c.close();
    assertThat(server.nextConnection()).isEqualTo(v.streamBytes());
  }

  @Test
  void vectorNamesAreUnique() {
    List<String> names = PystatsdVectors.all().stream().map(Vector::name).toList();
    assertThat(names).doesNotHaveDuplicates();
    assertThat(Collections.frequency(names, "incr")).isEqualTo(1);
  }
}
