package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The UDP client: defaults, thread-safety, never throwing on send failures, IPv6, validation. */
class StatsClientTest {

  @Test
  void defaultsAreThoseOfPystatsd() {
    try (StatsClient c = new StatsClient()) {
      assertThat(c.address().getPort()).isEqualTo(8125);
      assertThat(c.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(c.maxUdpSize()).isEqualTo(512);
      assertThat(c.prefix()).isNull();
    }
  }

  @Test
  void fromEnvironmentReadsPystatsdVariables() throws IOException {
    try (UdpCapture udp = new UdpCapture();
        StatsClient c =
            StatsClient.fromEnvironment(
                Map.of(
                    "STATSD_HOST",
                    "127.0.0.1",
                    "STATSD_PORT",
                    String.valueOf(udp.port()),
                    "STATSD_PREFIX",
                    "envapp",
                    "STATSD_MAXUDPSIZE",
                    "1024",
                    "STATSD_IPV6",
                    "0"))) {
      assertThat(c.maxUdpSize()).isEqualTo(1024);
      c.incr("x");
      assertThat(udp.receive()).isEqualTo("envapp.x:1|c");
    }
    try (StatsClient d = StatsClient.fromEnvironment(Map.of())) {
      assertThat(d.address().getPort()).isEqualTo(8125);
      assertThat(d.prefix()).isNull();
    }
    assertThatThrownBy(() -> StatsClient.fromEnvironment(Map.of("STATSD_PORT", "eighty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("STATSD_PORT must be an integer, got \"eighty\"");
  }

  @Test
  void manyThreadsLoseNothingOnLoopback() throws Exception {
    try (UdpCapture udp = new UdpCapture();
        StatsClient client = new StatsClient("127.0.0.1", udp.port())) {
      // Keep the total within the receive buffer (about 1 KiB of kernel accounting per small
      // datagram) so that even a receiver that falls behind drops nothing.
      int threads = 8;
      int perThread = Math.min(250, udp.receiveBufferSize() / 1024 / threads);
      assertThat(perThread)
          .as("receive buffer too small for a meaningful test")
          .isGreaterThanOrEqualTo(50);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> senders = new ArrayList<>();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                      switch (i % 3) {
                        case 0 -> client.incr("t" + id + "." + i);
                        case 1 -> client.gauge("t" + id + "." + i, -i);
                        default -> client.timing("t" + id + "." + i, i);
                      }
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                });
        th.start();
        senders.add(th);
      }
      go.countDown();
      Set<String> got = new HashSet<>();
      for (int k = 0; k < threads * perThread; k++) {
        got.add(udp.receive());
      }
      for (Thread th : senders) {
        th.join();
      }
      assertThat(errors).isEmpty();
      Set<String> expected = new HashSet<>();
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          String n = "t" + t + "." + i;
          expected.add(
              switch (i % 3) {
                case 0 -> n + ":1|c";
                case 1 -> i == 0 ? n + ":0|g" : n + ":0|g\n" + n + ":-" + i + "|g";
                default -> n + ":" + i + ".000000|ms";
              });
        }
      }
      assertThat(got).isEqualTo(expected);
      assertThat(client.sendFailures()).isZero();
      udp.assertNothingMore();
    }
  }

  @Test
  void sendFailuresAreCountedAndHandledNeverThrown() {
    List<IOException> seen = new CopyOnWriteArrayList<>();
    StatsClient c = StatsClient.builder().host("127.0.0.1").port(9).errorHandler(seen::add).build();
    c.close();
    c.incr("after.close");
    try (Pipeline p = c.pipeline()) {
      p.incr("a");
      p.incr("b");
    }
    assertThat(c.sendFailures()).isEqualTo(2);
    assertThat(seen).hasSize(2).allMatch(e -> e instanceof ClosedChannelException);
  }

  @Test
  void oversizedDatagramIsAFailureNotAnException() throws IOException {
    try (UdpCapture udp = new UdpCapture();
        StatsClient c =
            StatsClient.builder()
                .host("127.0.0.1")
                .port(udp.port())
                .errorHandler(
                    e -> {
                      throw new IllegalStateException("a throwing handler is ignored");
                    })
                .build()) {
      c.set("big", "x".repeat(70_000));
      assertThat(c.sendFailures()).isEqualTo(1);
      c.incr("still.works");
      assertThat(udp.receive()).isEqualTo("still.works:1|c");
    }
  }

  @Test
  void errorHandlerMaySendThroughTheClientDuringASplitGauge() throws IOException {
    try (UdpCapture udp = new UdpCapture()) {
      StatsClient[] self = new StatsClient[1];
      try (StatsClient c =
          StatsClient.builder()
              .host("127.0.0.1")
              .port(udp.port())
              .errorHandler(e -> self[0].incr("errors"))
              .build()) {
        self[0] = c;
        c.gauge("g".repeat(70_000), -1); // both lines too long for a datagram: two failures
        assertThat(c.sendFailures()).isEqualTo(2);
        assertThat(udp.receive(2)).containsExactly("errors:1|c", "errors:1|c");
        udp.assertNothingMore();
      }
    }
  }

  @Test
  void unknownHostThrowsAtConstructionAsPystatsdDoes() {
    assertThatThrownBy(() -> new StatsClient("no-such-host.invalid", 8125))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot resolve StatsD host \"no-such-host.invalid\"");
  }

  @Test
  void nonAsciiIsRejectedBeforeSending() throws IOException {
    try (UdpCapture udp = new UdpCapture();
        StatsClient c = new StatsClient("127.0.0.1", udp.port())) {
      assertThatThrownBy(() -> c.incr("\u00fcber"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be ASCII");
      assertThatThrownBy(() -> c.set("s", "\u2603")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new StatsClient("127.0.0.1", udp.port(), "pr\u00e9fix"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("prefix must be ASCII");
      udp.assertNothingMore();
    }
  }

  @Test
  void invalidTagsAreRejected() {
    try (StatsClient c = new StatsClient("127.0.0.1", 9)) {
      assertThatThrownBy(() -> c.withTags("a,b"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("tag \"a,b\" contains ',', which would break the DogStatsD line");
      assertThatThrownBy(() -> c.withTags("a|b")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> c.withTags(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("empty tag at index 0");
      assertThatThrownBy(() -> c.withTags()).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void invalidOptionsAreRejected() {
    assertThatThrownBy(() -> new StatsClient("127.0.0.1", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in [0, 65535], got 70000");
    assertThatThrownBy(() -> new StatsClient("127.0.0.1", 8125, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxUdpSize must be positive, got 0");
  }

  @Test
  void ipv6Loopback() throws IOException {
    InetAddress v6;
    byte[] ipv6Loopback = new byte[16];
    ipv6Loopback[15] = 1;
    try (DatagramSocket probe =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(ipv6Loopback), 0))) {
      v6 = probe.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      v6 = null;
    }
    assumeTrue(v6 instanceof Inet6Address, "IPv6 loopback not available");
    try (UdpCapture udp = new UdpCapture(v6);
        StatsClient c = new StatsClient("::1", udp.port(), "six", 512, true)) {
      assertThat(c.address().getAddress()).isInstanceOf(Inet6Address.class);
      c.incr("hits");
      try (Pipeline p = c.pipeline()) {
        p.gauge("g", -2);
        p.timing("t", 1.5);
      }
      assertThat(udp.receive(2))
          .containsExactly("six.hits:1|c", "six.g:0|g\nsix.g:-2|g\nsix.t:1.500000|ms");
    }
  }

  @Test
  void ipv4OnlyHostWithIpv6Throws() {
    assertThatThrownBy(() -> new StatsClient("127.0.0.1", 8125, null, 512, true))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("has no IPv6 address");
  }
}
