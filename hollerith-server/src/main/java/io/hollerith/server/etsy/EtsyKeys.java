package io.hollerith.server.etsy;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;

/**
 * How Etsy StatsD 0.9 spells a tagged key: the name, then for each tag {@code ;key=value} (a bare
 * DogStatsD tag stays {@code ;key}), which is also Graphite 1.1's tagged form. Tags come in {@link
 * MetricKey}'s sorted order. Stateless; thread-safe.
 */
public final class EtsyKeys {

  private EtsyKeys() {}

  /** {@code name;k=v;bare}, or just the name for an untagged key. */
  public static String of(MetricKey key) {
    return key.hasTags() ? key.name() + tagSuffix(key) : key.name();
  }

  /** {@code ;k=v;bare}, or the empty string for an untagged key. */
  public static String tagSuffix(MetricKey key) {
    if (!key.hasTags()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Tag tag : key.tags()) {
      sb.append(';').append(tag.key());
      if (tag.value() != null) {
        sb.append('=').append(tag.value());
      }
    }
    return sb.toString();
  }
}
