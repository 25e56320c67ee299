package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during load: a child JVM writes flushes to SQLite as fast as it can and is killed
 * with {@link Process#destroyForcibly()} mid-write. The reopened database passes {@code PRAGMA
 * integrity_check} and holds every flush the child reported complete.
 */
class SqliteCrashSafetyTest {

  @TempDir Path dir;

  @Test
  void aKilledWriterLosesAtMostTheFlushInFlight() throws Exception {
    Path db = dir.resolve("metrics.db");
    long t0 = System.currentTimeMillis() / 3_600_000 * 3_600_000 - 3_600_000;
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Xmx256m",
            CrashWriterMain.class.getName(),
            db.toString(),
            Long.toString(t0));
    pb.redirectErrorStream(true);
    Process child = pb.start();
    List<Long> done = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (done.size() < 25 && (line = out.readLine()) != null && System.nanoTime() < deadline) {
        if (line.startsWith("done ")) {
          done.add(Long.parseLong(line.substring(5).trim()));
        }
      }
      // The child is writing the next flush right now (it loops without pause).
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(done).hasSizeGreaterThanOrEqualTo(25);

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
    StoreSettings settings =
        new StoreSettings(
            RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 100, Clock.systemUTC());
    try (MetricStore store = MetricStores.sqlite(db, "FULL", settings)) {
      for (long id : done) {
        assertThat(store.isWritten("child", id)).as("flush %s", id).isTrue();
      }
      long last = done.get(done.size() - 1);
      // Every completed flush is whole: 300 counters and 300 timers at its interval.
      List<StoredPoint> c7 =
          store.readPoints(MetricKey.of("c7"), MetricType.COUNTER, t0, t0 + (last + 5) * 10_000);
      List<StoredPoint> t299 =
          store.readPoints(MetricKey.of("t299"), MetricType.TIMER, t0, t0 + (last + 5) * 10_000);
      // Flushes the child completed after our last read (still in the pipe when it died) are there
      // too,
      // and every stored flush is whole and in sequence.
      assertThat(c7.size()).isGreaterThanOrEqualTo(done.size());
      assertThat(t299).hasSameSizeAs(c7);
      for (long id = 0; id < c7.size(); id++) {
        assertThat(store.isWritten("child", id)).isTrue();
      }
      assertThat(store.isWritten("child", c7.size())).isFalse();
      assertThat(store.loadCounterTotals("child").get(MetricKey.of("c0")))
          .isEqualTo((double) c7.size());
    }
  }
}
