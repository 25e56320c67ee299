package io.hollerith.server.protocol;

/**
 * Receives what the parser makes of a packet: each valid sample, and each rejected line.
 * Implementations are confined to one ingest thread unless they say otherwise.
 */
public interface SampleSink {

  /** A valid sample. The flyweight is valid only during this call. */
  void accept(Sample sample);

  /**
   * A line that was rejected and skipped; the parser has already counted it in the internal
   * stats. {@code linePrefix} is at most the first 200 bytes of the line, decoded leniently.
   */
  default void reject(String reason, String linePrefix) {}
}
