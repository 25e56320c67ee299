package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hollerith.server.datadir.DataDirectoryInUseException;
import io.hollerith.server.datadir.DataDirectoryLock;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The data directory is private to the server's user, held by one server at a time, and a start
 * that fails leaves no data directory and no admin token behind.
 */
class DataDirectoryTest {

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  @TempDir Path tmp;

  @Test
  void theDataDirectoryIsOwnerOnlyAndSoIsEveryFileInItIncludingTheWalFiles() throws Exception {
    Path data = tmp.resolve("data");
    try (ServerHarness harness = ServerHarness.start(data, "listeners.unix_stream.enabled=false")) {
      try (DatagramSocket udp = new DatagramSocket()) {
        byte[] line = "perm.check:1|c".getBytes(StandardCharsets.UTF_8);
        udp.send(
            new DatagramPacket(
                line,
                line.length,
                InetAddress.getLoopbackAddress(),
                harness.server.ingestAddresses().udp().getPort()));
      }
      harness.awaitSamples(1);
      harness.flushAndStore();
      assertThat(Files.getPosixFilePermissions(data))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      List<Path> files;
      try (Stream<Path> all = Files.walk(data)) {
        files = all.filter(Files::isRegularFile).toList();
      }
      assertThat(files)
          .extracting(p -> p.getFileName().toString())
          .contains(
              "metrics.db",
              "metrics.db-wal",
              "metrics.db-shm",
              "auth.db",
              "auth.db-wal",
              "admin.token",
              DataDirectoryLock.FILE_NAME);
      for (Path file : files) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        assertThat(mode)
            .as("mode of %s: %s", file, PosixFilePermissions.toString(mode))
            .doesNotContainAnyElementsOf(GROUP_OR_OTHERS);
      }
    }
  }

  @Test
  void aSecondServerOnTheSameDirectoryRefusesNamingTheDirectoryAndThePid() throws Exception {
    Path data = tmp.resolve("data");
    try (ServerHarness first = ServerHarness.start(data)) {
      assertThatThrownBy(() -> ServerHarness.start(data))
          .isInstanceOf(DataDirectoryInUseException.class)
          .hasMessage(
              "data directory "
                  + data.toAbsolutePath()
                  + " is in use by another Hollerith server (pid "
                  + ProcessHandle.current().pid()
                  + "); stop that server or set another data_dir");
      assertThat(first.get("/health").statusCode()).isEqualTo(200);
    }
    try (ServerHarness again = ServerHarness.start(data)) {
      assertThat(again.server.dataDir()).isEqualTo(data.toAbsolutePath());
    }
  }

  @SuppressWarnings("try") // the harness stays open while the body checks the directory it made
  @Test
  void aStartThatCannotBindLeavesNoDataDirectoryAndNoToken() throws Exception {
    Path data = tmp.resolve("fresh").resolve("data");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> ServerHarness.start(data, "http.port=" + taken.getLocalPort()))
          .hasMessageContaining("cannot bind HTTP API to 127.0.0.1:" + taken.getLocalPort());
    }
    assertThat(data).doesNotExist();
    try (ServerHarness started = ServerHarness.start(data)) {
      assertThat(data.resolve("admin.token")).exists();
    }
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsNamed() throws Exception {
    Path data = tmp.resolve("data");
    Files.writeString(data, "not a directory");
    assertThatThrownBy(() -> ServerHarness.start(data))
        .hasMessage("data_dir " + data.toAbsolutePath() + " exists and is not a directory");
    assertThat(Files.readString(data)).isEqualTo("not a directory");
  }

  @SuppressWarnings("try") // the harness stays open while the body checks the directory it made
  @Test
  void anExistingDirectoryOthersMayEnterIsUsedWithAWarning() throws Exception {
    Path data = Files.createDirectory(tmp.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Logger log = (Logger) LoggerFactory.getLogger(HollerithServer.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    log.addAppender(warnings);
    try (ServerHarness harness = ServerHarness.start(data)) {
      assertThat(warnings.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "data_dir "
                  + data.toAbsolutePath()
                  + " is accessible to other users (rwxr-xr-x); "
                  + "restrict it with: chmod 700 "
                  + data.toAbsolutePath());
      assertThat(Files.getPosixFilePermissions(data.resolve("auth.db")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    } finally {
      log.detachAppender(warnings);
    }
  }

  @Test
  void aDirectoryTheServerCannotWriteIsNamedInOneLine() throws Exception {
    Path data = Files.createDirectory(tmp.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-x------"));
    Assumptions.assumeFalse(Files.isWritable(data), "running as a user who may write anywhere");
    try {
      assertThatThrownBy(() -> ServerHarness.start(data))
          .hasMessage("cannot write to data_dir " + data.toAbsolutePath() + ": permission denied");
      Path below = data.resolve("below");
      assertThatThrownBy(() -> ServerHarness.start(below))
          .hasMessage("cannot create data_dir " + below.toAbsolutePath() + ": permission denied");
    } finally {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
