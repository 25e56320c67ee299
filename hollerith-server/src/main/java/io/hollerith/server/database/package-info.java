/**
 * Opening a database, shared by the metric store ({@code storage}) and the credential store ({@code
 * auth}): private SQLite files, PostgreSQL pools with one password rule ({@link
 * io.hollerith.server.database.Passwords}), and Flyway migrations that refuse a schema newer than
 * this binary ({@link io.hollerith.server.database.SchemaMigrations}).
 */
package io.hollerith.server.database;
