package io.hollerith.server.ingest;

import io.hollerith.server.stats.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongSupplier;

/**
 * Newline framing for TCP and Unix stream connections.
 *
 * <p>Each read is scanned for {@code \n}; the complete lines of a read go to the packet handler in
 * as few calls as possible (one, unless an over-long line sits between them), straight from Netty's
 * buffer without copying. Only the unterminated tail of a read is copied, into a per-connection
 * buffer of at most {@code max_line_bytes}, and completed by the next read. A line longer than
 * {@code max_line_bytes} is counted once and skipped up to its newline, and the connection is kept.
 * An unterminated line left when the peer disconnects is dropped and counted.
 *
 * <p>Not thread-safe: one per connection, used only by its event loop.
 */
final class StreamIngestHandler extends IngestHandler {

  private final int maxLineBytes;

  /** The unterminated tail of earlier reads, or null. */
  private ByteBuf partial;

  /** True while skipping the rest of an over-long line. */
  private boolean discarding;

  private long tooLong;
  private long partialDropped;

  StreamIngestHandler(
      ListenerStats stats,
      HandlersPerLoop handlers,
      int maxLineBytes,
      LongSupplier clockMillis,
      RateLimitedLog errorLog) {
    super(stats, handlers, clockMillis, errorLog);
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      int end = in.writerIndex();
      int index = in.readerIndex();
      if (end == index) {
        return;
      }
      bytes += end - index;
      if (discarding) {
        int lf = in.forEachByte(index, end - index, ByteProcessor.FIND_LF);
        if (lf < 0) {
          return;
        }
        discarding = false;
        index = lf + 1;
      } else if (partial != null && partial.isReadable()) {
        int lf = in.forEachByte(index, end - index, ByteProcessor.FIND_LF);
        int take = (lf < 0 ? end : lf) - index;
        if (partial.readableBytes() + take > maxLineBytes) {
          tooLong++;
          partial.clear();
          if (lf < 0) {
            discarding = true;
            return;
          }
        } else {
          partial.writeBytes(in, index, take);
          if (lf < 0) {
            return;
          }
          deliverLines(partial, partial.readerIndex(), partial.writerIndex(), 1);
          partial.clear();
        }
        index = lf + 1;
      }
      int batchStart = index;
      int batchLines = 0;
      int lineStart = index;
      while (lineStart < end) {
        int lf = in.forEachByte(lineStart, end - lineStart, ByteProcessor.FIND_LF);
        if (lf < 0) {
          break;
        }
        if (lf - lineStart > maxLineBytes) {
          if (batchLines > 0) {
            deliverLines(in, batchStart, lineStart - 1, batchLines);
            batchLines = 0;
          }
          tooLong++;
          batchStart = lf + 1;
        } else {
          batchLines++;
        }
        lineStart = lf + 1;
      }
      if (batchLines > 0) {
        deliverLines(in, batchStart, lineStart - 1, batchLines);
      }
      int rest = end - lineStart;
      if (rest > maxLineBytes) {
        tooLong++;
        discarding = true;
      } else if (rest > 0) {
        if (partial == null) {
          partial =
              ctx.alloc().buffer(Math.min(Math.max(rest * 2, 256), maxLineBytes), maxLineBytes);
        }
        partial.writeBytes(in, lineStart, rest);
      }
    } finally {
      in.release();
    }
  }

  /**
   * One batch of complete lines: Etsy's TCP server likewise hands each read's complete lines on as
   * one packet.
   */
  private void deliverLines(ByteBuf buf, int start, int end, int count) {
    deliver(buf, start, end);
    packets++;
    lines += count;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (partial != null && partial.isReadable()) {
      partialDropped++;
    }
    releasePartial();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePartial();
  }

  private void releasePartial() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }

  @Override
  void publish() {
    super.publish();
    tooLong = addPending(stats.droppedLineTooLong, tooLong);
    partialDropped = addPending(stats.droppedPartialLine, partialDropped);
  }

  @Override
  boolean isStream() {
    return true;
  }
}
