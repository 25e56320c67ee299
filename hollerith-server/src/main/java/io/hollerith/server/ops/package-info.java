/**
 * Node operations: the services behind the node-wide operations routes, and the operations views
 * built on {@code jobs} and {@code stats}. Every route over them needs its permission and a caller
 * in the root tenant; the HTTP sides are {@code api.OpsRoutes} (database, SQL, debug, files) and
 * {@code api.OpsEndpoints} (tasks, internal statistics, workers).
 *
 * <p>Database statistics (through {@link io.hollerith.server.storage.MetricStore#databaseStats()}),
 * table growth, read-only SQL, debug dumps and the data directory's files:
 *
 * <ul>
 *   <li>{@link io.hollerith.server.ops.TableGrowthSampler} takes the daily table-size sample
 *       ({@code sampleOnce(day)}, run by the built-in job {@link
 *       io.hollerith.server.ops.TableGrowthJob} at {@code ops.table_growth.sample_at}; {@code
 *       sampleIfMissing(today)} at start and on the first table-growth request of a day without
 *       one), keeps {@code ops.table_growth.retention_days} of them, logs and counts each alert
 *       once per day ({@code ops.table_growth_alerts}), and holds the latest figures that {@code
 *       /stats} and Prometheus report, so a scrape never measures the database.
 *   <li>{@link io.hollerith.server.ops.TableGrowthReport} is the arithmetic: growth {@code
 *       round((current − old) / old × 100, 1)} against the sample of exactly 7 (30) days before,
 *       else the nearest older one within 3 days; null when none or 0; alerts strictly above the
 *       thresholds. {@code days} adds each table's daily history and {@code table_name} is an exact
 *       (case-insensitive) match.
 *   <li>{@link io.hollerith.server.ops.ReadOnlyQueries} runs {@code POST /api/stats/query/} on its
 *       own {@code ops.query.threads} (503 beyond {@code ops.query.max_queued} waiting), with
 *       {@code ops.query.timeout} (408), {@code ops.query.max_rows} and {@code
 *       ops.query.max_result_bytes} ({@code truncated}); each query is logged with its user and
 *       duration and counted ({@code ops.queries}, {@code ops.query_errors}, {@code
 *       ops.query_timeouts}, {@code ops.query_truncated}, {@code ops.query_rejected_busy}).
 *   <li>{@link io.hollerith.server.ops.ThreadDump} groups the thread dump by identical state and
 *       stack; {@link io.hollerith.server.ops.BufferPools} reports Netty's arenas and the JVM's
 *       buffer pools.
 *   <li>{@link io.hollerith.server.ops.DataFiles} lists (at most {@code ops.files.max_entries}
 *       entries, counted in {@code ops.file_lists_truncated} when cut) and deletes within the data
 *       directory, checked on canonical real paths; files in use are never deleted (409), among
 *       them each {@code stats} job's current output file ({@link
 *       io.hollerith.server.ops.StatsProgram#currentFile()}).
 * </ul>
 *
 * <p>Operations views of a node, built on {@code jobs} and {@code stats}:
 *
 * <ul>
 *   <li>{@link io.hollerith.server.ops.InternalStats}: the internal statistics object (Apsis's
 *       stats fields mapped onto the JVM, plus JVM and Hollerith figures), served at {@code
 *       /api/stats/internal/} and produced by the job program {@link
 *       io.hollerith.server.ops.StatsProgram} ({@code stats}), which can append it to a templated
 *       JSON-lines file;
 *   <li>{@link io.hollerith.server.ops.WorkerReport}, {@link io.hollerith.server.ops.NodeHeartbeat}
 *       and {@link io.hollerith.server.ops.WorkersView}: each node of a fleet as a Celery-style
 *       worker, announced through heartbeats in the shared store ({@code /api/stats/celery/});
 *   <li>{@link io.hollerith.server.ops.SelfSeriesSink}: the node's own key figures stored as series
 *       under {@code hollerith.} every flush.
 * </ul>
 */
package io.hollerith.server.ops;
