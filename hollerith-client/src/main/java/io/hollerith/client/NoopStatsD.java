package io.hollerith.client;

/**
 * {@link StatsD#noop()}: every metric method does nothing and never throws, whatever its arguments.
 * It is its own pipeline and its own tagged view, and stateless, so one instance serves every
 * thread. Its timers measure and report to it, so they send nothing either (and, like every timer,
 * still require a stat name).
 */
final class NoopStatsD implements Pipeline {

  static final NoopStatsD INSTANCE = new NoopStatsD();

  private NoopStatsD() {}

  @Override
  public void incr(String stat, long count, double rate) {}

  @Override
  public void incr(String stat, double count, double rate) {}

  @Override
  public void decr(String stat, long count, double rate) {}

  @Override
  public void gauge(String stat, long value, double rate, boolean delta) {}

  @Override
  public void gauge(String stat, double value, double rate, boolean delta) {}

  @Override
  public void set(String stat, String value, double rate) {}

  @Override
  public void set(String stat, long value, double rate) {}

  @Override
  public void set(String stat, double value, double rate) {}

  @Override
  public void timing(String stat, double millis, double rate) {}

  @Override
  public void sendLine(String line) {}

  @Override
  public Pipeline pipeline() {
    return this;
  }

  @Override
  public StatsD withTags(String... tags) {
    return this;
  }

  @Override
  public String prefix() {
    return null;
  }

  @Override
  public int size() {
    return 0;
  }

  @Override
  public void send() {}

  @Override
  public void close() {}
}
