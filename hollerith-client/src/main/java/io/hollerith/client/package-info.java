/**
 * A dependency-free StatsD client with the API of Python's pystatsd 4.x and the same bytes on the
 * wire.
 *
 * <ul>
 *   <li>{@link io.hollerith.client.StatsD}: the contract every client implements, and {@link
 *       io.hollerith.client.StatsD#noop()} for tests and disabled metrics.
 *   <li>{@link io.hollerith.client.StatsClient}: UDP, thread-safe, never throws on send failures.
 *   <li>{@link io.hollerith.client.TcpStatsClient} and {@link
 *       io.hollerith.client.UnixSocketStatsClient}: newline-framed streams, not thread-safe.
 *   <li>{@link io.hollerith.client.Pipeline}: batches stats into as few packets as possible.
 *   <li>{@link io.hollerith.client.Timer}: times blocks and functions.
 * </ul>
 *
 * <p>Program against {@link io.hollerith.client.StatsD}: its Javadoc says which transports throw
 * and how to implement it in a fake. See the module's README for the mapping from every Python call
 * to its Java counterpart.
 */
package io.hollerith.client;
