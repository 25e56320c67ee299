package io.hollerith.server.api;

import java.util.List;

/**
 * Processes a body of StatsD lines exactly as if they had arrived over UDP (same parser, same
 * aggregator, same limits and counters); {@code POST /api/v1/ingest} calls it. The server wires it
 * to the protocol parser and the aggregator. Implementations must be thread-safe: several HTTP
 * worker threads may call it at once.
 */
@FunctionalInterface
public interface LineIngestor {

  /**
   * Ingests newline-separated lines ({@code \n} or {@code \r\n}; a trailing newline is optional).
   *
   * @param body the request body; only {@code [0, length)} counts; not retained after the call
   * @param length number of bytes of {@code body} to read
   * @return what happened to the lines
   */
  Result ingest(byte[] body, int length);

  /**
   * The outcome of one body.
   *
   * @param accepted samples taken (a DogStatsD multi-value line counts once per value)
   * @param rejected lines skipped as invalid
   * @param firstErrors the reasons of the first rejected lines (at most {@value #MAX_ERRORS}), each
   *     with a prefix of its line
   */
  record Result(long accepted, long rejected, List<String> firstErrors) {
    /** Most errors reported in one answer. */
    public static final int MAX_ERRORS = 10;

    public Result {
      firstErrors =
          firstErrors.size() > MAX_ERRORS
              ? List.copyOf(firstErrors.subList(0, MAX_ERRORS))
              : List.copyOf(firstErrors);
    }
  }
}
