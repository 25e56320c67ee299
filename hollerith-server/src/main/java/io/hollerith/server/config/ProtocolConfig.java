package io.hollerith.server.config;

/**
 * Limits on what the parser accepts. A line or packet over a limit is counted and skipped; the rest
 * of the packet still counts.
 *
 * @param maxPacketBytes largest datagram read (default 65,535, the UDP maximum)
 * @param maxLineBytes longest line accepted (default 8,192 bytes)
 * @param maxNameBytes longest metric name after sanitizing (default 512 bytes)
 * @param maxTags most tags on one line (default 64)
 */
public record ProtocolConfig(
    Integer maxPacketBytes, Integer maxLineBytes, Integer maxNameBytes, Integer maxTags) {
  public ProtocolConfig {
    maxPacketBytes = maxPacketBytes != null ? maxPacketBytes : 65_535;
    maxLineBytes = maxLineBytes != null ? maxLineBytes : 8_192;
    maxNameBytes = maxNameBytes != null ? maxNameBytes : 512;
    maxTags = maxTags != null ? maxTags : 64;
  }
}
