package io.hollerith.server.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How series timestamps are written, chosen from the {@code Accept} header as Traffic Ops does:
 * {@code application/json;timestamp=unix} gives integer nanoseconds, {@code timestamp=rfc} RFC 3339
 * strings at second precision. Media ranges are tried by descending q-value (ties: a concrete type
 * before a wildcard, then the range with more parameters); for each, {@code rfc} is checked before
 * {@code unix}, so {@code application/json} and {@code *}{@code /*} give RFC 3339. A range matches
 * when its type matches and every parameter except {@code q} equals ours ({@code charset=utf-8} is
 * accepted too). A range with {@code q=0} is "not acceptable" and never matches. A missing or
 * unparseable header gives RFC 3339; a header nothing matches is a 406. Immutable; {@link
 * #negotiate} is thread-safe.
 */
public enum TimestampFormat {
  RFC("rfc"),
  UNIX("unix");

  private final String param;

  TimestampFormat(String param) {
    this.param = param;
  }

  /** The {@code timestamp=} parameter value. */
  public String param() {
    return param;
  }

  /** {@code application/json; timestamp=…}, the response's Content-Type. */
  public String contentType() {
    return "application/json; timestamp=" + param;
  }

  private record MediaRange(
      String type, String subtype, Map<String, String> params, double q, int order) {
    boolean wildcard() {
      return type.equals("*") || subtype.equals("*");
    }

    boolean satisfiedBy(TimestampFormat f) {
      if (q <= 0) {
        return false;
      }
      if (type.equals("*") && subtype.equals("*")) {
        return true;
      }
      if (!type.equals("application")) {
        return false;
      }
      if (subtype.equals("*")) {
        return true;
      }
      if (!subtype.equals("json")) {
        return false;
      }
      for (Map.Entry<String, String> e : params.entrySet()) {
        switch (e.getKey()) {
          case "q" -> {}
          case "timestamp" -> {
            if (!e.getValue().equalsIgnoreCase(f.param)) {
              return false;
            }
          }
          case "charset" -> {
            if (!e.getValue().equalsIgnoreCase("utf-8")) {
              return false;
            }
          }
          default -> {
            return false;
          }
        }
      }
      return true;
    }
  }

  /**
   * The format for this {@code Accept} header. Never fails on a malformed header (empty list
   * elements such as {@code ,} are skipped; a header with no media range, such as {@code ;}, is
   * unparseable).
   *
   * @throws QueryException 406 when the header is valid and nothing in it can be satisfied
   */
  public static TimestampFormat negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return RFC;
    }
    List<MediaRange> ranges = parse(accept);
    if (ranges == null) {
      return RFC;
    }
    ranges.sort(
        Comparator.comparingDouble((MediaRange r) -> -r.q())
            .thenComparing(r -> r.wildcard() ? 1 : 0)
            .thenComparing(r -> -r.params().size())
            .thenComparingInt(MediaRange::order));
    for (MediaRange r : ranges) {
      if (r.satisfiedBy(RFC)) {
        return RFC;
      }
      if (r.satisfiedBy(UNIX)) {
        return UNIX;
      }
    }
    throw new QueryException(
        406, "Failed to negotiate content; cannot produce output satisfying " + accept);
  }

  /** The ranges, or null when the header does not parse. */
  private static List<MediaRange> parse(String accept) {
    if (accept.length() > 4096) {
      return null;
    }
    List<MediaRange> out = new ArrayList<>();
    int order = 0;
    for (String part : accept.split(",", -1)) {
      if (part.isBlank()) {
        continue;
      }
      String[] pieces = part.split(";", -1);
      String full = pieces[0].trim().toLowerCase(Locale.ROOT);
      int slash = full.indexOf('/');
      if (slash <= 0 || slash == full.length() - 1 || full.indexOf('/', slash + 1) >= 0) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      double q = 1.0;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim();
        int eq = p.indexOf('=');
        if (eq <= 0) {
          return null;
        }
        String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = p.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (key.equals("q")) {
          try {
            q = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            return null;
          }
          if (!(q >= 0 && q <= 1)) {
            return null;
          }
        }
        params.put(key, value);
      }
      out.add(
          new MediaRange(full.substring(0, slash), full.substring(slash + 1), params, q, order++));
    }
    return out.isEmpty() ? null : out;
  }
}
