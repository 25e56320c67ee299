package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StatsD#noop()}, and the clients of every transport behind the one interface. */
class StatsDTest {

  @Test
  void theNoopAcceptsEveryCallAndInputThatAClientWouldRefuse() throws Exception {
    StatsD noop = StatsD.noop();
    noop.incr("a");
    noop.incr("\u00e9t\u00e9", 2, 0.5);
    noop.decr("a", Long.MIN_VALUE);
    noop.gauge("g", -5);
    noop.gauge("g", Double.NaN, true);
    noop.set("s", "\u00fcber");
    noop.set("s", 3);
    noop.timing("t", Duration.ofSeconds(1));
    noop.sendLine("");
    assertThat(noop.withTags()).isSameAs(noop);
    assertThat(noop.prefix()).isNull();
    try (Pipeline pipe = noop.pipeline()) {
      pipe.incr("x");
      pipe.send();
      assertThat(pipe.size()).isZero();
    }
    AtomicInteger runs = new AtomicInteger();
    noop.timer("t").wrap(runs::incrementAndGet).run();
    assertThat(noop.timer("t").wrapCallable(() -> "result").call()).isEqualTo("result");
    assertThat(runs).hasValue(1);
    noop.close();
    noop.incr("after.close");
    assertThat(StatsD.noop()).isSameAs(noop);
  }

  @Test
  void aRealClientRefusesWhatTheNoopIgnores() throws IOException {
    try (UdpCapture udp = new UdpCapture();
        StatsD client = new StatsClient("127.0.0.1", udp.port())) {
      assertThatThrownBy(() -> client.incr("\u00e9t\u00e9"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.sendLine("")).isInstanceOf(IllegalArgumentException.class);
      udp.assertNothingMore();
    }
  }

  @Test
  void everyTransportIsAStatsDWithTheSameLines(@TempDir Path tmp) throws Exception {
    Path socket = tmp.resolve("statsd.sock");
    try (UdpCapture udp = new UdpCapture();
        StreamCapture tcp = StreamCapture.tcp();
        StreamCapture unix = StreamCapture.unix(socket)) {
      InetSocketAddress udpAddress = new InetSocketAddress(udp.address(), udp.port());
      InetSocketAddress tcpAddress =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.port());
      for (ClientTransport transport : ClientTransport.values()) {
        try (StatsD client =
            transport.open(udpAddress, tcpAddress, socket, "app", 512, () -> 0.0)) {
          recordLogin(client.withTags("env:test"));
        }
      }
      assertThat(udp.receive(2))
          .containsExactly(
              "app.logins:1|c|#env:test", "app.queue:0|g|#env:test\napp.queue:-2|g|#env:test");
      udp.assertNothingMore();
      String streamed =
          "app.logins:1|c|#env:test\napp.queue:0|g|#env:test\napp.queue:-2|g|#env:test\n";
      assertThat(tcp.nextConnection()).isEqualTo(streamed);
      assertThat(unix.nextConnection()).isEqualTo(streamed);
    }
  }

  private static void recordLogin(StatsD statsd) {
    statsd.incr("logins");
    statsd.gauge("queue", -2);
  }
}
