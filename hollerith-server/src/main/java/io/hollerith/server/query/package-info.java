/**
 * The time-aggregated series semantics behind {@code GET /api/v1/series} and the metric list behind
 * {@code GET /api/v1/metrics}: Traffic Ops' {@code deliveryservice_stats} generalised to any stored
 * StatsD series. {@link io.hollerith.server.query.SeriesRequest} validates parameters in Traffic
 * Ops' order with its messages, {@link io.hollerith.server.query.TimestampFormat} negotiates the
 * {@code Accept} header, {@link io.hollerith.server.query.Stat} defines each per-bucket value and
 * {@link io.hollerith.server.query.SeriesService} buckets, summarises and enforces tenancy. Reads
 * go through {@link io.hollerith.server.storage.SeriesReader} only.
 */
package io.hollerith.server.query;
