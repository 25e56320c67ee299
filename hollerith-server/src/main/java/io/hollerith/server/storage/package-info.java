/**
 * Durable metric history: {@link io.hollerith.server.storage.MetricStore} (SQLite by default,
 * PostgreSQL to share between nodes), {@link io.hollerith.server.storage.StoreSink} (the flush sink
 * that queues snapshots and writes them), retention and rollups, and the read side ({@link
 * io.hollerith.server.storage.SeriesReader}) the query layer uses.
 *
 * <h2>Opening</h2>
 *
 * <pre>{@code
 * MetricStore store = MetricStores.open(config, Clock.systemUTC());   // migrates; refuses a newer schema
 * StoreSink sink = StoreSink.create(config, store, stats, Clock.systemUTC());
 * scheduler.add(RollupJob.job(config, store, stats, Clock.systemUTC()));  // a job of jobs.Scheduler
 * }</pre>
 *
 * <h2>Data model</h2>
 *
 * <p>Metric data lives apart from credentials: SQLite file {@code <data_dir>/metrics.db} (users and
 * tokens are in {@code auth.db}), PostgreSQL schema {@code hollerith} ({@code hollerith_auth} for
 * credentials; generally {@code <schema>_auth}), so a read-only SQL role can be given the metric
 * data and nothing else. Schema migrations are Flyway scripts in {@code db/metrics/sqlite} and
 * {@code db/metrics/postgresql}. Times are epoch milliseconds; {@code res} is the length of the
 * stored interval in milliseconds.
 *
 * <ul>
 *   <li>{@code series(id, name, canonical_key, type, tags, first_seen, last_seen, last_sample)}:
 *       one row per series and type; {@code canonical_key} is {@link
 *       io.hollerith.server.model.MetricKey#canonical()} (unique with {@code type}; ordering by it
 *       orders by name, then tags), {@code tags} is a JSON object for SQL users. {@code last_seen}
 *       follows the rows written (idle flushes included, for rollups and expiry) and is refreshed
 *       at most once a minute per series; {@code last_sample} is the start of the latest interval
 *       with a sample, the API's {@code lastSeen}.
 *   <li>{@code nodes(id, name, heartbeat_at, heartbeat, flushed_until)}: the node ids rows refer to
 *       by a small integer, each node's latest worker heartbeat (epoch milliseconds and its JSON
 *       report), and the end of the latest live interval it wrote.
 *   <li>{@code live_spans(series_id, node_id, since, until)}: the intervals in which a node held a
 *       series live ({@code until} null while it still does: up to the node's {@code
 *       flushed_until}); see "Idle intervals".
 *   <li>{@code tasks(id, node, job_id, state, scheduled_at, started_at, ended_at, output, error)}:
 *       the newest job runs of every node ({@code jobs.Scheduler}).
 *   <li>One points table per type, each keyed {@code (series_id, res, ts, node_id)}: {@code
 *       counter_points(count)}, {@code gauge_points(last, min, max, updated, set_at)}, {@code
 *       timer_points(count, sample_count, sum, sum_squares, min, max, sketch)}, {@code
 *       set_points(unique_count, sketch)}. Sketches are {@link
 *       io.hollerith.server.sketch.QuantileSketch#toBytes()} and {@link
 *       io.hollerith.server.sketch.UniqueSketch#toBytes()}; a quantile sketch of at most 10,000
 *       values carries the values themselves (8 bytes each), so percentiles over small ranges stay
 *       exact through node merges and rollups.
 *   <li>{@code counter_totals(series_id, node_id, total, updated)} and {@code
 *       gauge_values(series_id, node_id, value, updated, set_at)}: running counter totals
 *       (Prometheus {@code _total}, which never goes down: an interval whose sum is negative adds
 *       nothing) and last gauge values, updated in the same transaction as the points. A gauge's
 *       {@code set_at} is when a sample last set its value (the receiving node's clock), {@code
 *       updated} when the row was written.
 *   <li>{@code write_log(node_id, write_id, interval_start, written_at, points)}: one row per
 *       applied snapshot, so a retried write is not applied twice; pruned after a day.
 *   <li>{@code rollup_state(res, done_until, rolling_until)} and {@code rollup_dirty(res, ts)}:
 *       rollup watermarks and coarse buckets to re-roll because a late write changed their sources.
 *   <li>{@code series_epoch(id = 1, epoch)}: bumped by every transaction that deletes expired
 *       series; writers check it before using cached series ids (see "Rollups and retention").
 * </ul>
 *
 * <h2>Idle intervals</h2>
 *
 * <p>Etsy flushes every live series every interval: an idle counter as 0, an idle timer with no
 * values, an idle set with no members. Storing those would make every flush cost a row per live
 * series (a million live series, a million rows every 10 s) whatever changed. So a live flush
 * writes rows only for series that received something (a gauge that got no sample holds its value),
 * and keeps {@code live_spans} instead: a series new to the node's flush opens a span, a series
 * that left it closes one, and a flush after a gap (a restart, dropped snapshots) first closes
 * every open span of the node where its previous flush ended (and stores every gauge it lists, idle
 * or not: the value an idle gauge holds may have been set in an interval that was lost). A snapshot
 * whose {@link io.hollerith.server.snapshot.LiveSetChanges} follow the node's previous flush in
 * this process says which spans to open and close, so a flush resolves and touches only the series
 * with rows and those that joined or left: its work is proportional to what changed, not to the
 * live series. Otherwise (the node's first flush in the process, a gap, a write of unknown outcome,
 * a snapshot with non-finite values left out) the node's open spans are read back and compared with
 * every series the snapshot lists. Reads (points, buckets, the summary) and rollups add back, for
 * each node, each bucket its span covers without a row, as the row the idle flush used to store:
 * the API answers exactly what it answered when idle intervals were rows (0 for a counter, an empty
 * timer, an empty set, the held gauge; the same bucket values, point counts and set unions, on
 * every node of a fleet), and a rollup writes rows only for buckets with rows, so an idle minute
 * costs no rollup row either. An idle gauge reads as the value (and set time) its node held: the
 * node's latest row before the interval. Expiry keeps a series whose span reaches into the retained
 * range even though it writes no rows, and deletes spans that ended before it.
 *
 * <p><b>Why a table per type.</b> A counter point is one double, a timer point seven values and a
 * sketch; one wide table with typed columns would carry NULLs and a type tag in every row and mix
 * tiny and large rows in the same pages. Per-type tables keep each row to what its type needs, and
 * a read scans exactly one table. The key leads with {@code (series_id, res, ts)}: reading one
 * series over a range at one resolution is one contiguous range scan. On SQLite the points tables
 * are {@code WITHOUT ROWID}, so the key is stored once (no rowid plus separate index) and rows are
 * clustered in key order.
 *
 * <p>{@link io.hollerith.server.storage.MetricStore#tableSizes()} measures every table (total and
 * data bytes, rows) on both engines; on SQLite it reads every page ({@code dbstat}), so it runs for
 * the daily table-growth sample and an operator's database-statistics request, never per scrape.
 * {@code table_size_history(table_name, day, total_size, data_size, row_estimate)} keeps one sample
 * per table and UTC day (upserted, so every node of a fleet may store the same day).
 *
 * <h2>Operations</h2>
 *
 * <p>{@link io.hollerith.server.storage.MetricStore#databaseStats()} answers the
 * database-statistics sections from PostgreSQL's statistics views, or from SQLite's real
 * equivalents (page and freelist counts, WAL size and checkpoint state, and the store's own
 * connections, running operations and commit/rollback/busy counters, counted around every write
 * transaction), with a note for each field an engine cannot fill. {@link
 * io.hollerith.server.storage.MetricStore#readOnlySql} opens separate connections for ad-hoc SQL
 * that can read the metric data and nothing else: on SQLite the metric file alone, read-only,
 * {@code query_only}, without {@code ATTACH} or extensions, the driver's {@code backup}/{@code
 * restore} commands refused; on PostgreSQL a configured role (checked before use: no superuser, no
 * access to {@code hollerith_auth}, no server-file roles, no write privilege) in {@code READ ONLY}
 * transactions, never with the store's own user.
 *
 * <h2>Writes</h2>
 *
 * <p>A snapshot is written in one transaction with batched statements (new series, points, totals,
 * gauge values, series last-seen, the write-log row). Points of the same series, interval and node
 * merge (counts add, min/max combine, sketches merge), so a backfill or a re-flush after a restart
 * adds to what is there. {@link io.hollerith.server.storage.StoreSink} decouples the flush thread
 * from the database with a bounded queue, retries with backoff while the store is unavailable, and
 * drops (and counts, and logs) the oldest snapshots only past {@code storage.max_backlog}.
 *
 * <p><b>The latest gauge across nodes.</b> A node sends every gauge it holds on every flush, so the
 * node that flushed last is not the one that received the newest value. Every merge of gauge rows
 * (the nodes of one interval, the intervals of a bucket, a rollup) therefore keeps the value with
 * the latest {@code set_at}, and a rolled-up row keeps that value's {@code set_at}; equal set times
 * go to the later interval, then the higher node id. Set times come from each node's clock: with
 * clocks that differ by {@code d}, two values set on different nodes less than {@code d} apart may
 * be ordered by the skewed clocks rather than by real time (the node whose clock runs ahead wins);
 * values set further apart are always ordered correctly. Keep the fleet on NTP.
 *
 * <h2>Rollups and retention</h2>
 *
 * <p>{@link io.hollerith.server.config.RetentionPolicy} ({@code 10s:7d,1m:90d,1h:5y}) gives the
 * resolutions. {@link io.hollerith.server.storage.MetricStore#rollup} merges complete buckets of
 * each resolution into the next coarser one per node (counts and sums add, min of mins, max of
 * maxes, sketches merge, HyperLogLogs unite, gauges keep the value set last), replacing the coarse
 * row so a re-roll is idempotent, and deletes rows past their resolution's retention. It works a
 * few series per transaction (halving the batch while a transaction takes more than a quarter flush
 * interval), so a flush write never waits long. A write landing in an already rolled-up bucket
 * marks it dirty and the next pass re-rolls it.
 *
 * <p><b>Expired series.</b> A series whose {@code last_seen} is older than the longest retention
 * (plus the one-minute last-seen granularity) has no points left; the retention pass deletes it
 * with its points, counter total and gauge value ({@link
 * io.hollerith.server.storage.RollupReport#seriesExpired()}, stat {@code storage.series_expired}).
 * Writes cache series ids, on every node sharing the database, so the deletion must not race a
 * write holding a stale id (PostgreSQL would keep orphan rows; SQLite reuses rowids, so a stale id
 * could even name a different series). The design is an epoch: the deleting transaction first bumps
 * {@code series_epoch} (on PostgreSQL an exclusive row lock, which waits for writes in flight),
 * then deletes in a fresh statement, seeing everything they committed. Every write transaction
 * first reads the epoch ({@code FOR SHARE} on PostgreSQL, so a deletion cannot start until the
 * write ends; SQLite write transactions are {@code BEGIN IMMEDIATE}, exclusive already); if it
 * moved, the writer drops its whole id cache and resolves its series by key again, recreating
 * deleted ones as new series. So a write either commits before the deletion, which re-checks {@code
 * last_seen} and removes what the write added only if the series still qualifies, or runs after it
 * with fresh ids. It costs one row read per write, and a re-resolution of the written series after
 * a pass that deleted some. Reads never use the cache; they look series up by key.
 *
 * <h2>Reads</h2>
 *
 * <p>A request that reads one key several times (its types, then buckets and a summary) does so in
 * one read transaction through {@link io.hollerith.server.storage.SeriesReader#readSeries}: the
 * key's series rows are looked up once and the rollup watermarks read at most once.
 *
 * <p>Node partials are merged on read. {@code readBuckets} reads the coarsest resolution at least
 * as fine as the bucket; where that resolution holds nothing yet (the newest, not yet rolled part
 * of a range) or no longer (past its retention) it reads the next preferred one, so a range can
 * combine resolutions. {@code readPoints} prefers the finest resolution that still holds each part
 * of the range.
 *
 * <h2>Code map</h2>
 *
 * <p>{@code JdbcMetricStore} holds what both engines share and hands each concern to its own class:
 * {@code SnapshotWriter} (a flush in one transaction), {@code PersistedValues} (counter totals and
 * gauge values for restarts), {@code SeriesReads} and {@code JdbcStoredSeries} (reads), {@code
 * Rollups} and {@code Retention} (the periodic pass), {@code SeriesIds} with its epoch-scoped
 * {@code SeriesIdCache}, and {@code PointRows} (the point tables' SQL). Opening a database (private
 * SQLite files, PostgreSQL pools, passwords, migrations that refuse a newer schema) is shared with
 * the credential store in {@link io.hollerith.server.database}.
 *
 * <h2>Several nodes</h2>
 *
 * <p>Nodes sharing one PostgreSQL each write their own partial rows (node id in the key); nothing
 * is coordinated except the {@code series} unique key. Because every stored value merges exactly
 * (sums, min/max, DDSketch, HyperLogLog), a UDP load balancer can spread samples of one series over
 * any nodes: no consistent hashing is needed, and percentiles read back equal those of a single
 * node that received everything (within the sketch's 1%). Every node may run the rollup job; a
 * PostgreSQL advisory lock lets one pass run at a time and the others return at once.
 */
package io.hollerith.server.storage;
