/**
 * Snapshots: the immutable result of one flush interval ({@link
 * io.hollerith.server.snapshot.FlushSnapshot}, with Etsy's exact timer statistics in {@link
 * io.hollerith.server.snapshot.TimerStats}), the one shape the aggregator produces and every sink,
 * the store and the Prometheus exposition consume, with {@link
 * io.hollerith.server.snapshot.LiveSetChanges}, the series a live snapshot lists that the previous
 * one did not and those it no longer lists (so the store's work follows what changed); and {@link
 * io.hollerith.server.snapshot.IntervalSource}, the view of the aggregator the flusher drives. Both
 * sides depend on this package, so neither depends on the other.
 */
package io.hollerith.server.snapshot;
