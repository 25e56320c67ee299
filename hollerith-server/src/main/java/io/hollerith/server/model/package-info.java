/**
 * The identity of a series, shared by every layer: {@link io.hollerith.server.model.MetricKey}
 * (sanitized name plus sorted, de-duplicated {@link io.hollerith.server.model.Tag}s, with a
 * canonical encoding used for allocation-free lookups and as the stored key) and {@link
 * io.hollerith.server.model.MetricType}.
 */
package io.hollerith.server.model;
