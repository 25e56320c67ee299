package io.hollerith.server.api;

import io.hollerith.server.stats.StatsRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the HTTP connections open at once ({@code http.max_connections}): one more is closed as soon
 * as it is accepted, before anything is read from it, and counted in {@code
 * http.connections_rejected}. It also knows the open connections, for the gauge {@code
 * http.response_bytes_pending}: response bytes written but not yet taken by the clients (a streamed
 * response adds to it only while the connection is writable, so it stays near Netty's 64 KiB
 * high-water mark per slow reader). First in every connection's pipeline; shared by all of them,
 * thread-safe.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final StatsRegistry.Counter rejected;

  ConnectionLimit(int max, StatsRegistry stats) {
    this.max = max;
    this.rejected =
        stats.counter(
            "http",
            "connections_rejected",
            "HTTP connections closed on accept because http.max_connections were open");
    stats.gauge("http", "connections_open", "HTTP connections open", open::get);
    stats.gauge(
        "http",
        "response_bytes_pending",
        "Response bytes written but not yet taken by HTTP clients",
        this::responseBytesPending);
  }

  private long responseBytesPending() {
    long total = 0;
    for (Channel channel : channels) {
      ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
      total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
    return total;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      rejected.incr();
      var unused = ctx.close();
      return;
    }
    Channel channel = ctx.channel();
    channels.add(channel);
    channel
        .closeFuture()
        .addListener(
            f -> {
              channels.remove(channel);
              open.decrementAndGet();
            });
    super.channelActive(ctx);
  }
}
