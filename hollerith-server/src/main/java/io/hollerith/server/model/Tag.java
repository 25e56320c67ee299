package io.hollerith.server.model;

import java.util.Objects;

/**
 * One tag of a series. {@code value} is null for a bare DogStatsD tag such as {@code #canary}. Keys
 * never contain {@code :}, {@code =}, {@code ,} or control characters; the parser ensures it.
 */
public record Tag(String key, String value) implements Comparable<Tag> {

  public Tag {
    Objects.requireNonNull(key, "key");
  }

  @Override
  public int compareTo(Tag other) {
    int byKey = key.compareTo(other.key);
    if (byKey != 0) {
      return byKey;
    }
    if (value == null) {
      return other.value == null ? 0 : -1;
    }
    return other.value == null ? 1 : value.compareTo(other.value);
  }

  /** {@code key:value}, or {@code key} for a bare tag (DogStatsD form). */
  @Override
  public String toString() {
    return value == null ? key : key + ':' + value;
  }
}
