/**
 * Aggregation: samples from the parser become per-interval aggregates with Etsy StatsD 0.9's
 * semantics, and {@link io.hollerith.server.aggregate.Aggregator#flush} turns each closed interval
 * into an immutable {@link io.hollerith.server.snapshot.FlushSnapshot}.
 *
 * <h2>Data flow</h2>
 *
 * <pre>
 * parser ──Sample──▶ AggregatorWriter (one per ingest thread)
 *                      │ no_buffer: apply now          │ buffered: per-writer op log, replayed in order
 *                      ▼                               ▼
 *                 live series (one table per type)                    backfill intervals (|T samples)
 *                      │                                              │
 *                      └────────── Aggregator.flush(intervalStart) ◀──┘  (called by flush.Flusher)
 *                                         │
 *                             backfill snapshots…, live snapshot ──▶ sinks
 * </pre>
 *
 * <h2>Finding a sample's series without allocating</h2>
 *
 * <p>The parser hands over the canonical key as UTF-8 bytes with a hash ({@code Sample#hashKey}).
 * Each writer first asks its own {@link io.hollerith.server.aggregate.WriterSeriesCache} (a small
 * linear-probing table holding copies of the key bytes, short keys inline: normally one slot, one
 * hash and tag compare, one byte compare); on a miss, the type's {@link
 * io.hollerith.server.aggregate.SeriesTable} is probed with a reusable {@link
 * io.hollerith.server.aggregate.KeyProbe} that compares the bytes with the series' key string in
 * place; only a new series builds a {@code MetricKey}. A cached series may be deleted at any
 * moment: the cache skips series marked deleted, and the writer's update itself checks for deletion
 * atomically (a counter's or gauge's compare-and-set fails on its "deleted" word; timers and sets
 * re-check under the series' lock), so nothing lands in a series that will not be flushed.
 *
 * <h2>Applying a sample</h2>
 *
 * <p>Counters, most of the traffic, are lock-free: a counter's whole state is one 64-bit word
 * holding the interval's sum as double bits or one of two signalling-NaN sentinels ("untouched",
 * "deleted"), so a sample is one compare-and-set and the flusher takes the interval out with one
 * atomic swap. A gauge is lock-free the same way: its value is one word (with "never set", "no
 * value" and "deleted" sentinels) changed by one compare-and-set. Whether it got a sample in the
 * interval the flusher learns from the word itself (changed since the previous flush left it) and,
 * for a sample that wrote the same bits again, from a separate "touched" flag the writer raises
 * before and after its compare-and-set and the flusher swaps down before it reads the word;
 * deleting an idle gauge swaps in "deleted" (which fails if the word changed), then checks the flag
 * again and puts the value back if a sample got in, so a sample racing a flush is reported in this
 * interval or the next, never lost. Timers and sets take their series' own monitor. A timer sample
 * only appends its value (and its {@code 1 / sampleRate} weight once a rate other than 1 arrives)
 * to a {@code DoubleBlocks}, which grows by whole blocks instead of copying and keeps its blocks
 * across intervals; its quantile sketch is built from those values at flush, after Etsy's
 * statistics have sorted them, counting each DDSketch bucket's run of values at once ({@code
 * QuantileSketch#ofSorted}; weighted values are sketched before the sort, which does not move their
 * weights). An interval without values or members carries no sketch. A set member is kept as its
 * UTF-8 bytes in a {@code MemberSet}, an open-addressing table of 32-bit hashes ({@code
 * Sample#hashKey}) over one byte array: a hash match is confirmed by comparing the bytes, so the
 * count is exact and a collision costs one comparison; a member seen before in the interval
 * allocates nothing. Member bytes that are not well-formed UTF-8 are replaced by the encoding of
 * the string they decode to, so members compare as the strings Etsy sees. The HyperLogLog is fed
 * from the members at flush. Deletion (idle deletion, {@code del*} commands) marks a series deleted
 * and takes it out of its table while holding that monitor, so a writer that found it deleted finds
 * its successor on the next lookup.
 *
 * <h2>Closing an interval</h2>
 *
 * <p>Each series type closes its own interval ({@code Series#flushLive}): a counter swaps its word
 * back to "untouched", a gauge swaps its touched flag down (and, under {@code deleteGauges}, its
 * word to "no value"), timers and sets take their state out under their monitor and reset it. The
 * points go to an {@code IntervalFlush}, which holds the deletion policy and computes Etsy's timer
 * statistics ({@link io.hollerith.server.etsy.EtsyTimerMath}). A closed backfill interval's series
 * are each flushed once and deleted ({@code Series#flushClosed}).
 *
 * <h2>Buffer modes ({@code stats.no_buffer})</h2>
 *
 * <p>With {@code no_buffer: true} (default) a writer applies each sample to the live series at
 * once. With {@code no_buffer: false} a writer appends each sample to its own operation log
 * (preallocated, {@code stats.buffer_size} entries) and replays it, in order, into the live series
 * when it is full, at least every {@code stats.flush_interval_ms} while samples arrive, whenever
 * {@code Aggregator#mergeBuffers()} runs (the flusher schedules it every {@code
 * flush_interval_ms}), and before every flush. Each series therefore sees the same sequence of
 * operations in both modes, so both flush identical results; samples sit in the log for at most
 * {@code flush_interval_ms} before the live view shows them.
 *
 * <h2>Timestamps (DogStatsD {@code |T})</h2>
 *
 * <p>A timestamped sample older than the maximum backfill age (default 7 days, the finest
 * retention) or more than one interval in the future is dropped and counted ({@code
 * drops.backfill_too_old}, {@code drops.backfill_too_new}). In the open interval or later (clock
 * skew of up to one interval) it counts in the open interval. Otherwise it is aggregated into the
 * wall-clock aligned interval containing it, apart from live data, and the next flush returns that
 * interval as its own snapshot with {@code backfill = true}; a backfilled gauge starts from
 * nothing. Backfill samples are never buffered and allocate (the uncommon path).
 *
 * <h2>Cardinality guard</h2>
 *
 * <p>At most {@code max_metrics} series (live plus pending backfill) exist; a sample for a new
 * series beyond that is dropped and counted in {@code drops.max_metrics}, and its key prefix (the
 * name up to the first dot) is tallied for {@code Aggregator#topDroppedPrefixes}; a WARN is logged
 * at most once a minute while drops continue.
 *
 * <h2>Internal stats</h2>
 *
 * <p>Written: {@code drops.max_metrics}, {@code drops.backfill_too_old}, {@code
 * drops.backfill_too_new}, {@code aggregate.buffer_merges}, {@code aggregate.series_expired}
 * (counters); {@code aggregate.live_series}, {@code aggregate.backfill_intervals}, {@code
 * aggregate.writers} (gauges). Read, to report Etsy's {@code statsd.*} counters per flush: {@code
 * messages.bad_lines_seen}, {@code messages.packets_received}, {@code messages.metrics_received},
 * totals over all listeners that the ingest side increments (a line is a "metric received" as in
 * Etsy, bad or not). The live snapshot's processing statistics hold those three for the interval,
 * {@code statsd.timestamp_lag} (seconds between this flush and the previous one minus the interval;
 * absent on the first flush) and {@code processing_time} (milliseconds spent computing the
 * snapshot); backfill snapshots carry none.
 *
 * <h2>Etsy semantics, and where Hollerith knowingly differs</h2>
 *
 * <ul>
 *   <li>Counters: {@code value * (1 / sampleRate)} summed; rate = count / interval seconds.
 *   <li>Gauges persist; a signed value adds to an existing gauge, otherwise sets (so a delta on a
 *       missing gauge starts from 0, and a negative value needs {@code 0|g} then {@code -5|g}); a
 *       gauge's sample rate is ignored. Beyond Etsy, each gauge carries the time a sample last set
 *       or changed it (the clock when the sample's packet was received, read once per packet at its
 *       first gauge line; a backfilled sample's own timestamp; a restored gauge's stored time), so
 *       that the store can tell which node's value is the latest (see {@code
 *       storage/package-info.java}).
 *   <li>Sets count distinct members per interval.
 *   <li>Timers (and {@code h}/{@code d}): {@code count} is the sum of {@code 1 / sampleRate},
 *       statistics over the raw values as in {@code process_metrics.js}, including its quirks
 *       (thresholds rounding to 0 values are skipped; a negative threshold covering every value
 *       reports {@code NaN} sums; a single value satisfies every threshold).
 *   <li>Idle handling: without deletion, idle counters flush 0, idle timers flush count 0, idle
 *       sets flush 0, gauges repeat. {@code deleteCounters} keeps counters whose key contains
 *       {@code packets_received}, {@code metrics_received} or {@code bad_lines_seen} (Etsy resets
 *       them instead). {@code deleteGauges} behaves as Etsy's default {@code gaugesMaxTTL: 1}: a
 *       gauge is sent for the interval it was updated in and then forgotten (a later delta starts
 *       from 0); {@code gaugesMaxTTL} itself is not configurable.
 *   <li>Series TTL: a series without samples for {@code aggregation.series_ttl} (default 24 h)
 *       leaves the live set at a flush, so names sent once cannot fill {@code max_metrics} for
 *       good; its stored history stays, and a later sample creates it afresh (a gauge delta then
 *       starts from 0). Etsy keeps every series until restart ({@code series_ttl: 0} does too).
 *   <li>Live-set changes: every live snapshot is numbered and says which series joined its listing
 *       and which left it since the previous one ({@link
 *       io.hollerith.server.snapshot.LiveSetChanges}); the flush learns it from a number kept per
 *       series (the last snapshot that listed it) and from the series unlinked since (idle
 *       deletion, the TTL, {@code del*} commands), without comparing the live set.
 *   <li>Etsy's own {@code statsd.*} counters and its {@code statsd.timestamp_lag} gauge are carried
 *       in {@link io.hollerith.server.snapshot.FlushSnapshot#processingStats()} rather than as
 *       series, so the store does not persist them as user data; the console and Graphite sinks
 *       emit them as Etsy does. The prefix is fixed at {@code statsd} (Etsy's {@code prefixStats}).
 *   <li>Sketches: every timer value is added to a DDSketch with weight {@code 1 / sampleRate}, so
 *       merged quantiles estimate the population that was sampled (the exact Etsy percentiles are
 *       unweighted, as in Etsy); every set member goes into a HyperLogLog.
 *   <li>Snapshot timestamps: {@code intervalStartMillis} is always a multiple of the flush interval
 *       (Etsy stamps the flush time instead, which with aligned flushes is the interval end, the
 *       value the Etsy-style sinks print).
 * </ul>
 */
package io.hollerith.server.aggregate;
