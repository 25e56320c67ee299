package io.hollerith.server.ingest;

import io.hollerith.server.stats.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongSupplier;

/**
 * Hands each UDP or Unix datagram to the packet handler and releases it. A datagram longer than
 * {@code max_packet_bytes} (the read buffers are one byte larger, so a truncated one shows up as
 * too long) is dropped and counted. With a read delay, a socket whose read emptied it rests before
 * the next read ({@link ReadRest}: up to the delay, as long as its receive buffer allows at the
 * current arrival rate), so one wake-up collects many datagrams. Not thread-safe: one per channel.
 */
final class DatagramIngestHandler extends IngestHandler {

  private final int maxPacketBytes;
  private final ReadRest rest;
  private long tooLarge;
  private long rests;
  private int datagramsThisRead;

  /** Datagrams one receive call can return (the recvmmsg batch; 1 without it). */
  private final int datagramsPerReceive;

  /**
   * Datagrams one read can take: receive calls per read (Netty's maxMessagesPerRead) x
   * datagramsPerReceive.
   */
  private int readCapacity;

  /**
   * @param readDelayNanos the longest the socket rests after a read that emptied it, that is one
   *     that returned fewer datagrams than it could take (auto-read off, then on again): the next
   *     wake-up then collects many datagrams instead of one, and at moderate rates the wake-up is
   *     most of the CPU a datagram costs; a read that came back full goes straight on, so a loaded
   *     socket never waits; 0 never rests
   * @param datagramsPerReceive datagrams one receive call can return: the recvmmsg batch with
   *     epoll, 1 with NIO (where a read is one datagram, so only an empty read shows the socket was
   *     emptied)
   */
  DatagramIngestHandler(
      ListenerStats stats,
      HandlersPerLoop handlers,
      int maxPacketBytes,
      long readDelayNanos,
      int datagramsPerReceive,
      LongSupplier clockMillis,
      RateLimitedLog errorLog) {
    super(stats, handlers, clockMillis, errorLog);
    this.maxPacketBytes = maxPacketBytes;
    this.rest = readDelayNanos > 0 ? new ReadRest(readDelayNanos, System.nanoTime()) : null;
    this.datagramsPerReceive = datagramsPerReceive;
    this.readCapacity = datagramsPerReceive;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    super.handlerAdded(ctx);
    if (ctx.channel().config().getRecvByteBufAllocator()
        instanceof MaxMessagesRecvByteBufAllocator allocator) {
      readCapacity = allocator.maxMessagesPerRead() * datagramsPerReceive;
    }
    if (rest != null) {
      rest.receiveBufferOf(ctx.channel());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (rest != null && rest.afterRead(ctx, datagramsThisRead < readCapacity)) {
      rests++;
    }
    datagramsThisRead = 0;
    super.channelReadComplete(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      ByteBuf buf =
          msg instanceof AddressedEnvelope<?, ?> envelope
              ? (ByteBuf) envelope.content()
              : (ByteBuf) msg;
      int length = buf.readableBytes();
      packets++;
      datagramsThisRead++;
      bytes += length;
      if (rest != null) {
        rest.arrived(length);
      }
      if (length > maxPacketBytes) {
        tooLarge++;
      } else {
        deliver(buf, buf.readerIndex(), buf.writerIndex());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  void publish() {
    super.publish();
    tooLarge = addPending(stats.droppedPacketTooLarge, tooLarge);
    rests = addPending(stats.readRests, rests);
  }

  @Override
  boolean isStream() {
    return false;
  }
}
