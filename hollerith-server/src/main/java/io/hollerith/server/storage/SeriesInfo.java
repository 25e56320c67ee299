package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;

/**
 * A stored series.
 *
 * @param key name and tags
 * @param type its metric type
 * @param firstSeenMillis time of its first stored point
 * @param lastSeenMillis start of the latest flush interval in which it received a sample (idle
 *     flushes, which store zero counters, empty timers and gauges sent again, do not move it)
 */
public record SeriesInfo(
    MetricKey key, MetricType type, long firstSeenMillis, long lastSeenMillis) {}
