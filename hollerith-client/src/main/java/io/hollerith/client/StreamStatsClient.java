package io.hollerith.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A client over a stream socket (pystatsd's {@code StreamClientBase}): every item is written
 * followed by {@code \n}, and a pipeline is one newline-joined write. It connects lazily on the
 * first send and keeps the connection until {@link #close()} or {@link #reconnect()}.
 *
 * <p>Connection and write errors propagate as {@link UncheckedIOException} (pystatsd raises the
 * socket error); the connection is kept as it is, so after an error call {@link #reconnect()}. With
 * a timeout, connecting and each write give up after it with a {@link SocketTimeoutException}
 * cause; without one they block.
 *
 * <p><b>Not thread-safe</b>, as in pystatsd: confine an instance to one thread or lock around it.
 */
public abstract class StreamStatsClient extends StatsClientBase {

  private final Duration timeout;

  /** Holds the item and its newline so that each item is a single write. */
  private final LineBuffer out = new LineBuffer(512);

  private SocketChannel channel;
  private Selector selector;
  private SelectionKey key;

  /** The address of the open connection, for error messages. */
  private SocketAddress connectedTo;

  StreamStatsClient(
      String prefix, Duration timeout, DoubleSupplier random, LongSupplier nanoClock) {
    super(prefix, null, random, nanoClock);
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    this.timeout = timeout;
  }

  /** Opens an unconnected channel of the right family. */
  abstract SocketChannel open() throws IOException;

  /** Where to connect; resolved on every {@link #connect()}. */
  abstract SocketAddress remote();

  /** The socket timeout, or {@code null} for blocking without a limit. */
  public Duration timeout() {
    return timeout;
  }

  /** Whether a connection is open. */
  public boolean isConnected() {
    return channel != null;
  }

  /**
   * Connects. A connection already open is closed first (pystatsd leaves the old socket to the
   * garbage collector; a Java channel would hold its file descriptor until then).
   *
   * @throws UncheckedIOException when the host cannot be resolved or the connection is refused or
   *     times out
   */
  public void connect() {
    close();
    SocketAddress remote = remote();
    SocketChannel ch = null;
    Selector sel = null;
    try {
      ch = open();
      SelectionKey k = null;
      if (timeout == null) {
        ch.connect(remote);
      } else {
        ch.configureBlocking(false);
        sel = Selector.open();
        k = ch.register(sel, SelectionKey.OP_CONNECT);
        if (!ch.connect(remote)) {
          long deadline = System.nanoTime() + timeout.toNanos();
          while (!ch.finishConnect()) {
            await(sel, deadline, "connecting to " + remote);
          }
        }
        k.interestOps(0);
      }
      channel = ch;
      connectedTo = remote;
      selector = sel;
      key = k;
    } catch (IOException e) {
      closeQuietly(ch, sel);
      throw new UncheckedIOException(
          "cannot connect to StatsD at " + remote + ": " + e.getMessage(), e);
    }
  }

  /** Closes the connection if one is open, then connects. */
  public void reconnect() {
    close();
    connect();
  }

  /** Closes the connection if one is open; a no-op otherwise. A later send connects again. */
  @Override
  public void close() {
    SocketChannel ch = channel;
    Selector sel = selector;
    channel = null;
    selector = null;
    key = null;
    closeQuietly(ch, sel);
  }

  @Override
  int packLimit() {
    return Integer.MAX_VALUE;
  }

  @Override
  void deliver(LineBuffer buf, int off, int len) {
    if (channel == null) {
      connect();
    }
    out.clear();
    out.putBytes(buf.array(), off, len).put('\n');
    ByteBuffer bb = out.view(0, out.length());
    try {
      if (timeout == null) {
        while (bb.hasRemaining()) {
          channel.write(bb);
        }
      } else {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bb.hasRemaining()) {
          if (channel.write(bb) == 0) {
            key.interestOps(SelectionKey.OP_WRITE);
            await(selector, deadline, "writing to " + connectedTo);
            key.interestOps(0);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot send to StatsD at " + connectedTo + ": " + e.getMessage(), e);
    }
  }

  private void await(Selector sel, long deadline, String what) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("timed out after " + timeout + " " + what);
    }
    sel.select(Math.max(1, left / 1_000_000));
    sel.selectedKeys().clear();
  }

  private static void closeQuietly(SocketChannel ch, Selector sel) {
    try {
      if (ch != null) {
        ch.close();
      }
    } catch (IOException ignored) {
      // Closing a broken connection has nothing left to report.
    }
    try {
      if (sel != null) {
        sel.close();
      }
    } catch (IOException ignored) {
      // As above.
    }
  }
}
