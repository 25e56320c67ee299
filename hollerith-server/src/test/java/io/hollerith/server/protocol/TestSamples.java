package io.hollerith.server.protocol;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test fixture: fills a {@link Sample} the way the parser does (canonical key bytes, name length,
 * hash), so aggregation can be tested without the parser. Each call returns a fresh instance.
 */
public final class TestSamples {

  private TestSamples() {}

  public static Sample counter(String key, double value) {
    return counter(key, value, 1.0);
  }

  public static Sample counter(String key, double value, double rate) {
    return sample(MetricKey.fromCanonical(key), MetricType.COUNTER, 'c', value, false, null, rate);
  }

  /**
   * A gauge; a value written with an explicit sign ({@code "+3"} / {@code "-3"}) is a delta, as on
   * the wire.
   */
  public static Sample gauge(String key, String valueAsSent) {
    boolean delta = valueAsSent.startsWith("+") || valueAsSent.startsWith("-");
    return sample(
        MetricKey.fromCanonical(key),
        MetricType.GAUGE,
        'g',
        Double.parseDouble(valueAsSent),
        delta,
        null,
        1.0);
  }

  public static Sample gauge(String key, String valueAsSent, double rate) {
    Sample s = gauge(key, valueAsSent);
    s.sampleRate = rate;
    return s;
  }

  public static Sample timer(String key, double value) {
    return timer(key, value, 1.0);
  }

  public static Sample timer(String key, double value, double rate) {
    return sample(MetricKey.fromCanonical(key), MetricType.TIMER, 'm', value, false, null, rate);
  }

  public static Sample set(String key, String member) {
    return sample(MetricKey.fromCanonical(key), MetricType.SET, 's', 0, false, member, 1.0);
  }

  /** The same sample with a DogStatsD {@code |T} timestamp. */
  public static Sample at(Sample s, long unixSeconds) {
    s.timestampSeconds = unixSeconds;
    return s;
  }

  /** The same sample claiming {@code hash} as its key hash (to force collisions). */
  public static Sample withHash(Sample s, int hash) {
    s.keyHash = hash;
    return s;
  }

  /**
   * The same sample with its key bytes in an array of exactly the key's length, as the parser's
   * buffer may be after growing, so nothing can be read past the key.
   */
  public static Sample withTightKeyBuffer(Sample s) {
    s.key = Arrays.copyOf(s.key, s.keyLength);
    return s;
  }

  public static Sample sample(
      MetricKey key,
      MetricType type,
      char sourceType,
      double value,
      boolean delta,
      String member,
      double rate) {
    Sample s = new Sample();
    s.type = type;
    s.sourceType = sourceType;
    byte[] bytes = key.canonical().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > s.key.length) {
      s.key = new byte[bytes.length];
    }
    System.arraycopy(bytes, 0, s.key, 0, bytes.length);
    s.keyLength = bytes.length;
    s.nameLength = key.name().getBytes(StandardCharsets.UTF_8).length;
    s.keyHash = Sample.hashKey(bytes, 0, bytes.length);
    s.value = value;
    s.gaugeDelta = delta;
    if (member != null) {
      byte[] m = member.getBytes(StandardCharsets.UTF_8);
      if (m.length > s.member.length) {
        s.member = new byte[m.length];
      }
      System.arraycopy(m, 0, s.member, 0, m.length);
      s.memberLength = m.length;
    }
    s.sampleRate = rate;
    s.timestampSeconds = Sample.NO_TIMESTAMP;
    return s;
  }
}
