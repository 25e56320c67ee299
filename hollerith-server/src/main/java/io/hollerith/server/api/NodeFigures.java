package io.hollerith.server.api;

import io.hollerith.server.stats.StatsRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /stats} and the Prometheus routes report.
 *
 * @param stats the node's own statistics
 * @param prometheus the exposition writer
 * @param latestValues the live StatsD values, or null for none
 * @param storageSizes the store's sizes, or null when they are not reported
 */
record NodeFigures(
    StatsRegistry stats,
    PrometheusWriter prometheus,
    LatestValues latestValues,
    Supplier<? extends Map<String, ? extends Number>> storageSizes) {}
