package io.hollerith.server.database;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a schema's Flyway migrations, after refusing a database that a newer Hollerith has
 * already migrated further: Flyway by default only warns about such "future" migrations, and
 * running old code on a newer schema could corrupt it. Used for the metric store and the credential
 * store alike. Stateless.
 */
public final class SchemaMigrations {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

  private SchemaMigrations() {}

  /** Where the migrations are and what to call the database in messages. */
  public record Target(String location, String historyTable, String schema, String description) {
    /**
     * @param location Flyway location, e.g. {@code classpath:db/metrics/sqlite}
     * @param historyTable Flyway's history table
     * @param schema PostgreSQL schema to migrate (created if missing), or null for SQLite
     * @param description for messages, e.g. {@code the sqlite metric database /data/metrics.db}
     */
    public Target {}
  }

  /**
   * Migrates {@code target} to the newest schema this binary knows.
   *
   * @throws SchemaException if the schema is newer than this binary or a migration fails
   */
  public static void migrate(DataSource dataSource, Target target) {
    var configure =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(target.location())
            .table(target.historyTable())
            .failOnMissingLocations(true);
    if (target.schema() != null) {
      configure =
          configure.schemas(target.schema()).defaultSchema(target.schema()).createSchemas(true);
    }
    Flyway flyway = configure.load();
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getState().name().startsWith("FUTURE")) {
        throw new SchemaException(
            target.description()
                + " has schema version "
                + info.getVersion()
                + " ("
                + info.getDescription()
                + "), newer than this Hollerith understands (up to "
                + latestKnown(flyway)
                + "). It was migrated by a newer Hollerith: run that version, or restore a backup taken before the"
                + " upgrade.",
            null);
      }
    }
    try {
      MigrateResult result = flyway.migrate();
      if (result.migrationsExecuted > 0) {
        log.info(
            "migrated {} to schema version {}", target.description(), result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      throw new SchemaException(
          "migrating " + target.description() + " failed: " + e.getMessage(), e);
    }
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
