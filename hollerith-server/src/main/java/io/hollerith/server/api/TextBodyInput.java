package io.hollerith.server.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A {@link TextBody} as Netty's {@link ChunkedInput}: each {@link #readChunk} asks the body for
 * about {@value #CHUNK_CHARS} characters and encodes them as UTF-8. {@code ChunkedWriteHandler}
 * reads a chunk only while the channel is writable, so at most one chunk plus the channel's
 * high-water mark of a reply is ever in memory, however large the reply.
 *
 * <p>Confined to the connection's event loop, like the handler that reads it.
 */
final class TextBodyInput implements ChunkedInput<ByteBuf> {

  /** Characters asked of the body per chunk. */
  static final int CHUNK_CHARS = 16 * 1024;

  private final TextBody body;
  private final StringBuilder piece = new StringBuilder(CHUNK_CHARS + 1024);
  private boolean more = true;
  private long bytes;

  TextBodyInput(TextBody body) {
    this.body = body;
  }

  @Override
  public boolean isEndOfInput() {
    return !more;
  }

  @Override
  public void close() {
    more = false;
  }

  @Deprecated
  @Override
  @SuppressWarnings(
      "InlineMeSuggester") // Netty's ChunkedInput still declares this overload; it is not ours to
  // inline
  public ByteBuf readChunk(ChannelHandlerContext ctx) {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) {
    if (!more) {
      return null;
    }
    piece.setLength(0);
    more = body.writeNext(piece, CHUNK_CHARS);
    if (piece.length() == 0) {
      // never null: HttpChunkedInput would take that as "nothing yet" and the transfer would stall
      return allocator.buffer(0);
    }
    ByteBuf chunk = ByteBufUtil.writeUtf8(allocator, piece);
    bytes += chunk.readableBytes();
    return chunk;
  }

  @Override
  public long length() {
    return -1;
  }

  @Override
  public long progress() {
    return bytes;
  }
}
