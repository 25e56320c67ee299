/**
 * Node operations behind the node-wide routes: database statistics (through
 * {@link io.hollerith.server.storage.MetricStore#databaseStats()}), table growth, read-only SQL,
 * debug dumps and the data directory's files. Every route needs its permission and a caller in the
 * root tenant; the HTTP side is {@code api.OpsRoutes}.
 *
 * <ul>
 *   <li>{@link io.hollerith.server.ops.TableGrowthSampler} takes the daily table-size sample
 *       ({@code sampleOnce(day)}; {@code sampleIfMissing(today)} at start and on the first
 *       table-growth request of a day without one), keeps
 *       {@code ops.table_growth.retention_days} of them, logs and counts each alert once per day
 *       ({@code ops.table_growth_alerts}), and holds the latest figures that {@code /stats} and
 *       Prometheus report, so a scrape never measures the database.
 *   <li>{@link io.hollerith.server.ops.TableGrowthReport} is the arithmetic: growth
 *       {@code round((current − old) / old × 100, 1)} against the sample of exactly 7 (30) days
 *       before, else the nearest older one within 3 days; null when none or 0; alerts strictly above
 *       the thresholds. Unlike the seed's implementation, {@code days} works and {@code table_name}
 *       is an exact (case-insensitive) match.
 *   <li>{@link io.hollerith.server.ops.ReadOnlyQueries} runs {@code POST /api/stats/query/} on its own
 *       {@code ops.query.threads} (503 beyond {@code ops.query.max_queued} waiting), with
 *       {@code ops.query.timeout} (408), {@code ops.query.max_rows} and
 *       {@code ops.query.max_result_bytes} ({@code truncated}); each query is logged with its user
 *       and duration and counted ({@code ops.queries}, {@code ops.query_errors},
 *       {@code ops.query_timeouts}, {@code ops.query_truncated}, {@code ops.query_rejected_busy}).
 *   <li>{@link io.hollerith.server.ops.ThreadDump} groups the thread dump by identical state and
 *       stack; {@link io.hollerith.server.ops.BufferPools} reports Netty's arenas and the JVM's
 *       buffer pools.
 *   <li>{@link io.hollerith.server.ops.DataFiles} lists (at most {@code ops.files.max_entries} entries,
 *       counted in {@code ops.file_lists_truncated} when cut) and deletes within the data directory,
 *       checked on canonical real paths; files in use are never deleted (409).
 * </ul>
 */
package io.hollerith.server.ops;
