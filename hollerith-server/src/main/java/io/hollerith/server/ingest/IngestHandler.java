package io.hollerith.server.ingest;

import io.hollerith.server.stats.RateLimitedLog;
import io.hollerith.server.stats.StatsRegistry.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ServerChannel;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the datagram and stream handlers share: handing buffers to the {@link PacketHandler} of the
 * channel's event loop, and counting in plain fields that are published to {@link ListenerStats}
 * once per read batch.
 *
 * <p>Not thread-safe: one instance per channel, used only by that channel's event loop.
 */
abstract class IngestHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);

  final ListenerStats stats;
  private final HandlersPerLoop handlers;
  private final LongSupplier clockMillis;
  private final RateLimitedLog errorLog;
  private PacketHandler handler;

  // Pending counts, added to the shared adders in publish().
  long packets;
  long bytes;
  long lines;
  private long handlerErrors;

  IngestHandler(
      ListenerStats stats,
      HandlersPerLoop handlers,
      LongSupplier clockMillis,
      RateLimitedLog errorLog) {
    this.stats = stats;
    this.handlers = handlers;
    this.clockMillis = clockMillis;
    this.errorLog = errorLog;
  }

  /** Added by a channel initializer, so the channel is registered and its event loop known. */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    handler = handlers.forLoop(ctx.channel().eventLoop());
  }

  /**
   * Hands {@code buf[start, end)} to the packet handler, then restores the buffer's indexes (the
   * handler may move them). Never throws.
   */
  final void deliver(ByteBuf buf, int start, int end) {
    if (end <= start) {
      return;
    }
    int reader = buf.readerIndex();
    int writer = buf.writerIndex();
    buf.setIndex(start, end);
    try {
      handler.handle(buf);
    } catch (RuntimeException e) {
      handlerErrors++;
      long suppressed = errorLog.tryAcquire();
      if (suppressed >= 0) {
        LOG.error(
            "{} listener: the packet handler threw; the packet is dropped and counted ({} more suppressed)",
            stats.name,
            suppressed,
            e);
      }
    } finally {
      buf.setIndex(reader, writer);
    }
  }

  /** Adds the pending counts to the shared statistics. */
  void publish() {
    if (packets != 0 || bytes != 0) {
      stats.packetsReceived.incr(packets);
      stats.messagesPacketsReceived.incr(packets);
      stats.bytesReceived.incr(bytes);
      stats.seen(clockMillis.getAsLong() / 1000);
      packets = 0;
      bytes = 0;
    }
    lines = addPending(stats.linesReceived, lines);
    handlerErrors = addPending(stats.handlerErrors, handlerErrors);
  }

  /**
   * Adds a pending count to its shared counter when there is one (the counter of a statistic the
   * listener kind does not keep is null, and its count stays 0); returns 0 for the caller to store
   * back into its field.
   */
  static long addPending(Counter counter, long pending) {
    if (pending != 0) {
      counter.incr(pending);
    }
    return 0;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    publish();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    publish();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    long suppressed = errorLog.tryAcquire();
    if (suppressed >= 0) {
      LOG.warn(
          "{} listener: socket error on {} ({} more suppressed): {}",
          stats.name,
          ctx.channel(),
          suppressed,
          cause.toString());
    }
    if (!(ctx.channel() instanceof ServerChannel) && isStream()) {
      var unused = ctx.close();
    }
  }

  abstract boolean isStream();
}
