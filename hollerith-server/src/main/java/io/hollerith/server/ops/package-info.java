/**
 * Operations views of a node, built on {@code jobs} and {@code stats}:
 *
 * <ul>
 *   <li>{@link io.hollerith.server.ops.InternalStats}: the internal statistics object (Apsis's stats
 *       fields mapped onto the JVM, plus JVM and Hollerith figures), served at
 *       {@code /api/stats/internal/} and produced by the job program
 *       {@link io.hollerith.server.ops.StatsProgram} ({@code stats}), which can append it to a
 *       templated JSON-lines file;
 *   <li>{@link io.hollerith.server.ops.WorkerReport}, {@link io.hollerith.server.ops.NodeHeartbeat}
 *       and {@link io.hollerith.server.ops.WorkersView}: each node of a fleet as a Celery-style
 *       worker, announced through heartbeats in the shared store ({@code /api/stats/celery/});
 *   <li>{@link io.hollerith.server.ops.SelfSeriesSink}: the node's own key figures stored as series
 *       under {@code hollerith.} every flush.
 * </ul>
 */
package io.hollerith.server.ops;
