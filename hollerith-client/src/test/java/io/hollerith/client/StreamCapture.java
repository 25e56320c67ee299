package io.hollerith.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real TCP or Unix stream server that records everything each connection sends until the client
 * closes it. Test support: one accept thread, one connection at a time.
 */
final class StreamCapture implements AutoCloseable {

  private final ServerSocketChannel server;
  private final BlockingQueue<String> connections = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  private StreamCapture(ServerSocketChannel server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "stream-capture");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static StreamCapture tcp() throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return new StreamCapture(s);
  }

  static StreamCapture unix(Path path) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path));
    return new StreamCapture(s);
  }

  int port() throws IOException {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try (SocketChannel ch = server.accept()) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
          buf.flip();
          content.write(buf.array(), 0, buf.limit());
          buf.clear();
        }
        connections.add(content.toString(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        if (server.isOpen()) {
          connections.add("<error: " + e + ">");
        }
      }
    }
  }

  /** Everything the next connection sent, once its client closed it (waits up to 5 s). */
  String nextConnection() throws InterruptedException {
    String s = connections.poll(5, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no connection closed within 5 s");
    }
    return s;
  }

  /** Whether no further connection has been recorded. */
  boolean noMoreConnections() {
    return connections.isEmpty();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
