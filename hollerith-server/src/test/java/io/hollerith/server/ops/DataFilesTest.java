package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.stats.StatsRegistry;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Containment and live-file protection of the data directory, on a real file system. */
class DataFilesTest {

  @TempDir Path parent;
  Path data;
  Path sibling;
  DataFiles files;

  @BeforeEach
  void layout() throws Exception {
    data = Files.createDirectory(parent.resolve("data"));
    sibling = Files.createDirectory(parent.resolve("data2"));
    Files.writeString(sibling.resolve("secret.txt"), "secret");
    Files.writeString(parent.resolve("outside.txt"), "outside");
    Files.createDirectory(data.resolve("queue"));
    Files.writeString(data.resolve("queue/1.dat"), "12345");
    Files.writeString(data.resolve("old.log"), "log");
    files = new DataFiles(data, 10_000, new StatsRegistry());
  }

  static void refused(int status, String message, ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(OpsException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((OpsException) e).status()).isEqualTo(status));
  }

  @Test
  void listsOneDirectoryWithNameTypeSizeAndTime() throws Exception {
    Files.createSymbolicLink(data.resolve("link"), data.resolve("old.log"));
    DataFiles.Listing root = files.list(null);
    assertThat(root.path()).isEqualTo(".");
    List<DataFiles.FileEntry> entries = root.files();
    assertThat(entries)
        .extracting(DataFiles.FileEntry::name)
        .containsExactly("link", "old.log", "queue");
    assertThat(entries)
        .extracting(DataFiles.FileEntry::type)
        .containsExactly("symlink", "file", "directory");
    assertThat(entries.get(1).size()).isEqualTo(3L);
    assertThat(entries.get(1).modified())
        .isEqualTo(Files.getLastModifiedTime(data.resolve("old.log")).toInstant().toString());
    DataFiles.Listing queue = files.list("queue");
    assertThat(queue.path()).isEqualTo("queue");
    assertThat(queue.files())
        .singleElement()
        .satisfies(e -> assertThat(e.name()).isEqualTo("1.dat"))
        .satisfies(e -> assertThat(e.size()).isEqualTo(5L));
    assertThat(files.list("")).isEqualTo(root);
  }

  @Test
  void pathsThatLeaveTheDataDirectoryAreRefused() throws Exception {
    Files.createSymbolicLink(data.resolve("escape"), sibling);
    Files.createSymbolicLink(data.resolve("escape.txt"), parent.resolve("outside.txt"));
    refused(400, "must not contain '..'", () -> files.list(".."));
    refused(400, "must not contain '..'", () -> files.list("../data2"));
    refused(400, "must not contain '..'", () -> files.list("queue/../../data2"));
    refused(400, "must be relative", () -> files.list(sibling.toString()));
    refused(400, "must be relative", () -> files.list("/etc"));
    refused(400, "leads outside the data directory", () -> files.list("escape"));
    refused(400, "must not contain '..'", () -> files.delete("../data2/secret.txt"));
    refused(400, "leads outside the data directory", () -> files.delete("escape/secret.txt"));
    refused(400, "leads outside the data directory", () -> files.delete("escape.txt"));
    refused(400, "must be relative", () -> files.delete(parent.resolve("outside.txt").toString()));
    refused(400, "longer than", () -> files.list("a".repeat(DataFiles.MAX_PATH_CHARS + 1)));
    refused(400, "not a valid path", () -> files.list("a\0b"));
    assertThat(sibling.resolve("secret.txt")).exists();
    assertThat(parent.resolve("outside.txt")).exists();
  }

  @Test
  void aSiblingDirectorySharingTheNameAsPrefixIsOutside() throws Exception {
    Files.createSymbolicLink(data.resolve("prefix"), sibling);
    refused(400, "leads outside", () -> files.list("prefix"));
    refused(400, "leads outside", () -> files.delete("prefix/secret.txt"));
    assertThat(sibling.resolve("secret.txt")).exists();
  }

  @Test
  void filesInUseAreNeverDeleted() throws Exception {
    for (String name :
        List.of(
            "metrics.db",
            "metrics.db-wal",
            "metrics.db-shm",
            "auth.db",
            "auth.db-wal",
            "auth.db-shm",
            "admin.token",
            "hollerith.lock")) {
      Files.writeString(data.resolve(name), "live");
      refused(409, "cannot be deleted", () -> files.delete(name));
      assertThat(data.resolve(name)).exists();
    }
    Path socket = data.resolve("statsd.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      refused(409, "it is a Unix socket", () -> files.delete("statsd.sock"));
      assertThat(socket).exists();
    }
  }

  @Test
  void deletesOneRegularFileAndNothingElse() throws Exception {
    Files.createDirectories(data.resolve("archive"));
    Files.writeString(data.resolve("archive/metrics.db"), "an old copy, not the live file");
    Files.createSymbolicLink(data.resolve("link"), data.resolve("old.log"));
    files.delete("queue/1.dat");
    assertThat(data.resolve("queue/1.dat")).doesNotExist();
    files.delete("archive/metrics.db");
    assertThat(data.resolve("archive/metrics.db")).doesNotExist();
    refused(400, "is a directory", () -> files.delete("queue"));
    refused(400, "is a symbolic link", () -> files.delete("link"));
    assertThat(data.resolve("old.log")).exists();
    refused(404, "No such file", () -> files.delete("missing.txt"));
    refused(400, "a file path is required", () -> files.delete(""));
    refused(404, "No such file", () -> files.list("nothing"));
    refused(400, "is not a directory", () -> files.list("old.log"));
  }

  @Test
  void aLongListingIsCutAtTheLimitAndCounted() throws Exception {
    for (int i = 0; i < 7; i++) {
      Files.writeString(data.resolve("queue/" + i + ".extra"), "x");
    }
    StatsRegistry stats = new StatsRegistry();
    DataFiles capped = new DataFiles(data, 5, stats);
    DataFiles.Listing list = capped.list("queue");
    assertThat(list.files()).hasSize(5);
    assertThat(list.truncated()).isTrue();
    assertThat(stats.value("ops", "file_lists_truncated").longValue()).isEqualTo(1);
    assertThat(capped.list(null).truncated()).isFalse();
  }

  @Test
  void aFileAnotherPartOfTheNodeWritesIsBusyUntilItMovesOn() throws Exception {
    Files.createDirectory(data.resolve("stats"));
    Files.writeString(data.resolve("stats/2026-12-07.json"), "{}\n");
    Files.writeString(data.resolve("stats/2026-12-06.json"), "{}\n");
    AtomicReference<Path> current =
        new AtomicReference<>(data.resolve("stats/../stats/2026-12-07.json"));
    DataFiles guarded =
        new DataFiles(
            data,
            10_000,
            new StatsRegistry(),
            () ->
                Map.of(current.get(), "it is the current output file of the stats job self-stats"));

    refused(
        409,
        "'stats/2026-12-07.json' cannot be deleted: it is the current output file of the stats job self-stats",
        () -> guarded.delete("stats/2026-12-07.json"));
    assertThat(data.resolve("stats/2026-12-07.json")).exists();
    guarded.delete("stats/2026-12-06.json");
    assertThat(data.resolve("stats/2026-12-06.json")).doesNotExist();

    // The job moved on to the next day's file: yesterday's may go.
    current.set(data.resolve("stats/2026-12-08.json"));
    guarded.delete("stats/2026-12-07.json");
    assertThat(data.resolve("stats/2026-12-07.json")).doesNotExist();
  }
}
