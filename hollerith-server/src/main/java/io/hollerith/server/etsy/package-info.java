/**
 * Etsy StatsD 0.9's arithmetic and text, reproduced bit for bit so every value Hollerith prints or
 * flushes reads as Etsy's Node.js code writes it: {@link io.hollerith.server.etsy.EtsyTimerMath}
 * (the timer statistics of {@code lib/process_metrics.js}), {@link
 * io.hollerith.server.etsy.JsNumbers} (JavaScript's number to string), {@link
 * io.hollerith.server.etsy.JsFormat} (Node's {@code util.inspect}, for the management replies) and
 * {@link io.hollerith.server.etsy.EtsyKeys} (tagged keys as {@code name;k=v}). Stateless and
 * thread-safe; the aggregator, the sinks and the management interface all use these, so there is
 * one implementation of each.
 */
package io.hollerith.server.etsy;
