package io.hollerith.server.protocol;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Copies every sample and reject the parser hands over, for assertions. */
class RecordingSink implements SampleSink {

  /** An immutable copy of one {@link Sample}. */
  record Got(
      MetricType type,
      char sourceType,
      MetricKey key,
      double value,
      boolean gaugeDelta,
      String member,
      double sampleRate,
      long timestampSeconds) {}

  /** One rejected line. */
  record Rejected(String reason, String prefix) {}

  final List<Got> samples = new ArrayList<>();
  final List<Rejected> rejects = new ArrayList<>();

  @Override
  public void accept(Sample s) {
    String canonical = new String(s.keyBytes(), 0, s.keyLength(), StandardCharsets.UTF_8);
    MetricKey key = MetricKey.fromCanonical(canonical);
    // The parser's bytes must already be canonical: sorted, de-duplicated, re-encoding to
    // themselves.
    if (!key.canonical().equals(canonical)
        || !Arrays.equals(
            canonical.getBytes(StandardCharsets.UTF_8),
            0,
            canonical.getBytes(StandardCharsets.UTF_8).length,
            s.keyBytes(),
            0,
            s.keyLength())
        || s.nameLength() != key.name().getBytes(StandardCharsets.UTF_8).length
        || s.keyHash() != Sample.hashKey(s.keyBytes(), 0, s.keyLength())) {
      throw new AssertionError("not canonical: " + canonical + " vs " + key.canonical());
    }
    samples.add(
        new Got(
            s.type(),
            s.sourceType(),
            key,
            s.value(),
            s.gaugeDelta(),
            s.type() == MetricType.SET ? s.member() : null,
            s.sampleRate(),
            s.timestampSeconds()));
  }

  @Override
  public void reject(String reason, String linePrefix) {
    rejects.add(new Rejected(reason, linePrefix));
  }

  List<String> reasons() {
    return rejects.stream().map(Rejected::reason).toList();
  }
}
