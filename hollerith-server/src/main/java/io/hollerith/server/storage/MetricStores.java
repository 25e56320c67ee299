package io.hollerith.server.storage;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.StorageConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/** Opens the configured {@link MetricStore}. */
public final class MetricStores {

  /**
   * The metric database file under {@code data_dir} (credentials are kept apart, in {@code
   * auth.db}).
   */
  public static final String SQLITE_FILE = "metrics.db";

  private MetricStores() {}

  /**
   * Opens the store {@code storage.type} names, migrating its schema.
   *
   * @throws IllegalArgumentException for invalid settings (type, retention, synchronous, URL)
   * @throws StoreException if the database cannot be opened or its schema is newer than this binary
   */
  public static MetricStore open(HollerithConfig config, Clock clock) {
    StoreSettings settings = StoreSettings.from(config, clock);
    StorageConfig storage = config.storage();
    return switch (storage.type().toLowerCase(Locale.ROOT)) {
      case "sqlite" ->
          sqlite(
              Path.of(config.dataDir()).resolve(SQLITE_FILE),
              storage.sqliteSynchronous(),
              settings);
      case "postgresql", "postgres" -> postgresql(storage.postgresql(), settings);
      default ->
          throw new IllegalArgumentException(
              "storage.type must be sqlite or postgresql, got '" + storage.type() + "'");
    };
  }

  /** An SQLite store in {@code file}; {@code synchronous} is {@code FULL} or {@code NORMAL}. */
  public static MetricStore sqlite(Path file, String synchronous, StoreSettings settings) {
    return SqliteMetricStore.open(file, synchronous, settings);
  }

  /** A PostgreSQL store. */
  public static MetricStore postgresql(StorageConfig.Postgresql pg, StoreSettings settings) {
    return PostgresMetricStore.open(pg, settings);
  }
}
