/**
 * Flushing: {@link io.hollerith.server.flush.Flusher} closes each interval of an {@link
 * io.hollerith.server.snapshot.IntervalSource} (the aggregator) at a wall-clock multiple of the
 * flush interval and hands the resulting {@link io.hollerith.server.snapshot.FlushSnapshot}s
 * (backfills first, then the live one) to every {@link io.hollerith.server.flush.FlushSink} in
 * order. Shipped sinks: {@link io.hollerith.server.flush.ConsoleSink} (Etsy's console backend) and
 * {@link io.hollerith.server.flush.GraphiteSink} (Etsy's graphite backend, plaintext protocol),
 * which format numbers and keys with {@code io.hollerith.server.etsy}.
 *
 * <p>A sink must not block the flusher for long: anything that does remote I/O queues with a bound
 * and counts what it drops (see {@code GraphiteSink}).
 */
package io.hollerith.server.flush;
