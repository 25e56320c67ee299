package io.hollerith.server.api;

import io.hollerith.server.query.SeriesService;

/**
 * The read side of {@code /api/v1/series} and {@code /api/v1/metrics}.
 *
 * @param series the series semantics over the store, or null when the node has no store (503)
 * @param storeReads the bounded, timed store reads, or null without a store
 * @param maxBuckets most buckets one series request may span ({@code http.max_series_buckets})
 * @param selfSeriesPrefix the prefix of the node's own series, or null when it writes none
 */
record SeriesEndpointReads(
    SeriesService series, StoreReads storeReads, long maxBuckets, String selfSeriesPrefix) {}
