package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real UDP socket on an ephemeral loopback port that hands back what arrives, one datagram at a
 * time. Test support; not thread-safe (one reader).
 */
final class UdpCapture implements AutoCloseable {

  private static final int TIMEOUT_MS = 5_000;
  private final DatagramSocket socket;
  private final byte[] buf = new byte[65_536];

  UdpCapture() throws IOException {
    this(InetAddress.getLoopbackAddress());
  }

  UdpCapture(InetAddress bindTo) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(bindTo, 0));
    socket.setReceiveBufferSize(4 << 20);
    socket.setSoTimeout(TIMEOUT_MS);
  }

  int port() {
    return socket.getLocalPort();
  }

  InetAddress address() {
    return socket.getLocalAddress();
  }

  /** The kernel's receive buffer in bytes (Linux reports twice the requested accounting size). */
  int receiveBufferSize() throws IOException {
    return socket.getReceiveBufferSize();
  }

  /** The next datagram as ASCII text, waiting up to five seconds. */
  String receive() throws IOException {
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    socket.receive(p);
    return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.US_ASCII);
  }

  List<String> receive(int n) throws IOException {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(receive());
    }
    return out;
  }

  /**
   * Asserts that nothing else was sent before now: sends a marker datagram from another socket and
   * expects it to be the next one. On loopback a datagram is queued at the receiver before {@code
   * send} returns, so anything the client sent earlier would come first.
   */
  void assertNothingMore() throws IOException {
    String marker = "marker:" + System.nanoTime();
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(m, m.length, socket.getLocalAddress(), port()));
    }
    assertThat(receive()).as("next datagram after the expected ones").isEqualTo(marker);
  }

  /** Whether a datagram arrives within {@code millis} (consuming it). */
  boolean anyWithin(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      receive();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(TIMEOUT_MS);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
