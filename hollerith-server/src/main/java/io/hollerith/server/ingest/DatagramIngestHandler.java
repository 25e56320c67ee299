package io.hollerith.server.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongSupplier;

/**
 * Hands each UDP or Unix datagram to the packet handler and releases it. A datagram longer than
 * {@code max_packet_bytes} (the read buffers are one byte larger, so a truncated one shows up as
 * too long) is dropped and counted. Not thread-safe: one per channel.
 */
final class DatagramIngestHandler extends IngestHandler {

  private final int maxPacketBytes;
  private long tooLarge;

  DatagramIngestHandler(ListenerStats stats, HandlersPerLoop handlers, int maxPacketBytes,
      LongSupplier clockMillis, RateLimitedLog errorLog) {
    super(stats, handlers, clockMillis, errorLog);
    this.maxPacketBytes = maxPacketBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      ByteBuf buf = msg instanceof AddressedEnvelope<?, ?> envelope
          ? (ByteBuf) envelope.content()
          : (ByteBuf) msg;
      int length = buf.readableBytes();
      packets++;
      bytes += length;
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
  }

  @Override
  boolean isStream() {
    return false;
  }
}
