package io.hollerith.server.api;

import io.hollerith.server.auth.TokenRedaction;
import io.hollerith.server.logging.LoggingSetup;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection, one request at a time, pulling each part of a request only when it is
 * ready for it (the channel does not read on its own): the head first; for a request with a body,
 * the {@link Dispatcher} admits or refuses it on a worker thread from the head alone, and only an
 * admitted request's body is read, into room reserved in the {@link BodyMemoryBudget}. A refused
 * request is answered and its connection closed with the body unread. The handler then runs on a
 * worker, and the response is written here: whole, or, for a streamed body, in chunks made only
 * while the connection is writable. Pipelined requests wait unread until the one before them is
 * answered.
 *
 * <p>Logs one access line per request: method, path, status, duration, user — never the token or
 * the query string, and with anything token-shaped in the method or path redacted. Closes
 * connections idle past the idle timeout. One instance per connection; its state is confined to the
 * connection's event loop (workers hand results back to it).
 */
final class ApiChannelHandler extends ChannelInboundHandlerAdapter {

  private static final Logger ACCESS = LoggerFactory.getLogger(LoggingSetup.ACCESS_LOGGER);
  private static final byte[] NO_BODY = new byte[0];

  /** Counters shared by all connections. */
  record Counters(
      StatsRegistry.Counter requests,
      StatsRegistry.Counter busy,
      StatsRegistry.Counter noBodyMemory,
      StatsRegistry.Counter[] byClass) {}

  /** The request being received or handled; null between requests. */
  private final class Exchange {
    final String method;
    final String uri;
    final String path;
    final HttpHeaders headers;
    final boolean keepAlive;
    final String remote;
    final long start = System.nanoTime();

    /** Null for a request without a body. */
    final RequestBody body;

    final long declaredLength;
    final boolean expectsContinue;
    Dispatcher.Admission admission;

    /** The whole request has been read and is with a worker. */
    boolean handling;

    Exchange(HttpRequest head, String remote, boolean hasBody, long declaredLength) {
      this.method = head.method().name();
      this.uri = head.uri();
      this.path = Dispatcher.loggablePath(uri);
      this.headers = head.headers().copy();
      this.keepAlive = HttpUtil.isKeepAlive(head);
      this.remote = remote;
      this.body = hasBody ? new RequestBody(budget, maxRequestBytes) : null;
      this.declaredLength = declaredLength;
      this.expectsContinue = HttpUtil.is100ContinueExpected(head);
    }
  }

  private final Dispatcher dispatcher;
  private final Executor workers;
  private final BodyMemoryBudget budget;
  private final int maxRequestBytes;
  private final Counters counters;
  private Exchange current;

  /** A message was asked for and has not arrived yet. */
  private boolean awaitingMessage;

  ApiChannelHandler(
      Dispatcher dispatcher,
      Executor workers,
      BodyMemoryBudget budget,
      int maxRequestBytes,
      Counters counters) {
    this.dispatcher = dispatcher;
    this.workers = workers;
    this.budget = budget;
    this.maxRequestBytes = maxRequestBytes;
    this.counters = counters;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    pull(ctx);
  }

  /** Asks for the next message (part of a request); it arrives in {@link #channelRead}. */
  private void pull(ChannelHandlerContext ctx) {
    awaitingMessage = true;
    ctx.read();
  }

  /**
   * A read that ended without a whole message for this handler (a head or body cut across reads)
   * still counts as answered for the flow-control handler in front, so ask again.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (awaitingMessage) {
      ctx.read();
    }
    super.channelReadComplete(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    awaitingMessage = false;
    try {
      if (msg instanceof HttpRequest head) {
        onHead(ctx, head);
      } else if (msg instanceof HttpContent content) {
        onContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(ChannelHandlerContext ctx, HttpRequest head) {
    String remote =
        ctx.channel().remoteAddress() instanceof InetSocketAddress a
            ? a.getAddress().getHostAddress()
            : "-";
    if (head.decoderResult().isFailure() || current != null) {
      if (current != null && current.body != null && !current.handling) {
        current.body.release();
      }
      current = new Exchange(head, remote, false, -1);
      refuse(ctx, 400, "Malformed HTTP request", Map.of());
      return;
    }
    long declared;
    try {
      declared = HttpUtil.getContentLength(head, -1L);
    } catch (NumberFormatException e) {
      current = new Exchange(head, remote, false, -1);
      refuse(ctx, 400, "Malformed HTTP request: invalid Content-Length", Map.of());
      return;
    }
    boolean hasBody = HttpUtil.isTransferEncodingChunked(head) || declared > 0;
    current = new Exchange(head, remote, hasBody, declared);
    if (declared > maxRequestBytes) {
      refuse(ctx, 413, "Request body larger than " + maxRequestBytes + " bytes", Map.of());
      return;
    }
    String expect = head.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
      refuse(ctx, 417, "Unsupported Expect header: only 100-continue is supported", Map.of());
      return;
    }
    if (!hasBody) {
      pull(ctx); // the empty last content follows; the request is dispatched whole on it
      return;
    }
    Exchange x = current;
    onWorker(
        ctx,
        x,
        () -> dispatcher.admit(x.method, x.uri, x.headers, x.remote),
        admission -> admitted(ctx, x, admission));
  }

  private void admitted(ChannelHandlerContext ctx, Exchange x, Dispatcher.Admission admission) {
    if (current != x) {
      return; // the connection closed while the head was being admitted: reserve nothing
    }
    if (admission.refused()) {
      send(ctx, x, admission.refusal().response(), admission.refusal().user(), false);
      return;
    }
    x.admission = admission;
    if (x.declaredLength > 0 && !x.body.reserve((int) x.declaredLength)) {
      counters.noBodyMemory().incr();
      refuse(
          ctx,
          503,
          "Server busy: too much request data in flight, retry shortly",
          Map.of("Retry-After", "1"));
      return;
    }
    if (x.expectsContinue) {
      var unused =
          ctx.writeAndFlush(
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    pull(ctx);
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    Exchange x = current;
    if (x == null || x.handling) {
      return; // nothing is waiting for it: a request's parts are only read while it is received
    }
    if (content.decoderResult().isFailure()) {
      refuse(ctx, 400, "Malformed HTTP request body", Map.of());
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (x.body == null) {
      if (last) {
        dispatchWhole(ctx, x, NO_BODY);
      } else {
        pull(ctx);
      }
      return;
    }
    switch (x.body.append(content.content())) {
      case TOO_LARGE -> {
        refuse(ctx, 413, "Request body larger than " + maxRequestBytes + " bytes", Map.of());
        return;
      }
      case NO_MEMORY -> {
        counters.noBodyMemory().incr();
        refuse(
            ctx,
            503,
            "Server busy: too much request data in flight, retry shortly",
            Map.of("Retry-After", "1"));
        return;
      }
      case OK -> {}
    }
    if (!last) {
      pull(ctx);
      return;
    }
    x.handling = true;
    byte[] bytes = x.body.bytes();
    onWorker(
        ctx,
        x,
        () -> dispatcher.handle(x.admission, bytes),
        outcome -> {
          x.body.release();
          send(ctx, x, outcome.response(), outcome.user(), x.keepAlive);
        });
  }

  private void dispatchWhole(ChannelHandlerContext ctx, Exchange x, byte[] body) {
    x.handling = true;
    onWorker(
        ctx,
        x,
        () -> dispatcher.dispatch(x.method, x.uri, x.headers, body, x.remote),
        outcome -> send(ctx, x, outcome.response(), outcome.user(), x.keepAlive));
  }

  /**
   * Runs {@code work} on a worker and hands its result to {@code then} on this connection's event
   * loop; answers 503 (closing the connection if a body may be unread) when every worker is busy.
   */
  private <T> void onWorker(
      ChannelHandlerContext ctx, Exchange x, Supplier<T> work, Consumer<T> then) {
    try {
      workers.execute(
          () -> {
            T result = work.get();
            ctx.executor().execute(() -> then.accept(result));
          });
    } catch (RejectedExecutionException e) {
      counters.busy().incr();
      if (x.body != null) {
        x.body.release();
      }
      ApiResponse busy =
          new ApiResponse(
              503,
              ApiResponse.JSON,
              Json.error("Server busy, retry shortly"),
              Map.of("Retry-After", "1"));
      send(ctx, x, busy, "-", x.keepAlive && x.handling);
    }
  }

  /**
   * Answers the current request with an error and closes the connection, leaving the rest of it
   * unread.
   */
  private void refuse(
      ChannelHandlerContext ctx, int status, String text, Map<String, String> headers) {
    Exchange x = current;
    if (x.body != null) {
      x.body.release();
    }
    send(ctx, x, new ApiResponse(status, ApiResponse.JSON, Json.error(text), headers), "-", false);
  }

  /**
   * Writes the answer to {@code x}, logs it, and reads the next request unless the connection
   * closes.
   */
  private void send(
      ChannelHandlerContext ctx, Exchange x, ApiResponse r, String user, boolean keepAlive) {
    if (current == x) {
      current = null;
    }
    HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
    HttpResponse response =
        r.streamed() == null
            ? new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(r.body()))
            : new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpHeaders h = response.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    r.headers().forEach(h::set);
    if (r.streamed() == null) {
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    } else {
      HttpUtil.setTransferEncodingChunked(response, true);
    }
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture future = ctx.writeAndFlush(response);
    if (r.streamed() != null) {
      // ChunkedWriteHandler asks for each piece only while the channel is writable
      future = ctx.writeAndFlush(new HttpChunkedInput(new TextBodyInput(r.streamed())));
    }
    if (keepAlive) {
      pull(ctx);
    } else {
      future.addListener(ChannelFutureListener.CLOSE);
    }
    counters.requests().incr();
    int statusClass = r.status() / 100 - 1;
    if (statusClass >= 0 && statusClass < counters.byClass().length) {
      counters.byClass()[statusClass].incr();
    }
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info(
          "{} {} {} {}ms user={} remote={}",
          TokenRedaction.redact(x.method),
          x.path,
          r.status(),
          (System.nanoTime() - x.start) / 1_000_000,
          user,
          x.remote);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Exchange x = current;
    if (x != null && x.body != null && !x.handling) {
      x.body.release();
    }
    current = null;
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      var unused = ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    var unused = ctx.close();
  }
}
