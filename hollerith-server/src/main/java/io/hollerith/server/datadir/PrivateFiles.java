package io.hollerith.server.datadir;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Creates directories and files that only their owner may read (0700 and 0600), whatever the
 * process umask. On a file system without POSIX permissions they are created as the platform does.
 *
 * <p>SQLite creates a database's {@code -wal} and {@code -shm} files with the database file's own
 * mode, so a database file made private here keeps its companions private too.
 */
public final class PrivateFiles {

  static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /**
   * Creates {@code dir} and any missing parents; the directories this call creates get mode 0700.
   *
   * @return true if {@code dir} did not exist before
   */
  public static boolean createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      return false;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      if (posix()) {
        Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        // The umask may have removed bits from the requested mode, never added any; set it exactly.
        Files.setPosixFilePermissions(absolute, OWNER_ONLY_DIRECTORY);
      } else {
        Files.createDirectory(absolute);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(absolute)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Makes {@code file} private before another library (SQLite) opens it: creates it empty with mode
   * 0600 if absent, and takes group and other permissions away from an existing one.
   */
  public static void restrict(Path file) throws IOException {
    if (!posix()) {
      return;
    }
    try {
      Files.createFile(file, ownerOnlyFile());
    } catch (FileAlreadyExistsException e) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    if (mode.removeAll(GROUP_OR_OTHERS)) {
      Files.setPosixFilePermissions(file, mode);
    }
  }

  /**
   * Whether group or others have any permission on {@code path}; false without POSIX permissions.
   */
  public static boolean isWiderThanOwner(Path path) throws IOException {
    if (!posix()) {
      return false;
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
    mode.retainAll(GROUP_OR_OTHERS);
    return !mode.isEmpty();
  }

  /**
   * Writes {@code content} to {@code target} so that a reader sees the old file or the new one,
   * never a part: into a private (0600) temporary file beside it, then renamed over it (atomically
   * where the file system can). Creates missing parent directories 0700.
   */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", ownerOnlyFile());
    try {
      Files.write(tmp, content);
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The attribute that creates a file with mode 0600, or none without POSIX permissions. */
  public static FileAttribute<?>[] ownerOnlyFile() {
    return posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
