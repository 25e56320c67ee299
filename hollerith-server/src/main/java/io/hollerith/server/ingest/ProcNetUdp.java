package io.hollerith.server.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the Linux kernel's own counters for our UDP sockets from {@code /proc/net/udp} and {@code
 * /proc/net/udp6}: the {@code drops} column (datagrams the kernel discarded, mostly because the
 * receive buffer was full) and the {@code rx_queue} column (bytes waiting to be read).
 *
 * <p>Rows are matched by local port and, when the inodes of our own sockets could be read from
 * {@code /proc/self/fd}, by inode too, so another process bound to the same port with SO_REUSEPORT
 * is not counted. Immutable and thread-safe; every {@link #read()} reads the files anew.
 */
final class ProcNetUdp {

  /** One socket's row. */
  record Row(String localAddress, int localPort, long rxQueue, long inode, long drops) {}

  /** Sums over our sockets. */
  record Totals(long drops, long rxQueue, int sockets) {}

  private final List<Path> files;
  private final int port;
  private final Set<Long> inodes;
  private final int foreignSockets;

  private ProcNetUdp(List<Path> files, int port, Set<Long> inodes, int foreignSockets) {
    this.files = files;
    this.port = port;
    this.inodes = inodes;
    this.foreignSockets = foreignSockets;
  }

  /**
   * The reader for our sockets on {@code port}, or null when the kernel offers no such table (not
   * Linux, or /proc not mounted). Call after binding: it records the inodes of the sockets this
   * process then has on that port.
   */
  static ProcNetUdp forPort(int port) {
    return forPort(
        List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")),
        Path.of("/proc/self/fd"),
        port);
  }

  static ProcNetUdp forPort(List<Path> files, Path fdDir, int port) {
    List<Path> readable = files.stream().filter(Files::isReadable).toList();
    if (readable.isEmpty()) {
      return null;
    }
    Set<Long> ours = socketInodes(fdDir);
    Set<Long> matched = new HashSet<>();
    Set<String> ourAddresses = new HashSet<>();
    List<Row> rows = new ArrayList<>();
    for (Path file : readable) {
      rows.addAll(parse(readQuietly(file)));
    }
    for (Row row : rows) {
      if (row.localPort() == port && ours.contains(row.inode())) {
        matched.add(row.inode());
        ourAddresses.add(row.localAddress());
      }
    }
    int foreign = 0;
    for (Row row : rows) {
      if (row.localPort() == port
          && ourAddresses.contains(row.localAddress())
          && !matched.contains(row.inode())) {
        foreign++;
      }
    }
    return new ProcNetUdp(readable, port, Set.copyOf(matched), foreign);
  }

  /**
   * Sockets of other processes bound to our address and port when we started (possible only with
   * SO_REUSEPORT and the same user): they would take part of our traffic.
   */
  int foreignSockets() {
    return foreignSockets;
  }

  /** Current totals over our sockets. */
  Totals read() {
    long drops = 0;
    long rx = 0;
    int sockets = 0;
    for (Path file : files) {
      for (Row row : parse(readQuietly(file))) {
        if (row.localPort() == port && (inodes.isEmpty() || inodes.contains(row.inode()))) {
          drops += row.drops();
          rx += row.rxQueue();
          sockets++;
        }
      }
    }
    return new Totals(drops, rx, sockets);
  }

  /**
   * Parses the table: a header line, then one row per socket, e.g. {@code 1234: 0100007F:1F91
   * 00000000:0000 07 00000000:00000000 00:00000000 00000000 1000 0 56789 2 ffff8881 0} (sl, local
   * address:port in hex, remote, state, tx_queue:rx_queue in hex, tr:tm->when, retrnsmt, uid,
   * timeout, inode, ref, pointer, drops). Lines that do not fit are skipped.
   */
  static List<Row> parse(String text) {
    List<Row> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 13 || !f[0].endsWith(":")) {
        continue;
      }
      try {
        int colon = f[1].lastIndexOf(':');
        int queues = f[4].indexOf(':');
        if (colon < 0 || queues < 0) {
          continue;
        }
        int localPort = Integer.parseInt(f[1].substring(colon + 1), 16);
        long rxQueue = Long.parseLong(f[4].substring(queues + 1), 16);
        long inode = Long.parseLong(f[9]);
        long drops = Long.parseLong(f[12]);
        String address = address(f[1].substring(0, colon));
        if (address == null) {
          continue;
        }
        rows.add(new Row(address, localPort, rxQueue, inode, drops));
      } catch (NumberFormatException e) {
        // Not a socket row; skip it.
      }
    }
    return rows;
  }

  /**
   * The textual address of a table's hex address: 8 hex digits (IPv4) or 32 (IPv6), each 32-bit
   * word in the kernel's little-endian order. An IPv4-mapped IPv6 address (a dual-stack socket,
   * which Netty's epoll transport uses) becomes its IPv4 form, so it compares equal to an IPv4
   * socket on the same address. Null if malformed.
   */
  static String address(String hex) {
    if (hex.length() != 8 && hex.length() != 32) {
      return null;
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < hex.length() / 8; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        int value =
            Character.digit(hex.charAt(at), 16) << 4 | Character.digit(hex.charAt(at + 1), 16);
        if (value < 0) {
          return null;
        }
        bytes[word * 4 + b] = (byte) value;
      }
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Inodes of this process's sockets ({@code socket:[123]} links in {@code /proc/self/fd}). */
  static Set<Long> socketInodes(Path fdDir) {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[") && target.endsWith("]")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
          // The descriptor closed meanwhile or is not a link: not one of ours.
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Set.of();
    }
    return inodes;
  }

  /**
   * Reads a /proc file through a stream: /proc files report size 0, and Files.readString was seen
   * to return only their first byte on JDK 17.
   */
  static String readQuietly(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }
}
