package io.hollerith.server.ingest;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The Netty transport the ingest listeners run on: native epoll (Linux) or portable NIO. Immutable.
 */
enum Transport {
  EPOLL,
  NIO;

  /**
   * System property that replaces {@code listeners.transport: auto}, e.g. to run the tests on NIO.
   */
  static final String PROPERTY = "hollerith.transport";

  /**
   * The transport for a configured value.
   *
   * @throws IllegalArgumentException for an unknown value, or {@code epoll} when epoll cannot load
   */
  static Transport select(String configured) {
    String value = configured == null ? "auto" : configured.trim().toLowerCase(Locale.ROOT);
    if (value.equals("auto")) {
      String forced = System.getProperty(PROPERTY);
      value = forced == null || forced.isBlank() ? "auto" : forced.trim().toLowerCase(Locale.ROOT);
    }
    return switch (value) {
      case "auto" -> Epoll.isAvailable() ? EPOLL : NIO;
      case "nio" -> NIO;
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "listeners.transport: epoll is not available on this system ("
                  + Epoll.unavailabilityCause()
                  + "); use auto or nio");
        }
        yield EPOLL;
      }
      default ->
          throw new IllegalArgumentException(
              "listeners.transport: '" + configured + "' is not allowed; use auto, epoll or nio");
    };
  }

  EventLoopGroup newGroup(int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory("hollerith-" + name, true);
    return this == EPOLL
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  Class<? extends Channel> datagramChannel() {
    return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  Class<? extends ServerChannel> serverSocketChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
