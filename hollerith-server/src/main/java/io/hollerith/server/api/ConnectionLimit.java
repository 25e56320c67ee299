package io.hollerith.server.api;

import io.hollerith.server.stats.StatsRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the HTTP connections open at once ({@code http.max_connections}): one more is closed as
 * soon as it is accepted, before anything is read from it, and counted in
 * {@code http.connections_rejected}. First in every connection's pipeline; shared by all of them,
 * thread-safe.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final StatsRegistry.Counter rejected;

  ConnectionLimit(int max, StatsRegistry stats) {
    this.max = max;
    this.rejected = stats.counter("http", "connections_rejected",
        "HTTP connections closed on accept because http.max_connections were open");
    stats.gauge("http", "connections_open", "HTTP connections open", open::get);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      rejected.incr();
      ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
    super.channelActive(ctx);
  }
}
