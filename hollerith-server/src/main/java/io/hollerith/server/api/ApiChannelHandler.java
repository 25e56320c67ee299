package io.hollerith.server.api;

import io.hollerith.server.logging.LoggingSetup;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives each aggregated request on the network thread, copies what the handler needs (so the
 * Netty buffer is released at once), runs the {@link Dispatcher} on a worker thread, writes the
 * response and logs one access line: method, path, status, duration, user — never the token or
 * the query string. Pipelined requests are answered one at a time, in order. Closes connections
 * idle past the idle timeout. One instance per connection; its state is confined to the
 * connection's event loop (workers hand results back to it).
 */
final class ApiChannelHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger ACCESS = LoggerFactory.getLogger(LoggingSetup.ACCESS_LOGGER);

  private final Dispatcher dispatcher;
  private final Executor workers;
  private final StatsRegistry.Counter requests;
  private final StatsRegistry.Counter busy;
  private final StatsRegistry.Counter[] byClass;

  /**
   * @param byClass counters for responses 1xx to 5xx, indexed by the status' first digit minus one
   */
  ApiChannelHandler(Dispatcher dispatcher, Executor workers, StatsRegistry.Counter requests, StatsRegistry.Counter busy,
      StatsRegistry.Counter[] byClass) {
    this.dispatcher = dispatcher;
    this.workers = workers;
    this.requests = requests;
    this.busy = busy;
    this.byClass = byClass;
  }

  /**
   * Requests of this connection waiting for the one in flight: HTTP/1.1 answers pipelined requests
   * in order, and the compressor pairs responses with requests in order, so a connection has at
   * most one request on the workers. Confined to the connection's event loop.
   */
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean inFlight;

  /** More pipelined requests than this stop reading from the connection until it catches up. */
  private static final int MAX_PIPELINED = 16;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long start = System.nanoTime();
    String method = request.method().name();
    String uri = request.uri();
    String path = pathOf(uri);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
    Runnable task;
    if (request.decoderResult().isFailure()) {
      task = () -> finish(ctx, new ApiResponse(400, ApiResponse.JSON, Json.error("Malformed HTTP request"), Map.of()),
          false, method, path, "-", start);
    } else {
      HttpHeaders headers = request.headers().copy();
      byte[] body = ByteBufUtil.getBytes(request.content());
      task = () -> {
        try {
          workers.execute(() -> {
            Dispatcher.Outcome outcome = dispatcher.dispatch(method, uri, headers, body, remote);
            ctx.executor().execute(() -> finish(ctx, outcome.response(), keepAlive, method, path, outcome.user(), start));
          });
        } catch (RejectedExecutionException e) {
          busy.incr();
          finish(ctx, new ApiResponse(503, ApiResponse.JSON, Json.error("Server busy, retry shortly"), Map.of("Retry-After", "1")),
              keepAlive, method, path, "-", start);
        }
      };
    }
    if (inFlight) {
      waiting.add(task);
      if (waiting.size() >= MAX_PIPELINED) {
        ctx.channel().config().setAutoRead(false);
      }
    } else {
      inFlight = true;
      task.run();
    }
  }

  /** Writes a response on the event loop and starts the next waiting request, if any. */
  private void finish(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, String method, String path, String user, long start) {
    send(ctx, r, keepAlive, method, path, user, start);
    Runnable next = waiting.poll();
    if (next == null) {
      inFlight = false;
      if (!ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
    } else {
      next.run();
    }
  }

  private void send(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, String method, String path, String user, long start) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
        Unpooled.wrappedBuffer(r.body()));
    HttpHeaders h = response.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    r.headers().forEach(h::set);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    HttpUtil.setKeepAlive(response, keepAlive);
    var future = ctx.writeAndFlush(response);
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
    requests.incr();
    int statusClass = r.status() / 100 - 1;
    if (statusClass >= 0 && statusClass < byClass.length) {
      byClass[statusClass].incr();
    }
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info("{} {} {} {}ms user={} remote={}", method, path, r.status(), (System.nanoTime() - start) / 1_000_000, user,
          ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-");
    }
  }

  private static String pathOf(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    return p.length() > 200 ? p.substring(0, 200) + "…" : p;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
