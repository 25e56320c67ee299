package io.hollerith.server.storage;

/**
 * The size of one table of the metric store, for database statistics and table growth history.
 *
 * @param table table name (in the metric schema / file)
 * @param totalBytes table plus its indexes (and, on PostgreSQL, TOAST)
 * @param dataBytes the table alone (on SQLite a {@code WITHOUT ROWID} table is its primary key
 *     index)
 * @param rowEstimate rows: exact on SQLite (leaf cells), PostgreSQL's live-tuple estimate otherwise
 */
public record TableSize(String table, long totalBytes, long dataBytes, long rowEstimate) {}
