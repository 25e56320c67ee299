package io.hollerith.server.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.protocol.Sample;
import io.hollerith.server.protocol.TestSamples;
import org.junit.jupiter.api.Test;

class SeriesCacheTest {

  private static Series.Counter counterFor(Sample s) {
    return new Series.Counter(s.toMetricKey(), s.keyHash());
  }

  @Test
  void returnsWhatWasPutForTheSameTypeAndKey() {
    WriterSeriesCache cache = new WriterSeriesCache(64);
    Sample hits = TestSamples.counter("app.hits", 1);
    assertThat(cache.get(hits)).isNull();
    Series.Counter series = counterFor(hits);
    cache.put(hits, series);
    assertThat(cache.get(TestSamples.counter("app.hits", 5))).isSameAs(series);
  }

  @Test
  void missesAnotherTypeWithTheSameKey() {
    WriterSeriesCache cache = new WriterSeriesCache(64);
    Sample counter = TestSamples.counter("app.hits", 1);
    cache.put(counter, counterFor(counter));
    assertThat(cache.get(TestSamples.gauge("app.hits", "3"))).isNull();
    assertThat(cache.get(TestSamples.timer("app.hits", 3))).isNull();
  }

  @Test
  void missesAnotherKeyWithTheSameHash() {
    WriterSeriesCache cache = new WriterSeriesCache(64);
    Sample a = TestSamples.withHash(TestSamples.counter("app.a", 1), 42);
    Sample b = TestSamples.withHash(TestSamples.counter("app.b", 1), 42);
    Sample longer = TestSamples.withHash(TestSamples.counter("app.a;x=1", 1), 42);
    Series.Counter seriesA = counterFor(a);
    cache.put(a, seriesA);
    assertThat(cache.get(b)).isNull();
    assertThat(cache.get(longer)).isNull();
    Series.Counter seriesB = counterFor(b);
    cache.put(b, seriesB); // same home slot: takes the next one
    assertThat(cache.get(b)).isSameAs(seriesB);
    assertThat(cache.get(a)).isSameAs(seriesA);
  }

  @Test
  void keysSharingAHomeSlotAreAllKeptUpToTheProbeLimitThenTheHomeEntryIsReplaced() {
    WriterSeriesCache cache = new WriterSeriesCache(16);
    Series[] series = new Series[WriterSeriesCache.MAX_PROBES + 1];
    for (int i = 0; i < series.length; i++) {
      Sample s =
          TestSamples.withHash(
              TestSamples.counter("app.k" + i, 1), 32); // home slot 0 at 16 and 32 slots
      series[i] = counterFor(s);
      cache.put(s, series[i]);
    }
    // The last key found no free slot within MAX_PROBES of home and replaced the first key there.
    assertThat(cache.get(TestSamples.withHash(TestSamples.counter("app.k0", 1), 32))).isNull();
    for (int i = 1; i < series.length; i++) {
      assertThat(cache.get(TestSamples.withHash(TestSamples.counter("app.k" + i, 1), 32)))
          .isSameAs(series[i]);
    }
  }

  @Test
  void holdsATypicalWorkingSetInSteadyState() {
    // 1,000 load-generator names, used as a writer uses the cache (a miss is followed by a put). A
    // direct-mapped cache of 4,096 slots kept missing about 220 of them: two keys sharing a slot
    // evicted each other on every line.
    WriterSeriesCache cache = new WriterSeriesCache(4096);
    Series[] series = new Series[1000];
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < series.length; i++) {
        Sample s = TestSamples.counter("bench.c." + i, 1);
        if (cache.get(s) == null) {
          series[i] = series[i] == null ? counterFor(s) : series[i];
          cache.put(s, series[i]);
        }
      }
    }
    for (int i = 0; i < series.length; i++) {
      assertThat(cache.get(TestSamples.counter("bench.c." + i, 1)))
          .as("key %d", i)
          .isSameAs(series[i]);
    }
  }

  @Test
  void shortAndLongKeysSurviveGrowthAndReplaceEachOther() {
    WriterSeriesCache cache = new WriterSeriesCache(1024);
    Series[] series = new Series[200];
    for (int i = 0; i < series.length; i++) {
      Sample s = TestSamples.counter(key(i), 1);
      series[i] = counterFor(s);
      cache.put(s, series[i]); // grows from 16 slots on the way
    }
    assertThat(cache.slots()).isGreaterThanOrEqualTo(512);
    for (int i = 0; i < series.length; i++) {
      Series hit = cache.get(TestSamples.counter(key(i), 1));
      assertThat(hit).as(key(i)).isIn(series[i], null);
    }
    // A full probe window at the size limit: a short key evicts a long one at home and back.
    WriterSeriesCache small = new WriterSeriesCache(16);
    for (int i = 0; i < WriterSeriesCache.MAX_PROBES; i++) {
      Sample s = TestSamples.withHash(TestSamples.counter(key(2 * i + 1), 1), 64);
      small.put(s, counterFor(s));
    }
    Sample shortKey = TestSamples.withHash(TestSamples.counter("app.x", 1), 64);
    Series.Counter shortSeries = counterFor(shortKey);
    small.put(shortKey, shortSeries);
    assertThat(small.get(TestSamples.withHash(TestSamples.counter("app.x", 1), 64)))
        .isSameAs(shortSeries);
    assertThat(small.get(TestSamples.withHash(TestSamples.counter(key(1), 1), 64))).isNull();
    Sample longKey = TestSamples.withHash(TestSamples.counter(key(99), 1), 64);
    Series.Counter longSeries = counterFor(longKey);
    small.put(longKey, longSeries);
    assertThat(small.get(TestSamples.withHash(TestSamples.counter(key(99), 1), 64)))
        .isSameAs(longSeries);
    assertThat(small.get(TestSamples.withHash(TestSamples.counter("app.x", 1), 64))).isNull();
    assertThat(small.get(TestSamples.withHash(TestSamples.counter(key(3), 1), 64))).isNotNull();
  }

  /** Odd indexes make keys longer than the inline limit, even ones shorter. */
  private static String key(int i) {
    return i % 2 == 0
        ? "app.s" + i
        : "app.long." + "y".repeat(WriterSeriesCache.INLINE_KEY_BYTES) + "." + i;
  }

  @Test
  void neverReturnsADeletedSeriesAndReplacesItInPlaceWithItsSuccessor() {
    WriterSeriesCache cache = new WriterSeriesCache(64);
    Sample hits = TestSamples.counter("app.hits", 1);
    Series.Counter old = counterFor(hits);
    cache.put(hits, old);
    int filled = cache.filled();
    old.delete();
    assertThat(cache.get(hits)).isNull();
    Series.Counter successor = counterFor(hits);
    cache.put(hits, successor);
    assertThat(cache.get(hits)).isSameAs(successor);
    assertThat(cache.filled()).isEqualTo(filled);
  }

  @Test
  void keepsLongKeysByValueNotByTheSamplesReusedBuffer() {
    WriterSeriesCache cache = new WriterSeriesCache(64);
    String longKey = "app." + "x".repeat(300) + ";region=eu";
    Sample s = TestSamples.counter(longKey, 1);
    Series.Counter series = counterFor(s);
    cache.put(s, series);
    s.keyBytes()[4] = 'y'; // the parser overwrites its flyweight for the next line
    assertThat(cache.get(TestSamples.counter(longKey, 2))).isSameAs(series);
  }

  @Test
  void comparesInlineKeysByTheirOwnBytesOnly() {
    WriterSeriesCache cache = new WriterSeriesCache(1024);
    // every length across a word boundary, each key a prefix of the next
    String all = "app.requests.total.by_region.eu_west.and_more_words_to_fill_the_slot";
    Series[] series = new Series[WriterSeriesCache.INLINE_KEY_BYTES + 1];
    for (int n = 1; n < series.length; n++) {
      Sample s = TestSamples.counter(all.substring(0, n), 1);
      series[n] = counterFor(s);
      cache.put(s, series[n]);
    }
    for (int n = 1; n < series.length; n++) {
      // the parser reuses its key buffer: bytes past the key are left over from a longer line
      Sample dirty = TestSamples.counter(all, 1);
      Sample s = TestSamples.counter(all.substring(0, n), 1);
      System.arraycopy(dirty.keyBytes(), n, s.keyBytes(), n, all.length() - n);
      assertThat(cache.get(s)).as("length %d", n).isSameAs(series[n]);
      assertThat(
              cache.get(
                  TestSamples.withTightKeyBuffer(TestSamples.counter(all.substring(0, n), 1))))
          .as("length %d, tight buffer", n)
          .isSameAs(series[n]);
    }
    int hash13 = TestSamples.counter(all.substring(0, 13), 1).keyHash();
    Sample differsInTheLastByte =
        TestSamples.withHash(TestSamples.counter(all.substring(0, 12) + "X", 1), hash13);
    assertThat(cache.get(differsInTheLastByte)).isNull();
  }

  @Test
  void growsUpToItsLimitKeepingEntriesAndThenStaysBounded() {
    WriterSeriesCache cache = new WriterSeriesCache(256);
    Series[] series = new Series[1000];
    for (int i = 0; i < 1000; i++) {
      Sample s = TestSamples.counter("app.n" + i, 1);
      series[i] = counterFor(s);
      cache.put(s, series[i]);
    }
    assertThat(cache.slots()).isEqualTo(256);
    assertThat(cache.filled()).isLessThanOrEqualTo(256).isGreaterThan(128);
    // the most recent keys are found (unless a later key took their slot), never a wrong series
    int found = 0;
    for (int i = 0; i < 1000; i++) {
      Series hit = cache.get(TestSamples.counter("app.n" + i, 1));
      if (hit != null) {
        assertThat(hit).isSameAs(series[i]);
        found++;
      }
    }
    assertThat(found).isEqualTo(cache.filled());
  }

  @Test
  void entriesSurviveGrowth() {
    WriterSeriesCache cache = new WriterSeriesCache(1024);
    // hash 0 lands in slot 0 at every size; the others have odd hashes, so never share its slot
    Sample first = TestSamples.withHash(TestSamples.counter("app.first", 1), 0);
    Series.Counter series = new Series.Counter(first.toMetricKey(), 0);
    cache.put(first, series);
    for (int i = 0; i < 200; i++) {
      Sample s = TestSamples.withHash(TestSamples.counter("app.other" + i, 1), 2 * i + 1);
      cache.put(s, new Series.Counter(s.toMetricKey(), 2 * i + 1));
    }
    assertThat(cache.slots())
        .as("grew although odd hashes fill only half the slots")
        .isGreaterThan(64);
    assertThat(cache.get(TestSamples.withHash(TestSamples.counter("app.first", 7), 0)))
        .isSameAs(series);
    assertThat(cache.get(TestSamples.withHash(TestSamples.counter("app.other199", 1), 399)))
        .isNotNull();
  }

  @Test
  void rejectsASizeThatIsNotAPowerOfTwo() {
    assertThatThrownBy(() -> new WriterSeriesCache(1000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
