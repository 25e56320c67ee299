package io.hollerith.server.protocol;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark fixture: fills a {@link Sample} as the parser would (canonical key bytes, name length,
 * hash), so aggregation can be measured on its own. Lives in the protocol package because the
 * flyweight's fields are package-private.
 */
public final class BenchSamples {

  private BenchSamples() {}

  /**
   * A sample as the parser would have filled it.
   *
   * @param member set member, or null
   * @param delta gauge delta flag
   */
  public static Sample of(
      MetricKey key, MetricType type, double value, boolean delta, String member, double rate) {
    Sample s = new Sample();
    s.type = type;
    s.sourceType = type.code().charAt(0);
    byte[] bytes = key.canonical().getBytes(StandardCharsets.UTF_8);
    s.key = bytes.length > s.key.length ? new byte[bytes.length] : s.key;
    System.arraycopy(bytes, 0, s.key, 0, bytes.length);
    s.keyLength = bytes.length;
    s.nameLength = key.name().getBytes(StandardCharsets.UTF_8).length;
    s.keyHash = Sample.hashKey(bytes, 0, bytes.length);
    s.value = value;
    s.gaugeDelta = delta;
    if (member != null) {
      byte[] m = member.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(m, 0, s.member, 0, m.length);
      s.memberLength = m.length;
    }
    s.sampleRate = rate;
    return s;
  }
}
