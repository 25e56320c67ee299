/**
 * A dependency-free StatsD client with the API of Python's pystatsd 4.x and the same bytes on the
 * wire.
 *
 * <ul>
 *   <li>{@link io.hollerith.client.StatsClient}: UDP, thread-safe, never throws on send failures.
 *   <li>{@link io.hollerith.client.TcpStatsClient} and
 *       {@link io.hollerith.client.UnixSocketStatsClient}: newline-framed streams, not thread-safe.
 *   <li>{@link io.hollerith.client.Pipeline}: batches stats into as few packets as possible.
 *   <li>{@link io.hollerith.client.Timer}: times blocks and functions.
 * </ul>
 *
 * <p>All metric methods live in {@link io.hollerith.client.StatsClientBase}. See the module's
 * README for the mapping from every Python call to its Java counterpart.
 */
package io.hollerith.client;
