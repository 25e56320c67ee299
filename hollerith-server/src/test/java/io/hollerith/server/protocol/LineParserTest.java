package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import io.hollerith.server.protocol.RecordingSink.Got;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineParserTest {

  private static final long NO_TS = Sample.NO_TIMESTAMP;

  private final StatsRegistry stats = new StatsRegistry();
  private final AtomicLong clock = new AtomicLong();
  private LineParser parser =
      new LineParser(new ProtocolConfig(null, null, null, null), stats, clock::get);

  // ------------------------------------------------------------ expected-sample helpers

  /** {@code name} or {@code name#k:v,k2} (values may contain ':'). */
  static MetricKey key(String text) {
    int hash = text.indexOf('#');
    if (hash < 0) {
      return MetricKey.of(text);
    }
    List<Tag> tags = new ArrayList<>();
    for (String t : text.substring(hash + 1).split(",")) {
      int colon = t.indexOf(':');
      tags.add(
          colon < 0 ? new Tag(t, null) : new Tag(t.substring(0, colon), t.substring(colon + 1)));
    }
    return MetricKey.of(text.substring(0, hash), tags);
  }

  static Got c(String key, double v) {
    return new Got(MetricType.COUNTER, 'c', key(key), v, false, null, 1.0, NO_TS);
  }

  static Got g(String key, double v) {
    return new Got(MetricType.GAUGE, 'g', key(key), v, false, null, 1.0, NO_TS);
  }

  static Got gDelta(String key, double v) {
    return new Got(MetricType.GAUGE, 'g', key(key), v, true, null, 1.0, NO_TS);
  }

  static Got ms(String key, double v) {
    return new Got(MetricType.TIMER, 'm', key(key), v, false, null, 1.0, NO_TS);
  }

  static Got h(String key, double v) {
    return new Got(MetricType.TIMER, 'h', key(key), v, false, null, 1.0, NO_TS);
  }

  static Got d(String key, double v) {
    return new Got(MetricType.TIMER, 'd', key(key), v, false, null, 1.0, NO_TS);
  }

  static Got s(String key, String member) {
    return new Got(MetricType.SET, 's', key(key), 0, false, member, 1.0, NO_TS);
  }

  static Got rate(Got x, double r) {
    return new Got(
        x.type(),
        x.sourceType(),
        x.key(),
        x.value(),
        x.gaugeDelta(),
        x.member(),
        r,
        x.timestampSeconds());
  }

  static Got ts(Got x, long t) {
    return new Got(
        x.type(),
        x.sourceType(),
        x.key(),
        x.value(),
        x.gaugeDelta(),
        x.member(),
        x.sampleRate(),
        t);
  }

  private RecordingSink parse(String packet) {
    RecordingSink sink = new RecordingSink();
    byte[] bytes = packet.getBytes(StandardCharsets.UTF_8);
    parser.parse(bytes, 0, bytes.length, sink);
    return sink;
  }

  private long stat(String category, String metric) {
    Number n = stats.value(category, metric);
    return n == null ? 0 : n.longValue();
  }

  // ------------------------------------------------------------ valid forms

  static Stream<Arguments> validLines() {
    return Stream.of(
        // pystatsd vectors (seed-systems §5.3)
        arguments("foo:1|c", List.of(c("foo", 1))),
        arguments("foo:10|c", List.of(c("foo", 10))),
        arguments("foo:1.2|c", List.of(c("foo", 1.2))),
        arguments("foo:10|c|@0.5", List.of(rate(c("foo", 10), 0.5))),
        arguments("foo:-1|c", List.of(c("foo", -1))),
        arguments("foo:-1.2|c", List.of(c("foo", -1.2))),
        arguments("foo:-1|c|@0.5", List.of(rate(c("foo", -1), 0.5))),
        arguments("foo:30|g", List.of(g("foo", 30))),
        arguments("foo:1.2|g", List.of(g("foo", 1.2))),
        arguments("foo:70|g|@0.5", List.of(rate(g("foo", 70), 0.5))),
        arguments("foo:+12|g", List.of(gDelta("foo", 12))),
        arguments("foo:-13|g", List.of(gDelta("foo", -13))),
        arguments("foo:+1.2|g", List.of(gDelta("foo", 1.2))),
        arguments("foo:+0|g", List.of(gDelta("foo", 0))),
        arguments("foo:0|g\nfoo:-5|g", List.of(g("foo", 0), gDelta("foo", -5))),
        arguments("foo:10|s", List.of(s("foo", "10"))),
        arguments("foo:2.3|s", List.of(s("foo", "2.3"))),
        arguments("foo:bar|s", List.of(s("foo", "bar"))),
        arguments("foo:2.3|s|@0.5", List.of(rate(s("foo", "2.3"), 0.5))),
        arguments("foo:100.000000|ms", List.of(ms("foo", 100))),
        arguments("foo:350.000000|ms", List.of(ms("foo", 350))),
        arguments("foo:100.000000|ms|@0.5", List.of(rate(ms("foo", 100), 0.5))),
        arguments("foo:129600000.000000|ms", List.of(ms("foo", 129600000))),
        arguments("foo:1234568901234|g", List.of(g("foo", 1234568901234.0))),
        arguments("foo:1234568901234|c", List.of(c("foo", 1234568901234.0))),
        arguments("foo:1234568901234.000000|ms", List.of(ms("foo", 1234568901234.0))),
        arguments("foo.bar:1|c", List.of(c("foo.bar", 1))),
        arguments(
            "foo:1|c\nbar:-1|c\nbaz:320.000000|ms",
            List.of(c("foo", 1), c("bar", -1), ms("baz", 320))),
        arguments(
            "foo:0|g\nfoo:-10|g\nbar:1|c", List.of(g("foo", 0), gDelta("foo", -10), c("bar", 1))),
        // histogram and distribution are timers
        arguments("foo:1.5|h", List.of(h("foo", 1.5))),
        arguments("foo:2|d", List.of(d("foo", 2))),
        arguments("foo:-3|h", List.of(h("foo", -3))),
        arguments("foo:-0|ms", List.of(ms("foo", -0.0))),
        // sets: raw member text
        arguments("foo:a:b|s", List.of(s("foo", "a:b"))),
        arguments("foo:|s", List.of(s("foo", "0"))),
        arguments("foo: x y |s", List.of(s("foo", " x y "))),
        arguments("foo:héllo|s", List.of(s("foo", "héllo"))),
        // Etsy multi-value lines
        arguments("foo:1|c:2|c", List.of(c("foo", 1), c("foo", 2))),
        arguments("foo:1|c:2|ms", List.of(c("foo", 1), ms("foo", 2))),
        arguments("foo:1|c|@0.5:2|c", List.of(rate(c("foo", 1), 0.5), c("foo", 2))),
        arguments("foo:1|c:2|ms|@0.1", List.of(c("foo", 1), rate(ms("foo", 2), 0.1))),
        arguments("foo:a|s:b|s", List.of(s("foo", "a"), s("foo", "b"))),
        // DogStatsD 1.1 value packing
        arguments("foo:1:2:3|c", List.of(c("foo", 1), c("foo", 2), c("foo", 3))),
        arguments("foo:1:2|ms|@0.5", List.of(rate(ms("foo", 1), 0.5), rate(ms("foo", 2), 0.5))),
        arguments("foo:+1:-2|g", List.of(gDelta("foo", 1), gDelta("foo", -2))),
        // DogStatsD tags: ':' inside a tag belongs to the tag
        arguments("foo:1|c|#env:prod", List.of(c("foo#env:prod", 1))),
        arguments("foo:1|c|#env:prod,canary", List.of(c("foo#env:prod,canary", 1))),
        arguments("foo:1|c|#b:2,a:1", List.of(c("foo#a:1,b:2", 1))),
        arguments("foo:1|c|#a:1,a:1", List.of(c("foo#a:1", 1))),
        arguments("foo:1|c|#a:2,a:1,a", List.of(c("foo#a,a:1,a:2", 1))),
        arguments(
            "foo:1|c|#url:http://example.com/a/b?x=1:2",
            List.of(c("foo#url:http://example.com/a/b?x=1:2", 1))),
        arguments("foo:1|c|#env:", List.of(c("foo#env:", 1))),
        arguments("foo:1|c|#env=prod", List.of(c("foo#env:prod", 1))),
        arguments("foo:1|c|#,,env:prod,", List.of(c("foo#env:prod", 1))),
        arguments("foo:1|c|#a:1|#b:2", List.of(c("foo#a:1,b:2", 1))),
        arguments("foo:1|c:2|c|#env:prod", List.of(c("foo#env:prod", 1), c("foo#env:prod", 2))),
        arguments("foo:1:2|d|#env:prod", List.of(d("foo#env:prod", 1), d("foo#env:prod", 2))),
        arguments(
            "foo:1|c|#tag:ünïcødé,emoji:\uD83D\uDE00",
            List.of(c("foo#emoji:\uD83D\uDE00,tag:ünïcødé", 1))),
        // Influx/Telegraf and Graphite tags give the same identity
        arguments("foo,env=prod,canary:1|c", List.of(c("foo#canary,env:prod", 1))),
        arguments("foo;env=prod;canary:1|c", List.of(c("foo#canary,env:prod", 1))),
        arguments("foo;env=prod,region=eu:1|c", List.of(c("foo#env:prod,region:eu", 1))),
        arguments("foo,env=prod:1|c|#region:eu", List.of(c("foo#env:prod,region:eu", 1))),
        arguments("foo,k=a=b:1|c", List.of(c("foo#k:a=b", 1))),
        // sections in any order
        arguments("foo:1|c|T1656581409", List.of(ts(c("foo", 1), 1656581409L))),
        arguments("foo:1|c|#a:b|T123|@0.5|c:abc", List.of(ts(rate(c("foo#a:b", 1), 0.5), 123))),
        arguments("foo:1|g|c:container123|T7|#a:b", List.of(ts(g("foo#a:b", 1), 7))),
        arguments("foo:1|c|e:it-false,cn-x", List.of(c("foo", 1))),
        arguments("foo:1|c|card:high|#a:b", List.of(c("foo#a:b", 1))),
        arguments("foo:1|c|@0.5|@0.25", List.of(rate(c("foo", 1), 0.25))),
        arguments("foo:1|c|T-5", List.of(ts(c("foo", 1), -5))),
        // numbers as JavaScript Number() reads them
        arguments("foo:1e3|c", List.of(c("foo", 1000))),
        arguments("foo:.5|c", List.of(c("foo", 0.5))),
        arguments("foo:5.|c", List.of(c("foo", 5))),
        arguments("foo: 7 |c", List.of(c("foo", 7))),
        arguments("foo:+3|c", List.of(c("foo", 3))),
        arguments("foo:1E-2|ms", List.of(ms("foo", 0.01))),
        arguments("foo:0x10|c", List.of(c("foo", 16))),
        arguments("foo:0b101|c", List.of(c("foo", 5))),
        arguments("foo:0o17|c", List.of(c("foo", 15))),
        arguments("foo: -5|g", List.of(g("foo", -5))),
        arguments("foo:1|c |@0.5", List.of(rate(c("foo", 1), 0.5))),
        arguments("foo:1| ms", List.of(ms("foo", 1))),
        arguments("foo:1|c|@1", List.of(c("foo", 1))),
        arguments("foo:1|c|@1e-05", List.of(rate(c("foo", 1), 1e-05))),
        // Etsy 0.9 name sanitizing
        arguments("my metric/name:1|c", List.of(c("my_metric-name", 1))),
        arguments("a  \t b:1|c", List.of(c("a_b", 1))),
        arguments(" a:1|c", List.of(c("_a", 1))),
        arguments("a$b#c!@(x):1|c", List.of(c("abcx", 1))),
        arguments("a\u00A0b:1|c", List.of(c("a_b", 1))),
        arguments("a \u3000\u2009b:1|c", List.of(c("a_b", 1))),
        arguments("a \u0001 b:1|c", List.of(c("a__b", 1))),
        arguments("münchen:1|c", List.of(c("mnchen", 1))),
        arguments("a=b-c_d.e:1|c", List.of(c("a=b-c_d.e", 1))),
        arguments("a\\b:1|c", List.of(c("ab", 1))),
        // line framing
        arguments("foo:1|c\r\nbar:2|c\r\n", List.of(c("foo", 1), c("bar", 2))),
        arguments("\n\nfoo:1|c\n\n\n", List.of(c("foo", 1))),
        arguments("\r\n", List.of()),
        arguments("", List.of()));
  }

  @ParameterizedTest
  @MethodSource("validLines")
  void parsesValidLines(String packet, List<Got> expected) {
    RecordingSink sink = parse(packet);

    assertThat(sink.rejects).isEmpty();
    assertThat(sink.samples).containsExactlyElementsOf(expected);
    assertThat(stat("messages", "bad_lines_seen")).isZero();
    assertThat(stat("messages", "samples_parsed")).isEqualTo(expected.size());
  }

  // ------------------------------------------------------------ malformed forms

  static Stream<Arguments> badLines() {
    return Stream.of(
        arguments("foo", "no_value"),
        arguments("foo|c", "no_value"),
        arguments("foo|c|#env:prod", "no_value"),
        arguments(":1|c", "empty_name"),
        arguments("$$$:1|c", "empty_name"),
        arguments(",env=prod:1|c", "empty_name"),
        arguments("foo:1", "missing_type"),
        arguments("foo:", "missing_type"),
        arguments("foo:1|", "missing_type"),
        arguments("foo:1| ", "missing_type"),
        arguments("foo:1|x", "unknown_type"),
        arguments("foo:1|cc", "unknown_type"),
        arguments("foo:1|C", "unknown_type"),
        arguments("foo:1|m s", "unknown_type"),
        arguments("foo:abc|c", "bad_value"),
        arguments("foo:|c", "bad_value"),
        arguments("foo: |c", "bad_value"),
        arguments("foo:|g", "bad_value"),
        arguments("foo:NaN|g", "bad_value"),
        arguments("foo:Infinity|c", "bad_value"),
        arguments("foo:-Infinity|ms", "bad_value"),
        arguments("foo:1e999|c", "bad_value"),
        arguments("foo:1..2|c", "bad_value"),
        arguments("foo:--1|c", "bad_value"),
        arguments("foo:+|c", "bad_value"),
        arguments("foo:.|c", "bad_value"),
        arguments("foo:1e|c", "bad_value"),
        arguments("foo:1e+|c", "bad_value"),
        arguments("foo:-0x10|c", "bad_value"),
        arguments("foo:0x|c", "bad_value"),
        arguments("foo:0xg|c", "bad_value"),
        arguments("foo:1_000|c", "bad_value"),
        arguments("foo:12abc|ms", "bad_value"),
        arguments("foo:-1|ms", "negative_timer"),
        arguments("foo:-0.001|ms", "negative_timer"),
        arguments("foo:1|c|@0", "bad_sample_rate"),
        arguments("foo:1|c|@0.0", "bad_sample_rate"),
        arguments("foo:1|c|@2", "bad_sample_rate"),
        arguments("foo:1|c|@1.0001", "bad_sample_rate"),
        arguments("foo:1|c|@-0.5", "bad_sample_rate"),
        arguments("foo:1|c|@abc", "bad_sample_rate"),
        arguments("foo:1|c|@", "bad_sample_rate"),
        arguments("foo:1|c|@NaN", "bad_sample_rate"),
        arguments("foo:1|c|Tabc", "bad_timestamp"),
        arguments("foo:1|c|T", "bad_timestamp"),
        arguments("foo:1|c|T1.5", "bad_timestamp"),
        arguments("foo:1|c|T12345678901234567890", "bad_timestamp"),
        arguments("foo:1|c|xyz", "bad_section"),
        arguments("foo:1|c|", "bad_section"),
        arguments("foo:1|c||#a:b", "bad_section"),
        arguments("foo:1|c|Cabc", "bad_section"),
        arguments("foo:1|c|card", "bad_section"),
        arguments("foo:1|c|1ab", "bad_section"),
        arguments("_e{5,4}:tit|text", "bad_event"),
        arguments("_e{abc}:x|y", "bad_event"),
        arguments("_e{0,4}:|text", "bad_event"),
        arguments("_e{5,40}:title|text", "bad_event"),
        arguments("_e{5,4}:titletext", "bad_event"),
        arguments("_sc|name|7", "bad_service_check"),
        arguments("_sc||0", "bad_service_check"),
        arguments("_sc|name", "bad_service_check"),
        arguments("_sc|name|01", "bad_service_check"));
  }

  @ParameterizedTest
  @MethodSource("badLines")
  void rejectsMalformedLines(String line, String reason) {
    RecordingSink sink = parse(line);

    assertThat(sink.samples).isEmpty();
    assertThat(sink.reasons()).containsExactly(reason);
    assertThat(sink.rejects.get(0).prefix()).isEqualTo(line);
    assertThat(stat("messages", "bad_lines_seen")).isEqualTo(1);
    assertThat(stat("bad_lines", reason)).isEqualTo(1);
    assertThat(stat("messages", "metrics_received")).isEqualTo(1);
  }

  @Test
  void badLinesDoNotSpoilTheRestOfThePacket() {
    RecordingSink sink = parse("a:1|c\nfoo\nb:2|x\nc:3|g\n:1|c\nd:4|ms");

    assertThat(sink.samples).containsExactly(c("a", 1), g("c", 3), ms("d", 4));
    assertThat(sink.reasons()).containsExactly("no_value", "unknown_type", "empty_name");
    assertThat(stat("messages", "bad_lines_seen")).isEqualTo(3);
    assertThat(stat("messages", "metrics_received")).isEqualTo(6);
    assertThat(stat("messages", "samples_parsed")).isEqualTo(3);
  }

  @Test
  void aBadValueGroupSkipsOnlyThatGroup() {
    RecordingSink sink = parse("foo:1|c:x|c:3|c|@7:4|ms");

    assertThat(sink.samples).containsExactly(c("foo", 1), ms("foo", 4));
    assertThat(sink.reasons()).containsExactly("bad_value", "bad_sample_rate");
    assertThat(stat("messages", "bad_lines_seen")).isEqualTo(2);
  }

  @Test
  void aBadPackedValueSkipsOnlyThatValue() {
    RecordingSink sink = parse("foo:1:x:3|c");

    assertThat(sink.samples).containsExactly(c("foo", 1), c("foo", 3));
    assertThat(sink.reasons()).containsExactly("bad_value");
  }

  @Test
  void countsEventsAndServiceChecksWithoutPassingThemOn() {
    RecordingSink sink =
        parse("_e{5,4}:title|text|#a:b\n_e{2,0}:hi|\n_sc|check|0|#a:b|m:ok\n_sc|db|3\nfoo:1|c");

    assertThat(sink.samples).containsExactly(c("foo", 1));
    assertThat(sink.rejects).isEmpty();
    assertThat(stat("protocol", "events_received")).isEqualTo(2);
    assertThat(stat("protocol", "service_checks_received")).isEqualTo(2);
    assertThat(stat("messages", "metrics_received")).isEqualTo(5);
  }

  @Test
  void allTagSyntaxesAndOrdersGiveTheSameKeyBytes() {
    String[] lines = {
      "req.count,host=a,env=prod,canary:1|c",
      "req.count;env=prod;canary;host=a:1|c",
      "req.count:1|c|#host:a,canary,env:prod",
      "req.count,canary:1|c|#env:prod,host:a,host:a",
      "req.count:1|c|#canary|#host=a,env:prod",
    };
    List<String> keys = new ArrayList<>();
    List<Integer> hashes = new ArrayList<>();
    for (String line : lines) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      parser.parse(
          bytes,
          0,
          bytes.length,
          new SampleSink() {
            @Override
            public void accept(Sample sample) {
              keys.add(
                  new String(sample.keyBytes(), 0, sample.keyLength(), StandardCharsets.UTF_8));
              hashes.add(sample.keyHash());
              assertThat(sample.nameLength()).isEqualTo("req.count".length());
            }
          });
    }
    String expected = key("req.count#canary,env:prod,host:a").canonical();
    assertThat(keys).hasSize(lines.length).containsOnly(expected);
    assertThat(hashes)
        .containsOnly(
            Sample.hashKey(expected.getBytes(StandardCharsets.UTF_8), 0, expected.length()));
  }

  @Test
  void tagTextKeepsUrlsAndDropsControlsAndAmbiguousKeyCharacters() {
    RecordingSink sink =
        parse("foo:1|c|#url:https://x.io/a;b?c=d:e,k\u0001ey:v\u0007al,sp ace:a b,\u0085c1:x");

    assertThat(sink.samples)
        .containsExactly(c("foo#c1:x,key:val,sp ace:a b,url:https://x.io/a;b?c=d:e", 1));
  }

  @Test
  void invalidUtf8IsDroppedFromTagsAndNames() {
    byte[] line = {
      'f',
      (byte) 0xFF,
      'o',
      ':',
      '1',
      '|',
      'c',
      '|',
      '#',
      'k',
      (byte) 0xC3,
      ':',
      'v',
      (byte) 0xE2,
      (byte) 0x82
    };
    RecordingSink sink = new RecordingSink();
    parser.parse(line, 0, line.length, sink);

    assertThat(sink.samples).containsExactly(c("fo#k:v", 1));
  }

  // ------------------------------------------------------------ limits

  @Test
  void enforcesConfiguredLimits() {
    parser = new LineParser(new ProtocolConfig(100, 40, 8, 2), stats, clock::get);

    assertThat(parse("abcdefgh:1|c").samples).hasSize(1);
    assertThat(parse("abcdefghi:1|c").reasons()).containsExactly("name_too_long");
    assertThat(parse("a b c d e f g h i:1|c").reasons()).containsExactly("name_too_long");
    assertThat(parse("x:1|c|#a,b").samples).hasSize(1);
    assertThat(parse("x:1|c|#a,b,c").reasons()).containsExactly("too_many_tags");
    assertThat(parse("x,a=1:1|c|#b,c").reasons()).containsExactly("too_many_tags");
    assertThat(parse("x:1|c|#" + "a".repeat(33)).samples).hasSize(1); // 40 bytes
    assertThat(parse("x:1|c|#" + "a".repeat(34)).reasons()).containsExactly("line_too_long");
    RecordingSink big = parse("x:1|c\n".repeat(17) + "y:1|c\n");
    assertThat(big.samples).isEmpty();
    assertThat(big.reasons()).containsExactly("packet_too_large");
    assertThat(big.rejects.get(0).prefix()).isEqualTo("108 bytes, more than the limit of 100");
    assertThat(parse("x:1|c\n".repeat(16)).samples).hasSize(16);
    assertThat(stat("bad_lines", "packet_too_large")).isEqualTo(1);
  }

  @Test
  void rejectPrefixIsTheFirst200Bytes() {
    String line = "x:1|c|" + "z".repeat(300);
    RecordingSink sink = parse(line);

    assertThat(sink.reasons()).containsExactly("bad_section");
    assertThat(sink.rejects.get(0).prefix()).isEqualTo(line.substring(0, 200));
  }

  // ------------------------------------------------------------ robustness and logging

  @Test
  void aThrowingSinkIsCountedAsInternalErrorAndTheNextLinesStillCount() {
    List<String> seen = new ArrayList<>();
    SampleSink sink =
        new SampleSink() {
          @Override
          public void accept(Sample sample) {
            String name =
                new String(sample.keyBytes(), 0, sample.nameLength(), StandardCharsets.UTF_8);
            if (name.equals("boom")) {
              throw new IllegalStateException("sink failure");
            }
            seen.add(name);
          }
        };
    byte[] bytes = "a:1|c\nboom:1|c\nb:1|c".getBytes(StandardCharsets.UTF_8);
    parser.parse(bytes, 0, bytes.length, sink);

    assertThat(seen).containsExactly("a", "b");
    assertThat(stat("bad_lines", "internal_error")).isEqualTo(1);
    assertThat(stat("messages", "bad_lines_seen")).isEqualTo(1);
  }

  @Test
  void warnsAtMostOncePerSecond() {
    for (int i = 0; i < 50; i++) {
      parse("bad line " + i);
    }
    assertThat(parser.warningsLogged()).isEqualTo(1);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    parse("bad");
    assertThat(parser.warningsLogged()).isEqualTo(1);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    parse("bad");
    parse("bad");
    assertThat(parser.warningsLogged()).isEqualTo(2);
    assertThat(stat("messages", "bad_lines_seen")).isEqualTo(53);
  }

  @Test
  void escapesControlCharactersForTheLog() {
    assertThat(BadLineReporter.escapeForLog("a\rb\u001b[31m\"q\"\\"))
        .isEqualTo("a\\x0db\\x1b[31m\\\"q\\\"\\\\");
  }

  @Test
  void parsesASliceOfALargerArray() {
    byte[] bytes = "xxxfoo:1|c\nbar:2|gyyy".getBytes(StandardCharsets.UTF_8);
    RecordingSink sink = new RecordingSink();
    parser.parse(bytes, 3, bytes.length - 6, sink);

    assertThat(sink.samples).containsExactly(c("foo", 1), g("bar", 2));
  }

  @Test
  void aLongLineGrowsTheScratchArraysAndTheNextShortLineStillParses() {
    StringBuilder tags = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      tags.append(i == 0 ? "" : ",").append("tag").append(59 - i).append(":value-").append(i);
    }
    RecordingSink sink =
        parse("long.name." + "n".repeat(400) + ":1|c|#" + tags + "\nshort:2|c|#z:1,a:2");

    assertThat(sink.rejects).isEmpty();
    assertThat(sink.samples).hasSize(2);
    assertThat(sink.samples.get(0).key().tags()).hasSize(60);
    assertThat(sink.samples.get(1)).isEqualTo(c("short#a:2,z:1", 2));
  }

  @Test
  void parsesByteBufsOfEveryKindWithoutMovingTheirIndexes() {
    byte[] text = "foo:1|c\nbar:2|g|#a:b".getBytes(StandardCharsets.UTF_8);
    List<Got> expected = List.of(c("foo", 1), g("bar#a:b", 2));

    ByteBuf heap =
        Unpooled.wrappedBuffer(
                ("junk" + new String(text, StandardCharsets.UTF_8) + "tail")
                    .getBytes(StandardCharsets.UTF_8))
            .slice(4, text.length);
    ByteBuf offsetHeap =
        Unpooled.buffer(64).writeBytes("skip".getBytes(StandardCharsets.UTF_8)).writeBytes(text);
    offsetHeap.readerIndex(4);
    ByteBuf direct = Unpooled.directBuffer(64).writeBytes(text);
    ByteBuf composite =
        Unpooled.wrappedBuffer(
            Unpooled.copiedBuffer(text, 0, 5),
            Unpooled.directBuffer(64).writeBytes(text, 5, text.length - 5));
    for (ByteBuf buf : List.of(heap, offsetHeap, direct, composite)) {
      int reader = buf.readerIndex();
      int writer = buf.writerIndex();
      RecordingSink sink = new RecordingSink();
      parser.parse(buf, sink);

      assertThat(sink.samples).as(buf.toString()).containsExactlyElementsOf(expected);
      assertThat(buf.readerIndex()).isEqualTo(reader);
      assertThat(buf.writerIndex()).isEqualTo(writer);
      assertThat(buf.refCnt()).isEqualTo(1);
      buf.release();
    }
  }

  @Test
  void rejectsAnOversizedByteBufWithoutCopyingIt() {
    parser = new LineParser(new ProtocolConfig(16, null, null, null), stats, clock::get);
    ByteBuf direct =
        Unpooled.directBuffer(64)
            .writeBytes("foo:1|c\nbar:1|c\nbaz:1|c".getBytes(StandardCharsets.UTF_8));
    RecordingSink sink = new RecordingSink();
    parser.parse(direct, sink);
    direct.release();

    assertThat(sink.samples).isEmpty();
    assertThat(sink.reasons()).containsExactly("packet_too_large");
  }

  @Test
  void setMembersLongerThanTheInitialBuffer() {
    String member = "m".repeat(1000);
    assertThat(parse("foo:" + member + "|s").samples).containsExactly(s("foo", member));
  }
}
