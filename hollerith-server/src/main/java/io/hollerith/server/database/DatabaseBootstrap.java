package io.hollerith.server.database;

import com.zaxxer.hikari.HikariConfig;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.datadir.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the metric store and the credential store do alike to open their database: an SQLite file
 * created private before SQLite opens it, or a PostgreSQL pool with the configured URL, user and
 * password (see {@link Passwords}); then {@link SchemaMigrations}. Each store adds its own pool
 * size, timeouts and schema. Stateless.
 */
public final class DatabaseBootstrap {

  private DatabaseBootstrap() {}

  /**
   * Creates {@code file}'s parent directories (0700) and the file itself (0600) if missing. SQLite
   * gives its {@code -wal} and {@code -shm} files the database file's mode, so they stay private
   * too.
   */
  public static void prepareSqliteFile(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      PrivateFiles.createDirectories(parent);
    }
    PrivateFiles.restrict(file);
  }

  /**
   * A pool configuration for {@code storage.postgresql}: its URL, user and password, the pool's
   * name, and one connection kept idle.
   *
   * @throws IllegalArgumentException when the URL is missing or a configured password source is
   *     missing (the message names the setting, never the password)
   */
  public static HikariConfig postgresPool(String poolName, StorageConfig.Postgresql pg) {
    if (pg.url() == null || pg.url().isBlank()) {
      throw new IllegalArgumentException(
          "storage.postgresql.url is required when storage.type is postgresql");
    }
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(poolName);
    hc.setJdbcUrl(pg.url());
    if (pg.user() != null) {
      hc.setUsername(pg.user());
    }
    String password = Passwords.resolve(pg);
    if (password != null) {
      hc.setPassword(password);
    }
    hc.setMinimumIdle(1);
    return hc;
  }
}
