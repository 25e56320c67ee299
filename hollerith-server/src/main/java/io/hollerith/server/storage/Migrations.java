package io.hollerith.server.storage;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the metric schema migrations ({@code classpath:db/metrics/<engine>}) with Flyway, after
 * refusing a database that a newer Hollerith has already migrated further: Flyway by default only
 * warns about such "future" migrations, and running old code on a newer schema could corrupt it.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * @param schema PostgreSQL schema to migrate (created if missing), or null for SQLite
   * @throws StoreException if the schema is newer than this binary or a migration fails
   */
  static void migrate(DataSource dataSource, Dialect dialect, String schema, String where) {
    var configure = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/metrics/" + dialect.engine)
        .table("flyway_schema_history")
        .failOnMissingLocations(true);
    if (schema != null) {
      configure = configure.schemas(schema).defaultSchema(schema).createSchemas(true);
    }
    Flyway flyway = configure.load();
    String known = "none";
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getState().name().startsWith("FUTURE")) {
        throw new StoreException("the " + dialect.engine + " metric database " + where + " has schema version "
            + info.getVersion() + " (" + info.getDescription() + "), newer than this Hollerith understands (up to "
            + latestKnown(flyway) + "). It was migrated by a newer Hollerith: run that version, or restore a backup"
            + " taken before the upgrade.");
      }
    }
    try {
      MigrateResult result = flyway.migrate();
      known = latestKnown(flyway);
      if (result.migrationsExecuted > 0) {
        log.info("migrated the {} metric database {} to schema version {}", dialect.engine, where, result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      throw new StoreException("migrating the " + dialect.engine + " metric database " + where + " failed: "
          + e.getMessage(), e);
    }
    log.debug("metric schema at version {}", known);
  }

  private static String latestKnown(Flyway flyway) {
    String latest = "none";
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getVersion() != null && !info.getState().name().startsWith("FUTURE")) {
        latest = info.getVersion().getVersion();
      }
    }
    return latest;
  }
}
