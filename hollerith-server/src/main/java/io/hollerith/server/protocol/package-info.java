/**
 * The StatsD wire protocol: {@link io.hollerith.server.protocol.LineParser} turns packets into
 * {@link io.hollerith.server.protocol.Sample}s for a {@link
 * io.hollerith.server.protocol.SampleSink}.
 *
 * <h2>Packets and lines</h2>
 *
 * A packet holds one or more lines separated by {@code \n}; a {@code \r} right before the {@code
 * \n} is dropped (TCP clients that send CRLF), and empty lines are skipped without being counted as
 * bad. Every line is one of:
 *
 * <pre>
 *   name[tags]:value[:value…]|type[|@rate][|#tags][|T&lt;seconds&gt;][|c:&lt;container&gt;][|e:&lt;data&gt;][|card:&lt;…&gt;][:value|type…]
 *   _e{&lt;title length&gt;,&lt;text length&gt;}:&lt;title&gt;|&lt;text&gt;[|…]     DogStatsD event (counted only)
 *   _sc|&lt;name&gt;|&lt;status 0-3&gt;[|…]                               DogStatsD service check (counted only)
 * </pre>
 *
 * <ul>
 *   <li>Types: {@code c} counter, {@code g} gauge, {@code s} set, {@code ms} timer, and {@code
 *       h}/{@code d} (histogram, distribution), aggregated as timers ({@link
 *       io.hollerith.server.model.MetricType#TIMER}, source type {@code h}/{@code d}; {@code ms}
 *       has source type {@code m}). Spaces or tabs around the type are ignored, as Etsy trims them.
 *       Any other type is a bad line (Etsy would count it as a counter). Etsy validates the value
 *       against the untrimmed type, so there {@code -1| ms} passes as a negative timer and {@code
 *       abc| s} fails as a non-number; here the trimmed type decides (a bad line and a set member).
 *   <li>The sections after the type come in any order (DogStatsD does not fix one). When one
 *       appears twice, the last wins; tags of all {@code |#} sections are joined. {@code c:},
 *       {@code e:}, {@code card:} (any lower-case ASCII word then {@code :}) are DogStatsD
 *       extension fields, read and ignored. An empty section (a trailing {@code |}) or an unknown
 *       one is a bad value group, as Etsy rejects a third field that is not a sample rate (Etsy
 *       ignores a fourth and later field whatever it holds; Hollerith checks every section).
 *   <li>Several values per name: Etsy's {@code name:1|c:2|ms} (a {@code :} right after the type, a
 *       sample rate or a timestamp starts the next value group, with its own type, rate and
 *       timestamp) and DogStatsD 1.1 packing {@code name:1:2:3|ms} (several values sharing one type
 *       and rate). Tags belong to the whole line, as in Etsy 0.9, which splits them off first.
 *       Inside a tag section a {@code :} is part of the tag ({@code name:1|c|#env:prod} is one
 *       value with tag {@code env=prod}). Each bad group or bad packed value is one bad line; the
 *       others still count. Sets are never packed: {@code s} takes the whole value text, {@code :}
 *       included, as its member (DogStatsD).
 *   <li>Numbers are read as JavaScript's {@code Number()} reads them (Etsy validates with {@code
 *       isNaN}): surrounding white space, sign, decimal digits, fraction, exponent, and unsigned
 *       {@code 0x}/{@code 0o}/{@code 0b} integers. {@code NaN}, {@code Infinity}, overflow to
 *       infinity, blank and anything else are bad values — a divergence from Etsy, which accepts
 *       {@code Infinity} and blank text and then carries it into its sums. The parsed double always
 *       equals {@link java.lang.Double#parseDouble} of the same text.
 *   <li>Counters take any finite value, negative and fractional ones included; the rate is not
 *       applied here. Gauges: a value whose first byte is {@code +} or {@code -} is a delta ({@link
 *       io.hollerith.server.protocol.Sample#gaugeDelta()}), otherwise absolute — exactly Etsy's
 *       {@code /^[-+]/} test, so a negative absolute gauge needs {@code 0|g} then {@code -5|g}.
 *       {@code ms} timers must be ≥ 0 (Etsy rejects negative ones); {@code h} and {@code d} accept
 *       any finite value (DogStatsD). A set member is the raw value text (any bytes but {@code |}
 *       and newline); an empty member is {@code "0"}, as in Etsy.
 *   <li>Sample rate {@code @r}: a number in (0, 1]. Etsy accepts {@code @0} (dividing by zero into
 *       an infinite counter) and rates above 1 (shrinking the count); both are client bugs and are
 *       rejected here, since a sample's rate is always in (0, 1]. Etsy reads only the leading
 *       digits and dots of the rate ({@code @1e-05}, as Python formats 0.00001, is rate 1 there,
 *       and {@code @0x1} is rate 0); Hollerith reads the whole number. Etsy 0.9.0's process dies on
 *       a rate that passes its number check but does not start with a digit or dot ({@code @ 0.5},
 *       {@code @+0.5}: a {@code TypeError} in {@code stats.js}); Hollerith reads them as 0.5.
 *   <li>{@code T<seconds>}: an integer (optional sign, at most 18 digits), else a bad line. Whether
 *       the time is acceptable is the aggregator's decision.
 *   <li>A line with no {@code :} before its first {@code |} — e.g. {@code foo} — is a bad line
 *       ({@code no_value}). Etsy 0.9 does the same: it supplies the value {@code "1"}, which then
 *       fails its {@code is_valid_packet} check for lack of a type.
 * </ul>
 *
 * <h2>Names and tags</h2>
 *
 * The name is the text before the first {@code :}, up to the first {@code ,} or {@code ;}; what
 * follows up to the {@code :} is Influx/Telegraf ({@code name,k=v,k2=v2}) or Graphite ({@code
 * name;k=v;k2=v2}) tags, separated by either character, each {@code k=v} or a bare {@code k}.
 * DogStatsD tags are the {@code |#k:v,k2} sections; a DogStatsD tag without {@code :} but with
 * {@code =} is split there ({@code #env=prod} means {@code env=prod}). A bare tag has a null value,
 * and an empty value ({@code env:}) stays empty. Tags from all syntaxes are joined, sorted by
 * {@link io.hollerith.server.model.Tag} order and de-duplicated, so the same series sent in any
 * dialect and any tag order has the same key. Librato/Sysdig {@code name#k=v} is not a tag syntax
 * here: as in Etsy, {@code #} is simply removed from the name.
 *
 * <p><b>Name sanitizing</b> is Etsy StatsD 0.9's {@code sanitizeKeyName}, applied to the name part
 * only (the tags have been split off, which is how Graphite {@code ;k=v} tags survive it):
 *
 * <ol>
 *   <li>each run of JavaScript white space ({@code \s}: ASCII TAB, LF, VT, FF, CR, SPACE and
 *       U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) becomes one
 *       {@code _};
 *   <li>{@code /} becomes {@code -};
 *   <li>every character outside {@code [a-zA-Z_\-0-9.;=]} is removed (all non-ASCII characters and
 *       invalid UTF-8 bytes, too).
 * </ol>
 *
 * A name that is empty afterwards is a bad line ({@code empty_name}; Etsy would accept the empty
 * key); one longer than {@code maxNameBytes} is {@code name_too_long}.
 *
 * <p><b>Tag keys and values</b> keep everything as sent — {@code /}, {@code :}, {@code .}, spaces,
 * any Unicode — except: control characters (U+0000–U+001F, U+007F, U+0080–U+009F) are removed,
 * bytes that are not well-formed UTF-8 are removed (so the key bytes always decode and re-encode to
 * themselves), and keys also lose {@code :}, {@code =} and {@code ,}. A tag whose key is empty
 * afterwards is dropped. Values can never contain {@code ,} (the separator) nor {@code |}.
 *
 * <p>{@link io.hollerith.server.protocol.Sample#keyBytes()} is then exactly the UTF-8 encoding of
 * {@code MetricKey.of(name, tags).canonical()}, built without allocation (tags are sorted as
 * offsets in a reusable {@code int[]}, comparing bytes in {@link java.lang.String#compareTo}
 * order).
 *
 * <h2>Limits and bad lines</h2>
 *
 * From {@link io.hollerith.server.config.ProtocolConfig}: a packet over {@code maxPacketBytes} is
 * skipped whole, a line over {@code maxLineBytes} is skipped, and a line with more than {@code
 * maxTags} tags (counted before de-duplication) is skipped. Each rejection increments {@code
 * messages.bad_lines_seen} (Etsy's name) and {@code bad_lines.<reason>}, is passed to {@link
 * io.hollerith.server.protocol.SampleSink#reject} with the first 200 bytes of the line, and is
 * logged at WARN — at most once per second per parser, with the count of those held back. Reasons:
 * {@code packet_too_large}, {@code line_too_long}, {@code no_value}, {@code empty_name}, {@code
 * name_too_long}, {@code too_many_tags}, {@code missing_type}, {@code unknown_type}, {@code
 * bad_value}, {@code negative_timer}, {@code bad_sample_rate}, {@code bad_timestamp}, {@code
 * bad_section}, {@code bad_event}, {@code bad_service_check}, {@code internal_error} (an exception
 * from the parser or the sink, caught as a last resort).
 *
 * <h2>Internal statistics</h2>
 *
 * {@code messages.metrics_received} (non-empty lines, Etsy's name), {@code messages.samples_parsed}
 * (samples passed to the sink), {@code messages.bad_lines_seen}, {@code bad_lines.<reason>}, {@code
 * protocol.events_received}, {@code protocol.service_checks_received}.
 */
package io.hollerith.server.protocol;
