package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;

/**
 * A stored series.
 *
 * @param key name and tags
 * @param type its metric type
 * @param firstSeenMillis time of its first stored point
 * @param lastSeenMillis time of its latest stored point
 */
public record SeriesInfo(MetricKey key, MetricType type, long firstSeenMillis, long lastSeenMillis) {}
