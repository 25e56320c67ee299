package io.hollerith.server.datadir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on {@code hollerith.lock} in the data directory, so that two servers never
 * write one store. The file holds the owner's process id for the refusal message.
 *
 * <p>The lock is the operating system's (fcntl): it goes away with the process, so a crash leaves
 * no stale lock, only a file the next server locks again. Within one JVM (tests start several
 * servers) a set of held directories answers first, because opening and closing a second channel on
 * the file would release the lock of the first.
 *
 * <p>Thread-safe.
 */
public final class DataDirectoryLock implements AutoCloseable {

  /** The lock file's name in the data directory. */
  public static final String FILE_NAME = "hollerith.lock";

  private static final Set<Path> HELD_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir}, which must exist.
   *
   * @throws DataDirectoryInUseException when another server holds it
   * @throws IOException when the lock file cannot be created or written
   */
  public static DataDirectoryLock acquire(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    long self = ProcessHandle.current().pid();
    if (!HELD_IN_THIS_PROCESS.add(dir)) {
      throw new DataDirectoryInUseException(dir, Long.toString(self));
    }
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      PrivateFiles.restrict(file);
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new DataDirectoryInUseException(dir, ownerPid(file));
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(false);
      return new DataDirectoryLock(dir, channel, lock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      HELD_IN_THIS_PROCESS.remove(dir);
      throw e;
    }
  }

  private static String ownerPid(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return text.matches("\\d{1,10}") ? text : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Releases the lock; the file stays (removing it could race with the next server's lock). */
  @Override
  public synchronized void close() throws IOException {
    if (!channel.isOpen()) {
      return;
    }
    try {
      lock.release();
    } finally {
      channel.close();
      HELD_IN_THIS_PROCESS.remove(dir);
    }
  }
}
