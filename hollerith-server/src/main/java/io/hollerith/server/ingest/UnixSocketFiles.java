package io.hollerith.server.ingest;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating, checking and removing the socket files of the Unix listeners. Stateless; callers
 * serialise start and stop (IngestServer's methods are synchronized).
 */
final class UnixSocketFiles {

  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketFiles.class);

  /** sun_path holds 108 bytes on Linux, including the terminating NUL. */
  static final int MAX_PATH_BYTES = 107;

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private UnixSocketFiles() {}

  /**
   * Makes {@code path} ready to bind: checks its length, creates its directory and removes a stale
   * socket file.
   *
   * @param key the configuration key, for messages ({@code listeners.unix_stream})
   * @param stream true for a stream socket: one that still accepts connections belongs to a live
   *     server and is not removed
   */
  static void prepare(Path path, String key, boolean stream) throws IOException {
    int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) {
      throw new IllegalArgumentException(
          key
              + ".path: "
              + path
              + " is "
              + bytes
              + " bytes long; Unix socket paths are limited to "
              + MAX_PATH_BYTES
              + " bytes");
    }
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new IllegalStateException(
          key
              + ".path: "
              + path
              + " exists and is not a socket; refusing to replace it (remove it or choose another path)");
    }
    if (stream && acceptsConnections(path)) {
      throw new IllegalStateException(key + ".path: another process is listening on " + path);
    }
    Files.delete(path);
    LOG.info("{}: removed stale socket file {}", key, path);
  }

  static boolean isSocket(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & S_IFMT) == S_IFSOCK;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean acceptsConnections(Path path) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      return probe.isConnected();
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Applies {@code rw-rw----}-style permissions, when configured. */
  static void applyPermissions(Path path, String permissions, String key) throws IOException {
    if (permissions == null || permissions.isBlank()) {
      return;
    }
    Set<PosixFilePermission> perms;
    try {
      perms = PosixFilePermissions.fromString(permissions.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key
              + ".permissions: '"
              + permissions
              + "' is not allowed; use nine characters as ls shows them, e.g. rw-rw----",
          e);
    }
    Files.setPosixFilePermissions(path, perms);
  }

  /** Removes the socket file at stop; a failure is logged, not thrown. */
  static void remove(Path path, String key) {
    try {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isSocket(path)) {
        Files.delete(path);
      }
    } catch (IOException e) {
      LOG.warn("{}: could not remove socket file {}: {}", key, path, e.toString());
    }
  }
}
