package io.hollerith.server.ops;

import io.hollerith.server.storage.MetricStore;

/**
 * What the node-wide operations routes work on. Immutable.
 *
 * @param store the metric store, or null when {@code stats.persist} is off (the database routes
 *     then answer 503)
 * @param tableGrowth the table-growth sampler, or null without a store
 * @param queries the read-only SQL service, or null without a store
 * @param files the data directory's files
 */
public record Operations(
    MetricStore store, TableGrowthSampler tableGrowth, ReadOnlyQueries queries, DataFiles files) {}
