package io.hollerith.server.ingest;

import io.hollerith.server.stats.RateLimitedLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sets up each accepted TCP or Unix stream connection: enforces the connection limits, of the
 * listener and (TCP) of each client address (an excess connection is closed at once and counted),
 * the optional idle timeout, and the newline framing. Shared by all connections of one listener;
 * thread-safe (the limits are an atomic counter and a concurrent map, touched once per connection).
 */
final class StreamChannelInitializer extends ChannelInitializer<Channel> {

  private final ListenerStats stats;
  private final HandlersPerLoop handlers;
  private final int maxConnections;
  private final ConnectionsPerAddress perAddress;
  private final int idleTimeoutSeconds;
  private final int maxLineBytes;
  private final LongSupplier clockMillis;
  private final RateLimitedLog errorLog;

  /**
   * @param maxConnectionsPerAddress connections one client address may hold; 0 for no such limit (a
   *     Unix socket's peers have no address)
   */
  StreamChannelInitializer(
      ListenerStats stats,
      HandlersPerLoop handlers,
      int maxConnections,
      int maxConnectionsPerAddress,
      int idleTimeoutSeconds,
      int maxLineBytes,
      LongSupplier clockMillis,
      RateLimitedLog errorLog) {
    this.stats = stats;
    this.handlers = handlers;
    this.maxConnections = maxConnections;
    this.perAddress =
        maxConnectionsPerAddress > 0 ? new ConnectionsPerAddress(maxConnectionsPerAddress) : null;
    this.idleTimeoutSeconds = idleTimeoutSeconds;
    this.maxLineBytes = maxLineBytes;
    this.clockMillis = clockMillis;
    this.errorLog = errorLog;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (stats.connections.incrementAndGet() > maxConnections) {
      stats.connections.decrementAndGet();
      stats.connectionsRejected.incr();
      var unused = ch.close();
      return;
    }
    InetAddress client =
        ch.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (perAddress != null && client != null) {
      if (!perAddress.tryOpen(client)) {
        stats.connections.decrementAndGet();
        stats.connectionsRejectedPerAddress.incr();
        var unused = ch.close();
        return;
      }
      ch.closeFuture().addListener(f -> perAddress.closed(client));
    }
    stats.connectionsTotal.incr();
    ch.closeFuture().addListener(f -> stats.connections.decrementAndGet());
    if (idleTimeoutSeconds > 0) {
      ch.pipeline()
          .addLast(
              new IdleStateHandler(idleTimeoutSeconds, 0, 0, TimeUnit.SECONDS),
              new IdleCloser(stats));
    }
    ch.pipeline()
        .addLast(new StreamIngestHandler(stats, handlers, maxLineBytes, clockMillis, errorLog));
  }

  /** Closes a connection that sent nothing for the idle timeout. */
  private static final class IdleCloser extends ChannelInboundHandlerAdapter {
    private final ListenerStats stats;

    IdleCloser(ListenerStats stats) {
      this.stats = stats;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        stats.connectionsIdleClosed.incr();
        var unused = ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }
}
