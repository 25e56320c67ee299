package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pipeline packing at the {@code maxUdpSize} boundary over a real UDP socket: a datagram is sent
 * before the next line would make it reach {@code maxUdpSize}; a line that long goes alone.
 */
class PipelineTest {

  private static final int MAX = 64;
  private UdpCapture udp;
  private StatsClient client;

  @BeforeEach
  void setUp() throws IOException {
    udp = new UdpCapture();
    client = new StatsClient("127.0.0.1", udp.port(), null, MAX);
  }

  @AfterEach
  void tearDown() {
    client.close();
    udp.close();
  }

  /** A counter line of exactly {@code length} bytes: name + ":1|c". */
  private static String line(char c, int length) {
    return String.valueOf(c).repeat(length - 4) + ":1|c";
  }

  private void add(Pipeline p, String line) {
    p.incr(line.substring(0, line.length() - 4));
  }

  @Test
  void twoLinesOneByteShortOfMaxShareADatagram() throws IOException {
    String a = line('a', 30);
    String b = line('b', 32); // 30 + 1 + 32 = 63 < 64
    try (Pipeline p = client.pipeline()) {
      add(p, a);
      add(p, b);
    }
    assertThat(udp.receive()).isEqualTo(a + "\n" + b).hasSize(MAX - 1);
    udp.assertNothingMore();
  }

  @Test
  void linesExactlyFillingMaxGoInTwoDatagrams() throws IOException {
    String a = line('a', 30);
    String b = line('b', 33); // 30 + 1 + 33 = 64: would reach maxUdpSize
    try (Pipeline p = client.pipeline()) {
      add(p, a);
      add(p, b);
    }
    assertThat(udp.receive(2)).containsExactly(a, b);
    udp.assertNothingMore();
  }

  @Test
  void oneByteOverGoesInTwoDatagrams() throws IOException {
    String a = line('a', 30);
    String b = line('b', 34); // 65
    try (Pipeline p = client.pipeline()) {
      add(p, a);
      add(p, b);
    }
    assertThat(udp.receive(2)).containsExactly(a, b);
    udp.assertNothingMore();
  }

  @Test
  void oversizedLineGoesAloneAndOrderIsKept() throws IOException {
    String small1 = line('a', 10);
    String exactlyMax = line('m', MAX);
    String big = line('b', 200);
    String small2 = line('c', 10);
    String small3 = line('d', 10);
    try (Pipeline p = client.pipeline()) {
      add(p, small1);
      add(p, exactlyMax);
      add(p, big);
      add(p, small2);
      add(p, small3);
    }
    assertThat(udp.receive(4)).containsExactly(small1, exactlyMax, big, small2 + "\n" + small3);
    udp.assertNothingMore();
  }

  @Test
  void packsGreedilyInOrder() throws IOException {
    // 10-byte lines: 5 make 54 bytes, a 6th would make 65 >= 64.
    try (Pipeline p = client.pipeline()) {
      for (int i = 0; i < 12; i++) {
        add(p, line((char) ('a' + i), 10));
      }
    }
    List<String> got = udp.receive(3);
    assertThat(got.get(0).split("\n")).hasSize(5);
    assertThat(got.get(1).split("\n")).hasSize(5);
    assertThat(got.get(2).split("\n")).hasSize(2);
    assertThat(String.join("\n", got)).startsWith(line('a', 10)).endsWith(line('l', 10));
    assertThat(got).allSatisfy(d -> assertThat(d.length()).isLessThan(MAX));
    udp.assertNothingMore();
  }

  @Test
  void emptyAfterSendAndReusable() throws IOException {
    Pipeline p = client.pipeline();
    p.incr("a");
    assertThat(p.size()).isEqualTo(1);
    p.send();
    assertThat(p.size()).isZero();
    p.send();
    p.incr("b");
    p.close();
    assertThat(udp.receive(2)).containsExactly("a:1|c", "b:1|c");
    udp.assertNothingMore();
  }

  @Test
  void negativeGaugeIsOneItemWhenItFits() throws IOException {
    try (Pipeline p = client.pipeline()) {
      p.gauge("g", -7);
      assertThat(p.size()).isEqualTo(1);
    }
    assertThat(udp.receive()).isEqualTo("g:0|g\ng:-7|g");
  }

  @Test
  void nonAsciiThrowsAtTheCallAndKeepsTheRest() throws IOException {
    try (Pipeline p = client.pipeline()) {
      p.incr("ok");
      Assertions.assertThatThrownBy(() -> p.incr("caf\u00e9"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be ASCII")
          .hasMessageContaining("U+00E9");
      p.incr("ok2");
    }
    assertThat(udp.receive()).isEqualTo("ok:1|c\nok2:1|c");
    udp.assertNothingMore();
  }
}
