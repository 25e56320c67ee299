package io.hollerith.server.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of {@code jobs:}: a named job that runs a program on a schedule. Checked by {@link
 * ConfigValidator}; turned into a job by the server.
 *
 * @param jobId unique name of the job
 * @param params either a list of parameter names filled from the run's due time ({@code date},
 *     {@code time}), or a mapping of parameter names to fixed values; both are template variables
 * @param schedule when it runs
 * @param program what it runs
 */
public record JobConfig(String jobId, Object params, Schedule schedule, Program program) {

  /** Parameter names a list may give: the run fills them from its due time. */
  public static final Set<String> SCHEDULE_PARAMS = Set.of("date", "time");

  /**
   * The fixed parameter values: none for a list of names (the run fills {@code date} and {@code
   * time}), the mapping's entries otherwise.
   *
   * @throws IllegalArgumentException for another shape, or a listed name the run cannot fill
   */
  public Map<String, String> fixedParams() {
    if (params == null) {
      return Map.of();
    }
    if (params instanceof List<?> names) {
      for (Object name : names) {
        if (!(name instanceof String s) || !SCHEDULE_PARAMS.contains(s)) {
          throw new IllegalArgumentException(
              "a listed parameter must be date or time (filled from the run's due time), got '"
                  + name
                  + "'; give other parameters as a mapping of name: value");
        }
      }
      return Map.of();
    }
    if (params instanceof Map<?, ?> map) {
      Map<String, String> out = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            if (v instanceof Map || v instanceof List || v == null) {
              throw new IllegalArgumentException(
                  "parameter '" + k + "' must have a plain value, got " + v);
            }
            out.put(String.valueOf(k), String.valueOf(v));
          });
      return out;
    }
    throw new IllegalArgumentException(
        "must be a list of names or a mapping of name: value, got '" + params + "'");
  }

  /**
   * When a job runs.
   *
   * @param type {@code interval} or {@code daily}
   * @param interval for {@code interval}: seconds as a bare number ({@code 60}), or a duration with
   *     a unit ({@code 90s}, {@code 5m})
   * @param at for {@code daily}: the UTC time of day, {@code HH:MM} or {@code HH:MM:SS}
   */
  public record Schedule(String type, String interval, String at) {

    /**
     * The interval: a bare number is seconds, otherwise a duration with a unit.
     *
     * @throws IllegalArgumentException if missing, malformed or not positive
     */
    public Duration intervalDuration() {
      if (interval == null || interval.isBlank()) {
        throw new IllegalArgumentException(
            "is required when the type is interval, e.g. 60 (seconds) or 5m");
      }
      String text = interval.trim();
      Duration d =
          text.matches("\\d+")
              ? Duration.ofSeconds(Long.parseLong(text))
              : DurationValues.parse(text);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("must be positive, got '" + interval + "'");
      }
      return d;
    }

    /**
     * The daily time, UTC.
     *
     * @throws IllegalArgumentException if missing or not {@code HH:MM[:SS]}
     */
    public LocalTime atTime() {
      if (at == null || !at.trim().matches("\\d{2}:\\d{2}(:\\d{2})?")) {
        throw new IllegalArgumentException(
            "must be a UTC time of day HH:MM or HH:MM:SS, got '" + at + "'");
      }
      try {
        return LocalTime.parse(at.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "must be a UTC time of day HH:MM or HH:MM:SS, got '" + at + "'");
      }
    }
  }

  /**
   * What a job runs.
   *
   * @param type the program: {@code stats} (also accepted as {@code
   *     apsis.program.internal.stats.StatsProgram})
   * @param path for {@code stats}: a file to append the stats object to as one JSON line, a
   *     template with {@code {{ date }}}, {@code {{ time }}}, {@code {{ job_id }}} and the job's
   *     params
   */
  public record Program(String type, String path) {

    /** The names of the stats program: Hollerith's own and the Apsis one. */
    public static final Set<String> STATS =
        Set.of("stats", "apsis.program.internal.stats.StatsProgram");
  }
}
