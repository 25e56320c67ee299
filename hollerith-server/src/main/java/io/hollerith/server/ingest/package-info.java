/**
 * StatsD ingest: the UDP, TCP, Unix stream and Unix datagram listeners ({@link
 * io.hollerith.server.ingest.IngestServer}), and Etsy's TCP management interface ({@link
 * io.hollerith.server.ingest.ManagementServer}) with the shared {@link
 * io.hollerith.server.ingest.HealthState}.
 *
 * <h2>Data flow</h2>
 *
 * Each listener reads on Netty event-loop threads and hands raw bytes to a {@link
 * io.hollerith.server.ingest.PacketHandler}: one datagram, or a batch of complete newline-framed
 * lines. There is one handler per listener and event-loop thread, made by a {@link
 * io.hollerith.server.ingest.PacketHandlerFactory}; in production it parses into that thread's own
 * aggregator writer, so the ingest threads share no lock. Buffers come from Netty's pooled direct
 * allocator and are released by the listener after the handler returns.
 *
 * <h2>Transports</h2>
 *
 * On Linux with native epoll, UDP opens one SO_REUSEPORT socket per thread ({@code
 * listeners.udp.threads}) and reads batches of datagrams with recvmmsg. Elsewhere, or with {@code
 * listeners.transport: nio} (or {@code -Dhollerith.transport=nio}), one NIO socket and thread serve
 * UDP. The Unix socket listeners need epoll and fail start-up with a clear message without it.
 *
 * <h2>Loss is counted</h2>
 *
 * Every listener counts in the {@link io.hollerith.server.stats.StatsRegistry} category named after
 * it ({@code udp}, {@code tcp}, {@code unix_stream}, {@code unix_datagram}): {@code
 * packets_received}, {@code bytes_received}, {@code last_msg_seen}, {@code dropped_handler_error};
 * datagram listeners {@code dropped_packet_too_large}; stream listeners {@code lines_received},
 * {@code dropped_line_too_long}, {@code dropped_partial_line}, {@code connections}, {@code
 * connections_total}, {@code connections_rejected}, {@code connections_rejected_per_address} (TCP,
 * over {@code listeners.tcp.max_connections_per_address}), {@code connections_idle_closed}. UDP
 * also exports {@code receive_buffer_bytes}, {@code sockets} and, on Linux, the kernel's own {@code
 * kernel_drops} and {@code rx_queue} for our sockets from {@code /proc/net/udp[6]}. Etsy's totals:
 * {@code messages.packets_received} (over all listeners; a stream listener's packet is one batch of
 * complete lines, as in Etsy's TCP server) and {@code messages.last_msg_seen} (the latest over all
 * listeners, which the management {@code stats} command reports as an age).
 */
package io.hollerith.server.ingest;
