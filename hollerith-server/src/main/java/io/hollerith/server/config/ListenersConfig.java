package io.hollerith.server.config;

import java.time.Duration;

/**
 * The sockets Hollerith receives StatsD traffic on, and Etsy's management interface.
 *
 * <p>Every listener binds to {@code 127.0.0.1} by default, so a fresh install accepts only local
 * senders; set {@code address} to {@code 0.0.0.0} (IPv4) or {@code ::} (IPv6 and, on most systems,
 * IPv4 too) to accept remote senders.
 *
 * @param udp UDP listener (default 127.0.0.1:8125)
 * @param tcp TCP listener, newline-framed (default 127.0.0.1:8125)
 * @param unixStream Unix domain stream socket, newline-framed (pystatsd's {@code
 *     UnixSocketStatsClient}); off by default
 * @param unixDatagram Unix domain datagram socket (DogStatsD clients); off by default
 * @param management Etsy StatsD's TCP management interface (default 127.0.0.1:8126)
 * @param transport network transport of the ingest listeners: {@code auto} (default: native epoll
 *     on Linux when it loads, else Java NIO), {@code epoll} (fail start-up when epoll is
 *     unavailable) or {@code nio} (portable, one UDP socket, no recvmmsg and no Unix sockets). The
 *     system property {@code hollerith.transport} overrides {@code auto}.
 */
public record ListenersConfig(
    Udp udp,
    Tcp tcp,
    UnixSocket unixStream,
    UnixSocket unixDatagram,
    Management management,
    String transport) {

  public ListenersConfig {
    udp = udp != null ? udp : new Udp(null, null, null, null, null, null);
    tcp = tcp != null ? tcp : new Tcp(null, null, null, null, null, null, null);
    unixStream = UnixSocket.withDefaultPath(unixStream, "hollerith.sock");
    unixDatagram = UnixSocket.withDefaultPath(unixDatagram, "hollerith-dgram.sock");
    management =
        management != null ? management : new Management(null, null, null, null, null, null);
    transport = transport != null ? transport : "auto";
  }

  /**
   * The UDP listener.
   *
   * @param enabled default true
   * @param address bind address, default {@code 127.0.0.1}; {@code 0.0.0.0} or {@code ::} to accept
   *     remote senders
   * @param port default 8125; 0 picks a free port (tests)
   * @param receiveBufferBytes SO_RCVBUF requested per socket, default 8 MiB; a warning is logged
   *     when the kernel grants less (raise {@code net.core.rmem_max} to allow more)
   * @param threads receiving threads (one SO_REUSEPORT socket each with epoll; NIO always uses one
   *     socket and one thread); default 0 = number of cores
   * @param readDelay after a read that emptied the socket, the longest it rests before it is read
   *     again, so that one wake-up collects many datagrams (the kernel buffers them meanwhile); a
   *     rest is shorter when the receive buffer could fill in that time at the current arrival rate
   *     or in a burst (see {@code ingest.ReadRest}); default 10 ms, 0 reads as soon as anything
   *     arrives. Under heavy load a read stops at its cap with datagrams still waiting, and the
   *     socket never rests.
   */
  public record Udp(
      Boolean enabled,
      String address,
      Integer port,
      Integer receiveBufferBytes,
      Integer threads,
      Duration readDelay) {
    public Udp {
      enabled = enabled != null ? enabled : true;
      address = address != null ? address : "127.0.0.1";
      port = port != null ? port : 8125;
      receiveBufferBytes = receiveBufferBytes != null ? receiveBufferBytes : 8 * 1024 * 1024;
      threads = threads != null ? threads : 0;
      readDelay = readDelay != null ? readDelay : Duration.ofMillis(10);
    }
  }

  /**
   * The TCP listener, newline-framed.
   *
   * @param enabled default true
   * @param address bind address, default {@code 127.0.0.1}
   * @param port default 8125
   * @param maxConnections concurrent connections accepted, default 10,000; more are closed and
   *     counted
   * @param threads threads reading connections, default 0 = number of cores
   * @param idleTimeoutSeconds a connection that sends nothing for this long is closed; default 0 =
   *     never (StatsD clients keep one long-lived connection and may be quiet for long stretches)
   * @param maxConnectionsPerAddress concurrent connections from one client address, default 1,000;
   *     more are closed and counted, so one host cannot hold every slot
   */
  public record Tcp(
      Boolean enabled,
      String address,
      Integer port,
      Integer maxConnections,
      Integer threads,
      Integer idleTimeoutSeconds,
      Integer maxConnectionsPerAddress) {
    public Tcp {
      enabled = enabled != null ? enabled : true;
      address = address != null ? address : "127.0.0.1";
      port = port != null ? port : 8125;
      maxConnections = maxConnections != null ? maxConnections : 10_000;
      threads = threads != null ? threads : 0;
      idleTimeoutSeconds = idleTimeoutSeconds != null ? idleTimeoutSeconds : 0;
      maxConnectionsPerAddress =
          maxConnectionsPerAddress != null ? maxConnectionsPerAddress : 1_000;
    }
  }

  /**
   * A Unix domain socket listener. It needs the native epoll transport (Linux); start-up fails with
   * a clear message when that is unavailable. A stale socket file at the path is removed at start
   * (a stream socket that still answers is left alone and start-up fails), and the file is removed
   * at stop. Senders need write permission on the socket file: by default it gets the permissions
   * the process umask gives (usually {@code rwxr-xr-x}, so only the server's user can send); set
   * {@code permissions} to e.g. {@code rw-rw-rw-} to let every local user send.
   *
   * @param enabled default false
   * @param path socket file; relative paths are resolved against {@code data_dir} (default {@code
   *     hollerith.sock} for the stream socket, {@code hollerith-dgram.sock} for the datagram one)
   * @param maxConnections stream socket only: concurrent connections accepted, default 10,000
   * @param permissions POSIX permissions set on the socket file after it is created, as {@code ls}
   *     shows them ({@code rw-rw----}); default: leave what the umask gives
   */
  public record UnixSocket(
      Boolean enabled, String path, Integer maxConnections, String permissions) {
    public UnixSocket {
      enabled = enabled != null ? enabled : false;
      maxConnections = maxConnections != null ? maxConnections : 10_000;
    }

    static UnixSocket withDefaultPath(UnixSocket given, String defaultPath) {
      if (given == null) {
        return new UnixSocket(null, defaultPath, null, null);
      }
      return given.path() != null
          ? given
          : new UnixSocket(
              given.enabled(), defaultPath, given.maxConnections(), given.permissions());
    }
  }

  /**
   * Etsy StatsD's TCP management interface.
   *
   * @param enabled default true
   * @param address bind address, default {@code 127.0.0.1}
   * @param port default 8126
   * @param maxConnections concurrent connections; more are closed at once and counted, default 32
   * @param maxQueuedCommands commands one connection may have waiting while another runs; the
   *     excess is answered with one {@code ERROR} and counted, default 16
   * @param allowChanges whether {@code delcounters}, {@code deltimers}, {@code delgauges}, {@code
   *     delsets} and {@code health up|down} are accepted; default true, as in Etsy
   */
  public record Management(
      Boolean enabled,
      String address,
      Integer port,
      Integer maxConnections,
      Integer maxQueuedCommands,
      Boolean allowChanges) {
    public Management {
      enabled = enabled != null ? enabled : true;
      address = address != null ? address : "127.0.0.1";
      port = port != null ? port : 8126;
      maxConnections = maxConnections != null ? maxConnections : 32;
      maxQueuedCommands = maxQueuedCommands != null ? maxQueuedCommands : 16;
      allowChanges = allowChanges != null ? allowChanges : true;
    }
  }
}
