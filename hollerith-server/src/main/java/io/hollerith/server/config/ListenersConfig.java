package io.hollerith.server.config;

/**
 * The sockets Hollerith receives StatsD traffic on, and Etsy's management interface.
 *
 * @param udp UDP listener (default 127.0.0.1:8125)
 * @param tcp TCP listener, newline-framed (default 127.0.0.1:8125)
 * @param unixStream Unix domain stream socket, newline-framed (pystatsd's {@code UnixSocketStatsClient}); off by default
 * @param unixDatagram Unix domain datagram socket (DogStatsD clients); off by default
 * @param management Etsy StatsD's TCP management interface (default 127.0.0.1:8126)
 */
public record ListenersConfig(
    Udp udp, Tcp tcp, UnixSocket unixStream, UnixSocket unixDatagram, Management management) {

  public ListenersConfig {
    udp = udp != null ? udp : new Udp(null, null, null, null, null);
    tcp = tcp != null ? tcp : new Tcp(null, null, null, null);
    unixStream = UnixSocket.withDefaultPath(unixStream, "hollerith.sock");
    unixDatagram = UnixSocket.withDefaultPath(unixDatagram, "hollerith-dgram.sock");
    management = management != null ? management : new Management(null, null, null);
  }

  /**
   * @param enabled default true
   * @param address bind address, default {@code 127.0.0.1}; {@code 0.0.0.0} or {@code ::} to accept remote senders
   * @param port default 8125; 0 picks a free port (tests)
   * @param receiveBufferBytes SO_RCVBUF requested per socket, default 8 MiB; a warning is logged when the kernel grants less
   * @param threads receiving threads (one SO_REUSEPORT socket each with epoll); default 0 = number of cores
   */
  public record Udp(Boolean enabled, String address, Integer port, Integer receiveBufferBytes, Integer threads) {
    public Udp {
      enabled = enabled != null ? enabled : true;
      address = address != null ? address : "127.0.0.1";
      port = port != null ? port : 8125;
      receiveBufferBytes = receiveBufferBytes != null ? receiveBufferBytes : 8 * 1024 * 1024;
      threads = threads != null ? threads : 0;
    }
  }

  /**
   * @param enabled default true
   * @param address bind address, default {@code 127.0.0.1}
   * @param port default 8125
   * @param maxConnections concurrent connections accepted, default 10,000; more are closed and counted
   */
  public record Tcp(Boolean enabled, String address, Integer port, Integer maxConnections) {
    public Tcp {
      enabled = enabled != null ? enabled : true;
      address = address != null ? address : "127.0.0.1";
      port = port != null ? port : 8125;
      maxConnections = maxConnections != null ? maxConnections : 10_000;
    }
  }

  /**
   * @param enabled default false
   * @param path socket file; relative paths are resolved against {@code data_dir}
   */
  public record UnixSocket(Boolean enabled, String path) {
    public UnixSocket {
      enabled = enabled != null ? enabled : false;
    }

    static UnixSocket withDefaultPath(UnixSocket given, String defaultPath) {
      if (given == null) {
        return new UnixSocket(null, defaultPath);
      }
      return given.path() != null ? given : new UnixSocket(given.enabled(), defaultPath);
    }
  }

  /**
   * @param enabled default true
   * @param address bind address, default {@code 127.0.0.1}
   * @param port default 8126
   */
  public record Management(Boolean enabled, String address, Integer port) {
    public Management {
      enabled = enabled != null ? enabled : true;
      address = address != null ? address : "127.0.0.1";
      port = port != null ? port : 8126;
    }
  }
}
