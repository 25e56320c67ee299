/**
 * Load generation and peer comparison over real UDP: a paced sender, a bare receiver as the ceiling
 * of the receive path, and the reports that compare servers on lossless rate and CPU.
 *
 * <ul>
 *   <li>{@link io.hollerith.bench.load.LoadGenerator}: a paced, allocation-free UDP StatsD sender
 *       (packet shape, name cardinality, type mix, rate, duration) aimed at loopback only, which
 *       reports what it offered and the exact total every counter must reach.
 *   <li>{@link io.hollerith.bench.load.NativeGenerator}: runs {@code statsd_blast}, the same sender
 *       in C ({@code src/main/c}, {@code sendmmsg}), on a file of the same prebuilt packets, and
 *       reads its counts back into the same result; {@code Measure --generator} chooses it.
 *   <li>{@link io.hollerith.bench.load.BareReceiver}: Hollerith's Netty epoll UDP set-up (read
 *       delay included) doing nothing but counting — the socket ceiling of the machine. Where the
 *       generator cannot reach that ceiling, the two receivers' CPU per metric at the same fixed
 *       rate gives Hollerith's capacity as a share of it.
 *   <li>{@link io.hollerith.bench.load.Measure}: the lossless-rate search, CPU per million metrics
 *       and memory per idle series measurements behind {@code bench/compare.sh}, and its markdown
 *       report.
 * </ul>
 *
 * A run is lossless when every counter grew by exactly what was sent and the socket's kernel drop
 * counter ({@code /proc/net/udp}) did not move. Servers are read through Etsy StatsD's management
 * port ({@code counters}; Hollerith and the bare receiver answer it too) or collectd's csv files.
 */
package io.hollerith.bench.load;
