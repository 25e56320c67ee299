package io.hollerith.server.protocol;

/**
 * Why a line (or one value of it) was rejected. The {@link #slug()} is the metric name of the
 * per-reason counter in category {@code bad_lines} and the reason passed to {@link
 * SampleSink#reject}.
 */
enum BadLineReason {
  /** The datagram is larger than {@code maxPacketBytes}; the whole packet is skipped. */
  PACKET_TOO_LARGE("packet_too_large", "packet larger than the configured maximum"),
  /** The line is longer than {@code maxLineBytes}. */
  LINE_TOO_LONG("line_too_long", "line longer than the configured maximum"),
  /** No {@code :} before the first {@code |} (Etsy counts {@code foo} as a bad line too). */
  NO_VALUE("no_value", "no ':' separating name and value"),
  /** The name is empty after sanitizing. */
  EMPTY_NAME("empty_name", "metric name empty after sanitizing"),
  /** The sanitized name is longer than {@code maxNameBytes}. */
  NAME_TOO_LONG("name_too_long", "metric name longer than the configured maximum"),
  /** More tags than {@code maxTags}. */
  TOO_MANY_TAGS("too_many_tags", "more tags than the configured maximum"),
  /** A value without a {@code |type}. */
  MISSING_TYPE("missing_type", "value without a type"),
  /** A type other than c, g, s, ms, h, d. */
  UNKNOWN_TYPE("unknown_type", "unknown metric type"),
  /** The value is not a finite number (counters, gauges, timers). */
  BAD_VALUE("bad_value", "value is not a finite number"),
  /** A negative {@code ms} timer value, which Etsy rejects too. */
  NEGATIVE_TIMER("negative_timer", "negative timer value"),
  /** A sample rate that is not a number in (0, 1]. */
  BAD_SAMPLE_RATE("bad_sample_rate", "sample rate not a number in (0, 1]"),
  /** A {@code |T} timestamp that is not an integer. */
  BAD_TIMESTAMP("bad_timestamp", "timestamp not an integer number of seconds"),
  /** An empty or unrecognised {@code |section} after the type. */
  BAD_SECTION("bad_section", "empty or unknown section after the type"),
  /** A DogStatsD event {@code _e{…}} whose header or lengths do not fit. */
  BAD_EVENT("bad_event", "malformed DogStatsD event"),
  /** A DogStatsD service check {@code _sc|…} without a name or a status 0–3. */
  BAD_SERVICE_CHECK("bad_service_check", "malformed DogStatsD service check"),
  /** The parser or the sink threw; should never happen, counted so it cannot go unseen. */
  INTERNAL_ERROR("internal_error", "internal error while handling the line");

  private final String slug;
  private final String help;

  BadLineReason(String slug, String help) {
    this.slug = slug;
    this.help = help;
  }

  /** Stable snake_case name, used as the counter name and the reject reason. */
  String slug() {
    return slug;
  }

  /** One-line description, used as the counter's help text. */
  String help() {
    return help;
  }
}
