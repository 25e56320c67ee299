package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.protocol.Sample;
import io.hollerith.server.protocol.SampleSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cutting HTTP bodies into parser-sized chunks of whole lines, and counting the outcome. */
class ChunkedLineIngestorTest {

  static List<String> chunks(String body, int max) {
    List<String> out = new ArrayList<>();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ChunkedLineIngestor.forEachChunk(
        bytes,
        bytes.length,
        max,
        (b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void chunksEndAtNewlines() {
    assertThat(chunks("a:1|c\nb:2|c\nc:3|c\n", 12)).containsExactly("a:1|c\nb:2|c\n", "c:3|c\n");
    assertThat(chunks("a:1|c\nb:2|c", 100)).containsExactly("a:1|c\nb:2|c");
    assertThat(chunks("", 10)).isEmpty();
    // A line longer than the limit goes alone, so the parser rejects exactly that line.
    assertThat(chunks("a:1|c\nveryveryverylong:1|c\nb:2|c\n", 8))
        .containsExactly("a:1|c\n", "veryveryverylong:1|c", "b:2|c\n");
  }

  @Test
  void randomBodiesKeepEveryLineWholeAndChunksWithinTheLimit() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      int max = 1 + random.nextInt(64);
      StringBuilder body = new StringBuilder();
      List<String> lines = new ArrayList<>();
      int n = random.nextInt(30);
      for (int i = 0; i < n; i++) {
        char[] line = new char[1 + random.nextInt(80)];
        Arrays.fill(line, (char) ('a' + random.nextInt(26)));
        lines.add(new String(line));
        body.append(line);
        if (i < n - 1 || random.nextBoolean()) {
          body.append('\n');
        }
      }
      List<String> got = new ArrayList<>();
      for (String chunk : chunks(body.toString(), max)) {
        boolean single = !chunk.substring(0, Math.max(0, chunk.length() - 1)).contains("\n");
        assertThat(chunk.length() <= max || single).as("chunk %s over %d", chunk, max).isTrue();
        String trimmed = chunk.endsWith("\n") ? chunk.substring(0, chunk.length() - 1) : chunk;
        got.addAll(Arrays.asList(trimmed.split("\n", -1)));
      }
      List<String> expected = new ArrayList<>(lines);
      if (body.length() == 0) {
        expected.clear();
      }
      assertThat(got).as("body %s max %d", body, max).isEqualTo(expected);
    }
  }

  /** A fixture parser: lines with ':' and '|' are samples, others are rejected. */
  static void parse(byte[] b, int off, int len, SampleSink sink) {
    for (String line : new String(b, off, len, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.contains(":") && line.contains("|")) {
        sink.accept(new Sample());
      } else {
        sink.reject("no_value", line);
      }
    }
  }

  @Test
  void countsSamplesAndRejectionsAndClosesTheSink() {
    AtomicInteger delivered = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    final class Writer implements SampleSink, AutoCloseable {
      @Override
      public void accept(Sample sample) {
        delivered.incrementAndGet();
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    }
    ChunkedLineIngestor ingestor =
        new ChunkedLineIngestor(() -> ChunkedLineIngestorTest::parse, Writer::new, 16);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      body.append(i % 4 == 0 ? "bad" + i : "m" + i + ":1|c").append('\n');
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    LineIngestor.Result r = ingestor.ingest(bytes, bytes.length);
    assertThat(r.accepted()).isEqualTo(15);
    assertThat(r.rejected()).isEqualTo(5);
    assertThat(r.firstErrors())
        .containsExactly(
            "no_value: bad0",
            "no_value: bad4",
            "no_value: bad8",
            "no_value: bad12",
            "no_value: bad16");
    assertThat(delivered.get()).isEqualTo(15);
    assertThat(closed.get()).isEqualTo(1);
  }
}
