package io.hollerith.server.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The identity of a series: its sanitized name and its tags, sorted and de-duplicated. Two samples
 * belong to the same series exactly when their keys are equal, whatever tag syntax (DogStatsD,
 * Influx or Graphite) or tag order they were sent with. The metric type is not part of the key:
 * Etsy StatsD keeps one namespace per type, and so do the aggregator and the store.
 *
 * <p>The canonical encoding ({@link #canonical()}) is the name, then for each tag the byte {@code
 * 0x1F}, the tag key and, for a tag with a value, {@code 0x1E} and the value. Neither byte can
 * occur in a sanitized name or tag, so the encoding is unambiguous; the parser produces the same
 * bytes without allocating, so a hash lookup can find a series before any key object exists.
 */
public final class MetricKey implements Comparable<MetricKey> {

  /** Separates tags in the canonical encoding. */
  public static final char TAG_SEPARATOR = '\u001F';

  /** Separates a tag's key from its value in the canonical encoding. */
  public static final char VALUE_SEPARATOR = '\u001E';

  private final String name;
  private final List<Tag> tags;
  private final String canonical;

  private MetricKey(String name, List<Tag> sortedTags) {
    this.name = name;
    this.tags = sortedTags;
    StringBuilder sb = new StringBuilder(name);
    for (Tag tag : sortedTags) {
      sb.append(TAG_SEPARATOR).append(tag.key());
      if (tag.value() != null) {
        sb.append(VALUE_SEPARATOR).append(tag.value());
      }
    }
    this.canonical = sb.toString();
  }

  /** A key with the given tags, sorted and de-duplicated. */
  public static MetricKey of(String name, List<Tag> tags) {
    Objects.requireNonNull(name, "name");
    if (tags == null || tags.isEmpty()) {
      return new MetricKey(name, List.of());
    }
    return new MetricKey(name, List.copyOf(new TreeSet<>(tags)));
  }

  /** A key without tags. */
  public static MetricKey of(String name) {
    return new MetricKey(name, List.of());
  }

  /** Decodes {@link #canonical()}. */
  public static MetricKey fromCanonical(String canonical) {
    int first = canonical.indexOf(TAG_SEPARATOR);
    if (first < 0) {
      return new MetricKey(canonical, List.of());
    }
    String name = canonical.substring(0, first);
    List<Tag> tags = new ArrayList<>();
    int start = first + 1;
    while (start <= canonical.length()) {
      int end = canonical.indexOf(TAG_SEPARATOR, start);
      if (end < 0) {
        end = canonical.length();
      }
      String part = canonical.substring(start, end);
      int sep = part.indexOf(VALUE_SEPARATOR);
      tags.add(
          sep < 0 ? new Tag(part, null) : new Tag(part.substring(0, sep), part.substring(sep + 1)));
      start = end + 1;
    }
    return of(name, tags);
  }

  /** Decodes the UTF-8 bytes of {@link #canonical()}. */
  public static MetricKey fromCanonical(byte[] bytes, int offset, int length) {
    return fromCanonical(new String(bytes, offset, length, StandardCharsets.UTF_8));
  }

  public String name() {
    return name;
  }

  /** Sorted, de-duplicated, immutable. */
  public List<Tag> tags() {
    return tags;
  }

  public boolean hasTags() {
    return !tags.isEmpty();
  }

  /** The unambiguous string form described in the class comment; stable across versions. */
  public String canonical() {
    return canonical;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricKey other && canonical.equals(other.canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  @Override
  public int compareTo(MetricKey other) {
    return canonical.compareTo(other.canonical);
  }

  /** Human-readable: {@code name} or {@code name#k:v,k2} (DogStatsD style). */
  @Override
  public String toString() {
    if (tags.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append('#');
    for (int i = 0; i < tags.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(tags.get(i));
    }
    return sb.toString();
  }
}
