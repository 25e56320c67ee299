package io.hollerith.server.storage;

/**
 * Mutable tallies of one rollup and retention pass, turned into its {@link RollupReport}. Not
 * thread-safe.
 */
final class RollupTally {
  long read;
  long written;
  long expired;
  long seriesExpired;
  int transactions;
  long longestMillis;

  void transaction(long nanos) {
    transactions++;
    longestMillis = Math.max(longestMillis, nanos / 1_000_000);
  }

  RollupReport report(long tookMillis) {
    return new RollupReport(
        read, written, expired, seriesExpired, transactions, longestMillis, tookMillis);
  }
}
