package io.hollerith.server.ops;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.datadir.DataDirectoryLock;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The data directory's files: list one directory, delete one file. Every path is relative to the
 * data directory and checked on canonical real paths, component by component: no absolute path, no
 * {@code ..}, no symbolic link that leads out, no sibling directory whose name merely starts with
 * the data directory's. Files the node has open are never deleted: the metric and credential
 * databases with their {@code -wal}, {@code -shm} and {@code -journal} files, {@code admin.token},
 * the data directory's {@code hollerith.lock} and any other lock file ({@code *.lock}), and Unix
 * socket files, and the files other parts of the node report as busy (a {@code stats} job's current
 * output file). Thread-safe (stateless apart from the root).
 */
public final class DataFiles {

  /** Longest relative path accepted. */
  public static final int MAX_PATH_CHARS = 1024;

  private static final Set<String> LIVE_FILES = liveFiles();

  private final Path root;
  private final int maxEntries;
  private final StatsRegistry.Counter truncatedLists;
  private final Supplier<Map<Path, String>> busyFiles;

  /**
   * @param dataDir the data directory; it must exist
   * @param maxEntries entries listed per directory at most ({@code ops.files.max_entries})
   */
  public DataFiles(Path dataDir, int maxEntries, StatsRegistry stats) {
    this(dataDir, maxEntries, stats, Map::of);
  }

  /**
   * @param dataDir the data directory; it must exist
   * @param maxEntries entries listed per directory at most ({@code ops.files.max_entries})
   * @param busyFiles asked on every delete: files the node writes now (any path form) → why, e.g. a
   *     {@code stats} job's current output file; deleting one is a 409 with that reason
   */
  public DataFiles(
      Path dataDir, int maxEntries, StatsRegistry stats, Supplier<Map<Path, String>> busyFiles) {
    this.busyFiles = busyFiles;
    this.maxEntries = maxEntries;
    this.truncatedLists =
        stats.counter(
            "ops", "file_lists_truncated", "Directory listings cut at ops.files.max_entries");
    try {
      this.root = dataDir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("data directory " + dataDir + " cannot be resolved", e);
    }
  }

  /**
   * One directory's entries, by name: {@code name}, {@code type} ({@code file}, {@code directory},
   * {@code symlink}, {@code other}), {@code size} in bytes, {@code modified} (ISO-8601).
   *
   * @param file the directory, relative to the data directory; null or empty for the data directory
   * @throws OpsException 400 for a path outside or not a directory, 404 when it does not exist
   */
  public Listing list(String file) {
    Path dir = file == null || file.isEmpty() ? root : contained(file);
    if (!Files.isDirectory(dir)) {
      throw new OpsException(400, "Parameter file: '" + file + "' is not a directory");
    }
    List<FileEntry> entries = new ArrayList<>();
    boolean truncated = false;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        if (entries.size() == maxEntries) {
          truncated = true;
          truncatedLists.incr();
          break;
        }
        entries.add(entry(p));
      }
    } catch (IOException e) {
      throw new OpsException(500, "cannot list " + relative(dir) + ": " + e.getMessage());
    }
    entries.sort(Comparator.comparing(FileEntry::name));
    return new Listing(relative(dir), entries, truncated);
  }

  /**
   * One directory's entries.
   *
   * @param path the directory relative to the data directory, {@code .} for the data directory
   * @param files its entries sorted by name
   * @param truncated whether entries beyond {@code ops.files.max_entries} were left out
   */
  public record Listing(String path, List<FileEntry> files, boolean truncated) {}

  /**
   * One entry of a directory.
   *
   * @param name the file name
   * @param type {@code file}, {@code directory}, {@code symlink}, {@code other}, or {@code gone}
   *     when it vanished while being listed
   * @param size bytes, or null when gone
   * @param modified the last modification in ISO 8601 UTC, or null when gone
   */
  public record FileEntry(String name, String type, Long size, String modified) {}

  /**
   * Deletes one regular file.
   *
   * @throws OpsException 400 for a path outside, a directory or a symbolic link; 404 when missing;
   *     409 with the reason for a file the node has in use
   */
  public void delete(String file) {
    if (file == null || file.isEmpty()) {
      throw new OpsException(400, "Parameter file: a file path is required");
    }
    Path p = contained(file);
    if (Files.isSymbolicLink(root.resolve(file).normalize())) {
      throw new OpsException(
          400, "Parameter file: '" + file + "' is a symbolic link; delete its target instead");
    }
    if (Files.isDirectory(p)) {
      throw new OpsException(
          400, "Parameter file: '" + file + "' is a directory; only files can be deleted");
    }
    String inUse = inUseReason(root, p);
    if (inUse == null) {
      inUse = busyReason(p);
    }
    if (inUse != null) {
      throw new OpsException(409, "'" + file + "' cannot be deleted: " + inUse);
    }
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      throw new OpsException(404, "No such file: " + file);
    } catch (IOException e) {
      throw new OpsException(500, "cannot delete " + file + ": " + e.getMessage());
    }
  }

  /** The reason given for {@code p} (a real path) by {@code busyFiles}, or null. */
  private String busyReason(Path p) {
    for (Map.Entry<Path, String> busy : busyFiles.get().entrySet()) {
      Path b = busy.getKey().toAbsolutePath().normalize();
      try {
        b = b.toRealPath();
      } catch (IOException e) {
        // gone or unreadable: compare the normalised form
      }
      if (b.equals(p)) {
        return busy.getValue();
      }
    }
    return null;
  }

  /** Why the node has this file in use, or null when it may be deleted. */
  static String inUseReason(Path root, Path p) {
    String name = p.getFileName().toString();
    if (LIVE_FILES.contains(name) && root.equals(p.getParent())) {
      return "the node keeps it open (" + name + ")";
    }
    if (name.endsWith(".lock")) {
      return "it is a lock file";
    }
    try {
      Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (mode instanceof Integer m && (m & 0170000) == 0140000) {
        return "it is a Unix socket";
      }
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      BasicFileAttributes a = attributes(p);
      if (a != null && a.isOther()) {
        return "it is not a regular file";
      }
    }
    return null;
  }

  /**
   * The real path of {@code file} inside the data directory.
   *
   * @throws OpsException 400 when it is absolute, has a {@code ..}, or resolves outside; 404 when
   *     missing
   */
  private Path contained(String file) {
    if (file.length() > MAX_PATH_CHARS) {
      throw new OpsException(400, "Parameter file: longer than " + MAX_PATH_CHARS + " characters");
    }
    Path rel;
    try {
      rel = Path.of(file);
    } catch (InvalidPathException e) {
      throw new OpsException(400, "Parameter file: not a valid path: " + e.getReason());
    }
    if (rel.isAbsolute() || file.startsWith("/") || file.startsWith("\\")) {
      throw new OpsException(
          400, "Parameter file: must be relative to the data directory, got '" + file + "'");
    }
    for (Path part : rel) {
      if (part.toString().equals("..")) {
        throw new OpsException(400, "Parameter file: must not contain '..', got '" + file + "'");
      }
    }
    Path real;
    try {
      real = root.resolve(rel).toRealPath();
    } catch (NoSuchFileException e) {
      throw new OpsException(404, "No such file or directory: " + file);
    } catch (IOException e) {
      throw new OpsException(
          400, "Parameter file: cannot resolve '" + file + "': " + e.getMessage());
    }
    if (!real.startsWith(root)) {
      throw new OpsException(
          400, "Parameter file: '" + file + "' leads outside the data directory");
    }
    return real;
  }

  private String relative(Path p) {
    String r = root.relativize(p).toString();
    return r.isEmpty() ? "." : r;
  }

  private static FileEntry entry(Path p) {
    String name = p.getFileName().toString();
    BasicFileAttributes a = attributes(p);
    if (a == null) {
      return new FileEntry(name, "gone", null, null);
    }
    String type =
        a.isSymbolicLink()
            ? "symlink"
            : a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : "other";
    return new FileEntry(name, type, a.size(), a.lastModifiedTime().toInstant().toString());
  }

  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  private static Set<String> liveFiles() {
    Set<String> names = new HashSet<>();
    for (String db : List.of(MetricStores.SQLITE_FILE, AuthStore.SQLITE_FILE)) {
      names.add(db);
      names.add(db + "-wal");
      names.add(db + "-shm");
      names.add(db + "-journal");
    }
    names.add(AuthStore.ADMIN_TOKEN_FILE);
    names.add(DataDirectoryLock.FILE_NAME);
    return Set.copyOf(names);
  }
}
