package io.hollerith.server.storage;

import io.hollerith.server.config.RetentionPolicy;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Child process of {@link SqliteCrashSafetyTest}: writes flushes to an SQLite store in a loop and
 * prints {@code done <id>} after each write returns, until it is killed.
 *
 * <p>Arguments: the database file, the first interval start (epoch ms).
 */
public final class CrashWriterMain {
  private CrashWriterMain() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    long t0 = Long.parseLong(args[1]);
    StoreSettings settings =
        new StoreSettings(
            RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 100, Clock.systemUTC());
    MetricStore store = MetricStores.sqlite(file, "FULL", settings);
    System.out.println("ready");
    System.out.flush();
    for (long id = 0; ; id++) {
      SnapshotBuilder b = SnapshotBuilder.at(t0 + id * 10_000);
      for (int s = 0; s < 300; s++) {
        b.counter("c" + s, 1);
        b.timer("t" + s, (double) id, s, (double) (id + s));
      }
      store.write("child", id, b.build());
      System.out.println("done " + id);
      System.out.flush();
    }
  }
}
