package io.hollerith.client;

/**
 * The view returned by {@link StatsClientBase#withTags}: the same prefix, random source, clock and
 * connection as its origin, with more tags. Thread-safe exactly when its origin is.
 */
final class TaggedClient extends StatsClientBase {

  private final StatsClientBase origin;

  TaggedClient(StatsClientBase origin, byte[] tagSuffix) {
    super(origin.prefix, tagSuffix, origin.random, origin.nanoClock);
    this.origin = origin;
  }

  @Override
  void deliver(LineBuffer buf, int off, int len) {
    origin.deliver(buf, off, len);
  }

  @Override
  int packLimit() {
    return origin.packLimit();
  }

  /** Closes the origin: the view has no connection of its own. */
  @Override
  public void close() {
    origin.close();
  }
}
