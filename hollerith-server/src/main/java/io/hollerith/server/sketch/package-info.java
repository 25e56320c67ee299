/**
 * Mergeable summaries that make percentiles and unique counts over any time range and any number of
 * nodes exact within a stated error: {@link io.hollerith.server.sketch.QuantileSketch}
 * (nearest-rank quantiles: exact up to 10,000 values, which it keeps; beyond, DDSketch with 1 %
 * relative accuracy) for timers and {@link io.hollerith.server.sketch.UniqueSketch} (HyperLogLog, ≈
 * 1.6 % standard error) for sets. Both encode to self-describing bytes (a format byte first) and
 * report undecodable bytes as {@link io.hollerith.server.sketch.MalformedSketchException}.
 */
package io.hollerith.server.sketch;
