package io.hollerith.server.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers 408 and closes the connection when a request's bytes have started to arrive but the whole
 * request (head and body) has not arrived within the timeout: the defence against clients that
 * trickle a request (slowloris). Two handlers share one per-connection state: the armer sits before
 * the HTTP decoder and starts the clock on the first bytes of a request; the disarmer sits after it
 * and stops the clock at the request's last content. Handler processing time does not count.
 * Confined to the connection's event loop, so no synchronisation is needed.
 */
final class RequestTimeout {

  private final long timeoutMillis;
  private ScheduledFuture<?> pending;
  private boolean armed;
  private ChannelHandlerContext afterDecoder;

  RequestTimeout(Duration timeout) {
    this.timeoutMillis = timeout.toMillis();
  }

  ChannelDuplexHandler armer() {
    return new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!armed) {
          armed = true;
          pending = ctx.executor().schedule(() -> fire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
      }
    };
  }

  ChannelInboundHandlerAdapter disarmer() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        afterDecoder = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof LastHttpContent) {
          disarm();
        }
        super.channelRead(ctx, msg);
      }
    };
  }

  private void disarm() {
    armed = false;
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  private void fire(ChannelHandlerContext ctx) {
    if (!armed || !ctx.channel().isActive()) {
      return;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_TIMEOUT,
            Unpooled.wrappedBuffer(
                Json.error("Request not received within " + timeoutMillis + " ms")));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    // Written from just after the HTTP codec, so the response is encoded but does not pass the
    // compressor and keep-alive handlers, which expect a complete request first. The connection
    // is closed right after, so no later response can interleave.
    ChannelHandlerContext writer = afterDecoder != null ? afterDecoder : ctx;
    writer.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
