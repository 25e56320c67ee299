package io.hollerith.server.protocol;

/**
 * Receives what the parser makes of a packet: each valid sample, and each rejected line.
 * Implementations are confined to one ingest thread unless they say otherwise.
 */
public interface SampleSink {

  /** A valid sample. The flyweight is valid only during this call. */
  void accept(Sample sample);

  /**
   * A line that was rejected and skipped; the parser has already counted it in the internal stats.
   * {@code linePrefix} is at most the first 200 bytes of the line, decoded leniently.
   */
  default void reject(String reason, String linePrefix) {}

  /**
   * The parser starts one packet (or one chunk of lines): the samples until {@link #endPacket()}
   * arrived together, so a sink may read its clock once for all of them.
   */
  default void beginPacket() {}

  /** The packet begun by {@link #beginPacket()} is done; later samples arrive on their own. */
  default void endPacket() {}
}
